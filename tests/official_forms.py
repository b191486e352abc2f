"""Copies of the official 附件1-1 and 附件3 as units type them, for the import tests.

`write_docx` lays the form out as the Word template does (title and 填报单位 line as
paragraphs, the table with merged cells as gridSpan/vMerge, then 附件3 with its cover
lines as paragraphs and a prompt | answer table); `write_xlsx` lays it out on a sheet
as people do by hand. Both start from the official geometry (the layout's cells of the
printed form) and apply variants: extra rows, labels broken across lines with other
punctuation, an extra column and other merges, values typed as text (年/月/日,
thousands separators), a section moved. Nothing here is xlperf's own writer: no
`_xlperf` sheet, no formulas, no styles.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal

from xlperf.forms.guangdong_1_1.layout import FORM, REPORT, REPORT_COVER, Layout, field_value
from xlperf.forms.guangdong_1_1.model import SelfEvaluation

LAST_COL = 8  # I: the printed form's last column


@dataclass(frozen=True)
class Placed:
    r: int
    c: int
    r2: int
    c2: int
    text: str
    label: bool
    path: str = ""


@dataclass(frozen=True)
class Variant:
    name: str = "template"
    extra_rows: bool = False
    split_labels: bool = False
    extra_column: bool = False
    merges: bool = True
    typed_text: bool = False
    goals_last: bool = False


VARIANTS = (
    Variant(),
    Variant("extra-rows", extra_rows=True),
    Variant("split-labels", split_labels=True),
    Variant("extra-column", extra_column=True),
    Variant("no-merges", merges=False),
    Variant("typed-text", typed_text=True),
    Variant("goals-last", goals_last=True),
    Variant("everything", extra_rows=True, split_labels=True, extra_column=True, typed_text=True, goals_last=True),
)


def _typed(kind: str | None, value, v: Variant) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "\n".join(value)
    if isinstance(value, dt.date):
        return f"{value.year}年{value.month}月{value.day}日" if v.typed_text else value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:,}" if v.typed_text else str(value)
    if isinstance(value, int) and kind == "int":
        return f"{value}年" if v.typed_text else str(value)
    return str(value)


def _split(text: str) -> str:
    t = text.replace("\n", "").replace("（", "(").replace("）", ")").replace("：", ":")
    if t in ("评价金额", "资金合计", "支出额度"):
        t += "（万元）"
    return t[: len(t) // 2] + "\n" + t[len(t) // 2:] if len(t) >= 4 else t


def _cells(ev: SelfEvaluation, sheet: str, v: Variant, last_col: int) -> list[Placed]:
    layout = Layout.for_model(ev)
    out = []
    for cell in layout.sheet(sheet).cells:
        a = cell.area
        if cell.helper or a.col > last_col or cell.role == "output":
            continue
        if cell.role == "label":
            text = str(cell.text)
            if v.split_labels and text not in ("附件1-1", "附件3"):
                text = _split(text)
            out.append(Placed(a.row, a.col, a.last_row, a.last_col, text, True))
        else:
            value = field_value(ev, cell.path or "")
            out.append(Placed(a.row, a.col, a.last_row, a.last_col, _typed(cell.kind, value, v), False, cell.path or ""))
    return out


def _transform(cells: list[Placed], v: Variant, first_table_row: int) -> list[Placed]:
    if v.goals_last:
        rows = sorted({p.r for p in cells if p.path.startswith("goals.")})
        g0, g1 = rows[0], rows[-1]
        last = max(p.r2 for p in cells)
        n = g1 - g0 + 1

        def move(r: int) -> int:
            if g0 <= r <= g1:
                return r + (last - g1)
            return r - n if r > g1 else r

        cells = [replace(p, r=move(p.r), r2=move(p.r2)) for p in cells]
    if v.extra_rows:
        funding = min(p.r for p in cells if p.path.startswith("funding."))

        def shift(r: int) -> int:
            return r + (1 if r >= first_table_row else 0) + (1 if r >= funding - 2 else 0)

        cells = [replace(p, r=shift(p.r), r2=shift(p.r2)) for p in cells]
    if v.extra_column:
        def col(c: int) -> int:
            return c + 1 if c >= 2 else c

        cells = [replace(p, c=col(p.c), c2=col(p.c2) + (1 if p.label and p.c == 1 else 0)) for p in cells]
    return cells


def form_cells(ev: SelfEvaluation, v: Variant = Variant()) -> list[Placed]:
    return _transform(_cells(ev, FORM, v, LAST_COL), v, first_table_row=3)


def report_cells(ev: SelfEvaluation, v: Variant = Variant()) -> list[Placed]:
    return _cells(ev, REPORT, v, 1)


# ---- .xlsx -------------------------------------------------------------------------


def write_xlsx(ev: SelfEvaluation, path, v: Variant = Variant(), report: bool = True) -> None:
    """One sheet 附件1-1 (and one 附件3), cells where a person put them, no formulas."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "附件1-1" if not v.extra_rows else "Sheet1"
    if v.extra_rows:
        ws.cell(1, 1, "")
    _fill(ws, form_cells(ev, v), v)
    if report:
        _fill(wb.create_sheet("附件3"), report_cells(ev, v), v)
    wb.save(path)


