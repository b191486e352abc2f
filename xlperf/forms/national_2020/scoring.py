"""Scoring the national 项目支出绩效自评表 from each row's own 分值.

The published rules (the form's own notes, 财预〔2020〕10号):

- 预算执行率: 分值 × 全年执行数 / 全年预算数, at most the 分值 (the 年度资金总额 row; when
  that row's 全年预算数 is empty or 0 while its 其中 rows hold amounts, their sum);
- a quantitative row: met → its 分值; missed → 实际/指标 × 分值 on a "≥" target, 指标/实际 ×
  分值 on a "≤" target (`xlperf.engine.targets`), at most the 分值;
- a qualitative row (or one the engine cannot judge): the person's 得分 as written on the
  form, within 0–分值; none written → waiting for a person.

The rule set supplies what varies: the grade bands, the category of each row (its items'
sub-categories and names), the deviation rule and the execution-rate caps on the total
(`xlperf/rules/README.md`). The total is the sum of the rows as scored, never rescaled: a
form whose 分值 do not add up to 100 is flagged by the checks (NAT006), not corrected.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from xlperf.engine import formulas, targets
from xlperf.engine.formulas import format_number, format_percent, sum_filled
from xlperf.engine.scoring import (
    CENT,
    PENDING_GRADE,
    RuleCategory,
    RuleSet,
    Scorecard,
    ScoreItem,
    achievement,
    cap_total,
    earned_points,
)
from xlperf.forms.guangdong_1_1.model import SubCategory
from xlperf.forms.national_2020.model import NationalForm, IndicatorRow

EXEC_ID = "funds.total"
"""The score item of 预算执行率: the 年度资金总额 row."""

_LEVEL2_SYNONYMS = {
    "生态效益指标": SubCategory.environmental,
    "生态效益": SubCategory.environmental,
    "可持续影响指标": SubCategory.sustainability,
    "可持续影响": SubCategory.sustainability,
    "服务对象满意度指标": SubCategory.satisfaction,
    "服务对象满意度": SubCategory.satisfaction,
    "满意度指标": SubCategory.satisfaction,
    "满意度": SubCategory.satisfaction,
}
_KEYWORDS = ("产出", "效益", "满意")


def row_id(index: int) -> str:
    return f"indicators[{index}]"


def _clean(text: str) -> str:
    """Text without spaces and a trailing “（50分）”."""
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))
    return re.sub(r"\(\d+(?:\.\d+)?分\)$", "", text)


def labelled(form: NationalForm) -> list[IndicatorRow]:
    """The indicator rows with the 一级/二级指标 each belongs to, as a person reads them
    (`carried`)."""
    levels = carried((row.level1, row.level2) for row in form.indicators)
    return [row if (row.level1, row.level2) == lv else row.model_copy(update={"level1": lv[0], "level2": lv[1]})
            for row, lv in zip(form.indicators, levels)]


def carried(levels) -> list[tuple[str, str]]:
    """(一级指标, 二级指标) of each row as a person reads them.

    On the printed table the 一级 and 二级 cells are merged down their group, so a row
    copied out of it (or typed below a first row) often leaves them blank. A row with both
    blank belongs to the group above; a row with only its 一级 blank, to the 一级 above.
    A blank 二级 under a newly written 一级 is not filled: it starts another group. The
    import of a typed table reads merged and blank cells by the same rule."""
    out: list[tuple[str, str]] = []
    level1 = level2 = ""
    for own1, own2 in levels:
        if own1.strip():
            level1, level2 = own1, own2
        elif own2.strip():
            level2 = own2
        if own1.strip() and own2.strip() or not (level1 or level2):
            out.append((own1, own2))
        else:
            out.append((level1, level2))
    return out


_PLACEHOLDER_NAME = re.compile(r"^(?:指标\s*\d*\s*[:：]?|[…\.。·、\s]*)$")


def unused(row: IndicatorRow) -> bool:
    """A row of the printed template left as it came: no name or only “指标2”/“……”, and
    nothing in its other cells. Many published forms keep these; they are not indicators,
    so they are neither scored nor checked."""
    filled = (row.target, row.actual, row.deviation)
    return (bool(_PLACEHOLDER_NAME.match(row.name.strip())) and not any(t.strip() for t in filled)
            and row.points is None and row.score is None)


def sub_category(row: IndicatorRow) -> SubCategory | None:
    """The official 二级指标 a row's 二级指标 names (数量指标, 生态效益指标 = 环境效益 ...)."""
    text = _clean(row.level2)
    for sub in SubCategory:
        if text in (sub.value, sub.value.removesuffix("指标")):
            return sub
    return _LEVEL2_SYNONYMS.get(text)


