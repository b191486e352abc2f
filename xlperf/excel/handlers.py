"""The workbook's buttons (按钮): 校验, 计算得分, 导出附件3, 清除标记.

Each handler is a thin layer over the engine: read each sheet of the workbook in one
call, `read_grid` it into the model through the layout the workbook records, run
`evaluate`, and write the results back in a few batches. The same code runs in Excel
and on a file on disk, through a small `Book` protocol with two adapters:

- `ExcelBook`: the workbook whose button was pressed (`xw.Book.caller()`); the button
  macros run `RunPython "import xlperf.excel.handlers as x; x.validate()"` and the like, so a
  handler called without a book uses `ExcelBook.caller()`. Messages appear in a
  message box; every text comes from here, none from VBA.
- `FileBook`: a workbook file read with xlperf's own reader (the same cells
  `xlperf check` reads) and written with openpyxl (`keep_vba=True`) to an OUTPUT path,
  atomically, never over the file it was read from. `process_file` (the CLI's
  `xlperf mark FILE -o OUT.xlsm`) runs a handler this way; the tests do too.

What the handlers write:
- marks: the fill of the cell a finding points at (red for errors, amber for warnings)
  and a note with the Chinese messages (`Layout.marks_for`); the marked ranges are
  recorded in the hidden _xlperf sheet (key `marks`), so the next run and 清除标记
  restore exactly those cells to their declared fill (`Layout.original_fill`);
- the sheet 校验结果: one row per finding (级别, 代码, 单元格 as a link to the cell, 说明);
- the 评分表's engine cells (分值, 得分, 方式, 档次分值范围, 计算说明, 合计, 等级), in one
  block for all rows (`Layout.score_values`); the person's 档次/给分/评分说明 are never
  written.

A cell whose content cannot be read (text in an amount cell) is not a crash: it is
marked and listed with the code `XLS001` and the message names the cell.

That is the Guangdong workbook (`_Session`). The same button macros serve every form kind:
a workbook whose hidden _xlperf sheet records another `form_kind` is handed to that kind's
`excel_session` (the national table's: `xlperf.forms.national_2020.excel`), a `Session`
sharing the marks record, the 校验结果 sheet and 清除标记 with the Guangdong one.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

from xlperf.errors import InputError, place
from xlperf.forms.guangdong_1_1.layout import FORM, INPUT_FILL, META, REPORT, SCORE, SCORE_COLUMNS, SCORE_ROW, Area, col_letter, col_px, parse_a1, text_height

FINDINGS_SHEET = "校验结果"
UNREADABLE = "XLS001"
"""Code of a cell whose content cannot become its field (单元格内容无法读取)."""
ACTIONS = ("validate", "score", "export", "clear_marks", "mark")
"""What `process_file` can run: a button's handler, or `mark` (校验 and 计算得分 at once)."""

_FINDINGS_WIDTHS = (6.0, 8.0, 16.0, 66.0)
"""Column widths of the 校验结果 sheet: together one A4 page wide (portrait), 说明 wrapping."""
_SHEET_FONT_SIZE = 11.0


def _row_heights(rows: Sequence[Sequence[Any]], widths: Sequence[float]) -> list[float]:
    """Points each row of a put sheet needs for its wrapped texts (the first row spans all
    columns), so that no program prints a cut-off 说明."""
    heights = []
    for r, row in enumerate(rows):
        spans = [sum(widths)] if r == 0 else widths
        need = [text_height("" if v is None else str(v), col_px(w), _SHEET_FONT_SIZE) for v, w in zip(row, spans)]
        heights.append(max([15.0, *need]))
    return heights


_MESSAGE_LIMIT = 900
"""Excel's message box shows about 1,024 characters; longer messages are cut there."""
_SHOWN_FINDINGS = 6


# ---------------------------------------------------------------------------- the book


class Book(Protocol):
    """What a handler needs from a workbook. Cell references are A1 strings on one sheet."""

    interactive: bool
    """True in Excel: messages are shown, unexpected errors become a message too."""

    @property
    def path(self) -> Path | None:
        """The workbook's file (the report goes beside it); None if it has none yet."""

    @property
    def keep(self) -> list[Path]:
        """Files no output may replace (the workbook, the file it was read from)."""

    @property
    def folder(self) -> Path | None:
        """The folder the person keeps the workbook in (a relative rule-file path starts there)."""

    def sheet_names(self) -> list[str]: ...

    def read(self, sheet: str, ref: str | None = None) -> list[list[Any]]:
        """Values of a rectangle (None: from A1 to the last used cell), row by row."""

    def write(self, sheet: str, ref: str, rows: Sequence[Sequence[Any]]) -> None:
        """Values into a rectangle, in one operation."""

    def fill(self, sheet: str, ref: str, color: str | None) -> None:
        """The background of a range ('#F4B6B6'; None: no fill)."""

    def note(self, sheet: str, cell: str, text: str | None) -> None:
        """Replace the cell's note (comment) with `text`; None removes it."""

    def fit_rows(self, sheet: str, ref: str, minimum: float) -> None:
        """Make the rows of `ref` tall enough for their wrapped text."""

    def put_sheet(self, name: str, rows: Sequence[Sequence[Any]], widths: Sequence[float],
                  links: Sequence[tuple[int, int, str, str]]) -> None:
        """Replace (or add, last) a sheet holding `rows`; links: (row, col, target such as
        "'附件1-1'!I4", text) with 0-based row and column. The first row (a title) spans the
        columns; the sheet prints one page wide with the second row (the headers) repeated."""

    def drop_sheet(self, name: str) -> None: ...

    def editing(self, sheets: Iterable[str]) -> Any:
        """A context in which the (protected) sheets can be written."""

    def tell(self, text: str) -> None:
        """Show a message to the person (Excel) or nothing (a file: the text is returned)."""

    def formula_cells(self, sheet: str, ref: str) -> set[tuple[int, int]]:
        """(row, col), 0-based on the sheet, of the cells of `ref` that hold a formula."""

    def shows(self, sheet: str, cell: str, value: Any) -> None:
        """What the formula in `cell` computes now (the engine's value): Excel computes it
        itself; a file keeps it as the formula's cached result, for readers that do not
        recalculate (xlperf's own among them)."""


