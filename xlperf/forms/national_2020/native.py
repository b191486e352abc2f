"""The national form's native formulas (原生公式): the formula edition's computations.

Two layers for each indicator row, as on the Guangdong form (`xlperf.workbook.native`, whose
building blocks are reused here):

1. **The engine's understanding** (`understanding_rows`): direction, target and actual in one
   unit, 较上年, 按比例, with copies of the texts it was derived from (二级指标, 三级指标, 年度
   指标值, 实际完成值). The builder writes them into the helper cells `layout.ENGINE_HELPERS`;
   the macro edition's 计算得分 button writes them again after edits.
2. **The formulas' own reading**: as soon as one of those texts differs from its copy, the
   formulas read the target and the actual themselves (≥X, X以上, 不低于X, a bare number by
   the 二级指标 ...); anything else is 需人工判断, never a verdict against the engine's.

From the judgement the row's 得分 follows as `national_2020.scoring` computes it for a
quantitative row (分值 × completion, to the cent, at most the 分值; less the deviation penalty
when the rule set has one); a row a person scores shows "" and the person types the points.
The 项目资金 scalars give each fund row's 执行率 and the 年度资金总额 row's 得分 (its 其中 rows
standing in for an empty or zero 全年预算数, as `scoring.execution`), then 总分 (the sum of the
得分 cells, under the rule set's execution caps) and 自评等级 (the rule table's grade bands).

`formula_cells` gives every formula of the edition, `computed_values` what the official
computed cells show for a form (the engine's values: the formulas' cached results, and the
test of whether a stated value is kept as typed). Only `native.ALLOWED_FUNCTIONS` are used.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from xlperf.forms.national_2020 import layout as NL
from xlperf.forms.national_2020.layout import (
    CAP_COL,
    ENGINE_HELPERS,
    FUND_HELPERS,
    FUND_LABEL_COL,
    GRADE_COL,
    HELPER_FIRST_COL,
    RULE_LABEL_COL,
    RULE_ROWS,
    RULE_TABLE_ROWS,
    NationalLayout,
    a1,
    fund_ref,
    rule_ref,
)
from xlperf.workbook import native as N

CENT = Decimal("0.01")

# ---------------------------------------------------------------------------- the engine's layer


def understood_row(row) -> dict[str, Any]:
    """The helper values of one indicator row (keys of `ENGINE_HELPERS`): the copies of its
    texts and `native.understood` with the row's 二级指标 as the basis, as `scoring` judges it.
    `row` as `scoring.labelled` gives it (a blank 一级/二级 carried down from its group).

    For a met row the actual kept is the one with the smallest completion, so that the
    formulas reach the engine's ratio too (the deviation rule reads it)."""
    from xlperf.engine import targets
    from xlperf.forms.national_2020 import scoring

    sub = scoring.sub_category(row)
    u = N.understood(row.actual, row.target, sub, row.name)
    if u["dir"] in ("≥", ">", "=") and u["a_num"] is not None:
        reading = targets.understand(row.target, row.actual, sub, row.name)
        if reading.status is targets.Status.MET and reading.values:
            u["a_num"] = min(reading.values)
    out = {"l2_src": row.level2, "n_src": row.name, "t_src": row.target, "a_src": row.actual, **u}
    return {key: out[key] for key in ENGINE_HELPERS}


_BLANK_ROW = {"l2_src": "", "n_src": "", "t_src": "", "a_src": "", **N.UNDERSTOOD_NOTHING}


def understanding_rows(form, layout: NationalLayout) -> tuple[str, list[list[Any]]]:
    """The engine's understanding of every indicator row of `layout`, as the helper cells hold
    it: (the block's first cell, e.g. "L14"; one list per indicator row of the layout, in
    `ENGINE_HELPERS` order). Numbers are floats, text is text, "" is an empty cell; a row
    past the form's rows holds empty copies and 方向 定性.

    The macro edition's 计算得分 writes this block after edits; the builder writes it too."""
    from xlperf.forms.national_2020 import scoring

    rows: list[list[Any]] = []
    indicators = scoring.labelled(form) if form is not None else []
    for i in range(layout.indicator_rows):
        values = understood_row(indicators[i]) if i < len(indicators) else _BLANK_ROW
        rows.append([_cell(values[key]) for key in ENGINE_HELPERS])
    return a1(layout.first_indicator_row, HELPER_FIRST_COL), rows