def category_of(row: IndicatorRow, rules: RuleSet) -> RuleCategory | None:
    """The rule set's 一级 category of a row: by its 二级指标, else by its 一级指标's key word."""
    sub = sub_category(row)
    if sub is not None:
        for cat in rules.categories:
            if any(sub.name in item.sub_categories for item in cat.items):
                return cat
    level1 = _clean(row.level1)
    for word in _KEYWORDS:
        if word in level1:
            return next((c for c in rules.categories if word in c.name), None)
    return None


def execution_category(rules: RuleSet) -> RuleCategory | None:
    return next((c for c in rules.categories if any(i.method == "execution_rate" for i in c.items)), None)


@dataclass(frozen=True)
class Execution:
    """预算执行率 as the form's numbers give it."""

    budget: Decimal | None
    executed: Decimal | None
    rate: Decimal | None
    """全年执行数 / 全年预算数 as a fraction; None when it cannot be computed."""
    from_parts: bool
    """True when the 其中 rows stood in for an empty or zero 年度资金总额 row."""
    why: str = ""


def execution(form: NationalForm) -> Execution:
    total = form.funds.total
    budget, executed, from_parts = total.budget, total.executed, False
    parts = form.funds.parts()
    part_budget = sum_filled(p.budget for p in parts)
    if (budget is None or budget == 0) and part_budget:
        budget, executed, from_parts = part_budget, sum_filled(p.executed for p in parts), True
    result = formulas.execution_rate(executed, budget)
    if isinstance(result, formulas.Undefined):
        return Execution(budget, executed, None, from_parts, result.reason)
    return Execution(budget, executed, result, from_parts)


def deviates(judgement: targets.Judgement, rules: RuleSet) -> bool:
    """偏离: a met "≥"/"=" row whose actual exceeds its target by the rule's percentage or more."""
    if rules.deviation is None or judgement.status != targets.Status.MET or judgement.ratio is None:
        return False
    comparator = judgement.target.comparator
    if comparator is None or comparator.downward:
        return False
    return judgement.ratio >= 1 + rules.deviation.over_percent / 100


def score(form: NationalForm, rules: RuleSet) -> Scorecard:
    """Score one national form. Pure: reads `form`, never changes it."""
    items: list[ScoreItem] = []
    notes: list[str] = []
    ex = execution(form)
    items.append(_execution_item(form, rules, ex))
    for i, row in enumerate(labelled(form)):
        if not unused(row):
            items.append(_row_item(i, row, rules))
    total = sum((it.points for it in items if it.points is not None), Decimal(0)).quantize(CENT)
    total, capped = cap_total(total, ex.rate, rules)
    notes += capped
    points = sum((it.available for it in items), Decimal(0))
    if points != rules.total:
        notes.append(f"各项分值合计{format_number(points)}分，不等于总分{format_number(rules.total)}分；总分按各项得分相加，未折算。")
    pending = [it.id for it in items if it.status == "pending"]
    if pending:
        notes.append(f"有{len(pending)}项待填写得分（定性指标由评分人按档次给分），总分暂按0分计入这些项目。")
    return Scorecard(
        rules=rules.name,
        title=rules.title,
        total=total,
        grade=rules.grade(total) if not pending else PENDING_GRADE,
        complete=not pending,
        items=items,
        notes=notes,
    )


def _execution_item(form: NationalForm, rules: RuleSet, ex: Execution) -> ScoreItem:
    cat = execution_category(rules)
    default = next((i.points for i in cat.items if i.method == "execution_rate"), Decimal(10)) if cat else Decimal(10)
    available = form.funds.total.points if form.funds.total.points is not None else default
    common = dict(id=EXEC_ID, name="预算执行率", category=cat.name if cat else "预算执行率", available=available)
    inputs = {"全年预算数": _amount(ex.budget), "全年执行数": _amount(ex.executed)}
    scope = "（年度资金总额一行未填预算，取其中各项之和）" if ex.from_parts else ""
    if ex.rate is None:
        stated = form.funds.total.score
        why = f"预算执行率无法计算（{ex.why}）{scope}"
        return _stated_item(common, inputs, stated, why, rules)
    inputs["执行率"] = format_percent(ex.rate)
    frac = min(Decimal(1), max(Decimal(0), ex.rate))
    pts = earned_points(available, frac)
    cap = "，超过100%按100%计" if ex.rate > 1 else ""
    text = (
        f"预算执行率 = 全年执行数{_amount(ex.executed)}万元 ÷ 全年预算数{_amount(ex.budget)}万元 = "
        f"{format_percent(ex.rate)}{cap}{scope}；得分 = {format_number(available)}分 × {format_percent(frac)} = {pts}分。"
    )
    return ScoreItem(**common, points=pts, method="computed", status="scored", inputs=inputs, explanation=text)


_FORM_WORDS = (("实现值", "实际完成值"), ("预期值", "年度指标值"))
"""The engine's words for an indicator's two values, as this form calls them."""


