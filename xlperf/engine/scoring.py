"""Scoring a self-evaluation against a rule set (评分).

A rule set is data, never code: a JSON file in `xlperf/rules/` (a shipped name such as
"national-2020") or a path to a finance bureau's own file. Its format is the pydantic
model `RuleSet` below and is documented in `xlperf/rules/README.md`.

One engine serves every rule set. A rule item names a method:
- `execution_rate` (预算执行率): points × min(1, spending / budget) for the evaluation year;
- `indicators`: judged from the indicator rows of the listed sub-categories, either one
  scored item per row (`split: "per_indicator"`, the national form) or one item worth
  its points × the average achievement of those rows (`split: "aggregate"`);
- `manual`: a person's tier (档次) and points (给分).
A computed item that cannot be computed (no budget, a qualitative indicator) waits for the
person's entry in `ev.scoring.entries`, exactly like a manual item.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from xlperf.engine import formulas, targets
from xlperf.forms.guangdong_1_1 import funding
from xlperf.errors import InputError
from xlperf.errors import describe_validation_error
from xlperf.engine.formulas import format_amount, format_number, format_percent
from xlperf.engine.misreadings import misreading
from xlperf.forms.guangdong_1_1.model import (
    Indicator,
    ScoreEntry,
    SelfEvaluation,
    SubCategory,
    Tier,
    indicator_path,
)

CENT = Decimal("0.01")
DEFAULT_RULES = "national-2020"


class RulesError(InputError, ValueError):
    """A rule set that cannot be used: unknown name, missing file, bad JSON, bad content.

    An `InputError`, so every command and button reports it like any unusable input.

    `code` is stable (RULES_UNKNOWN, RULES_NOT_FOUND, RULES_OUTSIDE, RULES_BAD_JSON, RULES_INVALID);
    the message is Chinese and names the file and the problem.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


# --------------------------------------------------------------------------- rule schema


class _Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _two_places(value: Decimal, what: str) -> Decimal:
    try:
        extra = value != value.quantize(CENT)
    except InvalidOperation:
        raise ValueError(f"{what}过大") from None
    if extra:
        raise ValueError(f"{what}最多保留两位小数")
    return value


class RuleTier(_Rule):
    """定性档次：档次名称与该项分值的百分比区间（如 达成 80–100 %）。"""

    name: Tier
    label: str = ""
    min_percent: Decimal = Field(ge=0, le=100)
    max_percent: Decimal = Field(ge=0, le=100)

    @model_validator(mode="after")
    def _ordered(self) -> "RuleTier":
        if self.min_percent > self.max_percent:
            raise ValueError(f"档次“{self.name}”的 min_percent 大于 max_percent")
        return self


class RuleGrade(_Rule):
    """等级：总分不低于 min 即得此等级（如 优 ≥ 90）。"""

    name: str = Field(min_length=1)
    min: Decimal = Field(ge=0)


class RuleItem(_Rule):
    """评分项：编号、名称、分值、计分方法。"""

    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    group: str = ""
    points: Decimal = Field(gt=0)
    method: Literal["manual", "execution_rate", "indicators"]
    sub_categories: list[str] = Field(default_factory=list)
    split: Literal["aggregate", "per_indicator"] = "aggregate"
    when_empty: Literal["drop", "manual"] = "drop"
    note: str = ""

    @field_validator("points")
    @classmethod
    def _points(cls, v: Decimal) -> Decimal:
        return _two_places(v, "分值")

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        if v.startswith("indicators."):
            raise ValueError("编号不能以“indicators.”开头（该前缀留给指标行）")
        return v

    @field_validator("sub_categories")
    @classmethod
    def _subs(cls, v: list[str]) -> list[str]:
        known = {s.name: s.value for s in SubCategory}
        for name in v:
            if name not in known:
                allowed = "、".join(f"{k}（{c}）" for k, c in known.items())
                raise ValueError(f"不认识的指标子类“{name}”，可用：{allowed}")
        if len(set(v)) != len(v):
            raise ValueError("指标子类重复")
        return v

    @model_validator(mode="after")
    def _method_fields(self) -> "RuleItem":
        if self.method == "indicators" and not self.sub_categories:
            raise ValueError(f"评分项“{self.id}”的方法为 indicators，须列出 sub_categories")
        if self.method != "indicators" and (self.sub_categories or self.split != "aggregate"):
            raise ValueError(f"评分项“{self.id}”：只有 indicators 方法可以指定 sub_categories 和 split")
        return self


class RuleCategory(_Rule):
    """一级类别及其评分项。"""

    name: str = Field(min_length=1)
    items: list[RuleItem] = Field(min_length=1)


class EmptyCategories(_Rule):
    """类别无适用指标时的处理（规则选项）：折算（rescale）或不折算（none），并写明出处。"""

    treatment: Literal["rescale", "none"]
    source: str = ""


