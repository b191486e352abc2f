"""The funding blocks as numbers (资金概况): a row's amount, a year's total, 预算执行率.

The scorecard, the checks, the report and the workbook all compute these, so they are
computed here once and agree:
- a row's amount is its 资金合计, else the sum of its parts (`BudgetRow.amount`); a
  by-purpose row's is its 支出额度; a row with nothing filled in has no amount (None, not 0);
- a block's total for the evaluation year sums that year's rows; a block with no row of
  that year (or a form without an evaluation year) sums all its rows instead, each block on
  its own, as the workbook's 预算执行率 formula does;
- 预算执行率 is `formulas.execution_rate` of the two totals.
Pure Python, never raises on absurd amounts (sums are taken in `formulas.wide_context`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from xlperf.engine import formulas
from xlperf.forms.guangdong_1_1.model import PurposeRow, SelfEvaluation

Amount = Callable[[Any], "Decimal | None"]
"""How to read a row's amount (default `amount_of`)."""


def amount_of(row: Any) -> Decimal | None:
    """A funding row's amount: 资金合计 (else the sum of its parts), or a by-purpose row's 支出额度."""
    return row.amount if isinstance(row, PurposeRow) else row.amount()


def total(rows: Sequence[Any], amount: Amount = amount_of) -> Decimal | None:
    """The sum of the rows' amounts; None when no row has one."""
    return formulas.sum_filled(amount(r) for r in rows)


def year_rows(rows: Sequence[Any], year: int | None) -> tuple[list[Any], bool]:
    """The rows of `year`, or all rows and True when none has that year (or `year` is None)."""
    matching = [r for r in rows if year is not None and r.year == year]
    return (matching, False) if matching else (list(rows), bool(rows))


def year_total(rows: Sequence[Any], year: int | None, amount: Amount = amount_of) -> Decimal | None:
    """A block's total for the evaluation year (all its rows when none has that year)."""
    return total(year_rows(rows, year)[0], amount)


def by_year(rows: Sequence[Any], amount: Amount = amount_of) -> dict[int, tuple[Decimal, int]]:
    """Per year: the sum of the rows' amounts and the index of the year's first row with one.

    Rows without a year or without an amount are left out.
    """
    found: dict[int, tuple[list[Decimal], int]] = {}
    for i, row in enumerate(rows):
        value = amount(row)
        if row.year is not None and value is not None:
            found.setdefault(row.year, ([], i))[0].append(value)
    return {year: (formulas.sum_filled(values), first) for year, (values, first) in found.items()}


@dataclass(frozen=True)
class Execution:
    """预算执行率 of a form and what it was computed from.

    `budget_all_rows` / `spent_all_rows`: the block had no row of the evaluation year and
    all its rows were summed. `years`: the years of the rows used (None for a row without one).
    """

    year: int | None
    budget: Decimal | None
    spent: Decimal | None
    budget_all_rows: bool
    spent_all_rows: bool
    years: tuple[int | None, ...]
    rate: formulas.Result

    @property
    def of_the_year(self) -> bool:
        """Both totals are the evaluation year's own rows."""
        return self.year is not None and not (self.budget_all_rows or self.spent_all_rows)


def execution(ev: SelfEvaluation, amount: Amount = amount_of) -> Execution:
    """预算执行率 = 评价年度实际支出 ÷ 评价年度预算, with the totals and where they came from."""
    year = ev.basic.eval_year
    budget_rows, budget_all = year_rows(ev.funding.budget, year)
    spent_rows, spent_all = year_rows(ev.funding.spending, year)
    budget, spent = total(budget_rows, amount), total(spent_rows, amount)
    years = tuple(dict.fromkeys(r.year for r in [*budget_rows, *spent_rows]))
    rate = formulas.execution_rate(spent, budget)
    return Execution(year, budget, spent, budget_all, spent_all, years, rate)


def execution_rate(ev: SelfEvaluation, amount: Amount = amount_of) -> formulas.Result:
    """The form's 预算执行率 as a fraction, or `formulas.Undefined` saying why there is none."""
    return execution(ev, amount).rate
