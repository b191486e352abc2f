"""The text of the Attachment 3 report (附件3 市级财政支出项目绩效自评报告).

`report_sections` fills every part of the official form: the cover fields and the
seven answer cells. A part the person wrote (a non-empty field of ``ev.report``) is kept
word for word; an empty part is written from the data: the basic-information table,
and the scorecard. Generated text speaks only of the project's performance (indicators
missed and their reasons, the execution rate, goals, the person's own explanations) and
states only names and numbers found in the data; where a fact is missing it is left out,
never guessed. Data-entry findings belong to the check output and the 校验结果 sheet: a
report sent to the finance bureau never lists them.

Engine level: no docx here, only strings.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable, Sequence

from xlperf.engine.misreadings import accepted_judgement
from xlperf.engine import formulas, targets
from xlperf.forms.guangdong_1_1 import funding
from xlperf.engine.formulas import format_amount, format_date, format_number, format_percent
from xlperf.forms.guangdong_1_1.model import CATEGORY_OF, Indicator, SelfEvaluation, SubCategory, indicator_path

TITLE = "市级财政支出项目绩效自评报告"
ATTACHMENT_MARK = "附件3"
DRAFT_MARK = "草稿：校验未通过"
"""Printed in the page header and on the cover of a report exported while errors remain."""
LOW_EXECUTION = Decimal("0.9")
"""Below this budget execution rate the report names slow spending as a problem."""

COVER_FIELDS: tuple[tuple[str, str], ...] = (
    ("project_name", "项目名称"),
    ("department", "市级项目主管部门（公章）"),
    ("filler_name", "填报人姓名"),
    ("phone", "联系电话"),
    ("fill_date", "填报日期"),
)
"""Cover fields of the official form: model field of ``ev.report`` and its label."""

COVER_FALLBACK = {"project_name": ("basic", "project_name")}
"""Cover fields that, left empty, are taken from the basic table (附件1-1), as the model says."""

PARTS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    (
        "一、项目基本情况及自评结论",
        (
            ("unit_overview", "（一）项目用款单位简要情况。"),
            ("implementation", "（二）项目实施主要内容及实施程序。（绩效目标完成情况）"),
            ("self_assessment", "（三）简述项目自评等级和分数，并对照佐证材料逐一分析。"),
        ),
    ),
    (
        "二、绩效表现",
        (
            ("fund_performance", "（一）资金使用绩效。"),
            ("problems", "（二）存在问题。针对短板指标分析项目资金使用存在的问题和原因。"),
        ),
    ),
    (
        "三、改进意见（计划）",
        (("improvements", "针对存在的问题提出完善项目管理资金绩效管理的意见。或拟在下一步工作中调整完善的工作计划。"),),
    ),
    (
        "四、其他需要说明的情况",
        (("other", "包括但不限于政策制定、项目实施管理等方面好的经验方法，碰到的实际困难等其他需说明的内容。"),),
    ),
)
"""The official form: each part's heading row, then (section key, left-column prompt) rows."""


@dataclass(frozen=True)
class CoverField:
    """封面的一项：标签、内容，以及内容的来源（report 本人填写 / basic 取自基础信息表 / 空）。"""

    key: str
    label: str
    value: str
    origin: str


@dataclass(frozen=True)
class Section:
    """报告的一个栏目：所属部分、左栏提示语、正文，以及正文是否由数据生成。"""

    key: str
    part: str
    prompt: str
    text: str
    generated: bool

    @property
    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.text.splitlines() if p.strip()]


@dataclass(frozen=True)
class ReportText:
    """附件3 的全部文字：标题、封面、各栏目正文。"""

    title: str
    cover: tuple[CoverField, ...]
    sections: tuple[Section, ...]

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)

    def cover_value(self, key: str) -> str:
        return next(c.value for c in self.cover if c.key == key)

    @property
    def missing_cover(self) -> list[CoverField]:
        """Cover fields with nothing to print (封面缺项)."""
        return [c for c in self.cover if not c.value]

    @property
    def parts(self) -> list[tuple[str, list[Section]]]:
        grouped: dict[str, list[Section]] = {}
        for s in self.sections:
            grouped.setdefault(s.part, []).append(s)
        return list(grouped.items())


