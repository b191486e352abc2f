"""Building the self-evaluation workbook (生成自评工作簿) with XlsxWriter.

Everything about positions comes from `xlperf.layout`; this module only knows how a
declared cell looks (formats), what value goes in it, and how the sheets print.

Three modes:
- "macro": the working copy. Input cells unlocked and pale yellow, sheets protected
  without password, native validation, the native formulas (`xlperf.workbook.native`:
  totals, 预算执行率, judgements, the 评分表's points, total and grade, the flags of
  `xlperf.workbook.flags`) and, when a VBA project is given, the PERF_ worksheet
  functions, the buttons and the xlwings.conf sheet. Every formula carries the engine's
  value as its cached result (helper cells excepted), so a reader that does not
  recalculate shows the right numbers.
- "formulas": the same working copy without VBA, xlwings.conf or any PERF_ call (.xlsx),
  for WPS, LibreOffice and Excel with macros blocked; the 评分表's 计算说明 is a formula too.
- "values": a plain copy (.xlsx) with the same form, every formula replaced by its
  value, no fills and no live checks beside the form: what is printed or submitted.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import xlsxwriter

from xlperf.forms.guangdong_1_1 import funding
from xlperf.files.atomic import atomic_path
from xlperf.files.xlsx_grid import MAX_CELL_TEXT
from xlperf.engine.formulas import sum_filled

from xlperf.forms.guangdong_1_1.layout import (
    CONF,
    FORM,
    INPUT_FILL,
    META,
    SHEETS,
    STYLE_FILLS,
    WORKBOOK_CODENAME,
    INTERPRETER_NOTES,
    XLWINGS_CONF,
    interpreter_setting,
    Cell,
    Layout,
    SheetLayout,
    col_px,
    field_value,
    parse_a1,
    path_tokens,
    rule_values,
    text_height,
)
from xlperf.forms.guangdong_1_1.model import SelfEvaluation, SubCategory

BODY_FONT = "宋体"
TITLE_FONT = "宋体"
MARK_FONT = "黑体"
BODY_SIZE = 10.5

_BASE = {"font_name": BODY_FONT, "font_size": BODY_SIZE, "valign": "vcenter", "text_wrap": True}
_BOX = {**_BASE, "border": 1}
_GREY = "#595959"

STYLES: dict[str, dict[str, Any]] = {
    "mark": {"font_name": MARK_FONT, "font_size": 12, "valign": "vcenter"},
    "title": {"font_name": TITLE_FONT, "font_size": 18, "bold": True, "align": "center", "valign": "vcenter"},
    "unit": {**_BASE, "align": "left", "text_wrap": False},
    "unit_right": {**_BASE, "align": "right", "text_wrap": False},
    "section": {**_BOX, "align": "center"},
    "label": {**_BOX, "align": "center"},
    "label_left": {**_BOX, "align": "left"},
    "heading": {**_BOX, "align": "left", "bold": True},
    "score_header": {**_BOX, "align": "center", "bold": True, "bg_color": STYLE_FILLS["score_header"]},
    "score_text": {**_BOX, "align": "left"},
    "score_id": {**_BOX, "align": "left", "font_size": 8, "font_color": _GREY},
    "score_number": {**_BOX, "align": "center", "num_format": "0.00"},
    "formula": {**_BOX, "align": "center", "num_format": "0.00"},
    "output": {**_BOX, "align": "left"},
    "note": {**_BASE, "font_size": 9, "font_color": _GREY, "align": "left"},
    "note_header": {**_BASE, "font_size": 9, "font_color": _GREY, "align": "left", "bold": True},
    "helper_header": {**_BASE, "font_size": 9, "font_color": _GREY, "align": "center", "bold": True},
    "weight_header": {**_BOX, "font_size": 9, "align": "center", "bold": True},
    "helper": {**_BASE, "font_size": 9, "font_color": _GREY, "align": "center"},
    "helper_percent": {**_BASE, "font_size": 9, "font_color": _GREY, "align": "center", "num_format": "0.00%"},
    "helper_amount": {**_BASE, "font_size": 9, "font_color": _GREY, "align": "center", "num_format": "0.00"},
    "helper_edit": {**_BASE, "font_size": 9, "align": "center", "locked": False, "num_format": "@"},
    "helper_choice": {**_BASE, "font_size": 9, "align": "center", "locked": False},
    "helper_number": {**_BASE, "font_size": 9, "align": "center", "locked": False},
    "conf": {"font_name": "Calibri", "font_size": 11},
    "input": {**_BOX},
    "input_line": {**_BASE, "text_wrap": False},
    "input_left": {**_BOX},
    "input_block": {**_BOX, "valign": "top"},
}
"""Format properties of the layout's style names."""