def _excel_value(value: Any) -> Any:
    """A value as Excel should store it: numbers as float, texts kept as typed texts (the
    apostrophe prefix stops Excel from reading “=…”, “1/2” or “0751” as something else)."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, str) and value:
        return "'" + value
    return value


class ExcelBook:
    """The workbook open in Excel, through xlwings (Windows; the buttons' case).

    Reads one rectangle per call (`Range.options(ndim=2).value`), writes values by
    rectangle, fills and notes per marked range, and unprotects each protected sheet
    (no password) while writing."""

    interactive = True

    def __init__(self, book: Any):
        self.xl = book

    @classmethod
    def caller(cls) -> "ExcelBook":
        import xlwings as xw

        return cls(xw.Book.caller())

    @property
    def path(self) -> Path | None:
        full = str(self.xl.fullname)
        if "://" in full or not os.path.isabs(full):
            return None  # never saved, or saved on OneDrive/SharePoint (a URL)
        return Path(full)

    @property
    def keep(self) -> list[Path]:
        return [self.path] if self.path else []

    @property
    def folder(self) -> Path | None:
        return self.path.parent if self.path else None

    def sheet_names(self) -> list[str]:
        return [s.name for s in self.xl.sheets]

    def read(self, sheet: str, ref: str | None = None) -> list[list[Any]]:
        sh = self.xl.sheets[sheet]
        rng = sh.range(ref) if ref else sh.range("A1", sh.used_range.last_cell)
        return rng.options(ndim=2).value

    def write(self, sheet: str, ref: str, rows: Sequence[Sequence[Any]]) -> None:
        self.xl.sheets[sheet].range(ref).value = [[_excel_value(v) for v in row] for row in rows]

    def fill(self, sheet: str, ref: str, color: str | None) -> None:
        self.xl.sheets[sheet].range(ref).color = color

    def note(self, sheet: str, cell: str, text: str | None) -> None:
        rng = self.xl.sheets[sheet].range(cell)
        if rng.note is not None:
            rng.note.delete()
        if text:
            note = rng.add_note(text)
            if sys.platform.startswith("win"):
                shape = note.api.Shape
                shape.Width = 320
                shape.Height = max(60, 16 * (text.count("\n") + 1 + len(text) // 22))

    def fit_rows(self, sheet: str, ref: str, minimum: float) -> None:
        self.xl.sheets[sheet].range(ref).rows.autofit()

    def put_sheet(self, name, rows, widths, links) -> None:
        active = self.xl.sheets.active
        if name in self.sheet_names():
            self.xl.sheets[name].delete()
        sheets = self.xl.sheets
        sh = sheets.add(name, after=sheets[len(sheets) - 1])
        width = max(len(r) for r in rows)
        sh.range("A1").value = [[_excel_value(v) for v in row] + [None] * (width - len(row)) for row in rows]
        for i, w in enumerate(widths):
            sh.range((1, i + 1)).column_width = w
        sh.range((1, len(widths)), (len(rows), len(widths))).api.WrapText = True
        sh.range((1, 1), (1, len(widths))).merge()
        sh.range((1, 1)).api.WrapText = True
        for r, height in enumerate(_row_heights(rows, widths), 1):
            sh.range((r, 1)).row_height = height
        setup = sh.api.PageSetup  # one page wide, as many pages tall as needed
        setup.PaperSize, setup.Orientation, setup.Zoom = 9, 1, False
        setup.FitToPagesWide, setup.FitToPagesTall = 1, False
        setup.PrintTitleRows, setup.CenterHorizontally = "$2:$2", True
        setup.CenterFooter = "第 &P 页，共 &N 页"
        for row, col, target, text in links:
            sh.api.Hyperlinks.Add(Anchor=sh.range((row + 1, col + 1)).api, Address="", SubAddress=target,
                                  TextToDisplay=text)
        active.activate()

    def drop_sheet(self, name: str) -> None:
        self.xl.sheets[name].delete()

    @contextmanager
    def editing(self, sheets: Iterable[str]) -> Iterator[None]:
        app = self.xl.app
        updating = app.screen_updating
        app.screen_updating = False
        relock = []
        try:
            for name in sheets:
                api = self.xl.sheets[name].api
                if api.ProtectContents:
                    api.Unprotect()
                    relock.append(api)
            yield
        finally:
            for api in relock:  # as the builder protects: formatting allowed, no password
                api.Protect(DrawingObjects=True, Contents=True, Scenarios=True, AllowFormattingCells=True,
                            AllowFormattingColumns=True, AllowFormattingRows=True)
            app.screen_updating = updating

    def tell(self, text: str) -> None:
        shown = text if len(text) <= _MESSAGE_LIMIT else text[:_MESSAGE_LIMIT] + "……"
        self.xl.app.alert(shown, title="xlperf")

    def formula_cells(self, sheet: str, ref: str) -> set[tuple[int, int]]:
        a = Area.parse(ref)
        found = self.xl.sheets[sheet].range(ref).formula
        rows = found if isinstance(found, (list, tuple)) else ((found,),)
        return {(a.row + i, a.col + j) for i, row in enumerate(rows) for j, f in enumerate(row)
                if isinstance(f, str) and f.startswith("=")}

    def shows(self, sheet: str, cell: str, value: Any) -> None:
        pass  # Excel recalculates


class FileBook:
    """A workbook file, changed in memory and saved to another file.

    Cells are read with xlperf's own hardened reader (`xlsx_grid.read_grids`), so a file
    gives the handlers exactly what `xlperf check` reads; the handlers never change an
    input cell, so the source file's values stay what the workbook holds. The hidden
    _xlperf sheet, which the handlers do write, is read from memory. Writing goes through
    openpyxl (`keep_vba=True`: the VBA project and the buttons are kept as they are);
    `save()` writes OUT atomically and refuses to write over the source."""

    interactive = False

    def __init__(self, source: str | os.PathLike, out: str | os.PathLike, *, force: bool = False):
        import openpyxl

        from xlperf.files.atomic import check_output
        from xlperf.files.xlsx_grid import check_whole_package, read_grids

        self.source, self.out, self.force = Path(source), Path(out), force
        suffix = self.source.suffix.lower()
        if suffix not in (".xlsm", ".xlsx"):
            raise InputError(f"“{self.source.name}”不是 .xlsm 或 .xlsx 工作簿")
        if self.out.suffix.lower() != suffix:
            raise InputError(f"输出文件应与原工作簿同为 {suffix} 文件，实际为“{self.out.name}”")
        check_output(self.out, force=force, source=self.source)
        self._grids = read_grids(self.source)
        check_whole_package(self.source)
        _refuse_foreign_vba(self.source)
        self.wb = openpyxl.load_workbook(self.source, keep_vba=suffix == ".xlsm")
        self._shown: dict[tuple[str, str], Any] = {}
        for ws in self.wb.worksheets:
            _refill_merged(ws)

    @property
    def path(self) -> Path:
        return self.out

    @property
    def keep(self) -> list[Path]:
        return [self.source, self.out]

    @property
    def folder(self) -> Path:
        return self.source.parent

    def sheet_names(self) -> list[str]:
        return list(self.wb.sheetnames)

    def read(self, sheet: str, ref: str | None = None) -> list[list[Any]]:
        if sheet == META or sheet not in self._grids:
            ws = self.wb[sheet]
            rows = [[c.value for c in row] for row in ws.iter_rows(max_col=max(ws.max_column, 2))]
        else:
            rows = self._grids[sheet]
        if ref is None:
            return [list(r) for r in rows]
        a = Area.parse(ref)
        width = a.last_col - a.col + 1
        out = []
        for r in range(a.row, a.last_row + 1):
            row = list(rows[r][a.col : a.last_col + 1]) if r < len(rows) else []
            out.append(row + [None] * (width - len(row)))
        return out

    def write(self, sheet: str, ref: str, rows: Sequence[Sequence[Any]]) -> None:
        ws = self.wb[sheet]
        a = Area.parse(ref)
        for i, row in enumerate(rows):
            for j, value in enumerate(row):
                _set(ws.cell(a.row + i + 1, a.col + j + 1), value)

    def fill(self, sheet: str, ref: str, color: str | None) -> None:
        from openpyxl.styles import PatternFill

        ws = self.wb[sheet]
        if color:
            rgb = "FF" + color.lstrip("#").upper()
            pattern = PatternFill(fill_type="solid", start_color=rgb, end_color=rgb)
        else:
            pattern = PatternFill(fill_type=None)
        for r, c in Area.parse(ref).cells():
            ws.cell(r + 1, c + 1).fill = pattern

    def note(self, sheet: str, cell: str, text: str | None) -> None:
        from openpyxl.comments import Comment

        target = self.wb[sheet][cell]
        if text:
            lines = text.count("\n") + 1 + len(text) // 22
            target.comment = Comment(_fit(text), "xlperf", width=320, height=max(80, 20 * lines))
        else:
            target.comment = None

    def fit_rows(self, sheet: str, ref: str, minimum: float) -> None:
        ws = self.wb[sheet]
        a = Area.parse(ref)
        for r in range(a.row, a.last_row + 1):
            need = minimum
            for c in range(a.col, a.last_col + 1):
                value = ws.cell(r + 1, c + 1).value
                if isinstance(value, str) and value:
                    width = ws.column_dimensions[col_letter(c)].width or 8.43
                    need = max(need, text_height(value, col_px(width)))
            ws.row_dimensions[r + 1].height = need

    def put_sheet(self, name, rows, widths, links) -> None:
        from openpyxl.styles import Alignment, Font
        from openpyxl.worksheet.hyperlink import Hyperlink

        if name in self.wb.sheetnames:
            del self.wb[name]
        ws = self.wb.create_sheet(name)
        for r, row in enumerate(rows, 1):
            for c, value in enumerate(row, 1):
                cell = ws.cell(r, c)
                _set(cell, value)
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        for i, w in enumerate(widths):
            ws.column_dimensions[col_letter(i)].width = w
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(widths))
        for r, height in enumerate(_row_heights(rows, widths), 1):
            ws.row_dimensions[r].height = height
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.orientation = "portrait"
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_title_rows = "2:2"
        ws.print_options.horizontalCentered = True
        ws.oddFooter.center.text = "第 &P 页，共 &N 页"
        for row, col, target, text in links:
            cell = ws.cell(row + 1, col + 1)
            cell.hyperlink = Hyperlink(ref=cell.coordinate, location=target, display=text)
            cell.font = Font(color="FF0563C1", underline="single")

    def drop_sheet(self, name: str) -> None:
        del self.wb[name]

    def editing(self, sheets: Iterable[str]) -> Any:
        return nullcontext()  # openpyxl writes cells of protected sheets as they are

    def tell(self, text: str) -> None:
        pass

    def formula_cells(self, sheet: str, ref: str) -> set[tuple[int, int]]:
        from xlperf.files.xlsx_grid import Formula

        a = Area.parse(ref)
        rows = self._grids.get(sheet, [])
        return {(r, c) for r, c in a.cells() if r < len(rows) and c < len(rows[r]) and isinstance(rows[r][c], Formula)}

    def shows(self, sheet: str, cell: str, value: Any) -> None:
        self._shown[(sheet, cell)] = value

    def save(self) -> Path:
        from xlperf.files.atomic import atomic_path

        with atomic_path(self.out, force=self.force, source=self.source) as tmp:
            self.wb.save(tmp)
            _number_vml_drawings(tmp)
            _keep_cached_results(tmp, self.source, self._shown)
        return self.out


_VML = "urn:schemas-microsoft-com:vml"
_OFFICE = "urn:schemas-microsoft-com:office:office"
_EXCEL = "urn:schemas-microsoft-com:office:excel"
_SHAPES_PER_BLOCK = 1024


def _number_vml_drawings(path: Path) -> None:
    """Number the VML drawings (buttons, notes) of a saved workbook as Excel does.

    openpyxl gives every drawing `o:idmap data="1"` and numbers the notes it adds from
    _x0000_s1026, like the buttons already in the drawing, so two drawings (or a note
    and a button) can share a shape id, which Excel may answer with a repair prompt.
    Excel's own files (XlsxWriter's comparison files were written by it) give drawing k
    the block k (`data="k"`) and its shapes the ids k*1024+1, k*1024+2, ...; a drawing of
    more than 1024 shapes takes the next blocks too (`data="1,2,3"`), and the next drawing
    starts after them. Each drawing's `<o:shapelayout>` comes first. Every shape is
    renumbered here in that way, drawing by drawing in the order of their part names."""
    import math
    import xml.etree.ElementTree as ET
    import zipfile

    for prefix, uri in (("v", _VML), ("o", _OFFICE), ("x", _EXCEL)):
        ET.register_namespace(prefix, uri)
    with zipfile.ZipFile(path) as z:
        entries = [(info, z.read(info.filename)) for info in z.infolist()]
    order = _vml_in_sheet_order({info.filename: data for info, data in entries})
    drawings = sorted(
        (k for k, (info, _) in enumerate(entries) if info.filename.lower().endswith(".vml")),
        key=lambda k: (order.get(entries[k][0].filename, len(order)), entries[k][0].filename),
    )
    block = 1
    for k in drawings:
        info, data = entries[k]
        root = ET.fromstring(data)
        for layout in root.findall(f"{{{_OFFICE}}}shapelayout"):
            root.remove(layout)
        shapes = [el for el in root.iter(f"{{{_VML}}}shape")]
        blocks = list(range(block, block + max(1, math.ceil(len(shapes) / _SHAPES_PER_BLOCK))))
        for n, shape in enumerate(shapes):
            new_id = f"_x0000_s{blocks[0] * _SHAPES_PER_BLOCK + 1 + n}"
            shape.set("id", new_id)
            if shape.get(f"{{{_OFFICE}}}spid") is not None:
                shape.set(f"{{{_OFFICE}}}spid", new_id)
        layout = ET.Element(f"{{{_OFFICE}}}shapelayout", {f"{{{_VML}}}ext": "edit"})
        ET.SubElement(layout, f"{{{_OFFICE}}}idmap", {f"{{{_VML}}}ext": "edit", "data": ",".join(map(str, blocks))})
        root.insert(0, layout)
        entries[k] = (info, ET.tostring(root, encoding="utf-8", xml_declaration=False))
        block = blocks[-1] + 1
    if drawings:
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            for info, data in entries:
                z.writestr(info, data)


_FORMULA_CELL = re.compile(r'<c r="([A-Z]+[0-9]+)"([^>]*)><f>([^<]*)</f><v>([^<]*)</v></c>')
_EMPTY_RESULT = re.compile(r'<c r="([A-Z]+[0-9]+)"([^>]*)><f>([^<]*)</f>(?:<v></v>|<v/>|<v />)?</c>')


def _keep_cached_results(path: Path, source: Path, shown: dict[tuple[str, str], Any]) -> None:
    """Give the formulas of a workbook saved by openpyxl their results back.

    openpyxl saves every formula without its cached result, so a reader that does not
    recalculate (xlperf's own reader, a viewer, LibreOffice by default) would see empty
    cells where the source showed values, and the national form's computed cells (whose
    cached result is what the form states) would read as unfilled. A formula the handlers
    left as it was gets the result it had in `source`; `shown` gives the result of a cell
    whose inputs a handler changed (the engine's value, `Book.shows`)."""
    import zipfile
    from xml.sax.saxutils import escape

    with zipfile.ZipFile(source) as z:
        before = {name: z.read(part).decode("utf-8") for name, part in _sheet_parts(z).items()}
    with zipfile.ZipFile(path) as z:
        entries = [(info, z.read(info.filename)) for info in z.infolist()]
        parts = {part: name for name, part in _sheet_parts(z).items()}
    changed = False
    for k, (info, data) in enumerate(entries):
        name = parts.get(info.filename)
        if name is None:
            continue
        cached = {m.group(1): (m.group(3), m.group(2), m.group(4)) for m in _FORMULA_CELL.finditer(before.get(name, ""))}

        def fill(m: re.Match) -> str:
            ref, attrs, formula = m.group(1), re.sub(r'\s+t="[^"]*"', "", m.group(2)), m.group(3)
            if (name, ref) in shown:
                value = shown[(name, ref)]
                if value is None or value == "":
                    kind, text = ' t="str"', ""
                elif isinstance(value, bool):
                    kind, text = ' t="b"', str(int(value))
                elif isinstance(value, (int, float, Decimal)):
                    kind, text = "", repr(float(value))
                else:
                    kind, text = ' t="str"', escape(str(value))
            elif ref in cached and cached[ref][0] == formula:
                old = re.search(r'\st="([^"]*)"', cached[ref][1])
                kind, text = (f' t="{old.group(1)}"' if old else ""), cached[ref][2]
            else:
                return m.group(0)
            return f'<c r="{ref}"{attrs}{kind}><f>{formula}</f><v>{text}</v></c>'

        text = data.decode("utf-8")
        new = _EMPTY_RESULT.sub(fill, text)
        if new != text:
            entries[k] = (info, new.encode("utf-8"))
            changed = True
    if changed:
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            for info, data in entries:
                z.writestr(info, data)


def _sheet_parts(z: Any) -> dict[str, str]:
    """Sheet name -> its part in an open package."""
    import posixpath
    import xml.etree.ElementTree as ET

    rels = {el.get("Id"): el.get("Target", "") for el in ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))}
    found = {}
    for sheet in (el for el in ET.fromstring(z.read("xl/workbook.xml")).iter() if el.tag.endswith("}sheet")):
        rid = next((v for key, v in sheet.attrib.items() if key.endswith("}id")), "")
        target = rels.get(rid, "")
        found[sheet.get("name")] = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
    return found


