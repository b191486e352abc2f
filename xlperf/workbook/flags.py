"""The checks the workbook computes itself (公式校验): flags, marks and the 校验 summary.

Every check of the catalogue that a spreadsheet formula can decide as the engine does
becomes flags: one row per (code, cell) in a flags block on 附件1-1, outside the print
area — 代码 | 级别 | 单元格 | 触发 (0/1) | 说明 | 序号. Conditional formatting reads that block
and fills the cell of every raised flag red (错误) or amber (警告), the fills of the 校验
button; a summary below the form shows 错误数, 警告数 and one line per raised flag. Only
Excel 2007 functions are used, so Excel, WPS and LibreOffice raise the same flags without
Python or macros.

The engine (`xlperf.engine.checks`) stays the whole catalogue: `DECIDED` names the codes
the sheet decides, and for those a flag is raised exactly when the engine reports that
code at that cell (tests recalculate workbooks with LibreOffice and compare). A check
that needs more than a formula can read (free-text targets the native reader leaves to a
person, document numbering, report text) stays with the engine.

Layout of the block (`Plan`): the flags, then hidden helper tables (one value per row of
the form's growing blocks), the mark level of every flagged cell (2 error, 1 warning,
0 none) and small lookup tables; all from `Layout`, so more rows move nothing by hand.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from xlperf.engine.checks import _NONE_WORDS, CATALOGUE, LOW_EXECUTION, YEAR_MAX, YEAR_MIN
from xlperf.forms.guangdong_1_1 import layout as L
from xlperf.forms.guangdong_1_1.model import CATEGORY_OF, Category, SubCategory, indicator_path

SEVERITY_SHOWN = {"error": "错误", "warning": "警告"}
"""How the flags block and the summary name a severity."""

TOLERANCE = 5
"""Decimal places two sums of amounts are compared at (floats of 万元 with cents)."""

PHONE_CAPACITY = 60
"""Characters of a phone or e-mail cell the sheet reads; a longer text is left to the engine."""


# ---------------------------------------------------------------------------- formula text


def _q(text: str) -> str:
    """A string literal of a formula."""
    return '"' + text.replace('"', '""') + '"'


_WHITE = ("CHAR(10)", "CHAR(13)", "CHAR(9)", _q("\u3000"), _q("\u00a0"))


def stripped(ref: str) -> str:
    """The cell's text without surrounding blanks (Python's strip: line breaks, tabs, the
    ideographic space; TRIM also folds inner runs, which no comparison here depends on)."""
    text = ref
    for ch in _WHITE:
        text = f'SUBSTITUTE({text},{ch}," ")'
    return f"TRIM({text})"


def _variants(word: str) -> set[str]:
    """`word` and its NFKC preimages (full-width ／ for /, ｡ for 。 ...)."""
    out = {""}
    for ch in word:
        out = {o + c for o in out for c in _preimages(ch)}
    return out


def _preimages(ch: str) -> tuple[str, ...]:
    from xlperf.workbook.shapes import sources_of

    return tuple(sorted({ch} | sources_of(ch)))


@functools.lru_cache(maxsize=1)
def none_variants() -> tuple[str, ...]:
    """“无” and its look-alikes as a cell may hold them (before NFKC)."""
    return tuple(sorted({v for w in _NONE_WORDS for v in _variants(w)}))


def none_word(text: str) -> str:
    """TRUE when a stripped text is “无” or one of its look-alikes (`checks._is_none_word`)."""
    words = ",".join(_q(w) for w in none_variants())
    return f"SUMPRODUCT(--EXACT({text},{{{words}}}))>0"


_CORE_DROP = "。，,.!！；;：:、．｡､﹐﹑﹒﹔﹕﹗ \u3000\u00a0"
"""What `checks.claims_done` removes before reading an explanation (after NFKC)."""


def _without(ref: str, chars: Iterable[str]) -> str:
    text = ref
    for ch in chars:
        text = f"SUBSTITUTE({text},{_q(ch)},\"\")"
    for ch in ("CHAR(10)", "CHAR(13)", "CHAR(9)"):
        text = f'SUBSTITUTE({text},{ch},"")'
    return text


_FULL_WIDTH: tuple[tuple[str, str], ...] = tuple((chr(c), chr(c - 0xFEE0)) for c in range(0xFF01, 0xFF5F))
"""Full-width letters, digits and signs and their half-width forms (what NFKC does to them)."""


def _half_width(ref: str, pairs: Iterable[tuple[str, str]]) -> str:
    text = ref
    for wide, narrow in pairs:
        text = f"SUBSTITUTE({text},{_q(wide)},{_q(narrow)})"
    return text


def _compared(half: str) -> str:
    """A name as `checks._norm` compares it: full-width forms made half-width (the first 48 by
    `half`, a helper cell: Excel 2007 nests at most 64 functions), every blank removed."""
    return _without(_half_width(half, _FULL_WIDTH[48:]), " " + chr(0x3000) + chr(0xA0))


def _any(*terms: str) -> str:
    terms = tuple(t for t in terms if t)
    if not terms:
        return "FALSE"
    return terms[0] if len(terms) == 1 else f"OR({','.join(terms)})"


def _all(*terms: str) -> str:
    terms = tuple(t for t in terms if t)
    return terms[0] if len(terms) == 1 else f"AND({','.join(terms)})"


def _eq(a: str, b: str) -> str:
    return f"ROUND({a}-{b},{TOLERANCE})=0"


def claims_done(put, ref: str) -> str:
    """`checks.claims_done` of the text in `ref` (the explanation says no more than 已完成 and
    its variants) as helper cells: `put(name, formula)` places each of core, s1–s5 and claims
    (1 or 0) and returns its reference; returns the reference of claims."""
    c = put("core", _without(ref, _CORE_DROP))

    def strip(src: str, words: tuple[str, ...], miss: str) -> str:
        formula = miss
        for w in sorted(words, key=len):
            formula = f'IF(LEFT({src},{len(w)})={_q(w)},MID({src},{len(w) + 1},99),{formula})'
        return formula

    s1 = put("s1", strip(c, ("已经", "均已", "已全部", "全部", "已", "均"), c))
    s2 = put("s2", strip(s1, ("按时", "按期", "顺利", "全面"), s1))
    s3 = put("s3", strip(s2, ("完成", "达成", "实现", "达到", "达标"), '"×"'))
    s4 = put("s4", f'IF(LEFT({s3},1)="了",MID({s3},2,99),{s3})')
    s5 = put("s5", strip(s4, ("预期", "年度", "既定"), s4))
    ends = ",".join(f'EXACT({s5},{_q(w)})' for w in ("", "目标", "任务", "指标", "值"))
    return put("claims", f'IF(AND(LEN({c})>0,LEN({c})<=12,{s3}<>"×",OR({ends})),1,0)')


# ---------------------------------------------------------------------------- the plan


@dataclass(frozen=True)
class Flag:
    """One check of one cell: raised when `test` (a formula, no leading =) is TRUE; its
    severity is the catalogue's for the code (each form kind has its own catalogue)."""

    code: str
    field: str
    cell: str
    test: str
    message: str
    severity: str


