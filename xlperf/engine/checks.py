"""The checks a finance-bureau reviewer makes on a self-evaluation (审核规则).

`run_checks` reads a `SelfEvaluation` (and, when given, its `Scorecard`) and returns
`Finding`s in form order: what is wrong, where (a field path, and the cell once the
workbook layout is known), and what to do, in Chinese. Every finding carries a stable
code from `CATALOGUE`; docs/checks.md documents the same codes.

An error must be fixed before the form is submitted; a warning is something a
reviewer will ask about, and may be right as it stands.

Pure Python: no workbook, no file, no Excel.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from collections.abc import Callable, Iterator
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict

from xlperf.engine.formulas import (
    difference,
    format_amount,
    format_date,
    format_number,
    format_percent,
    sum_filled,
    wide_context,
)
from xlperf.files.values import half_width
from xlperf.forms.guangdong_1_1.funding import by_year, execution
from xlperf.forms.guangdong_1_1.model import (
    CATEGORY_OF,
    BudgetRow,
    CENT,
    Category,
    Indicator,
    Report,
    SelfEvaluation,
    SubCategory,
    indicator_path,
)
from xlperf.engine.misreadings import misreading
from xlperf.engine.reference import amount_limits, email_providers, email_typos
from xlperf.engine.targets import Status, copied_target, judge

Severity = Literal["error", "warning"]


class Finding(BaseModel):
    """One problem found: 代码、级别、字段、单元格、说明（中文：哪里不对，怎么改）。"""

    code: str
    severity: Severity
    field: str
    cell: str | None = None
    message: str


class CheckInfo(BaseModel):
    """A catalogue entry: the severity and Chinese title of one check code."""

    model_config = ConfigDict(frozen=True)

    severity: Severity
    title: str


def _catalogue(*entries: tuple[str, Severity, str]) -> dict[str, CheckInfo]:
    return {code: CheckInfo(severity=sev, title=title) for code, sev, title in entries}


CATALOGUE: dict[str, CheckInfo] = _catalogue(
    ("REQ001", "error", "必填项未填写"),
    ("REQ002", "warning", "建议填写项未填写"),
    ("FMT001", "error", "联系电话格式不正确"),
    ("FMT002", "error", "联系邮箱格式不正确"),
    ("FMT003", "warning", "实施文件依据编号不连续"),
    ("FMT004", "warning", "联系电话用了全角数字或符号"),
    ("FMT005", "warning", "联系邮箱的域名疑似拼写错误"),
    ("FMT010", "error", "评分记录的评分项不存在"),
    ("DAT001", "error", "项目开始时间晚于完成时间"),
    ("DAT002", "error", "评价年度不在项目实施期间内"),
    ("DAT003", "error", "年份不合理"),
    ("DAT004", "warning", "资金年度不在项目实施期间内"),
    ("DAT005", "error", "资金表的行未填写年度"),
    ("DAT006", "error", "填报日期早于评价期结束"),
    ("DAT007", "warning", "填报日期晚于评价年度一年以上"),
    ("DAT008", "warning", "实施文件依据的文号年份晚于评价年度"),
    ("AMT001", "error", "金额为负数"),
    ("AMT002", "error", "金额超过两位小数"),
    ("AMT003", "error", "资金合计与分项之和不符"),
    ("AMT004", "error", "资金合计未填写"),
    ("AMT005", "error", "实际支出超过预算安排"),
    ("AMT006", "error", "实际支出的年度没有预算安排"),
    ("AMT007", "error", "按方向划分合计与实际支出不符"),
    ("AMT008", "error", "按方向划分的行填写不完整"),
    ("AMT009", "error", "评价金额与资金安排不符"),
    ("AMT010", "warning", "预算执行率低于90%且未说明原因"),
    ("AMT011", "error", "资金来源没有预算却有支出"),
    ("AMT012", "error", "某一来源的支出超过该来源的预算"),
    ("AMT013", "warning", "金额大得不合理"),
    ("AMT014", "warning", "金额疑似以元填写"),
    ("GOL001", "error", "未如期实现预期总体目标但未说明原因"),
    ("GOL002", "warning", "填了如期实现但有指标未完成"),
    ("GOL003", "warning", "实际完成情况照抄预期总体目标"),
    ("IND001", "error", "指标子类未填写"),
    ("IND002", "error", "没有产出指标"),
    ("IND003", "error", "没有满意度指标"),
    ("IND004", "warning", "效益指标均为“无”"),
    ("IND005", "error", "指标名称未填写"),
    ("IND006", "warning", "指标计算公式未填写"),
    ("IND007", "error", "指标预期值未填写"),
    ("IND008", "error", "指标实现值未填写"),
    ("IND009", "error", "未完成的指标没有说明原因"),
    ("IND010", "error", "未完成的指标说明写成已完成"),
    ("IND011", "warning", "指标名称重复"),
    ("IND012", "warning", "实现值带比较符号或照抄预期值"),
    ("IND020", "warning", "已完成的指标说明写成未完成"),
    ("IND021", "error", "比率超过100%"),
    ("IND022", "error", "实现值是数量而预期值是比率"),
    ("IND023", "error", "实现值不是数值而预期值是数值"),
    ("IND024", "error", "实现值是小数而预期值是百分比"),
    ("IND025", "error", "实现值没有写单位"),
    ("RPT001", "error", "报告项目名称与基础信息表不一致"),
    ("RPT002", "warning", "报告填报人与联系人不一致"),
    ("RPT003", "warning", "报告联系电话与基础信息表不一致"),
    ("RPT004", "warning", "报告未写明自评等级和分数"),
    ("RPT005", "error", "报告各部分的自评等级不一致"),
    ("RPT006", "error", "报告自评分数超出0—100分"),
    ("SCR001", "warning", "评分表尚有待人工评分的项目"),
    ("SCR002", "error", "报告自评等级与评分表不符"),
    ("SCR003", "warning", "报告自评分数与评分表不符"),
    ("SCR004", "error", "指标分值为负数"),
    ("SCR005", "error", "指标分值之和超过该项分值"),
    ("SCR006", "warning", "指标分值超过两位小数"),
    ("IMP001", "error", "导入时未找到栏目"),
    ("IMP002", "error", "导入时栏目出现多次"),
    ("IMP003", "error", "导入时内容无法读取"),
    ("IMP004", "error", "导入时指标行不属于任何二级指标"),
    ("IMP005", "warning", "导入的文件中没有附件3"),
    ("IMP006", "warning", "导入的文件中没有可省略的栏目"),
    ("IMP007", "error", "导入时评价年度前后不一致"),
    ("IMP008", "warning", "导入时备注栏的内容没有读取"),
)

YEAR_MIN, YEAR_MAX = 2000, 2100
"""Years outside this range are typing slips (20020, 202, 1920)."""

LOW_EXECUTION = Decimal("0.9")
"""Below this execution rate several provinces ask for an explanation."""

SCORE_TOLERANCE = Decimal("0.5")
"""A claimed score this close to the computed one is taken as agreeing (rounding)."""

Locate = Callable[[str], "str | None"]


def run_checks(
    ev: SelfEvaluation,
    scorecard: Any | None = None,
    locate: Locate | None = None,
) -> list[Finding]:
    """Every finding for `ev`, in form order; `locate(field)` gives each its cell."""
    found = _Findings()
    for check in _CHECKS:
        check(ev, found)
    if scorecard is not None:
        _check_score(ev, scorecard, found)
    ordered = sorted(found.items, key=lambda f: _order_key(f.field))
    if locate is not None:
        ordered = [f.model_copy(update={"cell": locate(f.field)}) for f in ordered]
    return ordered


class _Findings:
    """Collects findings; the severity always comes from the catalogue (a form kind passes its own)."""

    def __init__(self, catalogue: dict[str, CheckInfo] | None = None) -> None:
        self.items: list[Finding] = []
        self.catalogue = CATALOGUE if catalogue is None else catalogue

    def add(self, code: str, field: str, message: str) -> None:
        info = self.catalogue[code]
        self.items.append(Finding(code=code, severity=info.severity, field=field, message=message))


# --------------------------------------------------------------------------- text helpers

_NONE_WORDS = {"无", "/", "-", "—", "无。", "暂无", "没有"}


def _blank(text: str | None) -> bool:
    return text is None or str(text).strip() == ""


def _is_none_word(text: str | None) -> bool:
    """“无” and its look-alikes: a cell deliberately left without content."""
    return not _blank(text) and unicodedata.normalize("NFKC", str(text)).strip() in _NONE_WORDS


def _said(text: str | None) -> bool:
    """Text with real content: neither blank nor “无”."""
    return not _blank(text) and not _is_none_word(text)


def _norm(text: str) -> str:
    """Text for comparison: NFKC, no whitespace."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