def _vml_in_sheet_order(parts: dict[str, bytes]) -> dict[str, int]:
    """VML part name -> position of its sheet in the workbook (drawing k is the k-th)."""
    import posixpath
    import xml.etree.ElementTree as ET

    def rels(part: str) -> dict[str, tuple[str, str]]:
        folder, name = posixpath.split(part)
        data = parts.get(posixpath.join(folder, "_rels", name + ".rels"))
        if data is None:
            return {}
        return {
            el.get("Id", ""): (el.get("Type", ""), posixpath.normpath(posixpath.join(folder, el.get("Target", ""))).lstrip("/"))
            for el in ET.fromstring(data) if el.get("TargetMode") != "External"
        }

    book = rels("xl/workbook.xml")
    order: dict[str, int] = {}
    sheets = [el for el in ET.fromstring(parts["xl/workbook.xml"]).iter() if el.tag.endswith("}sheet")]
    for sheet in sheets:
        rid = next((v for k, v in sheet.attrib.items() if k.endswith("}id")), "")
        target = book.get(rid, ("", ""))[1]
        for kind, vml in rels(target).values():
            if kind.endswith("/vmlDrawing"):
                order.setdefault(vml, len(order))
    return order


def _refuse_foreign_vba(source: Path) -> None:
    """Refuse to carry a sender's VBA project into a marked copy.

    openpyxl (keep_vba) copies the project as it is, and whoever opens the marked copy
    with macros enabled would run it. So a copy is written only when every module is
    exactly one xlperf builds (with the installed xlwings; the UDF module under its new
    or its earlier name). An .xlsm cannot be written without its project (Excel refuses
    an .xlsm that holds none), so any other project is refused, naming its modules."""
    from xlperf.excel.vba_modules import foreign_modules
    from xlperf.files.safezip import DEFAULT_LIMITS
    from xlperf.files.xlsx_grid import vba_projects

    for part, data in vba_projects(source).items():
        try:
            foreign = foreign_modules(data, max_bytes=DEFAULT_LIMITS.max_part_bytes)
        except ValueError:
            foreign = ["（无法解析）"]
        if foreign:
            shown = "、".join(foreign[:5]) + (f" 等 {len(foreign)} 个" if len(foreign) > 5 else "")
            raise InputError(
                f"文件 {source}：工作簿中的宏（模块 {shown}）不是本机 xlperf 生成的，为安全起见不在其副本中写入标记；"
                f"请用“xlperf new 新表.xlsm --from {source.name}”重新生成工作簿（已填内容会保留）后再标记，"
                "或用 xlperf check 只做校验"
            )


