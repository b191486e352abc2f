"""Worksheet functions for Excel (xlwings UDFs, 自定义函数): PERF_RATE, PERF_JUDGE, ...

Each function only converts what Excel passes, calls the engine (`xlperf.formulas`,
`xlperf.targets`, `xlperf.scoring`) and returns something a cell can show; the
workbook's VBA wrappers come from these definitions (`xlperf.vba_modules`).

What arrives (after xlwings' conversion): a float for a number, also for a cell
formatted as a percentage (99.16% is stored as 0.9916); a str for text; None for an
empty cell; a bool; a datetime; a list (of lists) for a range of several cells; an
Excel error value as its text ("#DIV/0!", option `err_to_str`).

What comes back: a number (rates as fractions, to be formatted as %), a Chinese word,
or, when nothing can be computed, a text starting with "#错误：" (a bad or missing
argument) or "#需人工判断：" (a value a person must judge). No exception reaches Excel.
Such a text passed on to another PERF_ function comes out unchanged, as Excel's own
errors do. A call whose inputs are all empty returns "", so unfilled rows stay blank.

A number judged against a target written in percent (“95%以上”) must be read as a
percentage, and a cell does not tell which scale it uses. The rule:
- |x| ≤ 1 is a fraction (0.9916 → 99.16%): what Excel stores for a cell formatted as
  %, or for “99.16%” typed into it, and what PERF_RATE returns;
- |x| > 1.5 is already in percent (99.16 → 99.16%), typed without the % sign: a
  rate above 150% is rare against such targets;
- in between (1.2: 120% or 1.2%?) both readings are judged; when their statuses
  differ the function asks a person ("需人工判断") and says how to write the value
  unambiguously; when both say 未完成 with different ratios, PERF_POINTS asks a person.
The reading used is named in the reason (PERF_JUDGE_REASON). The same rule applies to
a number in the target cell when the actual value is text with %. Two numbers are
compared as they are.

PERF_JUDGE, PERF_JUDGE_REASON and PERF_POINTS take an optional last argument, `direction`:
a comparison ("≥", "<=", "＞") or the indicator's sub-category ("成本指标", "时效"), for a
target written as a bare number ("100万元"); docs/targets.md has the table. Left out, the
call is the two-argument call of earlier workbooks, whose VBA wrappers keep working.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import xlwings as xw

from xlperf.engine import formulas

UDF_NAMES = (
    "PERF_RATE",
    "PERF_GROWTH",
    "PERF_EXEC_RATE",
    "PERF_ARRIVAL_RATE",
    "PERF_BALANCE_RATE",
    "PERF_COMPLETION_RATE",
    "PERF_SATISFACTION",
    "PERF_JUDGE",
    "PERF_JUDGE_REASON",
    "PERF_POINTS",
    "PERF_GRADE",
)
"""The worksheet functions, in the order the documentation lists them."""

__all__ = list(UDF_NAMES)

CATEGORY = "绩效自评"
"""The group the functions appear under in Excel's Insert Function dialog."""

ERROR = "#错误："
REVIEW = "#需人工判断："

Cell = Any
"""What Excel passes for one argument: float, str, None, bool, datetime or a list."""
Shown = Any
"""What a cell shows: a float or a str."""

_EXCEL_ERRORS = frozenset({"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!"})
_FRACTION_UP_TO = Decimal(1)
_PERCENT_FROM = Decimal("1.5")

log = logging.getLogger(__name__)


class _Refusal(Exception):
    """The text a cell shows instead of a result."""

    def __init__(self, text: str):
        super().__init__(text)
        self.text = text


def _cell_function(f):
    """Turn refusals and unexpected failures into a text for the cell, never an exception."""

    @functools.wraps(f)
    def wrapper(*args):
        try:
            return f(*args)
        except _Refusal as refusal:
            return refusal.text
        except Exception as e:  # noqa: BLE001 - a traceback in a cell helps nobody
            log.exception("%s failed", f.__name__)
            return f"{ERROR}程序内部错误（{type(e).__name__}），请把工作簿和这一格的公式发给维护人员"

    return wrapper


def _arg(name: str, doc: str):
    """`@xw.arg` with the argument's Chinese description and Excel errors kept as text."""
    return xw.arg(name, doc=doc, err_to_str=True)


# --------------------------------------------------------------------------- arguments


def _single(value: Cell, label: str) -> Cell:
    """The value of a one-cell argument; a range of several cells is refused."""
    while isinstance(value, (list, tuple)):
        if len(value) != 1:
            raise _Refusal(f"{ERROR}{label}应是一个单元格，不能是多个单元格的区域")
        value = value[0]
    return value


