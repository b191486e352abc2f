"""The indicator rows' 分值 (weight) in the Guangdong workbook: column J, beside the printed table.

Built from a data file, read back, refused when it cannot be read, copied into the submission
copy, shown in the 评分表 and the report; `_xlperf` records the form kind. The native formulas
against the engine for weighted forms are in tests/test_native_formulas.py and
tests/test_flags.py (LibreOffice recalculating).
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from xlperf.cli import main
from xlperf.engine import evaluate
from xlperf.forms.guangdong_1_1 import layout as L
from xlperf.forms.guangdong_1_1.model import SelfEvaluation, SubCategory, indicator_path
from xlperf.workbook.build import build_workbook
from xlperf.workbook.read import WorkbookError, read_workbook_with_layout

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "shaoguan-2020.json"


def weighted_seed() -> SelfEvaluation:
    """The seed with 分值 on two of its indicator rows (quantity 30 of 产出's 50, satisfaction 10)."""
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    data["indicators"]["quantity"][0]["weight"] = "30"
    data["indicators"]["satisfaction"][0]["weight"] = "10"
    return SelfEvaluation.model_validate(data)


@pytest.fixture
def source(tmp_path) -> Path:
    path = tmp_path / "weighted.json"
    path.write_text(weighted_seed().to_json(), encoding="utf-8")
    return path


def _weight_cell(lay: L.Layout, sub: SubCategory, i: int = 0) -> L.Cell:
    return lay.cell_for(indicator_path(sub, i, "weight"))


def test_new_from_a_data_file_writes_the_weights_and_reads_them_back(tmp_path, source):
    for out in (tmp_path / "表.xlsm", tmp_path / "表.xlsx"):
        args = ["new", str(out), "--from", str(source)] + (["--edition", "formulas"] if out.suffix == ".xlsx" else [])
        assert main(args) == 0
        ev, lay = read_workbook_with_layout(out)
        assert ev == weighted_seed()
        ws = openpyxl.load_workbook(out)[L.FORM]
        assert ws[_weight_cell(lay, SubCategory.quantity).area.first].value == 30
        assert ws[_weight_cell(lay, SubCategory.quality).area.first].value is None
        header = lay.cell_for(indicator_path(SubCategory.quantity, 0, "name")).area.row - 1
        assert ws[L.a1(header, L.J)].value == L.WEIGHT_TITLE
        assert ws[_weight_cell(lay, SubCategory.quantity).area.first].protection.locked is False


def test_the_score_sheet_and_the_report_show_the_weighted_points(tmp_path):
    source = tmp_path / "weighted.json"
    ev = weighted_seed()
    ev.report.self_assessment = ""  # written by the report from the scorecard
    source.write_text(ev.to_json(), encoding="utf-8")
    out = tmp_path / "表.xlsm"
    assert main(["new", str(out), "--from", str(source)]) == 0
    ev, lay = read_workbook_with_layout(out)
    card = evaluate(ev).scorecard
    first = card.item("indicators.quantity[0]")
    assert first.available == Decimal("42.86")  # 30 of 产出's 50, × 100/70 (效益 is 无)
    assert "按各指标的分值分配" in first.explanation
    ws = openpyxl.load_workbook(out, data_only=True)[L.SCORE]
    shown = ws[lay.cell_for(L.score_path("indicators.quantity[0]", "available")).area.first].value
    explained = ws[lay.cell_for(L.score_path("indicators.quantity[0]", "explanation")).area.first].value
    assert Decimal(str(shown)) == first.available and "按各指标的分值分配" in explained
    docx = tmp_path / "报告.docx"
    assert main(["export", str(out), "-o", str(docx)]) in (0, 1)
    from docx import Document

    doc = Document(str(docx))
    text = "\n".join([p.text for p in doc.paragraphs]
                     + [c.text for t in doc.tables for row in t.rows for c in row.cells])
    assert "满分42.86分" in text


def test_submit_copies_the_weights(tmp_path, source):
    book = tmp_path / "表.xlsm"
    assert main(["new", str(book), "--from", str(source)]) == 0
    copy = tmp_path / "报送.xlsx"
    assert main(["submit", str(book), "-o", str(copy), "--allow-errors"]) in (0, 1)
    ev, lay = read_workbook_with_layout(copy)
    assert ev.indicators.quantity[0].weight == Decimal("30")
    ws = openpyxl.load_workbook(copy)[L.FORM]
    assert ws[_weight_cell(lay, SubCategory.satisfaction).area.first].value == 10
    assert lay.sheet(L.FORM).print_area.last_col == L.I


@pytest.mark.parametrize(("typed", "said"), [
    ("五", "应为数字（不小于0），实际为“五”"),
    ("5", "应为数字（不小于0），实际为“5”"),
    (-1, "不能为负数，实际为“-1”"),
    ("=10+5", "是公式"),
])
def test_a_weight_that_cannot_be_read_is_refused_naming_the_cell(tmp_path, typed, said):
    path = tmp_path / "表.xlsx"
    lay = build_workbook(path, weighted_seed(), mode="formulas")
    cell = _weight_cell(lay, SubCategory.quality)
    book = openpyxl.load_workbook(path)
    book[L.FORM][cell.area.first].value = typed
    book.save(path)
    with pytest.raises(WorkbookError) as e:
        read_workbook_with_layout(path)
    assert f"附件1-1!{cell.area.first}（分值）" in str(e.value) and said in str(e.value)


def test_blank_weights_read_as_the_equal_split(tmp_path):
    path = tmp_path / "表.xlsx"
    lay = build_workbook(path, weighted_seed(), mode="formulas")
    book = openpyxl.load_workbook(path)
    for sub in (SubCategory.quantity, SubCategory.satisfaction):
        book[L.FORM][_weight_cell(lay, sub).area.first].value = "  "
    book.save(path)
    ev = read_workbook_with_layout(path)[0]
    assert ev == SelfEvaluation.from_json(EXAMPLE.read_text(encoding="utf-8"))


def test_a_weight_alone_makes_an_indicator_row():
    """A 分值 typed in an otherwise empty row is a row, for the reader as for the formulas
    (their row test spans E..J), so that both score the same rows."""
    lay = L.Layout()
    cell = next(c for c in lay.sheet(L.FORM).cells if c.args == ("indicators.quality[1]", "exists"))
    row = cell.area.row + 1
    assert f"E{row}:J{row + 1}" in cell.formula


def test_the_workbook_records_its_form_kind_and_one_without_still_reads(tmp_path):
    from xlperf import forms

    meta = dict(L.Layout().meta())
    assert meta["form_kind"] == forms.GUANGDONG == L.FORM_KIND
    path = tmp_path / "表.xlsx"
    build_workbook(path, weighted_seed(), mode="formulas")
    book = openpyxl.load_workbook(path)
    ws = book[L.META]
    kind_row = next(r for r in ws.iter_rows() if r[0].value == "form_kind")
    assert kind_row[1].value == "guangdong-1-1"
    kind_row[0].value = kind_row[1].value = None
    book.save(path)
    assert read_workbook_with_layout(path)[0] == weighted_seed()