_money = format_amount


# --------------------------------------------------------------------------- required fields

_REQUIRED: list[tuple[str, str, str]] = [
    ("header.unit_name", "填报单位名称", "请填写单位全称"),
    ("basic.project_name", "项目名称", "请按预算批复填写项目全称"),
    ("basic.eval_year", "评价年度", "请填写评价的年度，如 2020"),
    ("basic.eval_amount", "评价金额", "请填写评价年度的预算安排数（万元）"),
    ("basic.contact_name", "联系人", "请填写联系人姓名"),
    ("basic.contact_phone", "联系电话", "请填写如 0751-8877833 或 13800138000 的号码"),
    ("basic.start_date", "项目开始时间", "请填写年、月、日"),
    ("basic.end_date", "项目完成时间", "请填写年、月、日"),
    ("goals.overall", "预期总体目标", "请按批复的绩效目标填写"),
    ("goals.achieved_on_time", "是否如期实现预期总体目标", "请填“是”或“否”"),
    ("goals.actual", "实际完成情况", "请对照预期总体目标写明实际完成了什么"),
    ("report.filler_name", "自评报告封面的填报人姓名", "请填写填报人姓名"),
    ("report.phone", "自评报告封面的联系电话", "请填写填报人的联系电话"),
    ("report.fill_date", "自评报告封面的填报日期", "请填写填报日期，如 2021-3-18"),
]

_SUGGESTED: list[tuple[str, str, str]] = [
    ("basic.contact_email", "联系邮箱", "财政部门可能通过邮箱联系，建议填写"),
    ("goals.stage", "预期阶段性目标", "建议填写评价年度的阶段性目标；与总体目标相同时可照填"),
    ("report.department", "自评报告封面的市级项目主管部门（公章）", "建议填写主管部门名称并盖章"),
]


def _get(ev: SelfEvaluation, path: str) -> Any:
    value: Any = ev
    for name in path.split("."):
        value = getattr(value, name)
    return value


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def _check_required(ev: SelfEvaluation, found: _Findings) -> None:
    for path, label, hint in _REQUIRED:
        if _missing(_get(ev, path)):
            found.add("REQ001", path, f"{label}未填写：{hint}。")
    if not any(_said(doc) for doc in ev.basic.basis_documents):
        found.add(
            "REQ001",
            "basic.basis_documents",
            "实施文件依据未填写：请逐条列出立项和实施依据的文件（文件名和文号），如 1.《……》（……〔2020〕1号）。",
        )
    blocks = [
        ("budget", "资金安排情况", "请至少填写评价年度一行（年度、分项金额、资金合计）"),
        ("spending", "资金使用情况", "请至少填写评价年度一行（年度、分项支出、资金合计）"),
        ("by_purpose", "按方向划分", "请按资金使用方向填写评价年度的支出额度"),
    ]
    for name, label, hint in blocks:
        if not any(_row_filled(row) for row in getattr(ev.funding, name)):
            found.add("REQ001", f"funding.{name}[0]", f"{label}未填写：{hint}。")
    for path, label, hint in _SUGGESTED:
        if _missing(_get(ev, path)):
            found.add("REQ002", path, f"{label}未填写：{hint}。")


# --------------------------------------------------------------------------- formats

