"""The reviewer's checks: every code fires on a form that has the fault and stays quiet on one that does not."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import given, settings

from xlperf.engine.checks import (
    CATALOGUE,
    Finding,
    claimed_grade,
    claimed_score,
    claims_done,
    claims_missed,
    document_years,
    impossible_score,
    item_number,
    likely_email_domain,
    phone_ok,
    phones_match,
    run_checks,
)
from xlperf.forms.guangdong_1_1.model import BudgetRow, Indicator, SelfEvaluation, SpendingRow, PurposeRow

from .strategies import self_evaluations

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "shaoguan-2020.json"
DOCS = ROOT / "docs" / "checks.md"
CJK = re.compile(r"[\u4e00-\u9fff]")


def seed() -> SelfEvaluation:
    return SelfEvaluation.from_json(EXAMPLE.read_text(encoding="utf-8"))


def clean_seed() -> SelfEvaluation:
    """The seed with its real gaps mended: documents numbered 1..7, one social indicator, and an
    实际完成情况 that says what was done instead of repeating the goal."""
    ev = seed()
    ev.basic.basis_documents = [
        re.sub(r"^\d+", str(i + 1), doc) for i, doc in enumerate(ev.basic.basis_documents)
    ]
    ev.indicators.social = [
        Indicator(
            name="政务服务事项网上可办率",
            formula="网上可办事项数/政务服务事项总数",
            target="≥90%",
            actual="95%",
            explanation="已完成。",
        )
    ]
    ev.goals.actual = (
        "市政务服务大厅和12345政府服务热线平台全年正常运行，大厅办件量增长1.12%，热线受理量增长117.8%，"
        "最多跑一次事项率99.16%，群众满意度99.59%。"
    )
    return ev


def card(total: str = "97", grade: str = "优", complete: bool = True, pending: int = 0, unknown=(), weights=()):
    """A scorecard as the checks see it (the attributes of scoring.Scorecard they read);
    weights: (kind, field) of the 分值 the split did not take as written."""
    from xlperf.engine.scoring import WeightIssue

    items = [SimpleNamespace(name=f"定性指标{i + 1}", status="pending") for i in range(pending)]
    items.append(SimpleNamespace(name="预算执行率", status="scored"))
    issues = [WeightIssue(kind=kind, field=field, row="数量指标第1行", weight=Decimal("-1"), item="产出指标50分",
                          points=Decimal(50), total=Decimal(60)) for kind, field in weights]
    return SimpleNamespace(
        rules="national-2020", title="项目支出绩效自评表", total=Decimal(total),
        grade=grade, complete=complete, items=items, unknown_entries=list(unknown), weight_issues=issues,
    )


AGREEING = card()


def codes(ev: SelfEvaluation, scorecard=AGREEING) -> list[str]:
    return [f.code for f in run_checks(ev, scorecard)]


def _set(path: str, value):
    """A mutation that assigns `value` at a dotted path like basic.contact_phone."""

    def mutate(ev: SelfEvaluation) -> None:
        *parents, last = path.split(".")
        obj = ev
        for name in parents:
            m = re.fullmatch(r"(\w+)\[(\d+)\]", name)
            obj = getattr(obj, m.group(1))[int(m.group(2))] if m else getattr(obj, name)
        m = re.fullmatch(r"(\w+)\[(\d+)\]", last)
        if m:
            getattr(obj, m.group(1))[int(m.group(2))] = value
        else:
            setattr(obj, last, value)

    return mutate


def _all(*mutations):
    def mutate(ev):
        for m in mutations:
            m(ev)

    return mutate


def _spend(amount: str):
    return _all(
        _set("funding.spending[0].municipal", amount),
        _set("funding.spending[0].total", amount),
        _set("funding.by_purpose[0].amount", amount),
    )


def _amounts(value: str):
    """Every amount of the clean seed set to `value` (the form stays consistent)."""
    return _all(
        _set("basic.eval_amount", value),
        _set("funding.budget[0].municipal", value), _set("funding.budget[0].total", value),
        _spend(value),
    )


def _drop_document(ev):
    del ev.basic.basis_documents[1]


def _add_budget_2019(ev):
    ev.funding.budget.append(BudgetRow(year=2019, municipal="10", total="10"))


def _missed_quality(explanation: str):
    return _all(
        _set("indicators.quality[0].actual", "90%"),
        _set("indicators.quality[0].explanation", explanation),
        _set("goals.achieved_on_time", False),
        _set("other_notes", "受疫情影响，部分事项未能按计划进驻大厅。"),
    )


# (code, mutation of the clean seed, scorecard): the mutation introduces the fault.
TRIGGERS = [
    ("REQ001", _set("header.unit_name", ""), AGREEING),
    ("REQ002", _set("basic.contact_email", ""), AGREEING),
    ("FMT001", _set("basic.contact_phone", "12ab"), AGREEING),
    ("FMT002", _set("basic.contact_email", "2213245999@qq"), AGREEING),
    ("FMT003", _drop_document, AGREEING),
    ("FMT004", _set("basic.contact_phone", "0751—8877833"), AGREEING),
    ("FMT004", _set("report.phone", "0751–8877833"), AGREEING),
    ("FMT005", _set("basic.contact_email", "2213245999@qq.con"), AGREEING),
    ("FMT005", _set("basic.contact_email", "xiaoshudan@gmial.com"), AGREEING),
    ("FMT010", lambda ev: None, card(unknown=["不存在的评分项"])),
    ("DAT001", _all(_set("basic.start_date", dt.date(2020, 12, 31)), _set("basic.end_date", dt.date(2020, 1, 1))), AGREEING),
    ("DAT002", _all(_set("basic.start_date", dt.date(2019, 1, 1)), _set("basic.end_date", dt.date(2019, 12, 31))), AGREEING),
    ("DAT003", _set("basic.eval_year", 20200), AGREEING),
    ("DAT004", _add_budget_2019, AGREEING),
    ("DAT005", _set("funding.by_purpose[0].year", None), AGREEING),
    ("DAT006", _set("report.fill_date", dt.date(2020, 11, 30)), AGREEING),
    ("DAT006", _all(_set("basic.end_date", dt.date(2020, 6, 30)), _set("report.fill_date", dt.date(2020, 6, 1))), AGREEING),
    ("DAT007", _set("report.fill_date", dt.date(2022, 1, 5)), AGREEING),
    ("DAT008", _set("basic.basis_documents[6]", "7.《广东省政务服务“好差评”管理办法》（粤办函〔2022〕247号）。"), AGREEING),
    ("DAT008", _set("basic.basis_documents[0]", "1.《韶关市行政服务中心机构编制方案》(韶机编发[2021]8号)；"), AGREEING),
    ("AMT001", _set("funding.budget[0].central_provincial", "-10"), AGREEING),
    ("AMT002", _set("basic.eval_amount", "122.171"), AGREEING),
    ("AMT013", _amounts("1221700"), AGREEING),
    ("AMT014", _amounts("30000"), AGREEING),
    ("AMT003", _set("funding.budget[0].total", "122.00"), AGREEING),
    ("AMT004", _set("funding.spending[0].total", None), AGREEING),
    ("AMT005", _spend("130.00"), AGREEING),
    ("AMT006", _all(_set("funding.spending[0].year", 2021), _set("funding.by_purpose[0].year", 2021)), AGREEING),
    ("AMT007", _set("funding.by_purpose[0].amount", "100.00"), AGREEING),
    ("AMT008", _set("funding.by_purpose[0].purpose", ""), AGREEING),
    ("AMT009", _set("basic.eval_amount", "100.00"), AGREEING),
    ("AMT010", _spend("100.00"), AGREEING),
    ("AMT011", _all(_set("funding.spending[0].central_provincial", "22.17"), _set("funding.spending[0].municipal", "100.00")), AGREEING),
    ("AMT012", _all(
        _set("funding.budget[0].central_provincial", "22.17"), _set("funding.budget[0].municipal", "100.00"),
        _set("funding.spending[0].central_provincial", "10.00"), _set("funding.spending[0].municipal", "112.17"),
    ), AGREEING),
    ("GOL001", _set("goals.achieved_on_time", False), AGREEING),
    ("GOL002", _all(_set("indicators.quality[0].actual", "90%"), _set("indicators.quality[0].explanation", "部分事项未进驻。")), AGREEING),
    ("GOL003", _set("goals.actual", "保障了市政务服务大厅和12345政府服务热线平台正常运行，提供了便民高效的公共服务，提升了政府形象。"), AGREEING),
    ("IND001", _set("indicators.timeliness", []), AGREEING),
    ("IND002", _all(_set("indicators.quantity", "无"), _set("indicators.quality", "无")), AGREEING),
    ("IND003", _set("indicators.satisfaction", "无"), AGREEING),
    ("IND004", _set("indicators.social", "无"), AGREEING),
    ("IND005", _set("indicators.quality[0].name", ""), AGREEING),
    ("IND006", _set("indicators.quality[0].formula", ""), AGREEING),
    ("IND007", _set("indicators.quality[0].target", ""), AGREEING),
    ("IND008", _set("indicators.quality[0].actual", ""), AGREEING),
    ("IND009", _missed_quality(""), AGREEING),
    ("IND010", _missed_quality("已完成。"), AGREEING),
    ("IND011", _set("indicators.satisfaction[0].name", "最多跑一次事项率"), AGREEING),
    ("IND012", _set("indicators.quality[0].actual", "≥95%"), AGREEING),
    ("IND020", _set("indicators.quality[0].explanation", "因疫情部分事项未能进驻，未完成。"), AGREEING),
    ("IND020", _set("indicators.satisfaction[0].explanation", "受疫情影响，评价数量减少。"), AGREEING),
    ("IND021", _set("indicators.satisfaction[0].actual", "995.9%"), AGREEING),
    ("IND021", _set("indicators.quality[0].actual", "101%"), AGREEING),
    ("IND021", _set("indicators.satisfaction[0].actual", "995.9"), AGREEING),
    ("IND022", _set("indicators.satisfaction[0].actual", "满意评价12563条"), AGREEING),
    ("IND023", _set("indicators.satisfaction[0].actual", "较好"), AGREEING),
    ("IND024", _set("indicators.quality[0].actual", "0.9916"), AGREEING),
    ("IND025", _set("indicators.quality[0].actual", "99.16"), AGREEING),
    ("IND025", _all(_set("indicators.social[0].target", "≤100万元"), _set("indicators.social[0].actual", "90")), AGREEING),
    ("RPT001", _set("report.project_name", "政务服务大厅运行经费"), AGREEING),
    ("RPT002", _set("report.filler_name", "张三"), AGREEING),
    ("RPT003", _set("report.phone", "0751-8877834"), AGREEING),
    ("RPT004", _set("report.self_assessment", "项目按计划实施，资金使用规范。"), AGREEING),
    ("RPT005", _set("report.fund_performance", "自评良好，资金使用安全合规。"), AGREEING),
    ("RPT005", _set("report.self_assessment", "自评优秀，分数97分。经综合评定，自评等级为良好。"), AGREEING),
    ("RPT006", _set("report.self_assessment", "自评优秀，分数105分。"), AGREEING),
    ("RPT006", _set("report.self_assessment", "自评优秀，得分-3分。"), AGREEING),
    ("SCR001", lambda ev: None, card(complete=False, pending=2)),
    ("SCR002", lambda ev: None, card(total="85", grade="良")),
    ("SCR003", lambda ev: None, card(total="100")),
    ("SCR004", lambda ev: None, card(weights=[("negative", "indicators.quantity[0].weight")])),
    ("SCR005", lambda ev: None, card(weights=[("over", "indicators.quantity[0].weight")])),
    ("SCR006", lambda ev: None, card(weights=[("decimals", "indicators.quantity[0].weight")])),
]

# (code, mutation of the clean seed): a near miss that must NOT fire the code.
NEAR_MISSES = [
    ("REQ001", _set("report.project_name", "")),
    ("REQ001", _set("basic.contact_email", "")),
    ("FMT001", _set("basic.contact_phone", "13800138000")),
    ("FMT001", _set("basic.contact_phone", "(0751)8877833转123")),
    ("FMT001", _set("basic.contact_phone", "0751 8877833")),
    ("FMT001", _set("basic.contact_phone", "０７５１－８８７７８３３")),
    ("FMT001", _set("basic.contact_phone", "0751-8877833、138-0013-8000")),
    ("FMT004", _set("basic.contact_phone", "0751-8877833")),
    ("FMT004", _set("report.phone", "0751 8877833")),
    ("FMT004", _set("basic.contact_phone", "１２ab")),
    ("FMT005", _set("basic.contact_email", "2213245999@163.net")),
    ("FMT005", _set("basic.contact_email", "2213245999@sina.cn")),
    ("FMT005", _set("basic.contact_email", "sgxzfw@sg.gov.cn")),
    ("FMT005", _set("basic.contact_email", "2213245999@qq")),
    ("FMT003", _set("basic.basis_documents", ["（1）《甲》", "（2）《乙》", "(3)《丙》"])),
    ("FMT003", _set("basic.basis_documents", ["一、《甲》", "二、《乙》"])),
    ("FMT003", _set("basic.basis_documents", ["《甲》（韶府〔2019〕3号）", "《乙》"])),
    ("DAT002", _all(_set("basic.start_date", dt.date(2019, 3, 1)), _set("basic.end_date", dt.date(2021, 6, 30)))),
    ("DAT006", _set("report.fill_date", dt.date(2020, 12, 31))),
    ("DAT006", _all(_set("basic.end_date", dt.date(2020, 6, 30)), _set("report.fill_date", dt.date(2020, 8, 1)))),
    ("DAT007", _set("report.fill_date", dt.date(2021, 12, 31))),
    ("DAT007", _set("report.fill_date", dt.date(2021, 1, 1))),
    ("DAT008", _set("basic.basis_documents[6]", "7.《广东省政务服务“好差评”管理办法》（粤办函〔2020〕247号）。")),
    ("DAT008", _set("basic.basis_documents[6]", "7.《广东省数字政府建设总体规划（2021-2025年）》。")),
    ("DAT008", _set("basic.basis_documents[6]", "7.《广东省政务服务事项目录（2022）》。")),
    ("AMT003", _all(_set("funding.budget[0].central_provincial", "22.17"), _set("funding.budget[0].municipal", "100"))),
    ("AMT013", _amounts("100000")),
    ("AMT013", _amounts("5230.50")),
    ("AMT014", _amounts("100")),
    ("AMT014", _amounts("20000.50")),
    ("AMT014", lambda ev: (_amounts("30000")(ev), _set("funding.by_purpose[0].amount", "29999.99")(ev),
                           ev.funding.by_purpose.append(PurposeRow(year=2020, purpose="热线", amount="0.01")))),
    ("AMT005", _spend("122.16")),
    ("AMT009", lambda ev: ev.funding.budget.append(BudgetRow(year=2021, municipal="0", total="0"))),
    ("AMT010", _all(_spend("100.00"), _set("other_notes", "年底部分合同未到付款节点，资金结转下年支付。"))),
    ("AMT010", _spend("109.96")),
    ("AMT011", _all(
        _set("funding.budget[0].central_provincial", "22.17"), _set("funding.budget[0].municipal", "100.00"),
        _set("funding.spending[0].central_provincial", "22.17"), _set("funding.spending[0].municipal", "100.00"),
    )),
    ("AMT011", _set("funding.spending[0].central_provincial", "0")),
    ("AMT012", _all(
        _set("funding.budget[0].central_provincial", "22.17"), _set("funding.budget[0].municipal", "100.00"),
        _set("funding.spending[0].central_provincial", "20.00"), _set("funding.spending[0].municipal", "90.00"),
        _set("funding.spending[0].total", "110.00"), _set("funding.by_purpose[0].amount", "110.00"),
        _set("other_notes", "年底部分合同未到付款节点。"),
    )),
    ("AMT012", _all(_set("funding.spending[0].year", 2021), _set("funding.by_purpose[0].year", 2021))),
    ("GOL001", _all(_set("goals.achieved_on_time", False), _set("other_notes", "疫情期间大厅暂停部分窗口服务。"))),
    ("IND004", _all(_set("indicators.social", "无"), _set("indicators.economic", [Indicator(name="节约群众办事成本", formula="无", target="明显节约", actual="明显节约")]))),
    ("IND006", _set("indicators.quality[0].formula", "无")),
    ("IND009", _missed_quality("部分事项因疫情未能进驻大厅。")),
    ("IND010", _missed_quality("因疫情未完成，下一年度补齐。")),
    ("IND012", _set("indicators.quality[0].actual", "99.16%（目标≥95%）")),
    ("IND012", _all(_set("indicators.quality[0].target", "100%"), _set("indicators.quality[0].actual", "100%"))),
    ("IND012", _set("indicators.quantity[0].actual", "大厅办件量增长1.12%，较上年提高")),
    ("GOL003", _set("goals.actual", "保障了市政务服务大厅和12345政府服务热线平台正常运行，全年大厅办件42.3万件，热线受理15.6万件，群众满意度99.59%。")),
    ("GOL003", _set("goals.stage", "保障市政务服务大厅和12345政府服务热线平台正常运行，提供便民高效的公共服务，提升政府形象。")),
    ("IND020", _set("indicators.quality[0].explanation", "未完成原因：无")),
    ("IND020", _set("indicators.quality[0].explanation", "受疫情影响，仍按时完成。")),
    ("IND020", _set("indicators.quality[0].explanation", "超额完成。")),
    ("IND020", _missed_quality("因疫情未完成，下一年度补齐。")),
    ("IND021", _set("indicators.satisfaction[0].actual", "100%")),
    ("IND021", _set("indicators.quantity[0].actual", "大厅办件量增长1.5%，热线增长率117.8%")),
    ("IND021", _all(_set("indicators.social[0].name", "网上办件量占比提高幅度"), _set("indicators.social[0].actual", "120%"))),
    ("IND021", _all(_set("indicators.social[0].name", "业务量超额完成率"), _set("indicators.social[0].actual", "120%"))),
    ("IND022", _set("indicators.satisfaction[0].actual", "99.59%（满意评价12563条）")),
    ("IND022", _set("indicators.satisfaction[0].actual", "满意率99.59%，满意评价12563条")),
    ("IND023", _set("indicators.quantity[0].actual", "略有增长")),
    ("IND023", _all(_set("indicators.social[0].name", "安全事故"), _set("indicators.social[0].target", "无安全事故"),
                    _set("indicators.social[0].actual", "未发生"))),
    ("IND023", _all(_set("indicators.social[0].target", "效果明显"), _set("indicators.social[0].actual", "较好"))),
    ("IND024", _set("indicators.quality[0].actual", "99.16%")),
    ("IND024", _all(_set("indicators.social[0].target", "≥0.5"), _set("indicators.social[0].actual", "0.8"))),
    ("IND025", _all(_set("indicators.social[0].target", "≥50个"), _set("indicators.social[0].actual", "60"))),
    ("IND025", _set("indicators.quantity[0].actual", "1.5")),
    ("IND009", _all(_set("indicators.satisfaction[0].actual", "93.5%"),
                    _set("indicators.satisfaction[0].explanation", "受疫情影响，线下评价减少，下一年度加强回访。"),
                    _set("goals.achieved_on_time", False), _set("other_notes", "满意度未达预期，已制定整改措施。"))),
    ("RPT001", _set("report.project_name", " 市行政服务中心大厅、政府服务热线平台运行与服务 ")),
    ("RPT003", _set("report.phone", "0751 8877833")),
    ("SCR002", lambda ev: _set("report.self_assessment", "自评等级为优，分数97分。")(ev)),
    ("SCR003", lambda ev: _set("report.self_assessment", "自评优秀，分数97.4分。")(ev)),
    ("RPT005", _set("report.fund_performance", "自评优秀，项目执行情况良好，资金使用合规。")),
    ("RPT005", _set("report.problems", "个别事项办理质量良好但时效一般。")),
    ("RPT006", _set("report.self_assessment", "自评优秀，分数100分（满分100分）。")),
    ("RPT006", _set("report.self_assessment", "自评优秀，分数0分。")),
    ("RPT004", _set("report.self_assessment", "自评优秀，分数105分。")),
]


def test_catalogue_codes_are_grouped_and_unique():
    assert all(re.fullmatch(r"[A-Z]{3}\d{3}", code) for code in CATALOGUE)
    assert all(CJK.search(info.title) for info in CATALOGUE.values())
    assert {info.severity for info in CATALOGUE.values()} == {"error", "warning"}


IMPORT_CODES = {code for code in CATALOGUE if code.startswith("IMP")}
"""Findings of importing a typed form: triggered and near-missed in tests/test_import.py."""


def test_every_code_has_a_trigger():
    assert sorted({code for code, _, _ in TRIGGERS}) == sorted(set(CATALOGUE) - IMPORT_CODES)


def test_clean_seed_has_no_findings():
    assert run_checks(clean_seed(), AGREEING) == []


@pytest.mark.parametrize(("code", "mutate", "scorecard"), TRIGGERS, ids=[t[0] for t in TRIGGERS])
def test_code_fires_on_its_fault(code, mutate, scorecard):
    ev = clean_seed()
    assert code not in codes(ev, AGREEING)
    mutate(ev)
    found = [f for f in run_checks(ev, scorecard) if f.code == code]
    assert found, codes(ev, scorecard)
    for f in found:
        assert f.severity == CATALOGUE[code].severity


@pytest.mark.parametrize(("code", "mutate"), NEAR_MISSES, ids=[f"{c}-{i}" for i, (c, _) in enumerate(NEAR_MISSES)])
def test_code_stays_quiet_on_a_near_miss(code, mutate):
    ev = clean_seed()
    mutate(ev)
    assert code not in codes(ev)


def test_seed_has_no_errors_and_only_its_real_warnings():
    findings = run_checks(seed())
    assert [f.severity for f in findings] == ["warning", "warning", "warning"]
    assert [(f.code, f.field) for f in findings] == [
        ("FMT003", "basic.basis_documents[1]"),
        ("GOL003", "goals.actual"),
        ("IND004", "indicators.economic"),
    ]
    assert "从1跳到3" in findings[0].message and "第2项" in findings[0].message


def test_seed_under_national_2020_rules():
    from xlperf.engine import scoring

    scorecard = scoring.score(seed(), scoring.load_rules("national-2020"))
    findings = run_checks(seed(), scorecard)
    assert not [f for f in findings if f.severity == "error"]
    extra = {f.code for f in findings} - {"FMT003", "GOL003", "IND004"}
    assert extra <= {"SCR001", "SCR003"}
    if scorecard.complete and abs(scorecard.total - 97) > Decimal("0.5"):
        assert "SCR003" in extra


# --------------------------------------------------------------------------- messages and fields

REQUIRED = [
    "header.unit_name", "basic.project_name", "basic.eval_year", "basic.eval_amount",
    "basic.contact_name", "basic.contact_phone", "basic.start_date", "basic.end_date",
    "goals.overall", "goals.achieved_on_time", "goals.actual",
    "report.filler_name", "report.phone", "report.fill_date",
]


@pytest.mark.parametrize("path", REQUIRED)
def test_each_missing_required_field_gets_its_own_finding(path):
    ev = clean_seed()
    _set(path, None if path.endswith(("year", "amount", "date", "on_time")) else "")(ev)
    found = [f for f in run_checks(ev, AGREEING) if f.code == "REQ001"]
    assert [f.field for f in found] == [path]
    assert f"{_label(path)}未填写：" in found[0].message


@pytest.mark.parametrize("block", ["budget", "spending", "by_purpose"])
def test_an_empty_funding_block_is_required(block):
    ev = clean_seed()
    setattr(ev.funding, block, [])
    assert ("REQ001", f"funding.{block}[0]") in [(f.code, f.field) for f in run_checks(ev)]


@pytest.mark.parametrize("path", ["basic.contact_phone", "report.phone"])
@pytest.mark.parametrize("typed", ["０７５１－８８７７８３３", "0751－8877833", "０７５１-８８７７８３３", "0751—8877833"])
def test_full_width_phone_is_normalised_or_flagged(path, typed):
    """Like an amount typed in full-width digits: read as its half-width number, or named with it."""
    ev = clean_seed()
    _set(path, typed)(ev)
    stored = _get(ev, path)
    found = [f for f in run_checks(ev) if f.field == path]
    if stored == "0751-8877833":
        assert found == []
    else:
        (f,) = found
        assert (f.code, f.severity) == ("FMT004", "warning")
        assert f"“{typed}”" in f.message and "0751-8877833" in f.message


@pytest.mark.parametrize(
    ("email", "intended"),
    [("a@qq.con", "qq.com"), ("a@163.cm", "163.com"), ("a@gmial.com", "gmail.com"), ("a@126.con", "126.com"),
     ("a@sina.con", "sina.com"), ("a@foxmail.con", "foxmail.com"), ("a@QQ.CON", "qq.com"), ("a@hotmial.com", "hotmail.com"),
     ("a@vip.qq.con", "vip.qq.com"), ("a@gamil.com", "gmail.com"), ("a@163.comm", "163.com"), ("a@qq.cn", "qq.com"),
     ("a@163.com.cn", "163.com"),
     ("a@qq.com", None), ("a@163.net", None), ("a@sina.cn", None), ("a@139.com", None), ("a@189.cn", None),
     ("a@sg.gov.cn", None), ("a@example.com", None)],
)
def test_email_domain_typos(email, intended):
    assert likely_email_domain(email) == intended


def test_email_typo_names_the_likely_address():
    ev = clean_seed()
    ev.basic.contact_email = "2213245999@qq.con"
    (f,) = [f for f in run_checks(ev) if f.code == "FMT005"]
    assert f.severity == "warning" and "“qq.con”" in f.message and "2213245999@qq.com" in f.message


def test_email_providers_are_data_with_reasons():
    from xlperf.engine.reference import EmailData, _read

    data = EmailData.model_validate_json(_read("email_domains.json"))
    assert all(CJK.search(p.reason) for p in data.providers)
    assert len({p.domain for p in data.providers}) == len(data.providers)
    providers = {p.domain for p in data.providers}
    assert all(t.domain in providers and t.typo not in providers and CJK.search(t.reason) for t in data.typos)


def _get(ev, path):
    obj = ev
    for name in path.split("."):
        obj = getattr(obj, name)
    return obj


def test_message_names_the_phone_and_says_what_to_write():
    ev = clean_seed()
    ev.basic.contact_phone = "12ab"
    (f,) = [f for f in run_checks(ev) if f.code == "FMT001"]
    assert f.field == "basic.contact_phone"
    assert f.message.startswith("联系电话“12ab”格式不正确：请填写如 0751-8877833 或 13800138000 的号码")


def _label(path: str) -> str:
    """The official Chinese label of a field path, from the model's descriptions."""
    from pydantic import BaseModel

    from xlperf.engine.checks import _nested_model

    cls, label = SelfEvaluation, ""
    for name in re.findall(r"[A-Za-z_]\w*", path):
        info = cls.model_fields[name]
        label = info.description or ""
        cls = _nested_model(info.annotation) or BaseModel
    label = re.sub(r"（[^）]*）", "", label).split("，")[0]
    return {"scoring": "评分", "report.self_assessment": "自评等级和分数"}.get(path, label)


