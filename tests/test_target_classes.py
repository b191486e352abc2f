"""The four kinds of target that used to get a confident wrong verdict, as properties: no
generated actual/target pair of a kind gets a verdict that contradicts its meaning.

1. a bare zero for a count of bad things (0起, 零事故, 无安全事故) is "at most 0";
2. a target relative to last year (较上年提高, 不低于上年) says nothing against a level (95%);
3. an actual written as a target (≥266米, 不超过5%, 95%以上) is not a measurement;
4. a bare number's direction comes from the sub-category (成本指标 100万元 is a ceiling).

Texts mix full-width and half-width characters, and scales of one unit (元/万元, 人次/万人次).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from xlperf.engine.checks import run_checks
from xlperf.engine.targets import Kind, Status, copied_target, judge, parse_target, understand
from xlperf.forms.guangdong_1_1.model import Indicator, SubCategory

from .test_checks import clean_seed

MET, NOT_MET, REVIEW = Status.MET, Status.NOT_MET, Status.REVIEW
SUBS = [s.value for s in SubCategory]


def full_width(text: str) -> str:
    """ASCII letters, digits and signs as their full-width forms (９５％, ≥ stays)."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def some_width(draw, text: str) -> str:
    return full_width(text) if draw(st.booleans()) else text


def plain(n: Decimal) -> str:
    return format(n.normalize(), "f") if n else "0"


_counts = st.integers(min_value=1, max_value=10**6)
_amounts = st.decimals(min_value=Decimal("0.01"), max_value=10**6, places=2)


@st.composite
def scaled(draw, n: int, base: str):
    """n of `base` written in the base or, when it divides, in 万 of it: 30000人次 or 3万人次."""
    if n % 10000 == 0 and draw(st.booleans()):
        return some_width(draw, f"{n // 10000}万{base}")
    return some_width(draw, f"{n}{base}")


# --- 1. zero targets ---------------------------------------------------------------------

_BAD = ["安全事故", "事故", "投诉", "有效投诉", "差错", "重大质量问题", "违规违纪", "安全生产事故", "信访"]
_COUNT_UNITS = ["起", "次", "件", "例", "人次", "宗", ""]


@st.composite
def zero_targets(draw):
    """A zero target and the unit its count is in ("" for words such as 无安全事故)."""
    unit = draw(st.sampled_from(_COUNT_UNITS))
    bad = draw(st.sampled_from(_BAD))
    form = draw(st.sampled_from(
        ["0{u}", "{bad}0{u}", "{bad}为0{u}", "零{bad}", "无{bad}", "全年无{bad}", "杜绝{bad}", "{bad}为零",
         "确保不发生{bad}", "{bad}零发生"]
    ))
    text = form.format(u=unit, bad=bad)
    return some_width(draw, text), unit if "0" in form else "", bad


_NARROWING = ("重大", "有效")


@given(zero_targets(), _counts, st.sampled_from([None, *SUBS]), st.booleans())
@settings(max_examples=400, deadline=None)
def test_any_count_above_zero_misses_a_zero_target(target, n, sub, named):
    """Unless the target is narrower (无重大质量问题) and the actual does not say it is of that kind."""
    text, unit, bad = target
    actual = f"{bad}{n}{unit}" if named else f"{n}{unit}"
    result = judge(actual, text, sub)
    if not named and any(w in text for w in _NARROWING):
        assert result.status is REVIEW, result.reason
        assert "未写明是否属于此类" in result.reason
        return
    assert result.status is NOT_MET, result.reason
    assert result.ratio == 0


@given(zero_targets(), st.sampled_from(["0", "０", "无", "零", "没有", "未发生", "无{bad}", "零{bad}", "未发生{bad}", "全年无{bad}"]),
       st.sampled_from(_BAD), st.sampled_from([None, *SUBS]))
@settings(max_examples=300, deadline=None)
def test_none_happening_meets_a_zero_target(target, actual, bad, sub):
    text, unit, _ = target
    actual = actual.format(bad=bad)
    if actual in ("0", "０"):
        actual += unit
    result = judge(actual, text, sub)
    assert result.status is MET, result.reason
    assert result.ratio == 1