_MOBILE = re.compile(r"(?:\+?86[- ]?)?1[3-9]\d(?:[- ]?\d{4}){2}")
_FIXED = re.compile(
    r"(?:(?:\(0\d{2,3}\)|0\d{2,3})[- ]?)?[2-9]\d{6,7}(?:\s*(?:转|分机|-|ext\.?|x|#)\s*\d{1,6})?",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
_PHONE_HINT = "请填写如 0751-8877833 或 13800138000 的号码"


def _phone_numbers(text: str) -> list[str]:
    """The numbers in a phone cell (several may be separated by 、，；/)."""
    t = unicodedata.normalize("NFKC", text).strip()
    t = re.sub(r"[—–－﹣‐]", "-", t)
    return [p.strip() for p in re.split(r"[、,;/，；]|\s{2,}", t) if p.strip()]


def phone_ok(text: str) -> bool:
    """A fixed line (area code optional, - or space, extension allowed) or a mobile number."""
    numbers = _phone_numbers(text)
    return bool(numbers) and all(_MOBILE.fullmatch(n) or _FIXED.fullmatch(n) for n in numbers)


def email_ok(text: str) -> bool:
    return _EMAIL.fullmatch(text.strip()) is not None


def _check_formats(ev: SelfEvaluation, found: _Findings) -> None:
    phones = [
        ("basic.contact_phone", "联系电话", ev.basic.contact_phone),
        ("report.phone", "自评报告封面的联系电话", ev.report.phone),
    ]
    for path, label, text in phones:
        if _blank(text):
            continue
        if not phone_ok(text):
            found.add("FMT001", path, f"{label}“{text}”格式不正确：{_PHONE_HINT}。")
        elif half_width_phone(text) != text.strip():
            found.add(
                "FMT004", path,
                f"{label}“{text.strip()}”用了全角数字或符号：请改为半角的 {half_width_phone(text)}，"
                f"以免财政部门的系统读不出号码。",
            )
    email = ev.basic.contact_email
    if not _blank(email) and not email_ok(email):
        found.add(
            "FMT002",
            "basic.contact_email",
            f"联系邮箱“{email}”格式不正确：请填写如 name@example.com 的邮箱地址（半角字符）。",
        )
    elif not _blank(email):
        intended = likely_email_domain(email)
        if intended is not None:
            name, _, domain = email.strip().rpartition("@")
            found.add(
                "FMT005", "basic.contact_email",
                f"联系邮箱“{email.strip()}”的域名“{domain}”像是“{intended}”的笔误：请核对，"
                f"应为 {name}@{intended} 的，请改正；确是这个域名的可保留。",
            )
    _check_basis_numbering(ev, found)


_DASHES = str.maketrans({c: "-" for c in "—–－﹣‐‑−"})


def half_width_phone(text: str) -> str:
    """A phone number in half-width characters, dashes included (0751—8877833 → 0751-8877833).

    Reading a form already turns full-width digits and signs into half-width ones, as for
    amounts (`xlperf.files.values.half_width`); the dashes it keeps are what FMT004 names."""
    return half_width(text).translate(_DASHES).strip()


def _one_slip(a: str, b: str) -> bool:
    """Whether `a` becomes `b` by one letter added, dropped or changed, or two neighbours swapped."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i, (x, y) in enumerate(zip(a, b)) if x != y]
        return len(diff) == 1 or (
            len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]
        )
    short, long = sorted((a, b), key=len)
    return any(long[:i] + long[i + 1:] == short for i in range(len(long)))


def likely_email_domain(email: str) -> str | None:
    """The common provider an e-mail's domain is one slip away from (qq.con → qq.com), or None."""
    domain = email.strip().rpartition("@")[2].lower()
    providers, typos = email_providers(), email_typos()
    if domain in providers:
        return None
    if domain in typos:
        return typos[domain]
    return next((p for p in providers if _one_slip(domain, p)), None)


_CN_DIGITS = "一二三四五六七八九"
_ITEM_NUMBER = re.compile(
    r"\s*(?:\(\s*(?P<a>\d{1,3}|[一二三四五六七八九十]{1,3})\s*\)"
    r"|(?P<b>\d{1,3}|[一二三四五六七八九十]{1,3})\s*[.、):](?!\d))"
)


def _chinese_number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    if "十" not in text:
        return _CN_DIGITS.index(text) + 1 if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    if len(tens) > 1 or len(ones) > 1 or "十" in ones:
        return None
    return (_CN_DIGITS.index(tens) + 1 if tens else 1) * 10 + (_CN_DIGITS.index(ones) + 1 if ones else 0)


def item_number(text: str) -> int | None:
    """The number an item starts with: 1. / 1、 / （1） / (1) / 1） / ① / 一、; None if unnumbered."""
    head = text.lstrip()[:1]
    if "\u2460" <= head <= "\u2473":
        return ord(head) - 0x2460 + 1
    match = _ITEM_NUMBER.match(unicodedata.normalize("NFKC", text))
    if not match:
        return None
    return _chinese_number(match.group("a") or match.group("b"))


def _check_basis_numbering(ev: SelfEvaluation, found: _Findings) -> None:
    previous: int | None = None
    for i, doc in enumerate(ev.basic.basis_documents):
        number = item_number(doc)
        if number is None:
            continue
        path = f"basic.basis_documents[{i}]"
        if previous is None and number != 1:
            found.add(
                "FMT003", path,
                f"实施文件依据编号从{number}开始：请检查是否漏填了前面的文件，或从1开始重新编号。",
            )
        elif previous is not None and number == previous:
            found.add(
                "FMT003", path,
                f"实施文件依据编号{number}重复：请检查是否重复填写，或重新连续编号。",
            )
        elif previous is not None and number != previous + 1:
            skipped = "、".join(str(n) for n in range(previous + 1, number)) or f"{previous + 1}"
            found.add(
                "FMT003", path,
                f"实施文件依据编号从{previous}跳到{number}：请检查是否漏填了第{skipped}项，或重新连续编号。",
            )
        previous = number


# --------------------------------------------------------------------------- years and dates

_BLOCKS = [
    ("budget", "资金安排情况"),
    ("spending", "资金使用情况"),
    ("by_purpose", "按方向划分"),
]


def _plausible(year: int | None) -> bool:
    return year is not None and YEAR_MIN <= year <= YEAR_MAX


def _row_filled(row: BaseModel) -> bool:
    """A funding row with any amount or text besides its year."""
    return any(
        (v is not None and not isinstance(v, str)) or (isinstance(v, str) and v.strip())
        for k, v in row.__dict__.items()
        if k != "year"
    )


def _period(ev: SelfEvaluation) -> tuple[int | None, int | None]:
    """The project's first and last year, where plausible and in order."""
    start, end = ev.basic.start_date, ev.basic.end_date
    first = start.year if start and _plausible(start.year) else None
    last = end.year if end and _plausible(end.year) else None
    if first is not None and last is not None and first > last:
        return None, None
    return first, last


def _check_dates(ev: SelfEvaluation, found: _Findings) -> None:
    basic = ev.basic
    years = [
        ("basic.eval_year", "评价年度", basic.eval_year),
        ("basic.start_date", "项目开始时间的年份", basic.start_date.year if basic.start_date else None),
        ("basic.end_date", "项目完成时间的年份", basic.end_date.year if basic.end_date else None),
        ("report.fill_date", "自评报告封面填报日期的年份", ev.report.fill_date.year if ev.report.fill_date else None),
    ]
    for path, label, year in years:
        if year is not None and not _plausible(year):
            found.add("DAT003", path, f"{label}“{year}”不合理：请填写四位年份（{YEAR_MIN}—{YEAR_MAX}）。")
    for name, label in _BLOCKS:
        for i, row in enumerate(getattr(ev.funding, name)):
            path = f"funding.{name}[{i}].year"
            if row.year is None:
                if _row_filled(row):
                    found.add("DAT005", path, f"{label}第{i + 1}行未填写年度：请填写该行金额所属的年度，如 2020年。")
            elif not _plausible(row.year):
                found.add("DAT003", path, f"{label}第{i + 1}行的年度“{row.year}”不合理：请填写四位年份（{YEAR_MIN}—{YEAR_MAX}）。")

    start, end = basic.start_date, basic.end_date
    if start and end and start > end:
        found.add(
            "DAT001", "basic.start_date",
            f"项目开始时间（{format_date(start)}）晚于项目完成时间（{format_date(end)}）：请核对两个日期。",
        )
    first, last = _period(ev)
    year = basic.eval_year
    if _plausible(year) and ((first is not None and year < first) or (last is not None and year > last)):
        span = f"{first if first is not None else '？'}年—{last if last is not None else '？'}年"
        found.add(
            "DAT002", "basic.eval_year",
            f"评价年度{year}年不在项目实施期间（{span}）内：请核对评价年度和项目开始、完成时间。",
        )
    for name, label in _BLOCKS:
        for i, row in enumerate(getattr(ev.funding, name)):
            if not _plausible(row.year) or not _row_filled(row):
                continue
            if (first is not None and row.year < first) or (last is not None and row.year > last):
                found.add(
                    "DAT004", f"funding.{name}[{i}].year",
                    f"{label}第{i + 1}行的年度{row.year}年不在项目实施期间"
                    f"（{first or '？'}年—{last or '？'}年）内：请核对年度，或核对项目开始、完成时间。",
                )
    _check_fill_date(ev, found)
    _check_basis_years(ev, found)


def _check_fill_date(ev: SelfEvaluation, found: _Findings) -> None:
    """A self-evaluation looks back on a finished year (or a project finished within it)."""
    filled, year = ev.report.fill_date, ev.basic.eval_year
    if filled is None or not _plausible(year) or not _plausible(filled.year):
        return
    close = dt.date(year, 12, 31)
    end = ev.basic.end_date
    if end is not None and end.year == year and end < close:
        close = end
    if filled < close:
        found.add(
            "DAT006", "report.fill_date",
            f"填报日期{format_date(filled)}早于评价期结束（{format_date(close)}）：自评应在评价年度"
            f"（或项目完成）之后填报，请核对填报日期和评价年度。",
        )
    latest = dt.date(year + 1, 12, 31)
    if filled > latest:
        found.add(
            "DAT007", "report.fill_date",
            f"填报日期{format_date(filled)}比评价年度（{year}年）晚了一年以上：自评一般在评价年度的次年（{year + 1}年）填报，"
            f"请核对填报日期和评价年度；确是补报的，请在“单位需要说明的其他情况”中说明。",
        )


_DOC_YEAR = re.compile(r"[〔\[(【]\s*((?:19|20)\d{2})\s*[〕\])】]\s*第?\s*\d+\s*号")
"""The year in a document number (文号): 粤办函〔2019〕247号, 韶机编发[2017]8号, （2018）41号."""


def document_years(text: str) -> list[int]:
    """The years of the document numbers (文号) a basis document cites."""
    return [int(y) for y in _DOC_YEAR.findall(unicodedata.normalize("NFKC", text))]


def _check_basis_years(ev: SelfEvaluation, found: _Findings) -> None:
    """A document issued after the evaluation year cannot be a basis of that year's spending."""
    year = ev.basic.eval_year
    if not _plausible(year):
        return
    for i, doc in enumerate(ev.basic.basis_documents):
        later = [y for y in document_years(doc) if y > year]
        if later:
            found.add(
                "DAT008", f"basic.basis_documents[{i}]",
                f"实施文件依据第{i + 1}项的文号年份是{later[0]}年，晚于评价年度{year}年：评价年度之后印发的文件不能作为"
                f"该年度项目实施的依据，请核对文号年份（是否笔误）或评价年度；确需列出的（如后来的整改文件），请注明。",
            )


# --------------------------------------------------------------------------- amounts

def _field_label(row: BaseModel, attr: str) -> str:
    return type(row).model_fields[attr].description or attr


def _row_label(block_label: str, i: int, row: BaseModel) -> str:
    year = getattr(row, "year", None)
    return f"{block_label}{year}年" if year is not None else f"{block_label}第{i + 1}行"


def _amount_fields(ev: SelfEvaluation) -> Iterator[tuple[str, str, Decimal]]:
    """Every amount on the form: (path, label, value)."""
    if ev.basic.eval_amount is not None:
        yield "basic.eval_amount", "评价金额", ev.basic.eval_amount
    for name, label in _BLOCKS:
        for i, row in enumerate(getattr(ev.funding, name)):
            for attr, value in row.__dict__.items():
                if isinstance(value, Decimal):
                    where = _row_label(label, i, row)
                    yield f"funding.{name}[{i}].{attr}", f"{where}的{_field_label(row, attr)}", value


def _check_amount_values(ev: SelfEvaluation, found: _Findings) -> None:
    for path, label, value in _amount_fields(ev):
        if value < 0:
            found.add("AMT001", path, f"{label}为负数（{_money(value)}）：金额不能小于0，请核对。")
        try:
            extra_places = value != value.quantize(CENT)
        except InvalidOperation:
            extra_places = False
        if extra_places:
            rounded = _money(value.quantize(CENT, rounding=ROUND_HALF_UP))
            found.add(
                "AMT002", path,
                f"{label}“{_money(value)}”超过两位小数：金额以万元为单位、保留两位小数，请改为 {rounded} 或核对单位。",
            )


FORM_KIND = "guangdong_1_1"
"""The form kind these checks serve (its thresholds in xlperf/engine/data/)."""


def _in_yuan(value: Decimal) -> str:
    """An amount in 万元 restated in 元 and 亿元, for a message about magnitudes."""
    with localcontext(wide_context()):
        yi = value / 10000
    if yi >= 1:
        return f"即{format_number(yi, None if yi == yi.to_integral_value() else 2)}亿元"
    return f"即{format_number(value * 10000, 0)}元"


def _check_magnitudes(ev: SelfEvaluation, found: _Findings) -> None:
    """Amounts implausible for the unit the form declares (万元): over the ceiling, or every
    amount a whole multiple of 10000 (integer 元 typed into 万元 cells). One finding per form:
    the second is left out when the first is made, since both say "entered in 元"."""
    limits = amount_limits(FORM_KIND)
    amounts = [(p, label, v) for p, label, v in _amount_fields(ev) if v > 0]
    if not amounts:
        return
    ceiling = limits.ceiling.value
    over = [(p, label, v) for p, label, v in amounts if v > ceiling]
    if over:
        path, label, value = over[0]
        more = f"等{len(over)}个金额" if len(over) > 1 else ""
        found.add(
            "AMT013", path,
            f"{label}{_money(value)}万元（{_in_yuan(value)}）{more}超过{format_number(ceiling)}万元"
            f"（{_in_yuan(ceiling)[1:]}）：表中金额单位是万元，这么大的数多半是按元填写的，请核对；按元填写的请除以10000"
            f"（如 {format_number(_scaled(value, Decimal('0.0001')), 2)}），确实如此的可保留。",
        )
        return
    step = limits.whole_multiple.value
    if all(_multiple_of(v, step) for _, _, v in amounts):
        path, label, value = amounts[0]
        found.add(
            "AMT014", path,
            f"所有金额都是{format_number(step)}的整数倍、没有小数（如{label}{_money(value)}万元）：表中金额单位是万元，"
            f"这多半是把元数填进了万元的格子（{format_number(value, 0)}元 = {format_number(_scaled(value, Decimal('0.0001')), 2)}万元），"
            f"请核对金额单位。",
        )


def _scaled(value: Decimal, factor: Decimal) -> Decimal:
    """value × factor, however absurd the value (never raises)."""
    with localcontext(wide_context()):
        return value * factor


def _multiple_of(value: Decimal, step: Decimal) -> bool:
    try:
        with localcontext(wide_context()):
            return value % step == 0
    except (InvalidOperation, ArithmeticError):
        return False


def _check_row_totals(ev: SelfEvaluation, found: _Findings) -> None:
    for name, label in _BLOCKS[:2]:
        for i, row in enumerate(getattr(ev.funding, name)):
            parts_sum = row.parts_total()
            where = _row_label(label, i, row)
            path = f"funding.{name}[{i}].total"
            if row.total is None:
                if parts_sum is not None:
                    found.add(
                        "AMT004", path,
                        f"{where}已填写分项，但资金合计未填写：请填写 {_money(parts_sum)}，或保留表格中的合计公式自动计算。",
                    )
                continue
            if parts_sum is None:
                found.add(
                    "AMT003", path,
                    f"{where}填了资金合计{_money(row.total)}万元，但分项均未填写：请按资金来源填写分项，使分项之和等于资金合计。",
                )
                continue
            if parts_sum != row.total:
                found.add(
                    "AMT003", path,
                    f"{where}的资金合计{_money(row.total)}万元与分项之和{_money(parts_sum)}万元不符"
                    f"（相差{_money(difference(row.total, parts_sum))}万元）：请核对分项和合计，或让表格公式自动计算合计。",
                )


def _check_budget_and_spending(ev: SelfEvaluation, found: _Findings) -> None:
    budget = by_year(ev.funding.budget)
    spending = by_year(ev.funding.spending)
    for year, (spent, i) in spending.items():
        path = f"funding.spending[{i}].total"
        if year not in budget:
            if spent != 0:
                found.add(
                    "AMT006", path,
                    f"资金使用情况{year}年的资金合计为{_money(spent)}万元，但资金安排情况没有{year}年的预算："
                    f"请补填该年度的预算安排，或核对年度。",
                )
        elif spent > budget[year][0]:
            found.add(
                "AMT005", path,
                f"{year}年资金使用情况的资金合计{_money(spent)}万元，超过资金安排情况的资金合计{_money(budget[year][0])}万元："
                f"实际支出不应超过预算，请核对资金安排情况和资金使用情况的金额。",
            )


_SOURCES = ["central_provincial", "municipal", "transfer_county"]
"""The three sources of funds (中央及省级 / 市本级 / 转移支付), the same attribute on both blocks."""


def _check_sources(ev: SelfEvaluation, found: _Findings) -> None:
    """Money is spent from the source it was budgeted in: per year and per source, spending
    needs a budget and stays within it. Years without a budget row are AMT006's, and a budget
    year that gives only its 资金合计 (no source) is AMT003's."""
    budget_years = by_year(ev.funding.budget)
    for part in _SOURCES:
        budgeted = by_year(ev.funding.budget, lambda r: getattr(r, part))
        spent = by_year(ev.funding.spending, lambda r: getattr(r, part))
        for year, (amount, i) in spent.items():
            if year not in budget_years or amount <= 0:
                continue
            if not any(b.year == year and b.parts_total() is not None for b in ev.funding.budget):
                continue
            path = f"funding.spending[{i}].{part}"
            spent_label = _field_label(ev.funding.spending[i], part)
            budget_label = BudgetRow.model_fields[part].description
            plan = budgeted.get(year, (None, 0))[0]
            if plan is None or plan == 0:
                found.add(
                    "AMT011", path,
                    f"{year}年资金使用情况的{spent_label}为{_money(amount)}万元，但资金安排情况{year}年的{budget_label}"
                    f"{'为0' if plan == 0 else '没有安排'}：支出应记在安排了预算的资金来源下，请核对资金来源或预算安排。",
                )
            elif amount > plan:
                found.add(
                    "AMT012", path,
                    f"{year}年资金使用情况的{spent_label}{_money(amount)}万元，超过资金安排情况的{budget_label}"
                    f"{_money(plan)}万元（多{_money(difference(amount, plan))}万元）：每个资金来源的支出都不应超过该来源的预算，"
                    f"请核对各来源的金额。",
                )


def _check_by_purpose(ev: SelfEvaluation, found: _Findings) -> None:
    rows = ev.funding.by_purpose
    for i, row in enumerate(rows):
        if row.amount is not None and _blank(row.purpose):
            found.add(
                "AMT008", f"funding.by_purpose[{i}].purpose",
                f"按方向划分第{i + 1}行填了支出额度{_money(row.amount)}万元，但资金使用方向未填写：请写明资金用于什么方向。",
            )
        elif row.amount is None and not _blank(row.purpose):
            found.add(
                "AMT008", f"funding.by_purpose[{i}].amount",
                f"按方向划分“{row.purpose.strip()}”的支出额度未填写：请填写该方向的支出金额（万元）。",
            )
    if not any(_row_filled(r) for r in rows):
        return
    spending = by_year(ev.funding.spending)
    purposes = by_year(rows)
    for year in list(dict.fromkeys([*spending, *purposes])):
        if year not in purposes:
            spent, i = spending[year]
            found.add(
                "AMT007", f"funding.spending[{i}].total",
                f"{year}年资金使用情况的资金合计为{_money(spent)}万元，但按方向划分没有{year}年的行：请按资金使用方向补填该年度的支出额度。",
            )
        elif year not in spending:
            amount, i = purposes[year]
            found.add(
                "AMT007", f"funding.by_purpose[{i}].amount",
                f"按方向划分有{year}年的支出额度{_money(amount)}万元，但资金使用情况没有{year}年的支出：请核对年度。",
            )
        elif purposes[year][0] != spending[year][0]:
            amount, i = purposes[year]
            spent = spending[year][0]
            found.add(
                "AMT007", f"funding.by_purpose[{i}].amount",
                f"{year}年按方向划分的支出额度合计{_money(amount)}万元，与资金使用情况的资金合计{_money(spent)}万元不符"
                f"（相差{_money(difference(amount, spent))}万元）：各方向的支出额度之和应等于实际支出。",
            )


def _check_eval_amount(ev: SelfEvaluation, found: _Findings) -> None:
    """评价金额 is the evaluation year's budget (资金安排情况的资金合计).

    For a project evaluated over several years, the sum of all its years' budgets is
    accepted too.
    """
    amount, year = ev.basic.eval_amount, ev.basic.eval_year
    budget = by_year(ev.funding.budget)
    if amount is None or year is None or not budget:
        return
    if year not in budget:
        found.add(
            "AMT009", "basic.eval_amount",
            f"资金安排情况没有评价年度（{year}年）的行，无法核对评价金额{_money(amount)}万元："
            f"请补填{year}年的预算安排，或核对评价年度。",
        )
        return
    year_total = budget[year][0]
    all_years = sum_filled(t for t, _ in budget.values())
    if amount == year_total or (len(budget) > 1 and amount == all_years):
        return
    spent = by_year(ev.funding.spending).get(year, (None, 0))[0]
    note = f"（{_money(amount)}万元是实际支出数）" if spent is not None and amount == spent else ""
    found.add(
        "AMT009", "basic.eval_amount",
        f"评价金额{_money(amount)}万元与{year}年资金安排情况的资金合计{_money(year_total)}万元不符{note}："
        f"评价金额应填评价年度的预算安排数。",
    )


def _check_execution_rate(ev: SelfEvaluation, found: _Findings) -> None:
    """Only the evaluation year's own rows: the message names the year."""
    ex = execution(ev)
    if not ex.of_the_year or not isinstance(ex.rate, Decimal) or _said(ev.other_notes):
        return
    if ex.rate < LOW_EXECUTION:
        first = by_year(ev.funding.spending)[ex.year][1]
        found.add(
            "AMT010", f"funding.spending[{first}].total",
            f"{ex.year}年预算执行率{format_percent(ex.rate)}（资金使用情况的资金合计{_money(ex.spent)}万元"
            f"÷资金安排情况的资金合计{_money(ex.budget)}万元）低于90%：请在“单位需要说明的其他情况”中说明执行率偏低的原因。",
        )


# --------------------------------------------------------------------------- indicators

_OUTPUT = [s for s in SubCategory if CATEGORY_OF[s] is Category.output]
_BENEFIT = [s for s in SubCategory if CATEGORY_OF[s] is Category.benefit]
_SATISFACTION = [s for s in SubCategory if CATEGORY_OF[s] is Category.satisfaction]

_CLAIMS_DONE = re.compile(
    r"(?:已经|均已|已全部|全部|已|均)?(?:按时|按期|顺利|全面)?(?:完成|达成|实现|达到|达标)了?"
    r"(?:预期|年度|既定)?(?:目标|任务|指标|值)?"
)


def claims_done(text: str) -> bool:
    """An explanation that only says the indicator was met (已完成、完成、已达成……)."""
    core = re.sub(r"[\s。，,.!！；;：:、]", "", unicodedata.normalize("NFKC", text))
    return bool(core) and _CLAIMS_DONE.fullmatch(core) is not None


_MISSED = re.compile(
    r"(?:未|没有?|尚未|未能|没能|不能|无法)(?:按时|按期|如期|全部|全面|完全|能)?(?:完成|达到|达成|实现|达标)"
    r"|未达|差距|缺口|部分(?:完成|达到|达成|实现)|仅完成|只完成|未按(?:时|期|计划)"
)
_CAUSE = re.compile(r"(?:受|因|由于|因为).{0,30}?(?:影响|所致|导致|延误|延迟|推迟|暂停|滞后|减少|下降)")
_DONE_WORD = re.compile(r"完成|达成|实现|达到|达标")
_TITLE_WORDS = re.compile(r"(?:没有|无|不存在)未完成(?:的)?(?:情况|事项|指标)?|未完成(?:的)?原因(?:说明)?")


def claims_missed(text: str) -> bool:
    """An explanation that says the indicator was not met (未完成、未达到……), or only gives a cause
    of failure (受疫情影响……) without saying it was met anyway."""
    core = _TITLE_WORDS.sub("", re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)))
    if _MISSED.search(core):
        return True
    return bool(_CAUSE.search(core)) and not _DONE_WORD.search(core)


