"""The checks the national formula edition computes itself (公式校验): flags, marks, 校验汇总.

Every national check (`national_2020.checks`) that formulas can decide as the engine does
becomes flags: one row per (code, cell) in the flags block right of the helper cells
(`layout.FLAGS_FIRST_COL`), outside the print area — 代码 | 级别 | 单元格 | 触发 (0/1) | 说明 |
序号, as on the Guangdong form (`xlperf.workbook.flags`, whose text helpers are reused).
Conditional formatting fills the cell of every raised flag with the marks' colours
(`workbook.MARK_FILLS`: red 错误, amber 警告); below the print area the 校验汇总 shows 错误数,
警告数 and one line per raised flag. Only Excel 2007 functions: Excel, WPS and LibreOffice
raise the same flags without Python or macros.

`DECIDED` names the codes decided here; for those a flag is raised exactly when the engine
reports that code at that cell (tests recalculate workbooks in LibreOffice and compare).
IND012 (an actual that copies its target) and NAT022/NAT023 (年度总体目标 in words) need the
engine's reading of free text and stay with `xlperf check`.

The rows are judged from the helper cells of `native` (the engine's understanding while the
texts are unchanged); the rule set's constants (categories, moves) are written into the
formulas when the workbook is built, its numbers read from the rule table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from xlperf.forms.national_2020 import layout as NL
from xlperf.forms.national_2020.checks import BUDGET_CHANGE, CATALOGUE, TOLERANCE
from xlperf.forms.national_2020.layout import SHEET, NationalLayout, a1, col_letter, fund_ref, rule_ref
from xlperf.workbook.flags import SEVERITY_SHOWN, Flag, FlagPlaces, _q, _Table, claims_done, none_word, stripped

DECIDED: tuple[str, ...] = (
    "NAT001", "NAT002", "NAT003", "NAT004", "NAT005", "NAT006", "NAT007", "NAT008", "NAT009", "NAT010",
    "NAT011", "NAT012", "NAT013", "NAT014", "NAT015", "NAT016", "NAT017", "NAT018", "NAT019", "NAT020",
    "NAT021",
)
"""The codes the sheet decides; NAT022/NAT023 (年度总体目标 in words) and IND012 (an actual that
copies its target) need the engine's reading of free text: only `xlperf check` reports them."""

NOTHING_FOUND = "未发现公式能判断的问题。"
SUMMARY_TITLE = "校验汇总（由公式计算，不打印；完整校验请用 xlperf check）"

# the columns of the 项目资金 table and of the indicator rows (0-based)
_FUND_ROW = {"total": 6, "appropriation": 7, "carryover": 8, "other": 9}
_FUND_COL = {"initial": 4, "budget": 5, "executed": 6, "points": 7, "rate": 8, "score": 9}
_ROW_COL = {"level1": 0, "level2": 1, "name": 2, "target": 4, "actual": 5, "points": 6, "score": 7, "deviation": 8}


def _fund(name: str, col: str) -> str:
    return f"${col_letter(_FUND_COL[col])}${_FUND_ROW[name] + 1}"


@dataclass
class Plan(FlagPlaces):
    """Where the flags and their helper cells go for one layout and rule set."""

    layout: NationalLayout
    first_col: int = NL.FLAGS_FIRST_COL
    flags: list[Flag] = field(default_factory=list)
    tables: list[_Table] = field(default_factory=list)
    next_row: int = 0

    def add(self, code: str, path: str, test: str, message: str) -> None:
        cell = self.layout.cell_of(path)
        assert cell is not None, path
        self.flags.append(Flag(code, path, cell, f"IFERROR(IF({test},1,0),0)", message, CATALOGUE[code].severity))


def plan(layout: NationalLayout, rules) -> Plan:
    """Every flag and helper cell for a workbook of `layout` scored under `rules`."""
    p = Plan(layout)
    _Checks(p, rules).run()
    return p


def _blank(ref: str) -> str:
    return f"LEN({stripped(ref)})=0"