@pytest.mark.parametrize(("code", "mutate", "scorecard"), TRIGGERS, ids=[t[0] for t in TRIGGERS])
def test_messages_are_chinese_and_name_the_field(code, mutate, scorecard):
    ev = clean_seed()
    mutate(ev)
    for f in run_checks(ev, scorecard):
        assert CJK.search(f.message) and "：" in f.message, f.message
        label = _label(f.field)
        assert label and label in f.message, (f.field, label, f.message)


def test_locate_fills_the_cell():
    ev = seed()
    ev.basic.contact_phone = "12ab"
    cells = {"basic.contact_phone": "附件1-1!D5"}
    findings = run_checks(ev, None, cells.get)
    phone = next(f for f in findings if f.code == "FMT001")
    assert phone.cell == "附件1-1!D5"
    assert all(f.cell is None for f in findings if f.field not in cells)
    assert all(f.cell is None for f in run_checks(ev))


def test_findings_come_in_form_order():
    ev = clean_seed()
    ev.report.phone = "x"
    ev.indicators.quality[0].target = ""
    ev.funding.budget[0].total = None
    ev.basic.contact_email = "a@"
    ev.header.unit_name = ""
    fields = [f.field for f in run_checks(ev)]
    assert fields == [
        "header.unit_name",
        "basic.contact_email",
        "funding.budget[0].total",
        "indicators.quality[0].target",
        "report.phone",
    ]