def _refill_merged(ws: Any) -> None:
    """Give the covered cells of each merged range the fill of its first cell, as the
    builder wrote them (openpyxl's reader keeps only their borders)."""
    from copy import copy

    for merged in ws.merged_cells.ranges:
        first = ws.cell(merged.min_row, merged.min_col)
        for row in ws.iter_rows(merged.min_row, merged.max_row, merged.min_col, merged.max_col):
            for cell in row:
                if cell is not first:
                    cell.fill = copy(first.fill)


_CUT = "……（超过单元格上限 32767 字，以下从略）"


def _fit(text: str) -> str:
    """A text of ours (a note, a finding's message) cut to a cell's 32,767 characters with
    a note saying so: openpyxl would cut it without a word. Input values never reach this
    length (the model refuses them)."""
    from xlperf.files.xlsx_grid import MAX_CELL_TEXT

    return text if len(text) <= MAX_CELL_TEXT else text[: MAX_CELL_TEXT - len(_CUT)] + _CUT


def _set(cell: Any, value: Any) -> None:
    """Set an openpyxl cell; a text stays a text even when it starts with “=”."""
    value = _fit(value) if isinstance(value, str) else value
    cell.value = value
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"


# ---------------------------------------------------------------------------- outcome


@dataclass
class Outcome:
    """What a handler did: the message for the person and what it was computed from."""

    action: str
    message: str
    findings: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    """`CellProblem`s: cells whose content could not be read (nothing was evaluated)."""
    scorecard: Any = None
    report: Path | None = None
    out: Path | None = None
    usable: bool = True
    """False when the workbook could not be used at all (not an xlperf workbook, bad rules)."""

    @property
    def errors(self) -> list:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def ok(self) -> bool:
        return self.usable and not self.problems and not self.errors


