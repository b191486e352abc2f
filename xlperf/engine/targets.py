"""Expected and actual values of an indicator (评价年度预期值 / 评价年度实现值), and whether
the actual meets the expectation.

People write expectations in many ways: "≥95%", "95%以上", "不低于95%", "控制在90万元以内",
"持平或略有增长", "按时完成". `parse_target` reads the forms that can be compared with a
number; `parse_actual` reads the numbers an actual value states, each with its label
("大厅办件量增长1.12%，热线增长率117.8%" holds two). `judge` compares them and says, in
Chinese, what it compared. What cannot be read safely is never guessed: the judgement is
REVIEW (需人工判断) with the reason.

Choices a reader of a judgement should know:

- A bare number ("100%") means 达到, i.e. ≥. "以上"/"以下"/"以内" include the number.
- Units are compared only when they agree, after converting % and ‰, 万/亿 multiples
  (万元 vs 元, 万人次 vs 人次), 天 vs 日, 公里 vs 米, 公斤 vs 克. A number written without
  a unit takes the other side's unit when that is a count or a duration (个, 次, 人, 天 ...),
  because people often leave counts bare; against %, ‰, 百分点 or money a missing unit is
  too risky (99.16 vs 0.9916, 元 vs 万元) and gives REVIEW.
- Relative expectations (持平或略有增长, 较上年增长, 不低于上年, 有所下降 ...) are growth
  thresholds (≥0, >0, <0, or "增长5%以上" = growth ≥ 5%). The actual must then state a
  change: a number whose label says so (增长, 下降, 增长率, 同比 ...; 下降/减少/降低 make it
  negative) or a bare number (the indicator's own formula is the growth rate).
  Conversely, a change ("增长1%") is not compared with a level expectation ("≥95%").
- Dates ("2020年", "12月底", "2020-12-31") are never numbers; an expectation that is only a
  date ("12月底前") is a time node and goes to a person.
- An actual written as a bound ("98%以上") is judged only when the bound settles it.
- Several numbers in one actual: MET only when every one meets the expectation; one that
  misses makes NOT_MET even while another waits for a person. Numbers in parentheses
  (usually the counts behind a rate) are read only when nothing outside them is a number.
- ratio (for points): actual/target for ≥, > and =; target/actual for ≤ and <, where an
  actual of 0 (or below) against a ≤ target gives 1 (fully met, no division by zero).
  Never negative; None when the target is 0 (or negative) for ≥, when comparing against a
  zero-growth expectation, or when anything is left to a person. For a negative threshold
  ("下降5%以上": change ≤ -5%) the ratio is actual/target, the achieved share of the fall.
  Several values: the smallest ratio, or None if any is None.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, DecimalException
from enum import Enum

__all__ = [
    "Status",
    "Comparator",
    "Kind",
    "Target",
    "Quantity",
    "Actual",
    "Judgement",
    "parse_target",
    "parse_actual",
    "judge",
]


class Status(str, Enum):
    """Whether an indicator met its expectation (是否完成)."""

    MET = "已完成"
    NOT_MET = "未完成"
    REVIEW = "需人工判断"


class Comparator(str, Enum):
    """The relation an expectation asks for, written as its symbol."""

    GE = "≥"
    GT = ">"
    LE = "≤"
    LT = "<"
    EQ = "="

    @property
    def downward(self) -> bool:
        return self in (Comparator.LE, Comparator.LT)

    @property
    def upward(self) -> bool:
        return self in (Comparator.GE, Comparator.GT)

    def flipped(self) -> "Comparator":
        return _FLIP[self]

    def holds(self, actual: Decimal, target: Decimal) -> bool:
        if self is Comparator.GE:
            return actual >= target
        if self is Comparator.GT:
            return actual > target
        if self is Comparator.LE:
            return actual <= target
        if self is Comparator.LT:
            return actual < target
        return actual == target


_FLIP = {
    Comparator.GE: Comparator.LE,
    Comparator.GT: Comparator.LT,
    Comparator.LE: Comparator.GE,
    Comparator.LT: Comparator.GT,
    Comparator.EQ: Comparator.EQ,
}


class Kind(str, Enum):
    """What kind of value a cell holds."""

    NUMERIC = "数值"
    RELATIVE = "较上年变化"
    QUALITATIVE = "定性"
    EMPTY = "空"
    NONE = "无"


@dataclass(frozen=True)
class Target:
    """An expected value (评价年度预期值) as read.

    For NUMERIC, `value` and `unit` are as written ("95", "%"); for RELATIVE, `value` is the
    signed change asked for (0 for 持平或略有增长, -5 for 下降5%) and `comparator` applies
    to the change. `note` says why an expectation cannot be compared automatically.
    """

    text: str
    kind: Kind
    comparator: Comparator | None = None
    value: Decimal | None = None
    unit: str = ""
    amount: str = ""
    label: str = ""
    about_change: bool = False
    note: str = ""

    @property
    def inverted(self) -> bool:
        """True for ≤ and < expectations (lower is better)."""
        return self.comparator is not None and self.comparator.downward


@dataclass(frozen=True)
class Quantity:
    """One number stated in an actual value, with its label.

    `value` is signed: "下降2%" is -2. `change` is True when the label says the number is a
    change (增长, 下降, 增长率, 同比 ...). `bound` is set when the actual itself is written as
    a bound ("98%以上": actual ≥ 98).
    """

    text: str
    label: str
    value: Decimal
    unit: str
    amount: str
    change: bool = False
    bound: Comparator | None = None


@dataclass(frozen=True)
class Actual:
    """An actual value (评价年度实现值) as read: its numbers, or why there are none."""

    text: str
    kind: Kind
    quantities: tuple[Quantity, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class Judgement:
    """Whether an actual value meets its expectation, and why (in Chinese)."""

    status: Status
    reason: str
    ratio: Decimal | None
    target: Target
    actual: Actual
    inverted: bool


# ---------------------------------------------------------------------------------------
# Reading text

_PLACEHOLDER = "\x00"
_NONE_MARKS = {"无", "/", "-", "--", "—", "——", "不适用", "暂无", "无此项", "n/a", "N/A", "NA"}
_CHAR_MAP = str.maketrans({"≧": "≥", "≦": "≤", "⩾": "≥", "⩽": "≤", "−": "-", "﹣": "-", "\u3000": " "})
_SYMBOL_PAIRS = ((">=", "≥"), ("=>", "≥"), ("<=", "≤"), ("=<", "≤"), ("≥=", "≥"), ("≤=", "≤"), ("==", "="))


def _normalize(value: object) -> str:
    """Full-width to half-width, one spelling per comparator, 百分之95 -> 95%."""
    text = unicodedata.normalize("NFKC", _as_text(value)).translate(_CHAR_MAP)
    for old, new in _SYMBOL_PAIRS:
        text = text.replace(old, new)
    text = re.sub(r"百分之\s*([0-9][0-9.,]*)", r"\1%", text)
    text = re.sub(r"千分之\s*([0-9][0-9.,]*)", r"\1‰", text)
    return re.sub(r"\s+", " ", text).strip()


_YEAR = r"(?<![0-9.])(?:19|20)[0-9]{2}"
_MONTH_TAIL = r"(?:份|底|末|初|中旬|上旬|下旬)?"
_DATES = re.compile(
    "|".join(
        [
            rf"{_YEAR}\s*[-~至到]\s*{_YEAR}\s*年?度?",
            rf"{_YEAR}\s*年(?:度|底|末|初|内|中)?(?:\s*[0-9]{{1,2}}\s*月{_MONTH_TAIL}(?:\s*[0-9]{{1,2}}\s*[日号])?)?",
            rf"{_YEAR}[-/.][0-9]{{1,2}}[-/.][0-9]{{1,2}}(?![0-9])",
            rf"{_YEAR}[-/][0-9]{{1,2}}(?![0-9.])",
            rf"(?<![0-9.])[0-9]{{1,2}}\s*月{_MONTH_TAIL}(?:\s*[0-9]{{1,2}}\s*[日号])?",
            r"(?<![0-9.])[0-9]{1,2}\s*[日号](?=\s*(?:前|之前|以前|止))",
        ]
    )
)
_PARENS = re.compile(r"\([^()]*\)|\[[^\[\]]*\]|【[^【】]*】")


def _mask(text: str, pattern: re.Pattern) -> tuple[str, bool]:
    """Replace every match by placeholders of the same length, so indexes still line up."""
    found = False

    def blank(match: re.Match) -> str:
        nonlocal found
        found = True
        return _PLACEHOLDER * len(match.group(0))

    return pattern.sub(blank, text), found


# Units: written form -> (base unit, factor to the base). 万/亿 in front multiply.
_UNITS: dict[str, tuple[str, Decimal]] = {
    "%": ("%", Decimal(1)),
    "‰": ("%", Decimal("0.1")),
    "个百分点": ("百分点", Decimal(1)),
    "百分点": ("百分点", Decimal(1)),
    "元": ("元", Decimal(1)),
    "千元": ("元", Decimal(1000)),
    "米": ("米", Decimal(1)),
    "千米": ("米", Decimal(1000)),
    "公里": ("米", Decimal(1000)),
    "克": ("克", Decimal(1)),
    "千克": ("克", Decimal(1000)),
    "公斤": ("克", Decimal(1000)),
    "天": ("天", Decimal(1)),
    "日": ("天", Decimal(1)),
    "工作日": ("工作日", Decimal(1)),
    "个工作日": ("工作日", Decimal(1)),
    "个月": ("月", Decimal(1)),
    "平米": ("平方米", Decimal(1)),
    "平方千米": ("平方公里", Decimal(1)),
}
for _word in (
    "个 次 人 人次 户 户次 件 件次 家 家次 项 场 场次 篇 份 台 套 所 座 处 间 栋 幢 宗 批 批次 期 期次 "
    "条 张 本 册 部 辆 艘 架 架次 株 棵 头 只 起 例 课时 学时 班 班次 类 种 门 床 名 位 支 队 组 村 "
    "吨 亩 公顷 平方米 平方公里 立方米 小时 分钟 秒 周 年 分 万元 亿元"
).split():
    _UNITS.setdefault(_word, (_word, Decimal(1)))
_UNITS["万元"] = ("元", Decimal(10000))
_UNITS["亿元"] = ("元", Decimal(100000000))

_MULTIPLIERS = {"万": Decimal(10000), "亿": Decimal(100000000)}
_RISKY_BASES = {"%", "百分点", "元"}

_UNIT_ALT = "|".join(re.escape(u) for u in sorted(_UNITS, key=len, reverse=True))
_TOKEN = re.compile(
    r"(?<![A-Za-z0-9._])(?P<sign>[-+]\s*)?"
    r"(?P<num>[0-9]{1,3}(?:,[0-9]{3})+(?![0-9])|[0-9]+)(?P<frac>\.[0-9]+)?"
    rf"(?P<unit>\s*(?:[万亿]?(?:{_UNIT_ALT})|[万亿]))?"
)

_POST = (
    ("及以上", Comparator.GE),
    ("或以上", Comparator.GE),
    ("以上", Comparator.GE),
    ("之上", Comparator.GE),
    ("及以下", Comparator.LE),
    ("或以下", Comparator.LE),
    ("以下", Comparator.LE),
    ("之下", Comparator.LE),
    ("以内", Comparator.LE),
    ("之内", Comparator.LE),
    ("内", Comparator.LE),
)
_POST_APPROX = ("左右", "上下")
_PRE_STRONG = {
    "≥": Comparator.GE, "≤": Comparator.LE, ">": Comparator.GT, "<": Comparator.LT,
    "不低于": Comparator.GE, "不少于": Comparator.GE, "不小于": Comparator.GE, "不差于": Comparator.GE,
    "大于等于": Comparator.GE, "大于或等于": Comparator.GE, "高于或等于": Comparator.GE,
    "至少": Comparator.GE, "最少": Comparator.GE, "最低": Comparator.GE,
    "不高于": Comparator.LE, "不超过": Comparator.LE, "不大于": Comparator.LE, "不多于": Comparator.LE,
    "小于等于": Comparator.LE, "小于或等于": Comparator.LE, "低于或等于": Comparator.LE,
    "最多": Comparator.LE, "最高": Comparator.LE,
    "大于": Comparator.GT, "高于": Comparator.GT, "超过": Comparator.GT, "多于": Comparator.GT,
    "小于": Comparator.LT, "低于": Comparator.LT, "少于": Comparator.LT, "不足": Comparator.LT,
}
_PRE_WEAK = {"达到": Comparator.GE, "达": Comparator.GE, "控制在": Comparator.LE, "=": Comparator.EQ, "等于": Comparator.EQ}
_PRE_WORDS = sorted([*_PRE_STRONG, *_PRE_WEAK], key=len, reverse=True)
_PRE_APPROX = ("大约", "大概", "接近", "将近", "约")
_FILLERS = ("为", "是", "了", "在", ":", "保持")
_BOUNDARIES = set(",;。、!?()[]【】{}\n") | {_PLACEHOLDER}
_SEPARATORS = set(" -~+/")
_JOINERS = ("及", "或", "和", "与", "且", "至", "到", "以", "余", "多")

_UP_WORDS = ("增长", "增加", "上升", "提高", "提升", "增幅", "涨幅", "增速", "增")
_DOWN_WORDS = ("下降", "减少", "降低", "降幅", "减幅", "下滑", "回落", "降", "减")
_ENDINGS = sorted([(w, 1) for w in _UP_WORDS] + [(w, -1) for w in _DOWN_WORDS], key=lambda p: -len(p[0]))
_CHANGE = re.compile(r"(?:增长|增加|上升|提高|提升|增幅|涨幅|增速|下降|减少|降低|降幅|减幅|下滑|回落|同比|环比)(?![至到])")

_LAST_YEAR = r"(?:上一?年度?|去年|往年|同期)(?:同期)?"
_RELATIVE = [
    (re.compile(r"持平或(?:略有|有所|稳步|小幅)?(?:增长|增加|上升|提高|提升)"), Comparator.GE),
    (re.compile(r"持平或(?:略有|有所|稳步|小幅)?(?:下降|减少|降低)"), Comparator.LE),
    (re.compile(rf"不(?:低于|少于|小于|差于){_LAST_YEAR}"), Comparator.GE),
    (re.compile(rf"不(?:高于|超过|大于|多于){_LAST_YEAR}"), Comparator.LE),
    (re.compile(r"不(?:下降|减少|降低|下滑)(?![率至到])|只增不减"), Comparator.GE),
    (re.compile(r"不(?:增长|增加|上升)(?![率至到])"), Comparator.LE),
    (re.compile(rf"(?:达到|保持|维持){_LAST_YEAR}水平"), Comparator.GE),
    (re.compile(rf"(?:与|和|同|较|比)?{_LAST_YEAR}(?:相比)?(?:基本)?持平|^(?:基本)?持平$"), Comparator.GE),
    (re.compile(rf"(?:高于|超过|大于|多于){_LAST_YEAR}"), Comparator.GT),
    (re.compile(rf"(?:低于|少于|小于){_LAST_YEAR}"), Comparator.LT),
    (
        re.compile(
            rf"(?:(?:较|比){_LAST_YEAR}|同比|环比|逐年|有所|略有|稳步|持续|不断|大幅|明显)"
            r"(?:有所|略有|稳步|持续|逐步)?(?:增长|增加|上升|提高|提升)(?![率至到])"
        ),
        Comparator.GT,
    ),
    (
        re.compile(
            rf"(?:(?:较|比){_LAST_YEAR}|同比|环比|逐年|有所|略有|稳步|持续|不断|大幅|明显)"
            r"(?:有所|略有|稳步|持续|逐步)?(?:下降|减少|降低)(?![率至到])"
        ),
        Comparator.LT,
    ),
    (re.compile(r"^(?:增长|增加|上升)$"), Comparator.GT),
    (re.compile(r"^(?:下降|减少|降低)$"), Comparator.LT),
]


def _is_word_char(ch: str) -> bool:
    return ch.isascii() and ch.isalpha() or "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"


@dataclass(frozen=True)
class _Token:
    """A number found in text, before it is interpreted."""

    start: int
    end: int
    value: Decimal
    unit: str
    amount: str
    post: Comparator | None
    approx: bool


def _tokens(masked: str) -> list[_Token]:
    """The numbers in `masked` that are quantities (not ordinals, codes, names or fractions)."""
    found: list[_Token] = []
    prev_end = 0
    for m in _TOKEN.finditer(masked):
        num = m.group("num").replace(",", "")
        if len(num) > 30:
            continue
        start = m.start("num")
        unit = (m.group("unit") or "").strip()
        before = masked[: m.start()].rstrip()
        if before.endswith("第") or masked[m.start() - 1 : m.start()] == "/":
            continue
        if not unit:
            nxt = masked[m.end("num") + len(m.group("frac") or "") :]
            if nxt[:1] == "/" or (nxt[:1].isascii() and nxt[:1].isalpha()):
                continue
            if nxt[:1] and _is_word_char(nxt[:1]) and not _continues(nxt):
                continue
        value = Decimal(num + (m.group("frac") or ""))
        sign = (m.group("sign") or "").strip()
        if sign and found and masked[prev_end : m.start()].strip() == "":
            sign = ""
        if sign == "-":
            value = -value
        post, approx, end = _post_word(masked, m.end())
        amount = sign + masked[start : m.end()].replace(" ", "")
        found.append(_Token(m.start(), end, value, unit, amount, post, approx))
        prev_end = end
    return found


def _continues(rest: str) -> bool:
    """Whether the text after a bare number is a comparator or a joiner, not a name."""
    rest = rest.lstrip()
    return any(rest.startswith(w) for w, _ in _POST) or rest.startswith(_POST_APPROX + _JOINERS)


_INCLUSIVE = re.compile(r"\s*\((?:含|含本数)?\)")


def _post_word(text: str, pos: int) -> tuple[Comparator | None, bool, int]:
    """A comparator or 左右 right after a number ("95%以上", "95%(含)以上")."""
    skip = _INCLUSIVE.match(text, pos)
    rest_at = skip.end() if skip else pos
    rest = text[rest_at:].lstrip()
    offset = len(text) - len(rest)
    for word, comparator in _POST:
        if rest.startswith(word):
            end = offset + len(word)
            tail = _INCLUSIVE.match(text, end)
            return comparator, False, tail.end() if tail else end
    for word in _POST_APPROX:
        if rest.startswith(word):
            return None, True, offset + len(word)
    return None, False, pos


@dataclass(frozen=True)
class _Label:
    """The words in front of a number, read from the number backwards."""

    start: int
    clean: str
    pre: str
    approx: bool


def _label(masked: str, original: str, clause_start: int, number_start: int) -> _Label:
    """The clause text before a number, and the comparator written right before it."""
    start = clause_start
    for i in range(number_start - 1, clause_start - 1, -1):
        if masked[i] in _BOUNDARIES:
            start = i + 1
            break
    while start < number_start and masked[start] in _SEPARATORS:
        start += 1
    raw = original[start:number_start]
    rest = raw.rstrip()
    pre = ""
    approx = False
    for _ in range(6):
        word = next((w for w in _PRE_WORDS if rest.endswith(w)), None)
        if word and not pre:
            pre, rest = word, rest[: -len(word)].rstrip()
            continue
        word = next((w for w in _PRE_APPROX if rest.endswith(w)), None)
        if word:
            approx, rest = True, rest[: -len(word)].rstrip()
            continue
        word = next((w for w in _FILLERS if rest.endswith(w)), None)
        if word:
            rest = rest[: -len(word)].rstrip()
            continue
        break
    return _Label(start, rest.strip(" :"), pre, approx)


def _direction(label: str) -> int:
    """+1 when a label ends in a word of increase (增长), -1 of decrease (下降), else 0."""
    for word, sign in _ENDINGS:
        if label.endswith(word):
            return sign
    return 0


def _as_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    return str(value)


@dataclass(frozen=True)
class _Cell:
    """A cell's text, normalized, with dates blanked out; `blank` is EMPTY/NONE or None."""

    shown: str
    norm: str
    masked: str
    had_date: bool
    blank: Kind | None


