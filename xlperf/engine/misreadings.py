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

import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from xlperf.engine.formulas import format_number
from xlperf.engine.reference import bounded_rates
from xlperf.engine.targets import Quantity, parse_actual, parse_target

RATE_UNITS = {"%": Decimal(100), "‰": Decimal(1000)}
"""Units of a rate, with the value that is 100 % in each."""



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


def misreading(name: str, formula: str, target: str, actual: str) -> Misreading | None:
    """The reviewer's objection to an indicator row's actual value, or None when it is fit."""
    if not actual or not actual.strip() or not target or not target.strip():
        return None
    t, a = parse_target(target), parse_actual(actual)
    word = bounded_rate_word(name, formula)
    levels = [q for q in a.quantities if not q.change]
    if word is not None:
        over = [q for q in levels if q.unit in RATE_UNITS and q.value > RATE_UNITS[q.unit]]
        if over:
            return _impossible(word, over[0])
    return None


def _impossible(word: str, q: Quantity) -> Misreading:
    shown = f"“{q.text}”"
    unit = q.unit
    limit = f"{format_number(RATE_UNITS[unit])}{unit}"
    return Misreading(
        "IND021",
        f"实现值{shown}超过{limit}，而“{word}”这样的比率不可能超过{limit}（分子是分母的一部分）",
        f"请核对实现值（如 99.59% 误写成 995.9%），按计算公式重新计算后填写",
    )


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "")
