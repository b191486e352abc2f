"""Actual values a judge can read but a reviewer would not accept (实现值写法有误).

The judge compares an actual with its target as written. Some actuals are readable and
still wrong, and those are the slips that inflate a score or drop it silently:

- an impossible rate: 995.9 % for a satisfaction rate, which cannot exceed 100 % (which
  indicators are such rates is data: `xlperf/engine/data/bounded_rates.json`, matched in
  the indicator's name and formula). The judge would call it met;
- the wrong kind of value for the target: a count against a rate (满意评价12563条 against
  95%以上), a qualitative word against a number (较好 against 95%以上), a decimal against a
  percentage (0.9916 against 95%), a number without its unit (99.16 against 95%). The
  judge can only send these to a person.

`misreading(row)` names the problem and what to write instead, and, where only one
reading makes sense (0.9916 or 99.16 against a % target), proposes it. The checks report
it (IND021–IND025) and the scoring treats the row by the rule set's `unusable_actuals`
policy: never as met, and never by a guess unless the rule set says to use the proposal.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass, replace
from decimal import Decimal

from xlperf.engine.formulas import format_number
from xlperf.engine.reference import bounded_rates
from xlperf.engine.targets import Kind, Quantity, Status, judge, parse_actual, parse_target

RATE_UNITS = {"%": Decimal(100), "‰": Decimal(1000)}
"""Units of a rate, with the value that is 100 % in each."""

UNIT_NEEDED = {*RATE_UNITS, "百分点", "个百分点", "元", "千元", "万元", "亿元"}
"""Target units a bare actual number cannot borrow (99.16 or 0.9916 for %, 元 or 万元 for money);
a bare count takes its target's unit (个, 次, 天 ...), as the judge does."""


@dataclass(frozen=True)
class Misreading:
    """What is wrong with an actual value, and what to write instead (Chinese).

    `code` is the check code; `proposed` the one sensible reading ("99.16%") or "".
    """

    code: str
    problem: str
    advice: str
    proposed: str = ""

    @property
    def text(self) -> str:
        """The problem and the advice as one sentence: 哪里不对：怎么改。"""
        return f"{self.problem}：{self.advice}"


def bounded_rate_word(name: str, formula: str) -> str | None:
    """The word (满意度, 合格率 ...) that makes an indicator a rate bounded by 100 %, or None."""
    found = bounded_rates().match(_nfkc(name), _nfkc(formula))
    return found.word if found else None


@functools.lru_cache(maxsize=4096)
def misreading(
    name: str, formula: str, target: str, actual: str, sub: object = None
) -> Misreading | None:
    """The reviewer's objection to an indicator row's actual value, or None when it is fit.

    `sub` is the row's sub-category (the judge's basis). An impossible rate is objected to
    whatever the judge says (it would call 995.9 % met); the wrong kind of value only when
    the judge could not compare it (a word the judge understands, such as 未发生 against
    无安全事故, is a value). Remembered by its arguments: the checks and the scoring ask
    about the same rows."""
    if not actual or not actual.strip() or not target or not target.strip():
        return None
    t, a = parse_target(target, sub, name), parse_actual(actual)
    word = bounded_rate_word(name, formula)
    levels = [q for q in a.quantities if not q.change]
    if word is not None:
        over = [q for q in levels if q.unit in RATE_UNITS and q.value > RATE_UNITS[q.unit]]
        if over:
            return _impossible(word, over[0])
    if t.kind is not Kind.NUMERIC or judge(actual, target, sub, name).status is not Status.REVIEW:
        return None
    shown_target = f"“{t.text}”"
    if a.kind is Kind.QUALITATIVE:
        return Misreading(
            "IND023",
            f"实现值“{a.text}”不是数值，而预期值{shown_target}是数值",
            f"请填写评价年度实际达到的数值，单位与预期值相同{_unit_hint(t.unit)}，文字说明写在未完成原因说明或报告中",
        )
    if a.kind is not Kind.NUMERIC or not levels or t.unit not in RATE_UNITS:
        return _unitless(t.unit, t.text, levels)
    if any(q.unit in RATE_UNITS or q.unit in ("百分点", "个百分点") for q in levels):
        return None
    counted = [q for q in levels if q.unit]
    if counted:
        how = f"按计算公式“{formula.strip()}”" if formula and formula.strip() else "用计算公式"
        return Misreading(
            "IND022",
            f"实现值“{a.text}”是数量{'' if counted[0].text == a.text else f'（{counted[0].text}）'}，而预期值{shown_target}是比率",
            f"请{how}算出比率填写，如 99.59%；数量可写在括号中，如“99.59%（满意评价12563条）”",
        )
    if t.unit == "%" and len(levels) == 1 and Decimal(0) < levels[0].value < Decimal(1):
        q = levels[0]
        proposed = f"{format_number(q.value * 100)}%"
        return Misreading(
            "IND024",
            f"实现值“{a.text}”是小数，而预期值{shown_target}是百分比",
            f"请写成百分比，如 {proposed}",
            proposed,
        )
    return _unitless(t.unit, t.text, levels, word)


def _unitless(unit: str, target_text: str, levels: list[Quantity], word: str | None = None) -> Misreading | None:
    """A number written without the unit its target has (99.16 against 95%, 90 against 100万元)."""
    bare = [q for q in levels if not q.unit]
    if unit not in UNIT_NEEDED or not bare or len(bare) != len(levels):
        return None
    q = bare[0]
    proposed = ""
    if unit in RATE_UNITS and len(bare) == 1 and q.value != 1 and q.value >= 0:
        if word is not None and q.value > RATE_UNITS[unit]:
            return _impossible(word, q, unit)
        proposed = f"{format_number(q.value)}{unit}"
    advice = f"请写上单位，如 {proposed}" if proposed else f"请写上单位（{unit}），与预期值一致"
    if unit in RATE_UNITS and q.value == 1 and len(bare) == 1:
        advice = f"请写上单位：是 1{unit} 还是 100{unit}？"
    return Misreading("IND025", f"实现值“{q.text}”没有写单位，而预期值“{target_text}”以“{unit}”为单位", advice, proposed)


def _impossible(word: str, q: Quantity, unit: str | None = None) -> Misreading:
    shown = f"“{q.text}”" if unit is None else f"“{q.text}”（按{unit}计）"
    unit = unit if unit is not None else q.unit
    limit = f"{format_number(RATE_UNITS[unit])}{unit}"
    return Misreading(
        "IND021",
        f"实现值{shown}超过{limit}，而“{word}”这样的比率不可能超过{limit}（分子是分母的一部分）",
        f"请核对实现值（如 99.59% 误写成 995.9%），按计算公式重新计算后填写",
    )


def _unit_hint(unit: str) -> str:
    return f"（{unit}），如 99.16{unit}" if unit in RATE_UNITS else (f"（{unit}）" if unit else "")


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "")


def accepted_judgement(name: str, formula: str, target: str, actual: str, sub: object = None):
    """The judge's verdict on a row as a reviewer accepts it: an actual the reviewer objects to
    (IND021–IND025) is never 已完成 or 未完成 but 需人工判断, with the objection as the reason.

    For every place that states whether an indicator was completed (the report, the workbook's
    是否完成 cell); the score follows the rule set's own policy in `scoring`."""
    judgement = judge(actual, target, sub, name)
    bad = misreading(name, formula, target, actual, sub)
    if bad is None:
        return judgement
    return replace(judgement, status=Status.REVIEW, reason=bad.text, ratio=None)
