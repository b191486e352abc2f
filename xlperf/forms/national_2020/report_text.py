"""The text of a national form's self-evaluation conclusion (评价结论、存在问题、改进措施).

Many local variants of the 项目支出绩效自评表 end with these three boxes. `report_sections`
writes them from the form, its scorecard and its findings: names and numbers found in
the data only, nothing guessed. Engine level: strings only.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from xlperf.engine.formulas import format_number, format_percent
from xlperf.forms.national_2020 import scoring
from xlperf.forms.national_2020.model import NationalForm

TITLE = "项目支出绩效自评结论"


def report_sections(form: NationalForm, card, findings: Sequence = ()) -> list[tuple[str, str]]:
    """(heading, text) for 评价结论, 存在问题 and 改进措施."""
    name = form.project_name.strip() or "本项目"
    year = f"{form.year}年度" if form.year else "本年度"
    ex = scoring.execution(form)
    parts = [f"{name}{year}自评得分{format_number(card.total)}分，自评等级为“{card.grade}”。"]
    if ex.rate is not None:
        parts.append(
            f"全年预算数{format_number(ex.budget)}万元，全年执行数{format_number(ex.executed)}万元，"
            f"预算执行率{format_percent(ex.rate)}。"
        )
    rows = [it for it in card.items if it.id != scoring.EXEC_ID]
    full = [it for it in rows if it.points is not None and it.points >= it.available]
    if rows:
        parts.append(f"设置三级指标{len(rows)}个，其中{len(full)}个得满分。")
    conclusion = "".join(parts)

    short = [it for it in rows if it.points is not None and it.points < it.available]
    problems = [f"“{it.name}”得{format_number(it.points)}分（分值{format_number(it.available)}分）" for it in short]
    if ex.rate is not None and ex.rate < Decimal("0.9"):
        problems.insert(0, f"预算执行率{format_percent(ex.rate)}，低于90%")
    errors = [f for f in findings if getattr(f, "severity", "") == "error"]
    if errors:
        problems.append(f"自评表有{len(errors)}处填写错误待改正（如：{errors[0].message}）")
    problem_text = "；".join(problems) + "。" if problems else "未发现明显问题。"
    fixes = []
    if ex.rate is not None and ex.rate < Decimal("0.9"):
        fixes.append("加快预算执行进度，提高资金使用效率")
    if short:
        fixes.append("对未得满分的指标分析原因，改进项目实施并据实设定下年度指标值")
    if errors:
        fixes.append("按校验结果改正自评表后再报送")
    fix_text = "；".join(fixes) + "。" if fixes else "继续按绩效目标组织实施，做好绩效监控。"
    return [("评价结论", conclusion), ("存在问题", problem_text), ("改进措施", fix_text)]
