"""Building, reading back and marking the national form's workbook (from `layout`).

- `build`: the sheet laid out as the official table (empty, or filled from a form), with
  its hidden ``_xlperf`` record; optionally marks (a fill on each cell a finding points at,
  with the finding as a cell comment) and a 校验结果 sheet listing the findings. Input cells
  are pale yellow in the working copy and plain in the submission copy.
- `build(..., formulas=True)`: the formula edition (layout version 2): the same table whose
  computed cells (`NationalLayout.computed_paths`) hold native formulas, with the helper
  cells, the rule table, the flags and the 校验汇总 beside and below the print area
  (`xlperf.forms.national_2020.native`, `xlperf.forms.national_2020.flags`).
- `read`: the form in such a workbook: only the declared input cells are read; a formula
  in one is refused, as is text where a number belongs, each problem naming its cell —
  except in the computed cells of a version-2 layout, whose formula's cached result is the
  stated value (None when it has none, is empty or is an error value). Reading never
  evaluates a formula. The rule set named by the form is kept in ``_xlperf``; a data file's
  ``source`` note (where a transcription came from) is not part of the table and is not written.

The workbook holds no macros; `xlperf mark` writes the marked copy.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from xlperf.files.atomic import atomic_path
from xlperf.files.xlsx_grid import Formula, OpenWorkbook
from xlperf.workbook.build import _protect
from xlperf.forms.national_2020.layout import (
    CHECKS_SHEET,
    COLUMN_WIDTHS,
    INDICATOR_HEADER_ROW,
    META,
    SHEET,
    NationalLayout,
    Spot,
)
from xlperf.forms.national_2020.model import NationalForm

FONT = "宋体"
INPUT_FILL = "#FFF8D6"
MARK_FILLS = {"error": "#F4B6B6", "warning": "#FFD98C"}
_BASE = {"font_name": FONT, "font_size": 10, "valign": "vcenter", "text_wrap": True, "border": 1}
_STYLES = {
    "title": {"font_name": FONT, "font_size": 16, "bold": True, "align": "center", "valign": "vcenter"},
    "label": {**_BASE, "align": "center"},
    "head": {**_BASE, "align": "center", "bold": True},
    "note": {"font_name": FONT, "font_size": 9, "valign": "top", "text_wrap": True},
    "input": {**_BASE, "locked": False},
}
_NUMBER_FORMATS = {"amount": "0.00##", "points": "0.00", "percent": '0.00"%"', "date": "yyyy-mm-dd", "int": "0"}


def field_value(form: NationalForm, path: str) -> Any:
    """The value at a field path such as ``funds.total.budget`` or ``indicators[2].score``."""
    value: Any = form
    for part in path.replace("[", ".[").split("."):
        if part.startswith("["):
            index = int(part[1:-1])
            value = value[index] if index < len(value) else None
        else:
            value = getattr(value, part, None)
        if value is None:
            return None
    return value


def build(
    out: str | os.PathLike,
    form: NationalForm | None,
    *,
    values: bool = False,
    findings: Sequence = (),
    force: bool = False,
    source=None,
    indicator_rows: int | None = None,
    formulas: bool = False,
    rules=None,
) -> Path:
    """Write the national workbook (.xlsx) atomically; see the module docstring.
    `indicator_rows`: at least this many rows in the indicator table (default 12).
    `formulas`: the formula edition, scored under `rules` (a RuleSet; default: the form's own
    setting, a shipped name or a rule file beside `source`)."""
    import xlsxwriter

    layout = NationalLayout.for_form(form, indicator_rows)
    live = None
    if formulas and not values:
        from xlperf.forms.national_2020 import native

        rule_set = _rule_set(form, rules, source)
        shown = form if form is not None else NationalForm()
        live = (rule_set, native.official_formulas(layout), native.computed_values(shown, rule_set, layout))
    out = Path(out)
    marks = {}
    for f in findings:
        spot = layout.spot_for(f.field)
        if spot is not None and (spot.first not in marks or f.severity == "error"):
            marks[spot.first] = f
    with atomic_path(out, force=force, source=source) as tmp:
        book = xlsxwriter.Workbook(str(tmp), {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False})
        formats: dict[tuple, Any] = {}

        def fmt(style: str, kind: str = "label", fill: str | None = None):
            key = (style, kind, fill, values)
            if key not in formats:
                props = dict(_STYLES[style])
                if kind in _NUMBER_FORMATS:
                    props["num_format"] = _NUMBER_FORMATS[kind]
                if style == "input" and not values:
                    props["bg_color"] = INPUT_FILL
                if fill:
                    props["bg_color"] = fill
                formats[key] = book.add_format(props)
            return formats[key]

        ws = book.add_worksheet(SHEET)
        for col, width in enumerate(COLUMN_WIDTHS):
            ws.set_column(col, col, width)
        ws.set_row(0, 30)
        ws.set_row(11, 60)
        ws.set_row(layout.total_row + 3, 70)
        if form is not None:
            for i, row in enumerate(form.indicators):
                ws.set_row(INDICATOR_HEADER_ROW + 1 + i, _height(row))
        for spot in layout.spots:
            mark = marks.get(spot.first)
            f = fmt(spot.style, spot.kind, MARK_FILLS[mark.severity] if mark is not None else None)
            value = field_value(form, spot.path) if (form is not None and spot.path) else None
            if live is not None and spot.path in live[1] and _kept(value, live[2][spot.path]):
                _write_formula(ws, spot, live[1][spot.path], live[2][spot.path], f)
            else:
                _write(ws, spot, spot.text if spot.path is None else value, f)
            if mark is not None:
                ws.write_comment(spot.first, f"{mark.code}：{mark.message}", {"x_scale": 3, "y_scale": 2})
        if not values:
            for spot in layout.inputs():
                rule = _validation(spot)
                if rule is not None:
                    ws.data_validation(spot.row, spot.col, spot.row + spot.rows - 1, spot.col + spot.cols - 1, rule)
            _protect(ws)
        ws.set_paper(9)
        ws.set_portrait()
        ws.fit_to_pages(1, 0)
        ws.center_horizontally()
        ws.set_footer("&C第 &P 页，共 &N 页", {"margin": 0.3})
        ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
        ws.repeat_rows(INDICATOR_HEADER_ROW)
        ws.print_area(0, 0, layout.total_row + 3, len(COLUMN_WIDTHS) - 1)
        if live is not None:
            from xlperf.forms.national_2020 import flags

            _write_helpers(book, ws, layout, form, live[0])
            flags.add_flags(book, ws, layout, form, live[0])
        if findings:
            _checks_sheet(book, findings, layout)
        meta = book.add_worksheet(META)
        recorded = (form.rules or "") if form is not None else ""
        edition = "formulas" if live is not None else "values" if values else "plain"
        for r, (key, val) in enumerate([*layout.meta(), ("rules", recorded), ("edition", edition)]):
            meta.write_string(r, 0, key)
            meta.write_string(r, 1, val)
        meta.hide()
        book.close()
    return out


def _rule_set(form, rules, source):
    """The rule set the formula edition computes with: `rules` (a RuleSet, a name or a path)
    or the form's own setting (a shipped name, or a rule file beside `source`)."""
    from xlperf.engine.scoring import RuleSet, form_rules, load_rules

    if isinstance(rules, RuleSet):
        return rules
    if rules is not None:
        return load_rules(str(rules))
    folder = Path(source).parent if source is not None else None
    return form_rules(form.rules if form is not None else None, folder)


