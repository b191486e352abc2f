"""Building the workbook and reading it back: round trips, the official form's labels,
merges, validation, protection, print setup, the hidden _xlperf sheet, VBA and buttons,
and the Chinese errors for cells that cannot be read."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import strategies
from xlperf.forms.guangdong_1_1 import layout as L
from xlperf.errors import InputError
from xlperf.forms.guangdong_1_1.layout import Layout
from xlperf.forms.guangdong_1_1.model import MAX_ROWS, NONE_MARK, Indicator, ScoreEntry, SelfEvaluation, SubCategory
from xlperf.engine.scoring import load_rules, score
from xlperf.workbook import WorkbookError, build_workbook, read_grid, read_workbook, read_workbook_with_layout
from xlperf.workbook import build as B
from xlperf.files.xlsx_grid import Formula, read_grids

SEED = Path(__file__).resolve().parent.parent / "examples" / "shaoguan-2020.json"
SEED_TEXT = Path("/work/shared/seed/000_e7bcbfd3db8a0485.txt")

FORM_LABELS = (
    "附件1-1 市级财政支出项目绩效自评基础信息表 填报单位名称 金额单位：万元 基本情况 项目名称 评价年度 "
    "评价金额 联系人 联系电话 联系邮箱 项目开始时间 项目完成时间 实施文件依据 资金概况 资金安排情况 "
    "分年度明细 年度 预算安排额度 中央及省级资金 市本级资金 转移支付至县（市、区） 资金合计 资金使用情况 "
    "实际明细支出 中央及省级支出 市本级支出 转移支付县（市、区）支出 按方向划分 资金使用方向 支出额度 "
    "绩效目标 绩效目标情况 预期总体目标 是否如期实现预期总体目标 预期阶段性目标 实际完成情况 绩效指标情况 "
    "产出指标 绩效指标 指标名称 指标计算公式 评价年度预期值 评价年度实现值 未完成原因说明 数量指标 质量指标 "
    "时效指标 成本指标 效益指标 经济效益指标 社会效益指标 环境效益指标 可持续发展指标 满意度指标 "
    "服务对象或公众满意度 单位需要说明的其他情况"
).split()
"""Every label of the official Attachment 1-1, in the seed's order."""


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture
def seed() -> SelfEvaluation:
    return SelfEvaluation.from_json(SEED.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def seed_book(tmp_path_factory) -> tuple[Path, Layout]:
    path = tmp_path_factory.mktemp("book") / "seed.xlsx"
    ev = SelfEvaluation.from_json(SEED.read_text(encoding="utf-8"))
    return path, build_workbook(path, ev)


@pytest.fixture(scope="module")
def sheets(seed_book):
    return openpyxl.load_workbook(seed_book[0])


# ---------------------------------------------------------------------------- round trips


def test_seed_round_trip_is_exact(seed, tmp_path):
    for mode in ("macro", "values"):
        path = tmp_path / f"{mode}.xlsx"
        build_workbook(path, seed, mode=mode)
        back = read_workbook(path)
        assert back == seed
        assert back.funding.budget[0].total == Decimal("122.17")
        assert back.funding.budget[0].parts() == [None, Decimal("122.17"), None]


def test_seed_round_trip_with_vba(seed, tmp_path):
    path = tmp_path / "seed.xlsm"
    build_workbook(path, seed, vba=_vba())
    assert read_workbook(path) == seed


def _as_a_workbook_holds(ev: SelfEvaluation) -> SelfEvaluation:
    """What a workbook can hold of `ev`: 资金合计 is the sum of its row's parts, empty rows
    after the last filled one are gone, and scoring entries live on the 评分表 (tested apart)."""
    ev = ev.model_copy(deep=True)
    for name in ("budget", "spending"):
        for row in getattr(ev.funding, name):
            row.total = row.parts_total()
    for name in ("budget", "spending", "by_purpose"):
        rows = list(getattr(ev.funding, name))
        while rows and all(v in (None, "") for v in rows[-1].model_dump().values()):
            rows.pop()
        setattr(ev.funding, name, rows)
    ev.scoring.entries = []
    return ev


def _reads_as_none_mark(rows) -> bool:
    return rows != NONE_MARK and bool(rows) and rows[0].name == NONE_MARK and all(
        v in ("", NONE_MARK) for row in rows for v in row.model_dump().values()
    )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ev=strategies.self_evaluations(max_rows=4, max_years=4, with_weights=True).map(_as_a_workbook_holds))
