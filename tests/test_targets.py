"""Expected and actual values: every written form the domain notes list, and judgements that
are never guessed."""

import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from xlperf.engine.targets import Comparator, Kind, Status, judge, parse_actual, parse_target

MET, NOT_MET, REVIEW = Status.MET, Status.NOT_MET, Status.REVIEW
GE, GT, LE, LT, EQ = Comparator.GE, Comparator.GT, Comparator.LE, Comparator.LT, Comparator.EQ
EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "shaoguan-2020.json"


# --- expected values as read ------------------------------------------------------------

@pytest.mark.parametrize(
    "text, comparator, value, unit",
    [
        ("≥95%", GE, "95", "%"),
        ("≥50个", GE, "50", "个"),
        ("≤90万元", LE, "90", "万元"),
        ("=100%", EQ, "100", "%"),
        ("≤10次", LE, "10", "次"),
        (">=95%", GE, "95", "%"),
        ("<=5%", LE, "5", "%"),
        (">90%", GT, "90", "%"),
        ("<5个", LT, "5", "个"),
        ("＞９０％", GT, "90", "%"),
        ("＜５％", LT, "5", "%"),
        ("≧95%", GE, "95", "%"),
        ("≦5‰", LE, "5", "‰"),
        ("＝１００％", EQ, "100", "%"),
        ("═100%", EQ, "100", "%"),
        ("≥ 95 %", GE, "95", "%"),
        ("≥1,234.5件", GE, "1234.5", "件"),
        ("≥１，２３４．５件", GE, "1234.5", "件"),
        ("95%以上", GE, "95", "%"),
        ("95%及以上", GE, "95", "%"),
        ("95%（含）以上", GE, "95", "%"),
        ("不低于95%", GE, "95", "%"),
        ("不少于50人", GE, "50", "人"),
        ("5%以下", LE, "5", "%"),
        ("不高于5%", LE, "5", "%"),
        ("不超过10次", LE, "10", "次"),
        ("达到100%", GE, "100", "%"),
        ("100%", GE, "100", "%"),
        ("大于90%", GT, "90", "%"),
        ("小于5%", LT, "5", "%"),
        ("高于90%", GT, "90", "%"),
        ("低于5%", LT, "5", "%"),
        ("至少3场", GE, "3", "场"),
        ("最多2次", LE, "2", "次"),
        ("3个工作日以内", LE, "3", "个工作日"),
        ("控制在90万元以内", LE, "90", "万元"),
        ("控制在90万元", LE, "90", "万元"),
        ("不大于5%", LE, "5", "%"),
        ("不小于80%", GE, "80", "%"),
        ("大于等于95%", GE, "95", "%"),
        ("满意度≥90%", GE, "90", "%"),
        ("群众满意度达到95%以上", GE, "95", "%"),
        ("百分之95", GE, "95", "%"),
        ("≥8万人次", GE, "8", "万人次"),
        ("3天内", LE, "3", "天"),
        ("95以上", GE, "95", ""),
        ("12345热线接通率≥95%", GE, "95", "%"),
    ],
)
def test_numeric_targets(text, comparator, value, unit):
    target = parse_target(text)
    assert target.kind is Kind.NUMERIC
    assert (target.comparator, target.value, target.unit) == (comparator, Decimal(value), unit)
    assert target.inverted is comparator.downward