_KIND_FORMAT: dict[str, dict[str, Any]] = {
    "text": {"align": "center", "num_format": "@"},
    "longtext": {"align": "left", "num_format": "@"},
    "lines": {"align": "left", "num_format": "@"},
    "int": {"align": "center", "num_format": '0"年"'},
    "amount": {"align": "center", "num_format": "0.00"},
    "points": {"align": "center", "num_format": "0.00"},
    "weight": {"align": "center"},
    "date": {"align": "center", "num_format": 'yyyy"年"mm"月"dd"日"'},
    "yesno": {"align": "center"},
    "tier": {"align": "center"},
}
"""What an input kind adds to its style."""

Mode = Literal["macro", "formulas", "values"]


class _Formats:
    """XlsxWriter formats, one per (style, kind, mode), created on first use."""

    def __init__(self, book: xlsxwriter.Workbook, mode: Mode):
        self.book, self.mode, self.cache = book, mode, {}

    def of(self, cell: Cell) -> Any:
        kind = cell.kind if cell.role == "input" else None
        key = (cell.style, kind, cell.role == "input")
        if key not in self.cache:
            props = dict(STYLES[cell.style])
            if kind:
                props.update(_KIND_FORMAT.get(kind, {}))
                if cell.style in ("input_line", "input_left", "input_block"):
                    props["align"] = "left"
            if cell.role == "input":
                props["locked"] = False
                if self.mode != "values":
                    props["bg_color"] = INPUT_FILL
            self.cache[key] = self.book.add_format(props)
        return self.cache[key]


# ---------------------------------------------------------------------------- values


def _scorecard(ev: SelfEvaluation, rules: Any, scorecard: Any) -> tuple[Any, Any, str]:
    """The scorecard to show, the rule set whose items the 评分表 lays out, and the rule
    set's name or path to record."""
    from xlperf.engine import scoring

    recorded = rules if isinstance(rules, (str, os.PathLike)) else None
    recorded = str(recorded or ev.scoring.rules or "")
    if isinstance(rules, scoring.RuleSet):
        rule_set = rules
    elif rules is not None:
        rule_set = scoring.load_rules(recorded)
    else:
        rule_set = scoring.form_rules(recorded, None)
    if isinstance(rules, scoring.RuleSet) and not recorded:
        recorded = rules.name
    if scorecard is None:
        scorecard = scoring.score(ev, rule_set)
    return scorecard, rule_set, recorded


def _exec_rate(ev: SelfEvaluation) -> Decimal | None:
    """What the 预算执行率 cell's formula computes: as `funding.execution_rate`, except that a
    row's 资金合计 is the sum of its parts, because on the sheet it is a formula over them."""
    rate = funding.execution_rate(ev, amount=lambda row: row.parts_total())
    return rate if isinstance(rate, Decimal) else None


def _accepted(ev: SelfEvaluation, row_path: str):
    """The engine's verdict on an indicator row as the form states it (是否完成): an actual the
    reviewer objects to (IND021–IND025) is left to a person; None past the form's rows."""
    from xlperf.engine.misreadings import accepted_judgement

    row = _real_row(ev, row_path)
    if row is None:
        return None
    sub = SubCategory[path_tokens(row_path)[1][0]]
    return accepted_judgement(row.name, row.formula, row.target, row.actual, sub)


