"""Last year's 项目支出绩效自评表 carried into this year (结转下一年度).

What the national table keeps, moves and clears (the shared machinery and the `Plan` a
person reads first: `xlperf.forms.carry`). Kept: the project and who answers for it, the
expected goal, each indicator row's 一级/二级/三级指标, 年度指标值 and 分值 (the weights,
also 预算执行率's 分值 and the 总分's 分值), and the rule set. Moved one year: 评价年度
and 填报日期. Cleared: every amount, rate and score of 项目资金 and 预算调整说明, the 实际完成情况,
each row's 实际完成值, 得分 and 偏差原因分析及改进措施, 总分, 自评等级, and the 来源说明 of
last year's copy.
"""

from __future__ import annotations

from xlperf.forms.carry import Plan, moved, year_on
from xlperf.forms.national_2020.model import FundRow, Funds, IndicatorRow, NationalForm, TotalRow


def next_year(form: NationalForm) -> tuple[NationalForm, Plan]:
    """This year's form started from last year's `form`, and the plan of what happened to each part."""
    year = form.year + 1 if form.year is not None else None
    plan = Plan(year=year)
    plan.kept += ["项目名称、主管部门、实施单位", "项目负责人、联系电话", "年度总体目标的预期目标"]
    plan.moved.append(moved("评价年度", form.year, year))
    fill = year_on(form.fill_date)
    plan.moved.append(moved("填报日期", form.fill_date, fill))
    rows = [IndicatorRow(level1=r.level1, level2=r.level2, name=r.name, target=r.target, points=r.points)
            for r in form.indicators]
    plan.kept.append(f"绩效指标（{len(rows)} 行）的一级指标、二级指标、三级指标、年度指标值和分值")
    funds = Funds(total=FundRow(points=form.funds.total.points))
    if form.funds.total.points is not None:
        plan.kept.append("项目资金“年度资金总额”行的分值（预算执行率的分值）")
    plan.cleared += ["项目资金各行的年初预算数、全年预算数、全年执行数、执行率和得分", "预算调整说明",
                     "年度总体目标的实际完成情况", "绩效指标的实际完成值、得分、偏差原因分析及改进措施",
                     "总分、自评等级"]
    if form.total.points is not None:
        plan.kept.append("总分行的分值")
    if form.rules:
        plan.kept.append(f"评分规则（{form.rules}）")
    if form.source:
        plan.cleared.append("来源说明（上一年度表格的出处）")
    new = form.model_copy(deep=True, update={
        "year": year, "fill_date": fill, "source": "", "funds": funds, "indicators": rows,
        "goals": form.goals.model_copy(update={"actual": ""}),
        "total": TotalRow(points=form.total.points), "grade": "",
    })
    return NationalForm.model_validate(new.model_dump()), plan
