"""Reading the cell values of chosen sheets straight from an .xlsx/.xlsm file (读取单元格).

Why our own reader: the layout parser needs, for a few hundred cells, the value a
person typed, whether the cell holds a formula instead (a formula in an input cell is
refused, never evaluated), and dates as dates. openpyxl reads the same but is several
times slower; python-calamine is faster but cannot tell a formula from a value (see
docs/limits.md for the measurements). This reader opens only the parts it needs
(workbook, relationships, styles, shared strings and the requested sheets), through
`safezip.SafePackage`, and parses them with the C ElementTree parser behind a guard
that refuses, as defusedxml does, any document type declaration before a single
entity is declared (no XXE, no billion laughs). External links are refused
unless allowed. A VBA project (vbaProject.bin) is read as data only, never run:
`xlperf.vba.inspect` looks for auto-run procedures in its source and a workbook
that has one is refused (IN_AUTO_MACRO).
"""

from __future__ import annotations

import datetime as dt
import math
import posixpath
import re
import xml.etree.ElementTree as ET
from xml.parsers import expat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from defusedxml import DTDForbidden

from xlperf.files.safezip import DEFAULT_LIMITS, Limits, SafePackage, UnreadableFile, refuse
from xlperf.excel.vba.inspect import auto_run_procedures

__all__ = ["Formula", "Limits", "DEFAULT_LIMITS", "OpenWorkbook", "read_grids", "sheet_names", "UnreadableFile"]

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_STRICT_MAIN = "{http://purl.oclc.org/ooxml/spreadsheetml/main}"
_MAIN_T = _MAIN + "t"
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_REL_ID = ("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id", "{http://purl.oclc.org/ooxml/officeDocument/relationships}id")
_MARKUP_PER_CELL = 4
"""'<' characters allowed per cell (plus `_MARKUP_SLACK`) before a part is refused unparsed."""
_MARKUP_SLACK = 100_000
_VBA_PROJECT_REL = "/vbaProject"


class PercentNumber(float):
    """A number stored in a cell shown with a percent format (0.95 shown as 95%): a float
    like any other for every reader; the import of a typed form reads it as the person saw
    it ("95%")."""

    __slots__ = ()


@dataclass(frozen=True)
class Formula:
    """A cell holding a formula: its text (with the leading "=") and the value Excel last
    stored for it (None when the file carries none, as files written by openpyxl or
    XlsxWriter do). Cells sharing one formula all carry the first cell's text."""

    text: str
    cached: object = None


# ---- safe XML -----------------------------------------------------------------------


class _RootReached(Exception):
    pass


def _refuse_dtd(name, sysid, pubid, has_internal_subset):
    raise DTDForbidden(name, sysid, pubid)


def _root_reached(name, attrs):
    raise _RootReached(name)


def _prolog_guard():
    """An expat parser that reads only a part's prolog: it refuses a DTD and stops at the
    root element. XML allows a DTD nowhere else, and pyexpat halts on a handler's
    exception at once, so no entity is ever declared, expanded or fetched. (The C
    ElementTree parser, which builds the tree afterwards, would finish the whole buffer
    before reporting a handler's exception, hence this separate guard.)"""
    guard = expat.ParserCreate()
    guard.StartDoctypeDeclHandler = _refuse_dtd
    guard.StartElementHandler = _root_reached
    guard.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    return guard