@dataclass
class _Table:
    """Helper cells: `n` rows by named columns, at a fixed place of the hidden area."""

    row: int
    col: int
    n: int
    columns: tuple[str, ...]
    formulas: dict[tuple[int, str], str] = field(default_factory=dict)
    values: dict[tuple[int, str], Any] = field(default_factory=dict)

    def ref(self, i: int, name: str) -> str:
        return "$" + L.col_letter(self.col + self.columns.index(name)) + f"${self.row + i + 1}"

    def span(self, name: str, first: int = 0, last: int | None = None) -> str:
        """The column `name` from row `first` to row `last` (default: every row)."""
        last = self.n - 1 if last is None else last
        c = L.col_letter(self.col + self.columns.index(name))
        return f"${c}${self.row + first + 1}:${c}${self.row + last + 1}"

    def put(self, i: int, name: str, formula: str) -> str:
        self.formulas[(i, name)] = formula
        return self.ref(i, name)


class FlagPlaces:
    """Where a flags block puts things, for every form kind: from `first_col` the flag
    columns (one row per flag under a header row), the mark levels two columns right of
    them, then the helper tables stacked downwards. A kind's plan is a dataclass with the
    fields `first_col`, `flags`, `tables` and `next_row`."""

    first_col: int
    flags: list[Flag]
    tables: list[_Table]
    next_row: int

    @property
    def flag_cols(self) -> dict[str, int]:
        names = ("code", "severity", "cell", "raised", "message", "counter")
        return {n: self.first_col + k for k, n in enumerate(names)}

    @property
    def mark_col(self) -> int:
        """The column of the mark levels (one row per flagged cell), right of the flags."""
        return self.first_col + 7

    @property
    def helper_col(self) -> int:
        return self.first_col + 9

    def flag_row(self, k: int) -> int:
        """0-based sheet row of the k-th flag (row 0 holds the headers)."""
        return k + 1

    def raised_ref(self, k: int) -> str:
        return f"${L.col_letter(self.flag_cols['raised'])}${self.flag_row(k) + 1}"

    def flag_span(self, name: str) -> str:
        c = L.col_letter(self.flag_cols[name])
        return f"${c}$2:${c}${len(self.flags) + 1}"

    def table(self, n: int, *columns: str) -> _Table:
        t = _Table(self.next_row, self.helper_col, n, columns)
        self.next_row += n + 1
        self.tables.append(t)
        return t


@dataclass
class Plan(FlagPlaces):
    """Where everything goes on 附件1-1 for one layout (see the module docstring)."""

    layout: L.Layout
    with_report: bool
    first_col: int
    flags: list[Flag] = field(default_factory=list)
    tables: list[_Table] = field(default_factory=list)
    machines: dict[str, Any] = field(default_factory=dict)
    next_row: int = 0

    # -- cells of the form

    def cell(self, path: str) -> L.Cell:
        c = self.layout.cell_for(path)
        assert c is not None, path
        return c

    def ref(self, path: str) -> str:
        c = self.cell(path)
        at = f"${L.col_letter(c.area.col)}${c.area.row + 1}"
        return at if c.sheet == L.FORM else f"'{c.sheet}'!{at}"

    def add(self, code: str, path: str, test: str, message: str) -> None:
        located = self.layout.cell_of(path)
        assert located is not None, path
        self.flags.append(Flag(code, path, located, test, message, CATALOGUE[code].severity))


def plan(layout: L.Layout, with_report: bool = True) -> Plan:
    """Every flag and helper cell for a workbook of `layout` (with_report: the workbook
    has the 自评报告 sheet, whose cover fields are checked too)."""
    return _plan(layout, with_report)


@functools.lru_cache(maxsize=16)
def _plan(layout: L.Layout, with_report: bool) -> Plan:
    form = layout.sheet(L.FORM)
    last_col = max(c.area.last_col for c in form.cells)
    p = Plan(layout, with_report, last_col + 2)
    _Checks(p).run()
    return p


DECIDED: tuple[str, ...] = (
    "REQ001", "REQ002", "FMT001", "FMT002", "DAT001", "DAT002", "DAT003", "DAT004", "DAT005", "DAT006",
    "AMT001", "AMT002", "AMT003", "AMT004", "AMT005", "AMT006", "AMT007", "AMT008", "AMT009", "AMT010",
    "GOL001", "GOL002", "IND001", "IND002", "IND003", "IND004", "IND005", "IND006", "IND007", "IND008",
    "IND009", "IND010", "IND011", "RPT001", "RPT002", "SCR004", "SCR005", "SCR006",
)
"""The codes the sheet decides; the rest (FMT003 numbering, RPT003–RPT004 report text,
SCR001–SCR003 scoring against the report) only the engine reports."""


# ---------------------------------------------------------------------------- the checks


_BLOCK_LABEL = {"budget": "资金安排情况", "spending": "资金使用情况", "by_purpose": "按方向划分"}