def _judge(ev: SelfEvaluation, row_path: str) -> str:
    judgement = _accepted(ev, row_path)
    return "" if judgement is None else judgement.status.value


def _fraction(ev: SelfEvaluation, row_path: str) -> Any:
    from xlperf.engine import scoring

    judgement = _accepted(ev, row_path)
    return None if judgement is None else scoring.achievement(judgement)


def _real_row(ev: SelfEvaluation, row_path: str) -> Any:
    """The indicator row at `row_path` when the form has it (not 无, not past its rows)."""
    (_, _), (name, index) = path_tokens(row_path)
    rows = ev.indicators.rows(SubCategory[name])
    i = int(index or 0)
    return rows[i] if i < len(rows) else None


def understood_values(ev: SelfEvaluation, row_path: str, key: str) -> Any:
    """A helper cell of what the engine understood of an indicator row (key of
    `ENGINE_HELPERS`); written by the builder and again by the Excel buttons."""
    from xlperf.engine.misreadings import misreading
    from xlperf.workbook import native

    if key in ("t_src", "a_src"):
        return field_value(ev, f"{row_path}.{'target' if key == 't_src' else 'actual'}")
    row = _real_row(ev, row_path)
    if row is None:
        return None
    sub = SubCategory[path_tokens(row_path)[1][0]]
    if misreading(row.name, row.formula, row.target, row.actual, sub) is not None:
        return native.UNDERSTOOD_NOTHING[key]  # never judged as written (IND021–IND025)
    return native.understood(row.actual, row.target, sub, row.name)[key]


def _engine_value(cell: Cell, ev: SelfEvaluation, scores: dict[str, Any], mode: Mode) -> Any:
    """What a formula or output cell shows: the engine's own value for it (`scores`: the
    评分表's values, `Layout.score_values`)."""
    calc = cell.calc
    if calc == "sum":
        if mode == "values":
            given = field_value(ev, cell.path or "")
            if given is not None:
                return given
        return sum_filled(field_value(ev, p) for p in cell.args)
    if calc == "judge":
        return _judge(ev, cell.args[0])
    if calc == "exec_rate":
        return _exec_rate(ev)
    if calc == "frac":
        return _fraction(ev, cell.args[0])
    if calc in ("year_budget", "year_spent"):
        rows = ev.funding.budget if calc == "year_budget" else ev.funding.spending
        return funding.year_total(rows, ev.basic.eval_year, amount=lambda row: row.parts_total())
    if calc == "understood":
        return understood_values(ev, *cell.args)
    if calc == "native":
        return None
    if calc == "conf":
        return next(v for k, v, _ in XLWINGS_CONF if cell.path == f"xlwings.{k}")
    return scores.get(cell.path or "")


def typed_totals_hidden(layout: Layout, ev: SelfEvaluation) -> list[tuple[Cell, Decimal, Decimal | None]]:
    """Formula or typed value (公式还是填写的值): the 资金合计 cells whose =SUM formula would
    replace a typed total that disagrees with its parts (or stands without parts), each with
    the typed total and the parts' sum. Building a working copy over them would hide
    AMT003/AMT009 and move the score without a word, so `xlperf new` refuses and names them."""
    hidden = []
    for cell in layout.cells("formula"):
        if cell.calc != "sum":
            continue
        typed = field_value(ev, cell.path or "")
        parts = sum_filled(field_value(ev, p) for p in cell.args)
        if typed is not None and typed != parts:
            hidden.append((cell, typed, parts))
    return hidden


def _cell_text(value: Any) -> str:
    """The text a value shows (for row heights)."""
    if value is None:
        return ""
    if isinstance(value, list):
        return "\n".join(map(str, value))
    if isinstance(value, (dt.date, bool)):
        return "2020年01月01日" if isinstance(value, dt.date) else "是"
    return str(value)


# ---------------------------------------------------------------------------- writing


