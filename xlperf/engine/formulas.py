"""The rates a self-evaluation reports (常用计算公式), computed exactly.

Every function returns a fraction (0.9916, not 99.16) as a Decimal, or `Undefined` with a
Chinese reason naming the argument that makes the rate meaningless: a missing value, text
that is not a number, a zero or negative denominator. Nothing here raises on bad input, so
a worksheet function or a check can show the reason to the person instead of an error.

Inputs may be Decimal, int, float (converted through repr, so 0.1 stays 0.1) or the text a
person typed: full-width digits, thousands separators, a trailing 万元, % or ‰.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import (
    MAX_EMAX,
    MIN_EMIN,
    ROUND_HALF_UP,
    Context,
    Decimal,
    DecimalException,
    DivisionByZero,
    InvalidOperation,
    localcontext,
)
from typing import Iterable, Union

__all__ = [
    "Undefined",
    "Result",
    "to_decimal",
    "sum_filled",
    "difference",
    "format_number",
    "format_percent",
    "wide_context",
    "rate",
    "growth_rate",
    "execution_rate",
    "arrival_rate",
    "balance_rate",
    "completion_rate",
    "satisfaction",
]


@dataclass(frozen=True)
class Undefined:
    """A rate that cannot be computed; `reason` says why, in Chinese."""

    reason: str

    def __str__(self) -> str:
        return self.reason


Result = Union[Decimal, Undefined]

_NUMBER = re.compile(r"[+-]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?|[+-]?\.[0-9]+")
_SUFFIX_SCALE = (("万元", Decimal(1)), ("%", Decimal("0.01")), ("‰", Decimal("0.001")))
_MINUS_SIGNS = str.maketrans({"−": "-", "–": "-", "—": "-", "﹣": "-"})


def to_decimal(value: object) -> Decimal | None:
    """A number as Decimal, or None when the value is missing or not a number.

    Text may use full-width digits and punctuation, thousands separators ("1,234.5"), and
    end in 万元 (kept as is: amounts are in 万元), % (divided by 100) or ‰ (by 1000).
    Booleans, NaN, infinities and any other unit give None. Never raises.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        number = Decimal(repr(value)) if value == value and abs(value) != float("inf") else None
        return number
    if not isinstance(value, str):
        return None
    text = unicodedata.normalize("NFKC", value).translate(_MINUS_SIGNS).strip()
    scale = Decimal(1)
    for suffix, factor in _SUFFIX_SCALE:
        if text.endswith(suffix):
            text, scale = text[: -len(suffix)].rstrip(), factor
            break
    if not _NUMBER.fullmatch(text):
        return None
    try:
        return Decimal(text.replace(",", "")) * scale
    except (InvalidOperation, DecimalException):
        return None


def sum_filled(values: Iterable[Decimal | None]) -> Decimal | None:
    """The sum of the values that are filled in; None when none is (an empty block is not 0).

    Never raises: the sum is taken in `wide_context`, so absurd amounts cannot overflow.
    """
    present = [v for v in values if v is not None]
    if not present:
        return None
    with localcontext(wide_context()):
        return sum(present, Decimal(0))


def difference(a: Decimal, b: Decimal) -> Decimal:
    """How far apart two amounts are, |a - b|; never overflows, however absurd the amounts."""
    with localcontext(wide_context()):
        return abs(a - b)


LONGEST = 40
"""Digits before or after the point beyond which a number is shown as 1E+45 (never written out)."""


def wide_context() -> Context:
    """A decimal context in which adding, subtracting and scaling amounts cannot overflow."""
    return Context(prec=28, Emax=MAX_EMAX, Emin=MIN_EMIN, traps=[InvalidOperation, DivisionByZero])


def format_number(value: object, places: int | None = None) -> str:
    """A number as the forms write it; never raises.

    With `places`, exactly that many decimals, half up (122.165 -> "122.17" for 2); without,
    every decimal it has and no trailing zeros (10, 12.5, 35.71). A number whose integer
    part (or, without `places`, whose leading zeros) would run past `LONGEST` digits is
    written like 1E+50, so that absurd input cannot make a huge text. Minus zero is
    written as zero. Anything that is not a number (Undefined, None, text) is "—".
    """
    number = to_decimal(value) if not isinstance(value, Undefined) else None
    if number is None:
        return "—"
    if number and (number.adjusted() >= LONGEST or (places is None and number.adjusted() <= -LONGEST)):
        return f"{number:E}"
    if places is None:
        text = f"{number:f}"
        text = text.rstrip("0").rstrip(".") if "." in text else text
    else:
        places = max(0, int(places))
        with localcontext(wide_context()) as ctx:
            ctx.prec = max(28, number.adjusted() + places + 4)
            text = f"{number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP):f}"
    return text[1:] if text.startswith("-") and not text.strip("-0.") else text