def _tree(
    pkg: SafePackage,
    part: str,
    max_markup: int | None = None,
    stop_after: str | None = None,
    chunks: Iterable[bytes] | None = None,
) -> ET.Element:
    """The part's XML tree; every XML failure becomes an UnreadableFile.

    `max_markup` bounds the '<' characters fed to the parser, so that a part of millions
    of tiny elements is refused before its tree is built. `stop_after` names an element
    (sheetData) after whose end tag nothing is needed: the root is closed there and the
    rest (merges, validations, page setup) is never parsed. `chunks`: the part's bytes
    when the caller has read them already (through `pkg.stream`, within the limits).
    """
    guard = _prolog_guard()
    root_name = None
    parser = ET.XMLParser()
    markup = 0
    stop = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?" + stop_after.encode() + rb"\s*>") if stop_after else None
    tail = b""
    try:
        for chunk in pkg.stream(part) if chunks is None else chunks:
            if guard is not None:
                try:
                    guard.Parse(chunk, False)
                except _RootReached as reached:
                    guard, root_name = None, str(reached.args[0])
            if max_markup is not None:
                markup += chunk.count(b"<")
                if markup > max_markup:
                    raise _TooMuchMarkup
            if stop is not None and root_name is not None:
                window = tail + chunk
                hit = stop.search(window)
                if hit is not None:
                    parser.feed(chunk[: hit.end() - len(tail)])
                    parser.feed(f"</{root_name}>".encode())
                    return parser.close()
                tail = window[-64:]
            parser.feed(chunk)
        return parser.close()
    except DTDForbidden:
        raise refuse(
            pkg.path,
            "IN_UNSAFE_XML",
            f"工作簿部件 {part} 含有文档类型声明（DTD，可定义实体或引用外部文件），"
            "正常的 Excel 文件不会有这些内容，为安全起见不予读取",
        ) from None
    except (ET.ParseError, expat.ExpatError) as e:
        line = getattr(e, "lineno", None) or (e.position[0] if getattr(e, "position", None) else "?")
        raise refuse(pkg.path, "IN_CORRUPT", f"工作簿部件 {part} 不是有效的 XML（第 {line} 行），文件可能已损坏") from None
    except (RecursionError, LookupError, ValueError):  # e.g. an unknown or multi-byte encoding
        raise refuse(pkg.path, "IN_CORRUPT", f"工作簿部件 {part} 的 XML 结构或编码异常，文件可能已损坏") from None


class _TooMuchMarkup(Exception):
    pass


def _local(tag) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _rid(attrs: dict) -> str:
    return attrs.get(_REL_ID[0]) or attrs.get(_REL_ID[1]) or ""


# ---- the package's small parts ------------------------------------------------------


def _rels_part(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def _read_rels(pkg: SafePackage, part: str) -> dict[str, tuple[str, str, str]]:
    """Relationship id -> (type, target, target mode) of a part (empty if it has none)."""
    name = pkg.find(_rels_part(part))
    if name is None:
        return {}
    return {
        el.get("Id", ""): (el.get("Type", ""), el.get("Target", ""), el.get("TargetMode", ""))
        for el in _tree(pkg, name).iter()
        if _local(el.tag) == "Relationship"
    }


def _resolve(base_part: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(base_part), target))


@dataclass
class _Book:
    part: str
    sheets: dict[str, str]
    """sheet name -> part name"""
    rels: dict[str, tuple[str, str, str]]
    date1904: bool
    external_links: list[str]


def _read_book(pkg: SafePackage) -> _Book:
    part = None
    for kind, target, _mode in _read_rels(pkg, "").values():
        if kind.endswith("/officeDocument"):
            part = pkg.find(_resolve("", target))
    part = part or pkg.find("xl/workbook.xml")
    if part is None:
        raise refuse(pkg.path, "IN_CORRUPT", "不是 Excel 工作簿（缺少 xl/workbook.xml），可能是其他 Office 文件或已损坏")
    rels = _read_rels(pkg, part)
    sheets: dict[str, str] = {}
    date1904 = False
    references = False
    for el in _tree(pkg, part).iter():
        local = _local(el.tag)
        if local == "sheet":
            rel = rels.get(_rid(el.attrib))
            if rel is not None and rel[2] != "External":
                sheets[el.get("name", "")] = _resolve(part, rel[1])
        elif local == "workbookPr":
            date1904 = el.get("date1904", "0").lower() in ("1", "true")
        elif local == "externalReference":
            references = True
    links = [_resolve(part, t) for (kind, t, _m) in rels.values() if kind.endswith("/externalLink")]
    links += [n for n in pkg.names if n.lower().startswith("xl/externallinks/") and n.lower().endswith(".xml")]
    if references and not links:
        links.append("externalReference")
    return _Book(part, sheets, rels, date1904, sorted(set(links)))