def test_generated_models_round_trip(ev, tmp_path):
    """Each form is scored by the real engine while it is built; what is read back is the form."""
    if any(_reads_as_none_mark(getattr(ev.indicators, s.name)) for s in SubCategory):
        return  # a first row of 无 and nothing else is the 无 mark itself
    for mode in ("macro", "values"):
        path = tmp_path / f"gen-{mode}.xlsx"
        build_workbook(path, ev, mode=mode)
        assert read_workbook(path) == ev


awkward_text = st.sampled_from(
    ["=1+1", "'引号", "  前后空格  ", "0751-8877833", "0751", "TRUE", "2020-01-01", "无", "a\tb", "“全角”", "=SUM(A1)"]
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=awkward_text, long=st.text(st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Zs")) | st.just("\n"),
                                       max_size=60))
def test_awkward_texts_stay_text(text, long, tmp_path):
    ev = SelfEvaluation()
    ev.basic.contact_phone = text
    ev.basic.project_name = long
    ev.goals.actual = long
    ev.report.other = long + "\n" + text
    path = tmp_path / "awkward.xlsx"
    build_workbook(path, ev)
    back = read_workbook(path)
    assert (back.basic.contact_phone, back.basic.project_name) == (text, long)
    assert (back.goals.actual, back.report.other) == (long, long + "\n" + text)


def test_basis_documents_are_one_per_line(seed, sheets, seed_book):
    _, lay = seed_book
    cell = lay.cell_for("basic.basis_documents")
    value = sheets[L.FORM][cell.area.first].value
    assert value.split("\n") == seed.basic.basis_documents
    grid = {L.FORM: [[None] * 9 for _ in range(10)], L.META: [list(kv) for kv in lay.meta()]}
    grid[L.FORM][cell.area.row][cell.area.col] = " 1.甲文件；\r\n\n  2.乙文件。  \n"
    assert read_grid(grid).basic.basis_documents == ["1.甲文件；", "2.乙文件。"]


def test_rows_grow_with_the_data_and_the_file_records_them(seed, tmp_path):
    ev = seed.model_copy(deep=True)
    ev.indicators.quality = [Indicator(name=f"指标{i}", target="≥95%", actual="96%") for i in range(6)]
    path = tmp_path / "big.xlsx"
    lay = build_workbook(path, ev, layout=Layout.for_capacity(budget_rows=4))
    assert lay.capacity.rows_for(SubCategory.quality) == 6 and lay.capacity.budget_rows == 4
    meta = {r[0]: r[1] for r in read_grids(path, [L.META])[L.META]}
    assert meta["indicator_rows.quality"] == "6" and meta["budget_rows"] == "4"
    back, read_layout = read_workbook_with_layout(path)
    assert back == ev and read_layout == lay
    assert read_layout.cell_of("indicators.quality[5].actual") == lay.cell_of("indicators.quality[5].actual")


def test_a_middle_empty_row_keeps_its_place(seed, tmp_path):
    ev = seed.model_copy(deep=True)
    ev.indicators.quality = [Indicator(), Indicator(name="第二行", actual="99%")]
    path = tmp_path / "gap.xlsx"
    lay = build_workbook(path, ev)
    back = read_workbook(path)
    assert back.indicators.quality == ev.indicators.quality
    assert lay.cell_of("indicators.quality[1].name").endswith(
        openpyxl.load_workbook(path)[L.FORM].cell(
            lay.cell_for("indicators.quality[1].name").area.row + 1, 5).coordinate)


