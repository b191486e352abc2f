"""The batch review's summary workbook (审核汇总表), written with XlsxWriter.

Four sheets: 汇总 (a row per form), 问题清单 (a row per finding), 统计 (the grade
distribution with a column chart) and 问题类型统计 (findings counted by code, with a bar
chart). Made to be printed and passed on: every sheet is landscape A4 with page numbers;
the two lists are one page wide, their header row frozen on screen and repeated on every
printed page, with a filter; column widths follow the longest line of each column (a
Chinese character counts twice), within bounds; each chart sits below its table on a
page of its own. Each form's file name links to the file by a path relative to the
summary, so the links keep working when the folder is moved or shared as a whole.
Text from the forms goes in as text only (never as a formula or a link), and the file
appears whole or not at all (`xlperf.atomic`).
"""

from __future__ import annotations

import math
import os
import unicodedata
from collections import Counter
from pathlib import Path

from xlperf.errors import place
from xlperf.files.atomic import atomic_path

SUMMARY_HEADERS = ("文件", "填报单位", "项目名称", "评价金额（万元）", "预算执行率", "得分", "等级", "错误数", "警告数", "状态", "说明",
                   "评分规则", "上年得分", "上年等级", "退回文件", "表式")
SUMMARY_WIDTHS = ((12, 38), (10, 20), (10, 24), (10, 12), (8, 10), (6, 8), (6, 8), (6, 7), (6, 7), (8, 9), (16, 40),
                  (8, 18), (8, 9), (8, 9), (10, 30), (8, 28))
"""(least, most) width of each column, in Excel's character units; within them a column is
as wide as its longest line."""
FINDING_HEADERS = ("文件", "代码", "级别", "单元格", "说明")
FINDING_WIDTHS = ((12, 32), (8, 18), (6, 6), (8, 18), (20, 70))
CODE_HEADERS = ("代码", "问题类型", "级别", "出现次数", "涉及文件数")
CODE_WIDTHS = ((8, 20), (16, 40), (6, 8), (8, 10), (10, 12))
_URL_UNSAFE = set('#%"<>|?*')
_MAX_TEXT = 32767


def write_summary(result, out: str | os.PathLike, *, force: bool = False, sources=()) -> Path:
    """Write `result` (a ReviewResult) to `out` atomically; returns the path."""
    import xlsxwriter

    out = Path(out)
    with atomic_path(out, force=force, source=list(sources)) as tmp:
        book = xlsxwriter.Workbook(
            str(tmp), {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}
        )
        fmt = _formats(book)
        _summary_sheet(book, fmt, result, out.parent)
        _findings_sheet(book, fmt, result)
        _stats_sheet(book, fmt, result)
        _codes_sheet(book, fmt, result)
        book.close()
    return out


