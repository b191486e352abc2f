"""The copy for the finance bureau (`xlperf submit`): no macros, no worksheet functions,
the engine's values in place, the same form and print setup, readable anywhere."""

import os
import shutil
import subprocess
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from xlperf.workbook.editions import new_workbook, submission_copy
from xlperf.engine import evaluate
from xlperf.forms.guangdong_1_1.model import SelfEvaluation
from xlperf.workbook.read import read_workbook_with_layout

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "shaoguan-2020.json"
FONTS = ROOT / "xlperf" / "fonts" / "fonts.conf"


@pytest.fixture(scope="module")
def copy(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("submit")
    book = new_workbook(folder / "form.xlsm", source=EXAMPLE)
    return submission_copy(book, folder / "报送.xlsx")


def cell(wb, ref: str):
    sheet, _, where = ref.rpartition("!")
    return wb[sheet.strip("'")][where]


def test_no_macros_and_no_formulas(copy):
    with zipfile.ZipFile(copy) as z:
        names = z.namelist()
        assert not [n for n in names if "vba" in n.lower()]
        content_types = z.read("[Content_Types].xml").decode()
    assert "macroEnabled" not in content_types
    wb = openpyxl.load_workbook(copy)
    formulas = [f"{ws.title}!{c.coordinate}" for ws in wb for row in ws.iter_rows() for c in row
                if isinstance(c.value, str) and c.value.startswith("=")]
    assert formulas == []
    assert "xlwings.conf" not in wb.sheetnames
    assert {"附件1-1", "评分表", "自评报告"} <= set(wb.sheetnames)


def test_the_engines_values_are_in_place(copy):
    ev = SelfEvaluation.from_json(EXAMPLE.read_text(encoding="utf-8"))
    back, layout = read_workbook_with_layout(copy)
    assert back == ev
    result = evaluate(ev, locate=layout.cell_of)
    wb = openpyxl.load_workbook(copy)
    assert Decimal(str(cell(wb, layout.cell_of("funding.budget[0].total")).value)) == Decimal("122.17")
    assert Decimal(str(cell(wb, layout.cell_of("scoring.total")).value)) == result.scorecard.total
    assert cell(wb, layout.cell_of("scoring.grade")).value == result.scorecard.grade == "优"


def test_same_form_and_print_setup(copy):
    wb = openpyxl.load_workbook(copy)
    ws = wb["附件1-1"]
    assert ws.print_area
    assert ws.page_setup.paperSize in (9, "9")  # A4
    assert ws.page_setup.orientation == "portrait"
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.fitToWidth in (None, 1, "1")  # absent means 1 page wide
    assert ws.page_setup.fitToHeight in (0, "0")  # as many pages tall as needed
    assert len(ws.merged_cells.ranges) > 30
    texts = {c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    assert {"市级财政支出项目绩效自评基础信息表", "资金安排情况", "绩效指标情况", "未完成原因说明"} <= texts


def test_libreoffice_renders_the_copy(copy, tmp_path):
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice is not installed (run scripts/system-deps.sh)"
    env = dict(os.environ, FONTCONFIG_FILE=str(FONTS))
    done = subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(copy)],
        capture_output=True, text=True, env=env, timeout=180,
    )
    pdf = tmp_path / (copy.stem + ".pdf")
    assert pdf.exists(), done.stderr
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    squashed = "".join(text.split())
    for label in ("市级财政支出项目绩效自评基础信息表", "韶关市行政服务中心", "122.17", "绩效自评评分表", "市级财政支出项目绩效自评报告"):
        assert label in squashed


# ---- the gate: a form with errors gets no copy unless asked


def _form(tmp_path, phone: str) -> Path:
    ev = SelfEvaluation.from_json(EXAMPLE.read_text(encoding="utf-8"))
    ev.basic.contact_phone = phone
    src = tmp_path / "form.json"
    src.write_text(ev.to_json(), encoding="utf-8")
    return src


def test_submit_refuses_a_form_with_errors_and_prints_them(tmp_path, capsys):
    from xlperf.cli import main

    out = tmp_path / "报送.xlsx"
    assert main(["submit", str(_form(tmp_path, "12ab")), "-o", str(out)]) == 1
    text = capsys.readouterr().out
    assert not out.exists()
    assert text.startswith("未生成报送副本：自评表有 1 个错误") and "--allow-errors" in text
    assert "FMT001" in text and "FMT003" in text  # the error, and the warnings too


def test_submit_with_allow_errors_writes_the_copy_and_still_prints_them(tmp_path, capsys):
    from xlperf.cli import main

    out = tmp_path / "报送.xlsx"
    assert main(["submit", str(_form(tmp_path, "12ab")), "-o", str(out), "--allow-errors"]) == 1
    text = capsys.readouterr().out
    assert out.exists() and "带着 1 个错误" in text and "FMT001" in text


def test_submit_prints_warnings_of_a_form_without_errors(tmp_path, capsys):
    from xlperf.cli import main

    out = tmp_path / "报送.xlsx"
    assert main(["submit", str(_form(tmp_path, "0751-8877833")), "-o", str(out)]) == 0
    text = capsys.readouterr().out
    assert text.startswith(f"已生成报送副本：{out}") and out.exists()
    assert "0 个错误、" in text and "FMT003" in text and "IND004" in text
