"""The batch review's summary workbook (审核汇总表), written with XlsxWriter.

Three sheets: 汇总 (a row per form), 问题清单 (a row per finding) and 统计 (the grade
distribution with a column chart). Both lists have a filter and a frozen header.
Text from the forms goes in as text only (never as a formula or a link), and the file
appears whole or not at all (`xlperf.atomic`).
"""

from __future__ import annotations

import os
from pathlib import Path

from xlperf.errors import place
from xlperf.files.atomic import atomic_path

SUMMARY_HEADERS = ("文件", "填报单位", "项目名称", "评价金额（万元）", "预算执行率", "得分", "等级", "错误数", "警告数", "状态", "说明",
                   "评分规则", "上年得分", "上年等级", "退回文件")
SUMMARY_WIDTHS = (36, 24, 36, 14, 11, 8, 8, 7, 7, 9, 60, 18, 9, 9, 36)
FINDING_HEADERS = ("文件", "代码", "级别", "单元格", "说明")
FINDING_WIDTHS = (36, 18, 6, 16, 90)
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
        _summary_sheet(book, fmt, result)
        _findings_sheet(book, fmt, result)
        _stats_sheet(book, fmt, result)
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
    }


def _text(ws, row: int, col: int, value, fmt) -> None:
    text = "" if value is None else str(value)
    ws.write_string(row, col, text[:_MAX_TEXT], fmt)


def _number(ws, row: int, col: int, value, fmt) -> None:
    if value is None:
        ws.write_blank(row, col, None, fmt)
    else:
        ws.write_number(row, col, float(value), fmt)


def _header(ws, fmt, headers, widths, rows: int) -> None:
    for col, (head, width) in enumerate(zip(headers, widths)):
        ws.write_string(0, col, head, fmt["head"])
        ws.set_column(col, col, width)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(rows, 1), len(headers) - 1)


def _summary_sheet(book, fmt, result) -> None:
    ws = book.add_worksheet("汇总")
    _header(ws, fmt, SUMMARY_HEADERS, SUMMARY_WIDTHS, len(result.forms))
    for r, form in enumerate(result.forms, start=1):
        bad = not form.readable
        _text(ws, r, 0, form.file, fmt["plain"])
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


def _findings_sheet(book, fmt, result) -> None:
    from xlperf.outputs.review import SEVERITY_LABEL

    ws = book.add_worksheet("问题清单")
    _header(ws, fmt, FINDING_HEADERS, FINDING_WIDTHS, len(result.findings))
    for r, f in enumerate(result.findings, start=1):
        _text(ws, r, 0, f.file, fmt["plain"])
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
    ws.insert_chart(1, 3, chart, {"x_scale": 1.2, "y_scale": 1.1})