def _read(value: object) -> _Cell:
    shown = _as_text(value).strip()
    norm = _normalize(value)
    blank = Kind.EMPTY if not norm else Kind.NONE if norm in _NONE_MARKS else None
    masked, had_date = _mask(norm, _DATES)
    return _Cell(shown, norm, masked, had_date, blank)


_BLANK_NOTES = {Kind.EMPTY: "为空", Kind.NONE: "为“无”"}


# ---------------------------------------------------------------------------------------
# Expected values


def parse_target(text: object) -> Target:
    """Read an expected value (评价年度预期值). Never raises; unreadable text is QUALITATIVE."""
    cell = _read(text)
    shown, norm, masked = cell.shown, cell.norm, cell.masked
    if cell.blank:
        return Target(shown, cell.blank, note=_BLANK_NOTES[cell.blank])
    tokens = _tokens(masked)
    if not tokens:
        return _relative_without_number(shown, masked, cell.had_date)
    if len(tokens) > 1:
        return Target(shown, Kind.QUALITATIVE, note="含多个数值")
    token = tokens[0]
    label = _label(masked, norm, 0, token.start)
    if token.approx or label.approx:
        return Target(shown, Kind.QUALITATIVE, note="为约数")
    comparator = _combine(label.pre, token.post)
    if comparator is None:
        return Target(shown, Kind.QUALITATIVE, note="的比较关系不明确")
    about_change = bool(_CHANGE.search(label.clean))
    sign = _direction(label.clean)
    if sign:
        value = token.value if sign > 0 else -abs(token.value)
        comparator = comparator if sign > 0 else comparator.flipped()
        return Target(
            shown, Kind.RELATIVE, comparator, value, token.unit, token.amount, label.clean, True
        )
    return Target(
        shown, Kind.NUMERIC, comparator, token.value, token.unit, token.amount, label.clean, about_change
    )