def _empty(value: Cell) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def _checked(value: Cell, label: str) -> Cell:
    """The argument itself, after refusing ranges, Excel errors and passing on our own error texts."""
    value = _single(value, label)
    if isinstance(value, str):
        text = value.strip()
        if text.startswith((ERROR, REVIEW)):
            raise _Refusal(text)
        if text.upper() in _EXCEL_ERRORS:
            raise _Refusal(f"{ERROR}{label}是Excel错误值{text.upper()}，请先修正它引用的单元格")
    return value


def _engine_value(value: Cell, label: str) -> float | int | str | None:
    """An argument the engine reads as a number: a number, a text or empty; anything else is refused."""
    value = _checked(value, label)
    if isinstance(value, bool):
        raise _Refusal(f"{ERROR}{label}是逻辑值{'TRUE' if value else 'FALSE'}，应填写数字")
    if value is None or isinstance(value, (int, float, str)):
        return value
    raise _Refusal(f"{ERROR}{label}是日期或其他非数字内容，应填写数字")


def _number(value: Cell, label: str) -> Decimal:
    """A required number (points, a score), read as `xlperf.formulas` reads numbers."""
    value = _engine_value(value, label)
    if _empty(value):
        raise _Refusal(f"{ERROR}请填写{label}")
    number = formulas.to_decimal(value)
    if number is None:
        shown = f"“{value.strip()}”" if isinstance(value, str) else ""
        raise _Refusal(f"{ERROR}{label}{shown}不是数字")
    return number


def _plain(value: Decimal) -> str:
    """A number without exponent or trailing zeros (99.16, 100, 0.5)."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "0") else text


# --------------------------------------------------------------------------- rates


def _fraction(formula: str, *pairs: tuple[Cell, str]) -> Shown:
    """Call `xlperf.formulas.<formula>` on the converted arguments; a fraction or an error text."""
    if all(_empty(_single(value, label)) for value, label in pairs):
        return ""
    args = [_engine_value(value, label) for value, label in pairs]
    result = getattr(formulas, formula)(*args)
    if isinstance(result, formulas.Undefined):
        return ERROR + result.reason
    return float(result)


@xw.func(category=CATEGORY)
@_arg("numerator", "分子")
@_arg("denominator", "分母")
@_cell_function
def PERF_RATE(numerator: Cell, denominator: Cell) -> Shown:
    """比率 = 分子 ÷ 分母。返回小数（如0.9916），请把单元格设为百分比格式。"""
    return _fraction("rate", (numerator, "分子"), (denominator, "分母"))


@xw.func(category=CATEGORY)
@_arg("current", "本期数（如本年办理量）")
@_arg("previous", "上期数（如上年办理量）")
@_cell_function
def PERF_GROWTH(current: Cell, previous: Cell) -> Shown:
    """增长率 = (本期数 - 上期数) ÷ 上期数。返回小数，请把单元格设为百分比格式。"""
    return _fraction("growth_rate", (current, "本期数"), (previous, "上期数"))


@xw.func(category=CATEGORY)
@_arg("spent", "全年执行数（万元）")
@_arg("budget", "全年预算数（万元）")
@_cell_function
def PERF_EXEC_RATE(spent: Cell, budget: Cell) -> Shown:
    """预算执行率 = 全年执行数 ÷ 全年预算数。返回小数，请把单元格设为百分比格式。"""
    return _fraction("execution_rate", (spent, "执行数"), (budget, "预算数"))


@xw.func(category=CATEGORY)
@_arg("arrived", "实际到位资金（万元）")
@_arg("planned", "计划投入资金（万元）")
@_cell_function
def PERF_ARRIVAL_RATE(arrived: Cell, planned: Cell) -> Shown:
    """资金到位率 = 实际到位资金 ÷ 计划投入资金。返回小数，请把单元格设为百分比格式。"""
    return _fraction("arrival_rate", (arrived, "实际到位资金"), (planned, "计划投入资金"))


@xw.func(category=CATEGORY)
@_arg("balance", "结余数（万元）")
@_arg("budget", "预算数（万元）")
@_cell_function
def PERF_BALANCE_RATE(balance: Cell, budget: Cell) -> Shown:
    """结余率 = 结余数 ÷ 预算数。返回小数，请把单元格设为百分比格式。"""
    return _fraction("balance_rate", (balance, "结余数"), (budget, "预算数"))


@xw.func(category=CATEGORY)
@_arg("done", "实际完成数")
@_arg("planned", "计划数")
@_cell_function
def PERF_COMPLETION_RATE(done: Cell, planned: Cell) -> Shown:
    """完成率 = 实际完成数 ÷ 计划数。返回小数，请把单元格设为百分比格式。"""
    return _fraction("completion_rate", (done, "实际完成数"), (planned, "计划数"))


@xw.func(category=CATEGORY)
@_arg("satisfied", "满意数")
@_arg("total", "有效评价总数")
@_cell_function
def PERF_SATISFACTION(satisfied: Cell, total: Cell) -> Shown:
    """满意度 = 满意数 ÷ 有效评价总数。返回小数，请把单元格设为百分比格式。"""
    return _fraction("satisfaction", (satisfied, "满意数"), (total, "有效评价总数"))


# --------------------------------------------------------------------------- judgement


@dataclass(frozen=True)
class _Verdict:
    """A judgement as the cell shows it; `judgement` is None when the UDF itself asks for a person."""

    status: str
    reason: str
    judgement: Any = None


@dataclass(frozen=True)
class _Reading:
    """One way to read a cell as the engine's text, with the note that tells the person so."""

    text: str
    note: str = ""


