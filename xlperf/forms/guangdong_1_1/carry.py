"""Last year's form carried into this year (结转下一年度).

Each unit starts from last year's form: who it is, what the project is, its basis
documents, goals and indicators stay; the evaluation year and the dates move on one
year; every figure and text of last year's results is cleared. Where an indicator's
formula compares with the year before (增长率: (本期-上期)/上期), last year's actual is
kept beside the new one as 上年实现值 (`Indicator.previous_actual`), because this year's
figure cannot be computed without it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from xlperf.forms.guangdong_1_1.model import (
    BudgetRow,
    Indicator,
    PurposeRow,
    SelfEvaluation,
    SpendingRow,
)

_NEEDS_PREVIOUS = re.compile(r"上年|上期|去年|同比|增长|增幅|较上")
"""An indicator whose name or formula speaks of the previous year's figure."""


@dataclass
class Plan:
    """What a carry-over keeps, moves and clears, in words a person reads before writing."""

    kept: list[str] = field(default_factory=list)
    moved: list[str] = field(default_factory=list)
    cleared: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = []
        for title, items in (("保留", self.kept), ("顺延一年", self.moved), ("清空", self.cleared)):
            out.append(f"{title}（{len(items)} 项）：")
            out.extend(f"  {item}" for item in items)
        return out


def _year_on(d: dt.date | None) -> dt.date | None:
    if d is None:
        return None
    try:
        return d.replace(year=d.year + 1)
    except ValueError:  # 29 February
        return d.replace(year=d.year + 1, day=28)


def needs_previous(row: Indicator) -> bool:
    return bool(_NEEDS_PREVIOUS.search(row.formula) or _NEEDS_PREVIOUS.search(row.name))


def next_year(ev: SelfEvaluation) -> tuple[SelfEvaluation, Plan]:
    """This year's form started from last year's `ev`, and the plan of what happened to each part."""
    plan = Plan()
    new = ev.model_copy(deep=True)
    b = new.basic
    plan.kept += ["填报单位名称", "项目名称", "联系人、联系电话、联系邮箱", f"实施文件依据（{len(b.basis_documents)} 项）",
                  "预期总体目标、预期阶段性目标"]
    year = b.eval_year + 1 if b.eval_year is not None else None
    plan.moved.append(f"评价年度：{b.eval_year or '（空）'} → {year or '（空）'}")
    b.eval_year = year
    for attr, title in (("start_date", "项目开始时间"), ("end_date", "项目完成时间")):
        old = getattr(b, attr)
        setattr(b, attr, _year_on(old))
        plan.moved.append(f"{title}：{old or '（空）'} → {getattr(b, attr) or '（空）'}")
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
    r.fill_date = _year_on(old_fill)
    plan.moved.append(f"报告填报日期：{old_fill or '（空）'} → {r.fill_date or '（空）'}")
    plan.kept.append("报告封面的项目名称、主管部门、填报人、联系电话")
    for attr in ("unit_overview", "implementation", "self_assessment", "fund_performance", "problems",
                 "improvements", "other"):
        setattr(r, attr, "")
    plan.cleared.append("自评报告各部分正文")
    return new, plan
