"""The worksheet functions, called the way Excel calls them and directly.

Through the stand-ins (tests/xlwings_standins.py) every call goes through xlwings' real
`call_udf`: the `@xw.arg` options, the conversion of each argument and of the result.
Arguments are what COM hands over: floats, None for an empty cell, text, a tuple of row
tuples for a range, Excel error codes, the missing-argument marker.
"""

from __future__ import annotations

import datetime as dt
import inspect
import re
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xlperf.engine import formulas, targets
from xlperf.excel import udfs
from xlperf.engine.scoring import load_rules

from .xlwings_standins import MISSING, installed

DIV0 = -2146826281
"""What COM passes for a cell showing #DIV/0!."""
NA = -2146826246


@pytest.fixture(scope="module")
def xl():
    with installed() as harness:
        yield harness


# --------------------------------------------------------------------------- metadata


def test_the_list_names_every_worksheet_function():
    public = sorted(name for name in dir(udfs) if name.startswith("PERF_"))
    assert sorted(udfs.UDF_NAMES) == public
    assert udfs.__all__ == list(udfs.UDF_NAMES)


def test_decorators_attach_xlwings_metadata(xl):
    for name in udfs.UDF_NAMES:
        info = getattr(xl.module, name).__xlfunc__
        assert info["name"] == name
        assert info["category"] == "绩效自评"
        assert not info["sub"] and not info["volatile"] and info["async_mode"] is None
        assert re.search(r"[\u4e00-\u9fff]", info["ret"]["doc"]), name
        for arg in info["args"]:
            assert arg["options"]["err_to_str"] is True
            assert re.search(r"[\u4e00-\u9fff]", arg["doc"]), (name, arg["name"])


def test_only_the_rules_and_direction_arguments_have_a_default(xl):
    optional = {
        (name, arg["name"]) for name in udfs.UDF_NAMES for arg in getattr(xl.module, name).__xlfunc__["args"]
        if "optional" in arg
    }
    assert optional == {
        ("PERF_GRADE", "rules"),
        ("PERF_JUDGE", "direction"),
        ("PERF_JUDGE_REASON", "direction"),
        ("PERF_POINTS", "direction"),
    }


# --------------------------------------------------------------------------- rates


@pytest.mark.parametrize(
    "name, args, expected",
    [
        ("PERF_RATE", (1.0, 4.0), 0.25),
        ("PERF_RATE", (118.0, 119.0), float(Decimal(118) / Decimal(119))),
        ("PERF_RATE", ("1,234.5", "2469"), 0.5),
        ("PERF_RATE", (((3.0,),), ((4.0,),)), 0.75),
        ("PERF_GROWTH", (101.12, 100.0), 0.0112),
        ("PERF_GROWTH", (90.0, 100.0), -0.1),
        ("PERF_EXEC_RATE", (95.5, 100.0), 0.955),
        ("PERF_ARRIVAL_RATE", (50.0, 100.0), 0.5),
        ("PERF_BALANCE_RATE", (3.0, 100.0), 0.03),
        ("PERF_COMPLETION_RATE", (12.0, 10.0), 1.2),
        ("PERF_SATISFACTION", (996.0, 1000.0), 0.996),
        ("PERF_RATE", (0.1, 0.2), 0.5),
    ],
)
def test_rates_are_fractions(xl, name, args, expected):
    assert xl.call(name, *args) == [[expected]]
    assert getattr(udfs, name)(*args) == expected


@pytest.mark.parametrize(
    "name, args, expected",
    [
        ("PERF_RATE", (1.0, 0.0), "#错误：分母为零，无法计算比率"),
        ("PERF_EXEC_RATE", (10.0, None), "#错误：分母（预算数）为空，无法计算预算执行率"),
        ("PERF_RATE", ("abc", 2.0), "#错误：分子“abc”不是数字，无法计算比率"),
        ("PERF_RATE", (True, 2.0), "#错误：分子是逻辑值TRUE，应填写数字"),
        ("PERF_RATE", (DIV0, 2.0), "#错误：分子是Excel错误值#DIV/0!，请先修正它引用的单元格"),
        ("PERF_EXEC_RATE", (1.0, NA), "#错误：预算数是Excel错误值#N/A，请先修正它引用的单元格"),
        ("PERF_RATE", (((1.0, 2.0),), 4.0), "#错误：分子应是一个单元格，不能是多个单元格的区域"),
        ("PERF_RATE", (dt.datetime(2020, 1, 1), 4.0), "#错误：分子是日期或其他非数字内容，应填写数字"),
        ("PERF_RATE", ("#错误：分母为零，无法计算比率", 2.0), "#错误：分母为零，无法计算比率"),
    ],
)
def test_bad_rate_arguments_give_a_chinese_error_text(xl, name, args, expected):
    assert xl.value(name, *args) == expected