@pytest.mark.parametrize(
    "actual, target, status",
    [
        ("2起", "0起", NOT_MET),
        ("1次", "0次", NOT_MET),
        ("3件", "０件", NOT_MET),
        ("0起", "0起", MET),
        ("无", "0起", MET),
        ("2起", "零事故", NOT_MET),
        ("无", "无安全事故", MET),
        ("未发生安全事故", "无安全事故", MET),
        ("发生1起安全事故", "无安全事故", NOT_MET),
        ("0.5%", "0%", NOT_MET),
        ("0%", "0%", MET),
        ("0.5%", "无安全事故", REVIEW),
        ("不适用", "0起", REVIEW),
        ("良好", "无安全事故", REVIEW),
        ("2起", "≥0起", MET),
        ("发生一般事故2起", "无重大安全事故", REVIEW),
        ("发生重大安全事故1起", "无重大安全事故", NOT_MET),
        ("0起", "重大安全事故0起", MET),
        ("无", "无重大安全事故", MET),
        ("增长2%", "增长率0%", MET),
    ],
)
def test_zero_targets(actual, target, status):
    assert judge(actual, target).status is status, judge(actual, target).reason


def test_the_reason_says_a_zero_is_a_ceiling():
    assert judge("2起", "0起").reason == "预期值为0且未写比较方向，视为不超过0；实现值2起高于预期值0起，未完成"
    assert judge("无", "无安全事故").reason.startswith("预期值“无安全事故”即一次（一件）也不发生，视为不超过0；")


@pytest.mark.parametrize("text", ["无纸化办公", "零距离服务", "无法统计", "无需审批", "无", "无障碍通道畅通"])
def test_words_that_are_not_a_count_of_bad_things_stay_as_they_were(text):
    assert parse_target(text).kind in (Kind.QUALITATIVE, Kind.NONE)


# --- 2. relative targets -----------------------------------------------------------------

_UP_RELATIVE = ["较上年提高", "不低于上年", "持平或略有增长", "较上年增长", "同比增长", "与上年持平", "不低于上年水平",
                "较上年有所提高", "逐年增长", "持平或增长"]
_DOWN_RELATIVE = ["较上年下降", "不高于上年", "持平或略有下降", "较上年有所下降", "同比下降"]
_LEVEL_UNITS = ["%", "件", "万元", "万人次", "人次", "个", "‰", ""]
_LABELS = ["", "满意度", "大厅办件量", "热线接通率", "全年", "办件量为", "达到"]


@st.composite
def levels(draw):
    """An absolute actual: a level, not a change (95%, 1200件, 满意度99.5%)."""
    value = draw(_amounts)
    return some_width(draw, f"{draw(st.sampled_from(_LABELS))}{plain(value)}{draw(st.sampled_from(_LEVEL_UNITS))}")


@given(st.sampled_from(_UP_RELATIVE + _DOWN_RELATIVE), levels(), st.sampled_from([None, *SUBS]), st.booleans())
@settings(max_examples=400, deadline=None)
def test_a_level_is_never_judged_against_a_relative_target(target, actual, sub, wide):
    target = full_width(target) if wide else target
    assert parse_target(target).kind is Kind.RELATIVE
    result = judge(actual, target, sub)
    assert result.status is REVIEW, result.reason
    assert "变化幅度" in result.reason


@given(st.sampled_from(_UP_RELATIVE + _DOWN_RELATIVE), _amounts, st.sampled_from(["%", "个百分点", "件", "万人次"]),
       st.sampled_from(["增长", "提高", "上升", "同比增长", "较上年增长", "下降", "减少", "降低", "同比下降"]),
       st.booleans())
@settings(max_examples=400, deadline=None)
def test_a_change_is_judged_by_its_sign(target, size, unit, word, wide):
    actual = f"{word}{plain(size)}{unit}"
    actual = full_width(actual) if wide else actual
    up = word.endswith(("增长", "提高", "上升"))
    result = judge(actual, target)
    target_up = target in _UP_RELATIVE
    assert result.status is (MET if up == target_up else NOT_MET), result.reason


@pytest.mark.parametrize(
    "actual, target, status",
    [
        ("95%", "较上年提高", REVIEW),
        ("1200件", "不低于上年", REVIEW),
        ("99.5%", "持平或略有增长", REVIEW),
        ("3万人次", "较上年增长", REVIEW),
        ("增长3%", "较上年提高", MET),
        ("下降1个百分点", "不低于上年", NOT_MET),
        ("提高2%", "较上年增长", MET),
        ("-2%", "持平或略有增长", NOT_MET),
        ("满意度99%，较上年提高1个百分点", "较上年提高", MET),
    ],
)
def test_relative_targets_need_a_change(actual, target, status):
    assert judge(actual, target).status is status, judge(actual, target).reason