def _relative_without_number(shown: str, masked: str, had_date: bool) -> Target:
    compact = masked.replace(" ", "")
    for pattern, comparator in _RELATIVE:
        if pattern.search(compact):
            return Target(shown, Kind.RELATIVE, comparator, Decimal(0), "", "0", "", True)
    if had_date:
        return Target(shown, Kind.QUALITATIVE, note="为时间节点")
    return Target(shown, Kind.QUALITATIVE, note="为定性描述")


def _combine(pre: str, post: Comparator | None) -> Comparator | None:
    """The comparator from the words before and after a number; None when they disagree."""
    if pre in _PRE_STRONG:
        strong = _PRE_STRONG[pre]
        if post is None or post.upward == strong.upward:
            return strong
        return None
    if post is not None:
        return post
    if pre in _PRE_WEAK:
        return _PRE_WEAK[pre]
    return Comparator.GE


# ---------------------------------------------------------------------------------------
# Actual values


def parse_actual(text: object) -> Actual:
    """Read an actual value (评价年度实现值): every labelled number in it. Never raises."""
    cell = _read(text)
    shown, norm, masked = cell.shown, cell.norm, cell.masked
    if cell.blank:
        return Actual(shown, cell.blank, note=_BLANK_NOTES[cell.blank])
    outside, _ = _mask(masked, _PARENS)
    tokens = _tokens(outside) or _tokens(masked)
    if not tokens:
        note = "只有时间，没有可比较的数值" if cell.had_date else "为定性描述"
        return Actual(shown, Kind.QUALITATIVE, note=note)
    quantities = []
    clause_start = 0
    for token in tokens:
        label = _label(masked, norm, clause_start, token.start)
        bound = token.post
        if label.pre in _PRE_STRONG:
            bound = _PRE_STRONG[label.pre]
        value = token.value
        sign = _direction(label.clean)
        if sign < 0:
            value = -abs(value)
            bound = bound.flipped() if bound else None
        quantities.append(
            Quantity(
                text=norm[label.start : token.end].strip(),
                label=label.clean,
                value=value,
                unit=token.unit,
                amount=token.amount,
                change=bool(_CHANGE.search(label.clean)) or sign != 0,
                bound=bound,
            )
        )
        clause_start = token.end
    return Actual(shown, Kind.NUMERIC, tuple(quantities))