def test_satisfaction_above_one_is_refused(xl):
    text = xl.value("PERF_SATISFACTION", 1001.0, 1000.0)
    assert text.startswith("#错误：") and "不能超过100%" in text


@pytest.mark.parametrize("name", [n for n in udfs.UDF_NAMES if n not in ("PERF_POINTS", "PERF_GRADE")])
def test_an_unfilled_row_stays_blank(xl, name):
    assert xl.value(name, None, None) == ""
    assert xl.value(name, "", None) == ""


def test_a_failing_engine_shows_an_internal_error_text(xl, monkeypatch):
    def broken(*args):
        raise RuntimeError("boom")

    monkeypatch.setattr(formulas, "rate", broken)
    text = xl.value("PERF_RATE", 1.0, 2.0)
    assert text == "#错误：程序内部错误（RuntimeError），请把工作簿和这一格的公式发给维护人员"


# --------------------------------------------------------------------------- judgement


@pytest.mark.parametrize(
    "actual, target, status",
    [
        ("99.16%", "95%以上", "已完成"),
        (0.9916, "95%以上", "已完成"),
        (99.16, "95%以上", "已完成"),
        (0.9, "95%以上", "未完成"),
        (90.0, "≥95%", "未完成"),
        (0.03, "≤5%", "已完成"),
        (3.0, "≤5%", "已完成"),
        (0.08, "≤5%", "未完成"),
        ("99.16%", 0.95, "已完成"),
        ("90%", 0.95, "未完成"),
        (0.99, 0.95, "已完成"),
        (12.0, "≥10个", "已完成"),
        (8.0, "≥10个", "未完成"),
        (0.06, "增长5%以上", "需人工判断"),
        ("增长6%", "增长5%以上", "已完成"),
        ("大厅办件量增长1.12%，热线增长率117.8%", "持平或略有增长", "已完成"),
        ("按时完成", "按时完成", "需人工判断"),
        (None, "95%", "需人工判断"),
        (dt.datetime(2020, 12, 31), "2020年12月底前", "需人工判断"),
        (1.2, "≥95%", "需人工判断"),
        (1.2, "≥0.5%", "已完成"),
        (1.2, "≤1%", "未完成"),
    ],
)
def test_judge(xl, actual, target, status):
    assert xl.value("PERF_JUDGE", actual, target) == status
    assert udfs.PERF_JUDGE(actual, target) == status


@pytest.mark.parametrize(
    "actual, target, direction, status",
    [
        ("120万元", "100万元", MISSING, "需人工判断"),
        ("120万元", "100万元", "成本指标", "未完成"),
        ("90万元", "100万元", "成本指标", "已完成"),
        ("120万元", "100万元", "成本", "未完成"),
        ("120万元", "100万元", "≤", "未完成"),
        ("120万元", "100万元", "<=", "未完成"),
        ("120万元", "100万元", "＜＝", "未完成"),
        ("120万元", "100万元", ">=", "已完成"),
        ("120万元", "100万元", "数量指标", "已完成"),
        ("6个工作日", "5个工作日", "时效指标", "未完成"),
        ("4个工作日", "5个工作日", "时效指标", "已完成"),
        (0.98, "100%", "时效指标", "未完成"),
        (1.0, "100%", "时效指标", "已完成"),
        ("8%", "5%", "成本指标", "需人工判断"),
        ("99%", "≥95%", "≤", "需人工判断"),
        ("99%", "≥95%", None, "已完成"),
        ("99%", "≥95%", "", "已完成"),
        ("2起", "0起", MISSING, "未完成"),
        ("无", "无安全事故", "质量指标", "已完成"),
        ("≥266米", "≥250米", MISSING, "需人工判断"),
        ("95%", "较上年提高", "数量指标", "需人工判断"),
    ],
)
def test_judge_with_a_direction_or_a_sub_category(xl, actual, target, direction, status):
    assert xl.value("PERF_JUDGE", actual, target, direction) == status
    given = None if direction is MISSING else direction
    assert udfs.PERF_JUDGE(actual, target, given) == status
    if isinstance(actual, str):
        assert xl.value("PERF_JUDGE_REASON", actual, target, direction) == targets.judge(actual, target, given).reason


def test_the_reason_says_the_direction_came_from_the_sub_category(xl):
    reason = xl.value("PERF_JUDGE_REASON", "120万元", "100万元", "成本指标")
    assert reason == "预期值未写比较方向，按成本指标视为上限；实现值120万元高于预期值100万元，未完成"
    reason = xl.value("PERF_JUDGE_REASON", "120万元", "100万元", MISSING)
    assert reason == "预期值“100万元”未写比较方向，而金额或时长可能是上限也可能是下限，需人工判断"
    reason = xl.value("PERF_JUDGE_REASON", "≥266米", "≥250米", MISSING)
    assert "带有比较符号“≥”" in reason and "不是实际达到的数值" in reason