# --- 3. an actual written as a target ----------------------------------------------------

_BOUND_FORMS = ["≥{}", "≤{}", ">{}", "<{}", "＞{}", "＜{}", "≧{}", ">={}", "<={}", "{}以上", "{}及以上", "{}以下", "{}以内",
                "不低于{}", "不超过{}", "不少于{}", "达到{}以上", "高于{}", "低于{}", "至少{}", "最多{}"]
_TARGET_FORMS = ["≥{}", "≤{}", "{}以上", "不超过{}", "{}", "达到{}", "<{}", "={}", "控制在{}以内"]
_UNITS = ["%", "米", "万元", "元", "个", "万人次", "天", "个工作日", "件", ""]


@given(st.sampled_from(_BOUND_FORMS), st.sampled_from(_TARGET_FORMS), st.sampled_from(_UNITS), _amounts, _amounts,
       st.sampled_from([None, *SUBS]), st.booleans())
@settings(max_examples=500, deadline=None)
def test_an_actual_with_a_comparison_is_never_judged(bound, form, unit, a, t, sub, wide):
    actual = bound.format(f"{plain(a)}{unit}")
    actual = full_width(actual) if wide else actual
    target = form.format(f"{plain(t)}{unit}")
    result = judge(actual, target, sub)
    assert result.status is REVIEW, result.reason
    assert copied_target(actual, target).startswith("带有比较")
    if parse_target(target, sub).comparator is not None:
        assert "不是实际达到的数值" in result.reason


@given(st.sampled_from(_TARGET_FORMS), st.sampled_from(_UNITS), _amounts, _amounts)
@settings(max_examples=200, deadline=None)
def test_a_plain_actual_is_not_taken_for_a_target(form, unit, a, t):
    assert copied_target(f"{plain(a)}{unit}", form.format(f"{plain(t)}{unit}")) == ""


@pytest.mark.parametrize(
    "actual, target, words",
    [
        ("≥266米", "≥250米", "带有比较符号“≥”"),
        ("不超过5%", "≤5%", "带有比较用语“不超过”"),
        ("达到95%以上", "95%以上", "带有比较用语“以上”"),
        ("＞90%", "≥90%", "带有比较符号“>”"),
        ("95%以上", "95%以上", "带有比较用语“以上”"),
        ("3天内", "5个工作日内", "带有比较用语“内”"),
        ("持平或略有增长", "持平或略有增长", "与预期值完全相同"),
        ("90%-100%", "90%-100%", "与预期值完全相同"),
        ("100%左右", "100%左右", "与预期值完全相同"),
        ("99.16%", "95%以上", ""),
        ("100%", "100%", ""),
        ("按时完成", "按时完成", ""),
        ("无安全事故", "无安全事故", ""),
        ("99%（目标≥95%）", "≥95%", ""),
        ("满意度99%，较上年提高1%", "≥95%", ""),
        ("达到96%", "≥95%", ""),
    ],
)
def test_what_gives_a_copied_target_away(actual, target, words):
    assert copied_target(actual, target) == words
    if words:
        assert judge(actual, target).status is REVIEW


def test_a_refused_number_beside_a_miss_is_still_a_miss():
    result = judge("A区≥95%，B区90%", "≥95%")
    assert result.status is NOT_MET
    assert "A区≥95%带有比较符号“≥”" in result.reason and "B区90%低于预期值95%" in result.reason


@pytest.mark.parametrize(
    "actual, target, words",
    [("≥266米", "≥250米", "带有比较符号“≥”"), ("持平或略有增长", "持平或略有增长", "与预期值完全相同")],
)
def test_ind012_names_the_actual_cell(actual, target, words):
    ev = clean_seed()
    ev.indicators.quantity[0] = Indicator(name="道路建设长度", formula="无", target=target, actual=actual, explanation="无")
    (found,) = [f for f in run_checks(ev) if f.code == "IND012"]
    assert found.field == "indicators.quantity[0].actual"
    assert f"实现值“{actual}”{words}" in found.message


