"""The layout declaration: cells, capacities, field paths, the _xlperf record, marks."""

from __future__ import annotations

import typing
from pathlib import Path
from types import SimpleNamespace

import pytest
from pydantic import BaseModel

from xlperf.forms.guangdong_1_1 import layout as L
from xlperf.forms.guangdong_1_1.layout import Area, Layout, cells_for_findings, path_tokens
from xlperf.forms.guangdong_1_1.model import (
    BasicInfo,
    BudgetRow,
    Goals,
    Header,
    Indicator,
    PurposeRow,
    Report,
    SpendingRow,
    SelfEvaluation,
    SubCategory,
    indicator_path,
)

SEED = Path(__file__).resolve().parent.parent / "examples" / "shaoguan-2020.json"


@pytest.fixture
def seed() -> SelfEvaluation:
    return SelfEvaluation.from_json(SEED.read_text(encoding="utf-8"))


def test_cell_of_points_at_the_declared_cells():
    lay = Layout()
    assert lay.cell_of("header.unit_name") == "附件1-1!C3"
    assert lay.cell_of("basic.project_name") == "附件1-1!C4"
    assert lay.cell_of("basic.eval_year") == "附件1-1!G4"
    assert lay.cell_of("basic.eval_amount") == "附件1-1!I4"
    assert lay.cell_of("basic.contact_phone") == "附件1-1!F5"
    assert lay.cell_of("basic.basis_documents") == "附件1-1!C7"
    assert lay.cell_of("funding.budget[0].year") == "附件1-1!D10"
    assert lay.cell_of("funding.budget[0].total") == "附件1-1!I10"
    assert lay.cell_of("funding.budget[2].municipal") == "附件1-1!F12"
    assert lay.cell_of("report.fill_date") == "自评报告!B7"


def test_cell_of_falls_back_to_the_enclosing_field():
    lay = Layout()
    assert lay.cell_of("funding.budget[1]") == lay.cell_of("funding.budget[1].year")
    assert lay.cell_of("basic.basis_documents[4]") == lay.cell_of("basic.basis_documents")
    sub = lay.cell_for("indicators.quality")
    assert sub is not None and sub.role == "label" and sub.text == "质量指标"
    # a row beyond the capacity points at its sub-category
    assert lay.cell_of(indicator_path(SubCategory.quality, 3, "actual")) == sub.ref
    assert lay.cell_of("no.such.field") is None


def test_indicator_cells_follow_the_official_columns():
    lay = Layout()
    row = [lay.cell_for(indicator_path(SubCategory.satisfaction, 0, a)) for a, _ in L.INDICATOR_COLUMNS]
    assert [c.area.first[0] for c in row] == list("EFGHI")
    assert len({c.area.row for c in row}) == 1
    assert [c.title for c in row] == ["指标名称", "指标计算公式", "评价年度预期值", "评价年度实现值", "未完成原因说明"]


def test_no_two_declared_cells_overlap():
    for lay in (Layout(), Layout.for_capacity(5, 2, {"quality": 7}), Layout.for_capacity(rules="guangdong-municipal")):
        for sheet in lay.sheets:
            seen: dict[tuple[int, int], str] = {}
            for cell in sheet.cells:
                for rc in cell.area.cells():
                    assert rc not in seen, f"{sheet.name} {cell.area.ref} overlaps {seen[rc]}"
                    seen[rc] = cell.area.ref


def test_every_field_of_the_model_has_one_input_cell():
    lay = Layout()
    paths = [c.path for c in lay.inputs()]
    assert len(paths) == len(set(paths))

    def fields(model: type[BaseModel], prefix: str) -> list[str]:
        return [f"{prefix}.{name}" for name in model.model_fields]

    wanted = fields(Header, "header") + fields(BasicInfo, "basic") + fields(Goals, "goals")
    wanted += fields(Report, "report") + ["other_notes"]
    wanted += fields(BudgetRow, "funding.budget[2]") + fields(SpendingRow, "funding.spending[2]")
    wanted += fields(PurposeRow, "funding.by_purpose[2]")
    wanted += [indicator_path(sub, 2, a) for sub in SubCategory for a in Indicator.model_fields]
    wanted.remove("header.amount_unit")  # fixed: 金额单位：万元 is a label
    for path in wanted:
        cell = lay.cell_for(path)
        assert cell is not None and cell.path == path, path
        expected = "formula" if path.endswith(".total") else "input"
        assert cell.role == expected, path


