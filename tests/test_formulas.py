"""Formulas: exact rates as fractions, and a Chinese reason naming the bad argument."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xlperf.engine.formulas import (
    Undefined,
    arrival_rate,
    balance_rate,
    completion_rate,
    difference,
    execution_rate,
    format_number,
    format_percent,
    growth_rate,
    rate,
    satisfaction,
    sum_filled,
    to_decimal,
)


@pytest.mark.parametrize(
    "value, expected",
    [
        (Decimal("12.30"), Decimal("12.30")),
        (7, Decimal(7)),
        (0.1, Decimal("0.1")),
        (1e20, Decimal("1E+20")),
        ("122.17", Decimal("122.17")),
        ("  122.17 ", Decimal("122.17")),
        ("１２２．１７", Decimal("122.17")),
        ("1,234.5", Decimal("1234.5")),
        ("１，２３４．５", Decimal("1234.5")),
        ("122.17万元", Decimal("122.17")),
        ("99.16%", Decimal("0.9916")),
        ("９９．１６％", Decimal("0.9916")),
        ("5‰", Decimal("0.005")),
        ("-3.5", Decimal("-3.5")),
        ("−3.5", Decimal("-3.5")),
        (".5", Decimal("0.5")),
        (None, None),
        ("", None),
        ("   ", None),
        ("abc", None),
        ("12元", None),
        ("1,23", None),
        ("1.2.3", None),
        ("NaN", None),
        ("Infinity", None),
        (Decimal("NaN"), None),
        (float("nan"), None),
        (float("inf"), None),
        (True, None),
        ([1], None),
    ],
)
def test_to_decimal(value, expected):
    assert to_decimal(value) == expected


@given(st.one_of(st.text(), st.integers(), st.floats(), st.decimals(), st.none(), st.booleans()))
@settings(max_examples=500, deadline=None)
def test_to_decimal_never_raises_and_gives_finite_numbers(value):
    result = to_decimal(value)
    assert result is None or (isinstance(result, Decimal) and result.is_finite())


@pytest.mark.parametrize(
    "fraction, places, expected",
    [
        (Decimal("0.9916"), 2, "99.16%"),
        (Decimal("0.99155"), 2, "99.16%"),
        (Decimal("0.99154"), 2, "99.15%"),
        (Decimal("1"), 2, "100.00%"),
        (Decimal("0.5"), 0, "50%"),
        (Decimal("0.12345"), 3, "12.345%"),
        (Decimal("-0.00001"), 2, "0.00%"),
        (Decimal("-0.05"), 1, "-5.0%"),
        (Decimal("1E+3"), 2, "100000.00%"),
        (Undefined("分母为零"), 2, "—"),
        (None, 2, "—"),
    ],
)
def test_format_percent(fraction, places, expected):
    assert format_percent(fraction, places) == expected


def test_format_percent_defaults_to_two_places():
    assert format_percent(Decimal("0.9959")) == "99.59%"


@pytest.mark.parametrize(
    "value, places, expected",
    [
        (Decimal("122.165"), 2, "122.17"),
        (Decimal("0.005"), 2, "0.01"),
        (Decimal("-0.001"), 2, "0.00"),
        (Decimal("12.50"), None, "12.5"),
        (Decimal("1E+2"), None, "100"),
        (Decimal("35.71"), None, "35.71"),
        (Decimal("-0.0"), None, "0"),
        (Decimal("1E+2"), 0, "100"),
        (Decimal("1" + "0" * 30), 2, "1" + "0" * 30 + ".00"),
        (Decimal("1E+999999999"), 2, "1E+999999999"),
        (Decimal("1E-999999999"), 2, "0.00"),
        (Decimal("1E-999999999"), None, "1E-999999999"),
        (Undefined("分母为零"), 2, "—"),
        (None, None, "—"),
    ],
)
def test_format_number(value, places, expected):
    assert format_number(value, places) == expected


@given(st.decimals(allow_nan=False, allow_infinity=False), st.none() | st.integers(0, 6))
@settings(max_examples=300, deadline=None)
def test_formatting_never_raises_and_stays_short(value, places):
    for text in (format_number(value, places), format_percent(value, places or 0)):
        assert text and len(text) < 100 + len(str(value))


def test_huge_percentages_are_written_out_not_raised():
    assert format_percent(Decimal("1" + "0" * 24)) == "1" + "0" * 26 + ".00%"
    assert format_percent(Decimal("1E+999999999")) == "1E+1000000001%"


def test_sums_and_differences_of_absurd_amounts():
    huge = Decimal("9E+999999999")
    assert sum_filled([None, None]) is None
    assert sum_filled([Decimal("1.10"), None, Decimal("2")]) == Decimal("3.10")
    assert sum_filled([huge, huge]) == Decimal("1.8E+1000000000")
    assert difference(huge, Decimal("-9E+999999999")) == Decimal("1.8E+1000000000")
    assert difference(Decimal("1"), Decimal("3.5")) == Decimal("2.5")


@pytest.mark.parametrize(
    "func, args, expected",
    [
        (rate, (1, 4), Decimal("0.25")),
        (rate, ("-1", "4"), Decimal("-0.25")),
        (growth_rate, (110, 100), Decimal("0.1")),
        (growth_rate, ("90", "100"), Decimal("-0.1")),
        (growth_rate, (-10, 100), Decimal("-1.1")),
        (growth_rate, (100, 100), Decimal("0")),
        (execution_rate, ("１２２．１７万元", "122.17"), Decimal("1")),
        (execution_rate, (Decimal("110.5"), Decimal("122.17")), Decimal("110.5") / Decimal("122.17")),
        (execution_rate, (130, 100), Decimal("1.3")),
        (execution_rate, (0, 100), Decimal("0")),
        (arrival_rate, (95, 100), Decimal("0.95")),
        (balance_rate, (5, 100), Decimal("0.05")),
        (balance_rate, (-5, 100), Decimal("-0.05")),
        (completion_rate, ("1,200", "1,000"), Decimal("1.2")),
        (satisfaction, (2430, 2440), Decimal(2430) / Decimal(2440)),
        (satisfaction, (10, 10), Decimal(1)),
        (rate, (0.1, 0.2), Decimal("0.5")),
    ],
)
def test_formulas_compute_exact_fractions(func, args, expected):
    result = func(*args)
    assert isinstance(result, Decimal)
    assert result == expected


@pytest.mark.parametrize(
    "func, args, reason",
    [
        (execution_rate, (100, 0), "分母（预算数）为零，无法计算预算执行率"),
        (execution_rate, (100, "0.00"), "分母（预算数）为零，无法计算预算执行率"),
        (execution_rate, (100, None), "分母（预算数）为空，无法计算预算执行率"),
        (execution_rate, (100, ""), "分母（预算数）为空，无法计算预算执行率"),
        (execution_rate, (100, "约一百"), "分母（预算数）“约一百”不是数字，无法计算预算执行率"),
        (execution_rate, (100, -5), "分母（预算数）为负数（-5），无法计算预算执行率"),
        (execution_rate, (None, 100), "分子（执行数）为空，无法计算预算执行率"),
        (execution_rate, ("x", 100), "分子（执行数）“x”不是数字，无法计算预算执行率"),
        (execution_rate, (-1, 100), "分子（执行数）为负数（-1），无法计算预算执行率"),
        (arrival_rate, (50, 0), "分母（计划投入数）为零，无法计算资金到位率"),
        (arrival_rate, (None, 10), "分子（实际到位数）为空，无法计算资金到位率"),
        (balance_rate, (5, 0), "分母（预算数）为零，无法计算结余率"),
        (balance_rate, (5, "-1"), "分母（预算数）为负数（-1），无法计算结余率"),
        (completion_rate, (5, 0), "分母（计划数）为零，无法计算完成率"),
        (completion_rate, (5, True), "分母（计划数）“True”不是数字，无法计算完成率"),
        (satisfaction, (5, 0), "分母（有效评价数）为零，无法计算满意度"),
        (satisfaction, (11, 10), "满意数（11）大于有效评价数（10），满意度不能超过100%，请核对数据"),
        (growth_rate, (100, 0), "分母（上期数）为零，无法计算增长率"),
        (growth_rate, (100, -50), "分母（上期数）为负数（-50），无法计算增长率"),
        (growth_rate, (100, None), "分母（上期数）为空，无法计算增长率"),
        (growth_rate, ("", 100), "本期数为空，无法计算增长率"),
        (growth_rate, ("多", 100), "本期数“多”不是数字，无法计算增长率"),
        (rate, (1, 0), "分母为零，无法计算比率"),
        (rate, (None, 1), "分子为空，无法计算比率"),
    ],
)
def test_formulas_explain_undefined_results(func, args, reason):
    result = func(*args)
    assert result == Undefined(reason)
    assert str(result) == reason


_inputs = st.one_of(
    st.none(),
    st.integers(-10**6, 10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(),
    st.text(max_size=12),
)


@given(
    st.sampled_from([rate, growth_rate, execution_rate, arrival_rate, balance_rate, completion_rate, satisfaction]),
    _inputs,
    _inputs,
)
@settings(max_examples=500, deadline=None)
def test_formulas_never_raise(func, a, b):
    result = func(a, b)
    assert isinstance(result, (Decimal, Undefined))
    if isinstance(result, Undefined):
        assert "无法计算" in result.reason or "请核对" in result.reason


@given(
    st.decimals(min_value=0, max_value=10**9, places=2),
    st.decimals(min_value=Decimal("0.01"), max_value=10**9, places=2),
)
@settings(max_examples=300, deadline=None)
def test_execution_rate_times_budget_gives_spending_back(spent, budget):
    result = execution_rate(spent, budget)
    assert isinstance(result, Decimal)
    assert abs(result * budget - spent) < Decimal("1E-15") * max(budget, spent, 1)


def test_amounts_and_dates_as_finance_staff_read_them():
    import datetime as dt

    from xlperf.engine.formulas import format_amount, format_date

    assert format_amount(Decimal("1234567.5")) == "1,234,567.50"
    assert format_amount(Decimal("-1234.565")) == "-1,234.565"  # a third decimal stays visible
    assert format_amount(Decimal("1234.565"), 2) == "1,234.57"
    assert format_amount(Decimal("122.17")) == "122.17" and format_amount(None) == "—"
    assert format_date(dt.date(2021, 3, 8)) == "2021年3月8日"