def test_scoring_entries_round_trip_through_the_score_sheet(seed, tmp_path):
    ev = seed.model_copy(deep=True)
    ev.indicators.timeliness = [Indicator(name="按时办结", target="按时完成", actual="按时完成")]
    path = tmp_path / "score.xlsx"
    lay = build_workbook(path, ev)
    manual = [i for i in score(ev, load_rules(None)).items if i.method == "manual"]
    assert manual, "a qualitative indicator waits for a person's tier"
    assert manual[0].id == "indicators.timeliness[0]" and manual[0].id in [r.id for r in lay.score_rows]
    ev.scoring.entries = [ScoreEntry(item=manual[0].id, tier="部分达成", points=Decimal("7.5"), note="佐证材料不全")]
    assert build_workbook(path, ev) == lay  # the person's entries move no row
    back = read_workbook(path)
    assert back.scoring.entries == ev.scoring.entries
    sheet = openpyxl.load_workbook(path)[L.SCORE]

    def at(path_):
        return sheet[lay.cell_for(path_).area.first].value

    assert at(L.score_path(manual[0].id, "tier")) == "部分达成"
    assert at(L.score_path(manual[0].id, "points")) == 7.5
    assert str(at(L.score_path(manual[0].id, "score"))).startswith("=IF(")  # a native formula
    from xlperf.files.xlsx_grid import read_grids

    cached = read_grids(path, [L.SCORE])[L.SCORE]
    cell = lay.cell_for(L.score_path(manual[0].id, "score")).area
    assert cached[cell.row][cell.col].cached == 7.5  # the engine's points, from the person's
    assert "给分7.5分" in at(L.score_path(manual[0].id, "explanation"))


# ---------------------------------------------------------------------------- the form


def test_every_official_label_is_on_the_form(sheets):
    assert all(squash(label) in squash(SEED_TEXT.read_text(encoding="utf-8")) for label in FORM_LABELS)
    texts = [squash(str(c.value)) for row in sheets[L.FORM].iter_rows() for c in row if isinstance(c.value, str)]
    for label in FORM_LABELS:
        assert any(label == t or (label in t and len(label) > 3) for t in texts), label


def test_labels_appear_in_the_official_order(sheets, seed_book):
    _, lay = seed_book
    form = lay.sheet(L.FORM)
    order = [squash(str(c.text)) for c in sorted((c for c in form.cells if c.role == "label"),
                                                  key=lambda c: (c.area.row, c.area.col))]
    positions = [next(i for i, t in enumerate(order) if label in t) for label in
                 ("基本情况", "资金概况", "预算安排额度", "实际明细支出", "按方向划分", "绩效目标情况", "绩效指标情况",
                  "产出指标", "效益指标", "满意度指标", "单位需要说明的其他情况")]
    assert positions == sorted(positions)


def test_cells_hold_the_values_cell_of_names(seed, sheets, seed_book):
    _, lay = seed_book
    form = sheets[L.FORM]

    def at(path):
        sheet, ref = lay.cell_of(path).split("!")
        return sheets[sheet][ref].value

    assert at("basic.project_name") == seed.basic.project_name
    assert at("basic.eval_year") == 2020
    assert at("basic.eval_amount") == pytest.approx(122.17)
    assert at("basic.start_date") == dt.datetime(2020, 1, 1)
    assert at("goals.achieved_on_time") == "是"
    assert at("indicators.quality[0].actual") == "99.16%"
    assert at("report.department") == "韶关市行政服务中心"
    for attr, _ in L.INDICATOR_COLUMNS:
        assert at(f"indicators.timeliness[0].{attr}") == "无"
    assert at("funding.budget[0].total") == '=IF(COUNT(E10,F10,G10)=0,"",SUM(E10,F10,G10))'
    assert form[lay.cell_of("indicators.quality[1].name").split("!")[1]].value is None


def test_merged_ranges_are_as_declared(sheets, seed_book):
    _, lay = seed_book
    for name in (L.FORM, L.SCORE, L.REPORT):
        declared = {c.area.ref for c in lay.sheet(name).cells if c.area.merged}
        merged = {str(r) for r in sheets[name].merged_cells.ranges}
        assert merged == declared, name
    form = {str(r) for r in sheets[L.FORM].merged_cells.ranges}
    assert {"A2:I2", "C4:E4", "H5:I5", "C7:I7", "E8:I8"} <= form


def test_native_validation_on_the_inputs(sheets, seed_book):
    _, lay = seed_book
    rules = {}
    for sheet in (L.FORM, L.SCORE, L.REPORT):
        for dv in sheets[sheet].data_validations.dataValidation:
            for ref in str(dv.sqref).split():
                rules[(sheet, ref.split(":")[0])] = dv
    for cell in lay.inputs():
        if cell.validation is None:
            continue
        dv = rules[(cell.sheet, cell.area.first)]
        assert dv.type == cell.validation.type.replace("integer", "whole")
        assert dv.errorStyle in (None, "stop") and dv.showErrorMessage and dv.showInputMessage
        assert dv.error and dv.prompt
    amount = rules[(L.FORM, "I4")]
    assert amount.formula1 == "AND(ISNUMBER(I4),I4>=0,ROUND(I4,2)=I4)"
    assert "万元" in amount.prompt
    assert rules[(L.FORM, "I21")].formula1 == '"是,否"'
    year = rules[(L.FORM, "G4")]
    assert (year.formula1, year.formula2) == ("2000", "2100")


