"""The text of a .docx as a grid: its paragraphs and tables in document order (读取 Word 文档).

A unit's Word copy of an official table is read without trusting it. The container goes
through `safezip.SafePackage` (the same size, ratio and entry limits as a workbook); only
the main document part is read, its prolog is checked for a DTD as every part of a
workbook is, and its table geometry (rows, cells, gridSpan) is bounded on the raw bytes
before python-docx's XML layer (`docx.oxml.parse_xml`) parses it: python-docx follows a
gridSpan as given, and 10^9 hangs it. Nothing in the file is followed or opened: no
fields (only their shown results are text), remote templates, external links, altChunk
parts or embedded OLE objects; headers, footers, notes and comments are not read.

A table becomes rows of the grid (a merged cell's text in its first cell, None in the
others); a paragraph outside tables becomes a row of one cell.
"""

from __future__ import annotations

import re
from pathlib import Path

from xlperf.files.grid import TextGrid
from xlperf.files.safezip import DEFAULT_LIMITS, OLE_SIGNATURE, Limits, SafePackage, UnreadableFile, refuse

MAX_SPAN = 64
"""Grid columns one Word cell may span; the official tables have under 15 columns."""

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_STRICT = b"http://purl.oclc.org/ooxml/wordprocessingml/main"
_TRANSITIONAL = b"http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_SPAN = re.compile(rb"<w:gridSpan\s+w:val=\"(\d+)\"")
_BEFORE = re.compile(rb"<w:gridBefore\s+w:val=\"(\d+)\"")


def read_docx(path, limits: Limits = DEFAULT_LIMITS) -> TextGrid:
    """The document's paragraphs and tables as one grid; raises UnreadableFile."""
    p = Path(path)
    _sniff(p)
    with SafePackage(p, limits) as pkg:
        part = pkg.find("word/document.xml")
        if part is None:
            raise refuse(p, "IN_CORRUPT", "不是 Word 文档（.docx 中没有正文部件 word/document.xml）")
        data = pkg.read(part)
    data = data.replace(_STRICT, _TRANSITIONAL)
    _check_geometry(p, data, limits)
    root = _parse(p, data)
    return _walk(p, root, limits)


def _sniff(p: Path) -> None:
    try:
        with open(p, "rb") as fh:
            head = fh.read(8)
    except OSError as e:
        raise refuse(p, "IN_IO", f"无法读取（{e.strerror or e}）") from None
    if head.startswith(OLE_SIGNATURE):
        raise refuse(p, "IN_ENCRYPTED", "文件为旧版 .doc 格式或已加密（设置了打开密码），无法读取；请在 Word 或 WPS 中取消密码并另存为 .docx 再提交")


def _check_prolog(p: Path, data: bytes) -> None:
    """The workbook reader's prolog guard: expat reads up to the root element and refuses
    a DTD, the only place entities can be declared (no XXE, no billion laughs)."""
    from xml.parsers import expat

    from defusedxml import DTDForbidden

    from xlperf.files.xlsx_grid import _prolog_guard, _RootReached

    try:
        _prolog_guard().Parse(data, True)
    except _RootReached:
        return
    except DTDForbidden:
        raise refuse(p, "IN_UNSAFE_XML", "文档含有 XML 文档类型声明（DTD），为安全起见不予读取") from None
    except expat.ExpatError as e:
        raise refuse(p, "IN_CORRUPT", f"文档正文已损坏，无法解析（{e}）") from None


def _check_geometry(p: Path, data: bytes, limits: Limits) -> None:
    _check_prolog(p, data)
    cells = len(re.findall(rb"<w:tc[ >]", data))
    rows = len(re.findall(rb"<w:tr[ >]", data))
    if cells > limits.max_cells or rows > limits.max_rows:
        raise refuse(p, "IN_TOO_MANY_CELLS", f"文档中的表格过大（{rows} 行、{cells} 格，上限 {limits.max_rows} 行、{limits.max_cells} 格），不是正常的自评表")
    for pattern in (_SPAN, _BEFORE):
        for m in pattern.finditer(data):
            if int(m.group(1)) > MAX_SPAN:
                raise refuse(p, "IN_TOO_MANY_CELLS", f"文档中的表格结构异常（一个单元格跨 {int(m.group(1))} 列，上限 {MAX_SPAN} 列），为安全起见不予读取")