def _external_targets(pkg: SafePackage, links: list[str]) -> list[str]:
    """The files the external-link parts point at (read only to name them, never opened)."""
    found = []
    for link in links:
        part = pkg.find(link)
        if part is not None:
            found += [target for _kind, target, _mode in _read_rels(pkg, part).values() if target]
    return list(dict.fromkeys(found))


def _related(pkg: SafePackage, book: _Book, kind_suffix: str, default: str) -> str | None:
    """The workbook's part related by `kind_suffix` (its usual name if unrelated)."""
    for kind, target, _mode in book.rels.values():
        if kind.endswith(kind_suffix):
            found = pkg.find(_resolve(book.part, target))
            if found:
                return found
    return pkg.find(default)


_DATE_IDS = set(range(14, 18)) | {22} | set(range(27, 32)) | {34, 35, 36} | set(range(50, 59))
_TIME_IDS = set(range(18, 22)) | {32, 33, 45, 46, 47}
_PERCENT_IDS = {9, 10}
_LITERALS = re.compile(r'"[^"]*"|\\.|_.|\*.|\[(?!h+\]|m+\]|s+\])[^\]]*\]', re.I)


def _format_kind(code: str) -> str | None:
    """'date', 'datetime', 'time', 'percent' or None for an Excel number format code."""
    section = _LITERALS.sub("", code.split(";", 1)[0]).lower()
    if section in ("general", "@", ""):
        return None
    if "%" in section:
        return "percent"
    has_time = "h" in section or "s" in section
    has_date = "y" in section or "d" in section or ("m" in section and not has_time)
    if has_date:
        return "datetime" if has_time else "date"
    return "time" if has_time else None


_REMEMBER_STYLES_BYTES = 256 * 1024
_styles_seen: dict[bytes, dict[int, str]] = {}
"""Date styles by the exact bytes of the styles part they were read from: every form built
by one version of `xlperf new` carries the same styles part, so a batch parses it once."""


def _read_styles(pkg: SafePackage, book: _Book) -> dict[int, str]:
    """Style index (a cell's s attribute) -> 'date' | 'datetime' | 'time' | 'percent', for
    date and percent styles.
    The dict may be shared between files: never change it."""
    name = _related(pkg, book, "/styles", "xl/styles.xml")
    if name is None:
        return {}
    try:
        return _styles_of(pkg, name)
    except _BadCell as bad:
        raise refuse(pkg.path, "IN_CORRUPT", f"工作簿的样式已损坏（{bad}）") from None


def _styles_of(pkg: SafePackage, name: str) -> dict[int, str]:
    if pkg.declared_size(name) > _REMEMBER_STYLES_BYTES:
        return _date_styles(_tree(pkg, name, stop_after="cellXfs"))
    data = pkg.read(name)
    kinds = _styles_seen.get(data)
    if kinds is None:
        kinds = _date_styles(_tree(pkg, name, stop_after="cellXfs", chunks=[data]))
        if len(_styles_seen) >= 8:
            _styles_seen.clear()
        _styles_seen[data] = kinds
    return kinds


MAX_FORMAT_CODE = 255
"""Characters of a number format code: Excel allows 255. The code is searched with regular
expressions, so its length is what bounds their time."""


def _date_styles(root: ET.Element) -> dict[int, str]:
    custom: dict[int, str] = {}
    formats: list[str] = []
    for el in root:
        local = _local(el.tag)
        if local == "numFmts":
            for fmt in el:
                code = fmt.get("formatCode", "")
                if len(code) > MAX_FORMAT_CODE:
                    raise _BadCell(f"数字格式长达{len(code)}个字符（Excel 最多 {MAX_FORMAT_CODE} 个）")
                try:
                    custom[int(fmt.get("numFmtId", "-1"))] = code
                except ValueError:
                    pass
        elif local == "cellXfs":
            formats = [xf.get("numFmtId", "0") for xf in el]
    kinds = {}
    for index, fmt in enumerate(formats):
        try:
            fmt_id = int(fmt)
        except ValueError:
            continue
        if fmt_id in custom:
            kind = _format_kind(custom[fmt_id])
        elif fmt_id in _DATE_IDS:
            kind = "date"
        elif fmt_id in _TIME_IDS:
            kind = "time"
        elif fmt_id in _PERCENT_IDS:
            kind = "percent"
        else:
            kind = None
        if kind:
            kinds[index] = kind
    return kinds