def _fill(ws, cells: list[Placed], v: Variant) -> None:
    for p in cells:
        if p.text != "":
            ws.cell(p.r + 1, p.c + 1, p.text)
        if v.merges and (p.r2 > p.r or p.c2 > p.c):
            ws.merge_cells(start_row=p.r + 1, start_column=p.c + 1, end_row=p.r2 + 1, end_column=p.c2 + 1)


# ---- .docx -------------------------------------------------------------------------


def write_docx(ev: SelfEvaluation, path, v: Variant = Variant(), report: bool = True) -> None:
    """The Word template's shape: paragraphs above the table, merged cells, 附件3 after a page break."""
    from docx import Document
    from docx.enum.text import WD_BREAK

    doc = Document()
    cells = form_cells(ev, v)
    table_rows = [p for p in cells if p.r >= 3]
    para_rows = sorted({p.r for p in cells if p.r < 3})
    for r in para_rows:
        parts = [p for p in sorted(cells, key=lambda p: p.c) if p.r == r]
        if any(p.path == "header.unit_name" for p in parts):
            unit = next(p.text for p in parts if p.path == "header.unit_name")
            label = next(p.text for p in parts if p.label and "填报单位" in p.text.replace("\n", ""))
            doc.add_paragraph(f"{label}{unit}        金额单位：万元")
        else:
            doc.add_paragraph("".join(p.text for p in parts))
    if v.extra_rows:
        doc.add_paragraph("")
    _table(doc, table_rows, v)
    if report:
        doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        rc = report_cells(ev, v)
        cover_paths = {f"report.{attr}" for attr, _, _ in REPORT_COVER}
        cover_rows = sorted({p.r for p in rc if p.path in cover_paths})
        for p in sorted((p for p in rc if p.r < min(cover_rows)), key=lambda p: (p.r, p.c)):
            doc.add_paragraph(p.text)
        for r in cover_rows:
            label = next(p.text for p in rc if p.r == r and p.label)
            value = next(p.text for p in rc if p.r == r and not p.label)
            doc.add_paragraph(f"{label} {value}")
        _table(doc, [p for p in rc if p.r > max(cover_rows)], v)
    doc.save(path)


def _table(doc, cells: list[Placed], v: Variant) -> None:
    r0 = min(p.r for p in cells)
    n_rows = max(p.r2 for p in cells) - r0 + 1
    n_cols = max(p.c2 for p in cells) + 1
    table = doc.add_table(rows=n_rows, cols=n_cols)
    table.style = "Table Grid"
    for p in cells:
        first = table.cell(p.r - r0, p.c)
        if v.merges and (p.r2 > p.r or p.c2 > p.c):
            first = first.merge(table.cell(p.r2 - r0, p.c2))
        lines = p.text.split("\n")
        first.paragraphs[0].text = lines[0]
        for line in lines[1:]:
            first.add_paragraph(line)


# ---- what survives a typed copy ------------------------------------------------------


def comparable(ev: SelfEvaluation, report: bool = True) -> dict:
    """What a typed official copy holds: the form without the scoring entries (the
    official form has no 评分表), empty rows dropped."""
    data = ev.model_dump(mode="json")
    data.pop("scoring")
    for block in ("budget", "spending", "by_purpose"):
        data["funding"][block] = [row for row in data["funding"][block] if any(v not in (None, "") for v in row.values())]
    for name, rows in data["indicators"].items():
        if isinstance(rows, list):
            data["indicators"][name] = [r for r in rows if any(v not in (None, "") for v in r.values())]
    if not report:
        data.pop("report")
    return data
