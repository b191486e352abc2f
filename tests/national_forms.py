"""Copies of the national 项目支出绩效自评表 as units type them, for the import tests.

`write_docx` lays the form out as the Word template of 财预〔2020〕10号 does: the title and
the "（2022年度）" line as paragraphs, one table of ten columns with merged cells
(项目资金（万元） over five rows, 年度总体目标 over two, 绩效指标 down the left of the
indicator table, 一级/二级指标 merged down equal neighbours), 填报日期 as a paragraph
under the table. `write_xlsx` types the same table on a sheet as people do by hand, in
several variants written here (`VARIANTS`): extra title and blank rows, labels split over
lines with half-width punctuation and blanks inside ("项 目 名 称"), 其中 rows and fund
columns in another order, blank extra columns, no merges, values typed as text (1,234.50,
"100.00%", 2023年3月1日), goals one above the other, 其中 in a cell of its own merged down
the three parts, 偏差原因分析 | 改进措施 in two columns,
other header wordings (指标值, 实际值, 全年预算数（A）, 本年财政拨款) with a 备注 column, 一级/二级指标
written once and left blank below, the year in the title or in a 评价年度 field, the indicator header typed again after a page
break. Nothing
here is xlperf's own writer: no `_xlperf` sheet, no formulas, no styles.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from xlperf.forms.national_2020.model import FUND_PARTS, NationalForm

LAST_COL = 9


@dataclass(frozen=True)
class Placed:
    r: int
    c: int
    r2: int
    c2: int
    text: object
    label: bool


@dataclass(frozen=True)
class Variant:
    name: str = "template"
    year: str = "line"  # "line": （2022年度） under the title; "title": 2022年度项目支出绩效自评表; "field": 评价年度 | 2022
    local_fields: bool = True  # 项目负责人/联系电话, 自评等级, 预算调整说明, 填报日期 (what local copies add)
    extra_rows: bool = False
    split_labels: bool = False
    reorder: bool = False
    extra_columns: bool = False
    merges: bool = True
    typed_text: bool = False
    goals_stacked: bool = False
    split_deviation: bool = False
    other_headers: bool = False
    blank_levels: bool = False
    repeat_header: bool = False  # the indicator header typed again halfway down (a new page)


VARIANTS = (
    Variant(),
    Variant("title-year", year="title"),
    Variant("year-field", year="field"),
    Variant("extra-rows", extra_rows=True),
    Variant("split-labels", split_labels=True),
    Variant("reordered", reorder=True),
    Variant("extra-columns", extra_columns=True),
    Variant("no-merges", merges=False),
    Variant("typed-text", typed_text=True),
    Variant("goals-stacked", goals_stacked=True),
    Variant("split-deviation", split_deviation=True),
    Variant("other-headers", other_headers=True),
    Variant("blank-levels", blank_levels=True, merges=False),
    Variant("page-break", repeat_header=True, blank_levels=True, merges=False),
    Variant("everything", year="title", extra_rows=True, split_labels=True, reorder=True, extra_columns=True,
            typed_text=True, goals_stacked=True, split_deviation=True, other_headers=True, blank_levels=True,
            repeat_header=True),
)
BARE = Variant("official-bare", local_fields=False)
"""Only what the official template has: no 项目负责人/联系电话/自评等级/预算调整说明/填报日期."""

_FUND_ROWS = (("total", "年度资金总额"), ("appropriation", "其中：当年财政拨款"), ("carryover", "上年结转资金"), ("other", "其他资金"))
_FUND_COLS = (("initial", "年初预算数"), ("budget", "全年预算数"), ("executed", "全年执行数"), ("points", "分值"),
              ("rate", "执行率"), ("score", "得分"))


def _label(text: str, v: Variant) -> str:
    if not v.split_labels or len(text) < 4:
        return text
    t = text.replace("（", "(").replace("）", ")").replace("：", ":")
    if t in ("年初预算数", "全年预算数", "全年执行数"):
        t += "（万元）"
    if t in ("项目名称", "主管部门", "实施单位"):
        return " ".join(t)
    return t[: len(t) // 2] + "\n" + t[len(t) // 2:]


def _value(value, kind: str, v: Variant, docx: bool):
    if value is None:
        return ""
    if kind == "date":
        return f"{value.year}年{value.month}月{value.day}日" if v.typed_text or docx else value
    if kind == "percent":
        return f"{value}％" if v.typed_text else f"{value}%"
    if isinstance(value, Decimal):
        if v.typed_text:
            return f"{value:,}"
        return str(value) if docx else float(value)
    return value


def form_cells(form: NationalForm, v: Variant = Variant(), docx: bool = False) -> tuple[list[Placed], range]:
    """The cells of the typed table, and the rows that make the table proper (the others are
    paragraphs in a .docx: title, year line, 填报日期)."""
    out: list[Placed] = []
    extra = (3, 7) if v.extra_columns else ()

    def X(c: int) -> int:
        return c + sum(1 for e in extra if c >= e)

    def put(r, c, text, label=False, r2=None, c2=None):
        out.append(Placed(r, X(c), r if r2 is None else r2, X(c if c2 is None else c2), text, label))

    def lab(r, c, text, r2=None, c2=None):
        put(r, c, _label(text, v), True, r2, c2)

    def val(r, c, value, kind="text", r2=None, c2=None):
        put(r, c, _value(value, kind, v, docx), False, r2, c2)

    r = 0
    if v.extra_rows:
        put(r, 0, "附件", True)
        r += 2
    year = form.year
    if v.year == "title" and year is not None:
        lab(r, 0, f"{year}年度项目支出绩效自评表", c2=LAST_COL)
        r += 1
    else:
        lab(r, 0, "项目支出绩效自评表", c2=LAST_COL)
        r += 1
        if v.year == "field" and docx:
            put(r, 0, f"评价年度：{year if year is not None else ''}年度        金额单位：万元", True, c2=LAST_COL)
        elif v.year == "field":
            lab(r, 0, "评价年度", c2=1)
            val(r, 2, year, "int")
            lab(r, 3, "年度")
            lab(r, 6, "金额单位：万元", c2=LAST_COL)
        else:
            put(r, 0, f"（{year if year is not None else '    '}年度）", True, c2=LAST_COL)
        r += 1
    if v.extra_rows:
        r += 1
    first = r
    lab(r, 0, "项目名称", c2=1), val(r, 2, form.project_name, c2=LAST_COL)
    r += 1
    lab(r, 0, "主管部门", c2=1), val(r, 2, form.department, c2=4), lab(r, 5, "实施单位", c2=6), val(r, 7, form.implementer, c2=LAST_COL)
    r += 1
    if v.local_fields:
        lab(r, 0, "项目负责人", c2=1), val(r, 2, form.manager, c2=4), lab(r, 5, "联系电话", c2=6), val(r, 7, form.phone, c2=LAST_COL)
        r += 1
    if v.extra_rows:
        r += 1
    cols = list(_FUND_COLS)
    rows = list(_FUND_ROWS)
    if v.reorder:
        cols = [cols[1], cols[0], cols[2], cols[4], cols[3], cols[5]]
        rows = [rows[0], rows[3], rows[1], rows[2]]
    if v.other_headers:
        cols = [(k, {"budget": "全年预算数（A）", "executed": "全年执行数（B）", "rate": "执行率（B/A）"}.get(k, t)) for k, t in cols]
        rows = [(k, {"appropriation": "其中：本年财政拨款"}.get(k, t)) for k, t in rows]
    lab(r, 0, "项目资金（万元）", r2=r + 4, c2=1)
    put(r, 2, "", True, c2=3)
    for k, (_, title) in enumerate(cols):
        lab(r, 4 + k, title)
    for i, (key, title) in enumerate(rows, start=1):
        row = getattr(form.funds, key)
        if v.reorder and key != "total":
            if i == next(k for k, (name, _) in enumerate(rows, start=1) if name != "total"):
                lab(r + i, 2, "其中", r2=r + i + 2)
            lab(r + i, 3, title.removeprefix("其中："))
        else:
            lab(r + i, 2, title, c2=3)
        for k, (attr, _) in enumerate(cols):
            value = getattr(row, attr)
            if value is None and key != "total" and attr in ("points", "score"):
                put(r + i, 4 + k, "—", True)
            else:
                val(r + i, 4 + k, value, {"rate": "percent"}.get(attr, "amount"))
    r += 5
    if v.extra_rows:
        r += 1
    if v.goals_stacked:
        lab(r, 0, "年度总体目标", r2=r + 1)
        lab(r, 1, "预期目标", c2=2), val(r, 3, form.goals.expected, c2=LAST_COL)
        lab(r + 1, 1, "实际完成情况", c2=2), val(r + 1, 3, form.goals.actual, c2=LAST_COL)
    else:
        lab(r, 0, "年度总体目标", r2=r + 1)
        lab(r, 1, "预期目标", c2=5), lab(r, 6, "实际完成情况", c2=LAST_COL)
        val(r + 1, 1, form.goals.expected, c2=5), val(r + 1, 6, form.goals.actual, c2=LAST_COL)
    r += 2
    heads = [("level1", "一级指标"), ("level2", "二级指标"), ("name", "三级指标"), ("target", "年度指标值"),
             ("actual", "实际完成值"), ("points", "分值"), ("score", "得分")]
    if v.other_headers:
        heads = [(k, {"target": "指标值", "actual": "实际值"}.get(k, t)) for k, t in heads]
    n = len(form.indicators)
    head_rows = 2 if v.split_deviation else 1
    brk = (n + 1) // 2 if v.repeat_header and n >= 2 else n
    repeated = head_rows if brk < n else 0
    lab(r, 0, "绩效指标", r2=r + head_rows + max(n, 1) + repeated - 1)

    def header(r):
        for k, (_, title) in enumerate(heads):
            lab(r, 1 + k, title, r2=r + head_rows - 1)
        if v.split_deviation:
            lab(r, 8, "偏差原因分析及改进措施", c2=LAST_COL)
            lab(r + 1, 8, "原因分析"), lab(r + 1, 9, "改进措施")
        else:
            lab(r, 8, "偏差原因分析及改进措施", c2=LAST_COL)
        if v.other_headers:
            lab(r, LAST_COL + 1, "备注", r2=r + head_rows - 1)

    header(r)
    r += head_rows
    if repeated:
        header(r + brk)

    def at(i: int) -> int:
        return r + i + (repeated if i >= brk else 0)

    for k, attr in enumerate(("level1", "level2")):
        i = 0
        while i < n:
            key = (form.indicators[i].level1, getattr(form.indicators[i], attr))
            last = i
            while last + 1 < n and (form.indicators[last + 1].level1, getattr(form.indicators[last + 1], attr)) == key:
                last += 1
            if v.blank_levels or v.merges:
                val(at(i), 1 + k, key[1], r2=at(i if v.blank_levels else last))
            else:
                for j in range(i, last + 1):
                    val(at(j), 1 + k, key[1])
            i = last + 1
    for i, row in enumerate(form.indicators):
        for k, (attr, _) in enumerate(heads[2:], start=2):
            val(at(i), 1 + k, getattr(row, attr), "amount" if attr in ("points", "score") else "text")
        if v.split_deviation:
            reason, _, measures = row.deviation.partition("\n")
            val(at(i), 8, reason), val(at(i), 9, measures)
        else:
            val(at(i), 8, row.deviation, c2=LAST_COL)
    r += max(n, 1) + repeated
    lab(r, 0, "总分", c2=5), val(r, 6, form.total.points, "amount"), val(r, 7, form.total.score, "amount")
    if v.local_fields:
        lab(r, 8, "自评等级"), val(r, 9, form.grade)
    r += 1
    if v.local_fields:
        lab(r, 0, "预算调整说明", c2=1), val(r, 2, form.funds.change_note, c2=LAST_COL)
        r += 1
    table = range(first, r)
    if v.local_fields:
        if docx:
            put(r, 0, f"填报日期：{_value(form.fill_date, 'date', v, True)}", True, c2=LAST_COL)
        else:
            lab(r, 0, "填报日期", c2=1), val(r, 2, form.fill_date, "date", c2=4)
        r += 1
    return out, table


# ---- .xlsx -------------------------------------------------------------------------


def write_xlsx(form: NationalForm, path, v: Variant = Variant()) -> None:
    """One sheet, cells where a person put them, no formulas."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "项目支出绩效自评表" if not v.extra_rows else "Sheet1"
    cells, _ = form_cells(form, v)
    for p in cells:
        if p.text not in ("", None):
            cell = ws.cell(p.r + 1, p.c + 1, p.text)
            if isinstance(p.text, str) and p.text.startswith("="):
                cell.data_type = "s"  # typed as text ('=100), as Excel would otherwise compute it
        if v.merges and (p.r2 > p.r or p.c2 > p.c):
            ws.merge_cells(start_row=p.r + 1, start_column=p.c + 1, end_row=p.r2 + 1, end_column=p.c2 + 1)
    wb.save(path)