def _num(ref: str) -> str:
    """Guards arithmetic on a cell that may show "": inside AND an error reads as 0 (the flag's
    IFERROR), inside OR a guard must be an IF."""
    return f"ISNUMBER({ref})"


def _differs(a: str, b: str) -> str:
    """More than the tolerance apart (`checks.TOLERANCE`, 0.01)."""
    return f"ROUND(ABS({a}-{b}),9)>{TOLERANCE}"


def _above(a: str, b: str) -> str:
    return f"ROUND({a}-{b},9)>0"


_WHITE = ("CHAR(9)", "CHAR(10)", "CHAR(13)", _q("\u3000"), _q("\u00a0"), _q(" "))
_HALF = [("（", "("), ("）", ")"), ("．", ".")] + [(chr(0xFF10 + d), str(d)) for d in range(10)]


def _squeezed(ref: str) -> str:
    """A label as `scoring._clean` compares it before the suffix: blanks removed, full-width
    digits, brackets and point made half-width."""
    text = ref
    for ch in _WHITE:
        text = f'SUBSTITUTE({text},{ch},"")'
    for wide, narrow in _HALF:
        text = f"SUBSTITUTE({text},{_q(wide)},{_q(narrow)})"
    return text


def _stroke(text: str) -> str:
    """TRUE when a stripped text is only a stroke (“/”, “—”, `model.STROKES`, and the spellings
    NFKC folds into them): a cell left empty (`checks._dash`)."""
    from xlperf.forms.national_2020.model import STROKES
    from xlperf.workbook.flags import _variants

    words = sorted({v for w in STROKES for v in _variants(w)})
    return f"OR({','.join(f'EXACT({text},{_q(w)})' for w in words)})"


def _zero(text: str) -> str:
    """TRUE when a stripped text is a zero written as a number (“0”, “0.00”, “０”: `checks._zero`)."""
    half = text
    for wide, narrow in (("０", "0"), ("．", "."), ("＋", "+"), ("－", "-")):
        half = f"SUBSTITUTE({half},{_q(wide)},{_q(narrow)})"
    rest = half
    for ch in "0.+-":
        rest = f"SUBSTITUTE({rest},{_q(ch)},\"\")"
    return f'AND(LEN({half})>0,LEN({rest})=0,ISNUMBER(FIND("0",{half})),IFERROR(VALUE({half})=0,FALSE))'


def _without_points_suffix(c: str) -> str:
    """`c` without a trailing “(10分)” / “(12.5分)” (`scoring._clean`)."""
    from xlperf.workbook.native import plain_number

    formula = c
    for k in range(9, 3, -1):  # “(N分)” of 4 to 9 characters
        number = f"MID({c},MAX(1,LEN({c})-{k - 2}),{k - 3})"
        ok = plain_number(number)[1:]
        formula = (f'IF(AND(LEN({c})>={k},MID({c},MAX(1,LEN({c})-{k - 1}),1)="(",RIGHT({c},2)="分)",'
                   f"{ok}=1),LEFT({c},MAX(0,LEN({c})-{k})),{formula})")
    return formula