def test_finding_is_plain_data():
    f = run_checks(seed())[0]
    assert Finding.model_validate_json(f.model_dump_json()) == f


# --------------------------------------------------------------------------- details

def test_numbering_gap_names_both_numbers_and_the_missing_item():
    ev = clean_seed()
    ev.basic.basis_documents = ["1.《甲》", "2、《乙》", "5.《丙》"]
    (f,) = [f for f in run_checks(ev) if f.code == "FMT003"]
    assert f.field == "basic.basis_documents[2]"
    assert "从2跳到5" in f.message and "第3、4项" in f.message


@pytest.mark.parametrize(
    ("text", "number"),
    [("1.《甲》", 1), ("4、《乙》", 4), ("（3）《丙》", 3), ("(12)丁", 12), ("2）戊", 2),
     ("①己", 1), ("十一、庚", 11), ("二十、辛", 20), ("１．壬", 1),
     ("《甲》", None), ("2019年《乙》", None), ("1.5万元", None)],
)
def test_item_numbers(text, number):
    assert item_number(text) == number


@pytest.mark.parametrize(
    ("text", "ok"),
    [("0751-8877833", True), ("8877833", True), ("07518877833", True), ("020-83123456", True), ("020-12345678", False),
     ("0751-8877833-123", True), ("13800138000", True), ("+86 138 0013 8000", True),
     ("12ab", False), ("12345", False), ("1380013800", False), ("0751-887", False), ("", False)],
)
def test_phone_formats(text, ok):
    assert phone_ok(text) is ok


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [("8877833", "0751-8877833", True), ("13800138000", "+8613800138000", True),
     ("0751-8877833", "0751-8877834", False), ("877833", "0751-8877833", False),
     ("0751-8877833、13800138000", "13800138000", True)],
)
def test_phone_matching(a, b, same):
    assert phones_match(a, b) is same