def test_inputs_unlocked_labels_locked_sheets_protected(sheets, seed_book):
    _, lay = seed_book
    for name in (L.FORM, L.SCORE, L.REPORT):
        ws = sheets[name]
        assert ws.protection.sheet and not ws.protection.password
        assert ws.protection.formatCells is False  # False: formatting is allowed
    for cell in lay.cells():
        if cell.sheet in (L.CONF, L.META):
            continue
        xl = sheets[cell.sheet][cell.area.first]
        editable = cell.role == "input" or cell.style in ("helper_edit", "helper_choice", "helper_number")
        assert xl.protection.locked == (not editable), cell.ref
        if cell.role == "input":
            assert xl.fill.fgColor.rgb.endswith(L.INPUT_FILL.lstrip("#"))


def test_print_setup_of_the_form(sheets, seed_book):
    _, lay = seed_book
    ws = sheets[L.FORM]
    assert ws.page_setup.paperSize == 9 and ws.page_setup.orientation == "portrait"
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert (ws.page_setup.fitToWidth or 1, ws.page_setup.fitToHeight) == (1, 0)  # 1 is OOXML's default
    assert ws.print_options.horizontalCentered
    area = lay.sheet(L.FORM).print_area
    assert ws.print_area == f"'附件1-1'!$A$1:$I${area.last_row + 1}"
    header = lay.cell_for("indicators.quantity[0].name").area.row - 1
    assert [b.id for b in ws.row_breaks.brk] == [header]  # a break after row `header` (1-based)
    assert ws.print_title_rows == "$3:$3"
    assert ws.page_margins.left == 0.5
    assert sheets[L.SCORE].page_setup.orientation == "landscape"


def test_fonts_widths_and_heights(sheets, seed_book):
    _, lay = seed_book
    ws = sheets[L.FORM]
    assert ws["A2"].font.name == "宋体" and ws["A2"].font.b and ws["A2"].font.sz == 18
    assert ws["B4"].font.name == "宋体" and ws["B4"].border.left.style == "thin"
    assert ws["A1"].font.name == "黑体"
    assert ws.column_dimensions["D"].width == pytest.approx(14.5, abs=0.8)
    docs = lay.cell_for("basic.basis_documents").area.row + 1
    assert ws.row_dimensions[docs].height > 6 * 13  # seven documents, most on two lines


def test_hidden_meta_sheet(sheets, seed_book):
    _, lay = seed_book
    ws = sheets[L.META]
    assert ws.sheet_state == "hidden"
    meta = {r[0].value: r[1].value for r in ws.iter_rows()}
    assert meta == dict([*lay.meta(), ("mode", "macro"), ("sheets", ",".join(L.SHEETS))])
    assert Layout.from_meta(meta) == lay


def test_xlwings_conf_sheet_as_xlwings_reads_it(sheets):
    ws = sheets[L.CONF]
    keys = []
    row = 1
    while ws.cell(row, 1).value not in (None, ""):  # xlwings reads A1 down to the first blank
        keys.append((ws.cell(row, 1).value, ws.cell(row, 2).value))
        row += 1
    assert keys == [("UDF Modules", "xlperf.udfs"), ("Use UDF Server", False)]
    assert all(ws.cell(r, 3).value is None and ws.cell(r, 4).value for r in range(1, row))


def test_report_sheet_prompts_and_notes(sheets, seed_book):
    _, lay = seed_book
    ws = sheets[L.REPORT]
    texts = [squash(str(c.value)) for row in ws.iter_rows() for c in row if c.value]
    seed_text = squash(SEED_TEXT.read_text(encoding="utf-8"))
    for prompt, attr in L.REPORT_SECTIONS:
        assert squash(prompt) in texts and squash(prompt) in seed_text
        if attr:
            note = ws.cell(lay.cell_for(f"report.{attr}").area.row + 1, 3).value
            assert "自动生成" in note
    for _, prompt, _ in L.REPORT_COVER:
        assert squash(prompt) in texts