_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")
_SURROGATE_PAIR = re.compile("[\ud800-\udbff][\udc00-\udfff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
MAX_CELL_TEXT = 32_767
"""Characters an Excel cell holds: a longer text did not come from Excel."""


def _unescape(text: str) -> str:
    """OOXML writes control characters as _xHHHH_; an escaped surrogate pair is the
    character it encodes, a lone surrogate is no character at all (refused)."""
    if len(text) > MAX_CELL_TEXT:
        raise _BadCell(f"文字超过单元格上限（{len(text)}个字，最多 {MAX_CELL_TEXT} 个）")
    if "_x" not in text:
        return text
    text = _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text)
    if _SURROGATE.search(text):
        text = _SURROGATE_PAIR.sub(lambda m: m.group(0).encode("utf-16-le", "surrogatepass").decode("utf-16-le"), text)
        if _SURROGATE.search(text):
            raise _BadCell("文字中含有无效的字符（孤立的代理项编码 _xD800_ 之类）")
    return text


def _string_of(el: ET.Element) -> str:
    """The text of an <si> or <is> element: its <t>, or its rich-text runs' <t>s."""
    if len(el) == 1 and el[0].tag == _MAIN_T:
        return _unescape(el[0].text or "")
    parts = []
    for child in el:
        local = _local(child.tag)
        if local == "t":
            parts.append(child.text or "")
        elif local == "r":
            for t in child:
                if _local(t.tag) == "t":
                    parts.append(t.text or "")
    return _unescape("".join(parts))


def _read_shared_strings(pkg: SafePackage, book: _Book, limits: Limits) -> list[str]:
    name = _related(pkg, book, "/sharedStrings", "xl/sharedStrings.xml")
    if name is None:
        return []
    try:
        root = _tree(pkg, name, max_markup=limits.max_shared_strings * _MARKUP_PER_CELL + _MARKUP_SLACK)
    except _TooMuchMarkup:
        root = None
    if root is None or len(root) > limits.max_shared_strings:
        raise refuse(
            pkg.path, "IN_TOO_MANY_CELLS", f"工作簿的共享字符串过多（超过 {limits.max_shared_strings} 条），不是正常的自评工作簿"
        )
    try:
        return [_string_of(si) for si in root]
    except _BadCell as bad:
        raise refuse(pkg.path, "IN_CORRUPT", f"工作簿的共享字符串已损坏（{bad}）") from None


# ---- cells --------------------------------------------------------------------------

_EPOCH_1900 = dt.datetime(1899, 12, 30)
_EPOCH_1904 = dt.datetime(1904, 1, 1)
_MAX_SERIAL = 2958465.99999
_MAX_SERIAL_1904 = _MAX_SERIAL - 1462
"""9999-12-31 in the 1904 date system (its day 0 is 1904-01-01, day 1462 of 1900)."""


def _from_serial(value: float, kind: str, date1904: bool):
    """An Excel serial number as date/datetime/time; the number itself if below the date
    range, its text (what no date cell can hold: Excel shows ####) if past 9999-12-31."""
    if value > (_MAX_SERIAL_1904 if date1904 else _MAX_SERIAL):
        return format(value, "g")
    if value < 0 or (kind != "time" and value < 1 and not date1904):
        return value
    if date1904:
        moment = _EPOCH_1904 + dt.timedelta(days=value)
    elif value < 60:
        moment = _EPOCH_1900 + dt.timedelta(days=value + 1)  # Excel's 1900-02-29 does not exist
    else:
        moment = _EPOCH_1900 + dt.timedelta(days=value)
    micro = round(moment.microsecond / 1000) * 1000
    moment = moment.replace(microsecond=0) + dt.timedelta(microseconds=micro)
    if kind == "time" and value < 1:
        return moment.time()
    if kind == "date" and moment.time() == dt.time():
        return moment.date()
    return moment