def _kept(stated: Any, computed: Any) -> bool:
    """Whether a computed cell gets its formula: nothing stated, or the stated value is what
    the formula shows (any other stated value stays typed, so that the checks still see it)."""
    from xlperf.forms.national_2020.native import _same

    if stated is None or (isinstance(stated, str) and not stated.strip()):
        return True
    return computed != "" and _same(stated, computed)


def _write_formula(ws, spot: Spot, formula: str, cached: Any, f) -> None:
    if isinstance(cached, Decimal):
        cached = float(cached)
    if spot.rows > 1 or spot.cols > 1:
        ws.merge_range(spot.row, spot.col, spot.row + spot.rows - 1, spot.col + spot.cols - 1, "", f)
    ws.write_formula(spot.row, spot.col, formula, f, cached)


_HELPER_STYLE = {"font_name": FONT, "font_size": 9, "font_color": "#595959", "valign": "vcenter"}


def _write_helpers(book, ws, layout: NationalLayout, form: NationalForm | None, rules) -> None:
    """The helper cells of the formula edition: the engine's understanding and the formulas of
    every indicator row, the 项目资金/总分 scalars and the rule table (see `layout`)."""
    from xlperf.forms.national_2020 import native
    from xlperf.forms.national_2020.layout import (
        ENGINE_HELPERS, FUND_HELPERS, FUND_VALUE_COL, HELPER_COLUMN, INDICATOR_HELPERS,
    )

    ws._prepare_formula = _prepare_formula
    small = book.add_format(_HELPER_STYLE)
    head = book.add_format({**_HELPER_STYLE, "bold": True, "text_wrap": True, "align": "center"})
    edit = book.add_format({**_HELPER_STYLE, "font_color": "#000000", "locked": False, "num_format": "@"})
    number = book.add_format({**_HELPER_STYLE, "font_color": "#000000", "locked": False})
    for key, (title, width) in INDICATOR_HELPERS.items():
        col = HELPER_COLUMN[key]
        ws.write_string(INDICATOR_HEADER_ROW, col, title, head)
        ws.set_column(col, col, width)
    _, rows = native.understanding_rows(form, layout)
    for i, values in enumerate(rows):
        r = layout.indicator_row(i)
        for key, value in zip(ENGINE_HELPERS, values):
            col = HELPER_COLUMN[key]
            if isinstance(value, float):
                ws.write_number(r, col, value, number)
            elif key in ("t_num", "a_num"):
                ws.write_blank(r, col, None, number)
            else:
                ws.write_string(r, col, value, edit) if value else ws.write_blank(r, col, None, edit)
        ws.data_validation(r, HELPER_COLUMN["dir"], r, HELPER_COLUMN["dir"], {
            "validate": "list", "source": list(_DIRECTIONS), "error_type": "stop",
            "input_title": "方向", "input_message": "xlperf 对年度指标值的理解：≥ > ≤ < = 或 定性（需人工判断）；"
            "理解有误时可改选。只在指标名称、指标值和完成值未改动时使用。",
            "error_title": "方向", "error_message": "方向只能选 ≥、>、≤、<、= 或 定性。"})
        for key, formula in native.row_formulas(layout, i).items():
            if key != "official":
                ws.write_formula(r, HELPER_COLUMN[key], formula, small, "")
    for r, col, value in native.rule_cells(rules):
        if isinstance(value, Decimal):
            value = float(value)
        ws.write(r, col, value, small)
    for key, formula in native.fund_formulas(layout).items():
        row = [k for k, _ in FUND_HELPERS].index(key)
        ws.write_formula(row, FUND_VALUE_COL, formula, small, "")