# --- 4. direction of a bare number by sub-category -----------------------------------------

_MONEY = ["元", "万元"]
_DURATIONS = ["天", "日", "个工作日", "工作日", "小时", "分钟", "个月", "周"]


@st.composite
def bare_pairs(draw, units):
    """(actual, target, actual - target) for a bare target, the two numbers in one unit, either
    side written in 万 of it when it divides."""
    base = draw(st.sampled_from(units))
    t = draw(_counts) * (10000 if draw(st.booleans()) else 1)
    a = draw(_counts) * (10000 if draw(st.booleans()) else 1)
    if base in ("元", "人次"):
        target, actual = draw(scaled(t, base)), draw(scaled(a, base))
    else:
        target, actual = some_width(draw, f"{t}{base}"), some_width(draw, f"{a}{base}")
    return actual, target, a - t


@given(bare_pairs(["元", "件", "个", "次"]), st.sampled_from(["成本指标", "成本", SubCategory.cost]))
@settings(max_examples=300, deadline=None)
def test_a_bare_cost_is_a_ceiling(pair, sub):
    actual, target, over = pair
    result = judge(actual, target, sub)
    assert result.status is (NOT_MET if over > 0 else MET), result.reason
    assert result.reason.startswith("预期值未写比较方向，按成本指标视为上限；")


@given(bare_pairs(_DURATIONS), st.sampled_from(["时效指标", SubCategory.timeliness]))
@settings(max_examples=300, deadline=None)
def test_a_bare_duration_is_a_deadline_for_timeliness(pair, sub):
    actual, target, over = pair
    result = judge(actual, target, sub)
    assert result.status is (NOT_MET if over > 0 else MET), result.reason
    assert "按时效指标视为上限" in result.reason


@given(st.decimals(min_value=0, max_value=100, places=2), st.decimals(min_value=Decimal("0.01"), max_value=100, places=2),
       st.sampled_from(["%", "％"]))
@settings(max_examples=200, deadline=None)
def test_a_bare_rate_is_a_floor_for_timeliness(a, t, percent):
    result = judge(f"{plain(a)}{percent}", f"{plain(t)}{percent}", "时效指标")
    assert result.status is (MET if a >= t else NOT_MET), result.reason


@given(bare_pairs(["人次", "件", "个", "%"]), st.sampled_from(["数量指标", "质量指标", "服务对象或公众满意度", SubCategory.quantity]))
@settings(max_examples=300, deadline=None)
def test_a_bare_count_is_a_floor_for_quantity_quality_and_satisfaction(pair, sub):
    actual, target, over = pair
    result = judge(actual, target, sub)
    assert result.status is (MET if over >= 0 else NOT_MET), result.reason


@given(
    st.sampled_from([
        ("成本指标", "%"), ("时效指标", "个"), ("时效指标", ""), ("时效指标", "万元"), ("数量指标", "天"),
        ("质量指标", "个工作日"), ("经济效益指标", "万元"), ("社会效益指标", "小时"), (None, "万元"), (None, "天"),
    ]),
    _counts, _counts,
)
@settings(max_examples=200, deadline=None)
def test_where_the_direction_is_not_clear_a_person_judges(case, a, t):
    sub, unit = case
    result = judge(f"{a}{unit}", f"{t}{unit}", sub)
    assert result.status is REVIEW, result.reason
    assert "未写比较方向" in result.reason


@given(bare_pairs(["元", "个", "天"]), st.sampled_from(SUBS), st.sampled_from(["≥", "≤", ">=", "<=", "＞＝", "＜＝"]))
@settings(max_examples=200, deadline=None)
def test_a_given_direction_decides_a_bare_number_whatever_the_sub_category_would(pair, sub, given_direction):
    actual, target, over = pair
    assume(judge(actual, target, sub).status is not REVIEW)
    upward = given_direction in ("≥", ">=", "＞＝")
    result = judge(actual, target, given_direction)
    assert result.status is (MET if (over >= 0) == upward or over == 0 else NOT_MET), result.reason