class ExecutionCap(_Rule):
    """预算执行率对总分的封顶：执行率在 [from_percent, to_percent) 之间时，总分最高为 max_total。"""

    from_percent: Decimal = Field(ge=0)
    to_percent: Decimal = Field(gt=0)
    max_total: Decimal = Field(ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> "ExecutionCap":
        if self.from_percent >= self.to_percent:
            raise ValueError("执行率封顶的 from_percent 应小于 to_percent")
        return self

    def applies(self, rate: Decimal) -> bool:
        """Whether an execution rate (a fraction: 0.75 = 75 %) falls in this band."""
        return self.from_percent <= rate * 100 < self.to_percent


class Deviation(_Rule):
    """指标偏离：实际值超出年度指标值 over_percent % 以上（≥ 类指标），算作偏离。"""

    over_percent: Decimal = Field(gt=0)
    reason_required: bool = True
    penalty: Decimal = Field(Decimal(0), ge=0)
    source: str = ""


class CategoryMove(_Rule):
    """某一级类别没有指标时，其分值可以移到哪些类别（如无满意度指标时移到产出或效益指标）。"""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    from_category: str = Field(alias="from", min_length=1)
    to: list[str] = Field(min_length=1)


class RuleSet(_Rule):
    """一套评分规则（一个规则文件的内容）。"""

    format: Literal[1] = 1
    name: str = ""
    title: str = Field(min_length=1)
    source: str = ""
    note: str = ""
    weights_are_defaults: bool = False
    total: Decimal = Field(Decimal(100), gt=0)
    rescale: bool = True
    unusable_actuals: Literal["manual", "zero", "proposed"] = "manual"
    empty_categories: EmptyCategories | None = None
    execution_caps: list[ExecutionCap] = Field(default_factory=list)
    deviation: Deviation | None = None
    reason_required: Literal["when_missed", "below_full"] = "when_missed"
    category_moves: list[CategoryMove] = Field(default_factory=list)
    tiers: list[RuleTier] = Field(min_length=1)
    grades: list[RuleGrade] = Field(min_length=1)
    categories: list[RuleCategory] = Field(min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _empty_categories(cls, data):
        """`empty_categories` names the treatment explicitly; the older `rescale` says the same."""
        if isinstance(data, dict) and isinstance(data.get("empty_categories"), dict):
            rescale = data["empty_categories"].get("treatment") == "rescale"
            if "rescale" in data and bool(data["rescale"]) != rescale:
                raise ValueError("rescale 与 empty_categories.treatment 不一致，请只保留一个")
            data = dict(data, rescale=rescale)
        return data

    def execution_cap(self, rate: Decimal | None) -> ExecutionCap | None:
        """The lowest cap on the total that an execution rate (a fraction) falls under, if any."""
        if rate is None:
            return None
        caps = [c for c in self.execution_caps if c.applies(rate)]
        return min(caps, key=lambda c: c.max_total) if caps else None

    @model_validator(mode="after")
    def _consistent(self) -> "RuleSet":
        _two_places(self.total, "总分")
        ids = [item.id for cat in self.categories for item in cat.items]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"评分项编号重复：{'、'.join(dupes)}")
        points = sum((item.points for cat in self.categories for item in cat.items), Decimal(0))
        if points != self.total:
            raise ValueError(f"各评分项分值合计为{format_number(points)}分，应等于总分{format_number(self.total)}分")
        tiers = [t.name for t in self.tiers]
        if len(set(tiers)) != len(tiers):
            raise ValueError("定性档次名称重复")
        if not any(g.min == 0 for g in self.grades):
            raise ValueError("等级中须有一个 min 为 0 的等级，使任何总分都有等级")
        if len({g.min for g in self.grades}) != len(self.grades):
            raise ValueError("等级的 min 不能相同")
        names = {c.name for c in self.categories}
        for move in self.category_moves:
            unknown = [n for n in (move.from_category, *move.to) if n not in names]
            if unknown:
                raise ValueError(f"category_moves 中的类别“{'、'.join(unknown)}”不是本规则的类别")
        return self

    def tier(self, name: str) -> RuleTier | None:
        return next((t for t in self.tiers if t.name == name), None)

    def grade(self, total: Decimal) -> str:
        for g in sorted(self.grades, key=lambda g: g.min, reverse=True):
            if total >= g.min:
                return g.name
        return self.grades[-1].name


# --------------------------------------------------------------------------- loading


def shipped_rule_names() -> list[str]:
    """The names of the rule sets shipped in `xlperf/rules/`."""
    folder = resources.files("xlperf") / "rules"
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".json"))


def load_rules(name_or_path: str | Path | None = None) -> RuleSet:
    """A rule set by shipped name (None → national-2020) or by a path to a JSON file.

    Each is parsed once per process; a user's file again when it changes on disk."""
    if name_or_path is None or str(name_or_path).strip() == "":
        name_or_path = DEFAULT_RULES
    text = str(name_or_path).strip()
    path = Path(text)
    if _looks_like_path(text) or path.is_file():
        if not path.is_file():
            if path.exists():
                raise RulesError("RULES_NOT_FOUND", f"评分规则“{text}”不是普通文件，无法作为规则文件读取。")
            raise RulesError("RULES_NOT_FOUND", f"找不到评分规则文件“{text}”，请检查路径。")
        return _load_file(text, path.stat().st_mtime_ns)
    if text not in shipped_rule_names():
        names = "、".join(shipped_rule_names())
        raise RulesError(
            "RULES_UNKNOWN",
            f"未知的评分规则“{text}”。内置规则有：{names}；也可以填写规则文件（.json）的路径。",
        )
    return _load_shipped(text)


MAX_RULES_BYTES = 1024 * 1024
"""A rule file is a few KB; the shipped ones are under 20 KB."""


@lru_cache(maxsize=32)
def _load_file(text: str, mtime_ns: int) -> RuleSet:
    path = Path(text)
    return _parse(_read_rule_file(path, text), str(path), path.stem)


