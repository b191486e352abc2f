"""The model: exact JSON round trip, amounts as money, and Chinese validation messages."""

import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from pydantic import ValidationError

from xlperf.errors import describe_validation_error
from xlperf.forms.guangdong_1_1.model import MAX_ROWS, MAX_SCORE_ENTRIES, SelfEvaluation, SubCategory, json_schema

from .strategies import self_evaluations

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "shaoguan-2020.json"


def test_example_round_trips_byte_for_byte():
    text = EXAMPLE.read_text(encoding="utf-8")
    assert SelfEvaluation.from_json(text).to_json() == text


def test_example_holds_the_seed_facts():
    ev = SelfEvaluation.from_json(EXAMPLE.read_text(encoding="utf-8"))
    assert ev.header.unit_name == "韶关市行政服务中心"
    assert ev.basic.eval_amount == Decimal("122.17")
    assert ev.funding.budget[0].municipal == Decimal("122.17")
    assert ev.indicators.is_none(SubCategory.timeliness)
    assert [r.name for _, _, r in ev.indicators.each()] == ["业务办理增长率", "最多跑一次事项率", "群众满意度"]
    assert ev.report.self_assessment.startswith("自评优秀，分数97分")


@settings(max_examples=200, deadline=None)
@given(self_evaluations())
def test_json_round_trip_is_exact(ev):
    text = ev.to_json()
    back = SelfEvaluation.from_json(text)
    assert back == ev
    assert back.to_json() == text


@pytest.mark.parametrize(
    "raw, expected",
    [("122.1", "122.10"), (5, "5.00"), (0.1, "0.10"), ("1,234.5", "1234.50"), ("1.005", "1.005"), ("-3", "-3.00")],
)
def test_amounts_are_decimal_with_two_places_when_they_have_at_most_two(raw, expected):
    ev = SelfEvaluation()
    ev.basic.eval_amount = raw
    assert isinstance(ev.basic.eval_amount, Decimal)
    assert str(ev.basic.eval_amount) == expected
    assert json.loads(ev.to_json())["basic"]["eval_amount"] == expected


@pytest.mark.parametrize(
    "doc, words",
    [
        ({"basic": {"eval_amount": "一百万"}}, ["评价金额（万元）：应为数字，实际为“一百万”"]),
        ({"basic": {"eval_year": "二〇二〇"}}, ["评价年度", "应为整数"]),
        ({"basic": {"start_date": "2020-13-01"}}, ["项目开始时间", "应为日期"]),
        ({"goals": {"achieved_on_time": "也许"}}, ["是否如期实现", "“是”或“否”"]),
        ({"indicators": {"quality": "有"}}, ["质量指标", "应填“无”"]),
        ({"indicators": {"quality": [{"nam": "x"}]}}, ["质量指标第1行的“nam”", "不是本表的字段"]),
        ({"funding": {"budget": [{}, {"total": "x"}]}}, ["资金安排情况第2行的资金合计：应为数字"]),
        ({"funding": {"budget": [{"total": True}]}}, ["资金合计", "数字"]),
    ],
)
def test_invalid_data_gives_chinese_messages_naming_the_field(doc, words):
    with pytest.raises(ValidationError) as info:
        SelfEvaluation.model_validate_json(json.dumps(doc, ensure_ascii=False))
    message = describe_validation_error(info.value, SelfEvaluation)
    for w in words:
        assert w in message
    assert "basic." not in message and "funding." not in message and "[0]" not in message


def test_yes_no_accepts_the_chinese_words():
    ev = SelfEvaluation.model_validate({"goals": {"achieved_on_time": "否"}})
    assert ev.goals.achieved_on_time is False


def test_schema_describes_every_section_in_chinese():
    schema = json_schema()
    assert schema["title"] == "财政支出项目绩效自评"
    for name in ("Header", "BasicInfo", "Funding", "Goals", "Indicators", "Report", "Scoring"):
        assert name in schema["$defs"]
    assert schema["$defs"]["BasicInfo"]["properties"]["project_name"]["description"] == "项目名称"


@pytest.mark.parametrize(
    "section, field, row",
    [
        ("indicators", "quality", {"name": "指标", "target": "≥95%", "actual": "96%"}),
        ("funding", "budget", {"year": 2020, "municipal": "1.00"}),
        ("funding", "spending", {"year": 2020}),
        ("funding", "by_purpose", {"purpose": "购置"}),
        ("basic", "basis_documents", "1.某某文件"),
    ],
)
def test_every_list_holds_at_most_max_rows(section, field, row):
    doc = {section: {field: [row] * MAX_ROWS}}
    assert len(getattr(getattr(SelfEvaluation.model_validate(doc), section), field)) == MAX_ROWS
    doc = {section: {field: [row] * (MAX_ROWS + 1)}}
    with pytest.raises(ValidationError) as info:
        SelfEvaluation.model_validate(doc)
    message = describe_validation_error(info.value, SelfEvaluation)
    assert f"：最多只能有{MAX_ROWS}项" in message and f"{section}.{field}" not in message


def test_scoring_entries_are_bounded():
    assert MAX_SCORE_ENTRIES >= MAX_ROWS * len(SubCategory)
    entries = [{"item": f"indicators.quality[{i}]"} for i in range(MAX_SCORE_ENTRIES + 1)]
    with pytest.raises(ValidationError) as info:
        SelfEvaluation.model_validate({"scoring": {"entries": entries}})
    assert f"最多只能有{MAX_SCORE_ENTRIES}项" in describe_validation_error(info.value, SelfEvaluation)


def test_the_layout_capacity_bound_is_the_model_bound():
    from xlperf.forms.guangdong_1_1 import layout

    assert layout.MAX_ROWS is MAX_ROWS
    with pytest.raises(ValueError, match=f"1到{MAX_ROWS}之间"):
        layout.Layout.for_capacity(indicator_rows=MAX_ROWS + 1)


def test_a_json_of_twenty_thousand_indicator_rows_is_refused_in_chinese(tmp_path, capsys):
    """Refused by the model's bound before any check runs (it used to take seconds)."""
    from xlperf.cli import main

    doc = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    doc["indicators"]["quality"] = [{"name": f"指标{i}", "target": "≥95%", "actual": "96%"} for i in range(20_000)]
    path = tmp_path / "huge.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    assert main(["check", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert str(path) in err
    assert f"质量指标：最多只能有{MAX_ROWS}项" in err
    assert "应填“无”" not in err  # the 无 branch of the union is not the problem here
    assert "Traceback" not in err


def test_schema_titles_are_chinese_names():
    import re as _re

    titles = []

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "title" and isinstance(value, str):
                    titles.append(value)
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json_schema())
    assert len(titles) > 50
    assert all(_re.search(r"[\u4e00-\u9fff]", t) for t in titles), [t for t in titles if not _re.search(r"[\u4e00-\u9fff]", t)]
    assert all("，" not in t and "；" not in t for t in titles)
    props = json_schema()["$defs"]["BasicInfo"]["properties"]
    assert props["eval_amount"]["title"] == "评价金额（万元）"