@pytest.mark.parametrize(
    ("text", "done"),
    [("已完成。", True), ("完成", True), ("已达成预期目标", True), ("均已完成", True),
     ("未完成", False), ("因疫情未完成", False), ("已完成90%，因疫情延误", False), ("", False)],
)
def test_explanations_that_only_claim_completion(text, done):
    assert claims_done(text) is done


@pytest.mark.parametrize(
    ("text", "missed"),
    [("未完成", True), ("因疫情未能全部完成", True), ("尚未达到预期", True), ("与目标仍有差距", True),
     ("部分完成", True), ("未按计划推进", True),
     ("受疫情影响，办件量减少", True), ("由于系统升级，上线推迟", True),
     ("已完成。", False), ("超额完成", False), ("未完成原因：无", False), ("没有未完成的事项", False),
     ("受疫情影响，仍按时完成", False), ("无", False), ("", False)],
)
def test_explanations_that_say_the_indicator_was_missed(text, missed):
    assert claims_missed(text) is missed


def test_met_indicator_explained_as_missed_names_both_values():
    ev = clean_seed()
    ev.indicators.quality[0].explanation = "部分事项未完成。"
    (f,) = [f for f in run_checks(ev) if f.code == "IND020"]
    assert f.field == "indicators.quality[0].explanation" and f.severity == "warning"
    assert "“99.16%”" in f.message and "“95%以上”" in f.message and "部分事项未完成" in f.message