def format_amount(value: object, places: int | None = None) -> str:
    """An amount in 万元 as finance staff read it: thousands separated (1,234.50); with
    `places` exactly that many decimals, else two, or every place when it has more (so that
    a slip such as 122.175 stays visible in a check's message)."""
    number = to_decimal(value) if not isinstance(value, Undefined) else None
    if number is None:
        return "—"
    if places is None:
        try:
            places = 2 if number == number.quantize(Decimal("0.01")) else None
        except InvalidOperation:
            places = None
    text = format_number(number, places)
    if "E" in text:
        return text
    negative = text.startswith("-")
    whole, dot, frac = text.lstrip("-").partition(".")
    return f"{'-' if negative else ''}{int(whole):,}{dot}{frac}"


def format_date(value) -> str:
    """A date as every output of xlperf writes it in sentences: 2021年3月18日."""
    return f"{value.year}年{value.month}月{value.day}日"


def format_percent(fraction: object, places: int = 2) -> str:
    """A fraction as a percentage with `places` decimals, half up: 0.99155 -> "99.16%".

    Never raises. Anything that is not a number (Undefined, None, text) is shown as "—",
    the mark Chinese tables use for "not applicable".
    """
    number = to_decimal(fraction) if not isinstance(fraction, Undefined) else None
    if number is None:
        return "—"
    with localcontext(wide_context()):
        return f"{format_number(number.scaleb(2), places)}%"


@dataclass(frozen=True)
class _Formula:
    """A named rate with the Chinese words for its name and its two arguments."""

    name: str
    numerator: str
    denominator: str
    negative_numerator: bool = False
    at_most_one: bool = False


def _compute(formula: _Formula, numerator: object, denominator: object) -> Result:
    top = _argument(formula.name, _who("分子", formula.numerator), numerator, formula.negative_numerator)
    if isinstance(top, Undefined):
        return top
    bottom = _argument(formula.name, _who("分母", formula.denominator), denominator, False)
    if isinstance(bottom, Undefined):
        return bottom
    if bottom == 0:
        return Undefined(f"{_who('分母', formula.denominator)}为零，无法计算{formula.name}")
    if formula.at_most_one and top > bottom:
        return Undefined(
            f"{formula.numerator}（{top}）大于{formula.denominator}（{bottom}），"
            f"{formula.name}不能超过100%，请核对数据"
        )
    try:
        return top / bottom
    except (InvalidOperation, DecimalException):
        return Undefined(f"数值超出可计算范围，无法计算{formula.name}")


def _argument(name: str, who: str, value: object, negative_ok: bool) -> Decimal | Undefined:
    """One argument as a Decimal, or Undefined saying what is wrong with it."""
    if value is None or (isinstance(value, str) and value.strip() == ""):
        return Undefined(f"{who}为空，无法计算{name}")
    number = to_decimal(value)
    if number is None:
        return Undefined(f"{who}“{value}”不是数字，无法计算{name}")
    if number < 0 and not negative_ok:
        return Undefined(f"{who}为负数（{number}），无法计算{name}")
    return number


def _who(role: str, label: str) -> str:
    return f"{role}（{label}）" if label else role


_RATE = _Formula("比率", "", "", negative_numerator=True)
_GROWTH = _Formula("增长率", "本期数", "上期数", negative_numerator=True)
_EXECUTION = _Formula("预算执行率", "执行数", "预算数")
_ARRIVAL = _Formula("资金到位率", "实际到位数", "计划投入数")
_BALANCE = _Formula("结余率", "结余数", "预算数", negative_numerator=True)
_COMPLETION = _Formula("完成率", "完成数", "计划数")
_SATISFACTION = _Formula("满意度", "满意数", "有效评价数", at_most_one=True)


def rate(numerator: object, denominator: object) -> Result:
    """比率 = 分子 / 分母 (a positive denominator; the numerator may be negative)."""
    return _compute(_RATE, numerator, denominator)


def growth_rate(current: object, previous: object) -> Result:
    """增长率 = (本期 - 上期) / 上期; a zero or negative previous value makes it meaningless."""
    change = _argument(_GROWTH.name, "本期数", current, True)
    if isinstance(change, Undefined):
        return change
    base = _argument(_GROWTH.name, "分母（上期数）", previous, False)
    if isinstance(base, Undefined):
        return base
    try:
        return _compute(_GROWTH, change - base, base)
    except (InvalidOperation, DecimalException):
        return Undefined("数值超出可计算范围，无法计算增长率")


def execution_rate(spent: object, budget: object) -> Result:
    """预算执行率 = 全年执行数 / 全年预算数 (may exceed 1 when overspent)."""
    return _compute(_EXECUTION, spent, budget)


def arrival_rate(arrived: object, planned: object) -> Result:
    """资金到位率 = 实际到位资金 / 计划投入资金."""
    return _compute(_ARRIVAL, arrived, planned)


def balance_rate(balance: object, budget: object) -> Result:
    """结余率 = 结余数 / 预算数 (a negative balance, i.e. overspending, gives a negative rate)."""
    return _compute(_BALANCE, balance, budget)


def completion_rate(done: object, planned: object) -> Result:
    """完成率 = 实际完成数 / 计划完成数 (may exceed 1 when over-fulfilled)."""
    return _compute(_COMPLETION, done, planned)


def satisfaction(satisfied: object, total: object) -> Result:
    """满意度 = 满意数 / 有效评价数; more satisfied answers than answers is a data error."""
    return _compute(_SATISFACTION, satisfied, total)