class _Checks:
    """Builds the flags of a plan, check by check, in the engine's order."""

    def __init__(self, p: Plan, rules):
        self.p, self.rules, self.lay = p, rules, p.layout
        self.n = self.lay.indicator_rows
        self.s = p.table(32, "value")
        self._k = 0

    def scalar(self, formula: str) -> str:
        ref = self.s.put(self._k, "value", formula)
        self._k += 1
        return ref

    def cell(self, i: int, attr: str) -> str:
        return f"${col_letter(_ROW_COL[attr])}${self.lay.indicator_row(i) + 1}"

    def column(self, attr: str) -> str:
        c = col_letter(_ROW_COL[attr])
        return f"${c}${self.lay.indicator_row(0) + 1}:${c}${self.lay.indicator_row(self.n - 1) + 1}"

    def helper(self, i: int, key: str) -> str:
        return self.lay.helper_ref(i, key, absolute=True)

    def run(self) -> None:
        self.row_helpers()
        self.required()
        self.funds()
        self.execution()
        self.rows()
        self.points()
        self.total()

    # -- helper tables

    def row_helpers(self) -> None:
        from xlperf.forms.national_2020 import scoring

        t = self.t = self.p.table(self.n, "used", "l1c", "l2s", "l2c", "cat", "item", "said", "why",
                                  "core", "s1", "s2", "s3", "s4", "s5", "claims")
        for i in range(self.n):
            unused = f'AND({self.helper(i, "unused")}=1,NOT(ISNUMBER({self.cell(i, "score")})))'
            t.put(i, "used", f'IF(AND({self.helper(i, "ex")}=1,NOT({unused})),1,0)')
        cats = self.rules.categories
        groups: dict[int, list[str]] = {}
        from xlperf.forms.national_2020.native import _level2_names

        for name, sub in _level2_names().items():
            k = next((k for k, c in enumerate(cats, start=1) if any(sub.name in it.sub_categories for it in c.items)), None)
            if k is not None:
                groups.setdefault(k, []).append(name)
        for i in range(self.n):
            l1c = t.put(i, "l1c", _squeezed(self.helper(i, "g1")))
            l2s = t.put(i, "l2s", _squeezed(self.helper(i, "g2")))
            l2c = t.put(i, "l2c", _without_points_suffix(l2s))
            formula = '""'
            for word in reversed(scoring._KEYWORDS):
                k = next((k for k, c in enumerate(cats, start=1) if word in c.name), None)
                formula = f'IF(ISNUMBER(FIND({_q(word)},{l1c})),{k if k is not None else _q("")},{formula})'
            for k in sorted(groups, reverse=True):
                cond = ",".join(f"EXACT({l2c},{_q(n)})" for n in sorted(groups[k]))
                formula = f"IF(OR({cond}),{k},{formula})"
            t.put(i, "cat", f'IF({t.ref(i, "used")}=1,{formula},"")')
            score, h, pts = self.helper(i, "score"), self.cell(i, "score"), self.helper(i, "pts")
            t.put(i, "item", f"IF(ISNUMBER({score}),{score},IF(ISNUMBER({h}),ROUND(MIN(MAX({h},0),{pts}),2),0))")
            text = stripped(self.cell(i, "deviation"))
            claims = claims_done(lambda name, f, i=i: t.put(i, name, f), self.cell(i, "deviation"))
            t.put(i, "said", f'IF(OR(LEN({text})=0,{none_word(text)},{_stroke(text)},{_zero(text)},{claims}=1),0,1)')
            judged, g = self.helper(i, "judged"), self.cell(i, "points")
            given = f"IF(ISNUMBER({h}),{h},IF(ISNUMBER({score}),{score},\"\"))"
            review = f'OR({judged}="需人工判断",{judged}="")'
            t.put(i, "why", (
                f'IF(AND({rule_ref("dev_reason")}=1,{self.helper(i, "dev")}=1),1,'
                f'IF(OR(NOT(ISNUMBER({g})),NOT(ISNUMBER({given}))),IF({judged}="未完成",1,0),'
                f'IF({rule_ref("below_full")}=1,IF(ROUND({given}-{g},9)<0,1,0),'
                f'IF(OR({judged}="未完成",AND({review},ROUND({given}-{g}*0.8,9)<0)),1,0))))'))

    # -- NAT001

    def required(self) -> None:
        from xlperf.forms.national_2020.checks import _REQUIRED

        for path, label, hint in _REQUIRED:
            ref = self.lay.spot_for(path).first
            self.p.add("NAT001", path, _blank(_abs(ref)), f"{label}未填写：{hint}。")

    # -- 项目资金

    def funds(self) -> None:
        from xlperf.forms.national_2020.checks import _COLUMNS, _FUND_ROWS

        parts = ("appropriation", "carryover", "other")
        for col, label in _COLUMNS:
            rng = f"{_fund(parts[0], col)}:{_fund(parts[-1], col)}"
            total = _fund("total", col)
            self.p.add("NAT009", f"funds.total.{col}",
                       f"AND(COUNT({rng})>0,OR(NOT({_num(total)}),ROUND({total}-SUM({rng}),5)<>0))",
                       f"年度资金总额的{label}与其中当年财政拨款、上年结转资金、其他资金之和不符：请改为其中各项之和，或核对其中各项。")
        for name, label in _FUND_ROWS:
            b, e = _fund(name, "budget"), _fund(name, "executed")
            self.p.add("NAT010", f"funds.{name}.executed", f"AND({_num(b)},{_num(e)},ROUND({e}-{b},5)>0)",
                       f"{label}的全年执行数超过全年预算数：执行数不能超过调整后的全年预算，请核对两数。")

        def effective(col: str) -> str:
            total = _fund("total", col)
            rng = f"{_fund(parts[0], col)}:{_fund(parts[-1], col)}"
            return self.scalar(f'IF(AND({_num(total)},{total}<>0),{total},IF(COUNT({rng})=0,"",SUM({rng})))')

        initial, budget = effective("initial"), effective("budget")
        note = self.lay.spot_for("funds.change_note").first
        self.p.add("NAT011", "funds.total.budget",
                   f"AND({_num(initial)},{initial}>0,{_num(budget)},{_blank(_abs(note))},"
                   f"ROUND(ABS({budget}-{initial})/{initial}-{BUDGET_CHANGE},12)>=0)",
                   f"全年预算数与年初预算数相差{BUDGET_CHANGE * 100:.0f}%以上，没有说明预算调整的原因：请在预算调整说明中写明追加或调减的理由。")
        self.p.add("NAT011", "funds.total.budget",
                   f"AND({_num(initial)},{initial}=0,{_num(budget)},{budget}>0,{_blank(_abs(note))})",
                   "年初预算数为0，全年预算数全部是年中追加的，没有说明预算调整的原因：请在预算调整说明中写明追加的理由。")

    def execution(self) -> None:
        """NAT003 as `checks._rate_agrees`: the stated 执行率 agrees at the places it shows
        (trailing zeros dropped, rounding half to even), in percent or as a fraction (0.95)."""
        stated, rate = _fund("total", "rate"), fund_ref("rate")

        def places(x: str) -> str:
            formula = "10"
            for p in range(9, -1, -1):
                formula = f"IF(ROUND({x},{p})={x},{p},{formula})"
            return formula

        def half_even(p: str) -> str:
            r = self.scalar(f'IF(AND({_num(p)},{_num(rate)}),{rate}*100*10^{p},"")')
            fl = f"INT({r})"
            return self.scalar(
                f'IF({_num(r)},IF(ABS({r}-{fl}-0.5)<1E-7,IF(ISODD({fl}),{fl}+1,{fl}),ROUND({r},0))/10^{p},"")')

        p1 = self.scalar(f'IF({_num(stated)},{places(stated)},"")')
        c1 = half_even(p1)
        y = self.scalar(f'IF({_num(stated)},ROUND({stated}*100,10),"")')
        p2 = self.scalar(f'IF({_num(y)},{places(y)},"")')
        c2 = half_even(p2)
        agrees = (f"OR(ROUND(ABS({stated}-{c1}),9)<={TOLERANCE},"
                  f"IF(AND({stated}>0,{stated}<=2),ROUND(ABS({y}-{c2}),9)<={TOLERANCE},FALSE))")
        self.p.add("NAT003", "funds.total.rate", f"AND({_num(stated)},{_num(rate)},NOT({agrees}))",
                   "执行率与全年执行数 ÷ 全年预算数不符：请改正执行率。")
        score, given = fund_ref("score"), _fund("total", "score")
        self.p.add("NAT004", "funds.total.score", f"AND({_num(given)},{_num(score)},{_differs(given, score)})",
                   "预算执行率的得分与按分值 × 执行率计算的得分不符：请改正得分。")
        self.p.add("NAT020", "funds.total.score", f"AND(NOT({_num(given)}),{_num(score)})",
                   "预算执行率的得分未填写：请填写分值 × 执行率（最高为分值）。")
        self.p.add("NAT008", "funds.total.score", f"AND({_num(given)},{_above(given, fund_ref('avail'))})",
                   "预算执行率的得分超过其分值：得分最高为分值。")

    # -- indicator rows

    def rows(self) -> None:
        t = self.t
        for i in range(self.n):
            exists = f'{t.ref(i, "used")}=1'
            where = f"第{i + 1}行指标"
            path = f"indicators[{i}]"
            g, h, score = self.cell(i, "points"), self.cell(i, "score"), self.helper(i, "score")
            self.p.add("NAT015", f"{path}.points", f"AND({exists},NOT({_num(g)}))",
                       f"{where}的分值未填写：请按指标的重要程度填写分值，各指标分值合计应为100分（含预算执行率）。")
            self.p.add("NAT016", f"{path}.level1", f'AND({exists},{t.ref(i, "cat")}="")',
                       f"{where}的一级指标、二级指标无法对应到产出指标、效益指标或满意度指标：请按表式填写一级、二级指标。")
            for attr, what in (("target", "年度指标值"), ("actual", "实际完成值")):
                text = stripped(self.cell(i, attr))
                self.p.add("NAT017", f"{path}.{attr}", f"AND({exists},OR(LEN({text})=0,{_stroke(text)}))",
                           f"{where}的{what}未填写：请填写，定性指标也应写明要求或结果。")
            self.p.add("NAT008", f"{path}.score", f"AND({_num(h)},{_num(g)},{_above(h, g)})",
                       f"{where}的得分超过其分值：得分最高为分值。")
            self.p.add("NAT002", f"{path}.score", f"AND({exists},{_num(g)},{_num(h)},{_num(score)},{_differs(h, score)})",
                       f"{where}的得分与按分值计算的得分不符：请改正得分。")
            self.p.add("NAT018", f"{path}.score",
                       f'AND({exists},{_num(g)},NOT({_num(self.helper(i, "frac"))}),NOT({_num(h)}))',
                       f"{where}表上没有得分，需评分人对照佐证材料按档次给分。")
            self.p.add("NAT020", f"{path}.score", f"AND({exists},{_num(g)},{_num(score)},NOT({_num(h)}))",
                       f"{where}的得分未填写：请填写按分值计算的得分。")
            self.p.add("NAT014", f"{path}.actual", f'AND({exists},{self.helper(i, "dev")}=1)',
                       f"{where}的实际完成值大幅超出年度指标值，属于指标偏离：请说明偏差原因，今后据实设定指标值。")
            self.p.add("NAT012", f"{path}.deviation", f'AND({exists},{t.ref(i, "why")}=1,{t.ref(i, "said")}=0)',
                       f"{where}偏离或未完成年度指标，偏差原因分析及改进措施未写明：请写明偏离或未完成的原因和改进措施。")

    # -- 分值

    def points(self) -> None:
        from xlperf.forms.national_2020 import scoring

        rules, t = self.rules, self.t
        exec_cat = scoring.execution_category(rules)
        exec_default = sum((i.points for i in exec_cat.items), Decimal(0)) if exec_cat is not None else Decimal(0)
        hp = _fund("total", "points")
        exec_points = self.scalar(f"IF({_num(hp)},{hp},{exec_default})")
        pts = self.column("points")
        total = self.scalar(f"{exec_points}+SUM({pts})")
        stated = self._total_cell("total.points")
        self.p.add("NAT006", "total.points",
                   f"OR(ROUND({total}-{rules.total},9)<>0,IF({_num(stated)},ROUND({stated}-{rules.total},9)<>0,FALSE))",
                   f"预算执行率与各指标的分值合计（或总分一栏的分值）不是{rules.total:f}分：请调整各三级指标的分值，使合计为100分。")
        names = [c.name for c in rules.categories]
        expected = {c.name: sum((i.points for i in c.items), Decimal(0)) for c in rules.categories}
        actual: dict[str, str] = {}
        for k, cat in enumerate(rules.categories, start=1):
            if exec_cat is not None and cat.name == exec_cat.name:
                actual[cat.name] = exec_points
            else:
                actual[cat.name] = self.scalar(f"SUMIF({t.span('cat')},{k},{pts})")
        settled: dict[str, list[str]] = {n: [] for n in names}
        for move in rules.category_moves:
            group = [move.from_category, *move.to]
            want = sum((expected[g] for g in group), Decimal(0))
            cond = (f"AND(ROUND({actual[move.from_category]},9)=0,"
                    f"ROUND({'+'.join(actual[g] for g in group)}-{want},9)=0)")
            for g in group:
                settled[g].append(cond)
        shares = "、".join(f"{n}{expected[n]:f}分" for n in names)
        for k, cat in enumerate(rules.categories, start=1):
            wrong = f"ROUND({actual[cat.name]}-{expected[cat.name]},9)<>0"
            if settled[cat.name]:
                wrong = f"AND({wrong},NOT(OR({','.join(settled[cat.name])})))"
            message = f"{cat.name}的分值合计与规定不符，按规定应为{expected[cat.name]:f}分（一级指标分值：{shares}）：请调整该类各指标的分值。"
            if exec_cat is not None and cat.name == exec_cat.name:
                self.p.add("NAT007", "funds.total.points", wrong, message)
                continue
            cats = t.span("cat")
            self.p.add("NAT007", "indicators", f"AND({wrong},COUNTIF({cats},{k})=0)", message)
            for i in range(self.n):
                first = f"COUNTIF({t.ref(0, 'cat')}:{t.ref(i, 'cat')},{k})=1"
                self.p.add("NAT007", f"indicators[{i}].points", f'AND({wrong},{t.ref(i, "cat")}={k},{first})', message)

    def _total_cell(self, path: str) -> str:
        return _abs(self.lay.spot_for(path).first)

    # -- 总分 and 自评等级

    def total(self) -> None:
        from xlperf.engine.checks import _GRADE_KEY

        t = self.t
        stated, given = self._total_cell("total.score"), _fund("total", "score")
        scores = self.column("score")
        every = f"SUMPRODUCT({t.span('used')})=SUMPRODUCT({t.span('used')}*ISNUMBER({scores}))"
        added = self.scalar(f'IF({_num(given)},{given}+SUM({scores}),"")')
        cap = fund_ref("cap")
        capped = self.scalar(f'IF({_num(added)},IF({_num(cap)},MIN({cap},{added}),{added}),"")')
        self.p.add("NAT005", "total.score",
                   f"AND({_num(stated)},{_num(added)},{every},{_differs(stated, added)},{_differs(stated, capped)})",
                   "总分与预算执行率和各指标的得分之和不符：请改正总分或各项得分。")
        self.p.add("NAT021", "total.score", f"AND(NOT({_num(stated)}),SUM({t.span('used')})>0)",
                   "总分未填写：请把预算执行率和各指标的得分相加，填写总分。")
        self.p.add("NAT019", "total.score", f"AND({_num(stated)},{_num(cap)},{_above(stated, cap)})",
                   "总分超过预算执行率封顶的最高分：请按评分规则的封顶改正总分。")
        exec_item = self.scalar(
            f"IF(ISNUMBER({fund_ref('score')}),{fund_ref('score')},"
            f"IF({_num(given)},ROUND(MIN(MAX({given},0),{fund_ref('avail')}),2),0))")
        engine = self.scalar(f"ROUND({exec_item}+SUM({t.span('item')}),2)")
        engine = self.scalar(f"IF({_num(cap)},MIN({cap},{engine}),{engine})")
        basis = self.scalar(f"IF({_num(stated)},{stated},{engine})")
        from xlperf.forms.national_2020.native import grade_formula

        want = self.scalar(grade_formula(basis)[1:])
        typed = self.scalar(stripped(self._total_cell("grade")))

        def key(x: str) -> str:
            formula = x
            for word in ("优", "良", "中", "差"):
                spellings = [s for s, k in _GRADE_KEY.items() if k == word]
                formula = f"IF(OR({','.join(f'EXACT({x},{_q(s)})' for s in spellings)}),{_q(word)},{formula})"
            return formula

        self.p.add("NAT013", "grade", f"AND(LEN({typed})>0,NOT(EXACT({key(typed)},{key(want)})))",
                   "自评等级与总分对应的等级不符：请改正等级或总分。")