@pytest.mark.parametrize(
    "text, comparator, value, unit",
    [
        ("持平或略有增长", GE, "0", ""),
        ("持平或增长", GE, "0", ""),
        ("较上年增长", GT, "0", ""),
        ("有所增长", GT, "0", ""),
        ("逐年增长", GT, "0", ""),
        ("同比增长", GT, "0", ""),
        ("不低于上年", GE, "0", ""),
        ("不低于上年水平", GE, "0", ""),
        ("与上年持平", GE, "0", ""),
        ("下降", LT, "0", ""),
        ("有所下降", LT, "0", ""),
        ("较上年有所下降", LT, "0", ""),
        ("不高于上年", LE, "0", ""),
        ("持平或略有下降", LE, "0", ""),
        ("较上年增长5%", GE, "5", "%"),
        ("较上年增长5%以上", GE, "5", "%"),
        ("同比下降10%", LE, "-10", "%"),
        ("下降5%以上", LE, "-5", "%"),
        ("下降不超过5%", GE, "-5", "%"),
        ("较上年提高2个百分点", GE, "2", "个百分点"),
    ],
)
def test_relative_targets(text, comparator, value, unit):
    target = parse_target(text)
    assert target.kind is Kind.RELATIVE
    assert target.about_change
    assert (target.comparator, target.value, target.unit) == (comparator, Decimal(value), unit)


@pytest.mark.parametrize(
    "text, kind, note",
    [
        ("", Kind.EMPTY, "为空"),
        ("   ", Kind.EMPTY, "为空"),
        ("无", Kind.NONE, "为“无”"),
        ("/", Kind.NONE, "为“无”"),
        ("按时完成", Kind.QUALITATIVE, "为定性描述"),
        ("符合相关规定", Kind.QUALITATIVE, "为定性描述"),
        ("效果明显", Kind.QUALITATIVE, "为定性描述"),
        ("达成预期指标", Kind.QUALITATIVE, "为定性描述"),
        ("良好", Kind.QUALITATIVE, "为定性描述"),
        ("有效提升", Kind.QUALITATIVE, "为定性描述"),
        ("百分之九十五", Kind.QUALITATIVE, "为定性描述"),
        ("ISO9001认证", Kind.QUALITATIVE, "为定性描述"),
        ("第3季度完成", Kind.QUALITATIVE, "为定性描述"),
        ("12月底前", Kind.QUALITATIVE, "为时间节点"),
        ("2020年12月31日前", Kind.QUALITATIVE, "为时间节点"),
        ("2020-12-31前完成", Kind.QUALITATIVE, "为时间节点"),
        ("31日前", Kind.QUALITATIVE, "为时间节点"),
        ("100%左右", Kind.QUALITATIVE, "为约数"),
        ("约95%", Kind.QUALITATIVE, "为约数"),
        ("90%-100%", Kind.QUALITATIVE, "含多个数值"),
        ("≥95%且≤100%", Kind.QUALITATIVE, "含多个数值"),
        ("不低于95%以下", Kind.QUALITATIVE, "的比较关系不明确"),
    ],
)
def test_targets_that_a_person_must_judge(text, kind, note):
    target = parse_target(text)
    assert (target.kind, target.note) == (kind, note)
    assert target.comparator is None and target.value is None


# --- actual values as read --------------------------------------------------------------

def test_the_seeds_growth_actual_holds_two_labelled_values():
    actual = parse_actual("大厅办件量增长1.12%，热线增长率117.8%")
    assert actual.kind is Kind.NUMERIC
    assert [(q.label, q.value, q.unit, q.change) for q in actual.quantities] == [
        ("大厅办件量增长", Decimal("1.12"), "%", True),
        ("热线增长率", Decimal("117.8"), "%", True),
    ]
    assert [q.text for q in actual.quantities] == ["大厅办件量增长1.12%", "热线增长率117.8%"]


@pytest.mark.parametrize(
    "text, values",
    [
        ("99.16%", [("99.16", "%")]),
        ("９９．１６％", [("99.16", "%")]),
        ("下降2%", [("-2", "%")]),
        ("同比减少3个", [("-3", "个")]),
        ("降幅3%", [("-3", "%")]),
        ("增长-2%", [("-2", "%")]),
        ("提高到99%", [("99", "%")]),
        ("1,234.5件", [("1234.5", "件")]),
        ("大厅:1.12%; 热线: 117.8%", [("1.12", "%"), ("117.8", "%")]),
        ("99.59%（满意数1234/总数1239）", [("99.59", "%")]),
        ("12345热线接通率98%", [("98", "%")]),
        ("2020年12月完成，完成率100%", [("100", "%")]),
        ("2020-12-31完成56个", [("56", "个")]),
        ("5个-10个", [("5", "个"), ("10", "个")]),
        ("10万人次", [("10", "万人次")]),
    ],
)
def test_actual_numbers(text, values):
    actual = parse_actual(text)
    assert [(q.value, q.unit) for q in actual.quantities] == [(Decimal(v), u) for v, u in values]