@pytest.mark.parametrize(
    "direction, expected",
    [
        ("foo", "#错误：“foo”既不是比较方向（≥、≤、=），也不是指标子类（如 成本指标）"),
        (5.0, "#错误：比较方向或指标子类应是文字，如“≥”“≤”或“成本指标”"),
        (True, "#错误：比较方向或指标子类应是文字，如“≥”“≤”或“成本指标”"),
        (DIV0, "#错误：比较方向或指标子类是Excel错误值#DIV/0!，请先修正它引用的单元格"),
        ((("≥", "≤"),), "#错误：比较方向或指标子类应是一个单元格，不能是多个单元格的区域"),
    ],
)
def test_a_bad_direction_is_named(xl, direction, expected):
    assert xl.value("PERF_JUDGE", "99%", "95%", direction) == expected
    assert xl.value("PERF_JUDGE_REASON", "99%", "95%", direction) == expected
    assert xl.value("PERF_POINTS", "99%", "95%", 10.0, direction) == expected


def test_points_follow_the_direction(xl):
    assert xl.value("PERF_POINTS", "125万元", "100万元", 10.0, "成本指标") == 8.0
    assert xl.value("PERF_POINTS", "125万元", "100万元", 10.0, MISSING).startswith("#需人工判断：")
    assert xl.value("PERF_POINTS", "2起", "0起", 10.0, MISSING) == 0.0
    assert xl.value("PERF_POINTS", "0起", "零事故", 10.0, "质量指标") == 10.0


@pytest.mark.parametrize(
    "actual, target",
    [
        ("99.16%", "95%以上"),
        ("90%", "≥95%"),
        ("12个", "不少于10个"),
        ("大厅办件量增长1.12%，热线增长率117.8%", "持平或略有增长"),
        ("效果明显", "达成预期指标"),
        ("", "95%"),
    ],
)
def test_text_goes_to_the_engine_unchanged(xl, actual, target):
    judgement = targets.judge(actual, target)
    assert xl.value("PERF_JUDGE", actual, target) == judgement.status.value
    assert xl.value("PERF_JUDGE_REASON", actual, target) == judgement.reason


def test_a_percent_cell_is_read_as_a_fraction_and_the_reason_says_so(xl):
    reason = xl.value("PERF_JUDGE_REASON", 0.9916, "95%以上")
    assert reason.startswith(targets.judge("99.16%", "95%以上").reason)
    assert "实现值单元格中的数字0.9916按百分比格式理解为99.16%" in reason


def test_a_bare_percentage_is_read_as_percent_and_the_reason_says_so(xl):
    reason = xl.value("PERF_JUDGE_REASON", 99.16, "95%以上")
    assert reason.startswith(targets.judge("99.16%", "95%以上").reason)
    assert "实现值单元格中的数字99.16按99.16%理解" in reason


def test_an_ambiguous_number_whose_readings_disagree_goes_to_a_person(xl):
    reason = xl.value("PERF_JUDGE_REASON", 1.2, "≥95%")
    assert "可能是120%，也可能是1.2%" in reason
    assert "按120%：已完成；按1.2%：未完成" in reason
    assert "“120%”或“1.2%”" in reason


def test_a_number_in_the_target_cell_is_read_like_one_in_the_actual_cell(xl):
    assert "预期值单元格中的数字0.95按百分比格式理解为95%" in xl.value("PERF_JUDGE_REASON", "99.16%", 0.95)
    assert xl.value("PERF_JUDGE", "99.16%", 1.2) == "需人工判断"


@settings(max_examples=60, deadline=None)
@given(st.decimals(min_value=0, max_value=1, places=4))
def test_fractions_up_to_one_judge_as_their_percentage(fraction):
    for target in ("≥95%", "≤5%", "100%"):
        expected = targets.judge(f"{fraction * 100}%", target).status.value
        assert udfs.PERF_JUDGE(float(fraction), target) == expected


@settings(max_examples=60, deadline=None)
@given(st.decimals(min_value=Decimal("1.5001"), max_value=1000, places=2))
def test_numbers_above_one_and_a_half_judge_as_percent(number):
    for target in ("≥95%", "≤5%"):
        expected = targets.judge(f"{number}%", target).status.value
        assert udfs.PERF_JUDGE(float(number), target) == expected


