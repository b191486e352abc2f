"""Import of an official form typed by hand: .docx, .xlsx/.xlsm (not built by xlperf), .xls.

The file becomes a grid (`docx_grid`, `xlsx_grid`, `xls_grid`); each registered form kind
says how many of its labels it sees there; the kind that sees most reads the grid by
its labels (`xlperf.forms.anchored`). The result is the form, what was read from which
cell, and findings IMP001.. about what could not be read. A file in which no kind finds
its labels is not a form: IN_NOT_FORM (exit 2, a 不是自评表 row in a review).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path

from xlperf.errors import InputError
from xlperf.files.grid import TextGrid
from xlperf.files.safezip import DEFAULT_LIMITS, Limits, refuse

DOCX_SUFFIXES = {".docx"}
XLS_SUFFIXES = {".xls"}
XLSX_SUFFIXES = {".xlsx", ".xlsm"}
IMPORT_SUFFIXES = DOCX_SUFFIXES | XLS_SUFFIXES | XLSX_SUFFIXES

KINDS: tuple[str, ...] = ("xlperf.forms.guangdong_1_1.importer", "xlperf.forms.national_2020.importer")
"""Modules of the form kinds that can be imported. Each supplies its label table and
says: KIND, TITLE, MODEL (its pydantic model), detect(grid) -> how many of its
distinctive labels the grid holds, read(grid, parse) -> `anchored.Imported`. A new kind
adds its module here."""

MIN_LABELS = 3
"""Distinctive labels a kind must see before a file is taken for its form."""


@dataclass
class ImportResult:
    """The imported form (the kind's model), and the `Imported` record of the reading."""

    form: object
    record: object

    @property
    def findings(self) -> list:
        return self.record.findings

    def locate(self, path: str) -> str | None:
        return self.record.locate(path)


def grid_of(path, limits: Limits = DEFAULT_LIMITS) -> TextGrid:
    """Every sheet, paragraph and table of the file as one grid, by what its bytes are."""
    from xlperf.files.xls_grid import read_xls, refuse_disguised, sniff

    p = Path(path)
    kind = sniff(p)
    suffix = p.suffix.lower()
    if kind == "ole":
        if suffix in DOCX_SUFFIXES or suffix == ".doc":
            from xlperf.files.docx_grid import read_docx

            return read_docx(p, limits)
        return read_xls(p, limits)
    if kind != "zip":
        raise refuse_disguised(p, kind)
    if suffix in DOCX_SUFFIXES or _is_docx(p, limits):
        from xlperf.files.docx_grid import read_docx

        return read_docx(p, limits)
    return _xlsx_grid(p, limits)


def _is_docx(p: Path, limits: Limits) -> bool:
    from xlperf.files.safezip import SafePackage

    with SafePackage(p, limits) as pkg:
        return pkg.find("word/document.xml") is not None


def _xlsx_grid(p: Path, limits: Limits) -> TextGrid:
    from xlperf.files.xlsx_grid import Formula, OpenWorkbook, PercentNumber

    grid = TextGrid(str(p))
    with OpenWorkbook(p, limits) as book:
        names = [n for n in book.sheet_names if n not in ("_xlperf", "xlwings.conf")]
        sheets = book.grids(names)
    for name in names:
        for i, row in enumerate(sheets.get(name, [])):
            values = [_cached(v, Formula, PercentNumber) for v in row]
            grid.add_row(values, name, i + 1, "a1")
    return grid


def _cached(value, formula_type, percent_type):
    """A formula's value as Excel last showed it (never computed here); a formula with no
    stored value stays a formula, which the reader reports as unreadable. A number shown
    with a percent format is the text the person saw (0.95 → "95%")."""
    if isinstance(value, formula_type) and value.cached is not None:
        value = None if value.cached == "" else value.cached
    if isinstance(value, percent_type):
        return _as_percent_text(value)
    return value


def _as_percent_text(value: float) -> str:
    """0.95 → "95%", 1 → "100%", 0.8625 → "86.25%": the stored number × 100, exactly as
    far as the stored digits go."""
    from xlperf.engine.formulas import format_number, to_decimal

    return format_number(to_decimal(value).scaleb(2)) + "%"


def kinds():
    return [importlib.import_module(name) for name in KINDS]


def import_grid(grid: TextGrid, shown: str = "") -> ImportResult:
    """The form a grid holds, read by the kind whose labels it holds most of."""
    from pydantic import ValidationError

    from xlperf.errors import describe_validation_error
    from xlperf.workbook.read import parse_value

    scored = sorted(((k.detect(grid), i, k) for i, k in enumerate(kinds())), key=lambda t: (-t[0], t[1]))
    if not scored or scored[0][0] < MIN_LABELS:
        raise refuse(shown or grid.source, "IN_NOT_FORM", "不是自评表（没有找到附件1-1 或项目支出绩效自评表的栏目名称，"
                     "如“资金安排情况”“实施文件依据”“年度资金总额”“三级指标”），无法导入")
    kind = scored[0][2]
    record = kind.read(grid, parse_value)
    record.source = shown or grid.source
    model = kind.MODEL
    try:
        form = model.model_validate(record.data)
    except ValidationError as e:
        raise InputError(f"文件 {shown or grid.source}：导入的内容无法使用（{describe_validation_error(e, model)}）") from None
    return ImportResult(form, record)


def import_file(path, limits: Limits = DEFAULT_LIMITS) -> ImportResult:
    """Read an official form typed in Word, Excel or WPS; raises InputError."""
    p = Path(path)
    if not p.exists():
        raise InputError(f"文件 {p}：文件不存在")
    if not p.is_file():
        raise InputError(f"文件 {p}：不是普通文件")
    try:
        grid = grid_of(p, limits)
    except OSError as e:
        raise refuse(p, "IN_IO", f"无法读取（{e.strerror or e}）") from None
    return import_grid(grid, str(p))