@dataclass(frozen=True)
class _Unreadable:
    """A cell that cannot be read, shaped like a finding so that it is marked and listed."""

    cell: str | None
    field: str
    message: str
    code: str = UNREADABLE
    severity: str = "error"


# ---------------------------------------------------------------------------- the handlers


def validate(book: Book | None = None) -> str:
    """校验: mark every finding on its cell and list them on the sheet 校验结果."""
    return _handle(book, "validate").message


def score(book: Book | None = None) -> str:
    """计算得分: score with the workbook's rule set and fill the 评分表."""
    return _handle(book, "score").message


def export(book: Book | None = None) -> str:
    """导出附件3: write the report (.docx) beside the workbook; also 校验 and 计算得分."""
    return _handle(book, "export").message


def clear_marks(book: Book | None = None) -> str:
    """清除标记: restore the marked cells' fills, remove their notes and the sheet 校验结果."""
    return _handle(book, "clear_marks").message


def process_file(path: str | os.PathLike, out: str | os.PathLike, action: str = "mark", *,
                 force: bool = False) -> Outcome:
    """Run a button's handler on the workbook file `path` and save the result to `out`
    (same suffix; never `path` itself; an existing `out` only with `force`).

    action: "validate", "score", "export" (the report goes beside `out`), "clear_marks",
    or "mark" (validate and score: the CLI's `xlperf mark`). A cell that cannot be read
    is marked and reported in the outcome (`problems`), not raised. Raises `InputError`
    (an `OutputError` for the output) when the file cannot be used at all."""
    if action not in ACTIONS:
        raise ValueError(f"action must be one of {', '.join(ACTIONS)}")
    book = FileBook(path, out, force=force)
    outcome = _handle(book, action)
    if not outcome.usable:
        raise InputError(outcome.message)
    outcome.out = book.save()
    return outcome