class _Checks:
    """Builds the flags of a plan, check by check, in the engine's order."""

    def __init__(self, p: Plan):
        self.p = p
        self.cap = p.layout.capacity
        s = self.scalars = p.table(40, "value")
        self._n = 0
        self.text: dict[str, str] = {}
        # the form's scalars as the engine reads them
        self.eval_year = self.scalar(self.year_of(p.ref("basic.eval_year")))
        self.eval_amount = self.scalar(f'IF(ISNUMBER({p.ref("basic.eval_amount")}),{p.ref("basic.eval_amount")},"")')
        start, end = p.ref("basic.start_date"), p.ref("basic.end_date")
        self.start = self.scalar(f'IF(ISNUMBER({start}),INT({start}),"")')
        self.end = self.scalar(f'IF(ISNUMBER({end}),INT({end}),"")')
        sy = self.scalar(f'IF({self.start}="","",YEAR({self.start}))')
        ey = self.scalar(f'IF({self.end}="","",YEAR({self.end}))')
        first0 = self.scalar(f'IF({self.plausible(sy)},{sy},"")')
        last0 = self.scalar(f'IF({self.plausible(ey)},{ey},"")')
        crossed = f'AND({first0}<>"",{last0}<>"",{first0}>{last0})'
        self.first = self.scalar(f'IF({crossed},"",{first0})')
        self.last = self.scalar(f'IF({crossed},"",{last0})')
        self.start_year, self.end_year = sy, ey
        notes = p.ref("other_notes")
        self.notes_said = self.scalar(self.said_of(notes))
        assert s is self.scalars

    # -- helpers

    def scalar(self, formula: str) -> str:
        ref = self.scalars.put(self._n, "value", formula)
        self._n += 1
        return ref

    @staticmethod
    def plausible(year: str) -> str:
        return f'AND(ISNUMBER({year}),{year}>={YEAR_MIN},{year}<={YEAR_MAX})'

    @staticmethod
    def year_of(ref: str) -> str:
        """A year cell as the reader takes it: a number, or text like 2020 / 2020年."""
        t = f'SUBSTITUTE({stripped(ref)}," ","")'
        return (f'IF(ISNUMBER({ref}),{ref},IF(AND(LEN({t})>=4,LEN({t})<=5,ISNUMBER(--LEFT({t},4)),'
                f'OR(LEN({t})=4,RIGHT({t},1)="年")),--LEFT({t},4),""))')

    @staticmethod
    def blank(ref: str) -> str:
        return f"LEN({stripped(ref)})=0"

    @staticmethod
    def said_of(ref: str) -> str:
        t = stripped(ref)
        return f"IF(AND(LEN({t})>0,NOT({none_word(t)})),1,0)"

    def add(self, code: str, path: str, test: str, message: str) -> None:
        self.p.add(code, path, f"IFERROR(IF({test},1,0),0)", message)

    # -- in the engine's order

    def run(self) -> None:
        self.funding_helpers()
        self.indicator_helpers()
        self.required()
        self.formats()
        self.dates()
        self.amounts()
        self.row_totals()
        self.budget_and_spending()
        self.by_purpose()
        self.eval_amount_check()
        self.execution_rate()
        self.goals()
        self.indicator_categories()
        self.indicator_rows()
        self.report_cover()
        self.weights()

    # -- helper tables

    def funding_helpers(self) -> None:
        p, n = self.p, self.cap.budget_rows
        self.rows: dict[str, _Table] = {}
        for block in ("budget", "spending"):
            t = p.table(n, "year", "amount", "filled", "first")
            for i in range(n):
                base = f"funding.{block}[{i}]"
                parts = ",".join(p.ref(f"{base}.{a}") for a, _ in L.BUDGET_PARTS)
                total = p.ref(f"{base}.total")
                t.put(i, "year", self.year_of(p.ref(f"{base}.year")))
                t.put(i, "amount", f'IF(ISNUMBER({total}),{total},IF(COUNT({parts})=0,"",SUM({parts})))')
                t.put(i, "filled", f"IF(COUNT({parts},{total})>0,1,0)")
            self.rows[block] = t
        t = p.table(self.cap.purpose_rows, "year", "amount", "filled", "first")
        for i in range(self.cap.purpose_rows):
            base = f"funding.by_purpose[{i}]"
            amount = p.ref(f"{base}.amount")
            t.put(i, "year", self.year_of(p.ref(f"{base}.year")))
            t.put(i, "amount", f'IF(ISNUMBER({amount}),{amount},"")')
            t.put(i, "filled", f"IF(OR(ISNUMBER({amount}),NOT({self.blank(p.ref(base + '.purpose'))})),1,0)")
        self.rows["by_purpose"] = t
        for t in self.rows.values():
            for i in range(t.n):
                y, a = t.ref(i, "year"), t.ref(i, "amount")
                earlier = (f'SUMPRODUCT(({t.span("year", 0, i - 1)}={y})*ISNUMBER({t.span("amount", 0, i - 1)}))=0'
                           if i else "TRUE")
                t.put(i, "first", f'IF(AND({y}<>"",ISNUMBER({a}),{earlier}),1,0)')

    def year_sum(self, block: str, year: str) -> str:
        t = self.rows[block]
        return f'SUMIF({t.span("year", 0, t.n - 1)},{year},{t.span("amount", 0, t.n - 1)})'

    def year_has(self, block: str, year: str) -> str:
        """The block has a row of `year` with an amount (`funding.by_year` holds the year)."""
        t = self.rows[block]
        return (f'SUMPRODUCT(({t.span("year", 0, t.n - 1)}={year})'
                f'*ISNUMBER({t.span("amount", 0, t.n - 1)}))>0')

    def indicator_helpers(self) -> None:
        p = self.p
        self.slots: list[tuple[SubCategory, int]] = [
            (sub, i) for sub in SubCategory for i in range(self.cap.rows_for(sub))]
        cols = ("tn", "tf", "tt", "ta", "te", "nb", "nw", "state", "hw", "key", "judged",
                "core", "s1", "s2", "s3", "s4", "s5", "claims")
        t = self.ind = p.table(len(self.slots), *cols)
        attrs = ("name", "formula", "target", "actual", "explanation")
        judge = {c.args[0]: c for c in p.layout.sheet(L.FORM).cells if c.calc == "judge" and c.args}
        for k, (sub, i) in enumerate(self.slots):
            texts = []
            for short, attr in zip(("tn", "tf", "tt", "ta", "te"), attrs):
                texts.append(t.put(k, short, stripped(p.ref(indicator_path(sub, i, attr)))))
            t.put(k, "nb", "+".join(f"(LEN({x})>0)" for x in texts))
            t.put(k, "nw", "+".join(f"({none_word(x)})" for x in texts))
            nb, nw = t.ref(k, "nb"), t.ref(k, "nw")
            # 0 blank, 1 only 无, 2 a real indicator row (`checks._row_state`)
            t.put(k, "state", f"IF({nb}=0,0,IF({nw}={nb},1,2))")
            name = t.ref(k, "tn")
            half = t.put(k, "hw", _half_width(p.ref(indicator_path(sub, i, "name")), _FULL_WIDTH[:48]))
            t.put(k, "key", f'IF(AND({t.ref(k, "state")}=2,LEN({name})>0,NOT({none_word(name)})),'
                            f'{_compared(half)},"")')
            cell = judge.get(indicator_path(sub, i))
            t.put(k, "judged", f'IF(ISERROR({cell.area.first}),"",{cell.area.first}&"")' if cell else '""')
            self.claims(t, k, p.ref(indicator_path(sub, i, "explanation")))

    def claims(self, t: _Table, k: int, ref: str) -> None:
        claims_done(lambda name, formula: t.put(k, name, formula), ref)

    # -- REQ

    def required(self) -> None:
        from xlperf.engine.checks import _REQUIRED, _SUGGESTED

        p = self.p
        for path, label, hint in _REQUIRED:
            if p.with_report or not path.startswith("report."):
                self.add("REQ001", path, self.blank(p.ref(path)), f"{label}未填写：{hint}。")
        basis = p.ref("basic.basis_documents")
        self.add("REQ001", "basic.basis_documents", f"{self.said_of(basis)}=0",
                 "实施文件依据未填写：请逐条列出立项和实施依据的文件（文件名和文号）。")
        for block in ("budget", "spending", "by_purpose"):
            t = self.rows[block]
            self.add("REQ001", f"funding.{block}[0]", f'SUM({t.span("filled", 0, t.n - 1)})=0',
                     f"{_BLOCK_LABEL[block]}未填写：请至少填写评价年度一行。")
        for path, label, hint in _SUGGESTED:
            if p.with_report or not path.startswith("report."):
                self.add("REQ002", path, self.blank(p.ref(path)), f"{label}未填写：{hint}。")

    # -- FMT

    def formats(self) -> None:
        from xlperf.workbook import shapes

        p = self.p
        phones = ["basic.contact_phone", *(("report.phone",) if p.with_report else ())]
        machine = shapes.table(p, "phone")
        for path in phones:
            ref = p.ref(path)
            ok = machine.accepts(self, ref)
            self.add("FMT001", path, f"AND(NOT({self.blank(ref)}),NOT({ok}))",
                     f"{p.cell(path).title}格式不正确：请填写如 0751-8877833 或 13800138000 的号码。")
        mail = shapes.table(p, "email")
        ref = p.ref("basic.contact_email")
        self.add("FMT002", "basic.contact_email", f"AND(NOT({self.blank(ref)}),NOT({mail.accepts(self, ref)}))",
                 "联系邮箱格式不正确：请填写如 name@example.com 的邮箱地址（半角字符）。")

    # -- DAT

    def dates(self) -> None:
        p = self.p
        years = [
            ("basic.eval_year", self.eval_year, "评价年度"),
            ("basic.start_date", self.start_year, "项目开始时间的年份"),
            ("basic.end_date", self.end_year, "项目完成时间的年份"),
        ]
        if p.with_report:
            fill = p.ref("report.fill_date")
            fy = self.scalar(f'IF(ISNUMBER({fill}),YEAR(INT({fill})),"")')
            years.append(("report.fill_date", fy, "自评报告封面填报日期的年份"))
        for path, year, label in years:
            self.add("DAT003", path, f'AND({year}<>"",NOT({self.plausible(year)}))',
                     f"{label}不合理：请填写四位年份（{YEAR_MIN}—{YEAR_MAX}）。")
        for block, t in self.rows.items():
            for i in range(t.n):
                path = f"funding.{block}[{i}].year"
                y, filled = t.ref(i, "year"), t.ref(i, "filled")
                self.add("DAT005", path, f'AND({y}="",{filled}=1)',
                         f"{_BLOCK_LABEL[block]}第{i + 1}行未填写年度：请填写该行金额所属的年度。")
                self.add("DAT003", path, f'AND({y}<>"",NOT({self.plausible(y)}))',
                         f"{_BLOCK_LABEL[block]}第{i + 1}行的年度不合理：请填写四位年份。")
        self.add("DAT001", "basic.start_date", f'AND({self.start}<>"",{self.end}<>"",{self.start}>{self.end})',
                 "项目开始时间晚于项目完成时间：请核对两个日期。")
        ey, first, last = self.eval_year, self.first, self.last
        self.add("DAT002", "basic.eval_year",
                 f'AND({self.plausible(ey)},OR(AND({first}<>"",{ey}<{first}),AND({last}<>"",{ey}>{last})))',
                 "评价年度不在项目实施期间内：请核对评价年度和项目开始、完成时间。")
        for block, t in self.rows.items():
            for i in range(t.n):
                y, filled = t.ref(i, "year"), t.ref(i, "filled")
                self.add("DAT004", f"funding.{block}[{i}].year",
                         f'AND({self.plausible(y)},{filled}=1,OR(AND({first}<>"",{y}<{first}),AND({last}<>"",{y}>{last})))',
                         f"{_BLOCK_LABEL[block]}第{i + 1}行的年度不在项目实施期间内：请核对年度，或核对项目开始、完成时间。")
        if p.with_report:
            fill = p.ref("report.fill_date")
            fd = self.scalar(f'IF(ISNUMBER({fill}),INT({fill}),"")')
            fdy = self.scalar(f'IF({fd}="","",YEAR({fd}))')
            close = self.scalar(
                f'IF({self.plausible(ey)},IF(AND({self.end}<>"",{self.end_year}={ey},'
                f'{self.end}<DATE({ey},12,31)),{self.end},DATE({ey},12,31)),"")')
            self.add("DAT006", "report.fill_date",
                     f'AND({fd}<>"",{self.plausible(fdy)},{close}<>"",{fd}<{close})',
                     "填报日期早于评价期结束：自评应在评价年度（或项目完成）之后填报，请核对填报日期和评价年度。")

    # -- AMT

    def amount_cells(self) -> list[tuple[str, str]]:
        """Every amount on the form (`checks._amount_fields`): (path, label)."""
        out = [("basic.eval_amount", "评价金额")]
        for block, parts in (("budget", L.BUDGET_PARTS), ("spending", L.SPENDING_PARTS)):
            for i in range(self.cap.budget_rows):
                for attr, title in (*parts, ("total", "资金合计")):
                    out.append((f"funding.{block}[{i}].{attr}",
                                f"{_BLOCK_LABEL[block]}第{i + 1}行的{title.replace(chr(10), '')}"))
        for i in range(self.cap.purpose_rows):
            out.append((f"funding.by_purpose[{i}].amount", f"按方向划分第{i + 1}行的支出额度"))
        return out

    def amounts(self) -> None:
        for path, label in self.amount_cells():
            ref = self.p.ref(path)
            self.add("AMT001", path, f"AND(ISNUMBER({ref}),{ref}<0)", f"{label}为负数：金额不能小于0，请核对。")
            self.add("AMT002", path,
                     f"AND(ISNUMBER({ref}),ABS({ref}-ROUND({ref},2))>ABS({ref})*1E-14+1E-11)",
                     f"{label}超过两位小数：金额以万元为单位、保留两位小数，请核对。")

    def row_totals(self) -> None:
        p = self.p
        for block in ("budget", "spending"):
            for i in range(self.cap.budget_rows):
                base = f"funding.{block}[{i}]"
                parts = ",".join(p.ref(f"{base}.{a}") for a, _ in L.BUDGET_PARTS)
                total = p.ref(f"{base}.total")
                where = f"{_BLOCK_LABEL[block]}第{i + 1}行"
                self.add("AMT004", f"{base}.total", f"AND(COUNT({parts})>0,NOT(ISNUMBER({total})))",
                         f"{where}已填写分项，但资金合计未填写：请填写分项之和。")
                self.add("AMT003", f"{base}.total",
                         f"AND(ISNUMBER({total}),OR(COUNT({parts})=0,NOT({_eq(total, f'SUM({parts})')})))",
                         f"{where}的资金合计与分项之和不符：请核对分项和合计。")

    def budget_and_spending(self) -> None:
        t = self.rows["spending"]
        for i in range(t.n):
            y, first = t.ref(i, "year"), t.ref(i, "first")
            spent, budget = self.year_sum("spending", y), self.year_sum("budget", y)
            path = f"funding.spending[{i}].total"
            has = self.year_has("budget", y)
            self.add("AMT006", path, f"AND({first}=1,NOT({has}),NOT({_eq(spent, '0')}))",
                     f"资金使用情况第{i + 1}行的年度没有预算安排：请补填该年度的预算安排，或核对年度。")
            self.add("AMT005", path, f"AND({first}=1,{has},ROUND({spent}-{budget},{TOLERANCE})>0)",
                     f"资金使用情况第{i + 1}行所在年度的实际支出超过预算安排：请核对两个表块的金额。")

    def by_purpose(self) -> None:
        p, t = self.p, self.rows["by_purpose"]
        for i in range(t.n):
            base = f"funding.by_purpose[{i}]"
            amount, purpose = p.ref(f"{base}.amount"), p.ref(f"{base}.purpose")
            self.add("AMT008", f"{base}.purpose", f"AND(ISNUMBER({amount}),{self.blank(purpose)})",
                     f"按方向划分第{i + 1}行填了支出额度，但资金使用方向未填写：请写明资金用于什么方向。")
            self.add("AMT008", f"{base}.amount", f"AND(NOT(ISNUMBER({amount})),NOT({self.blank(purpose)}))",
                     f"按方向划分第{i + 1}行的支出额度未填写：请填写该方向的支出金额（万元）。")
        any_filled = f'SUM({t.span("filled", 0, t.n - 1)})>0'
        s = self.rows["spending"]
        for i in range(s.n):
            y = s.ref(i, "year")
            self.add("AMT007", f"funding.spending[{i}].total",
                     f'AND({any_filled},{s.ref(i, "first")}=1,NOT({self.year_has("by_purpose", y)}))',
                     f"资金使用情况第{i + 1}行所在年度在按方向划分中没有对应的行：请按资金使用方向补填该年度的支出额度。")
        for i in range(t.n):
            y = t.ref(i, "year")
            differs = f'NOT({_eq(self.year_sum("by_purpose", y), self.year_sum("spending", y))})'
            self.add("AMT007", f"funding.by_purpose[{i}].amount",
                     f'AND({any_filled},{t.ref(i, "first")}=1,OR(NOT({self.year_has("spending", y)}),{differs}))',
                     f"按方向划分第{i + 1}行所在年度的支出额度合计与资金使用情况不符：各方向的支出额度之和应等于实际支出。")

    def eval_amount_check(self) -> None:
        b = self.rows["budget"]
        amount, year = self.eval_amount, self.eval_year
        years = f'SUM({b.span("first", 0, b.n - 1)})'
        every = f'SUMPRODUCT(({b.span("year", 0, b.n - 1)}<>"")*ISNUMBER({b.span("amount", 0, b.n - 1)}),{b.span("amount", 0, b.n - 1)})'
        agrees = _any(_eq(amount, self.year_sum("budget", year)), f"AND({years}>1,{_eq(amount, every)})")
        self.add("AMT009", "basic.eval_amount",
                 f'AND({amount}<>"",{year}<>"",{years}>0,OR(NOT({self.year_has("budget", year)}),NOT({agrees})))',
                 "评价金额与评价年度资金安排情况的资金合计不符：评价金额应填评价年度的预算安排数。")

    def execution_rate(self) -> None:
        b, s = self.rows["budget"], self.rows["spending"]
        ey = self.eval_year
        rows_of = lambda t: f'SUMPRODUCT(--({t.span("year", 0, t.n - 1)}={ey}))>0'  # noqa: E731
        budget, spent = self.year_sum("budget", ey), self.year_sum("spending", ey)
        rate_low = (f'AND({ey}<>"",{rows_of(b)},{rows_of(s)},{self.year_has("budget", ey)},'
                    f'{self.year_has("spending", ey)},{spent}>=0,{budget}>0,'
                    f'ROUND({spent}-{budget}*{LOW_EXECUTION},{TOLERANCE})<0,{self.notes_said}=0)')
        for i in range(s.n):
            self.add("AMT010", f"funding.spending[{i}].total",
                     f'AND({s.ref(i, "first")}=1,{s.ref(i, "year")}={ey},{rate_low})',
                     "评价年度预算执行率低于90%：请在“单位需要说明的其他情况”中说明执行率偏低的原因。")

    # -- GOL

    def goals(self) -> None:
        p = self.p
        from xlperf.files.values import NO, YES

        def spellings(words):
            """The words and their full-width spellings (the reader makes text half-width first)."""
            wide = {"".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in w) for w in words}
            return sorted(set(words) | wide)

        on_time = self.scalar(stripped(p.ref("goals.achieved_on_time")))
        no = ",".join(f"EXACT({on_time},{_q(w)})" for w in spellings(NO))
        yes = ",".join(f"EXACT({on_time},{_q(w)})" for w in spellings(YES))
        self.add("GOL001", "goals.achieved_on_time", f"AND(OR({no}),{self.notes_said}=0)",
                 "是否如期实现预期总体目标填了“否”，但没有说明原因：请在“单位需要说明的其他情况”中说明。")
        ind = self.ind
        missed_any = f"SUMPRODUCT(({ind.span('state', 0, ind.n - 1)}=2)*({ind.span('judged', 0, ind.n - 1)}=\"未完成\")*(LEN({ind.span('tt', 0, ind.n - 1)})>0)*(LEN({ind.span('ta', 0, ind.n - 1)})>0))>0"
        self.add("GOL002", "goals.achieved_on_time", f"AND(OR({yes}),{missed_any})",
                 "是否如期实现预期总体目标填了“是”，但有指标的实现值未达到预期值：请核对。")

    # -- IND

    def sub_state(self, sub: SubCategory) -> str:
        """0 unfilled, 1 无, 2 rows (`checks._sub_state`)."""
        ks = [k for k, (s, _) in enumerate(self.slots) if s is sub]
        span = self.ind.span("state", ks[0], ks[-1])
        return f"MAX({span})"

    def indicator_categories(self) -> None:
        for sub in SubCategory:
            self.add("IND001", f"indicators.{sub.name}", f"{self.sub_state(sub)}=0",
                     f"{sub.value}未填写：请逐行填写指标，没有该类指标时填“无”。")
        groups = [
            ("IND002", Category.output, "产出指标（数量、质量、时效、成本指标）均为“无”：至少应填写一项产出指标。"),
            ("IND003", Category.satisfaction, "服务对象或公众满意度为“无”：至少应填写一项满意度指标。"),
            ("IND004", Category.benefit, "效益指标均填了“无”：请补充至少一项效益指标，确实没有的请在其他情况中说明。"),
        ]
        for code, cat, message in groups:
            subs = [s for s in SubCategory if CATEGORY_OF[s] is cat]
            self.add(code, f"indicators.{subs[0].name}", _all(*(f"{self.sub_state(s)}=1" for s in subs)), message)

    def indicator_rows(self) -> None:
        t = self.ind
        for k, (sub, i) in enumerate(self.slots):
            real = f'{t.ref(k, "state")}=2'
            path = lambda attr: indicator_path(sub, i, attr)  # noqa: E731
            where = f"{sub.value}第{i + 1}行"
            name = t.ref(k, "tn")
            self.add("IND005", path("name"), f"AND({real},OR(LEN({name})=0,{none_word(name)}))",
                     f"{where}的指标名称未填写：请填写指标名称，或删除该行。")
            if k:
                key = t.ref(k, "key")
                self.add("IND011", path("name"),
                         f'AND({key}<>"",SUMPRODUCT(--EXACT({t.span("key", 0, k - 1)},{key}))>0)',
                         f"{where}的指标名称与前面的指标重复：同一指标只应填写一次，请合并或改名。")
            for code, short, what in (("IND006", "tf", "指标计算公式"), ("IND007", "tt", "评价年度预期值"),
                                      ("IND008", "ta", "评价年度实现值")):
                attr = {"tf": "formula", "tt": "target", "ta": "actual"}[short]
                self.add(code, path(attr), f"AND({real},LEN({t.ref(k, short)})=0)", f"{where}的{what}未填写：请填写。")
            missed = (f'AND({real},LEN({t.ref(k, "tt")})>0,LEN({t.ref(k, "ta")})>0,'
                      f'{t.ref(k, "judged")}="未完成")')
            said = self.said_of(self.p.ref(path("explanation")))
            self.add("IND009", path("explanation"), f"AND({missed},{said}=0)",
                     f"{where}的实现值未达到预期值，但未完成原因说明未填写：请说明未完成的原因和改进措施。")
            self.add("IND010", path("explanation"), f'AND({missed},{said}=1,{t.ref(k, "claims")}=1)',
                     f"{where}的实现值未达到预期值，但未完成原因说明写的是已完成：请如实说明未完成的原因。")

    # -- RPT

    def report_cover(self) -> None:
        p = self.p
        if not p.with_report:
            return
        from xlperf.engine.checks import _SAME_AS_TABLE

        for code, field_label, ours, label, theirs, advice in _SAME_AS_TABLE:
            a, b = p.ref(f"report.{ours}"), p.ref(f"basic.{theirs}")
            ha, hb = (self.scalar(_half_width(x, _FULL_WIDTH[:48])) for x in (a, b))
            self.add(code, f"report.{ours}",
                     f"AND(NOT({self.blank(a)}),NOT({self.blank(b)}),NOT(EXACT({_compared(ha)},{_compared(hb)})))",
                     f"自评报告的{field_label}与基础信息表的{label}不一致：{advice}。")


    # -- SCR: the indicator rows' 分值 (`scoring.weight_issues`)

    def weights(self) -> None:
        """SCR004–SCR006 on the rows of the items scored one indicator row at a time (the
        only rows whose 分值 the split reads): negative, more than two decimals, and the
        weights of an item adding up to more than its points (on its first weighted row)."""
        p = self.p
        groups: list[tuple[L.ScoreGroup, list[tuple[SubCategory, int]]]] = []
        seen: set[tuple[SubCategory, int]] = set()
        for g in p.layout.plan:
            if not g.per_indicator:
                continue
            rows = [(SubCategory[name], i) for name in g.sub_categories
                    for i in range(self.cap.rows_for(SubCategory[name]))]
            rows = [r for r in rows if r not in seen]
            seen.update(rows)
            if rows:
                groups.append((g, rows))
        t = p.table(sum(len(rows) for _, rows in groups), "w")
        k = 0
        exists = L.col_letter(L.HELPER_COLUMN["exists"])
        for g, rows in groups:
            first = k
            for sub, i in rows:
                path = indicator_path(sub, i, "weight")
                weight = p.ref(path)
                row = p.cell(indicator_path(sub, i, "name")).area.row
                typed = f"AND(${exists}${row + 1}=1,ISNUMBER({weight}))"
                t.put(k, "w", f'IF({typed},MAX(0,ROUND(ROUND({weight},2)*100,0)),"")')
                where = f"{sub.value}第{i + 1}行"
                self.add("SCR004", path, f"AND({typed},{weight}<0)",
                         f"{where}的分值为负数，评分时按0分计：请填写不小于0的分值，或留空与同类指标平分。")
                self.add("SCR006", path, f"AND({typed},ROUND({weight},2)<>{weight})",
                         f"{where}的分值超过两位小数，评分时按四舍五入到0.01计：请保留两位小数。")
                k += 1
            cents = round(Decimal(g.points) * 100)
            over = f'SUM({t.span("w", first, k - 1)})>{cents}'
            for n, (sub, i) in enumerate(rows):
                before = f'COUNT({t.span("w", first, first + n - 1)})=0' if n else "TRUE"
                self.add("SCR005", indicator_path(sub, i, "weight"),
                         f'AND({over},ISNUMBER({t.ref(first + n, "w")}),{before})',
                         f"{g.category}的各指标分值合计超过该项的{g.points}分，评分时按比例折算：请核对各指标的分值，"
                         f"使其合计不超过{g.points}分。")