_DIRECTIONS = ("≥", ">", "≤", "<", "=", "定性")


def _prepare_formula(formula: str, expand_future_functions: bool = False) -> str:
    """XlsxWriter's formula preparation without its search for newer functions (the formulas
    use Excel 2007 functions only), as the Guangdong builder does."""
    from xlperf.workbook.build import _prepare_formula as prepare

    return prepare(formula, expand_future_functions)


def _validation(spot: Spot) -> dict | None:
    """Excel's own check of an input cell in the working copy (a warning, never a refusal:
    the engine's checks are the authority, and local variants use other names)."""
    from xlperf.forms.national_2020.layout import LEVEL1, LEVEL2

    warn = {"error_type": "warning", "error_title": "请核对"}
    if spot.kind in ("amount", "points"):
        return {"validate": "decimal", "criteria": ">=", "value": 0, **warn, "error_message": "应填写不小于0的数字（金额以万元为单位）。"}
    if spot.kind == "percent":
        return {"validate": "decimal", "criteria": "between", "minimum": 0, "maximum": 1000, **warn,
                "error_message": "执行率按百分数填写，如 100 表示 100%。"}
    if spot.kind == "int":
        return {"validate": "integer", "criteria": "between", "minimum": 2000, "maximum": 2100, **warn, "error_message": "请填写四位年份。"}
    if spot.path.endswith(".level1"):
        return {"validate": "list", "source": list(LEVEL1), **warn, "error_message": "一级指标应为产出指标、效益指标或满意度指标。"}
    if spot.path.endswith(".level2"):
        return {"validate": "list", "source": list(LEVEL2), **warn, "error_message": "不是表式中的二级指标名称，请核对。"}
    return None