@pytest.mark.parametrize(
    ("actual", "code", "says"),
    [("995.9%", "IND021", ["“995.9%”", "100%", "满意度"]),
     ("满意评价12563条", "IND022", ["数量", "比率", "群众满意舒/群众总评价数"]),
     ("较好", "IND023", ["“较好”", "不是数值", "%"]),
     ("0.9916", "IND024", ["小数", "百分比", "99.16%"]),
     ("99.16", "IND025", ["没有写单位", "99.16%"])],
)
def test_wrong_values_say_what_is_wrong_and_what_to_write(actual, code, says):
    ev = clean_seed()
    ev.indicators.satisfaction[0].actual = actual
    found = [f for f in run_checks(ev) if f.field.startswith("indicators.satisfaction[0]")]
    assert [(f.code, f.field, f.severity) for f in found] == [(code, "indicators.satisfaction[0].actual", "error")]
    assert found[0].message.startswith("服务对象或公众满意度“群众满意度”的评价年度实现值")
    for words in says:
        assert words in found[0].message


def test_bounded_rates_are_data_with_reasons():
    from xlperf.engine.misreadings import bounded_rate_word
    from xlperf.engine.reference import bounded_rates

    data = bounded_rates()
    for word in ("满意度", "合格率", "完成率", "知晓率", "达标率", "覆盖率", "及格率", "正确率", "准确率", "到位率", "执行率"):
        assert word in {r.word for r in data.rates}
    assert all(CJK.search(w.reason) for w in (*data.rates, *data.exceptions))
    assert bounded_rate_word("群众满意度", "") == "满意度"
    assert bounded_rate_word("群众评价", "满意率 = 满意数/评价数") == "满意率"
    assert bounded_rate_word("业务办理增长率", "（年办理量-上年办理量）/上年办理量") is None
    assert bounded_rate_word("办件数量", "") is None