# ---------------------------------------------------------------------------- writing


def add_flags(book: Any, sheets: Mapping[str, Any], layout: L.Layout, ev: Any, mode: str, card: Any = None) -> None:
    """Write the flags block, the helper tables, the marks' conditional formatting and the
    校验 summary into a workbook being built (XlsxWriter `book`, its `sheets` by name;
    `card` the form's scorecard under the workbook's rules)."""
    ws = sheets.get(L.FORM)
    if ws is None:
        return
    p = plan(layout, with_report=L.REPORT in sheets)
    on = engine_raised(ev, layout, card)
    stored = [1 if (f.code, f.cell) in on else 0 for f in p.flags]
    small = book.add_format({"font_name": "宋体", "font_size": 9, "font_color": "#595959", "valign": "vcenter"})
    head = book.add_format({"font_name": "宋体", "font_size": 9, "bold": True, "font_color": "#595959"})
    cols = p.flag_cols
    for name, title in (("code", "代码"), ("severity", "级别"), ("cell", "单元格"), ("raised", "触发"),
                        ("message", "说明"), ("counter", "序号")):
        ws.write_string(0, cols[name], title, head)
    for k, f in enumerate(p.flags):
        r = p.flag_row(k)
        ws.write_string(r, cols["code"], f.code, small)
        ws.write_string(r, cols["severity"], SEVERITY_SHOWN[f.severity], small)
        ws.write_string(r, cols["cell"], f.cell, small)
        ws.write_formula(r, cols["raised"], "=" + f.test, small, stored[k])
        ws.write_string(r, cols["message"], f.message, small)
        raised = p.raised_ref(k)
        first = p.raised_ref(0)
        ws.write_formula(r, cols["counter"], f'=IF({raised}=1,SUM({first}:{raised.replace("$", "")}),"")', small,
                         sum(stored[:k + 1]) if stored[k] else "")
    for t in p.tables:
        for (i, name), formula in t.formulas.items():
            ws.write_formula(t.row + i, t.col + t.columns.index(name), "=" + formula, small, "")
        for (i, name), value in t.values.items():
            ws.write(t.row + i, t.col + t.columns.index(name), value, small)
    _marks(book, ws, sheets, p, stored)
    _summary(book, ws, p, stored)
    widths = {cols["code"]: 8, cols["severity"]: 5, cols["cell"]: 14, cols["raised"]: 5, cols["message"]: 40,
              cols["counter"]: 5}
    for c, w in widths.items():
        ws.set_column(c, c, w)
    widest = max(len(t.columns) for t in p.tables)
    ws.set_column(p.helper_col, p.helper_col + widest + 1, 6, None, {"hidden": True})


