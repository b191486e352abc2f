#!/usr/bin/env bash
# Creates .venv (once) and installs xlperf into it, with the extras named in $1 (optional).
set -euo pipefail
extras="${1:-}"
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -e ".${extras:+[$extras]}"