_NUMBER = re.compile(r"[+-]?(?:[0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]{1,3})?")
_MAX_NUMBER_CHARS = 64
"""Excel writes a number in at most 17 significant digits and a 3-digit exponent."""


def _number(text: str):
    """A cell's numeric text as int or float; None if it is not a finite number written as
    Excel writes numbers (ASCII digits, no underscores or spaces inside, bounded length)."""
    if len(text) > _MAX_NUMBER_CHARS:
        return None
    m = _NUMBER.fullmatch(text)
    if m is None:
        return None
    if m.group(1) is None and m.group(2) is None:
        return int(text)
    value = float(text)
    return value if math.isfinite(value) else None


_REF = re.compile(r"([A-Z]{1,3})([1-9][0-9]{0,6})")
_ROW_NUMBER = re.compile(r"[1-9][0-9]{0,6}")
_INDEX = re.compile(r"[0-9]{1,9}")
_EXCEL_ROWS, _EXCEL_COLS = 1_048_576, 16_384
_REFS: dict[str, tuple[int, int]] = {}


def _split_ref(ref: str) -> tuple[int, int] | None:
    """'AB12' -> (12, 28), 1-based; None for anything else. Cached: forms share a layout."""
    found = _REFS.get(ref)
    if found is not None:
        return found
    m = _REF.fullmatch(ref)
    if m is None:
        return None
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    found = (int(m.group(2)), col)
    if found[0] > _EXCEL_ROWS or col > _EXCEL_COLS:
        return None
    if len(_REFS) < 50_000:
        _REFS[ref] = found
    return found


class _BadCell(Exception):
    pass


def _sheet_cells(root: ET.Element, strings, styles, date1904, limits: Limits, budget: list[int]):
    """(row, column) -> value for the filled cells of a parsed sheet, within the limits."""
    ns = root.tag[: root.tag.index("}") + 1] if root.tag.startswith("{") else ""
    C, V, F, IS = ns + "c", ns + "v", ns + "f", ns + "is"
    if ns not in (_MAIN, _STRICT_MAIN):
        raise _BadCell("工作表不是 Excel 的工作表格式")
    found = [el for el in root if _local(el.tag) == "sheetData"]
    if len(found) != 1 or found[0].tag != ns + "sheetData":
        raise _BadCell("缺少单元格数据，或有多份单元格数据")
    data = found[0]
    cells: dict[tuple[int, int], object] = {}
    shared: dict[str, str] = {}
    max_rows, max_cols = limits.max_rows, limits.max_cols
    known_refs = _REFS.get
    row = 0
    for row_el in data:
        r = row_el.get("r")
        if r is None:
            row += 1
        elif _ROW_NUMBER.fullmatch(r) and int(r) <= _EXCEL_ROWS:
            row = int(r)
        else:
            raise _BadCell(f"行号“{r[:20]}”无效")
        col = 0
        budget[0] -= len(row_el)
        if budget[0] < 0:
            raise _BadCell("cells")
        for c in row_el:
            if not len(c):
                col += 1
                continue
            ref = c.get("r")
            if ref:
                at = known_refs(ref) or _split_ref(ref)
                if at is None:
                    raise _BadCell(f"单元格地址“{ref[:20]}”无效")
                row, col = at
            else:
                col += 1
            if c.tag != C:
                continue
            raw = None
            f = is_el = None
            for child in c:
                tag = child.tag
                if tag == V:
                    raw = child.text
                elif tag == F:
                    f = child
                elif tag == IS:
                    is_el = child
            kind = c.get("t")
            if kind is None or kind == "n":
                if raw is None:
                    value = None
                else:
                    value = _number(raw.strip())
                    if value is None:
                        raise _BadCell(f"数值“{raw[:20]}”无效")
                    s = c.get("s")
                    if s and styles:
                        date_kind = styles.get(int(s) if _INDEX.fullmatch(s) else -1)
                        if date_kind == "percent":
                            value = PercentNumber(value)
                        elif date_kind:
                            value = _from_serial(float(value), date_kind, date1904)
            elif kind == "s":
                index = raw.strip() if raw else ""
                if not _INDEX.fullmatch(index) or int(index) >= len(strings):
                    raise _BadCell(f"共享字符串编号“{str(raw)[:20]}”无效")
                value = strings[int(index)]
            elif kind == "inlineStr":
                value = _string_of(is_el) if is_el is not None else None
            elif raw is None:
                value = None
            elif kind in ("str", "e", "d"):
                value = _unescape(raw)
            elif kind == "b":
                flag = raw.strip()
                if flag not in ("0", "1", "true", "false"):
                    raise _BadCell(f"逻辑值“{flag[:20]}”无效")
                value = flag in ("1", "true")
            else:
                raise _BadCell(f"单元格类型“{kind[:20]}”无效")
            if f is not None:
                text = f.text or ""
                si = f.get("si")
                if si is not None and f.get("t") == "shared":
                    if text:
                        shared[si] = text
                    else:
                        text = shared.get(si, "")
                value = Formula("=" + text, value)
            elif value is None or value == "":
                continue
            if row > max_rows or col > max_cols:
                raise _BadCell(f"extent:{row}:{col}")
            cells[(row, col)] = value
    return cells