def test_goal_copy_is_found_word_for_word_and_nearly():
    ev = clean_seed()
    ev.goals.actual = ev.goals.overall
    assert "GOL003" in codes(ev)
    ev.goals.actual = ev.goals.overall.replace("提升政府形象", "提升了政府的形象")
    assert "GOL003" in codes(ev)
    ev.goals.actual = ev.goals.overall + "全年大厅办件42.3万件。"
    assert "GOL003" not in codes(ev)


def test_impossible_score_names_the_number_instead_of_missing_score():
    ev = clean_seed()
    ev.report.self_assessment = "自评优秀，分数995分。"
    found = run_checks(ev, card(total="97"))
    (f,) = [f for f in found if f.code == "RPT006"]
    assert f.severity == "error" and "995分" in f.message and f.field == "report.self_assessment"
    assert "RPT004" not in [x.code for x in found] and "SCR003" not in [x.code for x in found]


def test_grade_disagreement_names_both_sections_and_both_grades():
    ev = clean_seed()
    ev.report.fund_performance = "自评良好，资金使用安全合规。"
    (f,) = [f for f in run_checks(ev) if f.code == "RPT005"]
    assert f.field == "report.self_assessment"
    assert "“优秀”" in f.message and "“良好”" in f.message and "二（一）资金使用绩效" in f.message