def _readings(value: Cell, label: str, percent: bool) -> list[_Reading]:
    """The text(s) a cell value may stand for; two when a number's scale is ambiguous."""
    value = _checked(value, label)
    if value is None:
        return [_Reading("")]
    if isinstance(value, bool):
        raise _Refusal(f"{ERROR}{label}是逻辑值{'TRUE' if value else 'FALSE'}，应填写数值或文字")
    if isinstance(value, str):
        return [_Reading(value)]
    if isinstance(value, (int, float)):
        number = _number(value, label)
        if not percent:
            return [_Reading(_plain(number))]
        as_fraction = _Reading(
            f"{_plain(number * 100)}%", f"{label}单元格中的数字{_plain(number)}按百分比格式理解为{_plain(number * 100)}%"
        )
        as_percent = _Reading(f"{_plain(number)}%", f"{label}单元格中的数字{_plain(number)}按{_plain(number)}%理解")
        if abs(number) <= _FRACTION_UP_TO:
            return [as_fraction]
        if abs(number) > _PERCENT_FROM:
            return [as_percent]
        return [as_fraction, as_percent]
    if hasattr(value, "year") and hasattr(value, "month") and hasattr(value, "day"):
        return [_Reading(f"{value.year}年{value.month}月{value.day}日")]
    raise _Refusal(f"{ERROR}{label}的内容无法识别，请填写数值或文字")


def _in_percent(value: Cell, label: str) -> bool:
    """Whether a text expected (预期值) or actual (实现值) value is stated in %."""
    from xlperf.engine import targets

    value = _single(value, label)
    if not isinstance(value, str):
        return False
    if label == "预期值":
        return targets.parse_target(value).unit == "%"
    return any(q.unit == "%" for q in targets.parse_actual(value).quantities)


def _basis(value: Cell):
    """The optional direction or sub-category argument, as `xlperf.engine.targets.read_basis` reads it."""
    from xlperf.engine import targets

    value = _checked(value, "比较方向或指标子类")
    if _empty(value):
        return None
    if not isinstance(value, str):
        raise _Refusal(f"{ERROR}比较方向或指标子类应是文字，如“≥”“≤”或“成本指标”")
    basis = targets.read_basis(value)
    if basis.problem:
        raise _Refusal(ERROR + basis.problem)
    return basis


def _judge(actual: Cell, target: Cell, direction: Cell = None) -> _Verdict:
    """PERF_JUDGE's verdict: `xlperf.targets.judge` on the text(s) the two cells stand for."""
    from xlperf.engine import targets

    basis = _basis(direction)
    actuals = _readings(actual, "实现值", _in_percent(target, "预期值"))
    expected = _readings(target, "预期值", _in_percent(actual, "实现值"))
    (first_a, first_t, first), *others = [
        (a, t, targets.judge(a.text, t.text, basis)) for a in actuals for t in expected
    ]
    notes = [note for note in (first_a.note, first_t.note) if note]
    judgement = first
    for alt_a, alt_t, alt in others:  # at most one: only a number against text has two readings
        label, one, other = ("实现值", first_a, alt_a) if alt_a is not first_a else ("预期值", first_t, alt_t)
        if alt.status != first.status:
            reason = (
                f"{label}单元格中的数字可能是{one.text}，也可能是{other.text}，两种理解的判断不同"
                f"（按{one.text}：{first.status.value}；按{other.text}：{alt.status.value}）。"
                f"请把{label}写成文字，如“{one.text}”或“{other.text}”（单元格设为文本格式，或先输入英文单引号'）"
            )
            return _Verdict(targets.Status.REVIEW.value, reason)
        notes.append(f"按{other.text}理解同样{alt.status.value}")
        if alt.status == targets.Status.NOT_MET and alt.ratio != first.ratio:
            notes.append("但两种理解的完成比例不同，得分需人工判断")
            judgement = None
    reason = first.reason + (f"（{'；'.join(notes)}）" if notes else "")
    return _Verdict(first.status.value, reason, judgement)


