"""One translator of pydantic errors for every file a person writes (data file, rule file)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

import pytest
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from xlperf.errors import describe_validation_error


class Inner(BaseModel):
    model_config = ConfigDict(extra="forbid")

    when: dt.date | None = Field(None, description="填报日期")


class Sample(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field("x", min_length=1)
    count: int = 1
    amount: Decimal = Field(Decimal(1), description="评价金额")
    positive: Decimal = Field(Decimal(1), gt=0)
    at_least: Decimal = Field(Decimal(1), ge=0)
    below: Decimal = Field(Decimal(1), lt=10)
    at_most: Decimal = Field(Decimal(1), le=100)
    items: list[int] = Field(default_factory=lambda: [1], min_length=1)
    few: list[int] = Field(default_factory=list, max_length=2)
    flag: bool = True
    kind: Literal["manual", "computed"] = "manual"
    inner: Inner = Field(default_factory=Inner)
    required: str

    @model_validator(mode="after")
    def _whole(self) -> "Sample":
        if self.name == "whole":
            raise ValueError("各项合计不等于总分")
        return self


def message(data: dict, noun: str = "本表") -> str:
    with pytest.raises(ValidationError) as info:
        Sample.model_validate({"required": "r", **data})
    return describe_validation_error(info.value, Sample, noun)


@pytest.mark.parametrize(
    "data, expected",
    [
        ({"name": ""}, "name：不能为空"),
        ({"count": "三"}, "count：应为整数"),
        ({"amount": "一百"}, "评价金额：应为数字"),
        ({"positive": 0}, "positive：应大于0"),
        ({"at_least": -1}, "at_least：应不小于0"),
        ({"below": 10}, "below：应小于10"),
        ({"at_most": 101}, "at_most：应不大于100"),
        ({"items": []}, "items：至少应有1项"),
        ({"few": [1, 2, 3]}, "few：最多只能有2项"),
        ({"flag": "也许"}, "flag：应为 true 或 false"),
        ({"kind": "magic"}, "kind：取值应为 'manual' 或 'computed'"),
        ({"inner": {"when": "2020-13-01"}}, "填报日期：应为日期"),
        ({"inner": 5}, "inner：应为对象 {...}"),
        ({"items": "1"}, "items：应为列表 [...]"),
        ({"name": "whole"}, "各项合计不等于总分"),
    ],
)
def test_each_kind_of_problem_in_chinese(data, expected):
    text = message(data)
    assert expected in text
    assert "Input should" not in text and "取值无效" not in text


def test_a_problem_of_the_whole_file_has_no_location_prefix():
    assert message({"name": "whole"}) == "各项合计不等于总分"


def test_missing_and_unknown_fields_name_the_kind_of_file():
    with pytest.raises(ValidationError) as info:
        Sample.model_validate({"nmae": "x"})
    data = describe_validation_error(info.value, Sample)
    rules = describe_validation_error(info.value, Sample, "规则文件")
    assert "required：缺少必填字段" in data
    assert "nmae：不认识的字段（不是本表的字段，请删除或检查拼写）" in data
    assert "nmae：不认识的字段（不是规则文件的字段，请删除或检查拼写）" in rules


def test_at_most_ten_problems_are_listed():
    bad = {name: "坏" for name in ("count", "amount", "positive", "at_least", "below", "at_most", "flag", "kind")}
    text = message({**bad, "a": 1, "b": 2, "c": 3})
    assert text.count("；") == 10 and text.endswith("；……另有 1 处")


def test_every_refusal_code_is_explained_in_chinese():
    """docs/refusals.md explains, in Chinese, every IN_/OUT_/RULES_ code the code can raise."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    used = set()
    for path in (root / "xlperf").rglob("*.py"):
        used |= set(re.findall(r"[\"']((?:IN|OUT|RULES)_[A-Z_]+)[\"']", path.read_text(encoding="utf-8")))
    documented = set(re.findall(r"^\| ((?:IN|OUT|RULES)_[A-Z_]+) \| (.+?) \|", (root / "docs" / "refusals.md").read_text(encoding="utf-8"), re.M))
    codes = {code for code, _ in documented}
    assert used - codes == set(), "codes without a Chinese explanation"
    assert all(re.search(r"[\u4e00-\u9fff]", meaning) for _, meaning in documented)