@pytest.mark.parametrize(
    "text, kind",
    [
        ("", Kind.EMPTY),
        ("无", Kind.NONE),
        ("按时完成", Kind.QUALITATIVE),
        ("良好", Kind.QUALITATIVE),
        ("2020年完成", Kind.QUALITATIVE),
        ("2020-2021年完成", Kind.QUALITATIVE),
        ("2020年12月31日前完成", Kind.QUALITATIVE),
        ("1234/1245", Kind.QUALITATIVE),
        ("第一季度完成", Kind.QUALITATIVE),
    ],
)
def test_actuals_without_numbers(text, kind):
    actual = parse_actual(text)
    assert actual.kind is kind
    assert actual.quantities == ()


def test_bounds_in_actuals_follow_the_direction_word():
    (q,) = parse_actual("98%以上").quantities
    assert q.bound is GE
    (q,) = parse_actual("下降5%以上").quantities
    assert (q.value, q.bound) == (Decimal(-5), LE)


# --- judgements -------------------------------------------------------------------------

R = Decimal


@pytest.mark.parametrize(
    "actual, target, status, ratio",
    [
        ("99.16%", "95%以上", MET, R("99.16") / R(95)),
        ("88%", "≥95%", NOT_MET, R(88) / R(95)),
        ("95%", "≥95%", MET, R(1)),
        ("95%", ">95%", NOT_MET, R(1)),
        ("95.01%", "＞９５％", MET, R("95.01") / R(95)),
        ("９９．５％", "≧95%", MET, R("99.5") / R(95)),
        ("56个", "≥50个", MET, R("1.12")),
        ("45个", "不少于50个", NOT_MET, R("0.9")),
        ("56", "≥50个", MET, R("1.12")),
        ("56个", "≥50", MET, R("1.12")),
        ("85.5万元", "≤90万元", MET, R(90) / R("85.5")),
        ("95万元", "≤90万元", NOT_MET, R(90) / R(95)),
        ("900000元", "≤90万元", MET, R(1)),
        ("控制在85万元", "控制在90万元以内", MET, R(90) / R(85)),
        ("0次", "≤10次", MET, R(1)),
        ("0", "≤10次", MET, R(1)),
        ("12次", "不超过10次", NOT_MET, R(10) / R(12)),
        ("0次", "≤0次", MET, R(1)),
        ("2次", "≤0次", NOT_MET, R(0)),
        ("100%", "=100%", MET, R(1)),
        ("99%", "=100%", NOT_MET, R("0.99")),
        ("100%", "100%", MET, R(1)),
        ("100%", "达到100%", MET, R(1)),
        ("4%", "5%以下", MET, R(5) / R(4)),
        ("4%", "低于5%", MET, R(5) / R(4)),
        ("5%", "低于5%", NOT_MET, R(1)),
        ("0.3%", "≤5‰", MET, R(5) / R(3)),
        ("6‰", "≤0.5%", NOT_MET, R(5) / R(6)),
        ("3天", "3日以内", MET, R(1)),
        ("2个工作日", "3个工作日内", MET, R("1.5")),
        ("10万人次", "≥8万人次", MET, R("1.25")),
        ("120000人次", "≥8万人次", MET, R("1.5")),
        ("1,234.5件", "不少于1，000件", MET, R("1.2345")),
        ("3场", "至少3场", MET, R(1)),
        ("3次", "最多2次", NOT_MET, R(2) / R(3)),
        ("96%", "群众满意度达到95%以上", MET, R(96) / R(95)),
        ("满意度99%，较上年提高1%", "≥95%", MET, R(99) / R(95)),
        ("12345热线接通率98%", "≥95%", MET, R(98) / R(95)),
        ("98%以上", "≥95%", REVIEW, None),
        ("不低于90%", "≥95%", REVIEW, None),
        ("5%以下", "≥95%", REVIEW, None),
        ("3%以下", "≤5%", REVIEW, None),
        ("-3%", "≥0%", NOT_MET, None),
        ("5", "≥0", MET, None),
        ("大厅办件量增长1.12%，热线增长率117.8%", "持平或略有增长", MET, None),
        ("增长0%", "持平或略有增长", MET, None),
        ("下降2%", "持平或略有增长", NOT_MET, None),
        ("-5%", "持平或略有增长", NOT_MET, None),
        ("1.12%", "较上年增长", REVIEW, None),
        ("+1.12%", "较上年增长", MET, None),
        ("持平", "较上年增长", REVIEW, None),
        ("增长0%", "较上年增长", NOT_MET, None),
        ("大厅办件量12万件，较上年增长5%", "较上年增长", MET, None),
        ("增长3%", "不低于上年", MET, None),
        ("增长0%", "与上年持平", MET, None),
        ("同比增长2%", "逐年增长", MET, None),
        ("投诉率下降0.5个百分点", "较上年下降", MET, None),
        ("下降2%", "有所下降", MET, None),
        ("增长1%", "有所下降", NOT_MET, None),
        ("增长8%", "较上年增长5%", MET, R("1.6")),
        ("增长4%", "较上年增长5%", NOT_MET, R("0.8")),
        ("下降10%", "下降5%以上", MET, R(2)),
        ("下降2%", "下降5%以上", NOT_MET, R("0.4")),
        ("增长1%", "下降5%以上", NOT_MET, R(0)),
        ("增长8%", "增长率≥5%", MET, R("1.6")),
        ("8%", "增长率≥5%", MET, R("1.6")),
        ("提高3个百分点", "较上年提高2个百分点", MET, R("1.5")),
        ("大厅办件量增长1.12%，热线增长率-3%", "持平或略有增长", NOT_MET, None),
        ("A区98%，B区94%", "≥95%", NOT_MET, R(94) / R(95)),
        ("A区98%，B区96%", "≥95%", MET, R(96) / R(95)),
    ],
)
def test_judgements(actual, target, status, ratio):
    result = judge(actual, target)
    assert (result.status, result.ratio) == (status, ratio), result.reason
    assert result.reason