def engine_raised(ev: Any, layout: L.Layout, card: Any = None) -> set[tuple[str, str]]:
    """(code, cell) the engine reports, of the codes the sheet decides, for the form as the
    sheet shows it (资金合计 is the sum of its parts): the flags' stored results, so that a
    program that does not recalculate on opening shows the right marks and summary too.
    card: the form's scorecard (its 分值 findings, SCR004–SCR006); None: no such finding."""
    from xlperf.engine.checks import run_checks

    shown = ev.model_copy(deep=True)
    for row in [*shown.funding.budget, *shown.funding.spending]:
        row.total = row.parts_total()
    return {(f.code, f.cell) for f in run_checks(shown, card, layout.cell_of) if f.code in DECIDED}


def _marks(book: Any, ws: Any, sheets: Mapping[str, Any], p: Plan, stored: list[int]) -> None:
    """The mark level of every flagged cell, and the conditional formats that show it."""
    fills = {sev: book.add_format({"bg_color": color}) for sev, color in L.MARK_FILLS.items()}
    groups: dict[tuple[str, L.Area], list[int]] = {}
    for k, f in enumerate(p.flags):
        c = p.cell(f.field)
        groups.setdefault((c.sheet, c.area), []).append(k)
    col = p.mark_col
    for n, ((sheet, area), ks) in enumerate(groups.items()):
        weight = {k: 2 if p.flags[k].severity == "error" else 1 for k in ks}
        terms = [f"{p.raised_ref(k)}*{weight[k]}" for k in ks]
        ws.write_formula(n, col, f"=MAX(0,{','.join(terms)})", None, max(stored[k] * weight[k] for k in ks))
        level = f"${L.col_letter(col)}${n + 1}"
        if sheet == L.FORM:
            target = ws
        else:
            target = sheets[sheet]
            name = f"xlperf_mark_{n + 1}"
            book.define_name(name, f"='{L.FORM}'!{level}")
            level = name
        for sev, value in (("error", 2), ("warning", 1)):
            target.conditional_format(area.row, area.col, area.last_row, area.last_col, {
                "type": "formula", "criteria": f"={level}={value}", "format": fills[sev], "stop_if_true": True})