def test_totals_are_sums_of_their_row():
    lay = Layout()
    total = lay.cell_for("funding.spending[1].total")
    assert total.role == "formula" and total.calc == "sum"
    parts = [lay.cell_for(p).area.first for p in total.args]
    assert total.formula == f'=IF(COUNT({",".join(parts)})=0,"",SUM({",".join(parts)}))'
    assert {lay.cell_for(p).area.row for p in total.args} == {total.area.row}


def test_capacities_grow_the_blocks():
    small = Layout()
    big = Layout.for_capacity(budget_rows=5, purpose_rows=4, indicator_rows=10)
    assert big.cell_of(indicator_path(SubCategory.satisfaction, 9, "name")) is not None
    assert big.cell_for(indicator_path(SubCategory.satisfaction, 9, "name")).role == "input"
    assert big.cell_for("funding.budget[4].year").role == "input"
    assert big.cell_for("funding.by_purpose[3].amount").role == "input"
    assert small.sheet(L.FORM).print_area.last_row < big.sheet(L.FORM).print_area.last_row
    # the indicator page still starts at its own page break
    form = big.sheet(L.FORM)
    first_indicator = big.cell_for("indicators.quantity[0].name").area.row
    assert form.page_breaks == (first_indicator - 1,)


def test_capacity_per_sub_category_and_bad_values():
    lay = Layout.for_capacity(indicator_rows={"quality": 6})
    assert lay.capacity.rows_for(SubCategory.quality) == 6
    assert lay.capacity.rows_for(SubCategory.quantity) == L.DEFAULT_INDICATOR_ROWS
    with pytest.raises(ValueError, match="没有这些指标子类"):
        Layout.for_capacity(indicator_rows={"qualty": 6})
    with pytest.raises(ValueError, match="应在1到"):
        Layout.for_capacity(indicator_rows=0)


def test_for_model_makes_room_for_the_data(seed):
    ev = seed.model_copy(deep=True)
    ev.indicators.quality = [Indicator(name=f"指标{i}") for i in range(5)]
    lay = Layout.for_model(ev)
    assert lay.capacity.rows_for(SubCategory.quality) == 5
    assert lay.capacity.rows_for(SubCategory.quantity) == L.DEFAULT_INDICATOR_ROWS
    bigger = Layout.for_model(ev, Layout.for_capacity(indicator_rows=8))
    assert bigger.capacity.rows_for(SubCategory.quality) == 8


def test_meta_records_everything_the_layout_needs():
    lay = Layout.for_capacity(4, 2, {"social": 5}, rules="guangdong-municipal")
    meta = dict(lay.meta())
    assert meta["layout_version"] == str(L.LAYOUT_VERSION)
    assert meta["indicator_rows.social"] == "5"
    assert meta["rules"] == "guangdong-municipal"
    assert Layout.from_meta(meta) == lay
    assert Layout.from_meta(meta).sheet(L.SCORE) == lay.sheet(L.SCORE)
    assert Layout.from_meta(dict(Layout().meta())) == Layout()


def test_a_workbook_reads_back_without_its_rule_file(tmp_path):
    """The 评分表's items are recorded, not looked up: a moved rule file loses no rows."""
    from xlperf.engine.scoring import load_rules

    rules = tmp_path / "本地规则.json"
    rules.write_text((Path(L.__file__).parents[2] / "rules" / "guangdong-municipal.json").read_text(encoding="utf-8"),
                     encoding="utf-8")
    lay = Layout.for_capacity(rules=str(rules))
    assert lay.plan == L.score_plan(load_rules("guangdong-municipal")) and lay.rules == str(rules)
    meta = dict(lay.meta())
    rules.unlink()
    assert Layout.from_meta(meta) == lay
    with pytest.raises(ValueError, match="评分项记录已损坏"):
        Layout.from_meta(dict(meta, score_plan="[[1, 2]]"))