def _abs(ref: str) -> str:
    letters = ref.rstrip("0123456789")
    return f"${letters}${ref[len(letters):]}"


# ---------------------------------------------------------------------------- writing


def add_flags(book: Any, ws: Any, layout: NationalLayout, form, rules) -> None:
    """Write the flags block, its helper tables, the marks' conditional formatting and the 校验
    汇总 into the sheet being built (XlsxWriter `book` and worksheet `ws`)."""
    from xlperf.forms.national_2020.model import NationalForm

    p = plan(layout, rules)
    on = engine_raised(form if form is not None else NationalForm(), layout, rules)
    stored = [1 if (f.code, f.cell) in on else 0 for f in p.flags]
    small = book.add_format({"font_name": "宋体", "font_size": 9, "font_color": "#595959", "valign": "vcenter"})
    head = book.add_format({"font_name": "宋体", "font_size": 9, "bold": True, "font_color": "#595959"})
    cols = p.flag_cols
    for name, title in (("code", "代码"), ("severity", "级别"), ("cell", "单元格"), ("raised", "触发"),
                        ("message", "说明"), ("counter", "序号")):
        ws.write_string(0, cols[name], title, head)
    for k, f in enumerate(p.flags):
        r = k + 1
        ws.write_string(r, cols["code"], f.code, small)
        ws.write_string(r, cols["severity"], SEVERITY_SHOWN[f.severity], small)
        ws.write_string(r, cols["cell"], f.cell.split("!")[-1], small)
        ws.write_formula(r, cols["raised"], "=" + f.test, small, stored[k])
        ws.write_string(r, cols["message"], f.message, small)
        raised, first = p.raised_ref(k), p.raised_ref(0)
        ws.write_formula(r, cols["counter"], f'=IF({raised}=1,SUM({first}:{raised.replace("$", "")}),"")', small,
                         sum(stored[:k + 1]) if stored[k] else "")
    for t in p.tables:
        for (i, name), formula in t.formulas.items():
            ws.write_formula(t.row + i, t.col + t.columns.index(name), "=" + formula, small, "")
    _marks(book, ws, p, stored)
    _summary(book, ws, p, stored)
    for c, w in ((cols["code"], 8), (cols["severity"], 5), (cols["cell"], 8), (cols["raised"], 5),
                 (cols["message"], 40), (cols["counter"], 5)):
        ws.set_column(c, c, w)
    widest = max(len(t.columns) for t in p.tables)
    ws.set_column(p.mark_col, p.mark_col, 5, None, {"hidden": True})
    ws.set_column(p.helper_col, p.helper_col + widest, 6, None, {"hidden": True})