def _grid(cells: dict[tuple[int, int], object]) -> list[list]:
    if not cells:
        return []
    height = max(r for r, _ in cells)
    width = max(c for _, c in cells)
    rows = [[None] * width for _ in range(height)]
    for (r, c), value in cells.items():
        rows[r - 1][c - 1] = value
    return rows


def _read_sheet(pkg: SafePackage, sheet_name: str, part: str, strings, styles, date1904, limits: Limits, budget) -> list[list]:
    name = pkg.find(part)
    if name is None:
        raise refuse(pkg.path, "IN_CORRUPT", f"工作簿文件已损坏（工作表“{sheet_name}”的部件 {part} 不存在）")
    def too_many() -> UnreadableFile:
        return refuse(
            pkg.path, "IN_TOO_MANY_CELLS", f"工作表“{sheet_name}”的单元格过多（超过 {limits.max_cells} 个），不是正常的自评工作簿"
        )

    try:
        root = _tree(pkg, name, max_markup=budget[0] * _MARKUP_PER_CELL + _MARKUP_SLACK, stop_after="sheetData")
        cells = _sheet_cells(root, strings, styles, date1904, limits, budget)
    except _TooMuchMarkup:
        raise too_many() from None
    except _BadCell as bad:
        why = str(bad)
        if why == "cells":
            raise too_many() from None
        if why.startswith("extent:"):
            _, r, c = why.split(":")
            raise refuse(
                pkg.path,
                "IN_TOO_MANY_CELLS",
                f"工作表“{sheet_name}”在第 {r} 行第 {c} 列有内容，超出自评表的范围"
                f"（最多 {limits.max_rows} 行、{limits.max_cols} 列），请删除表格范围外的内容",
            ) from None
        raise refuse(pkg.path, "IN_CORRUPT", f"工作表“{sheet_name}”的单元格数据已损坏（{why}）") from None
    return _grid(cells)


# ---- public API ---------------------------------------------------------------------


def _check_links(pkg: SafePackage, book: _Book, limits: Limits) -> None:
    if not book.external_links or limits.allow_external_links:
        return
    targets = _external_targets(pkg, book.external_links)
    shown = "、".join(f"“{t[:80]}”" for t in targets[:3]) or "其他文件"
    raise refuse(
        pkg.path,
        "IN_EXTERNAL_LINK",
        f"工作簿含有指向其他文件的外部链接（{shown}），链接的数值无法核实，为安全起见不读取；"
        "请在 Excel 中用“数据 → 编辑链接 → 断开链接”后重新保存再提交",
    )