def _row_cells(row: Indicator) -> list[str]:
    return [row.name, row.formula, row.target, row.actual, row.explanation]


def _row_state(row: Indicator) -> str:
    """"blank" (nothing typed), "none" (only 无), or "real"."""
    cells = [c for c in _row_cells(row) if not _blank(c)]
    if not cells:
        return "blank"
    return "none" if all(_is_none_word(c) for c in cells) else "real"


def _sub_state(ev: SelfEvaluation, sub: SubCategory) -> str:
    """"unfilled" (empty), "none" (无), or "rows" (at least one real indicator)."""
    if ev.indicators.is_none(sub):
        return "none"
    states = {_row_state(r) for r in ev.indicators.rows(sub)}
    if "real" in states:
        return "rows"
    return "none" if "none" in states else "unfilled"


def _real_rows(ev: SelfEvaluation) -> Iterator[tuple[SubCategory, int, Indicator]]:
    for sub, i, row in ev.indicators.each():
        if _row_state(row) == "real":
            yield sub, i, row


def _indicator_label(sub: SubCategory, i: int, row: Indicator) -> str:
    name = row.name.strip()
    return f"{sub.value}“{name}”" if name and not _is_none_word(name) else f"{sub.value}第{i + 1}行"


def not_met(ev: SelfEvaluation) -> list[tuple[SubCategory, int, Indicator]]:
    """The indicators whose actual value misses the target (judged 未完成)."""
    return [
        (sub, i, row)
        for sub, i, row in _real_rows(ev)
        if not _blank(row.target) and not _blank(row.actual)
        and judge(row.actual, row.target, sub, row.name).status == Status.NOT_MET
    ]


