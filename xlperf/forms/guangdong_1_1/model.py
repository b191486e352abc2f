"""The self-evaluation as data (财政支出项目绩效自评).

One `SelfEvaluation` holds what a budget unit submits: the basic-information table
(附件1-1), the scoring entries a person makes, and the written report (附件3).

The model is the contract between every reader (JSON file, workbook) and the engine.
It accepts what a person may really have typed (an amount with three decimals, a
negative amount, a missing date) so that the checks can point at it; it rejects only
what cannot be understood at all (text where a number belongs).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Annotated, Any, Literal, Union

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    field_validator,
    model_serializer,
)

from xlperf.engine.formulas import sum_filled
from xlperf.files import values

CENT = Decimal("0.01")

MAX_ROWS = 200
"""The most rows one list of the form may have: indicator rows of one sub-category, year
rows of each funding block, 按方向划分 rows, basis documents. A real form has a handful;
the bound keeps a huge file from making every check and the workbook layout slow (the
layout's capacities share it: `xlperf.layout.MAX_ROWS`)."""


def _to_amount(value: Any) -> Any:
    """万元 amounts: Decimal, read as a workbook cell reads them (`xlperf.files.values.number`);
    two places where the value has at most two."""
    if isinstance(value, str) and value.strip() == "":
        return None
    value = values.number(value)
    if value is None:
        return None
    if value.adjusted() >= MAX_AMOUNT_DIGITS or len(value.as_tuple().digits) > 100:
        raise ValueError(f"金额“{str(value)[:20]}…”超出范围（整数部分最多{MAX_AMOUNT_DIGITS}位，有效数字最多100位）")
    try:
        cents = value.quantize(CENT)
    except InvalidOperation:
        return value
    return cents if cents == value else value


MAX_AMOUNT_DIGITS = 12
"""Digits before the point of an amount in 万元 (a trillion 万元 is far above any budget):
Excel keeps 15 significant digits, and a 5,000-digit number or 1e400 is no amount."""

Amount = Annotated[
    Decimal,
    BeforeValidator(_to_amount),
    PlainSerializer(lambda d: str(d), return_type=str, when_used="json"),
]
"""An amount in 万元 (Decimal, serialised as a string so JSON keeps it exact)."""

Points = Annotated[
    Decimal,
    BeforeValidator(_to_amount),
    PlainSerializer(lambda d: str(d), return_type=str, when_used="json"),
]
"""Score points (Decimal, serialised as a string)."""


def _to_yes_no(value: Any) -> Any:
    return values.yes_no(value)


YesNo = Annotated[Union[bool, None], BeforeValidator(_to_yes_no)]


def _to_text(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return repr(value).removesuffix(".0")
    return value


MAX_TEXT = 32_767
"""Characters an Excel cell holds: a longer text would be cut when written, so it is refused."""


def _check_text(value: str) -> str:
    """Refuse text that no cell or document can hold: control characters (other than tab
    and line breaks, which XML 1.0 cannot carry), lone surrogates, or more than a cell's
    32,767 characters. Writing it would fail, or cut it short, in every output."""
    if len(value) > MAX_TEXT:
        raise ValueError(f"文字过长（{len(value)}个字，单元格最多{MAX_TEXT}个字），请精简")
    for i, ch in enumerate(value):
        code = ord(ch)
        if (code < 32 and ch not in "\t\n\r") or 0xD800 <= code <= 0xDFFF or code in (0xFFFE, 0xFFFF):
            raise ValueError(f"第{i + 1}个字符是不可见的控制字符或无效字符（编码 {code:04X}），无法写入 Excel 或 Word，请删除")
    return value


Text = Annotated[str, BeforeValidator(_to_text), AfterValidator(_check_text)]


def _to_phone(value: Any) -> Any:
    value = _to_text(value)
    return values.half_width(value) if isinstance(value, str) else value


Phone = Annotated[str, BeforeValidator(_to_phone), AfterValidator(_check_text)]
"""A phone number; full-width digits and dashes (０７５１－８８７７８３３) read as half-width."""

Date = Annotated[Union[dt.date, None], BeforeValidator(values.date)]
"""A date, read as a workbook cell reads it (2020-01-01, 2020年1月1日, an Excel serial number)."""


def _field_title(name: str, info: Any) -> str:
    """A field's title in the JSON Schema: its Chinese name (the description up to "，")."""
    return re.split(r"[，；：]", info.description or name, maxsplit=1)[0]


def _model_title(cls: type) -> str:
    """A section's title in the JSON Schema: the first clause of its Chinese docstring."""
    doc = (cls.__doc__ or cls.__name__).strip()
    return re.split(r"[：。；，]", doc, maxsplit=1)[0]


_SCHEMA_TITLES = dict(field_title_generator=_field_title, model_title_generator=_model_title)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True, **_SCHEMA_TITLES)


class Header(_Model):
    """表头：填报单位名称；金额单位固定为万元。"""

    unit_name: Text = Field("", description="填报单位名称")
    amount_unit: Literal["万元"] = Field("万元", description="金额单位")


class BasicInfo(_Model):
    """基本情况。"""

    project_name: Text = Field("", description="项目名称")
    eval_year: int | None = Field(None, description="评价年度")
    eval_amount: Amount | None = Field(None, description="评价金额（万元）")
    contact_name: Text = Field("", description="联系人")
    contact_phone: Phone = Field("", description="联系电话")
    contact_email: Text = Field("", description="联系邮箱")
    start_date: Date = Field(None, description="项目开始时间")
    end_date: Date = Field(None, description="项目完成时间")
    basis_documents: list[Text] = Field(
        default_factory=list, max_length=MAX_ROWS, description="实施文件依据，每条一项，保留原编号"
    )

    @field_validator("basis_documents")
    @classmethod
    def _documents_fit_their_cell(cls, v: list[str]) -> list[str]:
        """The documents share one cell of the form, one per line: together they must fit it."""
        total = sum(map(len, v)) + max(len(v) - 1, 0)
        if total > MAX_TEXT:
            raise ValueError(f"各条合计{total}个字，超过一个单元格能容纳的{MAX_TEXT}个字，请精简")
        return v


class _FundRow(_Model):
    """What 资金安排情况 and 资金使用情况 rows share: three parts and their 资金合计 (`total`)."""

    def parts(self) -> list[Decimal | None]:
        return [self.central_provincial, self.municipal, self.transfer_county]

    def parts_total(self) -> Decimal | None:
        """The sum of the parts filled in (what the form's 资金合计 formula shows); None if none is."""
        return sum_filled(self.parts())

    def amount(self) -> Decimal | None:
        """The row's amount: its 资金合计, else the sum of its parts; None when neither is filled in."""
        return self.total if self.total is not None else self.parts_total()


class BudgetRow(_FundRow):
    """资金安排情况（预算安排额度），每年一行。"""

    year: int | None = Field(None, description="年度")
    central_provincial: Amount | None = Field(None, description="中央及省级资金")
    municipal: Amount | None = Field(None, description="市本级资金")
    transfer_county: Amount | None = Field(None, description="转移支付至县（市、区）")
    total: Amount | None = Field(None, description="资金合计")


class SpendingRow(_FundRow):
    """资金使用情况（实际明细支出），每年一行。"""

    year: int | None = Field(None, description="年度")
    central_provincial: Amount | None = Field(None, description="中央及省级支出")
    municipal: Amount | None = Field(None, description="市本级支出")
    transfer_county: Amount | None = Field(None, description="转移支付县（市、区）支出")
    total: Amount | None = Field(None, description="资金合计")


class PurposeRow(_Model):
    """按方向划分：年度、资金使用方向、支出额度。"""

    year: int | None = Field(None, description="年度")
    purpose: Text = Field("", description="资金使用方向")
    amount: Amount | None = Field(None, description="支出额度")


class Funding(_Model):
    """资金概况：三个表块。"""

    budget: list[BudgetRow] = Field(default_factory=list, max_length=MAX_ROWS, description="资金安排情况")
    spending: list[SpendingRow] = Field(default_factory=list, max_length=MAX_ROWS, description="资金使用情况")
    by_purpose: list[PurposeRow] = Field(default_factory=list, max_length=MAX_ROWS, description="按方向划分")


class Goals(_Model):
    """绩效目标情况。"""

    overall: Text = Field("", description="预期总体目标")
    achieved_on_time: YesNo = Field(None, description="是否如期实现预期总体目标（是/否）")
    stage: Text = Field("", description="预期阶段性目标")
    actual: Text = Field("", description="实际完成情况")


class Indicator(_Model):
    """绩效指标的一行。"""

    name: Text = Field("", description="指标名称")
    formula: Text = Field("", description="指标计算公式")
    target: Text = Field("", description="评价年度预期值")
    actual: Text = Field("", description="评价年度实现值")
    explanation: Text = Field("", description="未完成原因说明")
    weight: Points | None = Field(
        None, exclude_if=lambda v: v is None, description="分值（可选；留空则与同类其余指标平分该类分值；工作簿中在附件1-1 指标表右侧的分值列）"
    )
    previous_actual: Text = Field(
        "", description="上年实现值（结转下一年度时保留，供增长率等需要上年数据的公式使用）"
    )

    @model_serializer(mode="wrap")
    def _dump(self, handler):
        """上年实现值 appears in a data file only when there is one (files of earlier
        versions stay byte for byte the same)."""
        data = handler(self)
        if isinstance(data, dict) and not data.get("previous_actual"):
            data.pop("previous_actual", None)
        return data


NONE_MARK = "无"
"""The explicit mark for a sub-category that has no indicator."""

SubCategoryRows = Union[Literal["无"], Annotated[list[Indicator], Field(max_length=MAX_ROWS)]]


class SubCategory(str, Enum):
    """二级指标（绩效指标的子类），value 为官方名称。"""

    quantity = "数量指标"
    quality = "质量指标"
    timeliness = "时效指标"
    cost = "成本指标"
    economic = "经济效益指标"
    social = "社会效益指标"
    environmental = "环境效益指标"
    sustainability = "可持续发展指标"
    satisfaction = "服务对象或公众满意度"


class Category(str, Enum):
    """一级指标。"""

    output = "产出指标"
    benefit = "效益指标"
    satisfaction = "满意度指标"


CATEGORY_OF: dict[SubCategory, Category] = {
    SubCategory.quantity: Category.output,
    SubCategory.quality: Category.output,
    SubCategory.timeliness: Category.output,
    SubCategory.cost: Category.output,
    SubCategory.economic: Category.benefit,
    SubCategory.social: Category.benefit,
    SubCategory.environmental: Category.benefit,
    SubCategory.sustainability: Category.benefit,
    SubCategory.satisfaction: Category.satisfaction,
}


def _to_rows(value: Any) -> Any:
    if value is None or value == "":
        return []
    if isinstance(value, str) and value.strip() == NONE_MARK:
        return NONE_MARK
    return value


Rows = Annotated[SubCategoryRows, BeforeValidator(_to_rows)]


class Indicators(_Model):
    """绩效指标情况：每个子类若干行，或明确填“无”。空列表表示尚未填写。"""

    quantity: Rows = Field(default_factory=list, description="数量指标")
    quality: Rows = Field(default_factory=list, description="质量指标")
    timeliness: Rows = Field(default_factory=list, description="时效指标")
    cost: Rows = Field(default_factory=list, description="成本指标")
    economic: Rows = Field(default_factory=list, description="经济效益指标")
    social: Rows = Field(default_factory=list, description="社会效益指标")
    environmental: Rows = Field(default_factory=list, description="环境效益指标")
    sustainability: Rows = Field(default_factory=list, description="可持续发展指标")
    satisfaction: Rows = Field(default_factory=list, description="服务对象或公众满意度")

    def rows(self, sub: SubCategory) -> list[Indicator]:
        """The real indicator rows of a sub-category (none for 无)."""
        value = getattr(self, sub.name)
        return [] if value == NONE_MARK else list(value)

    def is_none(self, sub: SubCategory) -> bool:
        return getattr(self, sub.name) == NONE_MARK

    def each(self) -> list[tuple[SubCategory, int, Indicator]]:
        """Every real row with its sub-category and index, in the official order."""
        return [(sub, i, row) for sub in SubCategory for i, row in enumerate(self.rows(sub))]


def indicator_path(sub: SubCategory, index: int, attr: str | None = None) -> str:
    """The field path of an indicator row (or one of its cells)."""
    base = f"indicators.{sub.name}[{index}]"
    return f"{base}.{attr}" if attr else base


class Report(_Model):
    """附件3 自评报告：封面与各部分正文。正文留空的部分由导出时根据数据生成。"""

    project_name: Text = Field("", description="项目名称（留空则取基础信息表）")
    department: Text = Field("", description="市级项目主管部门（公章）")
    filler_name: Text = Field("", description="填报人姓名")
    phone: Phone = Field("", description="联系电话")
    fill_date: Date = Field(None, description="填报日期")
    unit_overview: Text = Field("", description="一（一）项目用款单位简要情况")
    implementation: Text = Field("", description="一（二）项目实施主要内容及实施程序（绩效目标完成情况）")
    self_assessment: Text = Field("", description="一（三）自评等级和分数，对照佐证材料逐一分析")
    fund_performance: Text = Field("", description="二（一）资金使用绩效")
    problems: Text = Field("", description="二（二）存在问题")
    improvements: Text = Field("", description="三、改进意见（计划）")
    other: Text = Field("", description="四、其他需要说明的情况")


MAX_SCORE_ENTRIES = MAX_ROWS * len(SubCategory) + MAX_ROWS
"""The most scoring entries: one per indicator row that can exist, and room for one per
item of a rule set (a few dozen in the shipped ones)."""

Tier = Literal["达成", "部分达成", "未达成"]
"""定性评分的三档：达成年度指标；部分达成并具有一定效果；未达成且效果较差。"""


class ScoreEntry(_Model):
    """一条人工评分：评分项、定性档次和给分。"""

    item: str = Field(..., description="评分项：评分表上显示的项目名称（如“群众满意度”“论证决策”），或规则中的项目编号、指标路径如 indicators.quality[0]")
    tier: Tier | None = Field(None, description="定性档次")
    points: Points | None = Field(None, description="给分")
    note: Text = Field("", description="评分说明")


class Scoring(_Model):
    """评分表上由人填写的部分。"""

    rules: str | None = Field(None, description="评分规则名称或规则文件路径；为空时用 national-2020")
    entries: list[ScoreEntry] = Field(default_factory=list, max_length=MAX_SCORE_ENTRIES, description="评分记录")

    def entry(self, item: str) -> ScoreEntry | None:
        for e in self.entries:
            if e.item == item:
                return e
        return None


class SelfEvaluation(_Model):
    """一份财政支出项目绩效自评：附件1-1、评分、附件3。"""

    model_config = ConfigDict(
        extra="forbid",
        validate_assignment=True,
        **_SCHEMA_TITLES,
        json_schema_extra={"title": "财政支出项目绩效自评"},
    )

    schema_version: Literal[1] = Field(1, description="数据格式版本")
    header: Header = Field(default_factory=Header, description="表头")
    basic: BasicInfo = Field(default_factory=BasicInfo, description="基本情况")
    funding: Funding = Field(default_factory=Funding, description="资金概况")
    goals: Goals = Field(default_factory=Goals, description="绩效目标情况")
    indicators: Indicators = Field(default_factory=Indicators, description="绩效指标情况")
    other_notes: Text = Field("", description="单位需要说明的其他情况")
    scoring: Scoring = Field(default_factory=Scoring, description="评分表上由人填写的部分")
    report: Report = Field(default_factory=Report, description="附件3 自评报告")
    form: Literal["guangdong-1-1"] | None = Field(
        None, exclude_if=lambda v: v is None, description="表式（可省略；省略即为本表式，见 xlperf.forms）"
    )

    @field_validator("schema_version", mode="before")
    @classmethod
    def _version(cls, v: Any) -> Any:
        return 1 if v is None else v

    def to_json(self) -> str:
        return self.model_dump_json(indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str | bytes) -> "SelfEvaluation":
        return cls.model_validate_json(text)


def json_schema() -> dict:
    return SelfEvaluation.model_json_schema()
