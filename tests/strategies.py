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


# ---------------------------------------------------------------------------- national forms

NATIONAL_TARGETS = [
    "≥95%", "95%以上", "不低于95%", "≤5", "<5", ">0", "=100%", "100%", "0", "10", "≥100", "≤90万元", "≥266米",
    "不超过3天", "＞９０％", ">=90%", "按时完成", "效果明显", "持平或略有增长", "较上年增长5%以上", "", "1", "≥1",
    "≥50个", "20万元", "≤20", "≥1000人", "95%左右", "5-10",
]
NATIONAL_ACTUALS = [
    "99.16%", "95%", "94.9%", "100%", "0", "3", "5", "6", "12", "88", "150", "140", "130", "１００％", "97%",
    "按时完成", "达成预期指标", "", "≥90%", "266米", "229米", "400米", "18万元", "21万元", "1", "2", "增长3%",
    "20", "19.5", "52个", "48个",
]
NATIONAL_LEVEL2 = ["数量指标", "质量指标", "时效指标", "成本指标", "经济效益指标", "社会效益指标", "生态效益指标",
                   "可持续影响指标", "服务对象满意度指标", "数量指标（10分）", "数量", "满意度", "其他", ""]
NATIONAL_LEVEL1 = ["产出指标", "效益指标", "满意度指标", "产出指标（50分）", "", "其他"]
_points = st.sampled_from(["5", "8", "10", "10", "15", "20", "2.5", "0"]).map(Decimal)
_scores = st.decimals(min_value=0, max_value=25, places=2, allow_nan=False, allow_infinity=False)
_amount = st.one_of(st.none(), st.just(Decimal(0)), st.decimals(min_value=0, max_value=500, places=2,
                                                                  allow_nan=False, allow_infinity=False))


def national_rows(max_rows: int = 6):
    from xlperf.forms.national_2020.model import IndicatorRow

    row = st.builds(
        IndicatorRow,
        level1=st.sampled_from(NATIONAL_LEVEL1), level2=st.sampled_from(NATIONAL_LEVEL2),
        name=st.sampled_from(["指标", "完成率", "项目数量", ""]),
        target=st.sampled_from(NATIONAL_TARGETS), actual=st.sampled_from(NATIONAL_ACTUALS),
        points=st.none() | _points, score=st.none() | _scores,
        deviation=st.sampled_from(["", "无", "0", "已完成", "受汛期影响部分点位未施工，下年补装"]),
    )
    return st.lists(row, max_size=max_rows)


@st.composite
def national_forms(draw, max_rows: int = 6):
    """National forms as people fill them: some stating exactly what their rows compute (the
    formula edition writes formulas there), some with slips in any cell."""
    from xlperf.forms.national_2020 import scoring
    from xlperf.forms.national_2020.model import FundRow, Funds, NationalForm, TotalRow
    from xlperf.engine.scoring import load_rules

    fund = st.builds(FundRow, initial=_amount, budget=_amount, executed=_amount)
    total = st.builds(FundRow, initial=_amount, budget=_amount, executed=_amount,
                      points=st.none() | st.sampled_from([Decimal(10), Decimal(10), Decimal(5)]),
                      rate=st.none() | st.decimals(min_value=0, max_value=150, places=2),
                      score=st.none() | st.decimals(min_value=0, max_value=12, places=2))
    form = draw(st.builds(
        NationalForm,
        project_name=st.sampled_from(["某项目", "", " "]), department=st.sampled_from(["某局", ""]),
        implementer=st.sampled_from(["某中心", ""]),
        funds=st.builds(Funds, total=total, appropriation=fund, carryover=fund, other=fund,
                        change_note=st.sampled_from(["", "年中追加预算"])),
        indicators=national_rows(max_rows),
        total=st.builds(TotalRow, points=st.none() | st.sampled_from([Decimal(100), Decimal(90)]),
                        score=st.none() | _scores.map(lambda d: d * 4)),
        grade=st.sampled_from(["", "优", "良", "中", "差", "优秀", "合格"]),
        rules=st.sampled_from([None, None, "national-2020-provincial"]),
    ))
    if draw(st.booleans()):  # the stated cells as the rows compute them
        rules = load_rules(form.rules or "national-2020")
        card = scoring.score(form, rules)
        ex = scoring.execution(form)
        data = form.model_dump()
        exec_item = card.item(scoring.EXEC_ID)
        data["funds"]["total"]["rate"] = None if ex.rate is None else (ex.rate * 100).quantize(Decimal("0.01"))
        data["funds"]["total"]["score"] = exec_item.points if exec_item.method == "computed" else None
        for i, row in enumerate(data["indicators"]):
            item = card.item(scoring.row_id(i))
            if item.method == "computed":
                row["score"] = item.points
        data["total"]["score"] = None
        data["grade"] = ""
        form = NationalForm.model_validate(data)
    return form


# ---- national tables for the import round trips ---------------------------------------------

points = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)
opt_points = st.none() | points
rates = st.none() | st.decimals(min_value=0, max_value=200, places=2, allow_nan=False, allow_infinity=False)


def typed_national_forms(max_rows: int = 6, text_strategy=text, name_strategy=short_text):
    """National tables as typed into the official template (the import's round trips): every field drawn, 一级/二级指标 from the official lists
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