def _check_indicator_categories(ev: SelfEvaluation, found: _Findings) -> None:
    states = {sub: _sub_state(ev, sub) for sub in SubCategory}
    for sub, state in states.items():
        if state == "unfilled":
            found.add(
                "IND001", f"indicators.{sub.name}",
                f"{sub.value}未填写：请逐行填写指标（指标名称、计算公式、预期值、实现值），没有该类指标时填“无”。",
            )
    if all(states[s] == "none" for s in _OUTPUT):
        found.add(
            "IND002", f"indicators.{_OUTPUT[0].name}",
            "产出指标（数量指标、质量指标、时效指标、成本指标）均为“无”：至少应填写一项产出指标，如 数量指标。",
        )
    if all(states[s] == "none" for s in _SATISFACTION):
        found.add(
            "IND003", f"indicators.{_SATISFACTION[0].name}",
            "服务对象或公众满意度为“无”：至少应填写一项满意度指标，如 群众满意度。",
        )
    if all(states[s] == "none" for s in _BENEFIT):
        found.add(
            "IND004", f"indicators.{_BENEFIT[0].name}",
            "效益指标（经济效益指标、社会效益指标、环境效益指标、可持续发展指标）均填了“无”："
            "项目一般应有效益指标，请补充至少一项（如 社会效益指标）；确实没有的，请在其他情况中说明。",
        )