def _cell(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    return "" if value is None else value


# ---------------------------------------------------------------------------- formula text

def _level2_names() -> dict:
    """The 二级指标 spellings `scoring.sub_category` recognises (after `scoring._clean`), and
    the sub-category of each."""
    from xlperf.forms.guangdong_1_1.model import SubCategory
    from xlperf.forms.national_2020.scoring import _LEVEL2_SYNONYMS

    names: dict[str, SubCategory] = {}
    for sub in SubCategory:
        names[sub.value] = sub
        names[sub.value.removesuffix("指标")] = sub
    names.update(_LEVEL2_SYNONYMS)
    return names


def _names_by_rule() -> dict[str, list[str]]:
    """The recognised 二级指标 spellings by the direction a bare number takes in that
    sub-category (`guangdong_1_1.layout.BARE_DIRECTION`, as the engine reads it)."""
    from xlperf.forms.guangdong_1_1.layout import BARE_DIRECTION

    out: dict[str, list[str]] = {}
    for name, sub in _level2_names().items():
        out.setdefault(BARE_DIRECTION.get(sub.name, "定性"), []).append(name)
    return out


def bare_rule(level2: str) -> str:
    """The bare-number rule of a row from its 二级指标 cell: the name with blanks removed must be
    one the engine recognises, else 定性 (a person judges a bare number)."""
    text = f'SUBSTITUTE(SUBSTITUTE(TRIM({level2})," ",""),"\u3000","")'
    formula = '"定性"'
    for rule, names in sorted(_names_by_rule().items()):
        if rule == "定性":
            continue
        cond = ",".join(f"EXACT({text},{N._quote(n)})" for n in sorted(names))
        formula = f"IF(OR({cond}),{N._quote(rule)},{formula})"
    return "=" + formula


def _stripped(ref: str) -> str:
    from xlperf.workbook.flags import stripped

    return stripped(ref)


_DOTS = ("…", ".", "。", "·", "、")


def _unused(name: str, target: str, actual: str, points: str, deviation: str) -> str:
    """1 for a template row left as it came (`scoring.unused`): its 三级指标 empty, dots only or
    “指标2”, nothing in 年度指标值, 实际完成值, 偏差原因, no number in 分值 (and, the flags add,
    none in 得分: the 得分 formula reads this cell, so this cell cannot read the 得分)."""
    from xlperf.forms.national_2020.flags import _squeezed
    from xlperf.workbook.native import _without_digits

    sq = _squeezed(name)
    dots = sq
    for ch in _DOTS:
        dots = f"SUBSTITUTE({dots},{N._quote(ch)},\"\")"
    rest = f"MID({sq},3,99)"
    rest = f'IF(OR(RIGHT({rest},1)=":",RIGHT({rest},1)="："),LEFT({rest},MAX(0,LEN({rest})-1)),{rest})'
    numbered = f'AND(LEFT({sq},2)="指标",LEN({_without_digits(rest)})=0)'
    blank = ",".join(f"LEN({_stripped(x)})=0" for x in (target, actual, deviation))
    return f"=IF(AND(OR(LEN({dots})=0,{numbered}),{blank},NOT(ISNUMBER({points}))),1,0)"


def _rule_as_expr(rule_ref_: str, pct: str) -> str:
    """A bare number's direction from the row's rule cell (≥, ≤, %≥, 定性)."""
    return (f'IF({rule_ref_}="≥","≥",IF({rule_ref_}="≤",IF({pct}=1,"定性","≤"),'
            f'IF({rule_ref_}="%≥",IF({pct}=1,"≥","定性"),"定性")))')


def row_formulas(layout: NationalLayout, i: int) -> dict[str, str]:
    """The formulas of indicator row `i`'s helper cells (every key of `INDICATOR_HELPERS` but
    the engine's), and of its 得分 cell (key "official")."""
    r = layout.indicator_row(i)
    ref = {key: layout.helper_ref(i, key) for key in NL.INDICATOR_HELPERS}
    level2, name, target, actual, points = (a1(r, c) for c in (1, 2, 4, 5, 6))
    f: dict[str, str] = {}
    level1 = a1(r, 0)
    if i == 0:
        f["g1"] = f"={level1}&\"\""
        f["g2"] = f"={level2}&\"\""
    else:
        up1, up2 = layout.helper_ref(i - 1, "g1"), layout.helper_ref(i - 1, "g2")
        f["g1"] = f'=IF(LEN({_stripped(level1)})>0,{level1}&"",{up1})'
        f["g2"] = f'=IF(OR(LEN({_stripped(level1)})>0,LEN({_stripped(level2)})>0),{level2}&"",{up2})'
    f["unused"] = _unused(name, target, actual, points, a1(r, 8))
    seven = "+".join(f"(LEN({_stripped(a1(r, c))})>0)" for c in (0, 1, 2, 4, 5, 6, 8))
    f["f7"] = f"=IF({seven}>0,1,0)"
    below = f',{layout.helper_ref(i + 1, "ex")}=1' if i + 1 < layout.indicator_rows else ""
    f["ex"] = f'=IF(OR({ref["f7"]}=1,LEN({_stripped(a1(r, 7))})>0{below}),1,0)'
    f["exw"] = f'=IF(OR({ref["f7"]}=1{below}),1,0)'

    level2 = ref["g2"]
    f["rule"] = bare_rule(level2)
    f["t_norm"] = N.normalized(target)
    f["t_pre"] = N.prefix_length(ref["t_norm"])
    f["t_suf"] = N.suffix_length(ref["t_norm"])
    f["t_body"] = N.body(ref["t_norm"], ref["t_pre"], ref["t_suf"])
    f["t_pct"] = N.percent(ref["t_body"])
    f["t_txt"] = N.number_text(ref["t_body"], ref["t_pct"])
    f["t_ok"] = N.plain_number(ref["t_txt"], f'OR({ref["t_pre"]}=0,{ref["t_suf"]}=0)')
    f["a_norm"] = N.normalized(actual)
    f["a_pct"] = N.percent(ref["a_norm"])
    f["a_txt"] = N.number_text(ref["a_norm"], ref["a_pct"])
    f["a_ok"] = N.plain_number(ref["a_txt"])
    bare = _rule_as_expr(ref["rule"], ref["t_pct"])
    f["n_dir"] = N.native_direction(ref["t_norm"], ref["t_pre"], ref["t_suf"], ref["t_ok"], ref["t_txt"], bare)
    f["n_t"] = N.native_value(ref["t_ok"], ref["t_txt"])
    f["n_a"] = N.native_actual(ref["t_ok"], ref["a_ok"], ref["t_pct"], ref["a_pct"], ref["a_txt"])
    f["same"] = N.same_text([(ref["l2_src"], ref["g2"]), (ref["n_src"], name), (ref["t_src"], target),
                             (ref["a_src"], actual)])
    f["e_dir"] = N.chosen(ref["same"], ref["dir"], ref["n_dir"], False)
    f["e_t"] = N.chosen(ref["same"], ref["t_num"], ref["n_t"], True)
    f["e_a"] = N.chosen(ref["same"], ref["a_num"], ref["n_a"], True)
    f["e_rel"] = f'=IF(AND({ref["same"]}=1,{ref["rel"]}="是"),1,0)'
    f["e_prop"] = f'=IF(AND({ref["same"]}=1,{ref["prop"]}="否"),1,0)'
    f["has"] = f"=IF(LEN(TRIM({target}))+LEN(TRIM({actual}))>0,1,0)"
    f["judged"] = N.judgement(ref["has"], ref["e_dir"], ref["e_t"], ref["e_a"])
    judged, d, t, a = ref["judged"], ref["e_dir"], ref["e_t"], ref["e_a"]
    f["ratio"] = N.miss_ratio(judged, d, t, a, ref["e_rel"], ref["e_prop"])
    f["frac"] = N.achievement(judged, ref["ratio"])
    f["over"] = (f'=IF({judged}<>"{N.MET}","",IF(OR({d}="≤",{d}="<"),"",'
                 f'IF(OR(AND({ref["e_rel"]}=1,{t}=0),{t}<=0),"",MAX({a}/{t},0))))')
    f["dev"] = (f'=IF(AND({rule_ref("dev_on")}=1,ISNUMBER({ref["over"]})),'
                f'IF(ROUND({ref["over"]}-(1+{rule_ref("dev_over")}/100),12)>=0,1,0),0)')
    f["pts"] = f"=IF(ISNUMBER({points}),{points},0)"
    pts, frac = ref["pts"], ref["frac"]
    earned = f"MIN({pts},ROUND({pts}*{frac},2))"
    computed = (f'IF(ISNUMBER({frac}),IF({ref["dev"]}=1,ROUND({earned}-MIN({earned},'
                f'{rule_ref("dev_penalty")}),2),{earned}),"")')
    f["score"] = (f'=IF(OR({ref["exw"]}=0,{ref["unused"]}=1),"",'
                  f'IF(NOT(ISNUMBER({points})),0,{computed}))')
    f["official"] = f'=IF(ISNUMBER({ref["score"]}),{ref["score"]},"")'
    return f


# columns of the 项目资金 table and rows of its lines (0-based)
FUND_ROW = {"total": 6, "appropriation": 7, "carryover": 8, "other": 9}
INITIAL, BUDGET, EXECUTED, POINTS, RATE, SCORE = 4, 5, 6, 7, 8, 9


def fund_formulas(layout: NationalLayout) -> dict[str, str]:
    """The formulas of the 项目资金/总分 scalars (keys of `FUND_HELPERS`)."""
    t = FUND_ROW["total"]
    parts = [FUND_ROW[n] for n in ("appropriation", "carryover", "other")]
    budgets = f"{a1(parts[0], BUDGET)}:{a1(parts[-1], BUDGET)}"
    executed = f"{a1(parts[0], EXECUTED)}:{a1(parts[-1], EXECUTED)}"
    tb, te, tp = a1(t, BUDGET), a1(t, EXECUTED), a1(t, POINTS)
    s = {k: fund_ref(k) for k, _ in FUND_HELPERS}
    first, last = layout.indicator_row(0), layout.indicator_row(layout.indicator_rows - 1)
    row_scores = f"{a1(first, 7)}:{a1(last, 7)}"
    row_points = f"{a1(first, 6)}:{a1(last, 6)}"
    f = {
        "part_budget": f'=IF(COUNT({budgets})=0,"",SUM({budgets}))',
        "part_exec": f'=IF(COUNT({executed})=0,"",SUM({executed}))',
        "from_parts": (f'=IF(AND(OR(NOT(ISNUMBER({tb})),{tb}=0),ISNUMBER({s["part_budget"]})),'
                       f'IF({s["part_budget"]}<>0,1,0),0)'),
        "budget": f'=IF({s["from_parts"]}=1,{s["part_budget"]},IF(ISNUMBER({tb}),{tb},""))',
        "executed": f'=IF({s["from_parts"]}=1,{s["part_exec"]},IF(ISNUMBER({te}),{te},""))',
        "rate": (f'=IF(AND(ISNUMBER({s["budget"]}),ISNUMBER({s["executed"]})),'
                 f'IF(OR({s["budget"]}<=0,{s["executed"]}<0),"",{s["executed"]}/{s["budget"]}),"")'),
        "avail": f'=IF(ISNUMBER({tp}),{tp},{rule_ref("exec_points")})',
        "score": (f'=IF(ISNUMBER({s["rate"]}),MIN({s["avail"]},ROUND({s["avail"]}*MIN(1,MAX(0,{s["rate"]})),2)),"")'),
        "score_sum": f'=IF(COUNT({a1(t, SCORE)},{row_scores})=0,"",SUM({a1(t, SCORE)},{row_scores}))',
        "cap": _cap_formula(s["rate"]),
        "points_sum": f'=IF(COUNT({tp},{row_points})=0,"",{s["avail"]}+SUM({row_points}))',
        "total": (f'=IF(ISNUMBER({s["score_sum"]}),ROUND(IF(ISNUMBER({s["cap"]}),'
                  f'MIN({s["cap"]},{s["score_sum"]}),{s["score_sum"]}),2),"")'),
    }
    return f


def _cap_formula(rate: str) -> str:
    """The lowest cap on the total whose band [自, 至) holds the execution rate, "" for none
    (`RuleSet.execution_cap`); every row of the cap table is read (an empty row caps nothing)."""
    pct = f"ROUND({rate}*100,9)"
    terms = []
    for k in range(RULE_TABLE_ROWS):
        lo, hi, top = (a1(1 + k, CAP_COL + c) for c in range(3))
        terms.append(f"IF(AND(ISNUMBER({lo}),ISNUMBER({hi}),ISNUMBER({top}),{lo}<={pct},{pct}<{hi}),{top},1E+300)")
    found = f"MIN({','.join(terms)})"
    return f'=IF(ISNUMBER({rate}),IF({found}<1E+300,{found},""),"")'


def official_formulas(layout: NationalLayout) -> dict[str, str]:
    """The formula of every official computed cell, by field path (`layout.computed_paths()`)."""
    out: dict[str, str] = {}
    for name, r in FUND_ROW.items():
        if name == "total":
            rate = fund_ref("rate")
            out["funds.total.rate"] = f'=IF(ISNUMBER({rate}),ROUND({rate}*100,2),"")'
        else:
            b, e = a1(r, BUDGET), a1(r, EXECUTED)
            out[f"funds.{name}.rate"] = (f'=IF(AND(ISNUMBER({b}),ISNUMBER({e})),'
                                         f'IF(OR({b}<=0,{e}<0),"",ROUND({e}/{b}*100,2)),"")')
    score = fund_ref("score")
    out["funds.total.score"] = f'=IF(ISNUMBER({score}),{score},"")'
    for i in range(layout.indicator_rows):
        s = layout.helper_ref(i, "score", absolute=True)
        out[f"indicators[{i}].score"] = f'=IF(ISNUMBER({s}),{s},"")'
    pts, total = fund_ref("points_sum"), fund_ref("total")
    out["total.points"] = f'=IF(ISNUMBER({pts}),{pts},"")'
    out["total.score"] = f'=IF(ISNUMBER({total}),{total},"")'
    t = layout.total_row
    out["grade"] = grade_formula(a1(t, 7))
    return out


def grade_formula(total: str) -> str:
    """自评等级 from the 总分 cell: the band of the rule table (lowest first) whose 最低分 is the
    highest not above the total (`RuleSet.grade`); below every 最低分, the band the rule-table
    row 等级档数 names (the rule file's last band)."""
    col, ncol = NL.col_letter(GRADE_COL), NL.col_letter(GRADE_COL + 1)
    mins = f"${col}$2:${col}${1 + RULE_TABLE_ROWS}"
    names = f"${ncol}$2:${ncol}${1 + RULE_TABLE_ROWS}"
    at = f'COUNTIF({mins},"<="&{total})'
    return (f'=IF(NOT(ISNUMBER({total})),"",IF(COUNT({mins})=0,"",'
            f'IF({at}=0,INDEX({names},{rule_ref("grades")}),INDEX({names},{at}))))')


# ---------------------------------------------------------------------------- the rule table


def rule_values(rules) -> dict[str, Any]:
    """The rule-table numbers (`RULE_ROWS`) of a rule set."""
    from xlperf.forms.national_2020 import scoring

    cat = scoring.execution_category(rules)
    default = next((i.points for i in cat.items if i.method == "execution_rate"), Decimal(10)) if cat else Decimal(10)
    dev = rules.deviation
    return {
        "exec_points": default,
        "total": rules.total,
        "dev_on": 1 if dev is not None else 0,
        "dev_over": dev.over_percent if dev is not None else 0,
        "dev_penalty": dev.penalty.quantize(CENT) if dev is not None else 0,
        "dev_reason": 1 if dev is not None and dev.reason_required else 0,
        "below_full": 1 if rules.reason_required == "below_full" else 0,
        "caps": len(rules.execution_caps),
        "grades": _lowest_position(rules),
    }


def grade_table(rules) -> list[tuple[Decimal, str]]:
    """(最低分, 等级) lowest first, as the grade formula reads them."""
    return [(g.min, g.name) for g in sorted(rules.grades, key=lambda g: g.min)]


def _lowest_position(rules) -> int:
    """1-based row, in `grade_table`, of the band `RuleSet.grade` gives below every 最低分
    (the rule file's last band)."""
    table = grade_table(rules)
    last = rules.grades[-1]
    return next(k for k, (m, n) in enumerate(table, start=1) if (m, n) == (last.min, last.name))


def cap_table(rules) -> list[tuple[Decimal, Decimal, Decimal]]:
    return [(c.from_percent, c.to_percent, c.max_total) for c in rules.execution_caps]


def rule_cells(rules) -> list[tuple[int, int, Any]]:
    """(row, col, value) of the rule table: labels and numbers, grade bands, caps."""
    if len(rules.grades) > RULE_TABLE_ROWS or len(rules.execution_caps) > RULE_TABLE_ROWS:
        from xlperf.errors import InputError

        raise InputError(f"评分规则“{rules.name}”的等级或执行率封顶超过{RULE_TABLE_ROWS}档，公式版工作簿放不下")
    values = rule_values(rules)
    cells: list[tuple[int, int, Any]] = []
    for r, (key, label) in enumerate(RULE_ROWS):
        cells += [(r, RULE_LABEL_COL, label), (r, RULE_LABEL_COL + 1, values[key])]
    cells += [(0, GRADE_COL, "最低分"), (0, GRADE_COL + 1, "等级")]
    for r, (low, name) in enumerate(grade_table(rules), start=1):
        cells += [(r, GRADE_COL, low), (r, GRADE_COL + 1, name)]
    cells += [(0, CAP_COL, "执行率自%"), (0, CAP_COL + 1, "至%"), (0, CAP_COL + 2, "最高总分")]
    for r, (lo, hi, top) in enumerate(cap_table(rules), start=1):
        cells += [(r, CAP_COL, lo), (r, CAP_COL + 1, hi), (r, CAP_COL + 2, top)]
    for r, (_, label) in enumerate(FUND_HELPERS):
        cells.append((r, FUND_LABEL_COL, label))
    return cells


# ---------------------------------------------------------------------------- what the cells show


def _half_up(value: Decimal, places: Decimal = CENT) -> Decimal:
    return value.quantize(places, ROUND_HALF_UP)


def computed_values(form, rules, layout: NationalLayout) -> dict[str, Any]:
    """What each official computed cell shows when its formula is kept, for `form` as the
    builder writes it: a stated value equal to this is written as the formula (the value its
    cached result), any other stated value is kept as typed — and the cells that add up (总分)
    and grade (自评等级) read what is shown. "" for a cell the formula leaves blank."""
    from xlperf.forms.national_2020 import scoring

    card = scoring.score(form, rules)
    ex = scoring.execution(form)
    out: dict[str, Any] = {}
    shown: dict[str, Any] = {}

    def settle(path: str, value: Any) -> Any:
        out[path] = value
        stated = _stated(form, path)
        shown[path] = value if stated is None or _same(stated, value) else stated
        return shown[path]

    settle("funds.total.rate", "" if ex.rate is None else _half_up(ex.rate * 100))
    for name in ("appropriation", "carryover", "other"):
        row = getattr(form.funds, name)
        ok = row.budget is not None and row.executed is not None and row.budget > 0 and row.executed >= 0
        settle(f"funds.{name}.rate", _half_up(row.executed / row.budget * 100) if ok else "")
    item = card.item(scoring.EXEC_ID)
    settle("funds.total.score", item.points if item.method == "computed" else "")
    for i in range(layout.indicator_rows):
        item = card.item(scoring.row_id(i)) if i < len(form.indicators) else None
        settle(f"indicators[{i}].score", item.points if item is not None and item.method == "computed" else "")
    avail = card.item(scoring.EXEC_ID).available
    row_points = [r.points for r in form.indicators if r.points is not None]
    if form.funds.total.points is None and not row_points:
        settle("total.points", "")
    else:
        settle("total.points", avail + sum(row_points, Decimal(0)))
    scores = [shown["funds.total.score"], *(shown[f"indicators[{i}].score"] for i in range(layout.indicator_rows))]
    numbers = [Decimal(str(s)) for s in scores if s != "" and s is not None]
    if numbers:
        total, _ = scoring.cap_total(sum(numbers, Decimal(0)), ex.rate, rules)
        total = _half_up(total)
    else:
        total = ""
    shown_total = settle("total.score", total)
    settle("grade", rules.grade(_half_up(Decimal(str(shown_total)))) if shown_total != "" else "")
    return out


def _stated(form, path: str) -> Any:
    from xlperf.forms.national_2020.workbook import field_value

    value = field_value(form, path)
    if isinstance(value, str) and not value.strip():
        return None
    return value


def _same(stated: Any, value: Any) -> bool:
    if isinstance(stated, str) or isinstance(value, str):
        return str(stated).strip() == str(value).strip()
    return Decimal(str(stated)) == Decimal(str(value))


def as_built(form, rules, layout: NationalLayout):
    """The form as its formula edition states it: each computed cell left blank on `form`
    filled with what its formula shows (what reading the built workbook gives back)."""
    from xlperf.forms.national_2020.model import NationalForm
    from xlperf.forms.national_2020.workbook import _put

    data = form.model_dump()
    for path, value in computed_values(form, rules, layout).items():
        if value != "" and _stated(form, path) is None:
            _put(data, path, value)
    return NationalForm.model_validate(data)