def test_meta_of_a_newer_layout_is_refused():
    meta = dict(Layout().meta(), layout_version=str(L.LAYOUT_VERSION + 1))
    with pytest.raises(ValueError, match="请升级"):
        Layout.from_meta(meta)
    with pytest.raises(ValueError, match="旧版 xlperf 生成"):
        Layout.from_meta(dict(meta, layout_version=str(L.OLDEST_READABLE_VERSION - 1)))
    older = Layout.from_meta(dict(meta, layout_version=str(L.OLDEST_READABLE_VERSION)))
    assert older.version == L.OLDEST_READABLE_VERSION and older.capacity == Layout().capacity
    with pytest.raises(ValueError, match="缺少布局版本"):
        Layout.from_meta({})


def _subs(category: str) -> list[SubCategory]:
    return [s for s in SubCategory if L.CATEGORY_OF[s].value == category]


def test_score_rows_come_from_the_rules_and_the_capacities_only(seed):
    lay = Layout()
    ids = [r.id for r in lay.score_rows]
    expected = ["exec_rate"]
    for item, category in (("output", "产出指标"), ("benefit", "效益指标"), ("satisfaction", "满意度指标")):
        expected += [item] + [indicator_path(s, i) for s in _subs(category) for i in range(L.DEFAULT_INDICATOR_ROWS)]
    assert ids == expected
    assert Layout.for_model(seed).score_rows == lay.score_rows  # the data never moves a row
    kinds = {r.id: r.kind for r in lay.score_rows}
    assert (kinds["exec_rate"], kinds["output"], kinds["indicators.quality[2]"]) == ("item", "category", "slot")
    bigger = Layout.for_capacity(indicator_rows={"quality": 5})
    assert "indicators.quality[4]" in [r.id for r in bigger.score_rows]
    assert len(bigger.score_rows) == len(lay.score_rows) + 2
    gd = Layout.for_capacity(indicator_rows=9, rules="guangdong-municipal")
    assert [r.kind for r in gd.score_rows] == ["item"] * 15
    assert all(r.inputs for r in gd.score_rows)


def test_score_sheet_cells_inputs_and_trials():
    lay = Layout()
    by_id = {r.id: r for r in lay.score_rows}
    row = lay.cell_for(L.score_path("indicators.quality[0]", "tier")).area.row
    assert lay.cell_for(L.score_path("indicators.quality[0]", "tier")).kind == "tier"
    given = lay.cell_for(L.score_path("indicators.quality[0]", "points"))
    assert given.role == "input" and given.area.first == f"K{row + 1}"
    assert given.validation.formula == f"=AND(ISNUMBER({{cell}}),{{cell}}>=0,{{cell}}<=E{row + 1})"
    assert lay.cell_for(L.score_path("indicators.quality[0]", "note")).role == "input"
    assert L.score_path("output", "tier") not in {c.path for c in lay.inputs()}  # dropped, never manual
    assert not by_id["output"].inputs
    score = lay.sheet(L.SCORE)
    outputs = {c.path: c for c in score.cells if c.role in ("output", "formula") and c.path}
    for attr, col in (("name", "D"), ("available", "E"), ("score", "F"), ("method", "G"), ("tier_range", "H"),
                      ("explanation", "I")):
        assert outputs[L.score_path("indicators.quality[0]", attr)].area.first == f"{col}{row + 1}"
    assert L.score_path("exec_rate", "name") not in outputs  # the item's name is a label
    trial = lay.cell_for(L.score_path("indicators.quality[0]", "trial"))
    actual = lay.cell_for("indicators.quality[0].actual").area.first
    target = lay.cell_for("indicators.quality[0].target").area.first
    assert trial.helper and trial.formula == (
        f"=IF(E{row + 1}=\"\",\"\",IFERROR(PERF_POINTS('附件1-1'!{actual},'附件1-1'!{target},E{row + 1}),\"\"))")
    rate = lay.cell_for("funding.exec_rate")
    assert rate.helper and "PERF_" not in rate.formula and rate.formula.startswith("=IF(")
    assert f"'附件1-1'!{rate.area.first}" in lay.cell_for(L.score_path("exec_rate", "trial")).formula
    assert all(c.area.last_col <= score.print_area.last_col for c in score.cells if not c.helper)
    assert all(c.area.col > score.print_area.last_col for c in score.cells if c.helper)
    total, grade = outputs["scoring.total"], outputs["scoring.grade"]
    assert (total.area.first, grade.area.first) == (f"F{len(lay.score_rows) + 4}", f"F{len(lay.score_rows) + 5}")
    assert lay.cell_for("scoring").area.first == f"A{len(lay.score_rows) + 4}"  # SCR001 marks the total