def _handle(book: Book | None, action: str) -> Outcome:
    book = book if book is not None else ExcelBook.caller()
    try:
        outcome = _session(book).run(action)
    except InputError as e:
        outcome = Outcome(action, e.message, usable=False)
    except Exception as e:
        if not book.interactive:
            raise
        outcome = Outcome(action, f"xlperf 运行出错（{type(e).__name__}：{e}）。请把这段信息和工作簿发给维护人员。",
                          usable=False)
    book.tell(outcome.message)
    return outcome


def _session(book: Book) -> "Session":
    """The session for the workbook's form kind (`_xlperf` form_kind; none recorded: the
    Guangdong kind, whose Excel layer is `_Session` here). Another kind's package provides
    `excel_session(book, meta_rows)` returning its `Session`."""
    from xlperf import forms
    from xlperf.workbook.read import WorkbookError

    if META not in book.sheet_names():
        raise WorkbookError(
            f"这不是 xlperf 生成的自评工作簿（缺少隐藏工作表 {META}）；请用 xlperf new 生成工作簿后填写"
        )
    meta = book.read(META)
    record = {str(r[0]).strip(): "" if len(r) < 2 or r[1] is None else str(r[1])
              for r in meta if r and r[0] not in (None, "")}
    try:
        kind = forms.kind_of_meta(record)
    except InputError as e:
        raise WorkbookError(f"_xlperf 工作表记录的表式无法识别：{e.message}") from None
    if kind.key != forms.GUANGDONG:
        return kind.module().excel_session(book, meta)
    return _Session(book, meta)


class Session:
    """One button press on a workbook of any kind. Shared by every kind: the marks
    recorded in _xlperf, the sheet 校验结果 and 清除标记. A kind's subclass says which
    sheets it writes (`sheets`), where findings go (`marks_for`), what a marked range
    looked like before (`original_fill`) and what each button does (`run`)."""

    def __init__(self, book: Book, meta: list[list[Any]]):
        self.book = book
        self.names = book.sheet_names()
        self.meta = meta
        self.sheets: list[str] = []

    def run(self, action: str) -> Outcome:
        raise NotImplementedError

    def marks_for(self, findings: Sequence[Any]) -> list[Any]:
        """The marks (sheet, cell, area, fill, comment) of `findings`, one per range."""
        raise NotImplementedError

    def original_fill(self, sheet: str, ref: str) -> str | None:
        """The fill a range had before it was marked (None: no fill)."""
        raise NotImplementedError

    def writable(self) -> list[str]:
        return [s for s in self.sheets if s in self.names]

    def mark(self, findings: Sequence[Any]) -> None:
        """Clear the previous marks, mark `findings`, record them, list them on 校验结果."""
        marks = [m for m in self.marks_for(findings) if m.sheet in self.names]
        self._restore([m for m in self._recorded() if m not in {(k.sheet, k.area) for k in marks}])
        for m in marks:
            self.book.fill(m.sheet, m.area, m.fill)
            self.book.note(m.sheet, m.cell, m.comment)
        self._record([(m.sheet, m.area) for m in marks])
        self._findings_sheet(findings)

    def clear(self) -> Outcome:
        recorded = self._recorded()
        dropped = FINDINGS_SHEET in self.names
        with self.book.editing(self.writable()):
            self._restore(recorded)
            self._record([])
            if dropped:
                self.book.drop_sheet(FINDINGS_SHEET)
        if not recorded and not dropped:
            return Outcome("clear_marks", "没有需要清除的标记。")
        sheet = "和“校验结果”工作表" if dropped else ""
        return Outcome("clear_marks", f"已清除{len(recorded)}处标记{sheet}，单元格已恢复原来的底色。")

    # -- marks recorded in _xlperf

    def _recorded(self) -> list[tuple[str, str]]:
        for row in self.meta:
            if row and row[0] == "marks" and len(row) > 1 and row[1]:
                try:
                    return [(str(s), str(a)) for s, a in json.loads(str(row[1]))]
                except (ValueError, TypeError):
                    return []
        return []

    def _record(self, marks: list[tuple[str, str]]) -> None:
        text = json.dumps(marks, ensure_ascii=False)
        index = next((i for i, row in enumerate(self.meta) if row and row[0] == "marks"), None)
        if index is None:
            if not marks:
                return
            index = max((i + 1 for i, row in enumerate(self.meta) if row and row[0] not in (None, "")), default=0)
        self.book.write(META, f"A{index + 1}:B{index + 1}", [["marks", text]])
        while len(self.meta) <= index:
            self.meta.append([None, None])
        self.meta[index] = ["marks", text]

    def _restore(self, marks: Iterable[tuple[str, str]]) -> None:
        for sheet, ref in marks:
            if sheet in self.names:
                self.book.fill(sheet, ref, self.original_fill(sheet, ref))
                self.book.note(sheet, Area.parse(ref).first, None)

    def _findings_sheet(self, findings: Sequence[Any]) -> None:
        errors = sum(1 for f in findings if f.severity == "error")
        title = (f"校验结果：{errors} 个错误、{len(findings) - errors} 个警告。点击“单元格”一列可跳到该单元格；"
                 "点“清除标记”按钮可删除本表和单元格上的标记。") if findings else "校验结果：未发现问题。"
        rows: list[list[Any]] = [[title], ["级别", "代码", "单元格", "说明"]]
        links = []
        for f in findings:
            cell = getattr(f, "cell", None)
            where = place(f)
            if cell and "!" in cell:
                links.append((len(rows), 2, link_target(cell), where))
            rows.append(["错误" if f.severity == "error" else "警告", f.code, where, f.message])
        self.book.put_sheet(FINDINGS_SHEET, rows, _FINDINGS_WIDTHS, links)
        self.names = self.book.sheet_names()