def engine_raised(form, layout: NationalLayout, rules) -> set[tuple[str, str]]:
    """(code, cell) the engine reports, of the codes the sheet decides, for `form` as the
    formula edition states it: the flags' stored results."""
    from xlperf.forms.national_2020 import checks, scoring
    from xlperf.forms.national_2020.native import as_built

    shown = as_built(form, rules, layout)
    card = scoring.score(shown, rules)
    return {(f.code, f.cell) for f in checks.run_checks(shown, card, rules, layout.cell_of) if f.code in DECIDED}


def _marks(book: Any, ws: Any, p: Plan, stored: list[int]) -> None:
    """The mark level of every flagged cell (2 error, 1 warning), and the conditional formats
    that fill the cell with the marks' colours."""
    from xlperf.forms.national_2020.workbook import MARK_FILLS

    fills = {sev: book.add_format({"bg_color": color}) for sev, color in MARK_FILLS.items()}
    groups: dict[str, list[int]] = {}
    for k, f in enumerate(p.flags):
        groups.setdefault(_spot_ref(p.layout, f.field), []).append(k)
    for n, (area, ks) in enumerate(groups.items()):
        weight = {k: 2 if p.flags[k].severity == "error" else 1 for k in ks}
        terms = [f"{p.raised_ref(k)}*{weight[k]}" for k in ks]
        ws.write_formula(n, p.mark_col, f"=MAX(0,{','.join(terms)})", None, max(stored[k] * weight[k] for k in ks))
        level = f"${col_letter(p.mark_col)}${n + 1}"
        first, last = area
        for sev, value in (("error", 2), ("warning", 1)):
            ws.conditional_format(first[0], first[1], last[0], last[1], {
                "type": "formula", "criteria": f"={level}={value}", "format": fills[sev], "stop_if_true": True})


