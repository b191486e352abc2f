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
    item_number,
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
    """The seed with its two real gaps mended: documents numbered 1..7, one social indicator."""
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
    return ev


def card(total: str = "97", grade: str = "优", complete: bool = True, pending: int = 0, unknown=()):
    """A scorecard as the checks see it (the attributes of scoring.Scorecard they read)."""
    items = [SimpleNamespace(name=f"定性指标{i + 1}", status="pending") for i in range(pending)]
    items.append(SimpleNamespace(name="预算执行率", status="scored"))
    return SimpleNamespace(
        rules="national-2020", title="项目支出绩效自评表", total=Decimal(total),
        grade=grade, complete=complete, items=items, unknown_entries=list(unknown),
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
    ("FMT010", lambda ev: None, card(unknown=["不存在的评分项"])),
    ("DAT001", _all(_set("basic.start_date", dt.date(2020, 12, 31)), _set("basic.end_date", dt.date(2020, 1, 1))), AGREEING),
    ("DAT002", _all(_set("basic.start_date", dt.date(2019, 1, 1)), _set("basic.end_date", dt.date(2019, 12, 31))), AGREEING),
    ("DAT003", _set("basic.eval_year", 20200), AGREEING),
    ("DAT004", _add_budget_2019, AGREEING),
    ("DAT005", _set("funding.by_purpose[0].year", None), AGREEING),
    ("DAT006", _set("report.fill_date", dt.date(2020, 11, 30)), AGREEING),
    ("AMT001", _set("funding.budget[0].central_provincial", "-10"), AGREEING),
    ("AMT002", _set("basic.eval_amount", "122.171"), AGREEING),
    ("AMT003", _set("funding.budget[0].total", "122.00"), AGREEING),
    ("AMT004", _set("funding.spending[0].total", None), AGREEING),
    ("AMT005", _spend("130.00"), AGREEING),
    ("AMT006", _all(_set("funding.spending[0].year", 2021), _set("funding.by_purpose[0].year", 2021)), AGREEING),
    ("AMT007", _set("funding.by_purpose[0].amount", "100.00"), AGREEING),
    ("AMT008", _set("funding.by_purpose[0].purpose", ""), AGREEING),
    ("AMT009", _set("basic.eval_amount", "100.00"), AGREEING),
    ("AMT010", _spend("100.00"), AGREEING),
    ("GOL001", _set("goals.achieved_on_time", False), AGREEING),
    ("GOL002", _all(_set("indicators.quality[0].actual", "90%"), _set("indicators.quality[0].explanation", "部分事项未进驻。")), AGREEING),
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
    ("RPT001", _set("report.project_name", "政务服务大厅运行经费"), AGREEING),
    ("RPT002", _set("report.filler_name", "张三"), AGREEING),
    ("RPT003", _set("report.phone", "0751-8877834"), AGREEING),
    ("RPT004", _set("report.self_assessment", "项目按计划实施，资金使用规范。"), AGREEING),
    ("SCR001", lambda ev: None, card(complete=False, pending=2)),
    ("SCR002", lambda ev: None, card(total="85", grade="良")),
    ("SCR003", lambda ev: None, card(total="100")),
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
    ("FMT003", _set("basic.basis_documents", ["（1）《甲》", "（2）《乙》", "(3)《丙》"])),
    ("FMT003", _set("basic.basis_documents", ["一、《甲》", "二、《乙》"])),
    ("FMT003", _set("basic.basis_documents", ["《甲》（韶府〔2019〕3号）", "《乙》"])),
    ("DAT002", _all(_set("basic.start_date", dt.date(2019, 3, 1)), _set("basic.end_date", dt.date(2021, 6, 30)))),
    ("DAT006", _set("report.fill_date", dt.date(2020, 12, 31))),
    ("DAT006", _all(_set("basic.end_date", dt.date(2020, 6, 30)), _set("report.fill_date", dt.date(2020, 8, 1)))),
    ("AMT003", _all(_set("funding.budget[0].central_provincial", "22.17"), _set("funding.budget[0].municipal", "100"))),
    ("AMT005", _spend("122.16")),
    ("AMT009", lambda ev: ev.funding.budget.append(BudgetRow(year=2021, municipal="0", total="0"))),
    ("AMT010", _all(_spend("100.00"), _set("other_notes", "年底部分合同未到付款节点，资金结转下年支付。"))),
    ("AMT010", _spend("109.96")),
    ("GOL001", _all(_set("goals.achieved_on_time", False), _set("other_notes", "疫情期间大厅暂停部分窗口服务。"))),
    ("IND004", _all(_set("indicators.social", "无"), _set("indicators.economic", [Indicator(name="节约群众办事成本", formula="无", target="明显节约", actual="明显节约")]))),
    ("IND006", _set("indicators.quality[0].formula", "无")),
    ("IND009", _missed_quality("部分事项因疫情未能进驻大厅。")),
    ("IND010", _missed_quality("因疫情未完成，下一年度补齐。")),
    ("IND012", _set("indicators.quality[0].actual", "99.16%（目标≥95%）")),
    ("IND012", _all(_set("indicators.quality[0].target", "100%"), _set("indicators.quality[0].actual", "100%"))),
    ("IND012", _set("indicators.quantity[0].actual", "大厅办件量增长1.12%，较上年提高")),
    ("RPT001", _set("report.project_name", " 市行政服务中心大厅、政府服务热线平台运行与服务 ")),
    ("RPT003", _set("report.phone", "0751 8877833")),
    ("SCR002", lambda ev: _set("report.self_assessment", "自评等级为优，分数97分。")(ev)),
    ("SCR003", lambda ev: _set("report.self_assessment", "自评优秀，分数97.4分。")(ev)),
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
    assert [f.severity for f in findings] == ["warning", "warning"]
    assert [(f.code, f.field) for f in findings] == [
        ("FMT003", "basic.basis_documents[1]"),
        ("IND004", "indicators.economic"),
    ]
    assert "从1跳到3" in findings[0].message and "第2项" in findings[0].message


def test_seed_under_national_2020_rules():
    from xlperf.engine import scoring

    scorecard = scoring.score(seed(), scoring.load_rules("national-2020"))
    findings = run_checks(seed(), scorecard)
    assert not [f for f in findings if f.severity == "error"]
    extra = {f.code for f in findings} - {"FMT003", "IND004"}
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
    documented = _documented()
    assert list(documented) == list(CATALOGUE)
    for code, info in CATALOGUE.items():
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