@pytest.mark.parametrize(
    "args, expected",
    [
        ((True, "95%"), "#错误：实现值是逻辑值TRUE，应填写数值或文字"),
        ((DIV0, "95%"), "#错误：实现值是Excel错误值#DIV/0!，请先修正它引用的单元格"),
        (("99%", ((0.9, 0.95),)), "#错误：预期值应是一个单元格，不能是多个单元格的区域"),
    ],
)
def test_bad_judge_arguments(xl, args, expected):
    assert xl.value("PERF_JUDGE", *args) == expected
    assert xl.value("PERF_JUDGE_REASON", *args) == expected
    assert xl.value("PERF_POINTS", *args, 10.0) == expected


# --------------------------------------------------------------------------- points


@pytest.mark.parametrize(
    "actual, target, points, expected",
    [
        (0.9916, "95%以上", 10.0, 10.0),
        ("99.16%", "95%以上", 10.0, 10.0),
        ("90%", "≥95%", 10.0, 9.47),
        (0.9, "≥95%", 10.0, 9.47),
        ("3%", "≤5%", 10.0, 10.0),
        ("8%", "≤5%", 10.0, 6.25),
        ("8个", "≥10个", 20.0, 16.0),
        ("8个", "≥10个", "20", 16.0),
        ("8个", "≥10个", 0.0, 0.0),
    ],
)
def test_points_for_quantitative_indicators(xl, actual, target, points, expected):
    assert xl.value("PERF_POINTS", actual, target, points) == expected


@pytest.mark.parametrize(
    "actual, target",
    [("按时完成", "按时完成"), ("效果明显", "≥95%"), (None, "95%"), (1.2, "≥95%"), (1.2, "≥150%")],
)
def test_points_that_need_a_person(xl, actual, target):
    text = xl.value("PERF_POINTS", actual, target, 10.0)
    assert text.startswith("#需人工判断：")
    assert len(text) > len("#需人工判断：") + 5


@pytest.mark.parametrize(
    "points, expected",
    [
        (None, "#错误：请填写分值"),
        ("abc", "#错误：分值“abc”不是数字"),
        (-1.0, "#错误：分值不能为负数"),
        (DIV0, "#错误：分值是Excel错误值#DIV/0!，请先修正它引用的单元格"),
    ],
)
def test_bad_points(xl, points, expected):
    assert xl.value("PERF_POINTS", "90%", "≥95%", points) == expected


def test_points_of_an_unfilled_row_stay_blank(xl):
    assert xl.value("PERF_POINTS", None, None, 10.0) == ""


# --------------------------------------------------------------------------- grade


@pytest.mark.parametrize(
    "score, grade",
    [(100.0, "优"), (90.0, "优"), (89.99, "良"), (80.0, "良"), (79.5, "中"), (60.0, "中"), (59.99, "差"),
     (0.0, "差"), ("92", "优")],
)
def test_grade_by_the_default_rule_set(xl, score, grade):
    assert xl.value("PERF_GRADE", score, MISSING) == grade
    assert udfs.PERF_GRADE(score) == grade


def test_grade_by_a_named_rule_set(xl):
    rules = load_rules("guangdong-municipal")
    for score in (95.0, 85.0, 65.0, 30.0):
        assert xl.value("PERF_GRADE", score, "guangdong-municipal") == rules.grade(Decimal(repr(score)))


@pytest.mark.parametrize(
    "args, expected",
    [
        ((101.0, MISSING), "#错误：总分101不在0到100分之间"),
        ((-1.0, MISSING), "#错误：总分-1不在0到100分之间"),
        (("abc", MISSING), "#错误：总分“abc”不是数字"),
        ((None, MISSING), ""),
    ],
)
def test_bad_scores(xl, args, expected):
    assert xl.value("PERF_GRADE", *args) == expected


def test_an_unknown_rule_set_is_named(xl):
    text = xl.value("PERF_GRADE", 90.0, "no-such-rules")
    assert text.startswith("#错误：未知的评分规则“no-such-rules”")


# --------------------------------------------------------------------------- robustness

CELL_VALUES = st.one_of(
    st.none(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(2**31), max_value=2**31 - 1),
    st.sampled_from([DIV0, NA, True, False, "", "无", "99.16%", "≥95%", "按时完成", "#错误：x", "1,2,3"]),
    st.text(max_size=12),
    st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2100, 1, 1)),
    st.tuples(st.tuples(st.floats(allow_nan=False), st.none())),
)


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(udfs.UDF_NAMES), st.lists(CELL_VALUES, min_size=4, max_size=4))
def test_no_argument_makes_a_function_raise(name, values):
    function = getattr(udfs, name)
    result = function(*values[: len(inspect.signature(function).parameters)])
    assert isinstance(result, (float, str))
    if isinstance(result, str) and result.startswith("#"):
        assert result.startswith(("#错误：", "#需人工判断：")), result
        assert "程序内部错误" not in result, result