def in_form_words(text: str) -> str:
    """An engine sentence in the words of the national form (实际完成值, 年度指标值)."""
    for engine, form in _FORM_WORDS:
        text = text.replace(engine, form)
    return text


def row_judgement(row: IndicatorRow) -> targets.Judgement:
    """The row judged as the engine judges every indicator: its 二级指标 gives the direction
    of a bare target number (成本指标: a ceiling), its name may veto it. The reason is
    worded as the national form words its columns."""
    judgement = targets.judge(row.actual, row.target, sub_category(row), row.name)
    return dataclasses.replace(judgement, reason=in_form_words(judgement.reason))


def tier_ranges(available: Decimal, rules: RuleSet) -> str:
    """The tiers a person scores a row in, with their ranges of its 分值
    (“达成 8.00–10.00分；部分达成 6.00–8.00分；未达成 0.00–6.00分”)."""
    return "；".join(f"{t.name} {_share(available, t.min_percent)}–{_share(available, t.max_percent)}分" for t in rules.tiers)


def _row_item(index: int, row: IndicatorRow, rules: RuleSet) -> ScoreItem:
    cat = category_of(row, rules)
    available = row.points if row.points is not None else Decimal(0)
    name = row.name.strip() or f"第{index + 1}行指标"
    common = dict(
        id=row_id(index), name=name, group=row.level2.strip(),
        category=cat.name if cat else (row.level1.strip() or "未分类"), available=available,
    )
    judgement = row_judgement(row)
    inputs = {"年度指标值": row.target, "实际完成值": row.actual, "判断": judgement.status.value}
    if row.points is None:
        return ScoreItem(**common, points=Decimal(0).quantize(CENT), method="computed", status="scored", inputs=inputs,
                         explanation="分值未填写，本行无从计分，按0分计入总分。")
    if judgement.ratio is not None:
        inputs["完成比例"] = format_percent(judgement.ratio)
    frac = achievement(judgement)
    if frac is None:
        return _stated_item(common, inputs, row.score, judgement.reason, rules)
    pts = earned_points(available, frac)
    if judgement.status == targets.Status.MET:
        how = f"得满分{pts}分"
    else:
        how = f"按完成比例{format_percent(frac)}计分：{format_number(available)}分 × {format_percent(frac)} = {pts}分"
    text = f"{judgement.reason}；{how}。"
    if deviates(judgement, rules) and rules.deviation.penalty:
        cut = min(pts, rules.deviation.penalty.quantize(CENT))
        pts -= cut
        text += (
            f"实际值超出年度指标值{format_number(rules.deviation.over_percent)}%以上，属于指标偏离，"
            f"按本规则扣{format_number(cut)}分，得{pts}分。"
        )
    return ScoreItem(**common, points=pts, method="computed", status="scored", inputs=inputs, explanation=text)


def _stated_item(common: dict, inputs: dict, stated: Decimal | None, why: str, rules: RuleSet) -> ScoreItem:
    """An item a person scores: the 得分 written on the form, within 0–分值, and the tier
    (档次) whose range of the 分值 it falls in (达成 80–100 %, 部分达成 60–80 %, 未达成 0–60 %)."""
    available = common["available"]
    if stated is None:
        ranges = tier_ranges(available, rules)
        return ScoreItem(**common, method="manual", status="pending", inputs=inputs,
                         explanation=f"{why}；表上未填得分，请评分人对照佐证材料按档次给分（{ranges}）。")
    pts = min(max(stated, Decimal(0)), available).quantize(CENT)
    text = f"{why}；采用表上填写的得分{format_number(stated)}分"
    if pts != stated:
        text += f"，超出0–{format_number(available)}分的范围，按{pts}分计"
    tier = _tier_of(pts, available, rules)
    extra = {}
    if tier is not None:
        low, high = _share(available, tier.min_percent), _share(available, tier.max_percent)
        text += f"，属“{tier.label or tier.name}”档（{low}–{high}分）"
        extra = dict(tier=tier.name, tier_range=(low, high), in_range=pts == stated)
    return ScoreItem(**common, points=pts, method="manual", status="scored",
                     inputs=dict(inputs, 得分=format_number(stated)), explanation=text + "。", **extra)


def _share(available: Decimal, percent: Decimal) -> Decimal:
    return (available * percent / 100).quantize(CENT)


def _tier_of(points: Decimal, available: Decimal, rules: RuleSet):
    """The highest tier whose range holds `points` (a score on a boundary is in the higher tier)."""
    if available <= 0:
        return None
    held = [t for t in rules.tiers if _share(available, t.min_percent) <= points <= _share(available, t.max_percent)]
    return max(held, key=lambda t: t.max_percent) if held else None


def _amount(value: Decimal | None) -> str:
    return "未填写" if value is None else format_number(value)
