"""Last year's form carried into this year (结转下一年度).

What 附件1-1 keeps, moves and clears (the shared machinery: `xlperf.forms.carry`).
Each unit starts from last year's form: who it is, what the project is, its basis
documents, goals and indicators stay; the evaluation year and the dates move on one
year; every figure and text of last year's results is cleared. Where an indicator's
formula compares with the year before (增长率: (本期-上期)/上期), last year's actual is
kept beside the new one as 上年实现值 (`Indicator.previous_actual`), because this year's
figure cannot be computed without it.
"""

from __future__ import annotations

import re

from xlperf.forms.carry import Plan, moved, year_on
from xlperf.forms.guangdong_1_1.model import (
    BudgetRow,
    Indicator,
    PurposeRow,
    SelfEvaluation,
    SpendingRow,
)

_NEEDS_PREVIOUS = re.compile(r"上年|上期|去年|同比|增长|增幅|较上")
"""An indicator whose name or formula speaks of the previous year's figure."""


def needs_previous(row: Indicator) -> bool:
    return bool(_NEEDS_PREVIOUS.search(row.formula) or _NEEDS_PREVIOUS.search(row.name))


def next_year(ev: SelfEvaluation) -> tuple[SelfEvaluation, Plan]:
    """This year's form started from last year's `ev`, and the plan of what happened to each part."""
    new = ev.model_copy(deep=True)
    b = new.basic
    plan = Plan(year=b.eval_year + 1 if b.eval_year is not None else None)
    plan.kept += ["填报单位名称", "项目名称", "联系人、联系电话、联系邮箱", f"实施文件依据（{len(b.basis_documents)} 项）",
                  "预期总体目标、预期阶段性目标"]
    year = b.eval_year + 1 if b.eval_year is not None else None
    plan.moved.append(moved("评价年度", b.eval_year, year))
    b.eval_year = year
    for attr, title in (("start_date", "项目开始时间"), ("end_date", "项目完成时间")):
        old = getattr(b, attr)
        setattr(b, attr, year_on(old))
        plan.moved.append(moved(title, old, getattr(b, attr)))
    b.eval_amount = None
    plan.cleared.append("评价金额")

    f = new.funding
    f.budget = [BudgetRow(year=year)] if f.budget else []
    f.spending = [SpendingRow(year=year)] if f.spending else []
    f.by_purpose = [PurposeRow(year=year, purpose=row.purpose) for row in f.by_purpose if row.purpose]
    plan.cleared.append("资金安排情况、资金使用情况的金额（年度行改为新的评价年度）")
    if f.by_purpose:
        plan.kept.append("按方向划分的资金使用方向（支出额度清空）")

    new.goals.actual = ""
    new.goals.achieved_on_time = None
    plan.cleared.append("实际完成情况、是否如期实现预期总体目标")

    kept_previous = []
    for sub, i, row in new.indicators.each():
        previous = row.actual if needs_previous(row) else ""
        if previous:
            kept_previous.append(f"{row.name}（上年实现值 {previous}）")
        rows = new.indicators.rows(sub)
        rows[i] = Indicator(name=row.name, formula=row.formula, target=row.target, weight=row.weight,
                            previous_actual=previous)
        setattr(new.indicators, sub.name, rows)
    plan.kept.append("绩效指标的名称、计算公式、预期值" + ("、分值" if any(r.weight is not None for _, _, r in new.indicators.each()) else "")
                     + "（填“无”的子类仍为“无”）")
    plan.cleared.append("绩效指标的实现值和未完成原因说明")
    if kept_previous:
        plan.kept.append("需要上年数据的指标保留上年实现值：" + "；".join(kept_previous))

    new.other_notes = ""
    plan.cleared.append("单位需要说明的其他情况")
    new.scoring.entries = []
    plan.cleared.append("评分表中人工评定的档次和给分")

    r = new.report
    old_fill = r.fill_date
    r.fill_date = year_on(old_fill)
    plan.moved.append(moved("报告填报日期", old_fill, r.fill_date))
    plan.kept.append("报告封面的项目名称、主管部门、填报人、联系电话")
    for attr in ("unit_overview", "implementation", "self_assessment", "fund_performance", "problems",
                 "improvements", "other"):
        setattr(r, attr, "")
    plan.cleared.append("自评报告各部分正文")
    return new, plan
