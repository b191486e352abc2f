"""The funding blocks as numbers: a row's amount, a year's total, 预算执行率, in one place."""

from __future__ import annotations

import pytest

from decimal import Decimal

from xlperf.forms.guangdong_1_1 import funding
from xlperf.engine.formulas import Undefined
from xlperf.forms.guangdong_1_1.model import BudgetRow, PurposeRow, SelfEvaluation, SpendingRow

D = Decimal


def form(budget=(), spending=(), year=2020) -> SelfEvaluation:
    return SelfEvaluation.model_validate(
        {"basic": {"eval_year": year}, "funding": {"budget": list(budget), "spending": list(spending)}}
    )


def test_a_rows_amount_is_its_total_else_the_sum_of_its_parts():
    assert BudgetRow(total="100", municipal="60").amount() == D("100")
    assert BudgetRow(municipal="60", central_provincial="40").amount() == D("100")
    assert SpendingRow(transfer_county="0").amount() == D("0")
    assert BudgetRow(year=2020).amount() is None
    assert SpendingRow(total="5", municipal="7").parts_total() == D("7")
    assert funding.amount_of(PurposeRow(purpose="培训", amount="3")) == D("3")


def test_a_total_of_nothing_is_none_not_zero():
    assert funding.total([BudgetRow(year=2020), BudgetRow()]) is None
    assert funding.total([BudgetRow(total="1"), BudgetRow()]) == D("1")
    assert funding.total([]) is None


def test_year_total_uses_the_year_or_else_every_row():
    rows = [BudgetRow(year=2019, total="500"), BudgetRow(year=2020, municipal="60"), BudgetRow(year=2020, total="40")]
    assert funding.year_total(rows, 2020) == D("100")
    assert funding.year_rows(rows, 2020) == (rows[1:], False)
    assert funding.year_total(rows, 2021) == D("600")
    assert funding.year_rows(rows, None) == (rows, True)
    assert funding.year_rows([], 2020) == ([], False)


def test_a_year_whose_rows_have_no_amount_does_not_fall_back():
    rows = [BudgetRow(year=2019, total="500"), BudgetRow(year=2020)]
    assert funding.year_total(rows, 2020) is None


def test_by_year_sums_each_year_and_keeps_its_first_row_with_an_amount():
    rows = [SpendingRow(year=2020), SpendingRow(year=2020, total="1"), SpendingRow(year=2019, total="2"),
            SpendingRow(total="9"), SpendingRow(year=2020, municipal="3")]
    assert funding.by_year(rows) == {2020: (D("4"), 1), 2019: (D("2"), 2)}


def test_execution_of_the_evaluation_year():
    ev = form([{"year": 2019, "total": "1"}, {"year": 2020, "total": "200"}],
              [{"year": 2020, "municipal": "150"}])
    ex = funding.execution(ev)
    assert (ex.budget, ex.spent, ex.rate) == (D("200"), D("150"), D("0.75"))
    assert ex.of_the_year and ex.years == (2020,)
    assert funding.execution_rate(ev) == D("0.75")


def test_each_block_falls_back_on_its_own():
    ev = form([{"year": 2020, "total": "200"}], [{"total": "50"}, {"municipal": "50"}])
    ex = funding.execution(ev)
    assert (ex.budget_all_rows, ex.spent_all_rows) == (False, True)
    assert not ex.of_the_year and ex.years == (2020, None)
    assert ex.rate == D("0.5")


def test_no_rate_without_amounts_and_the_reason_says_so():
    rate = funding.execution_rate(form([{"year": 2020, "total": "200"}], [{"year": 2020}]))
    assert isinstance(rate, Undefined) and "为空" in rate.reason


def test_the_sheets_reading_sums_the_parts():
    ev = form([{"year": 2020, "total": "200", "municipal": "100"}], [{"year": 2020, "total": "50"}])
    assert funding.execution_rate(ev) == D("0.25")
    assert isinstance(funding.execution_rate(ev, amount=lambda r: r.parts_total()), Undefined)


def test_absurd_amounts_are_refused_and_the_largest_accepted_do_not_overflow():
    """1E+999999999 万元 is refused when read (the model bounds amounts to 12 digits before
    the point); the largest amounts it accepts, and the smallest, still compute."""
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="超出范围"):
        form([{"year": 2020, "total": D("1E+999999999")}], [{"year": 2020, "total": "1"}])
    big = D("999999999999.9999")
    ev = form([{"year": 2020, "total": big}, {"year": 2020, "total": big}], [{"year": 2020, "total": "1"}])
    assert funding.execution(ev).budget == 2 * big
    assert funding.execution(ev).rate < D("1E-11")
    rate = funding.execution_rate(form([{"year": 2020, "total": "1E-999999999"}], [{"year": 2020, "total": big}]))
    assert isinstance(rate, Undefined) or rate > 0