# ---------------------------------------------------------------------------------------
# Judging

_VERBS = {
    (Comparator.GE, True): "不低于",
    (Comparator.GE, False): "低于",
    (Comparator.GT, True): "高于",
    (Comparator.GT, False): "不高于",
    (Comparator.LE, True): "不高于",
    (Comparator.LE, False): "高于",
    (Comparator.LT, True): "低于",
    (Comparator.LT, False): "不低于",
    (Comparator.EQ, True): "等于",
    (Comparator.EQ, False): "不等于",
}


@dataclass(frozen=True)
class _Outcome:
    """The judgement of one quantity: a status, a ratio, and the words for the reason."""

    status: Status
    ratio: Decimal | None
    verb: str = ""
    problem: str = ""


def judge(actual: object, target: object) -> Judgement:
    """Whether the actual value meets the expected value. Never raises.

    MET or NOT_MET only when every number could be compared safely; otherwise REVIEW with
    a reason naming what a person has to look at.

    Judgements are remembered by (actual, target), types included (1, 1.0 and True read
    differently): checks, scoring and the report each judge the same rows, and a
    Judgement is immutable, so sharing one is safe. `judge.cache_clear()` forgets them.
    """
    try:
        hash(actual)
        hash(target)
    except TypeError:
        return _judge(actual, target)
    return _remembered(actual, target)