# ---- .docx -------------------------------------------------------------------------


def write_docx(form: NationalForm, path, v: Variant = Variant()) -> None:
    """The Word template's shape: title and year line as paragraphs, the table with merged
    cells (gridSpan/vMerge), 填报日期 as a paragraph under it."""
    from docx import Document

    doc = Document()
    cells, table = form_cells(form, v, docx=True)
    for r in sorted({p.r for p in cells if p.r < table.start}):
        doc.add_paragraph("".join(str(p.text) for p in cells if p.r == r))
    in_table = [p for p in cells if p.r in table]
    r0 = table.start
    n_cols = max(p.c2 for p in in_table) + 1
    t = doc.add_table(rows=len(table), cols=n_cols)
    t.style = "Table Grid"
    for p in in_table:
        first = t.cell(p.r - r0, p.c)
        if v.merges and (p.r2 > p.r or p.c2 > p.c):
            first = first.merge(t.cell(p.r2 - r0, p.c2))
        lines = str(p.text).split("\n")
        first.paragraphs[0].text = lines[0]
        for line in lines[1:]:
            first.add_paragraph(line)
    for r in sorted({p.r for p in cells if p.r >= table.stop}):
        doc.add_paragraph("".join(str(p.text) for p in cells if p.r == r))
    doc.save(path)


# ---- what survives a typed copy ------------------------------------------------------


def comparable(form: NationalForm, local_fields: bool = True) -> dict:
    """What a typed official copy holds: the form without `source` and `rules` (the table
    has no place for them), amounts compared as numbers (10.00 = 10), each row's 一级/二级指标
    as the checks read them (a typed table cannot tell a blank cell under its group from a
    merged one: `scoring.carried`)."""
    from xlperf.forms.national_2020.scoring import carried

    data = form.model_dump(mode="python", exclude={"source", "rules"})
    for row, (level1, level2) in zip(data["indicators"], carried((r["level1"], r["level2"]) for r in data["indicators"])):
        row["level1"], row["level2"] = level1, level2
    if not local_fields:
        for key in ("manager", "phone", "fill_date", "grade"):
            data.pop(key)
        data["funds"].pop("change_note")

    def numbers(x):
        if isinstance(x, dict):
            return {k: numbers(y) for k, y in x.items()}
        if isinstance(x, list):
            return [numbers(y) for y in x]
        if isinstance(x, Decimal):
            return x.normalize()
        if isinstance(x, dt.datetime):
            return x.date()
        return x

    return numbers(data)


assert FUND_PARTS == tuple(k for k, _ in _FUND_ROWS[1:])