@given(st.sampled_from(_TARGET_FORMS[:4]), st.sampled_from(_UNITS), _amounts, _amounts, st.sampled_from(SUBS))
@settings(max_examples=200, deadline=None)
def test_a_written_direction_is_never_overridden_by_the_sub_category(form, unit, a, t, sub):
    target = form.format(f"{plain(t)}{unit}")
    assert judge(f"{plain(a)}{unit}", target, sub) == judge(f"{plain(a)}{unit}", target)


@pytest.mark.parametrize(
    "actual, target, sub, status",
    [
        ("120万元", "100万元", "成本指标", NOT_MET),
        ("1200000元", "100万元", "成本指标", NOT_MET),
        ("95万元", "100万元", "成本指标", MET),
        ("120万元", "100万元", None, REVIEW),
        ("6个工作日", "5个工作日", "时效指标", NOT_MET),
        ("5个工作日", "5个工作日", "时效指标", MET),
        ("98%", "100%", "时效指标", NOT_MET),
        ("100%", "100%", "时效指标", MET),
        ("12万人次", "10万人次", "数量指标", MET),
        ("99000人次", "10万人次", "数量指标", NOT_MET),
        ("0.8%", "投诉率1%", "质量指标", REVIEW),
        ("8万元", "节约资金10万元", "成本指标", REVIEW),
        ("3%", "5%", "成本指标", REVIEW),
        ("99%", "≥95%", "≤", REVIEW),
    ],
)
def test_direction_by_sub_category(actual, target, sub, status):
    assert judge(actual, target, sub).status is status, judge(actual, target, sub).reason


@pytest.mark.parametrize(
    "actual, target, sub, name, status",
    [
        ("0.5%", "1%", "质量指标", "投诉率", REVIEW),
        ("0.5%", "1%", "质量指标", "事故发生率", REVIEW),
        ("0.5%", "1%", "质量指标", "不合格率", REVIEW),
        ("0.5%", "1%", "满意度", "不满意率", REVIEW),
        ("98%", "100%", "质量指标", "投诉办结率", NOT_MET),
        ("98%", "100%", "质量指标", "隐患整改率", NOT_MET),
        ("98%", "100%", "质量指标", "验收合格率", NOT_MET),
        ("8万元", "10万元", "成本指标", "节约资金", REVIEW),
        ("120万元", "100万元", "成本指标", "项目成本", NOT_MET),
        ("0.5%", "≤1%", "质量指标", "投诉率", MET),
        ("2起", "0起", "质量指标", "安全事故", NOT_MET),
    ],
)
def test_the_indicator_name_can_veto_the_sub_categorys_direction(actual, target, sub, name, status):
    result = judge(actual, target, sub, name)
    assert result.status is status, result.reason
    if status is REVIEW:
        assert f"指标“{name}”可能" in result.reason


def test_engine_callers_pass_the_sub_category():
    from xlperf.engine import scoring

    ev = clean_seed()
    ev.indicators.cost = [Indicator(name="项目成本", formula="无", target="100万元", actual="120万元", explanation="")]
    codes = {f.code for f in run_checks(ev)}
    assert "IND009" in codes
    card = scoring.score(ev, scoring.load_rules("national-2020"))
    (item,) = [i for i in card.items if i.inputs.get("指标名称") == "项目成本"] or [
        i for i in card.items if "项目成本" in i.explanation
    ]
    assert "按成本指标视为上限" in item.explanation
    from xlperf.forms.guangdong_1_1.report_text import report_sections

    ev.indicators.quality[0] = Indicator(name="投诉率", formula="投诉数/办件数", target="1%", actual="0.5%", explanation="")
    assert not [f for f in run_checks(ev) if f.code == "IND009" and f.field.startswith("indicators.quality")]
    assert judge("0.5%", "1%", SubCategory.quality).status is NOT_MET
    ev.report.problems = ""
    (problems,) = [s for s in report_sections(ev, card, run_checks(ev, card)).sections if s.key == "problems"]
    assert "项目成本" in problems.text, problems.text


# --- what the workbook's helper cells hold -------------------------------------------------