def _judge(actual: object, target: object) -> Judgement:
    t = parse_target(target)
    a = parse_actual(actual)
    inverted = t.inverted

    def review(reason: str) -> Judgement:
        return Judgement(Status.REVIEW, reason, None, t, a, inverted)

    if t.kind is Kind.EMPTY and a.kind is Kind.EMPTY:
        return review("预期值和实现值均为空，请填写评价年度预期值和实现值")
    if t.kind is Kind.EMPTY:
        return review("预期值为空，无法判断是否完成，请填写评价年度预期值")
    if a.kind is Kind.EMPTY:
        return review("实现值为空，无法判断是否完成，请填写评价年度实现值")
    if t.kind is Kind.NONE:
        return review("预期值为“无”，没有可比较的目标，需人工判断")
    if t.kind is Kind.QUALITATIVE:
        return review(f"预期值“{t.text}”{t.note}，需人工判断")
    if a.kind is Kind.NONE:
        return review("实现值为“无”，需人工判断")
    if a.kind is Kind.QUALITATIVE:
        return review(f"实现值“{a.text}”{a.note}，无法与预期值{_shown(t)}比较，需人工判断")

    quantities = _relevant(t, a.quantities)
    if not quantities:
        if t.kind is Kind.RELATIVE:
            return review(
                f"实现值“{a.text}”没有写明较上年的变化幅度（如“增长5%”），"
                f"无法与预期值{_shown(t)}比较，需人工判断"
            )
        return review(f"实现值“{a.text}”是变化幅度，而预期值{_shown(t)}是绝对值，需人工判断")

    outcomes = [_judge_one(q, t) for q in quantities]
    return Judgement(_overall(outcomes), _reason(t, quantities, outcomes), _min_ratio(outcomes), t, a, inverted)