NOTHING_FOUND = "未发现公式能判断的问题。"

SUMMARY_TITLE = "校验（由公式计算，不打印；完整校验请用“校验”按钮或 xlperf check）"


TOP_COUNTS = 2
"""0-based row, under the buttons, where 错误数 and 警告数 are repeated (columns K..N)."""


def summary_origin(layout: L.Layout) -> int:
    """0-based row of the summary's title: two rows below 附件1-1's print area."""
    area = layout.sheet(L.FORM).print_area
    assert area is not None
    return area.last_row + 2


def _summary(book: Any, ws: Any, p: Plan, stored: list[int]) -> None:
    """Below the form: 错误数 and 警告数, each with its number to its right, then one line
    per raised flag (code, cell, message), found through the running counter."""
    bold = book.add_format({"font_name": "宋体", "font_size": 10.5, "bold": True})
    plain = book.add_format({"font_name": "宋体", "font_size": 10.5})
    count = book.add_format({"font_name": "宋体", "font_size": 10.5, "bold": True, "font_color": "#C00000"})
    r = summary_origin(p.layout)
    ws.write_string(r, L.B, SUMMARY_TITLE, bold)
    sev, raised = p.flag_span("severity"), p.flag_span("raised")
    ws.write_string(r + 1, L.B, "错误数", bold)
    errors = sum(on for f, on in zip(p.flags, stored) if f.severity == "error")
    ws.write_formula(r + 1, L.C, f'=SUMPRODUCT(--({sev}="错误"),{raised})', count, errors)
    ws.write_string(r + 1, L.D, "警告数", bold)
    ws.write_formula(r + 1, L.E, f'=SUMPRODUCT(--({sev}="警告"),{raised})', count, sum(stored) - errors)
    top = TOP_COUNTS
    ws.write_string(top, L.K, "错误数", bold)
    ws.write_formula(top, L.K + 1, f"={L.a1(r + 1, L.C)}", count, errors)
    ws.write_string(top, L.K + 2, "警告数", bold)
    ws.write_formula(top, L.K + 3, f"={L.a1(r + 1, L.E)}", count, sum(stored) - errors)
    ws.write_string(top + 1, L.K, f"公式校验的明细见第{r + 1}行起（不打印）", plain)
    ws.write_string(r + 2, L.B, "代码", bold)
    ws.write_string(r + 2, L.C, "单元格", bold)
    ws.write_string(r + 2, L.E, "说明", bold)
    counters = p.flag_span("counter")
    listed = [f for f, on in zip(p.flags, stored) if on]
    for k in range(len(p.flags)):
        row = r + 3 + k
        at = f"MATCH({k + 1},{counters},0)"
        for col, what in ((L.B, "code"), (L.C, "cell"), (L.E, "message")):
            shown = f'IF(ISNUMBER({at}),INDEX({p.flag_span(what)},{at}),"")'
            value = getattr(listed[k], what) if k < len(listed) else ""
            if k == 0 and what == "message":
                shown = f'IF(SUM({raised})=0,{_q(NOTHING_FOUND)},{shown})'
                value = value or NOTHING_FOUND
            ws.write_formula(row, col, "=" + shown, plain, value)