def _vba_parts(pkg: SafePackage, book: _Book) -> list[str]:
    """The VBA project parts of the workbook: the one its relationships name, and
    xl/vbaProject.bin wherever it is."""
    parts = []
    for kind, target, mode in book.rels.values():
        if kind.endswith(_VBA_PROJECT_REL) and mode != "External":
            name = pkg.find(_resolve(book.part, target))
            if name is not None:
                parts.append(name)
    default = pkg.find("xl/vbaProject.bin")
    if default is not None:
        parts.append(default)
    return list(dict.fromkeys(parts))


def _check_macros(pkg: SafePackage, book: _Book, limits: Limits) -> None:
    """Refuse a workbook whose VBA project has a procedure the host runs on its own
    (Auto_Open, Workbook_Open, ...). The project is read through `pkg`, within the size
    and ratio limits, and only inspected as data: nothing in it is ever run."""
    for part in _vba_parts(pkg, book):
        data = pkg.read(part)
        try:
            found = auto_run_procedures(data, max_bytes=limits.max_part_bytes)
        except ValueError:
            raise refuse(
                pkg.path,
                "IN_MACRO_UNREADABLE",
                f"宏工程已损坏或无法解析（{part}），为安全起见不予读取；请另存为不含宏的 .xlsx 后再提交",
            ) from None
        if found:
            shown = "、".join(f"模块 {module} 的 {procedure}" for module, procedure in found[:3])
            if len(found) > 3:
                shown += f" 等 {len(found)} 处"
            raise refuse(
                pkg.path,
                "IN_AUTO_MACRO",
                f"工作簿含有自动运行的宏（{shown}），为安全起见不予读取；请另存为不含宏的 .xlsx 后再提交",
            )


def _area_size(ref: str) -> tuple[int, int, int] | None:
    """(cells, last row, last column) of an area such as 'A1:C3'; None if it is not one."""
    first, _, last = ref.partition(":")
    a, b = _split_ref(first), _split_ref(last or first)
    if a is None or b is None:
        return None
    return (abs(b[0] - a[0]) + 1) * (abs(b[1] - a[1]) + 1), max(a[0], b[0]), max(a[1], b[1])


def check_whole_package(path, limits: Limits = DEFAULT_LIMITS) -> None:
    """Check every part of a workbook within the limits, before a general-purpose library
    (openpyxl, for `xlperf mark`) reads it whole.

    The safe reader reads only the parts a form needs; openpyxl reads every sheet, turns
    every cell of a merged range or a hyperlink's range into an object, and (for a .xlsm)
    copies every part of the archive into memory. So here every part is decompressed
    through the size and ratio limits, every sheet is parsed within the cell budget, and
    the merged and hyperlinked ranges together may cover no more than `max_cells` cells,
    nor reach past `max_rows` x `max_cols`. Raises UnreadableFile."""
    with SafePackage(path, limits) as pkg:
        book = _read_book(pkg)
        sheets = {pkg.find(part): name for name, part in book.sheets.items()}
        budget = limits.max_cells
        covered = 0
        for part in pkg.names:
            if part.endswith("/"):
                continue
            if part not in sheets:
                for _ in pkg.stream(part):
                    pass
                continue
            sheet = sheets[part]
            try:
                root = _tree(pkg, part, max_markup=budget * _MARKUP_PER_CELL + _MARKUP_SLACK)
            except _TooMuchMarkup:
                root = None
            for el in root.iter() if root is not None else ():
                local = _local(el.tag)
                if local == "c":
                    budget -= 1
                elif local in ("mergeCell", "hyperlink") and el.get("ref"):
                    size = _area_size(el.get("ref", "").replace("$", ""))
                    if size is None:
                        raise refuse(pkg.path, "IN_CORRUPT", f"工作表“{sheet}”的区域“{el.get('ref', '')[:30]}”无效")
                    cells, last_row, last_col = size
                    covered += cells
                    if covered > limits.max_cells or last_row > limits.max_rows or last_col > limits.max_cols:
                        raise refuse(
                            pkg.path,
                            "IN_TOO_MANY_CELLS",
                            f"工作表“{sheet}”的合并单元格或超链接范围过大（{el.get('ref', '')[:30]}），"
                            f"超出自评表的范围（最多 {limits.max_rows} 行、{limits.max_cols} 列），不是正常的自评工作簿",
                        )
            if root is None or budget < 0:
                raise refuse(
                    pkg.path, "IN_TOO_MANY_CELLS",
                    f"工作表“{sheet}”的单元格过多（所有工作表合计超过 {limits.max_cells} 个），不是正常的自评工作簿",
                )