@pytest.mark.parametrize(
    ("text", "score", "impossible"),
    [("分数97分", Decimal("97"), None), ("自评优秀，分数105分", None, Decimal("105")),
     ("得分-3分", None, Decimal("-3")), ("分数1000分", None, Decimal("1000")),
     ("满分100分，得分97分", Decimal("97"), None), ("项目执行良好", None, None)],
)
def test_scores_within_and_outside_the_range(text, score, impossible):
    assert claimed_score(text) == score
    assert impossible_score(text) == impossible


@pytest.mark.parametrize(
    ("text", "score", "grade"),
    [("自评优秀，分数97分。", Decimal("97"), "优"),
     ("自评等级为良，得分为85.5分", Decimal("85.5"), "良"),
     ("自评结论：中等，自评得分７２分", Decimal("72"), "中"),
     ("自评为“良好”，88分", Decimal("88"), "良"),
     ("在自评中发现，满分100分的项目得了", None, None),
     ("项目执行情况良好。", None, None)],
)
def test_claimed_score_and_grade(text, score, grade):
    assert claimed_score(text) == score
    assert claimed_grade(text) == grade


def test_incomplete_scorecard_is_not_compared_with_the_report():
    ev = clean_seed()
    found = run_checks(ev, card(total="50", grade="差", complete=False, pending=7))
    assert [f.code for f in found] == ["SCR001"]
    assert "7项" in found[0].message and "等" in found[0].message


def test_grade_mismatch_is_an_error_and_names_both_grades():
    ev = clean_seed()
    (f,) = [f for f in run_checks(ev, card(total="97", grade="良")) if f.code == "SCR002"]
    assert f.severity == "error" and "“优”" in f.message and "“良”" in f.message


def test_spending_by_purpose_is_compared_per_year():
    ev = clean_seed()
    ev.funding.budget.append(BudgetRow(year=2021, municipal="50", total="50"))
    ev.funding.spending.append(SpendingRow(year=2021, municipal="40", total="40"))
    ev.funding.by_purpose.append(PurposeRow(year=2021, purpose="热线运维", amount="30"))
    ev.basic.end_date = dt.date(2021, 12, 31)
    found = [f for f in run_checks(ev) if f.code == "AMT007"]
    assert [f.field for f in found] == ["funding.by_purpose[1].amount"]
    assert "2021年" in found[0].message and "30.00" in found[0].message and "40.00" in found[0].message


def test_source_checks_name_the_source_the_year_and_both_amounts():
    ev = clean_seed()
    ev.funding.budget[0].central_provincial = Decimal("22.17")
    ev.funding.budget[0].municipal = Decimal("100.00")
    ev.funding.spending[0].central_provincial = Decimal("30.00")
    ev.funding.spending[0].municipal = Decimal("92.17")
    (f,) = [f for f in run_checks(ev) if f.code in ("AMT011", "AMT012", "AMT005")]
    assert (f.code, f.field) == ("AMT012", "funding.spending[0].central_provincial")
    assert "2020年" in f.message and "中央及省级支出30.00万元" in f.message and "中央及省级资金22.17万元" in f.message
    assert "7.83" in f.message