class _Session(Session):
    """One button press on a Guangdong workbook: the layout its _xlperf sheet records, and the steps."""

    def __init__(self, book: Book, meta: list[list[Any]]):
        from xlperf.workbook.read import WorkbookError, record_of

        super().__init__(book, meta)
        self.layout, self.mode, built = record_of({META: self.meta})
        self.sheets = [s for s in (FORM, SCORE, REPORT) if s in built]
        missing = [s for s in self.sheets if s not in self.names]
        if missing:
            raise WorkbookError(f"工作簿缺少工作表“{'”“'.join(missing)}”（可能被改名或删除），请恢复后重试")


    # -- steps

    def run(self, action: str) -> Outcome:
        if action == "clear_marks":
            return self.clear()
        from xlperf.workbook.read import WorkbookError

        try:
            ev = self.read()
        except WorkbookError as e:
            return self.unreadable(action, e)
        if action == "export":
            return self.export(ev)
        from xlperf.engine import evaluate

        evaluation = evaluate(ev, rules=self.rules(ev), locate=self.layout.cell_of)
        parts, outcome = [], Outcome(action, "", findings=evaluation.findings, scorecard=evaluation.scorecard)
        with self.book.editing(self.writable()):
            self.write_understanding(ev)
            if action in ("validate", "mark"):
                self.mark(evaluation.findings)
                parts.append(_findings_text(evaluation.findings))
            if action in ("score", "mark"):
                parts.append(self.write_scores(evaluation.scorecard))
        outcome.message = "\n".join(parts)
        return outcome

    def read(self):
        from xlperf.workbook.read import read_grid

        grid = {META: self.meta}
        for name in self.sheets:
            grid[name] = self.book.read(name, self.layout.sheet(name).extent.ref)
        return read_grid(grid, self.layout, self.mode)

    def rules(self, ev):
        """The rule set the workbook records: a shipped one, or a rule file in the
        workbook's own folder (never elsewhere: the workbook's sender chose the name)."""
        from xlperf.engine.scoring import form_rules

        return form_rules(ev.scoring.rules, self.book.folder)

    def marks_for(self, findings: Sequence[Any]) -> list[Any]:
        return self.layout.marks_for(findings)

    def original_fill(self, sheet: str, ref: str) -> str | None:
        fill = self.layout.original_fill(sheet, ref)
        return None if fill == INPUT_FILL and self.mode != "macro" else fill  # a plain copy's inputs have no fill

    def write_understanding(self, ev) -> None:
        """The helper cells beside each indicator row: what the engine understood of its
        target and actual value now (the native formulas use it while the texts stay)."""
        if FORM not in self.writable() or self.layout.version < 3:
            return
        from xlperf.workbook.build import understood_values

        cells = {}
        for c in self.layout.sheet(FORM).cells:
            if c.calc == "understood":
                value = understood_values(ev, *c.args)
                cells[(c.area.row, c.area.col)] = float(value) if isinstance(value, Decimal) else value
        for area, block in _blocks(cells):
            self.book.write(FORM, area.ref, block)

    def write_scores(self, card) -> str:
        """The engine's cells of the 评分表: one write per block of neighbouring cells."""
        if SCORE not in self.sheets:
            return _score_text(card, [], on_sheet=False)
        values = self.layout.score_values(card)
        cells, rows = {}, []
        old = self.layout.version < 3
        for c in self.layout.sheet(SCORE).cells:
            if (c.role != "output" and not (old and c.role == "formula")) or c.path not in values:
                continue
            if c.area.merged:
                self.book.write(SCORE, c.area.first, [[values[c.path]]])
            else:
                cells[(c.area.row, c.area.col)] = values[c.path]
            if c.path.endswith(".explanation"):
                rows.append(c.area.row)
        for area, block in _blocks(cells):
            self.book.write(SCORE, area.ref, block)
        if rows:
            self.book.fit_rows(SCORE, Area(min(rows), 0, max(rows), len(SCORE_COLUMNS) - 1).ref, SCORE_ROW)
        return _score_text(card, self.layout.unplaced(card), on_sheet=True)

    def export(self, ev) -> Outcome:
        from xlperf.outputs.report import DRAFT_MARK, export_report, report_path_for

        where = self.book.path
        if where is None:
            return Outcome("export", "请先把工作簿保存到本机的文件夹（不是 OneDrive/SharePoint 网址），再导出附件3。",
                           usable=False)
        result = export_report(ev, report_path_for(where), rules=self.rules(ev), pdf=False, force=True,
                               source=self.book.keep, locate=self.layout.cell_of)
        with self.book.editing(self.writable()):
            self.mark(result.findings)
            score_line = self.write_scores(result.scorecard)
        generated = [s.prompt.rstrip("。") for s in result.report.sections if s.generated]
        what = f"自评报告（附件3）草稿，标有“{DRAFT_MARK}”，改正错误后请重新导出" if result.draft else "自评报告（附件3）"
        lines = [f"已生成{what}：{result.docx}",
                 "在 Excel 中只生成 Word 文档（.docx），不生成 PDF：如需 PDF，请用 Word 打开后“另存为”PDF，"
                 "或在装有 LibreOffice 的电脑上运行 xlperf export --pdf。"]
        if generated:
            lines.append(f"以下栏目未填写，已根据表内数据生成，请核对：{'；'.join(generated)}。")
        lines += [score_line, _findings_text(result.findings)]
        return Outcome("export", "\n".join(lines), findings=result.findings, scorecard=result.scorecard,
                       report=result.docx)

    def unreadable(self, action: str, error) -> Outcome:
        """Cells that cannot be read: marked and listed; the message names each one."""
        found = [
            _Unreadable(f"{p.sheet}!{p.cell}" if p.sheet else None, "" if p.sheet else p.cell,
                        f"{p.title}{p.message}" if p.sheet else p.message)
            for p in error.problems
        ]
        if found:
            with self.book.editing(self.writable()):
                self.mark(found)
        shown = [str(p) for p in error.problems[:_SHOWN_FINDINGS]] or [error.message]
        more = len(error.problems) - _SHOWN_FINDINGS
        lines = [f"有{len(error.problems) or 1}处内容无法读取，未能{_VERB[action]}；"
                 + ("已在单元格上标红，" if found else "") + "请改正后重试：", *shown]
        if more > 0:
            lines.append(f"……另有{more}处，见“校验结果”工作表。")
        return Outcome(action, "\n".join(lines), findings=found, problems=list(error.problems))