def report_sections(ev: SelfEvaluation, scorecard, findings: Sequence = ()) -> ReportText:
    """The report's text: the person's own sections kept, the empty ones written from data.

    ``findings`` is accepted from callers that have them and deliberately unused: the
    checker's findings about data entry never enter the report."""
    facts = _Facts(ev, scorecard)
    writers = {
        "unit_overview": facts.unit_overview,
        "implementation": facts.implementation,
        "self_assessment": facts.self_assessment,
        "fund_performance": facts.fund_performance,
        "problems": facts.problems_text,
        "improvements": facts.improvements_text,
        "other": facts.other,
    }
    sections = []
    for part, rows in PARTS:
        for key, prompt in rows:
            own = getattr(ev.report, key).strip()
            text = own if own else writers[key]()
            sections.append(Section(key, part, prompt, text, generated=not own))
    return ReportText(TITLE, tuple(_cover(ev)), tuple(sections))


def _cover(ev: SelfEvaluation) -> Iterable[CoverField]:
    for key, label in COVER_FIELDS:
        value = getattr(ev.report, key)
        text = format_date(value) if isinstance(value, dt.date) else (value or "").strip()
        origin = "report" if text else ""
        if not text and key in COVER_FALLBACK:
            block, attr = COVER_FALLBACK[key]
            text = (getattr(getattr(ev, block), attr) or "").strip()
            origin = "basic" if text else ""
        yield CoverField(key, label, text, origin)


# --------------------------------------------------------------------------- formatting


def money(value: Decimal) -> str:
    """122.17万元, 1,234.50万元"""
    return f"{format_amount(value, 2)}万元"


def points(value: Decimal) -> str:
    return f"{format_number(value, 2)}分"




def sentence(text: str) -> str:
    """The text with a full stop, unless it already ends a sentence."""
    text = text.strip()
    if not text:
        return ""
    return text if text[-1] in "。！？；.!?" else text + "。"


def _clause(text: str) -> str:
    """The text without its final full stop, to go on inside a sentence."""
    return text.strip().rstrip("。.；;，,")


def _numbered(points_: list[str]) -> str:
    if len(points_) == 1:
        return points_[0]
    return "\n".join(f"{i}.{p}" for i, p in enumerate(points_, 1))


# --------------------------------------------------------------------------- facts


@dataclass(frozen=True)
class _Outcome:
    """一个指标的完成情况：met（已完成）、missed（未完成）或 review（待人工判断）。"""

    sub: SubCategory
    index: int
    row: Indicator
    judgement: object
    state: str
    item: object

    @property
    def path(self) -> str:
        return indicator_path(self.sub, self.index)

    @property
    def name(self) -> str:
        return self.row.name.strip() or f"{self.sub.value}第{self.index + 1}行"

    @property
    def values(self) -> str:
        return f"预期值：{self.row.target.strip() or '未填写'}；实现值：{self.row.actual.strip() or '未填写'}"


@dataclass(frozen=True)
class _YearFunds:
    year: int | None
    budget: Decimal | None
    spent: Decimal | None
    budget_parts: list[tuple[str, Decimal]]
    spent_parts: list[tuple[str, Decimal]]

    @property
    def rate(self):
        return formulas.execution_rate(self.spent, self.budget)


_BUDGET_PARTS = (("central_provincial", "中央及省级资金"), ("municipal", "市本级资金"), ("transfer_county", "转移支付至县（市、区）资金"))
_SPENT_PARTS = (("central_provincial", "中央及省级支出"), ("municipal", "市本级支出"), ("transfer_county", "转移支付县（市、区）支出"))
_DONE_WORDS = ("已完成", "完成", "无", "/", "-", "—")