def test_formulas_carry_the_engines_values(tmp_path, seed):
    path = tmp_path / "seed.xlsm"
    lay = build_workbook(path, seed, vba=_vba())
    grid = read_grids(path, [L.FORM, L.SCORE])

    def at(path_):
        c = lay.cell_for(path_)
        return grid[c.sheet][c.area.row][c.area.col]

    total = at("funding.spending[0].total")
    assert isinstance(total, Formula) and total.cached == pytest.approx(122.17)
    empty = at("funding.spending[1].total")
    assert isinstance(empty, Formula) and empty.cached in ("", None)
    rate = at("funding.exec_rate")
    assert "PERF_" not in rate.text and rate.cached == 1
    judge = next(c for c in lay.sheet(L.FORM).cells if c.calc == "judge" and "quality[0]" in c.args[0])
    cell = grid[L.FORM][judge.area.row][judge.area.col]
    assert "PERF_" not in cell.text and cell.cached == "已完成"
    trial = at("scoring.items[indicators.quality[0]].trial")
    points = at("scoring.items[indicators.quality[0]].score")
    assert trial.text.startswith("=IF(") and "PERF_POINTS(" in trial.text and trial.cached == points.cached > 0
    card = score(seed, load_rules(None))
    assert Decimal(str(points.cached)) == card.item("indicators.quality[0]").points
    assert Decimal(str(at("scoring.total").cached)) == card.total and at("scoring.grade").cached == card.grade == "优"


def test_without_vba_no_udf_formulas(tmp_path, seed):
    path = tmp_path / "plain.xlsx"
    lay = build_workbook(path, seed)
    grid = read_grids(path, [L.FORM, L.SCORE])
    formulas = [v for rows in grid.values() for row in rows for v in row if isinstance(v, Formula)]
    assert formulas and not any("PERF_" in f.text for f in formulas)
    rate = lay.cell_for("funding.exec_rate")
    assert grid[L.FORM][rate.area.row][rate.area.col].cached == 1


def test_values_mode_has_no_formulas_fills_or_helpers(tmp_path, seed):
    path = tmp_path / "values.xlsx"
    lay = build_workbook(path, seed, mode="values")
    grid = read_grids(path)
    assert set(grid) == {L.FORM, L.SCORE, L.REPORT, L.META}
    assert not [v for rows in grid.values() for row in rows for v in row if isinstance(v, Formula)]
    total = lay.cell_for("funding.budget[0].total")
    assert grid[L.FORM][total.area.row][total.area.col] == pytest.approx(122.17)
    # nothing beside the printed form but the indicator rows' 分值 (column J: its heading, empty weights)
    assert all(len(row) <= L.J + 1 for row in grid[L.FORM])
    beside = [row[L.J] for row in grid[L.FORM] if len(row) > L.J and row[L.J] not in (None, "")]
    assert beside == [L.WEIGHT_TITLE]
    ws = openpyxl.load_workbook(path)[L.FORM]
    assert ws["I4"].fill.fill_type is None and not ws.protection.sheet


def test_vba_project_codenames_and_buttons(tmp_path, seed):
    path = tmp_path / "seed.xlsm"
    vba = _vba()
    build_workbook(path, seed, vba=vba)
    with zipfile.ZipFile(path) as z:
        assert z.read("xl/vbaProject.bin") == vba
        book = z.read("xl/workbook.xml").decode()
        assert 'codeName="ThisWorkbook"' in book
        for i, name in enumerate(L.SHEET_CODENAMES, 1):
            assert f'codeName="{name}"' in z.read(f"xl/worksheets/sheet{i}.xml").decode()
        vml = z.read("xl/drawings/vmlDrawing1.vml").decode()
        types = z.read("[Content_Types].xml").decode()
    assert "macroEnabled" in types
    for b in L.BUTTONS:
        assert f"<x:FmlaMacro>[0]!{b.macro}</x:FmlaMacro>" in vml
        assert b.caption in vml