def link_target(cell: str) -> str:
    """The internal link to a cell such as “附件1-1!I4”: '附件1-1'!$I$4 (absolute, so that no
    program reads C7 as an R1C1 reference, as LibreOffice does)."""
    sheet, _, ref = cell.rpartition("!")
    r, c = parse_a1(ref.split(":")[0])
    return f"'{sheet.strip(chr(39))}'!${col_letter(c)}${r + 1}"


_VERB = {"validate": "校验", "score": "计算得分", "export": "导出附件3", "mark": "校验和计算得分"}


def _blocks(cells: dict[tuple[int, int], Any]) -> list[tuple[Area, list[list[Any]]]]:
    """Single cells to write, grouped into rectangles: neighbouring cells of a row form a
    run, and runs over the same columns in consecutive rows are stacked."""
    runs: list[tuple[int, int, int, list[Any]]] = []
    for (r, c), value in sorted(cells.items()):
        if runs and runs[-1][0] == r and runs[-1][2] == c - 1:
            row, first, _, values = runs[-1]
            runs[-1] = (row, first, c, [*values, value])
        else:
            runs.append((r, c, c, [value]))
    blocks: list[tuple[Area, list[list[Any]]]] = []
    for r, c1, c2, values in runs:
        if blocks and blocks[-1][0].last_row == r - 1 and (blocks[-1][0].col, blocks[-1][0].last_col) == (c1, c2):
            area, rows = blocks[-1]
            blocks[-1] = (Area(area.row, c1, r, c2), [*rows, values])
        else:
            blocks.append((Area(r, c1, r, c2), [values]))
    return blocks


# ---------------------------------------------------------------------------- messages


def _where(f: Any) -> str:
    return place(f) if (getattr(f, "cell", None) or f.field) else "工作簿"


def _findings_text(findings: Sequence[Any]) -> str:
    if not findings:
        return "校验通过：没有发现错误或需要注意的问题。"
    errors = sum(1 for f in findings if f.severity == "error")
    lines = [f"校验发现 {errors} 个错误、{len(findings) - errors} 个警告，已在相应单元格标出（红色为错误，橙色为警告，"
             "鼠标移到单元格上可看说明）；完整清单见“校验结果”工作表："]
    for f in findings[:_SHOWN_FINDINGS]:
        lines.append(f"{'错误' if f.severity == 'error' else '警告'} {f.code} {_where(f)}：{f.message}")
    if len(findings) > _SHOWN_FINDINGS:
        lines.append(f"……另有{len(findings) - _SHOWN_FINDINGS}条。")
    return "\n".join(lines)


def _score_text(card: Any, unplaced: Sequence[Any], *, on_sheet: bool) -> str:
    where = "，已写入“评分表”" if on_sheet else "（本工作簿没有评分表）"
    lines = [f"{'评分完成' if card.complete else '评分尚未完成'}，{card.headline()}（{card.title}）{where}。"]
    pending = [i for i in card.items if i.status == "pending"]
    if pending:
        names = "、".join(f"“{i.name}”" for i in pending[:5]) + ("等" if len(pending) > 5 else "")
        lines.append(f"尚有{len(pending)}项待人工评分：{names}。请在评分表该行选择“档次”、填写“给分”后再点“计算得分”；"
                     "未评的项目暂按0分计入总分。")
    if unplaced:
        names = "、".join(f"“{i.name}”" for i in unplaced)
        lines.append(f"评分规则中的{names}在评分表上没有对应的行（规则文件可能在生成工作簿之后改过），其得分已计入总分；"
                     "如需逐项显示，请用 xlperf new 重新生成工作簿。")
    return "\n".join(lines)


__all__ = [
    "ACTIONS", "Book", "ExcelBook", "FileBook", "FINDINGS_SHEET", "Outcome", "UNREADABLE",
    "clear_marks", "export", "process_file", "score", "validate",
]