@pytest.mark.parametrize(
    "actual, target, reason",
    [
        ("99.16%", "95%以上", "实现值99.16%不低于预期值95%，已完成"),
        ("88%", "≥95%", "实现值88%低于预期值95%，未完成"),
        ("完成", "按时完成", "预期值“按时完成”为定性描述，需人工判断"),
        ("12月20日完成", "12月底前", "预期值“12月底前”为时间节点，需人工判断"),
        ("100%", "100%左右", "预期值“100%左右”为约数，需人工判断"),
        ("100%", "90%-100%", "预期值“90%-100%”含多个数值，需人工判断"),
        ("99%", "无", "预期值为“无”，没有可比较的目标，需人工判断"),
        ("99%", "", "预期值为空，无法判断是否完成，请填写评价年度预期值"),
        ("", "≥95%", "实现值为空，无法判断是否完成，请填写评价年度实现值"),
        ("", "", "预期值和实现值均为空，请填写评价年度预期值和实现值"),
        ("无", "≥95%", "实现值为“无”，需人工判断"),
        ("良好", "≥90分", "实现值“良好”为定性描述，无法与预期值90分比较，需人工判断"),
        ("2020年完成", "≥95%", "实现值“2020年完成”只有时间，没有可比较的数值，无法与预期值95%比较，需人工判断"),
        ("99.16", "≥95%", "实现值99.16未写单位，而预期值95%以“%”为单位，需人工判断"),
        ("85", "≤90万元", "实现值85未写单位，而预期值90万元以“万元”为单位，需人工判断"),
        ("99%", "≥95", "预期值95未写单位，而实现值99%以“%”为单位，需人工判断"),
        ("56次", "≥50个", "实现值56次与预期值50个的单位不一致，需人工判断"),
        ("2个百分点", "≥2%", "实现值2个百分点与预期值2%的单位不一致，需人工判断"),
        ("增长1.12%", "≥95%", "实现值“增长1.12%”是变化幅度，而预期值95%是绝对值，需人工判断"),
        (
            "满意度99%",
            "持平或略有增长",
            "实现值“满意度99%”没有写明较上年的变化幅度（如“增长5%”），"
            "无法与预期值“持平或略有增长”（变化幅度≥0）比较，需人工判断",
        ),
        (
            "90%以上",
            "≥95%",
            "实现值90%以上带有比较用语“以上”，是预期值的写法，不是实际达到的数值，"
            "请填写评价年度实际测得的数值，需人工判断",
        ),
        (
            "大厅办件量增长1.12%，热线增长率117.8%",
            "持平或略有增长",
            "实现值大厅办件量增长1.12%、热线增长率117.8%均不低于预期值“持平或略有增长”（变化幅度≥0），已完成",
        ),
        (
            "A区98%，B区94%",
            "≥95%",
            "实现值A区98%不低于预期值95%；实现值B区94%低于预期值95%，未完成",
        ),
        ("95万元", "≤90万元", "实现值95万元高于预期值90万元，未完成"),
        ("4%", "低于5%", "实现值4%低于预期值5%，已完成"),
        ("99%", "=100%", "实现值99%不等于预期值100%，未完成"),
    ],
)
def test_reasons_name_the_values(actual, target, reason):
    assert judge(actual, target).reason == reason