def _read_rule_file(path: Path, shown: str) -> bytes:
    """The bytes of a rule file, once it is known to be a regular file of a sane size (a
    device, a fifo or a 2 GB file is refused before a byte is read)."""
    import os
    import stat

    try:
        with open(path, "rb", opener=lambda p, flags: os.open(p, flags | getattr(os, "O_NONBLOCK", 0))) as fh:
            st = os.fstat(fh.fileno())
            if not stat.S_ISREG(st.st_mode):
                raise RulesError("RULES_NOT_FOUND", f"评分规则“{shown}”不是普通文件，无法作为规则文件读取。")
            if st.st_size > MAX_RULES_BYTES:
                raise RulesError(
                    "RULES_INVALID", f"评分规则文件“{shown}”过大（{st.st_size} 字节，上限 {MAX_RULES_BYTES} 字节），不是规则文件。"
                )
            return fh.read(MAX_RULES_BYTES + 1)[:MAX_RULES_BYTES]
    except OSError as e:
        raise RulesError("RULES_NOT_FOUND", f"评分规则文件“{shown}”无法读取（{e.strerror or '读取失败'}）。") from None


def form_rules(name: str | None, folder: str | Path | None) -> RuleSet:
    """The rule set a form or workbook names (its 评分规则 setting), which its sender chose.

    Only a shipped rule set, or a rule file inside `folder` (the folder of the form or
    workbook) named by a relative path: no absolute path, no drive, no “..”, nothing that
    resolves (through a symlink) outside the folder. The refusal reads the same whether such
    a file exists or not. A rule path a person gives on the command line goes through
    `load_rules` instead, and may point anywhere."""
    text = str(name or "").strip()
    if not text or not _looks_like_path(text):
        return load_rules(text or None)
    refused = RulesError(
        "RULES_OUTSIDE",
        f"评分规则“{text[:100]}”不是内置规则，也不是本文件所在文件夹中的规则文件：表内只能填写内置规则名，"
        "或同一文件夹中规则文件的相对路径（如需使用其他位置的规则文件，请用 --rules 指定）。",
    )
    parts = text.replace("\\", "/").split("/")
    if folder is None or text.startswith(("/", "\\")) or ":" in text or any(p in ("..", "") for p in parts[:-1]) or parts[-1] in ("..", ""):
        raise refused
    base = Path(folder).resolve()
    target = (base / Path(*parts)).resolve()
    if base not in target.parents:
        raise refused
    if not target.is_file():
        raise RulesError("RULES_NOT_FOUND", f"找不到评分规则文件“{text[:100]}”（应在本文件所在的文件夹中），请检查路径。")
    return load_rules(str(target))


@lru_cache(maxsize=None)
def _load_shipped(name: str) -> RuleSet:
    data = (resources.files("xlperf") / "rules" / f"{name}.json").read_bytes()
    return _parse(data, f"内置规则 {name}.json", name)


def _looks_like_path(text: str) -> bool:
    return "/" in text or "\\" in text or text.lower().endswith(".json")


def _parse(data: bytes, where: str, stem: str) -> RuleSet:
    try:
        raw = json.loads(data.decode("utf-8-sig"), parse_float=Decimal)
    except UnicodeDecodeError:
        raise RulesError("RULES_BAD_JSON", f"评分规则文件“{where}”不是 UTF-8 编码的文本。") from None
    except json.JSONDecodeError as e:
        raise RulesError(
            "RULES_BAD_JSON",
            f"评分规则文件“{where}”不是有效的 JSON：第{e.lineno}行第{e.colno}列附近有语法错误。",
        ) from None
    if not isinstance(raw, dict):
        raise RulesError("RULES_INVALID", f"评分规则文件“{where}”的内容应为一个 JSON 对象（{{...}}）。")
    try:
        rules = RuleSet.model_validate(raw)
    except ValidationError as e:
        problems = describe_validation_error(e, RuleSet, "规则文件")
        raise RulesError("RULES_INVALID", f"评分规则文件“{where}”不符合规则格式：{problems}。") from None
    return rules if rules.name else rules.model_copy(update={"name": stem})


# --------------------------------------------------------------------------- scorecard


class ScoreItem(BaseModel):
    """评分表的一项：分值、得分、计分依据。"""

    id: str
    name: str
    category: str
    group: str = ""
    available: Decimal
    points: Decimal | None = None
    method: Literal["computed", "manual"]
    status: Literal["scored", "pending", "dropped"]
    tier: str | None = None
    tier_range: tuple[Decimal, Decimal] | None = None
    in_range: bool | None = None
    inputs: dict[str, str] = Field(default_factory=dict)
    explanation: str


class WeightIssue(BaseModel):
    """One indicator row's 分值 that the split did not take as written (see `row_shares`).

    kind: `negative` (counted as 0), `decimals` (more than two places, taken to the cent
    half up), `over` (the weights of the item add up to more than its points; `field` is
    the item's first weighted row)."""

    kind: Literal["negative", "decimals", "over"]
    field: str
    row: str
    """The row in words (数量指标第1行, or the indicator's name)."""
    weight: Decimal
    item: str = ""
    points: Decimal = Decimal(0)
    total: Decimal = Decimal(0)
    unweighted: int = 0
    """For `over`: the item's rows without a 分值 (left with no points)."""


_STATUS_TEXT = {"scored": "已计分", "pending": "待评分人打分", "dropped": "不适用"}
_METHOD_TEXT = {"computed": "自动计算", "manual": "人工评分"}


