"""What prints: the whole marked workbook rendered by LibreOffice.

The 校验结果 sheet prints one page wide (every finding's 说明 whole, on the page of its
code), and neither the xlwings.conf sheet nor the hidden _xlperf sheet is ever printed.
The picture docs/check-results.png comes from the same conversion:
    pdftoppm -r 80 -png -f <first 校验结果 page> -singlefile marked.pdf docs/check-results
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

from xlperf.engine import evaluate
from xlperf.excel import process_file
from xlperf.forms.guangdong_1_1.model import SelfEvaluation
from xlperf.workbook.editions import new_workbook

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "examples" / "shaoguan-2020.json"
FONTS = ROOT / "xlperf" / "fonts" / "fonts.conf"


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def marked(tmp_path_factory):
    missing = [t for t in ("soffice", "pdftotext") if shutil.which(t) is None]
    assert not missing, f"not installed: {', '.join(missing)} (run scripts/system-deps.sh)"
    folder = tmp_path_factory.mktemp("print")
    ev = SelfEvaluation.from_json(SEED.read_text(encoding="utf-8"))
    ev.basic.contact_phone = "12345"
    ev.basic.eval_amount = Decimal("-122.17")
    ev.indicators.quality[0].actual = "90%"
    src = folder / "form.json"
    src.write_text(ev.to_json(), encoding="utf-8")
    book = new_workbook(folder / "form.xlsm", source=src)
    out = folder / "marked.xlsm"
    process_file(book, out, "mark")
    env = dict(os.environ, FONTCONFIG_FILE=str(FONTS))
    subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--convert-to", "pdf",
         "--outdir", str(folder), str(out)],
        env=env, check=True, capture_output=True, timeout=300,
    )
    pdf = folder / "marked.pdf"
    raw = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return evaluate(ev).findings, pdf, [squash(p) for p in raw.split("\f")]


def test_check_results_print_one_page_wide_with_every_explanation_whole(marked):
    findings, _, pages = marked
    assert findings
    on = [i for i, p in enumerate(pages) if "校验结果：" in p]
    assert on, "the 校验结果 sheet is not printed"
    for f in findings:
        message = squash(f.message)
        holding = [i for i in on if message in pages[i]]
        assert holding, f"{f.code}: its 说明 is cut or missing"
        assert any(f.code in pages[i] for i in holding), f"{f.code}: code and 说明 on different pages"


def test_settings_and_hidden_sheets_never_print(marked):
    _, _, pages = marked
    printed = "".join(pages)
    for word in ("Interpreter_Win", "UDFModules", "UseUDFServer", "layout_version", "generator"):
        assert word not in printed
    assert "基本情况" in printed and "校验结果：" in printed