def _parse(p: Path, data: bytes):
    from docx.oxml.parser import parse_xml
    from lxml import etree

    try:
        return parse_xml(data)
    except etree.XMLSyntaxError as e:
        raise refuse(p, "IN_CORRUPT", f"文档正文已损坏，无法解析（{str(e)[:120]}）") from None


def _text(p_el) -> str:
    """A paragraph's shown text: its runs' text, tabs and breaks (never field codes or
    deleted text)."""
    out = []
    for el in p_el.iter(_W + "t", _W + "tab", _W + "br", _W + "cr"):
        tag = el.tag
        if tag == _W + "t":
            out.append(el.text or "")
        elif tag == _W + "tab":
            out.append("\t")
        else:
            out.append("\n")
    return "".join(out)


def _cell_text(tc) -> str:
    return "\n".join(_text(p) for p in tc.iter(_W + "p")).strip("\n")


def _blocks(body):
    """Paragraphs and tables at the body's top level, content controls opened."""
    for el in body:
        if el.tag == _W + "sdt":
            content = el.find(_W + "sdtContent")
            if content is not None:
                yield from _blocks(content)
        elif el.tag in (_W + "p", _W + "tbl"):
            yield el


def _walk(p: Path, root, limits: Limits) -> TextGrid:
    grid = TextGrid(str(p))
    body = root.find(_W + "body")
    if body is None:
        raise refuse(p, "IN_CORRUPT", "文档正文已损坏（没有 body 元素）")
    n_par = n_tbl = 0
    budget = [limits.max_rows, limits.max_cells]
    for el in _blocks(body):
        if el.tag == _W + "p":
            n_par += 1
            text = _text(el).strip()
            if text:
                grid.add_row([text], f"第{n_par}段", None, "paragraph")
        else:
            n_tbl += 1
            for i, row in enumerate(_table_rows(p, el, limits, budget)):
                grid.add_row(row, f"第{n_tbl}个表格", i + 1, "table")
    return grid


def _table_rows(p: Path, tbl, limits: Limits, budget: list[int]) -> list[list]:
    """The table's rows on its grid: a cell spanning columns or continuing a vertical
    merge leaves None where its first cell holds the text. `budget` counts rows and
    cells of the whole document down (the raw-byte bound assumes the usual "w" prefix;
    this one holds whatever the prefix)."""
    rows: list[list] = []
    for tr in tbl.iter(_W + "tr"):
        if tr.getparent() is not tbl:
            continue
        budget[0] -= 1
        if budget[0] < 0:
            raise refuse(p, "IN_TOO_MANY_CELLS", f"文档中的表格过大（超过 {limits.max_rows} 行），不是正常的自评表")
        row: list = []
        before = tr.find(f"{_W}trPr/{_W}gridBefore")
        if before is not None:
            row.extend([None] * min(int(before.get(_W + "val", "0") or 0), MAX_SPAN))
        for tc in tr.iter(_W + "tc"):
            if tc.getparent() is not tr:
                continue
            pr = tc.find(_W + "tcPr")
            span, merge = 1, None
            if pr is not None:
                gs = pr.find(_W + "gridSpan")
                if gs is not None:
                    span = max(1, min(int(gs.get(_W + "val", "1") or 1), MAX_SPAN))
                vm = pr.find(_W + "vMerge")
                if vm is not None:
                    merge = vm.get(_W + "val", "continue")
            budget[1] -= span
            if budget[1] < 0:
                raise refuse(p, "IN_TOO_MANY_CELLS", f"文档中的表格过大（超过 {limits.max_cells} 格），不是正常的自评表")
            text = None if merge == "continue" else _cell_text(tc)
            row.append(text if text else None)
            row.extend([None] * (span - 1))
            if len(row) > limits.max_cols:
                raise refuse(p, "IN_TOO_MANY_CELLS", f"文档中的表格过宽（超过 {limits.max_cols} 列），不是正常的自评表")
        rows.append(row)
    return rows


__all__ = ["read_docx", "UnreadableFile"]
