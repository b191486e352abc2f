"""The national 项目支出绩效自评表 as data (财预〔2020〕10号 附件, form kind ``national-2020``).

One `NationalForm` is one filled-in table: the header (项目名称, 主管部门, 实施单位 and the
contact fields many local variants add), 项目资金（万元） with its 年度资金总额 row and three
其中 rows, 年度总体目标, the 绩效指标 rows (each with its own 分值 and 得分) and the 总分 row.

What the person wrote is kept as written, the stated 得分, 执行率 and 总分 included, so
that the checks can set them against what the rows compute. Like the Guangdong model it
accepts what a person may really have typed and refuses only what cannot be read.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BeforeValidator, ConfigDict, Field

from pydantic import PlainSerializer

from xlperf.forms.guangdong_1_1.model import MAX_ROWS, Text, _Model, _to_amount

KIND = "national-2020"

STROKES = frozenset({"/", "\\", "—", "——", "-", "--", "–", "一", "#"})
"""A cell holding only a stroke is empty wherever it is: the national template itself prints
“—” in the 分值 and 得分 cells of the 其中 rows, Sichuan's prints “/”."""

EMPTY_MARKS = STROKES | {"无", "空", "不适用", "N/A", "n/a", "NA"}
"""What people write in a number's cell that has nothing in it (in a text cell “无” is an answer)."""


def _blank(value: Any) -> Any:
    """A cell left empty in one of the ways people mark it (“/”, “—”, “无”) as None."""
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip()
        if text == "" or text in EMPTY_MARKS:
            return None
    return value


def _to_number(value: Any) -> Any:
    """An amount or a score as typed: “/”, “—”, “无” and "" are empty; “10分” is 10."""
    value = _blank(value)
    if not isinstance(value, str):
        return _to_amount(value)
    try:
        return _to_amount(unicodedata.normalize("NFKC", value).strip().removesuffix("分").strip())
    except ValueError as e:
        if "应为数字" in str(e):
            raise ValueError(f"应为数字，实际为“{value}”") from None
        raise


def _to_percent(value: Any) -> Any:
    """执行率 as written: "100%", "100.00％" and 100 all give Decimal 100; "0.95" stays 0.95
    (a rate written as a fraction; the check NAT003 reads it as 95 % when that is what the
    amounts give). “/”, “—” are empty."""
    value = _blank(value)
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip()
        value = text[:-1] if text.endswith("%") else text
    return _to_amount(value)


def _to_kind(value: Any) -> Any:
    """The tag as written may be an alias of the kind ("national", "全国")."""
    from xlperf.forms import kind

    return KIND if isinstance(value, str) and value.strip() and kind(value).key == KIND else value


_AS_TEXT = PlainSerializer(lambda d: None if d is None else str(d), when_used="json")

Amount = Annotated[Decimal | None, BeforeValidator(_to_number), _AS_TEXT]
"""An amount in 万元 as typed (serialised as a string so JSON keeps it exact)."""

Points = Annotated[Decimal | None, BeforeValidator(_to_number), _AS_TEXT]
"""A 分值 or 得分 as typed (“10分”, “/”, “—”)."""

Percent = Annotated[Decimal | None, BeforeValidator(_to_percent), _AS_TEXT]
"""A rate written in percent (100 = 100 %)."""


class FundRow(_Model):
    """项目资金的一行：年初预算数、全年预算数、全年执行数，以及（年度资金总额行的）分值、执行率、得分。"""

    named_with_owner: ClassVar[bool] = True
    """A message names a cell by its row too (“当年财政拨款的分值”): every row has the same columns."""

    initial: Amount = Field(None, description="年初预算数")
    budget: Amount = Field(None, description="全年预算数")
    executed: Amount = Field(None, description="全年执行数")
    points: Points = Field(None, description="分值")
    rate: Percent = Field(None, description="执行率（%）")
    score: Points = Field(None, description="得分")


FUND_PARTS = ("appropriation", "carryover", "other")
"""The 其中 rows of 项目资金, in form order."""


class Funds(_Model):
    """项目资金（万元）：年度资金总额及其中三项。"""

    total: FundRow = Field(default_factory=FundRow, description="年度资金总额")
    appropriation: FundRow = Field(default_factory=FundRow, description="当年财政拨款")
    carryover: FundRow = Field(default_factory=FundRow, description="上年结转资金")
    other: FundRow = Field(default_factory=FundRow, description="其他资金")
    change_note: Text = Field("", description="年初预算与全年预算差异的说明（预算调整说明）")

    def parts(self) -> list[FundRow]:
        return [getattr(self, name) for name in FUND_PARTS]


class Goals(_Model):
    """年度总体目标。"""

    expected: Text = Field("", description="预期目标")
    actual: Text = Field("", description="实际完成情况")


class IndicatorRow(_Model):
    """绩效指标的一行（三级指标）。"""

    level1: Text = Field("", description="一级指标")
    level2: Text = Field("", description="二级指标")
    name: Text = Field("", description="三级指标")
    target: Text = Field("", description="年度指标值")
    actual: Text = Field("", description="实际完成值")
    points: Points = Field(None, description="分值")
    score: Points = Field(None, description="得分")
    deviation: Text = Field("", description="偏差原因分析及改进措施")


class TotalRow(_Model):
    """总分行：分值（通常为100）与得分。"""

    points: Points = Field(None, description="总分的分值")
    score: Points = Field(None, description="总分")


class NationalForm(_Model):
    """一份项目支出绩效自评表（财预〔2020〕10号 附件）。"""

    model_config = ConfigDict(
        extra="forbid", validate_assignment=True, json_schema_extra={"title": "项目支出绩效自评表"}
    )

    form: Annotated[Literal["national-2020"], BeforeValidator(_to_kind)] = Field(KIND, description="表式")
    source: Text = Field("", description="来源说明（转录自何处）")
    year: int | None = Field(None, description="评价年度")
    project_name: Text = Field("", description="项目名称")
    department: Text = Field("", description="主管部门")
    implementer: Text = Field("", description="实施单位")
    manager: Text = Field("", description="项目负责人")
    phone: Text = Field("", description="联系电话")
    fill_date: dt.date | None = Field(None, description="填报日期")
    funds: Funds = Field(default_factory=Funds, description="项目资金（万元）")
    goals: Goals = Field(default_factory=Goals, description="年度总体目标")
    indicators: list[IndicatorRow] = Field(default_factory=list, max_length=MAX_ROWS, description="绩效指标")
    total: TotalRow = Field(default_factory=TotalRow, description="总分")
    grade: Text = Field("", description="自评等级")
    rules: str | None = Field(None, description="评分规则名称或规则文件路径；为空时用 national-2020")

    def to_json(self) -> str:
        return self.model_dump_json(indent=2) + "\n"