class Scorecard(BaseModel):
    """评分结果：总分、等级、是否评完、逐项得分与说明。"""

    rules: str
    title: str
    total: Decimal
    grade: str
    """A grade band of the rule set once scoring is finished, else 待评分 or 无法评分."""
    complete: bool
    items: list[ScoreItem]
    notes: list[str] = Field(default_factory=list)
    unknown_entries: list[str] = Field(default_factory=list)
    """Scoring entries whose item is neither an item's id nor its name as shown: the
    person's typing, reported by the checks (FMT010), never silently ignored."""
    weight_issues: list[WeightIssue] = Field(default_factory=list, exclude=True)
    """Indicator rows' 分值 (weights) the split could not take as written: negative (taken
    as 0), more than two decimals (taken to the cent), or adding up to more than their
    item's points (scaled down). Reported by the checks (SCR004–SCR006)."""

    def item(self, item_id: str) -> ScoreItem | None:
        return next((i for i in self.items if i.id == item_id), None)

    def headline(self) -> str:
        """The score in one line, the same words in every command: a grade only when it is one."""
        if self.complete:
            return f"总分：{format_number(self.total, 2)} 分，等级：{self.grade}"
        pending = sum(i.status == "pending" for i in self.items)
        return (f"已评项目得分：{format_number(self.total, 2)} 分（尚有 {pending} 项待人工评分，总分未定），"
                f"等级：{self.grade}")

    def to_text(self) -> str:
        """The scorecard as plain Chinese text (for the terminal and for logs)."""
        lines = [
            f"评分规则：{self.rules}（{self.title}）",
            f"{'总分' if self.complete else '已评项目得分'}：{self.total}分　等级：{self.grade}　"
            f"{'评分完成' if self.complete else '评分未完成（有待评分人打分的项目）'}",
        ]
        lines += [f"注：{n}" for n in self.notes]
        category = None
        for it in self.items:
            if it.category != category:
                category = it.category
                lines.append(f"【{category}】")
            got = "—" if it.points is None else f"{it.points}"
            label = f"{it.group}·{it.name}" if it.group and it.group != it.name else it.name
            lines.append(
                f"  {it.id}　{label}：{got}/{it.available}分　"
                f"{_STATUS_TEXT[it.status]}（{_METHOD_TEXT[it.method]}）"
            )
            lines.append(f"    {it.explanation}")
        return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- engine


@dataclass
class _Slot:
    """One scored item before evaluation: its rule item, base points and evidence."""

    category: RuleCategory
    item: RuleItem
    base: Fraction
    rows: list[tuple[SubCategory, int, Indicator]] = field(default_factory=list)
    per_row: bool = False
    dropped: bool = False
    available: Decimal = Decimal(0)
    exact: Fraction = Fraction(0)
    split_text: str = ""

    @property
    def id(self) -> str:
        if self.per_row:
            sub, i, _ = self.rows[0]
            return indicator_path(sub, i)
        return self.item.id


def score(ev: SelfEvaluation, rules: RuleSet) -> Scorecard:
    """Score one self-evaluation. Pure: reads `ev`, never changes it."""
    issues: list[WeightIssue] = []
    slots = _plan(ev, rules, issues)
    ev, unknown = _named_entries(ev, rules, slots)
    rescaled, notes = _rescale(slots, rules)
    _apportion(slots)
    items = [_evaluate(slot, ev, rules, rescaled) for slot in slots]
    total = sum((i.points for i in items if i.points is not None), Decimal(0))
    total = min(max(total, Decimal(0)), rules.total).quantize(CENT)
    rate = funding.execution(ev).rate if rules.execution_caps else None
    total, capped = cap_total(total, None if isinstance(rate, formulas.Undefined) else rate, rules)
    notes += capped
    if rules.weights_are_defaults:
        notes.insert(0, "本规则的分值是默认值，应按本地财政部门公布的分值调整规则文件。")
    pending = [i.id for i in items if i.status == "pending"]
    if pending:
        notes.append(f"有{len(pending)}项待评分人填写档次和给分，总分暂按0分计入这些项目。")
    return Scorecard(
        rules=rules.name,
        title=rules.title,
        total=total,
        grade=_grade(rules, total, items),
        complete=not pending,
        items=items,
        notes=notes,
        unknown_entries=unknown,
        weight_issues=issues,
    )


def _named_entries(ev: SelfEvaluation, rules: RuleSet, slots: list[_Slot]) -> tuple[SelfEvaluation, list[str]]:
    """`ev` with each scoring entry's item given as its id, and the entries that name nothing.

    A person may name an item by its id or as `xlperf score` shows it: the item's name,
    "group·name", or for a per-indicator item the indicator's name (alone or after its
    sub-category, "质量指标·群众满意度"). A name shared by two items is not guessed.
    Entries for an indicator row or a rule item this scoring does not use stay as they are."""
    ids = {s.id for s in slots} | {it.id for c in rules.categories for it in c.items}
    ids |= {indicator_path(sub, i) for sub, i, _ in ev.indicators.each()}
    by_name: dict[str, set[str]] = {}
    for slot in slots:
        if slot.per_row:
            sub, i, row = slot.rows[0]
            names = {row.name.strip(), f"{sub.value}·{row.name.strip()}", f"{sub.value}第{i + 1}行"}
        else:
            names = {slot.item.name, f"{slot.item.group}·{slot.item.name}", slot.item.group}
        for name in names - {"", "·"}:
            by_name.setdefault(name, set()).add(slot.id)
    entries, unknown, changed = [], [], False
    for e in ev.scoring.entries:
        typed = e.item.strip()
        if typed in ids:
            entries.append(e)
            continue
        found = by_name.get(typed, set())
        if len(found) == 1:
            entries.append(e.model_copy(update={"item": next(iter(found))}))
            changed = True
        else:
            entries.append(e)
            unknown.append(e.item)
    if not changed:
        return ev, unknown
    return ev.model_copy(update={"scoring": ev.scoring.model_copy(update={"entries": entries})}), unknown