def _fits(cell: Cell, value: Any) -> None:
    """Refuse a text longer than a cell holds: XlsxWriter would cut it without a word."""
    text = "\n".join(value) if isinstance(value, list) else value
    if isinstance(text, str) and len(text) > MAX_CELL_TEXT:
        from xlperf.errors import InputError

        where = cell.title or cell.path or f"{cell.sheet}!{cell.area.ref}"
        raise InputError(f"{where}：文字长达{len(text)}个字，超过单元格上限（{MAX_CELL_TEXT}个字），无法完整写入工作簿，请精简")


class _SheetWriter:
    """Writes one declared sheet: merges, values, formats, validation, row heights."""

    def __init__(self, ws: Any, sl: SheetLayout, formats: _Formats, mode: Mode, udfs: bool):
        self.ws, self.sl, self.formats, self.mode, self.udfs = ws, sl, formats, mode, udfs
        self.texts: dict[tuple[int, int, int], tuple[str, int]] = {}

    def write(self, cell: Cell, value: Any, *, formula: str = "") -> None:
        ws, area, fmt = self.ws, cell.area, self.formats.of(cell)
        _fits(cell, value)
        r, c = area.row, area.col
        if area.merged:
            ws.merge_range(r, c, area.last_row, area.last_col, "", fmt)
        if formula:
            cached = "" if value is None else (float(value) if isinstance(value, Decimal) else value)
            ws.write_formula(r, c, formula, fmt, cached)
        elif value is None or value == "" or value == []:
            ws.write_blank(r, c, None, fmt)
        elif isinstance(value, bool):
            if cell.kind == "yesno":
                ws.write_string(r, c, "是" if value else "否", fmt)
            else:
                ws.write_boolean(r, c, value, fmt)
        elif isinstance(value, list):
            ws.write_string(r, c, "\n".join(value), fmt)
        elif isinstance(value, (dt.date, dt.datetime)):
            ws.write_datetime(r, c, value, fmt)
        elif isinstance(value, (int, float, Decimal)) or (cell.style == "score_number" and value):
            ws.write_number(r, c, float(Decimal(str(value))), fmt)
        else:
            ws.write_string(r, c, str(value), fmt)
        if area.row == area.last_row:
            size = STYLES[cell.style].get("font_size", 11)
            self.texts[(r, c, area.last_col)] = (_cell_text(value), size)
        if cell.validation is not None and (cell.role == "input" or cell.style == "helper_choice"):
            ws.data_validation(r, c, area.last_row, area.last_col, _validation(cell))

    def finish(self) -> None:
        ws, sl = self.ws, self.sl
        for i, width in enumerate(sl.col_widths):
            ws.set_column(i, i, width)
        heights = dict(sl.row_heights)
        for (r, c, c2), (text, size) in self.texts.items():
            need = text_height(text, sum(col_px(w) for w in sl.col_widths[c : c2 + 1]), size)
            if need > heights.get(r, 0):
                heights[r] = need
        for r, h in heights.items():
            ws.set_row(r, h)


def _validation(cell: Cell) -> dict[str, Any]:
    v = cell.validation
    assert v is not None
    opts: dict[str, Any] = {"validate": v.type, "error_type": "stop"}
    if v.type == "list":
        opts["source"] = list(v.source)
    elif v.type == "custom":
        opts["value"] = v.formula.format(cell=cell.area.first)
    else:
        opts.update(criteria=v.criteria, minimum=v.minimum, maximum=v.maximum)
    if v.prompt:
        opts.update(input_title=v.prompt_title[:32], input_message=v.prompt[:255])
    if v.error:
        opts.update(error_title=v.error_title[:32], error_message=v.error[:255])
    return opts


def _protect(ws: Any) -> None:
    ws.protect(
        "",
        {
            "format_cells": True,
            "format_columns": True,
            "format_rows": True,
            "select_locked_cells": True,
            "select_unlocked_cells": True,
        },
    )


