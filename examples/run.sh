#!/usr/bin/env bash
# Sets up xlperf and runs the main job on the bundled example (the seed's 2020 form):
# check and score it, build the macro-enabled workbook, export Attachment 3 and the
# clean submission copy. Outputs go to out/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-deps.sh || echo "（未安装 LibreOffice：跳过 PDF）"
bash scripts/venv.sh
x=.venv/bin/xlperf
data=examples/shaoguan-2020.json
mkdir -p out
$x check "$data" || [ $? -eq 1 ]
$x new out/shaoguan-2020.xlsm --from "$data" --force
$x export "$data" -o out/shaoguan-2020-附件3.docx --force $(command -v soffice >/dev/null && echo --pdf)
$x submit "$data" -o out/shaoguan-2020-报送.xlsx --force
ls -l out/
echo "命令行：先运行 source .venv/bin/activate，之后可直接用 xlperf（或写作 .venv/bin/xlperf）。"
