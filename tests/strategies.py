"""Hypothesis strategies for whole self-evaluations (shared by the model and workbook tests)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import strategies as st

from xlperf.forms.guangdong_1_1.model import (
    BasicInfo,
    BudgetRow,
    Funding,
    Goals,
    Header,
    Indicator,
    Indicators,
    PurposeRow,
    Report,
    ScoreEntry,
    Scoring,
    SelfEvaluation,
    SpendingRow,
    SubCategory,
)

# Text a person types into a cell: CJK, ASCII, full-width punctuation; no control characters,
# no leading/trailing blanks (cells are read back stripped).
_alphabet = st.sampled_from(
    list("绩效目标完成情况预算资金服务满意度增长率数量质量时效成本无是否")
    + list("abcXYZ0123456789%.-/（）、，。《》≥≤")
)
text = st.text(_alphabet, min_size=0, max_size=30).map(str.strip)
short_text = st.text(_alphabet, min_size=1, max_size=12).map(str.strip).filter(bool)

amounts = st.decimals(min_value=0, max_value=Decimal("99999999.99"), places=2, allow_nan=False, allow_infinity=False)
opt_amounts = st.none() | amounts
years = st.integers(min_value=2000, max_value=2100)
dates = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 12, 31))


weights = st.none() | st.none() | st.decimals(min_value=0, max_value=60, places=2)
"""An indicator row's optional 分值 (weight)."""


def indicator_rows(max_rows: int = 3, with_weights: bool = False):
    row = st.builds(Indicator, name=short_text, formula=text, target=text, actual=text, explanation=text,
                    weight=weights if with_weights else st.none())
    return st.just("无") | st.lists(row, min_size=0, max_size=max_rows)


def self_evaluations(max_rows: int = 3, max_years: int = 3, with_weights: bool = False):
    """Whole forms; with_weights: indicator rows may carry a 分值 (not for the imports of
    official forms, which have no such column)."""
    budget = st.builds(BudgetRow, year=st.none() | years, central_provincial=opt_amounts,
                       municipal=opt_amounts, transfer_county=opt_amounts, total=opt_amounts)
    spending = st.builds(SpendingRow, year=st.none() | years, central_provincial=opt_amounts,
                         municipal=opt_amounts, transfer_county=opt_amounts, total=opt_amounts)
    purpose = st.builds(PurposeRow, year=st.none() | years, purpose=text, amount=opt_amounts)
    indicators = st.builds(Indicators, **{sub.name: indicator_rows(max_rows, with_weights) for sub in SubCategory})
    entries = st.lists(
        st.builds(ScoreEntry, item=short_text, tier=st.none() | st.sampled_from(["达成", "部分达成", "未达成"]),
                  points=st.none() | st.decimals(min_value=0, max_value=100, places=2), note=text),
        max_size=3,
    )
    return st.builds(
        SelfEvaluation,
        header=st.builds(Header, unit_name=text),
        basic=st.builds(
            BasicInfo, project_name=text, eval_year=st.none() | years, eval_amount=opt_amounts,
            contact_name=text, contact_phone=text, contact_email=text,
            start_date=st.none() | dates, end_date=st.none() | dates,
            basis_documents=st.lists(short_text, max_size=4),
        ),
        funding=st.builds(
            Funding,
            budget=st.lists(budget, max_size=max_years),
            spending=st.lists(spending, max_size=max_years),
            by_purpose=st.lists(purpose, max_size=max_years),
        ),
        goals=st.builds(Goals, overall=text, achieved_on_time=st.none() | st.booleans(), stage=text, actual=text),
        indicators=indicators,
        other_notes=text,
        scoring=st.builds(Scoring, rules=st.none() | st.sampled_from(["national-2020", "guangdong-municipal"]),
                          entries=entries),
        report=st.builds(
            Report, project_name=text, department=text, filler_name=text, phone=text,
            fill_date=st.none() | dates, unit_overview=text, implementation=text, self_assessment=text,
            fund_performance=text, problems=text, improvements=text, other=text,
        ),
    )


# ---- the national 项目支出绩效自评表 -------------------------------------------------------------

points = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)
opt_points = st.none() | points
rates = st.none() | st.decimals(min_value=0, max_value=200, places=2, allow_nan=False, allow_infinity=False)


def national_forms(max_rows: int = 6, text_strategy=text, name_strategy=short_text):
    """Filled national tables: every field drawn, 一级/二级指标 from the official lists
    (consecutive rows often share them, as on real forms)."""
    from xlperf.forms.national_2020.layout import LEVEL1, LEVEL2
    from xlperf.forms.national_2020.model import Funds, FundRow, Goals as NationalGoals, IndicatorRow, NationalForm, TotalRow

    fund_row = st.builds(FundRow, initial=opt_amounts, budget=opt_amounts, executed=opt_amounts,
                         points=opt_points, rate=rates, score=opt_points)
    part_row = st.builds(FundRow, initial=opt_amounts, budget=opt_amounts, executed=opt_amounts, rate=rates)
    funds = st.builds(Funds, total=fund_row, appropriation=part_row, carryover=part_row, other=part_row,
                      change_note=text_strategy)
    row = st.builds(IndicatorRow, level1=st.sampled_from(LEVEL1), level2=st.sampled_from(LEVEL2), name=name_strategy,
                    target=text_strategy, actual=text_strategy, points=opt_points, score=opt_points,
                    deviation=text_strategy)
    return st.builds(
        NationalForm,
        year=st.none() | years,
        project_name=text_strategy, department=text_strategy, implementer=text_strategy,
        manager=text_strategy, phone=text_strategy, fill_date=st.none() | dates,
        funds=funds,
        goals=st.builds(NationalGoals, expected=text_strategy, actual=text_strategy),
        indicators=st.lists(row, min_size=1, max_size=max_rows),
        total=st.builds(TotalRow, points=opt_points, score=opt_points),
        grade=st.sampled_from(["", "优", "良", "中", "差"]),
    )