def _print_setup(ws: Any, sl: SheetLayout) -> None:
    ws.set_paper(9)
    ws.set_landscape() if sl.landscape else ws.set_portrait()
    ws.fit_to_pages(1, 0)
    ws.center_horizontally()
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    ws.set_footer("&C第 &P 页，共 &N 页", {"margin": 0.3})
    ws.print_black_and_white()
    if sl.print_area is not None:
        a = sl.print_area
        ws.print_area(a.row, a.col, a.last_row, a.last_col)
    if sl.page_breaks:
        ws.set_h_pagebreaks(list(sl.page_breaks))
    if sl.repeat_rows:
        ws.repeat_rows(*sl.repeat_rows)


def _check_args(path: Path, vba: bytes | None, mode: Mode, sheets: Sequence[str] | None) -> None:
    if mode not in ("macro", "formulas", "values"):
        raise ValueError(f"mode 只能是 macro、formulas 或 values，实际为“{mode}”")
    if vba is not None and mode != "macro":
        raise ValueError(f"{mode} 模式的工作簿不含宏，不能传入 VBA 工程")
    if vba is not None and sheets is not None and set(sheets) != set(SHEETS):
        raise ValueError("含宏的工作簿必须包含全部工作表（VBA 工程为每个工作表带有一个文档模块）")
    want = ".xlsm" if vba is not None else ".xlsx"
    if path.suffix.lower() != want:
        what = "含宏的工作簿" if vba is not None else "不含宏的工作簿"
        raise ValueError(f"{what}应保存为 {want} 文件，实际为“{path.name}”")


def build_workbook(
    path: str | os.PathLike,
    ev: SelfEvaluation | None,
    *,
    rules: Any = None,
    vba: bytes | None = None,
    layout: Layout | None = None,
    mode: Mode = "macro",
    scorecard: Any = None,
    sheets: Sequence[str] | None = None,
    force: bool = True,
    interpreter: str | None = None,
) -> Layout:
    """Write the self-evaluation workbook to `path` and return the layout it was built with.

    ev: the data to fill in (None: an empty form). rules: rule-set name, path or RuleSet
    for the 评分表 (default: ev.scoring.rules, else national-2020); scorecard: an already
    computed one. vba: vbaProject.bin bytes whose document modules are ThisWorkbook and
    SHEET_CODENAMES (the file must then end .xlsm). layout: minimum capacities; rows
    grow to hold the data. sheets: the sheets to include (default all; the hidden
    _xlperf sheet is always written so the file reads back). force=False refuses to
    replace an existing file (`OutputError`). interpreter: the path of pythonw.exe (or of
    macOS's python) for the xlwings.conf sheet; without it the sheet has no interpreter row.
    The file is written to a temporary file beside `path` and moved into place, so a
    failed build never leaves a half-written workbook.
    """
    path = Path(path)
    _check_args(path, vba, mode, sheets)
    ev = ev if ev is not None else SelfEvaluation()
    card, rule_set, recorded = _scorecard(ev, rules, scorecard)
    layout = Layout.for_model(ev, layout).with_rules(rule_set, recorded)
    wanted = set(SHEETS if sheets is None else sheets) | {META}
    if mode != "macro":
        wanted.discard(CONF)

    conf = [interpreter_setting(interpreter)] if interpreter else []
    with atomic_path(path, force=force) as tmp:
        _write(str(tmp), ev, layout, card, vba, mode, wanted, rule_set, conf)
    return layout


