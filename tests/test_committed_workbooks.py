"""The ready-to-open workbooks under workbook/ are what `xlperf new` builds today."""

import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from oletools.olevba import VBA_Parser

from xlperf.workbook.editions import new_workbook
from xlperf.forms.guangdong_1_1.model import SelfEvaluation
from xlperf.workbook.read import read_workbook_with_layout

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "shaoguan-2020.json"
EMPTY = ROOT / "workbook" / "xlperf-自评表.xlsm"
SAMPLE = ROOT / "workbook" / "示例-韶关市行政服务中心-2020.xlsm"
VARIES = {"docProps/core.xml", "xl/vbaProject.bin"}
"""Parts allowed to differ: the build time, and the VBA project, which embeds the xlwings
module of whatever xlwings is installed (its own test compares it with that version)."""


FORMULAS = ROOT / "workbook" / "xlperf-自评表-公式版.xlsx"
NATIONAL_FORMULAS = ROOT / "workbook" / "项目支出绩效自评表-公式版.xlsx"
"""The empty national 项目支出绩效自评表, formula edition (`xlperf new --form national`)."""


@pytest.mark.parametrize("committed, source, form", [(EMPTY, None, None), (SAMPLE, EXAMPLE, None), (FORMULAS, None, None),
                                                     (NATIONAL_FORMULAS, None, "national")])
def test_committed_workbook_is_current(tmp_path, committed, source, form):
    fresh = tmp_path / f"fresh{committed.suffix}"
    new_workbook(fresh, source=source, edition="formulas" if committed.suffix == ".xlsx" else "macro", form=form)
    with zipfile.ZipFile(committed) as old, zipfile.ZipFile(fresh) as new:
        assert old.namelist() == new.namelist()
        stale = [n for n in new.namelist() if n not in VARIES and old.read(n) != new.read(n)]
    assert stale == [], "workbook/ is out of date: rebuild it as workbook/README.md says"


def test_sample_workbook_holds_the_example():
    ev, _ = read_workbook_with_layout(SAMPLE)
    assert ev == SelfEvaluation.from_json(EXAMPLE.read_text(encoding="utf-8"))


@pytest.mark.parametrize("committed", [EMPTY, SAMPLE])
def test_committed_workbooks_carry_the_vba_modules(committed):
    parser = VBA_Parser(str(committed))
    try:
        names = {name for _, _, name, _ in parser.extract_macros()}
    finally:
        parser.close()
    assert {"xlwings.bas", "xlwings_udfs.bas", "xlperf_buttons.bas"} <= names


LAYOUT_V2 = sorted((ROOT / "tests" / "fixtures" / "layout-v2").glob("*.xlsm"))
"""The workbooks of the release before the native formulas (layout version 2; see
tests/test_released_layouts.py): every command and the 计算得分 button still work on them."""
LAYOUT_V3 = sorted((ROOT / "tests" / "fixtures" / "layout-v3").glob("*.xls[mx]"))
"""The workbooks of the release before the indicator rows' 分值 column (layout version 3)."""


@pytest.mark.parametrize("old", LAYOUT_V2 + LAYOUT_V3, ids=lambda p: f"{p.parent.name}-{p.stem}")
def test_workbooks_of_earlier_layout_versions_still_read(tmp_path, old):
    from xlperf.cli import main
    from xlperf.engine import evaluate
    from xlperf.outputs.review import review

    ev, lay = read_workbook_with_layout(old)
    assert lay.version == int(old.parent.name.removeprefix("layout-v"))
    if old.stem.startswith("shaoguan"):
        assert ev == SelfEvaluation.from_json(EXAMPLE.read_text(encoding="utf-8"))
    card = evaluate(ev, locate=lay.cell_of).scorecard
    assert main(["check", str(old), "--json"]) in (0, 1)
    assert main(["score", str(old)]) in (0, 1)
    assert main(["export", str(old), "-o", str(tmp_path / "r.docx")]) in (0, 1)
    assert (tmp_path / "r.docx").is_file()
    result = review([old], tmp_path / "summary.xlsx")
    assert [f.score for f in result.forms] == [card.total]


def test_the_button_on_a_version_2_workbook_still_writes_its_scores(tmp_path):
    import openpyxl

    from xlperf.excel import process_file
    from xlperf.forms.guangdong_1_1 import layout as L

    old = next(p for p in LAYOUT_V2 if p.stem.startswith("shaoguan"))
    out = tmp_path / "scored.xlsm"
    outcome = process_file(old, out, "score")
    _, lay = read_workbook_with_layout(out)
    sheet = openpyxl.load_workbook(out)[L.SCORE]
    total = sheet[lay.cell_for("scoring.total").area.first].value
    assert lay.version == 2 and total == float(outcome.scorecard.total)


def test_the_national_formula_edition_is_an_empty_form_of_the_current_layout():
    from xlperf.files import sources
    from xlperf.files.xlsx_grid import read_grids
    from xlperf.forms.national_2020.layout import LAYOUT_VERSION
    from xlperf.forms.national_2020.model import NationalForm

    assert sources.load(NATIONAL_FORMULAS) == NationalForm()
    meta = dict((r[0], r[1]) for r in read_grids(NATIONAL_FORMULAS, ["_xlperf"])["_xlperf"])
    assert meta["form_kind"] == "national-2020" and meta["edition"] == "formulas"
    assert meta["layout_version"] == str(LAYOUT_VERSION)


def test_the_buttons_on_a_version_3_workbook_still_score_and_mark(tmp_path):
    from xlperf.excel import process_file

    old = next(p for p in LAYOUT_V3 if p.stem.startswith("shaoguan"))
    for action in ("score", "validate"):
        out = tmp_path / f"{action}.xlsm"
        outcome = process_file(old, out, action)
        ev, lay = read_workbook_with_layout(out)
        assert lay.version == 3 and ev == SelfEvaluation.from_json(EXAMPLE.read_text(encoding="utf-8"))
        assert outcome.scorecard is None or outcome.scorecard.total == Decimal("100.00")
