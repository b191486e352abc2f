"""Reading the self-evaluation workbook back into the model (读取自评工作簿).

All parsing works on a grid, `{sheet name: rows of cell values}`: a file gives it
through `xlperf.xlsx_grid.OpenWorkbook` (opened once: _xlperf first, then the sheets it
names), Excel gives it through one xlwings read per sheet
(`Range(layout.sheet(name).extent.ref).value`). Both then go through `read_grid`, so
the file path and the Excel buttons share every rule:

- only input cells are read, through the layout the workbook records in `_xlperf`;
  formulas are never evaluated, and a formula typed into an input cell is refused;
- 资金合计 in a macro workbook is a =SUM formula: its value is the sum of the parts read
  from the same row (None when every part is empty), whatever cached result the cell
  carries; in a "values" workbook it is read as the number it holds;
- a value that cannot become its field (text in an amount cell) raises `WorkbookError`
  with a Chinese message naming the sheet, the cell and the field, e.g.
  附件1-1!I4（评价金额）应为数字，实际为“一百万”.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from xlperf.errors import InputError, problems_text
from xlperf.files import values
from xlperf.forms.guangdong_1_1.layout import (
    CONF,
    FORM,
    META,
    SHEETS,
    TIERS,
    Cell,
    Layout,
    path_tokens,
)
from xlperf.forms.guangdong_1_1.model import NONE_MARK, SelfEvaluation, SubCategory
from xlperf.files.xlsx_grid import Formula, OpenWorkbook

Grid = Mapping[str, Sequence[Sequence[Any]]]


@dataclass(frozen=True)
class CellProblem:
    """One cell whose content cannot become its field."""

    sheet: str
    cell: str
    title: str
    message: str

    def __str__(self) -> str:
        return f"{self.sheet}!{self.cell}（{self.title}）{self.message}"


class WorkbookError(InputError):
    """The workbook cannot be read: each problem names its sheet and cell."""

    def __init__(self, problems: Sequence[CellProblem] | str):
        if isinstance(problems, str):
            self.problems: list[CellProblem] = []
            super().__init__(problems)
        else:
            self.problems = list(problems)
            shown = [str(p) for p in self.problems[:20]]
            if len(self.problems) > 20:
                shown.append(f"……另有 {len(self.problems) - 20} 处")
            super().__init__(problems_text("工作簿中", shown))


class _Bad(Exception):
    """A cell value that cannot become its field (message without the cell name)."""


# ---------------------------------------------------------------------------- entry points


def read_workbook(path: str | Path) -> SelfEvaluation:
    """The self-evaluation in an xlperf workbook file (.xlsm or .xlsx)."""
    return read_workbook_with_layout(path)[0]


def read_workbook_with_layout(path: str | Path) -> tuple[SelfEvaluation, Layout]:
    """The self-evaluation in a workbook file and the layout the file was built with
    (whose `cell_of` points findings at the file's own cells)."""
    with OpenWorkbook(path) as book:
        if META not in book.sheet_names:
            raise WorkbookError(
                f"“{Path(path).name}”不是 xlperf 生成的自评工作簿（缺少隐藏工作表 {META}）；"
                "请用 xlperf new 生成工作簿后填写"
            )
        grid = book.grids([META])
        other = _other_kind(grid)
        if other is not None:
            return other.module().read_workbook(book, _meta(grid), path)
        layout, mode, built = _record(grid)
        grid.update(book.grids([s for s in SHEETS if s in built and s not in (CONF, META)]))
    return read_grid(grid, layout, mode), layout


def layout_of(grid: Grid) -> tuple[Layout, str]:
    """The layout and mode ("macro" or "values") a workbook grid records in _xlperf."""
    layout, mode, _ = _record(grid)
    return layout, mode


def record_of(grid: Grid) -> tuple[Layout, str, set[str]]:
    """What a workbook grid's _xlperf sheet records: the layout, the mode and the names of
    the sheets it was built with (for readers, such as the Excel buttons, that read one
    sheet at a time)."""
    return _record(grid)


def _record(grid: Grid) -> tuple[Layout, str, set[str]]:
    """What _xlperf records: the layout, the mode and the sheets the workbook was built with
    (附件1-1 always; a reader refuses a workbook that lost one of them)."""
    meta = _meta(grid)
    _require_guangdong(meta)
    try:
        layout = Layout.from_meta(meta)
    except ValueError as e:
        raise WorkbookError(str(e)) from None
    built = set(filter(None, meta.get("sheets", ",".join(SHEETS)).split(","))) | {FORM, META}
    return layout, meta.get("mode", "macro"), built


def _meta(grid: Grid) -> dict[str, str]:
    """The key/value rows of the grid's _xlperf sheet."""
    rows = grid.get(META)
    if rows is None:
        raise WorkbookError(f"不是 xlperf 生成的自评工作簿（缺少隐藏工作表 {META}）")
    meta = {}
    for row in rows:
        if row and row[0] not in (None, ""):
            meta[str(row[0]).strip()] = "" if len(row) < 2 or row[1] is None else str(row[1])
    return meta


def _other_kind(grid: Grid):
    """The form kind the workbook records when it is not Guangdong's (read by that kind)."""
    from xlperf import forms

    try:
        kind = forms.kind_of_meta(_meta(grid))
    except InputError:
        return None
    return None if kind.key == forms.GUANGDONG else kind


def _require_guangdong(meta: Mapping[str, str]) -> None:
    """Refuse a workbook of another form kind than the one this reader lays out (the kind
    `_xlperf` records under form_kind; none recorded: a Guangdong workbook)."""
    from xlperf import forms

    try:
        kind = forms.kind_of_meta(meta)
    except InputError as e:
        raise WorkbookError(f"_xlperf 工作表记录的表式无法识别：{e.message}") from None
    if kind.key != forms.GUANGDONG:
        raise WorkbookError(f"这是“{kind.title}”表式的工作簿，这里只能读取广东省市级附件1-1的工作簿")


def read_grid(grid: Grid, layout: Layout | None = None, mode: str | None = None) -> SelfEvaluation:
    """The self-evaluation in a grid of cell values (see the module docstring).

    layout/mode default to what the grid's _xlperf sheet records."""
    if layout is None or mode is None:
        found, found_mode = layout_of(grid)
        layout, mode = layout or found, mode or found_mode
    problems: list[CellProblem] = []
    values: dict[str, Any] = {}
    inputs, sums = _cells_read(layout)
    for cell in inputs:
        rows = grid.get(cell.sheet)
        if rows is None:
            continue
        try:
            values[cell.path or ""] = _parse(cell.kind or "text", _at(rows, cell))
        except _Bad as e:
            problems.append(CellProblem(cell.sheet, cell.area.first, cell.title, str(e)))
    for cell in sums:
        rows = grid.get(cell.sheet)
        if rows is None:
            continue
        if mode == "values":
            try:
                values[cell.path or ""] = _parse("amount", _at(rows, cell))
            except _Bad as e:
                problems.append(CellProblem(cell.sheet, cell.area.first, cell.title, str(e)))
        else:
            parts = [values.get(p) for p in cell.args]
            present = [p for p in parts if p is not None]
            values[cell.path or ""] = sum(present, Decimal(0)) if present else None
    if problems:
        raise WorkbookError(problems)
    data = _assemble(values, layout)
    try:
        return SelfEvaluation.model_validate(data)
    except ValidationError as e:
        raise WorkbookError([_problem(layout, err) for err in e.errors()]) from None


@functools.lru_cache(maxsize=16)
def _cells_read(layout: Layout) -> tuple[tuple[Cell, ...], tuple[Cell, ...]]:
    """The cells `read_grid` reads for a layout: its inputs and its 资金合计 sums."""
    return tuple(layout.inputs()), tuple(c for c in layout.cells("formula") if c.calc == "sum")


def _at(rows: Sequence[Sequence[Any]], cell: Cell) -> Any:
    r, c = cell.area.row, cell.area.col
    if r >= len(rows) or rows[r] is None or c >= len(rows[r]):
        return None
    return rows[r][c]


def _problem(layout: Layout, err: Mapping[str, Any]) -> CellProblem:
    path = ""
    for part in err.get("loc", ()):
        if isinstance(part, int):
            path += f"[{part}]"
        elif not any(ch in str(part) for ch in "[('"):
            path += ("." if path else "") + str(part)
    cell = layout.cell_for(path)
    if err.get("type") == "too_long":
        message = f"最多只能填写{(err.get('ctx') or {}).get('max_length')}项，请删减"
    else:
        message = str(err.get("msg", "")).removeprefix("Value error, ")
    if cell is None:
        return CellProblem("", path, path, message)
    return CellProblem(cell.sheet, cell.area.first, cell.title or path, message)


# ---------------------------------------------------------------------------- one cell


_shown = values.shown


def _parse(kind: str, value: Any) -> Any:
    """A cell value as its field wants it; raises _Bad with a Chinese reason."""
    if isinstance(value, Formula):
        raise _Bad(f"是公式{_shown(value.text)}，这里只能直接填写内容，请删除公式后填写")
    if isinstance(value, str) and kind not in ("text", "longtext", "lines"):
        value = value.strip()
    if value is None or value == "":
        return [] if kind == "lines" else (None if kind not in ("text", "longtext") else "")
    return _PARSERS[kind](value)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if not math.isfinite(value):
            raise _Bad(f"不是有效的内容，实际为{_shown(value)}")
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _lines(value: Any) -> list[str]:
    text = _text(value).replace("\r\n", "\n").replace("\r", "\n")
    return [line.strip() for line in text.split("\n") if line.strip()]


_YEAR = re.compile(r"^(\d{4})\s*年?$")


def _int(value: Any) -> int:
    if isinstance(value, bool):
        raise _Bad(f"应为年份（整数），实际为{_shown(value)}")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    m = _YEAR.match(str(value).strip()) if isinstance(value, str) else None
    if m:
        return int(m.group(1))
    raise _Bad(f"应为年份（整数），实际为{_shown(value)}")


def _shared(read):
    """A reading of `xlperf.files.values` whose ValueError becomes this module's _Bad."""

    def parse(value: Any) -> Any:
        try:
            return read(value)
        except ValueError as e:
            raise _Bad(str(e)) from None

    return parse


_number = _shared(values.number)
_date = _shared(values.date)
_yesno = _shared(values.yes_no)


def _weight(value: Any) -> Decimal:
    """An indicator row's 分值: a number typed as a number, not below 0. Text (even “5”) is
    refused, because the sheet's own formulas would not count it."""
    if isinstance(value, str) or isinstance(value, (bool, dt.date, dt.time)):
        raise _Bad(f"应为数字（不小于0），实际为{_shown(value)}；请直接填写数字，或留空与同类指标平分")
    number = _number(value)
    if number < 0:
        raise _Bad(f"不能为负数，实际为{_shown(value)}；请填写不小于0的分值，或留空与同类指标平分")
    return number


def _tier(value: Any) -> str:
    if isinstance(value, str) and value.strip() in TIERS:
        return value.strip()
    raise _Bad(f"应为“达成”“部分达成”或“未达成”，实际为{_shown(value)}")


_PARSERS = {
    "text": _text,
    "longtext": _text,
    "lines": _lines,
    "int": _int,
    "amount": _number,
    "points": _number,
    "weight": _weight,
    "date": _date,
    "yesno": _yesno,
    "tier": _tier,
}


# ---------------------------------------------------------------------------- the model


class _Rows(dict):
    """Rows of a list field while they are collected: {index: row}."""


def _put(tree: dict, tokens: Sequence[tuple[str, int | None]], value: Any) -> None:
    node: Any = tree
    last = len(tokens) - 1
    for k, (name, index) in enumerate(tokens):
        if index is None:
            if k == last:
                node[name] = value
            else:
                node = node.setdefault(name, {})
        else:
            rows = node.setdefault(name, _Rows())
            if k == last:
                rows[index] = value
            else:
                node = rows.setdefault(index, {})


def _empty(value: Any) -> bool:
    if isinstance(value, dict):
        return all(_empty(v) for v in value.values())
    return value is None or value == "" or value == []


def _finish(node: Any) -> Any:
    """Rows become lists; empty rows after the last filled one are dropped."""
    if isinstance(node, _Rows):
        rows = [_finish(node[i]) for i in sorted(node)]
        while rows and _empty(rows[-1]):
            rows.pop()
        return rows
    if isinstance(node, dict):
        return {k: _finish(v) for k, v in node.items()}
    return node


def _sub_category(rows: list[dict]) -> Any:
    """A sub-category's rows, or 无 when its only content is 无 in the first row."""
    if rows and rows[0].get("name") == NONE_MARK:
        cells = [v for row in rows for v in row.values()]
        if all(v in (None, "", NONE_MARK) for v in cells):
            return NONE_MARK
    return rows


@dataclass(frozen=True)
class _Shape:
    """How a layout's values become the model's dict, worked out once per layout.

    scalars: (section or "" for a top-level field, key, field path), e.g.
    ("basic", "project_name", "basic.project_name"); lists: (section, list name, one
    tuple of (key, field path) per row), e.g. ("funding", "budget", ...); entries:
    (评分表 item id, its tier/points/note paths); generic: field paths of any other shape,
    put in place one token at a time (none in the current layout)."""

    scalars: tuple[tuple[str, str, str], ...]
    lists: tuple[tuple[str, str, tuple[tuple[tuple[str, str], ...], ...]], ...]
    entries: tuple[tuple[str, tuple[str, ...]], ...]
    generic: tuple[str, ...]


@functools.lru_cache(maxsize=16)
def _shape(layout: Layout) -> _Shape:
    inputs, sums = _cells_read(layout)
    scalars: list[tuple[str, str, str]] = []
    rows: dict[tuple[str, str], dict[int, list[tuple[str, str]]]] = {}
    generic: list[str] = []
    for path in dict.fromkeys(c.path or "" for c in (*inputs, *sums)):
        if path.startswith("scoring."):
            continue
        tokens = path_tokens(path)
        names = [name for name, _ in tokens]
        indexes = [index for _, index in tokens]
        if len(tokens) == 1 and indexes[0] is None:
            scalars.append(("", names[0], path))
        elif len(tokens) == 2 and indexes == [None, None]:
            scalars.append((names[0], names[1], path))
        elif len(tokens) == 3 and indexes[0] is None and indexes[2] is None and str(indexes[1]).isdigit():
            rows.setdefault((names[0], names[1]), {}).setdefault(int(indexes[1]), []).append((names[2], path))
        else:
            generic.append(path)
    lists = tuple(
        (section, name, tuple(tuple(by_index.get(i, ())) for i in range(max(by_index) + 1)))
        for (section, name), by_index in rows.items()
    )
    entries = tuple(
        (row.id, tuple(f"scoring.items[{row.id}].{attr}" for attr in _ENTRY_ATTRS)) for row in layout.score_rows
    )
    return _Shape(tuple(scalars), lists, entries, tuple(generic))


_ENTRY_ATTRS = ("tier", "points", "note")


def _assemble(values: Mapping[str, Any], layout: Layout) -> dict:
    shape = _shape(layout)
    tree: dict = {}
    for path in shape.generic:
        if path in values:
            _put(tree, [(n, None if i is None else int(i)) for n, i in path_tokens(path)], values[path])
    data = _finish(tree)
    for section, key, path in shape.scalars:
        if path in values:
            (data.setdefault(section, {}) if section else data)[key] = values[path]
    for section, name, row_paths in shape.lists:
        built = [{key: values[path] for key, path in row if path in values} for row in row_paths]
        if not any(built):
            continue
        while built and _empty(built[-1]):
            built.pop()
        data.setdefault(section, {})[name] = built
    indicators = data.get("indicators", {})
    for sub in SubCategory:
        if sub.name in indicators:
            indicators[sub.name] = _sub_category(indicators[sub.name])
    entries = []
    for item, paths in shape.entries:
        got = [values.get(p) for p in paths]
        if not all(v is None or v == "" for v in got):
            entries.append({"item": item, **{k: v for k, v in zip(_ENTRY_ATTRS, got) if v not in (None, "")}})
    data["scoring"] = {"rules": layout.rules or None, "entries": entries}
    return data


def parse_value(kind: str, value: Any) -> Any:
    """A typed value as its field wants it (kind as in the layout: text, lines, int,
    amount, date, yesno ...); raises ValueError with a Chinese reason. Shared by the
    workbook reader and the label-anchored import of official forms."""
    try:
        return _parse(kind, value)
    except _Bad as bad:
        raise ValueError(str(bad)) from None