# ---------------------------------------------------------------------------- reading back


def raised(values: Mapping[str, Mapping[str, Any]], layout: L.Layout, with_report: bool = True
           ) -> list[tuple[str, str]]:
    """(code, cell) of every raised flag in a recalculated workbook's values
    ({sheet: {"A1": value}}, as `tests.recalc.values` gives them)."""
    p = plan(layout, with_report)
    form = values.get(L.FORM, {})
    col = L.col_letter(p.flag_cols["raised"])
    return [(f.code, f.cell) for k, f in enumerate(p.flags) if form.get(f"{col}{p.flag_row(k) + 1}") in (1, 1.0)]


def summary(values: Mapping[str, Mapping[str, Any]], layout: L.Layout) -> dict[str, Any]:
    """What the 校验 summary shows: {"错误数", "警告数", "lines": [(code, cell, message)],
    "top": (错误数, 警告数) as repeated under the buttons}."""
    form = values.get(L.FORM, {})
    r = summary_origin(layout)
    b, c, d, e = (L.col_letter(x) for x in (L.B, L.C, L.D, L.E))
    shown: dict[str, Any] = {form.get(f"{b}{r + 2}"): form.get(f"{c}{r + 2}"),
                             form.get(f"{d}{r + 2}"): form.get(f"{e}{r + 2}")}
    k, l, m, n = (L.col_letter(L.K + i) for i in range(4))
    top = TOP_COUNTS + 1
    repeated = {form.get(f"{k}{top}"): form.get(f"{l}{top}"), form.get(f"{m}{top}"): form.get(f"{n}{top}")}
    lines = []
    row = r + 4
    while form.get(f"{b}{row}") not in (None, ""):
        lines.append((form.get(f"{b}{row}"), form.get(f"{c}{row}"), form.get(f"{e}{row}")))
        row += 1
    return {"错误数": shown.get("错误数"), "警告数": shown.get("警告数"), "lines": lines,
            "top": (repeated.get("错误数"), repeated.get("警告数"))}