def vba_projects(path, limits: Limits = DEFAULT_LIMITS) -> dict[str, bytes]:
    """Part name -> bytes of each VBA project of a workbook, read within the limits."""
    with SafePackage(path, limits) as pkg:
        book = _read_book(pkg)
        return {part: pkg.read(part) for part in _vba_parts(pkg, book)}


def sheet_names(path, *, limits: Limits = DEFAULT_LIMITS) -> list[str]:
    """The workbook's sheet names in order."""
    with SafePackage(path, limits) as pkg:
        return list(_read_book(pkg).sheets)


class OpenWorkbook:
    """A workbook file opened once (一次打开): its sheet names, and the grids of its sheets
    read as they are asked for, so that a reader that must look at one sheet before it
    knows which others it needs opens and checks the file only once.

    External links and auto-run macros are refused when it opens. Styles and shared strings are parsed at
    most once, when the first sheet is read; every limit (total bytes, cells) counts
    over everything read through one OpenWorkbook.
    """

    def __init__(self, path, limits: Limits = DEFAULT_LIMITS):
        self.path = Path(path)
        self.limits = limits
        self._pkg = SafePackage(self.path, limits)
        try:
            self._book = _read_book(self._pkg)
            _check_links(self._pkg, self._book, limits)
            _check_macros(self._pkg, self._book, limits)
        except BaseException:
            self._pkg.close()
            raise
        self._parts: tuple[dict[int, str], list[str]] | None = None
        self._budget = [limits.max_cells]

    @property
    def sheet_names(self) -> list[str]:
        return list(self._book.sheets)

    def grids(self, sheets: Iterable[str] | None = None, *, optional: Iterable[str] = ()) -> dict[str, list[list]]:
        """As `read_grids`, from this open file."""
        book = self._book
        wanted = list(book.sheets) if sheets is None else list(dict.fromkeys(sheets))
        missing = [s for s in wanted if s not in book.sheets]
        wanted += [s for s in optional if s in book.sheets and s not in wanted]
        if missing:
            present = "、".join(f"“{s}”" for s in book.sheets) or "无"
            shown = "、".join(f"“{s}”" for s in missing)
            raise refuse(
                self.path,
                "IN_SHEET_MISSING",
                f"缺少工作表{shown}（工作簿中的工作表：{present}）；请使用 xlperf new 生成的自评工作簿，不要删除或重命名工作表",
            )
        if self._parts is None:
            self._parts = (_read_styles(self._pkg, book), _read_shared_strings(self._pkg, book, self.limits))
        styles, strings = self._parts
        return {
            name: _read_sheet(self._pkg, name, book.sheets[name], strings, styles, book.date1904, self.limits, self._budget)
            for name in wanted
        }

    def close(self) -> None:
        self._pkg.close()

    def __enter__(self) -> "OpenWorkbook":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def read_grids(
    path, sheets: Iterable[str] | None = None, *, optional: Iterable[str] = (), limits: Limits = DEFAULT_LIMITS
) -> dict[str, list[list]]:
    """{sheet name: rows of cell values} for the named sheets (all when None), plus those
    of the `optional` sheets that the workbook has.

    grid[r][c] is the cell in row r+1, column c+1; every row has the sheet's width (up to
    its last filled column) and the grid ends at the last filled row. Values: str, int,
    float, bool, datetime.date / datetime.datetime / datetime.time for cells with a date
    or time format, `Formula` for formula cells, None for empty cells; error values
    (#N/A and the like) as their text. Raises `UnreadableFile` (an InputError) for every
    file that cannot or must not be read, including a requested sheet that is missing.
    """
    with OpenWorkbook(path, limits) as book:
        return book.grids(sheets, optional=optional)