def _spot_ref(layout: NationalLayout, path: str) -> tuple[tuple[int, int], tuple[int, int]]:
    spot = layout.spot_for(path)
    return (spot.row, spot.col), (spot.row + spot.rows - 1, spot.col + spot.cols - 1)


def _summary(book: Any, ws: Any, p: Plan, stored: list[int]) -> None:
    """Below the print area: 错误数 and 警告数, then one line per raised flag (code, cell,
    message), found through the running counter."""
    bold = book.add_format({"font_name": "宋体", "font_size": 10, "bold": True})
    plain = book.add_format({"font_name": "宋体", "font_size": 10})
    count = book.add_format({"font_name": "宋体", "font_size": 10, "bold": True, "font_color": "#C00000"})
    r = p.layout.summary_row
    ws.write_string(r, 0, SUMMARY_TITLE, bold)
    sev, raised = p.flag_span("severity"), p.flag_span("raised")
    errors = sum(on for f, on in zip(p.flags, stored) if f.severity == "error")
    ws.write_string(r + 1, 0, "错误数", bold)
    ws.write_formula(r + 1, 1, f'=SUMPRODUCT(--({sev}="错误"),{raised})', count, errors)
    ws.write_string(r + 1, 2, "警告数", bold)
    ws.write_formula(r + 1, 3, f'=SUMPRODUCT(--({sev}="警告"),{raised})', count, sum(stored) - errors)
    ws.write_string(r + 2, 0, "代码", bold)
    ws.write_string(r + 2, 1, "单元格", bold)
    ws.write_string(r + 2, 2, "说明", bold)
    counters = p.flag_span("counter")
    listed = [f for f, on in zip(p.flags, stored) if on]
    for k in range(len(p.flags)):
        row = r + 3 + k
        at = f"MATCH({k + 1},{counters},0)"
        for col, what in ((0, "code"), (1, "cell"), (2, "message")):
            shown = f'IF(ISNUMBER({at}),INDEX({p.flag_span(what)},{at}),"")'
            value = ""
            if k < len(listed):
                value = listed[k].cell.split("!")[-1] if what == "cell" else getattr(listed[k], what)
            if k == 0 and what == "message":
                shown = f"IF(SUM({raised})=0,{_q(NOTHING_FOUND)},{shown})"
                value = value or NOTHING_FOUND
            ws.write_formula(row, col, "=" + shown, plain, value)


# ---------------------------------------------------------------------------- reading back


def raised(values: dict, layout: NationalLayout, rules) -> list[tuple[str, str]]:
    """(code, cell) of every raised flag in a recalculated workbook's values
    ({sheet: {"A1": value}}), cells as findings name them (项目支出绩效自评表!H14)."""
    p = plan(layout, rules)
    form = values.get(SHEET, {})
    col = col_letter(p.flag_cols["raised"])
    return [(f.code, f.cell) for k, f in enumerate(p.flags) if form.get(f"{col}{k + 2}") in (1, 1.0)]


def summary(values: dict, layout: NationalLayout) -> dict[str, Any]:
    """What the 校验汇总 shows: {"错误数", "警告数", "lines": [(code, cell, message)]}."""
    form = values.get(SHEET, {})
    r = layout.summary_row + 1
    lines = []
    row = r + 3
    while form.get(a1(row - 1, 0)) not in (None, ""):
        lines.append(tuple(form.get(a1(row - 1, c)) for c in range(3)))
        row += 1
    return {"错误数": form.get(a1(r, 1)), "警告数": form.get(a1(r, 3)), "lines": lines}