_remembered = functools.lru_cache(maxsize=4096, typed=True)(_judge)
judge.cache_clear = _remembered.cache_clear  # type: ignore[attr-defined]


def _relevant(t: Target, quantities: tuple[Quantity, ...]) -> list[Quantity]:
    """The numbers of an actual that speak to this kind of expectation."""
    if t.kind is Kind.RELATIVE:
        return [q for q in quantities if q.change or q.label == ""]
    if t.about_change:
        return [q for q in quantities if q.change] or list(quantities)
    return [q for q in quantities if not q.change]


def _shown(t: Target) -> str:
    if t.kind is Kind.RELATIVE:
        return f"“{t.text}”（变化幅度{t.comparator.value}{_plain(t.value)}{t.unit}）"
    if t.kind is Kind.NUMERIC:
        return t.amount
    return f"“{t.text}”"


def _plain(value: Decimal | None) -> str:
    return "" if value is None else f"{value:f}"


def _scale(unit: str) -> tuple[str, Decimal]:
    """A written unit as (base unit, factor): "万元" -> ("元", 10000), "" -> ("", 1)."""
    factor = Decimal(1)
    if unit[:1] in _MULTIPLIERS and unit not in _UNITS:
        factor, unit = _MULTIPLIERS[unit[0]], unit[1:]
    base, more = _UNITS.get(unit, (unit, Decimal(1)))
    return base, factor * more