def _height(row) -> float:
    """Points an indicator row needs for its longest wrapped text (CJK glyphs one em at 10 pt)."""
    from xlperf.forms.national_2020.layout import _INDICATOR_COLS

    lines = 1
    for attr, _, col, cols, kind in _INDICATOR_COLS:
        if kind == "points":
            continue
        width = sum(COLUMN_WIDTHS[col:col + cols]) * 0.55
        value = getattr(row, attr)
        text = "" if value is None else str(value)
        lines = max(lines, -(-len(text) // max(1, int(width))))
    return 15.0 if lines == 1 else 13.0 * lines + 3


def _write(ws, spot: Spot, value: Any, f) -> None:
    last_row, last_col = spot.row + spot.rows - 1, spot.col + spot.cols - 1
    if isinstance(value, Decimal):
        value = float(value)
    if isinstance(value, dt.date):
        value = dt.datetime(value.year, value.month, value.day)
    if spot.rows > 1 or spot.cols > 1:
        if value is None or value == "":
            ws.merge_range(spot.row, spot.col, last_row, last_col, "", f)
        elif isinstance(value, (int, float)):
            ws.merge_range(spot.row, spot.col, last_row, last_col, None, f)
            ws.write_number(spot.row, spot.col, value, f)
        elif isinstance(value, dt.datetime):
            ws.merge_range(spot.row, spot.col, last_row, last_col, None, f)
            ws.write_datetime(spot.row, spot.col, value, f)
        else:
            ws.merge_range(spot.row, spot.col, last_row, last_col, "", f)
            ws.write_string(spot.row, spot.col, str(value), f)
        return
    if value is None or value == "":
        ws.write_blank(spot.row, spot.col, None, f)
    elif isinstance(value, (int, float)):
        ws.write_number(spot.row, spot.col, value, f)
    elif isinstance(value, dt.datetime):
        ws.write_datetime(spot.row, spot.col, value, f)
    else:
        ws.write_string(spot.row, spot.col, str(value), f)


def _checks_sheet(book, findings: Sequence, layout: NationalLayout) -> None:
    ws = book.add_worksheet(CHECKS_SHEET)
    head = book.add_format({"font_name": FONT, "bold": True, "border": 1, "bg_color": "#DDEBF7"})
    text = book.add_format({"font_name": FONT, "text_wrap": True, "valign": "top"})
    for col, (title, width) in enumerate((("代码", 9), ("级别", 6), ("单元格", 12), ("说明", 90))):
        ws.write_string(0, col, title, head)
        ws.set_column(col, col, width)
    for r, f in enumerate(findings, start=1):
        spot = layout.spot_for(f.field)
        ws.write_string(r, 0, f.code, text)
        ws.write_string(r, 1, "错误" if f.severity == "error" else "警告", text)
        ws.write_string(r, 2, spot.first if spot is not None else "", text)
        ws.write_string(r, 3, f.message, text)


# --------------------------------------------------------------------------- reading


class _Bad(Exception):
    pass


def read(book: OpenWorkbook, meta: dict, path: str | os.PathLike) -> tuple[NationalForm, NationalLayout]:
    """The form in an open national workbook whose ``_xlperf`` rows are `meta`."""
    return read_grid(book.grids([SHEET]), meta)


def read_grid(grid: dict, meta: dict) -> tuple[NationalForm, NationalLayout]:
    """The form in a grid ``{sheet name: rows of cell values}`` (from a file, or one read of
    the sheet in Excel) laid out as `meta` records."""
    from xlperf.workbook.read import CellProblem, WorkbookError

    try:
        layout = NationalLayout.from_meta(meta)
    except ValueError as e:
        raise WorkbookError(str(e)) from None
    rows = grid[SHEET]
    problems: list[CellProblem] = []
    data: dict[str, Any] = {"form": "national-2020", "rules": meta.get("rules") or None}
    computed = set(layout.computed_paths()) if layout.version >= 2 else set()
    for spot in layout.inputs():
        raw = rows[spot.row][spot.col] if spot.row < len(rows) and spot.col < len(rows[spot.row]) else None
        if spot.path in computed and isinstance(raw, Formula):
            raw = _cached(raw)
        try:
            value = _parse(spot.kind, raw)
        except _Bad as e:
            problems.append(CellProblem(SHEET, spot.first, _title(spot), str(e)))
            continue
        if value is not None:
            _put(data, spot.path, value)
    if problems:
        raise WorkbookError(problems)
    try:
        return NationalForm.model_validate(data), layout
    except ValidationError as e:
        problems = []
        for err in e.errors():
            loc = ".".join(str(p) if not isinstance(p, int) else f"[{p}]" for p in err["loc"]).replace(".[", "[")
            spot = layout.spot_for(loc)
            cell = spot.first if spot is not None else "?"
            problems.append(CellProblem(SHEET, cell, _title(spot) if spot else loc, str(err.get("msg", "")).removeprefix("Value error, ")))
        raise WorkbookError(problems) from None


def _cached(formula: Formula) -> Any:
    """The stated value of a computed cell holding a formula: its cached result, None when it
    has none or holds an error value (#DIV/0!, #NAME? ...). Never evaluated."""
    value = formula.cached
    if isinstance(value, str) and (value.startswith("#") or value.startswith("Err:")):
        return None
    return value


def _title(spot: Spot) -> str:
    from xlperf.forms.national_2020 import model

    last = spot.path.split(".")[-1]
    owner = {"funds": model.FundRow, "indicators": model.IndicatorRow, "goals": model.Goals, "total": model.TotalRow}
    cls = owner.get(spot.path.split(".")[0].split("[")[0], model.NationalForm)
    if spot.path.startswith("funds.change_note"):
        cls = model.Funds
    info = cls.model_fields.get(last)
    return info.description if info is not None and info.description else last


def _parse(kind: str, raw: Any) -> Any:
    if isinstance(raw, Formula):
        raise _Bad("是公式：请直接填写数值或文字，不要填公式")
    if raw is None or (isinstance(raw, str) and raw.strip() == ""):
        return None
    if kind in ("text", "longtext"):
        if isinstance(raw, float) and raw.is_integer():
            return str(int(raw))
        return raw if isinstance(raw, str) else str(raw)
    if kind == "date":
        if isinstance(raw, dt.datetime):
            return raw.date()
        if isinstance(raw, (dt.date, str)):
            return raw
        raise _Bad(f"应为日期，实际为“{raw}”")
    if kind == "int":
        if isinstance(raw, (int, float)) and float(raw).is_integer():
            return int(raw)
        if isinstance(raw, str) and raw.strip().isdigit():
            return int(raw.strip())
        raise _Bad(f"应为整数，实际为“{raw}”")
    if isinstance(raw, bool) or isinstance(raw, (dt.date, dt.time)):
        raise _Bad(f"应为数字，实际为“{raw}”")
    return raw if isinstance(raw, str) else repr(float(raw)) if isinstance(raw, float) else raw


def _put(data: dict, path: str, value: Any) -> None:
    node: Any = data
    parts = path.replace("[", ".[").split(".")
    for k, part in enumerate(parts):
        last = k == len(parts) - 1
        nxt = None if last else parts[k + 1]
        if part.startswith("["):
            index = int(part[1:-1])
            while len(node) <= index:
                node.append({})
            if last:
                node[index] = value
            else:
                node = node[index]
        else:
            if last:
                node[part] = value
            else:
                node = node.setdefault(part, [] if nxt.startswith("[") else {})