def test_bad_arguments_are_refused_before_writing(tmp_path, seed):
    with pytest.raises(ValueError, match=r"\.xlsm"):
        build_workbook(tmp_path / "a.xlsx", seed, vba=b"x")
    with pytest.raises(ValueError, match=r"\.xlsx"):
        build_workbook(tmp_path / "a.xlsm", seed)
    with pytest.raises(ValueError, match="values"):
        build_workbook(tmp_path / "a.xlsm", seed, vba=b"x", mode="values")
    with pytest.raises(ValueError, match="全部工作表"):
        build_workbook(tmp_path / "a.xlsm", seed, vba=b"x", sheets=[L.FORM])
    assert list(tmp_path.iterdir()) == []


def test_a_failed_build_leaves_the_old_file(tmp_path, seed, monkeypatch):
    path = tmp_path / "book.xlsx"
    path.write_bytes(b"old")

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(B, "_write", boom)
    with pytest.raises(RuntimeError):
        build_workbook(path, seed)
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["book.xlsx"]


def test_empty_form(tmp_path):
    path = tmp_path / "empty.xlsx"
    lay = build_workbook(path, None)
    assert lay.capacity == Layout().capacity
    assert read_workbook(path) == SelfEvaluation()


def test_a_workbook_that_lost_a_sheet_is_refused(tmp_path, seed):
    path = tmp_path / "renamed.xlsx"
    build_workbook(path, seed)
    book = openpyxl.load_workbook(path)
    book[L.REPORT].title = "报告"
    book.save(path)
    with pytest.raises(InputError, match="缺少工作表“自评报告”"):
        read_workbook(path)


def test_form_only_copy_reads_back_its_part(tmp_path, seed):
    path = tmp_path / "form.xlsx"
    build_workbook(path, seed, mode="values", sheets=[L.FORM])
    back = read_workbook(path)
    assert back.basic == seed.basic and back.indicators == seed.indicators
    assert back.report == SelfEvaluation().report


# ---------------------------------------------------------------------------- errors


def _grid(lay: Layout, cells: dict | None = None) -> dict:
    """A grid of the workbook with the given {field path: value} filled in."""
    grid = {name: [[None] * 16 for _ in range(lay.sheet(name).extent.last_row + 1)]
            for name in (L.FORM, L.SCORE, L.REPORT)}
    grid[L.META] = [list(kv) for kv in lay.meta()]
    for path, value in (cells or {}).items():
        c = lay.cell_for(path)
        grid[c.sheet][c.area.row][c.area.col] = value
    return grid


def test_text_in_an_amount_cell_names_the_cell():
    lay = Layout()
    with pytest.raises(WorkbookError) as err:
        read_grid(_grid(lay, {"basic.eval_amount": "一百万"}))
    assert str(err.value).endswith("附件1-1!I4（评价金额）应为数字，实际为“一百万”")
    assert [(p.sheet, p.cell) for p in err.value.problems] == [("附件1-1", "I4")]


def test_too_many_basis_documents_in_their_cell_are_refused_in_chinese():
    lay = Layout()
    documents = "\n".join(f"{i}.文件{i}" for i in range(1, MAX_ROWS + 2))
    with pytest.raises(WorkbookError) as err:
        read_grid(_grid(lay, {"basic.basis_documents": documents}))
    assert str(err.value).endswith(f"附件1-1!C7（实施文件依据）最多只能填写{MAX_ROWS}项，请删减")


def test_every_bad_cell_is_reported_at_once():
    lay = Layout()
    grid = _grid(lay, {"basic.eval_year": "二〇二〇", "basic.start_date": "明年", "goals.achieved_on_time": "也许",
                       "funding.budget[1].municipal": "abc"})
    with pytest.raises(WorkbookError) as err:
        read_grid(grid)
    text = str(err.value)
    assert "附件1-1!G4（评价年度）应为年份（整数），实际为“二〇二〇”" in text
    assert "附件1-1!C6（项目开始时间）应为日期（如 2020-01-01 或 2020年1月1日），实际为“明年”" in text
    assert "附件1-1!I21（是否如期实现预期总体目标）应填“是”或“否”，实际为“也许”" in text
    assert "附件1-1!F11（市本级资金）应为数字，实际为“abc”" in text
    assert len(err.value.problems) == 4


def test_a_formula_typed_into_an_input_cell_is_refused(tmp_path, seed):
    path = tmp_path / "formula.xlsx"
    lay = build_workbook(path, seed)
    book = openpyxl.load_workbook(path)
    book[L.FORM][lay.cell_for("basic.eval_amount").area.first] = "=100+22.17"
    book.save(path)
    with pytest.raises(WorkbookError, match=r"附件1-1!I4（评价金额）是公式“=100\+22.17”"):
        read_workbook(path)