def test_source_with_only_a_total_budget_is_left_to_the_total_check():
    ev = clean_seed()
    ev.funding.budget[0].municipal = None
    found = codes(ev)
    assert "AMT003" in found and "AMT011" not in found


def test_amounts_in_yuan_are_one_warning_that_says_what_to_write():
    ev = clean_seed()
    _amounts("1221700")(ev)
    found = [f for f in run_checks(ev) if f.code in ("AMT013", "AMT014")]
    assert [(f.code, f.field, f.severity) for f in found] == [("AMT013", "basic.eval_amount", "warning")]
    assert "122.17亿元" in found[0].message and "除以10000" in found[0].message and "122.17" in found[0].message
    assert "等6个金额" in found[0].message


def test_amount_thresholds_are_data_with_reasons():
    from xlperf.engine.reference import amount_limits

    limits = amount_limits("guangdong_1_1")
    assert limits.unit == "万元" and limits.ceiling.value == 100000 and limits.whole_multiple.value == 10000
    assert CJK.search(limits.ceiling.reason) and CJK.search(limits.whole_multiple.reason)


def test_fill_date_before_the_period_ends_is_an_error_naming_both_dates():
    ev = clean_seed()
    ev.report.fill_date = dt.date(2020, 11, 30)
    (f,) = [f for f in run_checks(ev) if f.code.startswith("DAT")]
    assert (f.code, f.severity) == ("DAT006", "error")
    assert "2020年11月30日" in f.message and "2020年12月31日" in f.message


@pytest.mark.parametrize(
    ("text", "years"),
    [("《甲》（粤办函〔2019〕247号）", [2019]), ("韶机编发[2017]8号", [2017]), ("韶政务（2018）27号", [2018]),
     ("粤财预【2020】第5号", [2020]), ("《规划（2021-2025年）》", []), ("《目录（2022）》", []), ("2019年工作计划", [])],
)
def test_document_years(text, years):
    assert document_years(text) == years


def test_several_budget_years_sum_to_the_evaluation_amount():
    ev = clean_seed()
    ev.basic.end_date = dt.date(2021, 12, 31)
    ev.funding.budget.append(BudgetRow(year=2021, municipal="10", total="10"))
    ev.basic.eval_amount = Decimal("132.17")
    assert "AMT009" not in codes(ev)
    ev.basic.eval_amount = Decimal("130")
    assert "AMT009" in codes(ev)


def test_eval_amount_equal_to_spending_only_is_still_reported():
    ev = clean_seed()
    _spend("100.00")(ev)
    ev.basic.eval_amount = Decimal("100.00")
    (f,) = [f for f in run_checks(ev) if f.code == "AMT009"]
    assert "实际支出数" in f.message and "122.17" in f.message


def test_too_many_decimals_suggests_the_rounded_amount():
    ev = clean_seed()
    ev.funding.budget[0].municipal = Decimal("122.175")
    found = [f for f in run_checks(ev) if f.code == "AMT002"]
    assert [f.field for f in found] == ["funding.budget[0].municipal"]
    assert "122.18" in found[0].message and "市本级资金" in found[0].message


def test_a_row_of_wu_counts_as_wu():
    ev = clean_seed()
    ev.indicators.timeliness = [Indicator(name="无", formula="无", target="无", actual="无", explanation="无")]
    assert run_checks(ev, AGREEING) == []


def test_low_execution_message_gives_the_rate():
    ev = clean_seed()
    _spend("61.09")(ev)
    (f,) = [f for f in run_checks(ev) if f.code == "AMT010"]
    assert "50.00%" in f.message and f.field == "funding.spending[0].total"


@settings(max_examples=150, deadline=None)
@given(self_evaluations())
def test_any_form_gets_catalogued_findings_without_crashing(ev):
    findings = run_checks(ev, card(complete=False, pending=1), lambda p: p)
    for f in findings:
        assert CATALOGUE[f.code].severity == f.severity
        assert f.cell == f.field
        assert CJK.search(f.message)


# --------------------------------------------------------------------------- the documentation

def _documented() -> dict[str, tuple[str, str]]:
    rows = {}
    for line in DOCS.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 3 and re.fullmatch(r"[A-Z]{3}\d{3}", cells[0]):
            assert cells[0] not in rows, f"{cells[0]} documented twice"
            rows[cells[0]] = (cells[1], cells[2])
    return rows


def test_docs_list_exactly_the_catalogue():
    from xlperf.forms import catalogue

    every = catalogue()  # the engine's codes, then each form kind's own (NAT…)
    documented = _documented()
    assert list(documented) == list(every)
    for code, info in every.items():
        assert documented[code] == (info.severity, info.title), code


def test_checks_import_no_workbook_or_document_library():
    import subprocess
    import sys

    code = (
        "import sys, xlperf.engine.checks; "
        "print(sorted(m for m in ('openpyxl', 'xlwings', 'docx') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_messages_write_dates_and_amounts_as_the_report_does():
    ev = clean_seed()
    ev.basic.start_date, ev.basic.end_date = dt.date(2020, 12, 31), dt.date(2020, 1, 1)
    ev.funding.spending[0].municipal = Decimal("1234.5")
    ev.funding.spending[0].total = Decimal("1234.5")
    found = {f.code: f.message for f in run_checks(ev)}
    assert "项目开始时间（2020年12月31日）晚于项目完成时间（2020年1月1日）" in found["DAT001"]
    assert "1,234.50万元" in found["AMT005"]
    assert "2020-" not in " ".join(found.values())