PENDING_GRADE = "待评分"
"""The grade while an item waits for a person: never a grade band such as 差."""
UNSCORABLE_GRADE = "无法评分"
"""The grade when no item could be scored at all (every item without evidence)."""


def _grade(rules: RuleSet, total: Decimal, items: list[ScoreItem]) -> str:
    """A grade band only for a finished scorecard with something scored; else what is missing."""
    if any(i.status == "pending" for i in items):
        return PENDING_GRADE
    if not any(i.status == "scored" for i in items):
        return UNSCORABLE_GRADE
    return rules.grade(total)


def _plan(ev: SelfEvaluation, rules: RuleSet, issues: list["WeightIssue"] | None = None) -> list[_Slot]:
    """The scored items of `ev` under `rules`; the weights not taken as written are added to `issues`."""
    slots: list[_Slot] = []
    each = ev.indicators.each()
    for cat in rules.categories:
        for item in cat.items:
            base = Fraction(item.points)
            if item.method != "indicators":
                slots.append(_Slot(cat, item, base))
                continue
            rows = [r for r in each if r[0].name in item.sub_categories]
            if not rows:
                slots.append(_Slot(cat, item, base, dropped=item.when_empty == "drop"))
            elif item.split == "per_indicator":
                weights = [row.weight for _, _, row in rows]
                if issues is not None:
                    issues += weight_issues(rows, item.points, f"{cat.name}{format_number(item.points)}分")
                shares, text = row_shares(base, weights, f"{cat.name}{format_number(item.points)}分")
                slots += [_Slot(cat, item, share, rows=[r], per_row=True, split_text=text) for r, share in zip(rows, shares)]
            else:
                slots.append(_Slot(cat, item, base, rows=rows))
    return slots


def row_shares(points: Fraction, weights: list[Decimal | None], whole: str) -> tuple[list[Fraction], str]:
    """Each row's share of an item's `points` (分值), and how it came about.

    Rows without a weight share equally what the weighted rows leave (all without: the
    equal split). When the rows' 分值 do not add up to `points`, they count as proportions
    and are scaled to it, so the item keeps its points. `whole` names the item in the text
    ("产出指标50分")."""
    n = len(weights)
    if all(w is None for w in weights):
        return [points / n] * n, ""
    weights = [None if w is None else taken_weight(w) for w in weights]
    given = sum((Fraction(w) for w in weights if w is not None), Fraction(0))
    unweighted = sum(1 for w in weights if w is None)
    rest = max(points - given, Fraction(0)) / unweighted if unweighted else Fraction(0)
    raw = [Fraction(w) if w is not None else rest for w in weights]
    total = sum(raw, Fraction(0))
    if total == 0:
        return [points / n] * n, f"{whole}：各指标分值均为0，改为由{n}个指标平分"
    listed = "、".join(format_number(_to_decimal(r).quantize(CENT, ROUND_HALF_UP)) for r in raw)
    text = f"{whole}按各指标的分值分配（{listed}）"
    if total != points:
        text += f"，分值合计{format_number(_to_decimal(total).quantize(CENT, ROUND_HALF_UP))}分，按比例折算为{format_number(_to_decimal(points).quantize(CENT, ROUND_HALF_UP))}分"
    return [r * points / total for r in raw], text


def taken_weight(weight: Decimal) -> Decimal:
    """A row's 分值 as the split takes it: to the cent (half up, as a spreadsheet's ROUND), at least 0."""
    return max(weight.quantize(CENT, ROUND_HALF_UP), Decimal(0))


def weight_issues(rows: list[tuple[SubCategory, int, Indicator]], points: Decimal, whole: str) -> list[WeightIssue]:
    """The 分值 of an item's rows that `row_shares` cannot take as written (checks SCR004–SCR006)."""
    found: list[WeightIssue] = []
    weighted = [(sub, i, row) for sub, i, row in rows if row.weight is not None]
    for sub, i, row in weighted:
        label = _row_words(sub, i, row)
        path = indicator_path(sub, i, "weight")
        if row.weight < 0:
            found.append(WeightIssue(kind="negative", field=path, row=label, weight=row.weight))
        if row.weight != row.weight.quantize(CENT, ROUND_HALF_UP):
            found.append(WeightIssue(kind="decimals", field=path, row=label, weight=row.weight))
    given = sum((taken_weight(row.weight) for _, _, row in weighted), Decimal(0))
    if weighted and given > points:
        sub, i, row = weighted[0]
        found.append(WeightIssue(kind="over", field=indicator_path(sub, i, "weight"), row=_row_words(sub, i, row),
                                 weight=row.weight, item=whole, points=points, total=given,
                                 unweighted=len(rows) - len(weighted)))
    return found


def _row_words(sub: SubCategory, i: int, row: Indicator) -> str:
    name = row.name.strip()
    return f"{sub.value}“{name}”" if name and name != "无" else f"{sub.value}第{i + 1}行"