def _formats(book) -> dict:
    base = {"font_name": "宋体", "font_size": 10, "valign": "top"}
    return {
        "head": book.add_format({**base, "bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "vcenter"}),
        "text": book.add_format({**base, "text_wrap": True}),
        "plain": book.add_format(base),
        "money": book.add_format({**base, "num_format": "#,##0.00"}),
        "percent": book.add_format({**base, "num_format": "0.00%"}),
        "score": book.add_format({**base, "num_format": "0.00"}),
        "int": book.add_format({**base, "num_format": "0"}),
        "bad": book.add_format({**base, "font_color": "#C00000", "text_wrap": True}),
        "title": book.add_format({"font_name": "宋体", "bold": True, "font_size": 14}),
        "link": book.add_format({**base, "font_color": "#0563C1", "underline": 1, "text_wrap": True}),
    }


def display_width(text: str) -> int:
    """Width of a line in Excel's character units: a wide (CJK) character counts two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _widths(headers, bounds, rows) -> list[float]:
    """Each column as wide as its longest line (header included), within its bounds."""
    out = []
    for col, (head, (least, most)) in enumerate(zip(headers, bounds)):
        longest = display_width(head)
        for row in rows:
            value = row[col]
            if value is not None:
                longest = max(longest, *(display_width(line) for line in str(value).splitlines() or [""]))
        out.append(float(min(most, max(least, longest + 2))))
    return out


def _fit_rows(ws, rows, widths, first: int = 1) -> None:
    """Row heights for wrapped text (XlsxWriter writes none, and LibreOffice then prints
    one line): the most lines any cell of the row needs at its column's width."""
    for r, row in enumerate(rows, start=first):
        lines = 1
        for value, width in zip(row, widths):
            if value:
                per_line = max(int(width) - 1, 1)
                lines = max(lines, sum(max(1, math.ceil(display_width(part) / per_line)) for part in str(value).splitlines()))
        if lines > 1:
            ws.set_row(r, min(13.5 * lines, 409))


def _printable(ws, rows: int, cols: int, *, one_page_wide: bool) -> None:
    """Landscape A4, page numbers, the header row repeated on every page."""
    ws.set_landscape()
    ws.set_paper(9)
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.set_footer("&C第 &P 页，共 &N 页")
    if one_page_wide:
        ws.repeat_rows(0)
        ws.print_area(0, 0, max(rows, 1), cols - 1)
        ws.fit_to_pages(1, 0)


_CUT = "……（超过单元格上限 32767 字，以下从略；全文见 xlperf review --json）"


def _text(ws, row: int, col: int, value, fmt) -> None:
    """Text as text; one longer than a cell holds is cut with a note saying so, never silently."""
    text = "" if value is None else str(value)
    if len(text) > _MAX_TEXT:
        text = text[: _MAX_TEXT - len(_CUT)] + _CUT
    ws.write_string(row, col, text, fmt)


def _number(ws, row: int, col: int, value, fmt) -> None:
    number = None if value is None else float(value)
    if number is None:
        ws.write_blank(row, col, None, fmt)
    elif math.isfinite(number):
        ws.write_number(row, col, number, fmt)
    else:
        ws.write_string(row, col, str(value), fmt)


def _header(ws, fmt, headers, widths, rows: int) -> None:
    for col, (head, width) in enumerate(zip(headers, widths)):
        ws.write_string(0, col, head, fmt["head"])
        ws.set_column(col, col, width)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(rows, 1), len(headers) - 1)
    _printable(ws, rows, len(headers), one_page_wide=True)


def _link(ws, row: int, col: int, file: str, folder: Path, fmt_link, fmt_plain) -> None:
    """The file name as a link to the file, by its path relative to the summary's folder;
    plain text where a link could not carry the name (#, % and the like, or too long)."""
    try:
        target = os.path.relpath(os.path.abspath(file), os.path.abspath(folder))
    except ValueError:  # another drive on Windows
        target = ""
    url = "external:" + target.replace(os.sep, "/")
    if not target or _URL_UNSAFE & set(target) or len(url) > 2000 or len(file) > 255:
        _text(ws, row, col, file, fmt_plain)
    else:
        ws.write_url(row, col, url, fmt_link, string=file, tip="打开此文件")


def _summary_sheet(book, fmt, result, folder: Path) -> None:
    ws = book.add_worksheet("汇总")
    shown = [(f.file, f.unit, f.project, "0000000.00", "00.00%", "100.00", f.grade, "0000", "0000", f.status, f.note,
              f.rules, "100.00", f.previous_grade, f.returned, f.kind) for f in result.forms]
    widths = _widths(SUMMARY_HEADERS, SUMMARY_WIDTHS, shown)
    _header(ws, fmt, SUMMARY_HEADERS, widths, len(result.forms))
    _fit_rows(ws, shown, widths)
    for r, form in enumerate(result.forms, start=1):
        bad = not form.readable
        _link(ws, r, 0, form.file, folder, fmt["link"], fmt["text"])
        _text(ws, r, 1, form.unit, fmt["text"])
        _text(ws, r, 2, form.project, fmt["text"])
        _number(ws, r, 3, form.amount, fmt["money"])
        _number(ws, r, 4, form.exec_rate, fmt["percent"])
        _number(ws, r, 5, form.score, fmt["score"])
        _text(ws, r, 6, form.grade if not bad else "", fmt["plain"])
        _number(ws, r, 7, form.errors, fmt["int"])
        _number(ws, r, 8, form.warnings, fmt["int"])
        _text(ws, r, 9, form.status, fmt["bad"] if bad or form.errors else fmt["plain"])
        _text(ws, r, 10, form.note, fmt["bad"] if bad else fmt["text"])
        _text(ws, r, 11, form.rules, fmt["plain"])
        _number(ws, r, 12, form.previous_score, fmt["score"])
        _text(ws, r, 13, form.previous_grade, fmt["plain"])
        _text(ws, r, 14, form.returned, fmt["plain"])
        _text(ws, r, 15, form.kind, fmt["plain"])


def _findings_sheet(book, fmt, result) -> None:
    from xlperf.outputs.review import SEVERITY_LABEL

    ws = book.add_worksheet("问题清单")
    shown = [(f.file, f.code, "错误", place(f), f.message) for f in result.findings]
    widths = _widths(FINDING_HEADERS, FINDING_WIDTHS, shown)
    _header(ws, fmt, FINDING_HEADERS, widths, len(result.findings))
    _fit_rows(ws, shown, widths)
    for r, f in enumerate(result.findings, start=1):
        _text(ws, r, 0, f.file, fmt["text"])
        _text(ws, r, 1, f.code, fmt["plain"])
        _text(ws, r, 2, SEVERITY_LABEL.get(f.severity, f.severity), fmt["bad"] if f.severity == "error" else fmt["plain"])
        _text(ws, r, 3, place(f), fmt["plain"])
        _text(ws, r, 4, f.message, fmt["text"])


def _stats_sheet(book, fmt, result) -> None:
    ws = book.add_worksheet("统计")
    ws.set_column(0, 0, 14)
    ws.set_column(1, 1, 10)
    ws.write_string(0, 0, "等级分布", fmt["title"])
    ws.write_string(1, 0, "等级", fmt["head"])
    ws.write_string(1, 1, "份数", fmt["head"])
    counts = result.grade_counts()
    for i, (grade, n) in enumerate(counts.items(), start=2):
        ws.write_string(i, 0, grade, fmt["plain"])
        ws.write_number(i, 1, n, fmt["int"])
    last = 1 + len(counts)
    extra = [
        ("合计", len(result.forms)),
        ("有错误", result.with_errors),
        ("问题条数", len(result.findings)),
    ]
    for i, (label, n) in enumerate(extra, start=last + 2):
        ws.write_string(i, 0, label, fmt["plain"])
        ws.write_number(i, 1, n, fmt["int"])
    if result.rules:
        ws.write_string(last + 6, 0, "评分规则", fmt["plain"])
        _text(ws, last + 6, 1, result.rules, fmt["plain"])
    chart = book.add_chart({"type": "column"})
    chart.add_series(
        {
            "name": "份数",
            "categories": ["统计", 2, 0, last, 0],
            "values": ["统计", 2, 1, last, 1],
            "data_labels": {"value": True},
            "fill": {"color": "#4472C4"},
        }
    )
    chart.set_title({"name": "自评等级分布", "name_font": {"name": "宋体", "size": 12}})
    chart.set_x_axis({"name": "等级", "num_font": {"name": "宋体"}})
    chart.set_y_axis({"name": "份数", "min": 0, "major_gridlines": {"visible": True}})
    chart.set_legend({"none": True})
    _chart_on_its_own_page(ws, chart, last + 8, 4, "图：自评等级分布", fmt["title"])


def _chart_on_its_own_page(ws, chart, row: int, cols: int, caption: str, fmt) -> None:
    """The table on the first printed page, the chart alone on the next, under a caption
    (a page that holds a chart but no cell is left out by LibreOffice)."""
    _printable(ws, row, cols, one_page_wide=False)
    ws.set_h_pagebreaks([row])
    ws.write_string(row, 0, caption, fmt)
    ws.print_area(0, 0, row + 23, max(cols, 9) - 1)
    ws.insert_chart(row + 1, 0, chart, {"x_scale": 1.5, "y_scale": 1.3})


def _kind_catalogue() -> dict:
    """Every form kind's own codes (NAT…), asked for only when a finding has one: a run
    of Guangdong forms alone never loads another kind's package."""
    from xlperf import forms

    return forms.catalogue()


def _codes_sheet(book, fmt, result) -> None:
    """问题类型统计: each finding code, its title and severity, how often it occurs and in
    how many files, most frequent first; a bar chart of the counts below."""
    from xlperf.engine.checks import CATALOGUE
    from xlperf.outputs.review import SEVERITY_LABEL, UNREADABLE

    ws = book.add_worksheet("问题类型统计")
    counts = Counter(f.code for f in result.findings)
    files: dict[str, set] = {}
    severity: dict[str, str] = {}
    for f in result.findings:
        files.setdefault(f.code, set()).add(f.file)
        severity.setdefault(f.code, f.severity)
    rows = []
    for code, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        info = CATALOGUE.get(code) or _kind_catalogue().get(code)
        title = info.title if info is not None else (f"{UNREADABLE}（{code}）" if code.startswith("IN_") or code == "INTERNAL" else code)
        rows.append((code, title, SEVERITY_LABEL.get(severity[code], severity[code]), n, len(files[code])))
    widths = _widths(CODE_HEADERS, CODE_WIDTHS, rows)
    for col, (head, width) in enumerate(zip(CODE_HEADERS, widths)):
        ws.write_string(0, col, head, fmt["head"])
        ws.set_column(col, col, width)
    ws.freeze_panes(1, 0)
    for r, (code, title, level, n, nfiles) in enumerate(rows, start=1):
        _text(ws, r, 0, code, fmt["plain"])
        _text(ws, r, 1, title, fmt["text"])
        _text(ws, r, 2, level, fmt["bad"] if level == "错误" else fmt["plain"])
        ws.write_number(r, 3, n, fmt["int"])
        ws.write_number(r, 4, nfiles, fmt["int"])
    last = len(rows)
    ws.write_string(last + 1, 0, "合计", fmt["head"])
    ws.write_number(last + 1, 3, sum(counts.values()), fmt["int"])
    ws.write_number(last + 1, 4, len({f.file for f in result.findings}), fmt["int"])
    if not rows:
        _printable(ws, last + 1, len(CODE_HEADERS), one_page_wide=True)
        return
    chart = book.add_chart({"type": "bar"})
    shown = min(last, 30)
    chart.add_series(
        {
            "name": "出现次数",
            "categories": ["问题类型统计", 1, 0, shown, 0],
            "values": ["问题类型统计", 1, 3, shown, 3],
            "data_labels": {"value": True},
            "fill": {"color": "#C0504D"},
        }
    )
    chart.set_title({"name": "问题类型统计（按出现次数）", "name_font": {"name": "宋体", "size": 12}})
    chart.set_x_axis({"name": "出现次数", "min": 0, "num_format": "0", "major_unit": max(1, math.ceil(max(counts.values()) / 10)),
                      "major_gridlines": {"visible": True}})
    chart.set_y_axis({"reverse": True, "num_font": {"name": "宋体"}})
    chart.set_legend({"none": True})
    _chart_on_its_own_page(ws, chart, last + 3, len(CODE_HEADERS), "图：问题类型统计", fmt["title"])