class _Facts:
    """What the data says, computed once, worded for each section."""

    def __init__(self, ev: SelfEvaluation, card) -> None:
        self.ev = ev
        self.card = card
        items = {i.id: i for i in card.items} if card is not None else {}
        self.outcomes = [_outcome(sub, i, row, items.get(indicator_path(sub, i))) for sub, i, row in ev.indicators.each()]
        self.years = _funds_by_year(ev)
        self._problems: list[tuple[str, str]] | None = None

    # ---- 一（一）
    def unit_overview(self) -> str:
        ev, b = self.ev, self.ev.basic
        parts = []
        if ev.header.unit_name.strip():
            parts.append(f"项目用款单位为{ev.header.unit_name.strip()}。")
        facts = []
        if b.project_name.strip():
            facts.append(f"评价项目为“{b.project_name.strip()}”")
        if b.eval_year is not None:
            facts.append(f"评价年度为{b.eval_year}年")
        if b.eval_amount is not None:
            facts.append(f"评价金额{money(b.eval_amount)}")
        if b.start_date and b.end_date:
            facts.append(f"项目实施期为{format_date(b.start_date)}至{format_date(b.end_date)}")
        elif b.start_date:
            facts.append(f"项目于{format_date(b.start_date)}开始实施")
        elif b.end_date:
            facts.append(f"项目于{format_date(b.end_date)}完成")
        docs = [d for d in b.basis_documents if d.strip()]
        if docs:
            facts.append(f"实施文件依据共{len(docs)}项")
        if facts:
            parts.append("，".join(facts) + "。")
        return "".join(parts) or "基础信息表未填写单位及项目基本情况。"

    # ---- 一（二）
    def implementation(self) -> str:
        g = self.ev.goals
        out = []
        if g.overall.strip():
            out.append(f"项目预期总体目标为：{sentence(g.overall)}")
        if g.stage.strip() and _clause(g.stage) != _clause(g.overall):
            out.append(f"预期阶段性目标为：{sentence(g.stage)}")
        if g.achieved_on_time is True:
            out.append("评价年度如期实现了预期总体目标。")
        elif g.achieved_on_time is False:
            out.append("评价年度未能如期实现预期总体目标。")
        if g.actual.strip():
            out.append(f"实际完成情况：{sentence(g.actual)}")
        text = "".join(out)
        indicators = self._indicator_summary()
        return "\n".join(p for p in (text, indicators) if p) or "基础信息表未填写绩效目标及指标情况。"

    def _indicator_summary(self) -> str:
        if not self.outcomes:
            return ""
        counts: dict[str, int] = {}
        for o in self.outcomes:
            cat = CATEGORY_OF[o.sub].value
            counts[cat] = counts.get(cat, 0) + 1
        listing = "、".join(f"{c}{n}项" for c, n in counts.items())
        met = [o for o in self.outcomes if o.state == "met"]
        missed = [o for o in self.outcomes if o.state == "missed"]
        review = [o for o in self.outcomes if o.state == "review"]
        text = f"项目共设置绩效指标{len(self.outcomes)}项（{listing}），"
        if len(met) == len(self.outcomes):
            return text + ("全部完成。" if len(met) > 1 else "已完成。")
        done = [f"已完成{len(met)}项"]
        if missed:
            done.append(f"未完成{len(missed)}项（" + "；".join(f"{o.name}，{o.values}" for o in missed) + "）")
        if review:
            done.append(f"需人工判断{len(review)}项（" + "、".join(o.name for o in review) + "）")
        return text + "，".join(done) + "。"

    # ---- 一（三）
    def self_assessment(self) -> str:
        card = self.card
        if card is None or not card.items:
            return "尚未评分。"
        full = sum((i.available for i in card.items), Decimal(0))
        basis = f"按“{card.title}”评分，满分{points(full)}"
        if card.complete:
            head = f"自评等级为{card.grade}，得分{points(card.total)}（{basis}）。"
        else:
            pending = [i for i in card.items if i.status == "pending"]
            head = (
                f"评分尚未完成：有{len(pending)}项待评分人评定，已评项目合计得分{points(card.total)}"
                f"（{basis}），等级待全部评定后确定。"
            )
        lines = [head]
        by_category: dict[str, list] = {}
        for item in card.items:
            by_category.setdefault(item.category, []).append(item)
        for category, items in by_category.items():
            clauses = [self._item_clause(i) for i in items]
            text = f"{category}方面：" + "；".join(clauses)
            scored = [i for i in items if i.status != "dropped"]
            if len(scored) > 1:
                got = sum((i.points or Decimal(0) for i in scored), Decimal(0))
                text += f"；本类合计得{points(got)}（满分{points(sum((i.available for i in scored), Decimal(0)))}）"
            lines.append(text + "。")
        return "\n".join(lines)

    def _item_clause(self, item) -> str:
        """One scored item in words; the item's name is left out where the category already says it."""
        worth = f"满分{points(item.available)}"
        label = "" if item.name == item.category else (
            f"{item.group}·{item.name}" if item.group and item.group != item.name else item.name
        )
        if item.status == "dropped":
            return f"{label}无适用指标（相关指标均为“无”），该项不计分，分值按比例折算至其他各项"
        got = f"得{points(item.points)}（{worth}）" if item.points is not None else f"待评分人按档次评定（{worth}）"
        outcome = next((o for o in self.outcomes if o.path == item.id), None)
        if outcome is not None:
            return f"{outcome.name}（{outcome.values}）{_state_words(outcome)}，{got}"
        inputs = item.inputs or {}
        if "预算执行率" in inputs:
            return (
                f"{label + '：' if label else ''}预算执行率{inputs['预算执行率']}（实际支出{inputs.get('实际支出', '')}万元，"
                f"预算{inputs.get('预算', '')}万元），{got}"
            )
        tier = f"评定为“{item.tier}”，" if item.tier else ""
        note = self._entry_note(item.id)
        return f"{label}{tier}{got}" + (f"，{_clause(note)}" if note else "")

    def _entry_note(self, item_id: str) -> str:
        entry = self.ev.scoring.entry(item_id)
        return entry.note.strip() if entry is not None else ""

    # ---- 二（一）
    def fund_performance(self) -> str:
        out = []
        for y in self.years:
            when = f"{y.year}年" if y.year is not None else ""
            bits = []
            if y.budget is not None:
                bits.append(f"{when}项目预算安排{money(y.budget)}{_breakdown(y.budget_parts, y.budget)}")
                when = ""
            if y.spent is not None:
                bits.append(f"{when}实际支出{money(y.spent)}{_breakdown(y.spent_parts, y.spent)}")
            rate = y.rate
            if not isinstance(rate, formulas.Undefined):
                text = f"预算执行率{format_percent(rate)}"
                if y.spent < y.budget:
                    text += f"，结余{money(formulas.difference(y.budget, y.spent))}"
                bits.append(text)
            if bits:
                out.append("，".join(bits) + "。")
        purposes = _purposes(self.ev)
        if purposes:
            out.append(f"按资金使用方向划分，{purposes}。")
        return "".join(out) or "基础信息表未填写资金安排及使用情况。"

    # ---- 二（二）and 三
    def problems(self) -> list[tuple[str, str]]:
        """Each problem with its improvement point (存在问题 → 改进意见)."""
        if self._problems is not None:
            return self._problems
        found: list[tuple[str, str]] = []
        for o in self.outcomes:
            if o.state != "missed":
                continue
            why = o.row.explanation.strip()
            reason = f"未完成原因：{_clause(why)}" if why and _clause(why) not in _DONE_WORDS else "单位未说明未完成原因"
            found.append((
                f"{o.name}未达到预期（{o.values}），{reason}。",
                f"针对{o.name}未达预期的问题，"
                + (f"围绕“{_clause(why)}”这一原因，" if reason.startswith("未完成原因") else "查明未完成的原因，")
                + "加强相关工作的组织实施和过程跟踪，确保下一年度达到预期目标。",
            ))
        low = self._low_execution()
        if low is not None:
            label, rate = low
            found.append((
                f"{label}预算执行率为{format_percent(rate)}，低于90%，资金支出进度偏慢。",
                "加快预算执行进度，加强支出进度的跟踪管理；编制下一年度预算时结合实际需求合理测算，提高预算编制的准确性。",
            ))
        self._problems = found
        return found

    def problems_text(self) -> str:
        found = self.problems()
        return _numbered([p for p, _ in found]) if found else "未发现明显问题。"

    def improvements_text(self) -> str:
        found = self.problems()
        if not found:
            return "继续加强项目管理和绩效跟踪监控，保持预算执行进度和绩效目标完成水平。"
        return _numbered([i for _, i in found])

    def _low_execution(self) -> tuple[str, Decimal] | None:
        """The form's 预算执行率 when below 90%, with its year where all its rows share one."""
        ex = funding.execution(self.ev)
        if isinstance(ex.rate, formulas.Undefined) or ex.rate >= LOW_EXECUTION:
            return None
        one_year = len(ex.years) == 1 and ex.years[0] is not None
        return (f"{ex.years[0]}年" if one_year else ""), ex.rate

    # ---- 四
    def other(self) -> str:
        return self.ev.other_notes.strip() or "无"


