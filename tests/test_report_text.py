"""The generated text of Attachment 3: facts from the data, the person's own text kept."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.test_scoring import extreme_evaluations
from xlperf.engine.checks import run_checks
from xlperf.engine.formulas import format_percent
from xlperf.forms.guangdong_1_1.model import SelfEvaluation
from xlperf.forms.guangdong_1_1.report_text import COVER_FIELDS, PARTS, money, report_sections, sentence
from xlperf.engine.scoring import load_rules, score

SEED = Path(__file__).resolve().parent.parent / "examples" / "shaoguan-2020.json"
OWN_SECTIONS = [key for _, rows in PARTS for key, _ in rows]


def seed() -> SelfEvaluation:
    return SelfEvaluation.from_json(SEED.read_text(encoding="utf-8"))


def cleared(ev: SelfEvaluation | None = None) -> SelfEvaluation:
    """The seed with every report section emptied, so that all of them are generated."""
    ev = ev or seed()
    for key in OWN_SECTIONS:
        setattr(ev.report, key, "")
    return ev


def text_of(ev: SelfEvaluation, rules: str = "national-2020", findings=None):
    card = score(ev, load_rules(rules))
    if findings is None:
        findings = run_checks(ev, card)
    return report_sections(ev, card, findings), card


def all_text(report) -> str:
    return "\n".join([*(c.value for c in report.cover), *(s.text for s in report.sections)])


def test_own_text_is_kept_verbatim():
    ev = seed()
    report, _ = text_of(ev)
    for key in OWN_SECTIONS:
        section = report.section(key)
        assert section.text == getattr(ev.report, key)
        assert section.generated is False


def test_only_empty_sections_are_generated():
    ev = seed()
    ev.report.problems = ""
    report, _ = text_of(ev)
    assert report.section("problems").generated is True
    assert report.section("improvements").generated is False
    assert report.section("improvements").text == "强化每一项的预算前期研究和事中管理。"


def test_sections_follow_the_official_form():
    report, _ = text_of(cleared())
    assert [s.key for s in report.sections] == OWN_SECTIONS
    assert [part for part, _ in report.parts] == [
        "一、项目基本情况及自评结论",
        "二、绩效表现",
        "三、改进意见（计划）",
        "四、其他需要说明的情况",
    ]
    assert report.section("problems").prompt == "（二）存在问题。针对短板指标分析项目资金使用存在的问题和原因。"
    assert [c.label for c in report.cover] == [label for _, label in COVER_FIELDS]


def test_cover_fields():
    report, _ = text_of(seed())
    assert report.cover_value("project_name") == "市行政服务中心大厅、政府服务热线平台运行与服务"
    assert report.cover_value("department") == "韶关市行政服务中心"
    assert report.cover_value("filler_name") == "肖舒丹"
    assert report.cover_value("phone") == "8877833"
    assert report.cover_value("fill_date") == "2021年3月18日"
    assert report.missing_cover == []


def test_cover_project_name_falls_back_to_basic_table_but_not_the_person():
    ev = seed()
    ev.report.project_name = ""
    ev.report.filler_name = ""
    ev.report.fill_date = None
    report, _ = text_of(ev)
    name = next(c for c in report.cover if c.key == "project_name")
    assert name.value == ev.basic.project_name and name.origin == "basic"
    assert [c.key for c in report.missing_cover] == ["filler_name", "fill_date"]


def test_unit_overview_from_basic_table():
    text = text_of(cleared())[0].section("unit_overview").text
    for fact in ("韶关市行政服务中心", "市行政服务中心大厅、政府服务热线平台运行与服务", "2020年", "122.17万元",
                 "2020年1月1日至2020年12月31日", "实施文件依据共7项"):
        assert fact in text


def test_implementation_from_goals_and_indicators():
    text = text_of(cleared())[0].section("implementation").text
    assert "保障市政务服务大厅和12345政府服务热线平台正常运行" in text
    assert "如期实现了预期总体目标" in text
    assert "保障了市政务服务大厅" in text
    assert "项目共设置绩效指标3项（产出指标2项、满意度指标1项）" in text
    assert text.count("预期阶段性目标") == 0  # the same as the overall goal


def test_implementation_names_goal_not_achieved():
    ev = cleared()
    ev.goals.achieved_on_time = False
    assert "未能如期实现预期总体目标" in text_of(ev)[0].section("implementation").text


def test_self_assessment_mentions_every_dimension_national():
    report, card = text_of(cleared())
    text = report.section("self_assessment").text
    assert card.grade in text and f"{card.total}分" in text
    assert card.title in text
    for item in card.items:
        assert f"{item.category}方面" in text
        if item.status == "dropped":
            assert f"{item.category}方面：无适用指标" in text and "按比例折算" in text
        else:
            assert f"满分{item.available}分" in text
    for name in ("业务办理增长率", "最多跑一次事项率", "群众满意度"):
        assert name in text
    assert "预算执行率方面：预算执行率100.00%（实际支出122.17万元，预算122.17万元）" in text
    assert "99.16%" in text and "99.59%" in text


def test_self_assessment_complete_card_states_grade():
    report, card = text_of(cleared())
    text = report.section("self_assessment").text
    if card.complete:
        assert text.startswith(f"自评等级为{card.grade}，得分{card.total}分")
    else:
        assert text.startswith("评分尚未完成")


def test_self_assessment_pending_items_say_so():
    ev = cleared()
    ev.indicators.quality[0].actual = "基本达到"
    report, card = text_of(ev)
    assert not card.complete
    text = report.section("self_assessment").text
    assert text.startswith("评分尚未完成：有")
    assert "待评分人按档次评定" in text


def test_self_assessment_mentions_every_dimension_guangdong():
    report, card = text_of(cleared(), rules="guangdong-municipal")
    text = report.section("self_assessment").text
    for category in ("前期工作", "实施过程", "绩效"):
        assert f"{category}方面" in text
    for item in card.items:
        assert item.name in text


def test_person_tier_and_note_appear_for_manual_items():
    ev = cleared()
    ev.scoring.entries = [{"item": "decision", "tier": "达成", "points": "4", "note": "经过专家论证"}]
    report, card = text_of(ev, rules="guangdong-municipal")
    text = report.section("self_assessment").text
    assert "论证决策评定为“达成”，得" in text
    assert "经过专家论证" in text


def test_fund_performance_from_funding_tables():
    text = text_of(cleared())[0].section("fund_performance").text
    assert text == (
        "2020年项目预算安排122.17万元（均为市本级资金），实际支出122.17万元（均为市本级支出），"
        "预算执行率100.00%。按资金使用方向划分，2020年政府服务支出122.17万元。"
    )


def test_fund_performance_with_parts_and_balance():
    ev = cleared()
    ev.funding.budget[0].central_provincial = Decimal("20.00")
    ev.funding.budget[0].municipal = Decimal("102.17")
    ev.funding.spending[0].total = Decimal("100.00")
    ev.funding.spending[0].municipal = Decimal("100.00")
    text = text_of(ev)[0].section("fund_performance").text
    assert "其中中央及省级资金20.00万元、市本级资金102.17万元" in text
    assert "实际支出100.00万元（均为市本级支出）" in text
    assert "预算执行率81.85%，结余22.17万元" in text


def test_no_problems_found_for_the_seed():
    report, _ = text_of(cleared(), findings=[])
    assert report.section("problems").text == "未发现明显问题。"
    assert "继续加强" in report.section("improvements").text


def test_missed_indicator_is_a_problem_with_an_answer():
    ev = cleared()
    ev.indicators.quality[0].actual = "90%"
    ev.indicators.quality[0].explanation = "部分事项受系统改造影响未能纳入"
    report, _ = text_of(ev)
    problems = report.section("problems").text
    assert "最多跑一次事项率未达到预期（预期值：95%以上；实现值：90%）" in problems
    assert "未完成原因：部分事项受系统改造影响未能纳入" in problems
    improvements = report.section("improvements").text
    assert "针对最多跑一次事项率未达预期的问题" in improvements
    assert "部分事项受系统改造影响未能纳入" in improvements
    assert "未完成1项（最多跑一次事项率" in report.section("implementation").text
    assert "未完成（完成比例" in report.section("self_assessment").text


def test_missed_indicator_marked_done_has_no_reason():
    ev = cleared()
    ev.indicators.quality[0].actual = "90%"
    report, _ = text_of(ev, findings=[])
    assert "单位未说明未完成原因" in report.section("problems").text
    assert "查明未完成的原因" in report.section("improvements").text


def test_low_execution_is_a_problem_with_an_answer():
    ev = cleared()
    ev.funding.spending[0].municipal = Decimal("100.00")
    ev.funding.spending[0].total = Decimal("100.00")
    ev.funding.by_purpose[0].amount = Decimal("100.00")
    report, _ = text_of(ev, findings=[])
    assert "2020年预算执行率为81.85%，低于90%" in report.section("problems").text
    assert "加快预算执行进度" in report.section("improvements").text


def test_problems_and_answers_are_numbered_alike():
    ev = cleared()
    ev.indicators.quality[0].actual = "90%"
    ev.funding.spending[0].total = Decimal("100.00")
    report, _ = text_of(ev, findings=[])
    problems = report.section("problems").paragraphs
    answers = report.section("improvements").paragraphs
    assert len(problems) == len(answers) == 2
    assert problems[0].startswith("1.") and answers[1].startswith("2.")


def _first_clause(message: str) -> str:
    """What a finding says is wrong: its message up to the first colon or full stop."""
    for pos, ch in enumerate(message):
        if ch in "：。":
            return message[:pos]
    return message


def test_report_never_speaks_of_data_entry_but_names_a_missed_indicator():
    """A form with data-entry errors and warnings: the report is about the project only."""
    ev = cleared()
    ev.basic.contact_phone = "12"
    ev.funding.spending[0].total = Decimal("1.00")
    ev.basic.eval_amount = Decimal("99.99")
    ev.indicators.quality[0].actual = "90%"
    ev.indicators.quality[0].explanation = "部分事项尚未进驻大厅"
    card = score(ev, load_rules("national-2020"))
    findings = run_checks(ev, card)
    codes = {f.code for f in findings}
    assert {"FMT001", "AMT003", "AMT009", "FMT003", "IND004"} <= codes
    assert any(f.severity == "error" for f in findings) and any(f.severity == "warning" for f in findings)
    report = report_sections(ev, card, findings)
    text = all_text(report)
    for f in findings:
        assert _first_clause(f.message) not in text, f.code
    for word in ("填报数据", "补正", "校验", "“12”", "编号"):
        assert word not in text
    assert "未达到预期" in report.section("problems").text
    assert "部分事项尚未进驻大厅" in report.section("problems").text


def test_only_warnings_give_no_problem_of_data_entry():
    ev = cleared()
    report, card = text_of(ev)
    assert report.section("problems").text == "未发现明显问题。"
    assert "补正" not in report.section("improvements").text


def test_other_notes():
    ev = cleared()
    assert text_of(ev)[0].section("other").text == "无"
    ev.other_notes = "本年度热线平台完成整合。"
    assert text_of(ev)[0].section("other").text == "本年度热线平台完成整合。"


def test_missing_data_gives_no_placeholders():
    ev = SelfEvaluation()
    report, _ = text_of(ev, findings=[])
    text = all_text(report)
    for bad in ("None", "null", "{", "}", "nan"):
        assert bad not in text
    assert report.section("unit_overview").text == "基础信息表未填写单位及项目基本情况。"
    assert report.section("fund_performance").text == "基础信息表未填写资金安排及使用情况。"


@pytest.mark.parametrize("mutate", ["seed", "cleared", "missed"])
def test_no_placeholders_in_generated_text(mutate):
    ev = seed() if mutate == "seed" else cleared()
    if mutate == "missed":
        ev.indicators.quality[0].actual = "90%"
    text = all_text(text_of(ev)[0])
    for bad in ("None", "null", "{", "}", "nan", "Decimal"):
        assert bad not in text


def test_formatting_helpers():
    assert money(Decimal("122.1")) == "122.10万元"
    assert money(Decimal("0.005")) == "0.01万元"
    assert format_percent(Decimal("0.99155")) == "99.16%"
    assert format_percent(Decimal("1")) == "100.00%"
    assert sentence("已完成") == "已完成。" and sentence("已完成。") == "已完成。" and sentence(" ") == ""


def test_fill_date_format():
    ev = seed()
    ev.report.fill_date = dt.date(2021, 12, 5)
    assert text_of(ev)[0].cover_value("fill_date") == "2021年12月5日"


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ev=extreme_evaluations(), amount=st.sampled_from(["999999999999.9999", "-999999999999", "1E-999999999", "122.17", None]))
def test_absurd_numbers_give_a_report_not_an_exception(ev, amount):
    """Huge and tiny amounts (as large as the model accepts), targets and actuals through scoring,
    the checks and the report."""
    ev.basic.eval_amount = amount
    card = score(ev, load_rules(None))
    report = report_sections(ev, card, run_checks(ev, card))
    text = all_text(report)
    assert "万元" in report.section("fund_performance").text or "未填写资金" in text
    assert len(text) < 20_000


def test_an_impossible_rate_is_never_reported_as_completed():
    ev = cleared()
    ev.indicators.satisfaction[0].actual = "995.9%"
    report, _ = text_of(ev)
    text = all_text(report)
    assert "群众满意度" in text
    assert "已完成3项" not in report.section("implementation").text
    outcome = report.section("self_assessment").text
    clause = outcome[outcome.index("群众满意度"):]
    clause = clause[: clause.index("。") + 1]
    assert "已完成" not in clause and "需人工判断" in clause, clause