def _write(tmp: str, ev, layout: Layout, card, vba, mode: Mode, wanted: set[str], rule_set: Any, conf=()) -> None:
    book = xlsxwriter.Workbook(
        tmp,
        {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False},
    )
    book.set_properties({"title": "财政支出项目绩效自评", "comments": "xlperf"})
    udfs = mode == "macro" and vba is not None
    if vba is not None:
        book.add_vba_project(io.BytesIO(vba), is_stream=True)
        book.set_vba_name(WORKBOOK_CODENAME)
    formats = _Formats(book, mode)
    scores = {**layout.score_values(card), **rule_values(rule_set)}
    sheets: dict[str, Any] = {}
    for sl in layout.sheets:
        if sl.name not in wanted:
            continue
        ws = book.add_worksheet(sl.name)
        ws._prepare_formula = _prepare_formula
        sheets[sl.name] = ws
        if vba is not None:
            ws.set_vba_name(sl.codename)
        if sl.name == META:
            _write_meta(ws, layout, mode, [s for s in SHEETS if s in wanted])
        writer = _SheetWriter(ws, sl, formats, mode, udfs)
        for cell in sl.cells:
            _write_cell(writer, cell, ev, scores, mode, udfs)
        writer.finish()
        if sl.name == CONF:
            _write_conf_extra(ws, conf)
        if sl.hidden:
            ws.hide()
            continue
        if sl.name == FORM:
            ws.hide_gridlines(2)
            ws.activate()
        _print_setup(ws, sl)
        if mode != "values" and sl.protected:
            _protect(ws)
        if udfs:
            for b in sl.buttons:
                r, c = parse_a1(b.cell)
                ws.insert_button(r, c, {"macro": b.macro, "caption": b.caption, "width": b.width,
                                        "height": b.height})
    if mode != "values":
        _add_flags(book, sheets, layout, ev, mode, card)
    book.close()


def _prepare_formula(formula: str, expand_future_functions: bool = False) -> str:
    """XlsxWriter's formula preparation without its search for Excel 365 functions to prefix
    with _xlfn. (about 60 regular expressions per formula, most of a build's time): the
    workbook's formulas use Excel 2007 functions only (`xlperf.workbook.native.ALLOWED_FUNCTIONS`,
    checked by a test on every generated workbook)."""
    if formula.startswith("{"):
        formula = formula[1:]
    if formula.startswith("="):
        formula = formula[1:]
    if formula.endswith("}"):
        formula = formula[:-1]
    return formula


def _add_flags(book: Any, sheets: dict[str, Any], layout: Layout, ev: SelfEvaluation, mode: Mode, card: Any) -> None:
    """The checks computed by formulas (flags, their formatting and the 校验 summary), when
    that module is present."""
    import importlib
    import importlib.util

    if importlib.util.find_spec("xlperf.workbook.flags") is None:
        return
    importlib.import_module("xlperf.workbook.flags").add_flags(book, sheets, layout, ev, mode, card)


def _write_cell(writer: _SheetWriter, cell: Cell, ev, scores: dict[str, Any], mode: Mode, udfs: bool) -> None:
    if cell.helper and (mode == "values" or (cell.needs_udf and not udfs)):
        return
    if cell.role == "label":
        writer.write(cell, cell.text)
    elif cell.role == "input":
        writer.write(cell, field_value(ev, cell.path or ""))
    else:
        value = _engine_value(cell, ev, scores, mode)
        live = mode != "values" and cell.role == "formula" and (udfs or not cell.needs_udf)
        live = live or (mode == "formulas" and cell.role == "output" and bool(cell.formula))
        writer.write(cell, value, formula=cell.formula if live else "")


def _write_conf_extra(ws: Any, settings: Sequence[tuple[str, str]]) -> None:
    """Settings a person gave (an interpreter path) below the fixed xlwings.conf rows."""
    for r, (key, value) in enumerate(settings, start=len(XLWINGS_CONF)):
        ws.write_string(r, 0, key)
        ws.write_string(r, 1, value)
        ws.write_string(r, 3, INTERPRETER_NOTES[key])


def _write_meta(ws: Any, layout: Layout, mode: Mode, sheets: Sequence[str]) -> None:
    """The layout's record, and the build's own: its mode and the sheets it holds."""
    rows = [*layout.meta(), ("mode", mode), ("sheets", ",".join(sheets))]
    for r, (key, value) in enumerate(rows):
        ws.write_string(r, 0, key)
        ws.write_string(r, 1, value)