def _check_indicator_rows(ev: SelfEvaluation, found: _Findings) -> None:
    seen: dict[str, tuple[SubCategory, int]] = {}
    for sub, i, row in _real_rows(ev):
        label = _indicator_label(sub, i, row)
        path = lambda attr: indicator_path(sub, i, attr)  # noqa: E731
        if _blank(row.name) or _is_none_word(row.name):
            found.add("IND005", path("name"), f"{sub.value}第{i + 1}行的指标名称未填写：请填写指标名称，或删除该行。")
        else:
            key = _norm(row.name)
            if key in seen:
                other_sub, other_i = seen[key]
                found.add(
                    "IND011", path("name"),
                    f"指标名称“{row.name.strip()}”重复（另见{other_sub.value}第{other_i + 1}行）：同一指标只应填写一次，请合并或改名。",
                )
            else:
                seen[key] = (sub, i)
        if _blank(row.formula):
            found.add(
                "IND006", path("formula"),
                f"{label}的指标计算公式未填写：请填写计算公式（如 完成数/计划数）；定性指标可填“无”。",
            )
        if _blank(row.target):
            found.add("IND007", path("target"), f"{label}的评价年度预期值未填写：请按批复的绩效目标填写预期值，如 ≥95%。")
        if _blank(row.actual):
            found.add("IND008", path("actual"), f"{label}的评价年度实现值未填写：请填写评价年度实际达到的值，如 99.16%。")
        if _blank(row.target) or _blank(row.actual):
            continue
        copied = copied_target(row.actual, row.target, sub, row.name)
        if copied:
            found.add(
                "IND012", path("actual"),
                f"{label}的评价年度实现值“{row.actual.strip()}”{copied}，是预期值的写法，不是实际达到的数值，"
                "无法判断是否完成：请填写评价年度实际测得的数值（如 99.16%、266米）。",
            )
        bad = None if copied else misreading(row.name, row.formula, row.target, row.actual, sub)
        if bad is not None:
            found.add(bad.code, path("actual"), f"{label}的评价年度{bad.text}。")
            continue
        status = judge(row.actual, row.target, sub, row.name).status
        if status == Status.MET and _said(row.explanation) and claims_missed(row.explanation):
            found.add(
                "IND020", path("explanation"),
                f"{label}的实现值“{row.actual.strip()}”已达到预期值“{row.target.strip()}”，但未完成原因说明写的是"
                f"“{row.explanation.strip()}”：请核对实现值是否如实填写；确已完成的，说明栏填“无”。",
            )
        if status != Status.NOT_MET:
            continue
        shortfall = f"{label}的实现值“{row.actual.strip()}”未达到预期值“{row.target.strip()}”"
        if not _said(row.explanation):
            found.add("IND009", path("explanation"), f"{shortfall}，但未完成原因说明未填写：请说明未完成的原因和改进措施。")
        elif claims_done(row.explanation):
            found.add(
                "IND010", path("explanation"),
                f"{shortfall}，但未完成原因说明写的是“{row.explanation.strip()}”：请核对实现值，或如实说明未完成的原因。",
            )