def _in_common_unit(q: Quantity, t: Target) -> tuple[Decimal, Decimal] | str:
    """(actual, target) in one unit, or the Chinese words for why they cannot be compared."""
    if t.kind is Kind.RELATIVE and t.value == 0 and t.unit == "":
        return q.value, Decimal(0)
    t_base, t_factor = _scale(t.unit)
    q_base, q_factor = _scale(q.unit)
    if t_base != q_base:
        if q_base == "" and t_base in _RISKY_BASES:
            return f"实现值{q.text}未写单位，而预期值{t.amount}以“{t.unit}”为单位"
        if t_base == "" and q_base in _RISKY_BASES:
            return f"预期值{t.amount}未写单位，而实现值{q.text}以“{q.unit}”为单位"
        if q_base and t_base:
            return f"实现值{q.text}与预期值{t.amount}的单位不一致"
    return q.value * q_factor, t.value * t_factor


def _judge_one(q: Quantity, t: Target) -> _Outcome:
    values = _in_common_unit(q, t)
    if isinstance(values, str):
        return _Outcome(Status.REVIEW, None, problem=values)
    actual, target = values
    comparator = t.comparator
    if q.bound is None:
        met = comparator.holds(actual, target)
        ratio = None if t.kind is Kind.RELATIVE and target == 0 else _ratio(comparator, actual, target)
        return _Outcome(Status.MET if met else Status.NOT_MET, ratio, _VERBS[comparator, met])
    status = _with_bound(comparator, target, actual, q.bound)
    if status is Status.REVIEW:
        return _Outcome(status, None, problem=f"实现值{q.text}不能确定是否满足预期值{_shown(t)}")
    met = status is Status.MET
    ratio = None
    if met and not (t.kind is Kind.RELATIVE and target == 0):
        ratio = _ratio(comparator, actual, target)
    return _Outcome(status, ratio, _VERBS[comparator, met])