def test_a_review_and_a_miss_together_is_a_miss():
    result = judge("A区90%，B区96次", "≥95%")
    assert result.status is NOT_MET
    assert result.ratio is None
    assert "A区90%低于预期值95%" in result.reason and "B区96次与预期值95%的单位不一致" in result.reason


def test_dates_never_pass_as_numbers():
    for actual in ("2020年完成", "2020年12月完成", "2020-12-31完成", "2020.12.31完成", "12月底完成"):
        for target in ("≥95%", "≥50个", "≥95", "≤2021"):
            assert judge(actual, target).status is REVIEW, (actual, target)


def test_inverted_follows_the_target():
    assert judge("85万元", "≤90万元").inverted is True
    assert judge("99%", "≥95%").inverted is False
    assert judge("下降2%", "有所下降").inverted is True
    assert judge("良好", "按时完成").inverted is False


def test_judgement_keeps_what_was_read():
    result = judge("99.16%", "95%以上")
    assert result.target == parse_target("95%以上")
    assert result.actual == parse_actual("99.16%")
    assert Status.MET.value == "已完成" and Status.NOT_MET.value == "未完成" and Status.REVIEW.value == "需人工判断"


def test_the_seeds_three_indicator_rows():
    ev = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    rows = [row for sub in ev["indicators"].values() if isinstance(sub, list) for row in sub]
    results = {row["name"]: judge(row["actual"], row["target"]) for row in rows}
    assert set(results) == {"业务办理增长率", "最多跑一次事项率", "群众满意度"}
    assert all(r.status is MET for r in results.values())
    growth = results["业务办理增长率"]
    assert growth.ratio is None
    assert [q.label for q in growth.actual.quantities] == ["大厅办件量增长", "热线增长率"]
    assert results["最多跑一次事项率"].ratio == Decimal("99.16") / 95
    assert results["群众满意度"].reason == "实现值99.59%不低于预期值95%，已完成"


# --- properties -------------------------------------------------------------------------

