#!/usr/bin/env bash
# Sets up everything the tests need on a fresh Debian machine, then runs them.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-deps.sh
bash scripts/venv.sh test
# One worker per core, each test file whole on one worker: the LibreOffice-heavy files
# (each batches its workbooks into a few soffice calls) then run side by side.
exec .venv/bin/python -m pytest -n auto --dist loadfile "$@"