def test_edited_totals_and_typed_values_read_as_meant(tmp_path, seed):
    path = tmp_path / "edited.xlsx"
    lay = build_workbook(path, seed)
    book = openpyxl.load_workbook(path)
    ws = book[L.FORM]
    ws[lay.cell_for("funding.budget[0].central_provincial").area.first] = "10"
    ws[lay.cell_for("basic.eval_year").area.first] = "2020年"
    ws[lay.cell_for("basic.end_date").area.first] = "2020年12月31日"
    ws[lay.cell_for("goals.achieved_on_time").area.first] = "否"
    book.save(path)
    back = read_workbook(path)
    assert back.funding.budget[0].total == Decimal("132.17")  # the formula's meaning, not a stale cache
    assert back.basic.eval_year == 2020 and back.basic.end_date == dt.date(2020, 12, 31)
    assert back.goals.achieved_on_time is False


def test_a_workbook_without_the_meta_sheet_is_refused(tmp_path):
    path = tmp_path / "other.xlsx"
    book = openpyxl.Workbook()
    book.active["A1"] = "x"
    book.save(path)
    with pytest.raises(WorkbookError, match="不是 xlperf 生成的自评工作簿"):
        read_workbook(path)
    with pytest.raises(WorkbookError, match="_xlperf"):
        read_grid({L.FORM: [[None]]})


def test_a_newer_layout_version_is_refused():
    lay = Layout()
    grid = _grid(lay)
    grid[L.META] = [[k, str(L.LAYOUT_VERSION + 1) if k == "layout_version" else v] for k, v in lay.meta()]
    with pytest.raises(WorkbookError, match="请升级 xlperf"):
        read_grid(grid)


def test_grid_values_as_xlwings_gives_them():
    """xlwings hands over floats for numbers, datetimes for dates, None for empty cells."""
    lay = Layout()
    grid = _grid(lay, {"basic.eval_year": 2020.0, "basic.eval_amount": 122.17,
                       "basic.start_date": dt.datetime(2020, 1, 1), "basic.contact_phone": 8877833.0,
                       "funding.budget[0].municipal": 122.17})
    grid[L.FORM][lay.cell_for("funding.budget[0].total").area.row][8] = 122.17000000000002
    ev = read_grid(grid)
    assert ev.basic.eval_year == 2020 and ev.basic.eval_amount == Decimal("122.17")
    assert ev.basic.start_date == dt.date(2020, 1, 1) and ev.basic.contact_phone == "8877833"
    assert ev.funding.budget[0].total == Decimal("122.17")


def test_build_is_fast(seed, tmp_path):
    """Not a timed assertion: the build must not touch formats per cell (cached formats)."""
    path = tmp_path / "fast.xlsx"
    build_workbook(path, seed)
    with zipfile.ZipFile(path) as z:
        styles = z.read("xl/styles.xml").decode()
    assert int(re.search(r'<cellXfs count="(\d+)"', styles).group(1)) < 60


def _vba() -> bytes:
    from xlperf.excel.vba import build_vba_project
    from xlperf.excel.vba_modules import vba_modules

    return _VBA.setdefault("bin", build_vba_project(vba_modules()))


_VBA: dict[str, bytes] = {}


def _conf_rows(path: Path) -> list[tuple]:
    ws = openpyxl.load_workbook(path)[L.CONF]
    rows, r = [], 1
    while ws.cell(r, 1).value not in (None, ""):  # as xlwings reads it
        rows.append((ws.cell(r, 1).value, ws.cell(r, 2).value))
        r += 1
    return rows


@pytest.mark.parametrize(
    "interpreter, key",
    [
        (r"C:\Users\张三\anaconda3\envs\绩效\pythonw.exe", "Interpreter_Win"),
        ("/Users/zhang/.venv/bin/python", "Interpreter_Mac"),
        (None, None),
    ],
)
def test_new_writes_an_interpreter_row_only_when_given(tmp_path, interpreter, key):
    """An empty Interpreter_Win/Mac row would override the user's ~/.xlwings/xlwings.conf:
    none is written unless `xlperf new --interpreter PATH` names one."""
    from xlperf import cli

    out = tmp_path / "book.xlsm"
    args = ["new", str(out)] + (["--interpreter", interpreter] if interpreter else [])
    assert cli.main(args) == 0
    rows = _conf_rows(out)
    assert ("UDF Modules", "xlperf.udfs") in rows
    assert all(v not in (None, "") for _, v in rows)
    interpreters = [(k, v) for k, v in rows if k.startswith("Interpreter")]
    assert interpreters == ([(key, interpreter)] if interpreter else [])