def cap_total(total: Decimal, rate: Decimal | None, rules: RuleSet) -> tuple[Decimal, list[str]]:
    """The total after the rule set's execution-rate caps (执行率封顶), and a note when one applied."""
    cap = rules.execution_cap(rate)
    if cap is None or total <= cap.max_total:
        return total, []
    note = (
        f"预算执行率{format_percent(rate)}在{format_number(cap.from_percent)}%–{format_number(cap.to_percent)}%之间，"
        f"按本规则总分最高{format_number(cap.max_total)}分，由{format_number(total)}分降为{format_number(cap.max_total)}分。"
    )
    return cap.max_total.quantize(CENT), [note]


def _rescale(slots: list[_Slot], rules: RuleSet) -> tuple[str, list[str]]:
    """Dropped items give their points to the rest in proportion (类别不适用时折算).

    Returns the reason and factor as text ("因效益指标无适用指标，按100/70折算"; empty when
    nothing was rescaled) and the scorecard's notes.
    """
    dropped = [s for s in slots if s.dropped]
    kept_items = {id(s.item): s.item.points for s in slots if not s.dropped}
    kept = sum(kept_items.values(), Decimal(0))
    factor, text, notes = Fraction(1), "", []
    if dropped and rules.rescale and kept > 0:
        factor = Fraction(rules.total) / Fraction(kept)
        names = "、".join(s.item.name for s in dropped)
        ratio = f"{format_number(rules.total)}/{format_number(kept)}"
        text = f"因{names}无适用指标，按{ratio}折算"
        notes.append(f"{names}无适用指标，不计分；其余各项分值按{ratio}折算，合计仍为{format_number(rules.total)}分。")
    for s in slots:
        s.exact = Fraction(0) if s.dropped else s.base * factor
    return text, notes


def _apportion(slots: list[_Slot]) -> None:
    """Round the available points to 0.01 so that they add up exactly (最大余数法)."""
    cents_exact = [s.exact * 100 for s in slots]
    floors = [int(c) for c in cents_exact]
    left = round(sum(cents_exact)) - sum(floors)
    order = sorted(range(len(slots)), key=lambda k: (-(cents_exact[k] - floors[k]), k))
    for k in order[:left]:
        floors[k] += 1
    for s, cents in zip(slots, floors):
        s.available = (Decimal(cents) / 100).quantize(CENT)


def _evaluate(slot: _Slot, ev: SelfEvaluation, rules: RuleSet, rescaled: str) -> ScoreItem:
    item = slot.item
    common = dict(id=slot.id, category=slot.category.name, available=slot.available)
    if slot.dropped:
        subs = "、".join(SubCategory[s].value for s in item.sub_categories)
        return ScoreItem(
            **common, name=item.name, group=item.group, method="computed", status="dropped",
            explanation=f"{subs}均为“无”或未填写，本项无适用指标，不计分；"
            + ("其分值由其余各项按比例分享。" if rules.rescale else "其分值不再分配（本规则不折算）。"),
        )
    weight = _weight_text(slot, rescaled)
    if slot.per_row:
        sub, i, row = slot.rows[0]
        name = row.name.strip() or f"{sub.value}第{i + 1}行"
        return _indicator_item(slot, ev, rules, common | dict(name=name, group=sub.value), weight)
    common |= dict(name=item.name, group=item.group)
    entry = ev.scoring.entry(slot.id)
    if item.method == "execution_rate":
        return _execution_item(slot, ev, rules, common, weight, entry)
    if item.method == "indicators" and slot.rows:
        return _aggregate_item(slot, rules, common, weight, entry)
    if item.method == "indicators":
        subs = "、".join(SubCategory[s].value for s in item.sub_categories)
        why = f"{subs}均为“无”或未填写，本项不能按指标计算，请评分人对照佐证材料评定。"
        return _manual_item(slot.available, entry, rules, common, weight, why)
    return _manual_item(slot.available, entry, rules, common, weight, "本项由评分人对照佐证材料选档给分。")


def _weight_text(slot: _Slot, rescaled: str) -> str:
    """How the item's available points came about (split, rescale, rounding)."""
    if not slot.per_row and not rescaled:
        return ""
    if slot.per_row and slot.split_text:
        share = _to_decimal(slot.base).quantize(CENT, ROUND_HALF_UP)
        text = f"{slot.split_text}，本项{format_number(share)}分"
    elif slot.per_row:
        n = round(Fraction(slot.item.points) / slot.base)
        base = f"{slot.category.name}{format_number(slot.item.points)}分"
        share = _to_decimal(slot.base).quantize(CENT, ROUND_HALF_UP)
        text = f"{base}由{n}个指标平分，每项{format_number(share)}分" if n > 1 else f"{base}只有这1个指标"
    else:
        text = f"本项原为{format_number(slot.item.points)}分"
    text += f"；{rescaled}为{slot.available}分" if rescaled else ""
    naive = _to_decimal(slot.exact).quantize(CENT, ROUND_HALF_UP)
    if naive != slot.available:
        text += f"（本项分值{slot.available}分：各项取两位小数后的尾差计入本项，使分值合计不变）"
    return text + "。"