def _with_bound(comparator: Comparator, target: Decimal, v: Decimal, bound: Comparator) -> Status:
    """Judge an actual known only as a bound (≥v, >v, ≤v, <v): decided, or REVIEW."""
    if bound is Comparator.EQ:
        return Status.MET if comparator.holds(v, target) else Status.NOT_MET
    strict = bound in (Comparator.GT, Comparator.LT)
    if bound.upward:
        if comparator.upward and (comparator.holds(v, target) or (strict and v == target)):
            return Status.MET
        if comparator is Comparator.LE and (v > target or (strict and v == target)):
            return Status.NOT_MET
        if comparator is Comparator.LT and v >= target:
            return Status.NOT_MET
        if comparator is Comparator.EQ and (v > target or (strict and v == target)):
            return Status.NOT_MET
        return Status.REVIEW
    if comparator.downward and (comparator.holds(v, target) or (strict and v == target)):
        return Status.MET
    if comparator is Comparator.GE and (v < target or (strict and v == target)):
        return Status.NOT_MET
    if comparator is Comparator.GT and v <= target:
        return Status.NOT_MET
    if comparator is Comparator.EQ and (v < target or (strict and v == target)):
        return Status.NOT_MET
    return Status.REVIEW


def _ratio(comparator: Comparator, actual: Decimal, target: Decimal) -> Decimal | None:
    """The achievement ratio for points (see the module notes); never negative."""
    try:
        if comparator.downward:
            if target < 0:
                return max(actual / target, Decimal(0))
            if actual <= 0:
                return Decimal(1)
            return target / actual
        if target <= 0:
            return None
        return max(actual / target, Decimal(0))
    except (ArithmeticError, DecimalException):
        return None


def _overall(outcomes: list[_Outcome]) -> Status:
    statuses = {o.status for o in outcomes}
    if Status.NOT_MET in statuses:
        return Status.NOT_MET
    if Status.REVIEW in statuses:
        return Status.REVIEW
    return Status.MET


def _min_ratio(outcomes: list[_Outcome]) -> Decimal | None:
    ratios = [o.ratio for o in outcomes]
    if any(r is None for r in ratios):
        return None
    return min(ratios)


def _reason(t: Target, quantities: list[Quantity], outcomes: list[_Outcome]) -> str:
    """实现值99.16%不低于预期值95%，已完成 — naming every value that was compared."""
    status = _overall(outcomes)
    shown = f"预期值{_shown(t)}"
    decided = [(q, o) for q, o in zip(quantities, outcomes) if o.status is not Status.REVIEW]
    problems = [o.problem for o in outcomes if o.status is Status.REVIEW]
    verbs = {o.verb for _, o in decided}
    if decided and not problems and len(verbs) == 1:
        names = "、".join(q.text for q, _ in decided)
        both = "均" if len(decided) > 1 else ""
        parts = [f"实现值{names}{both}{verbs.pop()}{shown}"]
    else:
        parts = [f"实现值{q.text}{o.verb}{shown}" for q, o in decided]
        parts += problems
    return "；".join(parts) + "，" + (status.value if status is not Status.REVIEW else "需人工判断")