def test_a_text_longer_than_a_cell_is_never_cut_in_silence():
    """XlsxWriter and openpyxl cut a text at 32,767 characters without a word: the builder
    refuses it naming the cell's field, and the notes mark writes say where they were cut."""
    from xlperf.errors import InputError
    from xlperf.excel.handlers import _fit
    from xlperf.workbook.build import _fits

    lay = Layout()
    cell = lay.cell_for("other_notes")
    _fits(cell, "字" * 32_767)
    with pytest.raises(InputError, match="32767"):
        _fits(cell, "字" * 32_768)
    with pytest.raises(InputError, match="实施文件依据"):
        _fits(lay.cell_for("basic.basis_documents"), ["字" * 20_000, "字" * 20_000])
    cut = _fit("说" * 40_000)
    assert len(cut) == 32_767 and cut.endswith("以下从略）")
    assert _fit("短") == "短"


def test_score_sheet_numbers_are_words_a_person_reads(sheets):
    """The 评分表's 编号 column: 产出-数量-1 and the like, never a field path or a rule id."""
    ws = sheets[L.SCORE]
    head = [c.value for c in ws[L.SCORE_FIRST_ROW]]
    col = head.index("编号") + 1
    numbers = [ws.cell(r, col).value for r in range(L.SCORE_FIRST_ROW + 1, ws.max_row + 1)]
    numbers = [n for n in numbers if n]
    assert "产出-数量-1" in numbers and "满意度-服务对象满意度-1" in numbers
    assert not [n for n in numbers if re.search(r"[A-Za-z_\[\].]", str(n))]
    assert len(numbers) == len(set(numbers))


# ---- nothing typed is silently replaced (xlperf new --from)


def _json_source(tmp_path, **changes) -> Path:
    import json as _json

    data = _json.loads((Path(__file__).resolve().parent.parent / "examples" / "shaoguan-2020.json").read_text(encoding="utf-8"))
    for dotted, value in changes.items():
        *parents, last = dotted.split("__")
        obj = data
        for name in parents:
            obj = obj[int(name)] if name.isdigit() else obj[name]
        obj[int(last) if last.isdigit() else last] = value
    src = tmp_path / "form.json"
    src.write_text(_json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return src


def test_new_refuses_a_typed_total_that_disagrees_with_its_parts(tmp_path, capsys):
    from xlperf.cli import main

    src = _json_source(tmp_path, funding__budget__0__total="130.00")
    out = tmp_path / "new.xlsm"
    assert main(["new", str(out), "--from", str(src)]) == 2
    err = capsys.readouterr().err
    assert "资金安排情况2020年的资金合计（生成后位于附件1-1!I10）填的是 130.00 万元，分项之和为 122.17 万元" in err
    assert not out.exists() and list(tmp_path.iterdir()) == [src]
    # the check still reports it, from the same file
    assert main(["check", str(src)]) == 1
    assert "AMT003" in capsys.readouterr().out


def test_new_lists_every_value_reading_changed(tmp_path, capsys):
    from xlperf.cli import main

    src = _json_source(tmp_path, basic__eval_amount="122.17万元", basic__contact_phone="０７５１－８８７７８３３",
                       basic__start_date="2020年1月1日", funding__by_purpose__0__amount="１２２.１７")
    out = tmp_path / "new.xlsm"
    assert main(["new", str(out), "--from", str(src)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1] == "读入时改写了 3 个值（工作簿中是右边的写法）："
    assert set(lines[2:]) == {"  评价金额（万元）：“122.17万元” → 122.17", "  联系电话：“０７５１－８８７７８３３” → “0751-8877833”",
                              "  按方向划分第1行的支出额度：“１２２.１７” → 122.17"}
    assert main(["new", str(tmp_path / "seed.xlsm"), "--from", str(_json_source(tmp_path))]) == 0
    assert "没有改写" in capsys.readouterr().out