def _execution_item(slot, ev, rules, common, weight, entry) -> ScoreItem:
    ex = funding.execution(ev)
    year, budget, spent, rate = ex.year, ex.budget, ex.spent, ex.rate
    inputs = {"年度": "未填写" if year is None else str(year), "预算": _amount(budget), "实际支出": _amount(spent)}
    fallback = [n for n, all_rows in (("资金安排情况", ex.budget_all_rows), ("资金使用情况", ex.spent_all_rows)) if all_rows]
    if not fallback:
        scope = ""
    elif year is None:
        scope = "（评价年度未填写，取全部行合计）"
    else:
        scope = f"（{'、'.join(fallback)}没有{year}年度的行，取全部行合计）"
    if isinstance(rate, formulas.Undefined):
        why = f"预算执行率无法计算（{rate.reason}）{scope}，请评分人核实资金情况后给分。"
        return _manual_item(slot.available, entry, rules, common, weight, why, inputs)
    inputs["预算执行率"] = format_percent(rate)
    frac = min(Decimal(1), max(Decimal(0), rate))
    pts = earned_points(slot.available, frac)
    cap = "，超过100%按100%计" if rate > 1 else ""
    when = f"{year}年" if year is not None and not fallback else ""
    text = (
        f"预算执行率 = {when}实际支出{_amount(spent)}万元 ÷ 预算{_amount(budget)}万元 = {format_percent(rate)}{cap}{scope}；"
        f"得分 = {slot.available}分 × {format_percent(frac)} = {pts}分。{weight}"
    )
    return _computed(common, pts, inputs, text + _ignored(entry))


@dataclass(frozen=True)
class _Assessed:
    """An indicator row as scored: its judgement, the fraction it earns (None: a person must
    judge), and, when its actual value cannot be used as written, why and what the rule set did."""

    judgement: targets.Judgement
    fraction: Decimal | None
    reason: str
    unusable: str = ""


def _assess(sub: SubCategory, row: Indicator, rules: RuleSet) -> _Assessed:
    """Judge a row; an actual the checks object to (IND021–IND025) is never scored as met.

    What it earns instead is the rule set's `unusable_actuals`: a person's tier (manual,
    the default), 0 points (zero), or the one reading the finding proposes (proposed, e.g.
    0.9916 read as 99.16% against a 95% target; without a proposal, a person's tier)."""
    judgement = targets.judge(row.actual, row.target, sub, row.name)
    bad = misreading(row.name, row.formula, row.target, row.actual, sub)
    if bad is None:
        return _Assessed(judgement, achievement(judgement), judgement.reason)
    if rules.unusable_actuals == "proposed" and bad.proposed:
        read = targets.judge(bad.proposed, row.target, sub, row.name)
        why = f"{bad.problem}；按评分规则，以建议的读法“{bad.proposed}”计分：{read.reason}"
        return _Assessed(read, achievement(read), why, bad.text)
    if rules.unusable_actuals == "zero":
        why = f"{bad.problem}；按评分规则，实现值写法有误的行按未完成计0分，改正实现值后重新计分"
        return _Assessed(judgement, Decimal(0), why, bad.text)
    why = f"{bad.problem}，不能按已完成计分；请改正实现值后重新计分，或由评分人按档次评定"
    return _Assessed(judgement, None, why, bad.text)


def _indicator_item(slot, ev, rules, common, weight) -> ScoreItem:
    sub, i, row = slot.rows[0]
    entry = ev.scoring.entry(slot.id)
    assessed = _assess(sub, row, rules)
    judgement, frac = assessed.judgement, assessed.fraction
    inputs = _row_inputs(row, judgement)
    if assessed.unusable:
        inputs["实现值写法"] = assessed.unusable
    if frac is None:
        if assessed.unusable:
            why = f"{assessed.reason}。"
        elif judgement.status == targets.Status.NOT_MET:
            why = f"{judgement.reason}，但无法按比例计分，请评分人按档次评定。"
        else:
            shown = f"（实现值“{row.actual}”）" if row.actual.strip() else ""
            why = f"{judgement.reason}{shown}，请评分人按档次评定。"
        return _manual_item(slot.available, entry, rules, common, weight, why, inputs)
    pts = earned_points(slot.available, frac)
    if judgement.status == targets.Status.MET and frac == 1:
        how = f"得满分{pts}分"
    elif frac == 0 and assessed.unusable:
        how = "得0分"
    else:
        how = f"按完成比例{format_percent(frac)}计分：{slot.available}分 × {format_percent(frac)} = {pts}分"
    text = f"{assessed.reason}；{how}。{weight}"
    return _computed(common, pts, inputs, text + _ignored(entry))


def _aggregate_item(slot, rules, common, weight, entry) -> ScoreItem:
    assessed = [(row.name or indicator_path(sub, i), _assess(sub, row, rules)) for sub, i, row in slot.rows]
    judged = [(name, a.judgement) for name, a in assessed]
    fracs = [a.fraction for _, a in assessed]
    inputs = {
        f"{indicator_path(sub, i)} {name}": j.status.value + (f" {format_percent(f)}" if f is not None else "")
        for (sub, i, _), (name, j), f in zip(slot.rows, judged, fracs)
    }
    waiting = [f"“{name}”（{a.reason}）" for name, a in assessed if a.fraction is None]
    if waiting:
        why = f"本项有指标需人工判断：{'、'.join(waiting)}，不能按指标自动计分，请评分人对本项按档次评定。"
        return _manual_item(slot.available, entry, rules, common, weight, why, inputs)
    mean = sum(fracs, Decimal(0)) / len(fracs)
    inputs["平均完成比例"] = format_percent(mean)
    pts = earned_points(slot.available, mean)
    listing = "、".join(
        f"{name} {'实现值写法有误' if a.unusable else a.judgement.status.value}（{format_percent(a.fraction)}）"
        for name, a in assessed
    )
    how = f"按{len(fracs)}个指标的平均完成比例计分：{listing}，平均{format_percent(mean)}" if len(fracs) > 1 \
        else f"按指标完成比例计分：{listing}"
    text = f"{how}；得分 = {slot.available}分 × {format_percent(mean)} = {pts}分。{weight}"
    return _computed(common, pts, inputs, text + _ignored(entry))


