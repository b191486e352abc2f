"""The text of a national form's self-evaluation report (评价结论、存在问题、改进措施).

Many local variants of the 项目支出绩效自评表 end with these three boxes. `report_sections`
writes them from the form, its scorecard and its findings (names and numbers found in the
data only, nothing guessed), as the same `ReportText` the report writer prints for every
kind. Engine level: strings only.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from xlperf.engine.formulas import format_number, format_percent
from xlperf.forms.guangdong_1_1.report_text import CoverField, ReportText, Section, format_date
from xlperf.forms.national_2020 import scoring
from xlperf.forms.national_2020.model import NationalForm

TITLE = "项目支出绩效自评报告"
PART = "项目支出绩效自评结论"
COVER = (
    ("project_name", "项目名称", True),
    ("department", "主管部门", True),
    ("implementer", "实施单位", True),
    ("filler_name", "项目负责人", False),
    ("phone", "联系电话", False),
    ("fill_date", "填报日期", False),
)
"""Cover fields: key (the writer's), label, and whether it is printed when empty. The form's
项目负责人 fills the writer's filler line."""
_SOURCE = {"filler_name": "manager"}


def report_sections(form: NationalForm, card, findings: Sequence = ()) -> ReportText:
    """The report: the form's cover fields and the three conclusion boxes written from data."""
    texts = conclusion_texts(form, card, findings)
    sections = tuple(Section(key, PART, prompt, text, generated=True) for key, prompt, text in texts)
    return ReportText(TITLE, tuple(_cover(form)), sections, mark="")


def _cover(form: NationalForm):
    for key, label, always in COVER:
        value = getattr(form, _SOURCE.get(key, key))
        text = format_date(value) if value is not None and not isinstance(value, str) else (value or "").strip()
        if text or always:
            yield CoverField(key, label, text, "report" if text else "")


def conclusion_texts(form: NationalForm, card, findings: Sequence = ()) -> list[tuple[str, str, str]]:
    """(key, heading, text) for 评价结论, 存在问题 and 改进措施."""
    name = form.project_name.strip() or "本项目"
    year = f"{form.year}年度" if form.year else "本年度"
    ex = scoring.execution(form)
    if card.complete:
        parts = [f"{name}{year}自评得分{format_number(card.total)}分，自评等级为“{card.grade}”。"]
    else:
        pending = sum(it.status == "pending" for it in card.items)
        parts = [f"{name}{year}已评项目得分{format_number(card.total)}分，尚有{pending}项指标待评分人给分，总分和自评等级待定。"]
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
        problems.append(f"自评表有{len(errors)}处填写错误待改正（如：{errors[0].message.rstrip('。')}）")
    problem_text = "；".join(problems) + "。" if problems else "未发现明显问题。"
    fixes = []
    if ex.rate is not None and ex.rate < Decimal("0.9"):
        fixes.append("加快预算执行进度，提高资金使用效率")
    if short:
        fixes.append("对未得满分的指标分析原因，改进项目实施并据实设定下年度指标值")
    if errors:
        fixes.append("按校验结果改正自评表后再报送")
    fix_text = "；".join(fixes) + "。" if fixes else "继续按绩效目标组织实施，做好绩效监控。"
    return [("conclusion", "评价结论", conclusion), ("problems", "存在问题", problem_text), ("improvements", "改进措施", fix_text)]