# --------------------------------------------------------------------------- goals

def _check_goals(ev: SelfEvaluation, found: _Findings) -> None:
    on_time = ev.goals.achieved_on_time
    if on_time is False and not _said(ev.other_notes):
        found.add(
            "GOL001", "goals.achieved_on_time",
            "是否如期实现预期总体目标填了“否”，但没有说明原因：请在“单位需要说明的其他情况”中说明未如期实现的原因和后续安排。",
        )
    if on_time is True:
        missed = not_met(ev)
        if missed:
            names = "、".join(f"“{row.name.strip() or f'{sub.value}第{i + 1}行'}”" for sub, i, row in missed)
            found.add(
                "GOL002", "goals.achieved_on_time",
                f"是否如期实现预期总体目标填了“是”，但指标{names}的实现值未达到预期值：请核对是否如期实现，"
                f"或核对这些指标的实现值。",
            )


GOAL_COPY_SIMILARITY = 0.9
"""实际完成情况 this similar to 预期总体目标 (difflib ratio, after dropping punctuation and the
particles 了/已/的 that turn a goal into a past tense) is a copy: a reviewer wants what was
actually done, and a copy states nothing. 0.9 lets a copy with a word or two changed through
to the finding while an actual that adds its own sentences stays below it."""

_PARTICLES = re.compile(r"[了已的得地均都经]|[\W_]")


def _goal_copied(goal: str, actual: str) -> bool:
    """实际完成情况 that repeats 预期总体目标 word for word or nearly, adding no number of its own."""
    a = _PARTICLES.sub("", unicodedata.normalize("NFKC", goal))
    b = _PARTICLES.sub("", unicodedata.normalize("NFKC", actual))
    if not a or not b:
        return False
    new_numbers = set(re.findall(r"\d+(?:\.\d+)?", b)) - set(re.findall(r"\d+(?:\.\d+)?", a))
    return not new_numbers and difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() >= GOAL_COPY_SIMILARITY


def _check_goal_copy(ev: SelfEvaluation, found: _Findings) -> None:
    goals = ev.goals
    if _said(goals.overall) and _said(goals.actual) and _goal_copied(goals.overall, goals.actual):
        found.add(
            "GOL003", "goals.actual",
            "实际完成情况与预期总体目标几乎一字不差：实际完成情况应写明评价年度实际做成了什么，"
            "如办理了多少件、满意度多少、哪些任务按时完成（可引用绩效指标的实现值），未完成的也要写明。",
        )


# --------------------------------------------------------------------------- report vs table

def _digits(text: str) -> str:
    return re.sub(r"\D", "", unicodedata.normalize("NFKC", text))


def phones_match(a: str, b: str) -> bool:
    """Same number, allowing a missing area code (8877833 = 0751-8877833) or +86."""
    for x in _phone_numbers(a):
        for y in _phone_numbers(b):
            dx, dy = _digits(x), _digits(y)
            short, long = sorted((dx, dy), key=len)
            if short and (short == long or (len(short) >= 7 and long.endswith(short))):
                return True
    return False


_SAME_AS_TABLE = [
    ("RPT001", "项目名称", "project_name", "项目名称", "project_name", "请统一为批复的项目全称"),
    ("RPT002", "填报人姓名", "filler_name", "联系人", "contact_name", "请核对；确为不同人员的可忽略"),
]
"""Report cover fields that should repeat the table: (code, label, field, table label, table field, advice)."""


def _check_report_cover(ev: SelfEvaluation, found: _Findings) -> None:
    report, basic = ev.report, ev.basic
    for code, field, ours, label, theirs, advice in _SAME_AS_TABLE:
        mine, table = getattr(report, ours), getattr(basic, theirs)
        if not _blank(mine) and not _blank(table) and _norm(mine) != _norm(table):
            found.add(
                code, f"report.{ours}",
                f"自评报告的{field}“{mine.strip()}”与基础信息表的{label}“{table.strip()}”不一致：{advice}。",
            )
    if phone_ok(report.phone) and phone_ok(basic.contact_phone):
        if not phones_match(report.phone, basic.contact_phone):
            found.add(
                "RPT003", "report.phone",
                f"自评报告的联系电话“{report.phone.strip()}”与基础信息表的联系电话“{basic.contact_phone.strip()}”不一致："
                f"请核对；填报人与联系人不同时可忽略。",
            )
    text = report.self_assessment
    if _said(text):
        score, grade = claimed_score(text), claimed_grade(text)
        impossible = impossible_score(text)
        if score is None and impossible is not None:
            found.add(
                "RPT006", "report.self_assessment",
                f"自评报告“自评等级和分数”一节写的分数{format_number(impossible)}分不可能：自评分数在0—100分之间，"
                f"请按评分表写明实际得分，如“自评优秀，分数97分”。",
            )
            score = impossible
        missing = [w for w, v in (("自评等级", grade), ("自评分数", score)) if v is None]
        if missing:
            found.add(
                "RPT004", "report.self_assessment",
                f"自评报告“自评等级和分数”一节未写明{'和'.join(missing)}：请写明，如“自评优秀，分数97分”。",
            )
    _check_report_grades(ev, found)


def _section_name(attr: str) -> str:
    """A report section as its heading reads: 一（三）自评等级和分数."""
    return (Report.model_fields[attr].description or attr).split("，")[0]


_REPORT_SECTIONS = [
    "self_assessment", "unit_overview", "implementation", "fund_performance", "problems", "improvements", "other",
]
"""The report's sections in which a grade may be claimed, the one that states it first."""


def _check_report_grades(ev: SelfEvaluation, found: _Findings) -> None:
    """Every grade a section claims (自评优秀, 等级为良好) must be the same grade."""
    claims: list[tuple[str, str, str]] = []
    for attr in _REPORT_SECTIONS:
        text = getattr(ev.report, attr)
        if _said(text):
            claims += [(attr, word, key) for word, key in claimed_grades(text)]
    if len({key for _, _, key in claims}) < 2:
        return
    first_attr, first_word, first_key = claims[0]
    attr, word, _ = next(c for c in claims if c[2] != first_key)
    where = "同一节中" if attr == first_attr else f"“{_section_name(attr)}”中"
    found.add(
        "RPT005", f"report.{first_attr}",
        f"自评报告“{_section_name(first_attr)}”写的自评等级是“{first_word}”，{where}却写“{word}”："
        f"请统一为评分表算出的等级。",
    )