def test_score_values_map_the_scorecard_onto_fixed_cells(seed):
    from xlperf.engine.scoring import load_rules, score

    card = score(seed, load_rules(None))
    lay = Layout.for_model(seed)
    values = lay.score_values(card)
    quality = card.item("indicators.quality[0]")
    assert values[L.score_path("indicators.quality[0]", "name")] == quality.name == "最多跑一次事项率"
    assert values[L.score_path("indicators.quality[0]", "score")] == quality.points
    assert values[L.score_path("indicators.quality[0]", "available")] == quality.available
    assert values[L.score_path("indicators.quality[0]", "method")] == "自动计算"
    assert values[L.score_path("indicators.quality[0]", "explanation")] == quality.explanation
    for attr in ("name", "available", "score", "method", "tier_range", "explanation"):
        assert values[L.score_path("indicators.quality[2]", attr)] is None  # an empty slot
    slots = [card.item(r.id) for r in lay.score_rows if r.kind == "slot" and r.group.id == "output" and card.item(r.id)]
    assert values[L.score_path("output", "score")] is None
    assert f"分值合计{sum(i.available for i in slots)}分" in values[L.score_path("output", "explanation")]
    assert (values["scoring.total"], values["scoring.grade"]) == (card.total, card.grade)
    placed = [values[L.score_path(r.id, "score")] for r in lay.score_rows]
    assert sum(p for p in placed if p is not None) == card.total
    assert lay.unplaced(card) == []


def test_buttons_sit_outside_the_print_area_and_codenames_match_sheets():
    form = Layout().sheet(L.FORM)
    for b in L.BUTTONS:
        r, c = L.parse_a1(b.cell)
        assert c > form.print_area.last_col
        assert b.macro.startswith("xlperf_") and b.macro.isascii()
    assert len(L.SHEET_CODENAMES) == len(L.SHEETS)
    assert [s.codename for s in Layout().sheets] == list(L.SHEET_CODENAMES)
    assert [s.name for s in Layout().sheets] == list(L.SHEETS)


def test_helpers_sit_outside_the_print_area():
    """Outside the printed form: the helpers, and the indicator rows' 分值 in column J (part of
    the form, kept in the submission copy, but not of the official table)."""
    form = Layout().sheet(L.FORM)
    for cell in form.cells:
        inside = cell.area.last_col <= form.print_area.last_col
        weight = cell.area.col == L.J
        assert inside != (cell.helper or weight), cell.area.ref
        if weight:
            assert not cell.helper and (cell.text == L.WEIGHT_TITLE or cell.path.endswith(".weight")), cell.area.ref
    assert form.print_area.last_col == L.I


def test_every_indicator_row_has_its_weight_right_of_the_printed_table():
    lay = Layout.for_capacity(indicator_rows={"social": 5})
    for sub in SubCategory:
        for i in range(lay.capacity.rows_for(sub)):
            name, weight = (lay.cell_for(indicator_path(sub, i, a)) for a in ("name", "weight"))
            assert weight.role == "input" and weight.kind == "weight" and weight.title == "分值"
            assert (weight.area.row, weight.area.col) == (name.area.row, L.J)
            assert weight.validation is not None and ">=0" in weight.validation.formula
    header = next(c for c in lay.sheet(L.FORM).cells if c.text == L.WEIGHT_TITLE)
    assert header.area.row == lay.cell_for(indicator_path(SubCategory.quantity, 0, "name")).area.row - 1