def achievement(judgement: targets.Judgement) -> Decimal | None:
    """The fraction of the item's points an indicator earns, or None when a person must judge."""
    if judgement.status == targets.Status.MET:
        return Decimal(1)
    if judgement.status == targets.Status.NOT_MET and judgement.ratio is not None:
        return min(Decimal(1), max(Decimal(0), judgement.ratio))
    return None


def _row_inputs(row: Indicator, judgement) -> dict[str, str]:
    inputs = {"指标名称": row.name, "预期值": row.target, "实现值": row.actual, "判断": judgement.status.value}
    if judgement.ratio is not None:
        inputs["完成比例"] = format_percent(judgement.ratio)
    return inputs


def _computed(common: dict, pts: Decimal, inputs: dict[str, str], text: str) -> ScoreItem:
    return ScoreItem(**common, points=pts, method="computed", status="scored", inputs=inputs, explanation=text)


def _ignored(entry: ScoreEntry | None) -> str:
    if entry is None or (entry.points is None and entry.tier is None):
        return ""
    given = []
    if entry.tier:
        given.append(f"档次“{entry.tier}”")
    if entry.points is not None:
        given.append(f"给分{format_number(entry.points)}分")
    return f"评分人填写的{'、'.join(given)}未采用：本项由系统按数据计算。"


def _manual_item(
    available: Decimal,
    entry: ScoreEntry | None,
    rules: RuleSet,
    common: dict,
    weight: str,
    why: str,
    inputs: dict[str, str] | None = None,
) -> ScoreItem:
    """An item scored by a person: a tier (档次) and/or points (给分), checked against the tier's range."""
    inputs = dict(inputs or {})
    ranges = "；".join(f"{t.name} {_lo(available, t)}–{_hi(available, t)}分" for t in rules.tiers)
    base = dict(common, method="manual", inputs=inputs)
    if entry is None or (entry.tier is None and entry.points is None):
        text = f"{why}尚未评分；可选档次及分数区间：{ranges}。{weight}"
        return ScoreItem(**base, status="pending", explanation=text)
    tier = rules.tier(entry.tier) if entry.tier else None
    tier_range = (_lo(available, tier), _hi(available, tier)) if tier else None
    if entry.tier:
        inputs["档次"] = entry.tier
    if entry.tier and tier is None:
        text = f"{why}档次“{entry.tier}”不在本规则的档次中（{ranges}），请改选档次。{weight}"
        return ScoreItem(**base, tier=entry.tier, status="pending", explanation=text)
    if entry.points is None:
        pts = tier_range[0]
        text = (
            f"{why}评分人选定档次“{tier.name}”（{tier_range[0]}–{tier_range[1]}分），未填给分，"
            f"按该档下限计{pts}分；如应得更高分，请填写给分。{weight}"
        )
        return ScoreItem(**base, tier=tier.name, tier_range=tier_range, in_range=True, points=pts,
                         status="scored", explanation=text)
    given = entry.points
    inputs["给分"] = format_number(given)
    pts = min(max(given, Decimal(0)), available).quantize(CENT, ROUND_HALF_UP)
    outside = given < 0 or given > available
    parts = [why]
    if tier is not None:
        in_range = tier_range[0] <= given <= tier_range[1] and not outside
        where = "在" if in_range else "不在"
        parts.append(
            f"评分人选定档次“{tier.name}”（{tier_range[0]}–{tier_range[1]}分），给分{format_number(given)}分，{where}该档区间内"
            + ("。" if in_range else "，请核对档次或给分。")
        )
    else:
        in_range = False if outside else None
        parts.append(f"评分人给分{format_number(given)}分，未选档次，请补选档次以便核对。")
    if outside:
        parts.append(f"给分超出本项0–{available}分的范围，计入总分时按{pts}分计。")
    if entry.note:
        parts.append(f"评分说明：{entry.note}")
    if weight:
        parts.append(weight)
    return ScoreItem(**base, tier=entry.tier, tier_range=tier_range, in_range=in_range, points=pts,
                     status="scored", explanation="".join(parts))


# --------------------------------------------------------------------------- numbers


def earned_points(available: Decimal, fraction: Decimal) -> Decimal:
    """The points an item worth `available` earns for an achieved `fraction` (0..1), to 0.01, half up."""
    return min(available, (available * fraction).quantize(CENT, ROUND_HALF_UP))


def _lo(available: Decimal, tier: RuleTier) -> Decimal:
    return (available * tier.min_percent / 100).quantize(CENT, ROUND_HALF_UP)


def _hi(available: Decimal, tier: RuleTier) -> Decimal:
    return (available * tier.max_percent / 100).quantize(CENT, ROUND_HALF_UP)


def _amount(value: Decimal | None) -> str:
    return "未填写" if value is None else format_amount(value)


def _to_decimal(value: Fraction) -> Decimal:
    return Decimal(value.numerator) / Decimal(value.denominator)