_SCORE = re.compile(r"(?:分数|得分|评分|总分|分值)\s*(?:为|是|:|达到|共计|合计)?\s*(-?\d+(?:\.\d+)?)")
_SCORE_LOOSE = re.compile(r"(?<![\d.满总共计占])(?<!满分)(-?\d+(?:\.\d+)?)\s*分(?![之类项配解别析钟布散期])")
_GRADE = re.compile(
    r"(?:自评|等级|评定|评级|结论|档次|结果为)(?:为|是|:|等级为|结论为|结果为|等级|结果)?\s*[“\"']?"
    r"(?:(不合格|优秀|良好|中等|合格|较差)|(优|良|中|差)(?![\u4e00-\u9fff]|等)|(优|良|中|差)(?=等|级|档))"
)
_GRADE_KEY = {
    "优秀": "优", "优": "优",
    "良好": "良", "良": "良",
    "中等": "中", "中": "中", "合格": "中",
    "较差": "差", "差": "差", "不合格": "差",
}


SCORE_RANGE = (Decimal(0), Decimal(100))
"""A self-evaluation score is out of 100 (百分制)."""


def _scores(text: str) -> Iterator[Decimal]:
    """Every number the text states as a score, the explicit ones (分数97分) first."""
    t = unicodedata.normalize("NFKC", text)
    for pattern in (_SCORE, _SCORE_LOOSE):
        for match in pattern.finditer(t):
            try:
                yield Decimal(match.group(1))
            except InvalidOperation:
                continue


def claimed_score(text: str) -> Decimal | None:
    """The score the report claims (“分数97分” → 97), or None; only a score within 0—100."""
    low, high = SCORE_RANGE
    return next((v for v in _scores(text) if low <= v <= high), None)


def impossible_score(text: str) -> Decimal | None:
    """A score the report states outside 0—100 (“分数105分”), when it states none within."""
    low, high = SCORE_RANGE
    if claimed_score(text) is not None:
        return None
    return next((v for v in _scores(text) if not low <= v <= high), None)


def claimed_grades(text: str) -> list[tuple[str, str]]:
    """Every grade the text claims: (the word written, 优/良/中/差), in order."""
    claims = []
    for match in _GRADE.finditer(unicodedata.normalize("NFKC", text)):
        word = next(g for g in match.groups() if g)
        claims.append((word, _GRADE_KEY[word]))
    return claims


def claimed_grade(text: str) -> str | None:
    """The grade the report claims, as 优/良/中/差 (“自评优秀” → 优), or None."""
    claims = claimed_grades(text)
    return claims[0][1] if claims else None


def grade_key(name: str) -> str:
    """A grade name reduced to 优/良/中/差 where it is one of their spellings."""
    return _GRADE_KEY.get(name.strip(), name.strip())


def _check_weights(card: Any, found: _Findings) -> None:
    """The indicator rows' 分值 that the split could not take as written (`scoring.weight_issues`)."""
    for issue in getattr(card, "weight_issues", ()):
        weight = format_number(issue.weight)
        if issue.kind == "negative":
            found.add("SCR004", issue.field,
                      f"{issue.row}的分值填了{weight}，分值不能为负数，评分时按0分计：请填写不小于0的分值，或留空与同类指标平分。")
        elif issue.kind == "decimals":
            found.add("SCR006", issue.field,
                      f"{issue.row}的分值{weight}超过两位小数，评分时按四舍五入到0.01计：请保留两位小数。")
        else:
            found.add("SCR005", issue.field,
                      f"{issue.item}的各指标分值合计{format_number(issue.total)}分，超过该项的{format_number(issue.points)}分，"
                      f"评分时按比例折算为{format_number(issue.points)}分" + ("，未填分值的指标不得分" if issue.unweighted else "")
                      + f"：请核对各指标的分值，使其合计不超过{format_number(issue.points)}分。")


def _check_score(ev: SelfEvaluation, card: Any, found: _Findings) -> None:
    _check_weights(card, found)
    for typed in getattr(card, "unknown_entries", ()):
        found.add(
            "FMT010", "scoring",
            f"评分记录中的评分项“{typed}”在评分表中找不到（或对应不止一项），这条评分没有计入："
            f"请填写评分表上显示的项目名称（如“群众满意度”“论证决策”）或项目编号。",
        )
    if not card.complete:
        pending = [it for it in card.items if it.status == "pending"]
        names = "、".join(f"“{it.name}”" for it in pending[:5]) + ("等" if len(pending) > 5 else "")
        found.add(
            "SCR001", "scoring",
            f"评分表尚有{len(pending)}项待人工评分{('（' + names + '）') if names else ''}："
            f"请评定档次并给分，评完后才能确认总分和等级是否与报告一致。",
        )
        return
    text = ev.report.self_assessment
    if not _said(text):
        return
    grade, score = claimed_grade(text), claimed_score(text)
    computed = f"{format_number(card.total)}分（{card.title}）"
    if grade is not None and grade != grade_key(card.grade):
        found.add(
            "SCR002", "report.self_assessment",
            f"自评报告“自评等级和分数”一节写的等级“{grade}”与评分表计算的等级“{card.grade}”（{computed}）不符："
            f"请按评分表修改报告中的等级，或核对评分。",
        )
    if score is not None and abs(score - card.total) > SCORE_TOLERANCE:
        found.add(
            "SCR003", "report.self_assessment",
            f"自评报告“自评等级和分数”一节写的分数{format_number(score)}分与评分表计算的{computed}相差{format_number(abs(score - card.total))}分："
            f"请核对评分表，或修改报告中的分数。",
        )


# --------------------------------------------------------------------------- order

_CHECKS: list[Callable[[SelfEvaluation, _Findings], None]] = [
    _check_required,
    _check_formats,
    _check_dates,
    _check_amount_values,
    _check_magnitudes,
    _check_row_totals,
    _check_budget_and_spending,
    _check_sources,
    _check_by_purpose,
    _check_eval_amount,
    _check_execution_rate,
    _check_goals,
    _check_goal_copy,
    _check_indicator_categories,
    _check_indicator_rows,
    _check_report_cover,
]


def _nested_model(tp: Any) -> type[BaseModel] | None:
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return tp
    for arg in get_args(tp):
        found = _nested_model(arg)
        if found is not None:
            return found
    return None


def _order_key(path: str, root: type[BaseModel] = SelfEvaluation) -> tuple[int, ...]:
    """Where a field path sits on the form: the model's (`root`'s) field order, then row indexes."""
    key: list[int] = []
    cls: type[BaseModel] | None = root
    for token in re.findall(r"\[\d+\]|[A-Za-z_]\w*", path):
        if token.startswith("["):
            key.append(int(token[1:-1]))
            continue
        names = list(cls.model_fields) if cls is not None else []
        if token not in names:
            key.append(len(names))
            cls = None
            continue
        key.append(names.index(token))
        cls = _nested_model(cls.model_fields[token].annotation)
    return tuple(key)