@pytest.mark.parametrize(
    "target, actual, sub, direction, threshold, unit, values",
    [
        ("≥8万人次", "10万人次", None, "≥", "80000", "人次", ["100000"]),
        ("100万元", "1200000元", "成本指标", "≤", "1000000", "元", ["1200000"]),
        ("≤5‰", "0.3%", None, "≤", "0.5", "%", ["0.3"]),
        ("95%以上", "99.16%", "质量指标", "≥", "95", "%", ["99.16"]),
        ("0起", "2起", None, "≤", "0", "起", ["2"]),
        ("无安全事故", "无", None, "≤", "0", "", ["0"]),
        ("持平或略有增长", "大厅办件量增长1.12%，热线增长率117.8%", "数量指标", "≥", "0", "%", ["1.12", "117.8"]),
        ("较上年提高", "95%", None, ">", "0", "", []),
        ("≥250米", "≥266米", None, "≥", "250", "米", []),
        ("100万元", "120万元", None, None, None, "", []),
        ("按时完成", "按时完成", None, None, None, "", []),
    ],
)
def test_understand_gives_direction_threshold_unit_and_values(target, actual, sub, direction, threshold, unit, values):
    u = understand(target, actual, sub)
    assert u.direction == direction
    assert u.threshold == (None if threshold is None else Decimal(threshold))
    assert u.unit == unit
    assert list(u.values) == [Decimal(v) for v in values]
    if not u.values:
        assert u.actual_note
    if direction is None:
        assert u.target_note
    assert (u.status, u.reason) == (judge(actual, target, sub).status, judge(actual, target, sub).reason)


@given(st.sampled_from(_TARGET_FORMS), st.sampled_from(_UNITS), _amounts, _amounts, st.sampled_from([None, *SUBS]))
@settings(max_examples=300, deadline=None)
def test_understood_numbers_give_the_engines_verdict(form, unit, a, t, sub):
    """A formula over the helper cells (all values meet the threshold) agrees with the engine."""
    target = form.format(f"{plain(t)}{unit}")
    u = understand(target, f"{plain(a)}{unit}", sub)
    assume(u.direction and u.values)
    from xlperf.engine.targets import Comparator

    met = all(Comparator(u.direction).holds(v, u.threshold) for v in u.values)
    assert u.status is (MET if met else NOT_MET)


@pytest.mark.parametrize(
    "given, comparator, name",
    [
        ("≥", ">=", None), ("≤", "<=", None), ("＞＝", ">=", None), ("＜", "<", None), ("=", "=", None),
        ("上限", "<=", None), ("下限", ">=", None), ("不超过", "<=", None),
        ("成本指标", None, "成本指标"), ("成本", None, "成本指标"), ("时效", None, "时效指标"),
        ("生态效益指标", None, "生态效益指标"), ("可持续影响指标", None, "可持续影响指标"),
        ("服务对象满意度指标", None, "服务对象满意度指标"), ("服务对象或公众满意度", None, "服务对象或公众满意度"),
        (SubCategory.sustainability, None, "可持续发展指标"), ("cost", None, "成本指标"), (" 数量指标 ", None, "数量指标"),
    ],
)
def test_the_third_argument_reads_a_direction_or_a_sub_category(given, comparator, name):
    from xlperf.engine.targets import Comparator, read_basis

    basis = read_basis(given)
    symbols = {">=": "≥", "<=": "≤", "<": "<", "=": "="}
    assert basis.comparator == (None if comparator is None else Comparator(symbols[comparator]))
    assert (basis.name or None) == name
    assert not basis.problem


@pytest.mark.parametrize("given", ["foo", "约", "指标", 5, 2.5])
def test_anything_else_as_the_third_argument_is_a_problem_never_a_guess(given):
    from xlperf.engine.targets import read_basis

    assert read_basis(given).problem
    assert judge("99%", "95%", given).status is REVIEW
    assert judge("99%", "≥95%", given).status is MET


@pytest.mark.parametrize("given", [None, "", "  "])
def test_no_third_argument_is_the_two_argument_call(given):
    for actual, target in [("99%", "95%"), ("120万元", "100万元"), ("2起", "0起"), ("良好", "按时完成")]:
        assert judge(actual, target, given) == judge(actual, target)


@pytest.mark.parametrize("actual", ["2天", "0.5%", "100万元", "3小时"])
def test_a_zero_target_in_words_counts_events_only(actual):
    result = judge(actual, "无安全事故")
    assert result.status is REVIEW
    assert "不是发生次数或件数" in result.reason


def test_an_actual_written_as_a_target_is_named_even_against_a_relative_target():
    reason = judge("≥96%", "较上年增长").reason
    assert reason.startswith("实现值≥96%带有比较符号“≥”")