_pieces = st.sampled_from(
    [
        "≥", "≤", ">", "<", "=", "＞", "＜", "≧", "≦", "＝", ">=", "<=", "95", "１００", "０．５", "1,234.5",
        "1，000", "%", "％", "‰", "万元", "元", "个", "次", "人次", "万", "以上", "以下", "以内", "不低于",
        "不超过", "达到", "控制在", "增长", "下降", "率", "持平或略有增长", "较上年", "，", ",", "、", "(",
        ")", "（", "）", "2020年", "12月", "31日", "前", "-", "+", ".", "约", "左右", "第", "/", "0", "9" * 40,
        "按时完成", "无", " ", "\x00", "．", "百分之", "个百分点",
    ]
)
_mixed = st.lists(_pieces, max_size=12).map("".join)
_any_text = st.one_of(st.text(), _mixed)


@given(_any_text, _any_text)
@settings(max_examples=1500, deadline=None)
def test_never_raises(actual, target):
    parse_target(target)
    parse_actual(actual)
    result = judge(actual, target)
    assert isinstance(result.status, Status)
    assert result.reason
    assert result.ratio is None or result.ratio >= 0
    if result.status is REVIEW:
        assert result.ratio is None


_up_forms = st.sampled_from(["≥{}", "{}以上", "不低于{}", "达到{}", "{}", ">{}", "＞{}", "大于{}", "至少{}", "≧{}"])
_units = st.sampled_from(["%", "个", "万元", "次", "人次", ""])
_numbers = st.decimals(min_value=0, max_value=10**6, places=2)


@given(_up_forms, _units, _numbers, _numbers, _numbers)
@settings(max_examples=500, deadline=None)
def test_a_larger_actual_never_does_worse_against_an_upward_target(form, unit, goal, low, high):
    """A bare number is a floor for a 数量指标 (money included); a bare 0 is a ceiling, so not here."""
    assume(form != "{}" or goal != 0)
    low, high = sorted((low, high))
    target = form.format(f"{goal}{unit}")
    lower, higher = judge(f"{low}{unit}", target, "数量指标"), judge(f"{high}{unit}", target, "数量指标")
    assert parse_target(target).kind is Kind.NUMERIC
    assert lower.status in (MET, NOT_MET) and higher.status in (MET, NOT_MET)
    if lower.status is MET:
        assert higher.status is MET
    if lower.ratio is not None:
        assert higher.ratio is not None and higher.ratio >= lower.ratio


@given(st.sampled_from(["≤{}", "{}以下", "不超过{}", "控制在{}以内", "<{}"]), _units, _numbers, _numbers, _numbers)
@settings(max_examples=300, deadline=None)
def test_a_smaller_positive_actual_never_does_worse_against_a_downward_target(form, unit, goal, low, high):
    low, high = sorted((low, high))
    target = form.format(f"{goal}{unit}")
    lower, higher = judge(f"{low}{unit}", target), judge(f"{high}{unit}", target)
    if higher.status is MET:
        assert lower.status is MET
    if low > 0:
        assert lower.ratio >= higher.ratio


@given(_mixed, _mixed, _numbers, _numbers)
@settings(max_examples=500, deadline=None)
def test_monotone_for_any_upward_target_text(target, label, low, high):
    parsed = parse_target(target)
    if parsed.kind is not Kind.NUMERIC or parsed.comparator is None or not parsed.comparator.upward:
        return
    low, high = sorted((low, high))
    unit = parsed.unit
    lower = judge(f"{low}{unit}", target)
    higher = judge(f"{high}{unit}", target)
    if lower.status is MET:
        assert higher.status is MET
    if lower.ratio is not None and higher.ratio is not None:
        assert higher.ratio >= lower.ratio



@pytest.mark.parametrize(
    "actual, target, status",
    [("55厘米", "≥0.5米", Status.MET), ("40厘米", "≥50厘米", Status.NOT_MET), ("3毫米", "≤5毫米", Status.MET), ("6毫米", "≤0.5厘米", Status.NOT_MET)],
)
def test_centimetres_and_millimetres_are_metres(actual, target, status):
    assert judge(actual, target).status == status