def test_extent_covers_every_cell_and_button():
    form = Layout().sheet(L.FORM)
    last = L.col_letter(max(L.HELPER_COLUMN.values()))
    assert form.extent.ref == f"{form.extent.first}:{last}{form.print_area.last_row + 1}"
    assert all(c.area.last_col <= form.extent.last_col and c.area.last_row <= form.extent.last_row for c in form.cells)


def test_path_tokens_and_parents():
    assert path_tokens("funding.budget[0].year") == [("funding", None), ("budget", "0"), ("year", None)]
    assert path_tokens("scoring.items[indicators.quality[0]].tier") == [
        ("scoring", None), ("items", "indicators.quality[0]"), ("tier", None)]
    assert L._parent("scoring.items[indicators.quality[0]]") == "scoring.items"
    assert L._parent("scoring.items[indicators.quality[0]].points") == "scoring.items[indicators.quality[0]]"
    assert L._parent("basic") == ""


def test_area_references():
    assert Area.parse("D5:F5") == Area(4, 3, 4, 5)
    assert Area.parse("AA10").ref == "AA10"
    assert Area(0, 0, 1, 2).ref == "A1:C2"
    assert L.col_letter(27) == "AB"


def _finding(field, severity="error", code="E101", message="有误", cell=None):
    return SimpleNamespace(field=field, severity=severity, code=code, message=message, cell=cell)


def test_marks_group_findings_per_cell():
    lay = Layout()
    marks = cells_for_findings(
        [
            _finding("basic.eval_amount", "warning", "W1", "金额偏大"),
            _finding("basic.eval_amount", "error", "E2", "与预算不符"),
            _finding("basic.project_name", "warning", "W3", "名称过短"),
            _finding("goals.overall", cell="附件1-1!D21"),
            _finding("nowhere.at.all"),
        ],
        lay,
    )
    by_cell = {m.cell: m for m in marks}
    assert set(by_cell) == {"I4", "C4", "D21"}
    amount = by_cell["I4"]
    assert amount.severity == "error" and amount.fill == L.MARK_FILLS["error"]
    assert amount.comment == "【警告 W1】金额偏大\n【错误 E2】与预算不符"
    assert amount.original_fill == L.INPUT_FILL
    name = by_cell["C4"]
    assert (name.area, name.severity, name.fill) == ("C4:E4", "warning", L.MARK_FILLS["warning"])
    assert by_cell["D21"].area == lay.cell_for("goals.overall").area.ref


def test_marks_on_labels_restore_no_fill():
    lay = Layout()
    [mark] = lay.marks_for([_finding("indicators.timeliness")])
    assert mark.original_fill is None and mark.sheet == "附件1-1"
    fills = dict(lay.restore_fills(L.FORM))
    assert fills[lay.cell_for("basic.eval_amount").area.ref] == L.INPUT_FILL
    assert fills[mark.area] is None


def test_layout_module_stays_free_of_excel_libraries():
    source = open(L.__file__, encoding="utf-8").read()
    for lib in ("openpyxl", "xlsxwriter", "xlwings"):
        assert f"import {lib}" not in source and f"from {lib}" not in source


def test_validation_kinds():
    lay = Layout()
    assert lay.cell_for("basic.eval_amount").validation.formula.startswith("=AND(ISNUMBER({cell})")
    year = lay.cell_for("basic.eval_year").validation
    assert (year.type, year.minimum, year.maximum) == ("integer", 2000, 2100)
    assert lay.cell_for("goals.achieved_on_time").validation.source == ("是", "否")
    assert lay.cell_for("basic.start_date").validation.type == "date"
    assert lay.cell_for("basic.project_name").validation is None
    assert typing.get_args(L.Kind)
