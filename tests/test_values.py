"""One tolerant reading of typed values: a JSON file and a workbook cell read alike."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest

from xlperf.cli import main
from xlperf.files import values
from xlperf.forms.guangdong_1_1.model import SelfEvaluation
from xlperf.workbook import read as workbook_read

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "shaoguan-2020.json"


@pytest.mark.parametrize(("typed", "number"), [
    ("122.17万元", "122.17"), ("1,234.50", "1234.50"), ("１２２．１７", "122.17"), (" 5 ", "5"), (7, "7"), (0.1, "0.1"),
])
def test_json_and_cell_read_amounts_alike(typed, number):
    ev = SelfEvaluation.model_validate({"basic": {"eval_amount": typed}})
    assert ev.basic.eval_amount == Decimal(number)
    assert workbook_read._parse("amount", typed) == Decimal(number)


@pytest.mark.parametrize(("typed", "day"), [
    ("2020-01-01", dt.date(2020, 1, 1)), ("2020年1月1日", dt.date(2020, 1, 1)), ("２０２０/１/２", dt.date(2020, 1, 2)),
])
def test_json_and_cell_read_dates_alike(typed, day):
    assert SelfEvaluation.model_validate({"basic": {"start_date": typed}}).basic.start_date == day
    assert workbook_read._parse("date", typed) == day


def test_json_amount_with_unit_is_checked_not_refused(tmp_path, capsys):
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    data["basic"]["eval_amount"] = "122.17万元"
    src = tmp_path / "form.json"
    src.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert main(["check", str(src)]) == 0
    assert "AMT009" not in capsys.readouterr().out


def test_full_width_phone_is_read_as_half_width():
    ev = SelfEvaluation.model_validate({"basic": {"contact_phone": "０７５１－８８７７８３３"},
                                        "report": {"phone": "０７５１－８８７７８３３"}})
    assert ev.basic.contact_phone == "0751-8877833" and ev.report.phone == "0751-8877833"


def test_values_refuse_in_chinese():
    with pytest.raises(ValueError, match="应为数字，实际为“一百万”"):
        values.number("一百万")
    with pytest.raises(ValueError, match="应为日期"):
        values.date("明年")
    assert values.yes_no("Ｙ") is True and values.half_width("（一）ａ") == "(一)a"


def test_several_data_errors_one_per_line_in_words(tmp_path, capsys):
    src = tmp_path / "bad.json"
    src.write_text(json.dumps({"basic": {"eval_amount": "一百万", "start_date": "昨天"},
                               "funding": {"budget": [{"total": "abc"}]}}, ensure_ascii=False), encoding="utf-8")
    assert main(["check", str(src)]) == 2
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert lines[0] == f"xlperf：文件 {src} 有 3 处内容无法读取："
    assert lines[1:] == ["  评价金额（万元）：应为数字，实际为“一百万”",
                         "  项目开始时间：应为日期（如 2020-01-01 或 2020年1月1日），实际为“昨天”",
                         "  资金安排情况第1行的资金合计：应为数字，实际为“abc”"]


@pytest.mark.parametrize(("text", "why"), [
    ('{"basic": {"project_name": "甲"，"eval_year": 2020}}', "第1行第31列：缺少逗号"),
    ('{"basic": {"project_name": "甲",}}', "字段名应放在英文双引号中"),
    ('{"basic": {"project_name": "甲"', "第1行"),
])
def test_json_syntax_errors_in_chinese(tmp_path, capsys, text, why):
    src = tmp_path / "bad.json"
    src.write_text(text, encoding="utf-8")
    assert main(["check", str(src)]) == 2
    err = capsys.readouterr().err
    assert "不是有效的 JSON：第" in err and why in err
    assert not any(w in err for w in ("Expecting", "EOF", "line", "column", "delimiter"))