@xw.func(category=CATEGORY)
@_arg("actual", "评价年度实现值，如“99.16%”或0.9916")
@_arg("target", "评价年度预期值，如“95%以上”“≤5%”“按时完成”")
@_arg("direction", "可省略：比较方向（≥、≤、=）或指标子类（如 成本指标、时效指标），用于预期值未写比较方向时")
@_cell_function
def PERF_JUDGE(actual: Cell, target: Cell, direction: Cell = None) -> Shown:
    """判断指标是否完成：返回“已完成”“未完成”或“需人工判断”（定性指标由人判断）。"""
    if _empty(_single(actual, "实现值")) and _empty(_single(target, "预期值")):
        return ""
    return _judge(actual, target, direction).status


@xw.func(category=CATEGORY)
@_arg("actual", "评价年度实现值，如“99.16%”或0.9916")
@_arg("target", "评价年度预期值，如“95%以上”“≤5%”“按时完成”")
@_arg("direction", "可省略：比较方向（≥、≤、=）或指标子类（如 成本指标、时效指标），用于预期值未写比较方向时")
@_cell_function
def PERF_JUDGE_REASON(actual: Cell, target: Cell, direction: Cell = None) -> Shown:
    """说明PERF_JUDGE的判断依据：比较了哪些数值，为何完成、未完成或需人工判断。"""
    if _empty(_single(actual, "实现值")) and _empty(_single(target, "预期值")):
        return ""
    return _judge(actual, target, direction).reason


MAX_POINTS = 1000
"""A row's 分值 is at most the form's 100 (1000 leaves room for other scales); larger is a slip."""


@xw.func(category=CATEGORY)
@_arg("actual", "评价年度实现值")
@_arg("target", "评价年度预期值")
@_arg("points", "该指标的分值")
@_arg("direction", "可省略：比较方向（≥、≤、=）或指标子类（如 成本指标、时效指标），用于预期值未写比较方向时")
@_cell_function
def PERF_POINTS(actual: Cell, target: Cell, points: Cell, direction: Cell = None) -> Shown:
    """定量指标得分：完成得满分；未完成按完成比例得分（分值×实现值÷预期值，“≤”类反之）。"""
    if _empty(_single(actual, "实现值")) and _empty(_single(target, "预期值")):
        return ""
    available = _number(points, "分值")
    if available < 0:
        raise _Refusal(f"{ERROR}分值不能为负数")
    if available > MAX_POINTS:
        raise _Refusal(f"{ERROR}分值 {_plain(available)} 过大，一项指标的分值不超过 {MAX_POINTS} 分")
    verdict = _judge(actual, target, direction)
    if verdict.judgement is None:
        return REVIEW + verdict.reason
    from xlperf.engine import scoring

    # the same share of points as the scorecard gives the indicator
    achieved = scoring.achievement(verdict.judgement)
    if achieved is not None:
        return float(scoring.earned_points(available, achieved))
    if verdict.judgement.status.name == "REVIEW":
        return REVIEW + verdict.reason
    return f"{REVIEW}{verdict.status}，但无法计算完成比例，请按档次评分：{verdict.reason}"


def _rules(name: str | None):
    """The rule set by name or path (scoring reads a file again when it changes)."""
    from xlperf.engine import scoring

    try:
        return scoring.load_rules(name)
    except scoring.RulesError as e:
        raise _Refusal(ERROR + e.message) from None


@xw.func(category=CATEGORY)
@_arg("score", "总分（0到100分）")
@_arg("rules", "评分规则：内置规则名或规则文件路径，省略时为national-2020")
@_cell_function
def PERF_GRADE(score: Cell, rules: Cell = None) -> Shown:
    """按评分规则（默认national-2020）的等级区间，由总分给出等级，如优、良、中、差。"""
    if _empty(_single(score, "总分")):
        return ""
    total = _number(score, "总分")
    name = _checked(rules, "评分规则")
    ruleset = _rules(None if _empty(name) else str(name).strip())
    if not 0 <= total <= ruleset.total:
        raise _Refusal(f"{ERROR}总分{_plain(total)}不在0到{_plain(ruleset.total)}分之间")
    return ruleset.grade(total)