def _outcome(sub: SubCategory, index: int, row: Indicator, item) -> _Outcome:
    judgement = accepted_judgement(row.name, row.formula, row.target, row.actual, sub)
    if judgement.status == targets.Status.MET:
        state = "met"
    elif judgement.status == targets.Status.NOT_MET:
        state = "missed"
    else:
        tier = getattr(item, "tier", None) if item is not None and item.status == "scored" else None
        state = {"达成": "met", "部分达成": "missed", "未达成": "missed"}.get(tier or "", "review")
    return _Outcome(sub, index, row, judgement, state, item)


def _state_words(o: _Outcome) -> str:
    if o.judgement.status == targets.Status.MET:
        return "已完成"
    if o.judgement.status == targets.Status.NOT_MET:
        ratio = o.judgement.ratio
        return f"未完成（完成比例{format_percent(ratio)}）" if ratio is not None else "未完成"
    if o.item is not None and o.item.tier:
        return f"经评分人评定为“{o.item.tier}”"
    return "需人工判断"


def _funds_by_year(ev: SelfEvaluation) -> list[_YearFunds]:
    years: list[int | None] = []
    for row in [*ev.funding.budget, *ev.funding.spending]:
        if row.year not in years:
            years.append(row.year)
    out = []
    for year in years:
        b_rows = [r for r in ev.funding.budget if r.year == year]
        s_rows = [r for r in ev.funding.spending if r.year == year]
        out.append(_YearFunds(
            year,
            funding.total(b_rows),
            funding.total(s_rows),
            _parts(b_rows, _BUDGET_PARTS),
            _parts(s_rows, _SPENT_PARTS),
        ))
    return out


def _parts(rows, names) -> list[tuple[str, Decimal]]:
    out = []
    for attr, label in names:
        value = formulas.sum_filled(getattr(r, attr) for r in rows)
        if value is not None and value != 0:
            out.append((label, value))
    return out


def _breakdown(parts: list[tuple[str, Decimal]], total: Decimal) -> str:
    if not parts:
        return ""
    if len(parts) == 1 and parts[0][1] == total:
        return f"（均为{parts[0][0]}）"
    return "（其中" + "、".join(f"{label}{money(v)}" for label, v in parts) + "）"


def _purposes(ev: SelfEvaluation) -> str:
    by_year: dict[int | None, list[str]] = {}
    for r in ev.funding.by_purpose:
        if not r.purpose.strip() and r.amount is None:
            continue
        what = r.purpose.strip() or "未注明方向"
        amount = f"支出{money(r.amount)}" if r.amount is not None else "未填写支出额度"
        by_year.setdefault(r.year, []).append(f"{what}{amount}")
    return "；".join(
        (f"{year}年" if year is not None else "") + "、".join(items) for year, items in by_year.items()
    )
