"""Expected and actual values of an indicator (评价年度预期值 / 评价年度实现值), and whether
the actual meets the expectation.

People write expectations in many ways: "≥95%", "95%以上", "不低于95%", "控制在90万元以内",
"持平或略有增长", "无安全事故", "按时完成". `parse_target` reads the forms that can be
compared with a number; `parse_actual` reads the numbers an actual value states, each with
its label ("大厅办件量增长1.12%，热线增长率117.8%" holds two). `judge(actual, target,
basis)` compares them and says, in Chinese, what it compared. What cannot be read safely
is never guessed: the judgement is REVIEW (需人工判断) with the reason. docs/targets.md
holds the rules for users; the choices a reader of a judgement should know:

- The direction of a number written without one ("100万元", "5个工作日", "100%") comes
  from `basis`: a direction given outright, or the indicator's sub-category (成本指标: a
  ceiling; 时效指标: a duration is a ceiling, a percentage a floor; 数量/质量/满意度: a
  floor; 效益: a floor for a percentage or a count). Without a basis a percentage or a
  count is a floor, as before. Anywhere else the direction is unknown and a person
  judges; the reason says when the direction came from the sub-category. A direction
  written in the text always wins over the sub-category. The indicator's name (or the
  words before the number) can only veto it: 投诉率 "1%" under 质量指标 goes to a person.
- A bare zero ("0起", "0%") and the words for "none of a bad thing" ("零事故", "无安全事故",
  "杜绝安全事故") are "at most 0": nobody sets a floor of zero. Against them an actual of
  "无", "未发生" or "无事故" counts as 0.
- "以上"/"以下"/"以内" include the number.
- Units are compared only when they agree, after converting % and ‰, 万/亿 multiples
  (万元 vs 元, 万人次 vs 人次), 天 vs 日, 公里/厘米/毫米 vs 米, 公斤 vs 克. A number written without
  a unit takes the other side's unit when that is a count or a duration (个, 次, 人, 天 ...),
  because people often leave counts bare; against %, ‰, 百分点 or money a missing unit is
  too risky (99.16 vs 0.9916, 元 vs 万元) and gives REVIEW.
- Relative expectations (持平或略有增长, 较上年增长, 不低于上年, 有所下降 ...) are growth
  thresholds (≥0, >0, <0, or "增长5%以上" = growth ≥ 5%). The actual must then state a
  change: a number whose label says so (增长, 下降, 增长率, 同比 ...; 下降/减少/降低 make it
  negative) or written with a sign ("+1.12%", "-2%"). A level ("95%", "1200件") says
  nothing of last year and gives REVIEW. Conversely, a change ("增长1%") is not compared
  with a level expectation ("≥95%").
- Dates ("2020年", "12月底", "2020-12-31") are never numbers; an expectation that is only a
  date ("12月底前") is a time node and goes to a person.
- An actual that carries a comparison ("≥266米", "不超过5%", "98%以上") is a target copied
  into the actual column, not a measurement: that number is refused (REVIEW, the reason
  names the sign or word). `copied_target` says so for the check IND012, which also
  names an actual identical to a target written as a target ("持平或略有增长").
- Several numbers in one actual: MET only when every one meets the expectation; one that
  misses makes NOT_MET even while another waits for a person. Numbers in parentheses
  (usually the counts behind a rate) are read only when nothing outside them is a number.
- ratio (for points): actual/target for ≥, > and =; target/actual for ≤ and <, where an
  actual of 0 (or below) against a ≤ target gives 1 (fully met, no division by zero).
  Never negative; None when the target is 0 (or negative) for ≥, when comparing against a
  zero-growth expectation, or when anything is left to a person. For a negative threshold
  ("下降5%以上": change ≤ -5%) the ratio is actual/target, the achieved share of the fall.
  Several values: the smallest ratio, or None if any is None.

For a workbook's helper cells, `understand(target, actual, basis, name)` gives in one call what
the engine understood of a row: the direction (≥ ≤ = > <, or None with the reason), the
threshold in a canonical unit (元 for 万元, 人次 for 万人次, % for ‰, 天 for 日) and that
unit, whether it is a change on last year, the actual's numbers in the same unit (or why
there are none), and the engine's verdict, ratio and reason, which a formula over those
cells must reproduce.
"""

from __future__ import annotations

import dataclasses
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
    "Basis",
    "Understood",
    "parse_target",
    "parse_actual",
    "read_basis",
    "judge",
    "understand",
    "copied_target",
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
    to the change. `note` says why an expectation cannot be compared automatically; a
    NUMERIC target whose direction stays unknown has no `comparator` and says why in `note`.
    `written` is False when no comparison was written ("100万元"); `basis_note` then says
    where the direction came from ("预期值未写比较方向，按成本指标视为上限").
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
    basis_note: str = ""
    written: bool = True

    @property
    def inverted(self) -> bool:
        """True for ≤ and < expectations (lower is better)."""
        return self.comparator is not None and self.comparator.downward


@dataclass(frozen=True)
class Quantity:
    """One number stated in an actual value, with its label.

    `value` is signed: "下降2%" is -2. `change` is True when the label says the number is a
    change (增长, 下降, 增长率, 同比 ...). `bound` is set when the actual itself is written as
    a bound ("98%以上": actual ≥ 98), and `bound_word` is how ("以上", "≥"); such an actual is
    a target copied into the actual column, and the judge refuses it.
    """

    text: str
    label: str
    value: Decimal
    unit: str
    amount: str
    change: bool = False
    bound: Comparator | None = None
    bound_word: str = ""

    @property
    def signed(self) -> bool:
        """Written with an explicit + or - ("-5%", "+3个"): a change, not a level."""
        return self.amount[:1] in ("+", "-")


@dataclass(frozen=True)
class Actual:
    """An actual value (评价年度实现值) as read: its numbers, or why there are none."""

    text: str
    kind: Kind
    quantities: tuple[Quantity, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class Judgement:
    """Whether an actual value meets its expectation, and why (in Chinese).

    `threshold` and `compared` are the target's number and the actual's numbers in one unit
    (`unit`, see `understand`), set when every number of the actual was compared.
    """

    status: Status
    reason: str
    ratio: Decimal | None
    target: Target
    actual: Actual
    inverted: bool
    threshold: Decimal | None = None
    compared: tuple[Decimal, ...] = ()
    unit: str = ""


# ---------------------------------------------------------------------------------------
# Reading text

_PLACEHOLDER = "\x00"
_NONE_MARKS = {"无", "/", "-", "--", "—", "——", "不适用", "暂无", "无此项", "n/a", "N/A", "NA"}
_CHAR_MAP = str.maketrans({"≧": "≥", "≦": "≤", "⩾": "≥", "⩽": "≤", "═": "=", "−": "-", "﹣": "-", "\u3000": " "})
"""Look-alike signs as people's fonts give them; “═” (a box-drawing line) stands for “=” on
published Yunnan forms (永德县 2022)."""
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
    "厘米": ("米", Decimal("0.01")),
    "毫米": ("米", Decimal("0.001")),
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
    post_word: str = ""


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
        post, approx, end, word = _post_word(masked, m.end())
        amount = sign + masked[start : m.end()].replace(" ", "")
        found.append(_Token(m.start(), end, value, unit, amount, post, approx, word))
        prev_end = end
    return found


def _continues(rest: str) -> bool:
    """Whether the text after a bare number is a comparator or a joiner, not a name."""
    rest = rest.lstrip()
    return any(rest.startswith(w) for w, _ in _POST) or rest.startswith(_POST_APPROX + _JOINERS)


_INCLUSIVE = re.compile(r"\s*\((?:含|含本数)?\)")


def _post_word(text: str, pos: int) -> tuple[Comparator | None, bool, int, str]:
    """A comparator or 左右 right after a number ("95%以上", "95%(含)以上"), and the word."""
    skip = _INCLUSIVE.match(text, pos)
    rest_at = skip.end() if skip else pos
    rest = text[rest_at:].lstrip()
    offset = len(text) - len(rest)
    for word, comparator in _POST:
        if rest.startswith(word):
            end = offset + len(word)
            tail = _INCLUSIVE.match(text, end)
            return comparator, False, tail.end() if tail else end, word
    for word in _POST_APPROX:
        if rest.startswith(word):
            return None, True, offset + len(word), word
    return None, False, pos, ""


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


def parse_target(text: object, basis: object = None, name: str = "") -> Target:
    """Read an expected value (评价年度预期值). Never raises; unreadable text is QUALITATIVE.

    `basis` (the indicator's sub-category, or a direction given outright, see `read_basis`)
    decides the direction of a number written without one; without it such a number is
    a floor when it is a percentage or a count, and unknown when it is money or a duration.
    `name` (指标名称) only vetoes that direction when it names something better low
    (投诉率 under 质量指标) or better high (节约资金 under 成本指标).
    """
    return _directed(_written_target(text), read_basis(basis), name if isinstance(name, str) else "")


def _written_target(text: object) -> Target:
    """The target as written, before any basis: a bare number has no comparator yet."""
    cell = _read(text)
    shown, norm, masked = cell.shown, cell.norm, cell.masked
    if cell.blank:
        return Target(shown, cell.blank, note=_BLANK_NOTES[cell.blank])
    tokens = _tokens(masked)
    if not tokens:
        return _without_number(shown, masked, cell.had_date)
    if len(tokens) > 1:
        return Target(shown, Kind.QUALITATIVE, note="含多个数值")
    token = tokens[0]
    label = _label(masked, norm, 0, token.start)
    if token.approx or label.approx:
        return Target(shown, Kind.QUALITATIVE, note="为约数")
    comparator = _combine(label.pre, token.post)
    if comparator is _CONFLICT:
        return Target(shown, Kind.QUALITATIVE, note="的比较关系不明确")
    about_change = bool(_CHANGE.search(label.clean))
    sign = _direction(label.clean)
    if sign:
        comparator = comparator or Comparator.GE
        value = token.value if sign > 0 else -abs(token.value)
        comparator = comparator if sign > 0 else comparator.flipped()
        return Target(
            shown, Kind.RELATIVE, comparator, value, token.unit, token.amount, label.clean, True
        )
    return Target(
        shown, Kind.NUMERIC, comparator, token.value, token.unit, token.amount, label.clean, about_change,
        written=comparator is not None,
    )


def _without_number(shown: str, masked: str, had_date: bool) -> Target:
    compact = masked.replace(" ", "")
    if _says_zero(compact):
        return Target(
            shown, Kind.NUMERIC, Comparator.LE, Decimal(0), "", f"“{shown}”", compact,
            basis_note=f"预期值“{shown}”即一次（一件）也不发生，视为不超过0",
        )
    for pattern, comparator in _RELATIVE:
        if pattern.search(compact):
            return Target(shown, Kind.RELATIVE, comparator, Decimal(0), "", "0", "", True)
    if had_date:
        return Target(shown, Kind.QUALITATIVE, note="为时间节点")
    return Target(shown, Kind.QUALITATIVE, note="为定性描述")


_CONFLICT = object()


def _combine(pre: str, post: Comparator | None):
    """The comparator from the words before and after a number: None when nothing is
    written, `_CONFLICT` when the words disagree."""
    if pre in _PRE_STRONG:
        strong = _PRE_STRONG[pre]
        if post is None or post.upward == strong.upward:
            return strong
        return _CONFLICT
    if post is not None:
        return post
    return _PRE_WEAK.get(pre)


# ---------------------------------------------------------------------------------------
# Zero targets: a count of bad things that must not happen (0起, 零事故, 无安全事故)

_BAD_THINGS = (
    "事故|投诉|差错|错误|失误|失职|违规|违纪|违法|违约|伤亡|死亡|伤害|上访|信访|纠纷|案件|隐患|"
    "泄露|泄密|拖欠|欠薪|返工|损失|超支|超标|逾期|延误|故障|缺陷|不合格|污染|火灾|舆情|处罚|问责|"
    "退件|漏报|瞒报|问题|挪用|截留|浪费|积压|差评|安全事件|突发事件|群体性事件|责任事件"
)
_ZERO_LEAD = r"(?:无|零|杜绝|未发生|不发生|没有发生|没有|未出现|不出现|避免发生|避免|未有)"
_ZERO_TAIL = r"(?:为零|零发生|清零|归零|未发生|不发生|没有发生|未出现|不出现)"
_ZERO_PHRASE = re.compile(
    rf"^[^,;。、!?且并]{{0,8}}?{_ZERO_LEAD}(?!法|需|须|从)[^,;。、!?且并]{{0,12}}?(?:{_BAD_THINGS})[^,;。、!?且并]{{0,6}}$"
    rf"|^[^,;。、!?且并]{{0,12}}?(?:{_BAD_THINGS})[^,;。、!?且并]{{0,6}}?{_ZERO_TAIL}$"
)
_ZERO_WORDS = {"无", "零", "没有", "未发生", "无发生", "零发生", "暂无", "未出现", "0"}


def _says_zero(compact: str) -> bool:
    """Whether a text without numbers says that none of a bad thing happens (零事故, 无投诉)."""
    return compact in _ZERO_WORDS or bool(_ZERO_PHRASE.search(compact))


_EVENT_UNITS = {"", "起", "次", "件", "例", "宗", "个", "人", "人次", "起次", "件次", "项", "条", "单", "家", "处", "批", "名"}
"""What a count of bad things is counted in: a zero phrase (无安全事故) is compared with these only."""


def _is_zero_phrase(t: Target) -> bool:
    """A zero target written in words (零事故, 无安全事故), as `_without_number` reads it."""
    return t.kind is Kind.NUMERIC and t.value == 0 and t.amount == f"“{t.text}”"


def _is_zero_target(t: Target) -> bool:
    return (
        t.kind is Kind.NUMERIC
        and t.comparator in (Comparator.LE, Comparator.EQ)
        and t.value == 0
        and not t.about_change
    )


# ---------------------------------------------------------------------------------------
# The direction of a bare number: given outright, or from the indicator's sub-category


@dataclass(frozen=True)
class Basis:
    """What decides the direction of a number written without one (the third argument).

    Either a direction given outright (`comparator`), or the indicator's sub-category
    (`group`: "upward" for 数量/质量/满意度, "timeliness", "cost" or "benefit"; `name` as
    shown in reasons). `problem` says why a given value is neither.
    """

    comparator: Comparator | None = None
    group: str = ""
    name: str = ""
    problem: str = ""


_SUB_GROUPS = {
    "数量": "upward", "质量": "upward", "时效": "timeliness", "成本": "cost",
    "经济效益": "benefit", "社会效益": "benefit", "环境效益": "benefit", "生态效益": "benefit",
    "可持续发展": "benefit", "可持续影响": "benefit",
    "服务对象或公众满意度": "upward", "服务对象满意度": "upward", "公众满意度": "upward", "满意度": "upward",
}
_SUB_NAMES = {
    "quantity": "数量指标", "quality": "质量指标", "timeliness": "时效指标", "cost": "成本指标",
    "economic": "经济效益指标", "social": "社会效益指标", "environmental": "环境效益指标",
    "ecological": "生态效益指标", "sustainability": "可持续发展指标", "sustainable": "可持续发展指标",
    "satisfaction": "服务对象或公众满意度",
}
_GIVEN_DIRECTIONS = {
    "≥": Comparator.GE, "≤": Comparator.LE, ">": Comparator.GT, "<": Comparator.LT, "=": Comparator.EQ,
    "上限": Comparator.LE, "下限": Comparator.GE, "以上": Comparator.GE, "以下": Comparator.LE,
    "不低于": Comparator.GE, "不少于": Comparator.GE, "不高于": Comparator.LE, "不超过": Comparator.LE,
    "越高越好": Comparator.GE, "越大越好": Comparator.GE, "越多越好": Comparator.GE,
    "越低越好": Comparator.LE, "越小越好": Comparator.LE, "越少越好": Comparator.LE,
    "等于": Comparator.EQ,
}


@functools.lru_cache(maxsize=256, typed=True)
def _basis_from_text(text: str) -> Basis:
    norm = _normalize(text).replace(" ", "")
    if norm in _GIVEN_DIRECTIONS:
        return Basis(comparator=_GIVEN_DIRECTIONS[norm])
    name = _SUB_NAMES.get(norm.lower(), norm)
    key = name[:-2] if name.endswith("指标") else name
    if key in _SUB_GROUPS:
        return Basis(group=_SUB_GROUPS[key], name=name if name.endswith(("指标", "满意度")) else name + "指标")
    return Basis(problem=f"“{text.strip()}”既不是比较方向（≥、≤、=），也不是指标子类（如 成本指标）")


def read_basis(value: object) -> Basis | None:
    """The third argument of `judge`: None or blank for none, a direction ("≥", "<=", "＞",
    "上限") or a sub-category (the model's SubCategory, "成本指标", "时效", "cost"). Never
    raises: a value that is neither gives a Basis whose `problem` says so."""
    if value is None or isinstance(value, Basis):
        return value
    if isinstance(value, Comparator):
        return Basis(comparator=value)
    text = getattr(value, "value", value)
    if not isinstance(text, str):
        return Basis(problem=f"“{_as_text(value)}”既不是比较方向（≥、≤、=），也不是指标子类（如 成本指标）")
    if not text.strip():
        return None
    return _basis_from_text(text)


_PERCENT_BASES = {"%", "百分点"}
_MONEY_BASES = {"元"}
_DURATION_BASES = {"天", "工作日", "月", "小时", "分钟", "秒", "周", "年"}


def _unit_kind(unit: str) -> str:
    """percent, money, duration, none (no unit) or count: what decides a bare number's direction."""
    base, _ = _scale(unit)
    if base in _PERCENT_BASES:
        return "percent"
    if base in _MONEY_BASES:
        return "money"
    if base in _DURATION_BASES:
        return "duration"
    return "none" if base == "" else "count"


# (group, unit kind) -> direction of a bare number; a missing pair leaves the direction unknown.
_BARE_DIRECTIONS: dict[tuple[str, str], Comparator] = {
    **{("upward", k): Comparator.GE for k in ("percent", "count", "none", "money")},
    **{("cost", k): Comparator.LE for k in ("money", "count", "none", "duration")},
    ("timeliness", "duration"): Comparator.LE,
    ("timeliness", "percent"): Comparator.GE,
    **{("benefit", k): Comparator.GE for k in ("percent", "count", "none")},
    **{("", k): Comparator.GE for k in ("percent", "count", "none")},
}
_UNKNOWN_WHY = {
    "": "金额或时长可能是上限也可能是下限",
    "upward": "{name}中的时长可能是上限（如办理时限）也可能是下限（如培训学时）",
    "cost": "成本指标中的百分比可能是上限（如超支率）也可能是下限（如节约率）",
    "timeliness": "时效指标中只有时长（视为上限）和百分比（如及时率，视为下限）能确定方向",
    "benefit": "{name}中的金额或时长可能是上限也可能是下限",
}
_LOWER_BETTER = re.compile(
    rf"{_BAD_THINGS}|发生率|结余|能耗|排放|时长|时限|用时|耗时|成本|费用|单价|价格|空置|闲置|流失|不满意"
)
_HIGHER_BETTER = re.compile(
    r"节约|节省|节支|收入|收益|增收|效益|覆盖|完成|达标|(?<!不)合格|(?<!不)满意|及时|到位|利用|回收|使用率|"
    r"整改|处理|处置|办结|解决|化解|查处|回复|响应|受理"
)


def _against(words: str, comparator: Comparator) -> str:
    """"越低越好" when `words` name only things better low while `comparator` is a floor,
    "越高越好" for the reverse; "" when they agree or say both (投诉办结率)."""
    lower, higher = bool(_LOWER_BETTER.search(words)), bool(_HIGHER_BETTER.search(words))
    if comparator.upward and lower and not higher:
        return "越低越好"
    if comparator.downward and higher and not lower:
        return "越高越好"
    return ""


def _directed(t: Target, basis: Basis | None, name: str = "") -> Target:
    """The target with the direction of a bare number decided, or its note saying why not."""
    if t.kind is not Kind.NUMERIC:
        return t
    given = basis.comparator if basis else None
    if t.written:
        if given and (given.upward and t.comparator.downward or given.downward and t.comparator.upward):
            note = f"写明了“{t.comparator.value}”，与指定的方向“{given.value}”相反"
            return dataclasses.replace(t, comparator=None, note=note, basis_note="")
        return t
    if basis and basis.problem:
        return dataclasses.replace(t, note=f"未写比较方向，而第三个参数{basis.problem}")
    if given:
        return dataclasses.replace(t, comparator=given, basis_note=f"预期值未写比较方向，按指定的方向视为“{given.value}”")
    if t.value == 0 and not t.about_change:
        return dataclasses.replace(t, comparator=Comparator.LE, basis_note="预期值为0且未写比较方向，视为不超过0")
    group, sub = (basis.group, basis.name) if basis else ("", "")
    comparator = _BARE_DIRECTIONS.get((group, _unit_kind(t.unit)))
    if comparator is None:
        why = _UNKNOWN_WHY[group].format(name=sub)
        return dataclasses.replace(t, note=f"未写比较方向，而{why}")
    for words, shown in ((t.label, f"“{t.label}”"), (name.strip(), f"指标“{name.strip()}”")):
        better = _against(words, comparator)
        if better:
            return dataclasses.replace(t, note=f"未写比较方向，而{shown}可能{better}")
    if not sub:
        return dataclasses.replace(t, comparator=comparator)
    bound = "上限" if comparator.downward else "下限"
    return dataclasses.replace(t, comparator=comparator, basis_note=f"预期值未写比较方向，按{sub}视为{bound}")


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
        bound, bound_word = token.post, token.post_word if token.post else ""
        if label.pre in _PRE_STRONG:
            bound, bound_word = _PRE_STRONG[label.pre], label.pre
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
                bound_word=bound_word,
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


def judge(actual: object, target: object, basis: object = None, name: str = "") -> Judgement:
    """Whether the actual value meets the expected value. Never raises.

    `basis` is the indicator's sub-category or a direction given outright (see
    `read_basis`); it decides only the direction of a target number written without one.
    `name`, the indicator's name, can only veto that direction (see `parse_target`).
    MET or NOT_MET only when every number could be compared safely; otherwise REVIEW with
    a reason naming what a person has to look at.

    Judgements are remembered by their arguments, types included (1, 1.0 and True
    read differently): checks, scoring and the report each judge the same rows, and a
    Judgement is immutable, so sharing one is safe. `judge.cache_clear()` forgets them.
    """
    try:
        hash(actual)
        hash(target)
        hash(basis)
        hash(name)
    except TypeError:
        return _judge(actual, target, basis, name)
    return _remembered(actual, target, basis, name)


def _judge(actual: object, target: object, basis: object = None, name: str = "") -> Judgement:
    t = parse_target(target, basis, name)
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
    if t.kind is Kind.QUALITATIVE or t.comparator is None:
        return review(f"预期值“{t.text}”{t.note}，需人工判断")
    if _is_zero_target(t) and a.kind in (Kind.NONE, Kind.QUALITATIVE) and _says_zero(_read(actual).masked.replace(" ", "")):
        zero = Quantity(text=f"“{a.text}”", label="", value=Decimal(0), unit=t.unit, amount=f"0{t.unit}")
        a = Actual(a.text, Kind.NUMERIC, (zero,))
    if a.kind is Kind.NONE:
        return review("实现值为“无”，需人工判断")
    if a.kind is Kind.QUALITATIVE:
        if _copies(a, t):
            return review(f"实现值“{a.text}”与预期值完全相同，{_NOT_MEASURED}，需人工判断")
        return review(f"实现值“{a.text}”{a.note}，无法与预期值{_shown(t)}比较，需人工判断")

    quantities = _relevant(t, a.quantities)
    if not quantities:
        bound = next((q for q in a.quantities if q.bound is not None), None)
        if bound is not None:
            return review(_refusal(bound) + "，需人工判断")
        if t.kind is Kind.RELATIVE:
            return review(
                f"实现值“{a.text}”没有写明较上年的变化幅度（如“增长5%”），"
                f"无法与预期值{_shown(t)}比较，需人工判断"
            )
        return review(f"实现值“{a.text}”是变化幅度，而预期值{_shown(t)}是绝对值，需人工判断")

    outcomes = [_judge_one(q, t) for q in quantities]
    status = _overall(outcomes)
    decided = all(o.status is not Status.REVIEW for o in outcomes)
    return Judgement(
        status,
        _reason(t, quantities, outcomes),
        _min_ratio(outcomes),
        t,
        a,
        inverted,
        threshold=_scaled(t.value, t.unit),
        compared=tuple(o.value for o in outcomes) if decided else (),
        unit=_common_unit(t, quantities),
    )


_remembered = functools.lru_cache(maxsize=4096, typed=True)(_judge)
judge.cache_clear = _remembered.cache_clear  # type: ignore[attr-defined]


_QUALIFIERS = re.compile(r"重特大|较大以上|一般以上|重大|较大|特大|严重|责任|有效|群体性|恶性|人为")
"""Words that narrow a zero target (无重大安全事故): a count of all accidents may not break it."""

_NOT_MEASURED = "是预期值的写法，不是实际达到的数值，请填写评价年度实际测得的数值"
_SIGNS = {"≥", "≤", ">", "<"}


def copied_target(actual: object, target: object, basis: object = None, name: str = "") -> str:
    """Why an actual value reads as a target rather than a measurement, or "".

    An actual that carries a comparison ("≥266米", "不超过5%", "95%以上", "3天内") is a
    bound, not a value: real forms copy the target into the actual column this way. So is
    an actual identical to a target that is not a plain value (a relative target such as
    "持平或略有增长", a range "90%-100%", an approximate "100%左右"); an actual identical to
    a plain value ("100%" for "100%", "按时完成" for "按时完成") is a normal result.
    The words name what gave it away: 带有比较符号“≥”, 带有比较用语“以上”, 与预期值完全相同.
    The values are read as `judge(actual, target, basis, name)` reads them (and remembered there).
    """
    j = judge(actual, target, basis, name)
    for q in j.actual.quantities:
        if q.bound is not None:
            kind = "符号" if q.bound_word in _SIGNS else "用语"
            return f"带有比较{kind}“{q.bound_word}”"
    if _copies(j.actual, j.target):
        return "与预期值完全相同"
    return ""


def _copies(a: Actual, t: Target) -> bool:
    """An actual identical to a target that is written as a target (relative, a range, about)."""
    if _normalize(a.text) != _normalize(t.text) or a.kind in (Kind.EMPTY, Kind.NONE):
        return False
    return t.kind is Kind.RELATIVE or t.note in ("含多个数值", "为约数", "的比较关系不明确")


@dataclass(frozen=True)
class Understood:
    """What the engine understood of one indicator row: what the workbook's helper cells hold.

    Target: `direction` ("≥", "≤", "=", ">", "<"; None when the target is qualitative or its
    direction unknown, `target_note` then says why), `threshold` in `unit`, `relative`
    when the threshold is a change on last year. `target_note` also says where a
    direction came from when it was not written ("预期值未写比较方向，按成本指标视为上限").
    Actual: `values`, the measured numbers in the same `unit` (empty when the engine did
    not compare every number; `actual_note` then says why). `status`, `ratio` and `reason`
    are the engine's judgement of the row, which a formula over these cells must match.
    """

    direction: str | None
    threshold: Decimal | None
    unit: str
    relative: bool
    target_note: str
    values: tuple[Decimal, ...]
    actual_note: str
    status: Status
    ratio: Decimal | None
    reason: str


def understand(target: object, actual: object = None, basis: object = None, name: str = "") -> Understood:
    """The target's direction, threshold and unit, and the actual's numbers in that unit.

    One call per indicator row, with the row's sub-category as `basis` and its name; the
    same reading as `judge(actual, target, basis, name)`, whose verdict it carries.
    """
    j = judge("" if actual is None else actual, target, basis, name)
    t = j.target
    direction = t.comparator.value if t.comparator and t.kind in (Kind.NUMERIC, Kind.RELATIVE) else None
    unit = j.unit or (_scale(t.unit)[0] if direction else "")
    values = j.compared if direction else ()
    return Understood(
        direction=direction,
        threshold=_scaled(t.value, t.unit) if direction else None,
        unit=unit,
        relative=t.kind is Kind.RELATIVE,
        target_note=t.basis_note if direction else t.note,
        values=values,
        actual_note="" if values else j.reason,
        status=j.status,
        ratio=j.ratio,
        reason=j.reason,
    )


def _relevant(t: Target, quantities: tuple[Quantity, ...]) -> list[Quantity]:
    """The numbers of an actual that speak to this kind of expectation.

    A target relative to last year needs a change: a number labelled as one (增长3%, 下降1个
    百分点) or written with a sign (-2%); a bare level (95%, 1200件) says nothing of last year.
    """
    if t.kind is Kind.RELATIVE:
        return [q for q in quantities if q.change or q.signed]
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


def _scaled(value: Decimal | None, unit: str) -> Decimal | None:
    """A number in its base unit: 8 万人次 -> 80000 (人次), 5 ‰ -> 0.5 (%)."""
    return None if value is None else value * _scale(unit)[1]


def _common_unit(t: Target, quantities: list[Quantity]) -> str:
    """The unit the threshold and the compared numbers are in: the target's, or else the actual's."""
    base = _scale(t.unit)[0]
    if base:
        return base
    bases = {_scale(q.unit)[0] for q in quantities}
    return bases.pop() if len(bases) == 1 else ""


def _in_common_unit(q: Quantity, t: Target) -> tuple[Decimal, Decimal] | str:
    """(actual, target) in one unit, or the Chinese words for why they cannot be compared."""
    t_base, t_factor = _scale(t.unit)
    q_base, q_factor = _scale(q.unit)
    if t.kind is Kind.RELATIVE and t.value == 0 and t.unit == "":
        return q.value * q_factor, Decimal(0)
    if t_base != q_base:
        if q_base == "" and t_base in _RISKY_BASES:
            return f"实现值{q.text}未写单位，而预期值{t.amount}以“{t.unit}”为单位"
        if t_base == "" and q_base in _RISKY_BASES:
            return f"预期值{t.amount}未写单位，而实现值{q.text}以“{q.unit}”为单位"
        if q_base and t_base:
            return f"实现值{q.text}与预期值{t.amount}的单位不一致"
    return q.value * q_factor, t.value * t_factor


@dataclass(frozen=True)
class _Outcome:
    """The judgement of one quantity: a status, a ratio, the actual in the common unit, and
    the words for the reason."""

    status: Status
    ratio: Decimal | None
    verb: str = ""
    problem: str = ""
    value: Decimal | None = None


def _refusal(q: Quantity) -> str:
    kind = "符号" if q.bound_word in _SIGNS else "用语"
    return f"实现值{q.text}带有比较{kind}“{q.bound_word}”，{_NOT_MEASURED}"


def _judge_one(q: Quantity, t: Target) -> _Outcome:
    if q.bound is not None:
        return _Outcome(Status.REVIEW, None, problem=_refusal(q))
    if _is_zero_phrase(t) and _scale(q.unit)[0] not in _EVENT_UNITS:
        return _Outcome(Status.REVIEW, None, problem=f"实现值{q.text}不是发生次数或件数，无法与预期值{t.amount}比较")
    values = _in_common_unit(q, t)
    if isinstance(values, str):
        return _Outcome(Status.REVIEW, None, problem=values)
    actual, target = values
    comparator = t.comparator
    met = comparator.holds(actual, target)
    if not met and _is_zero_target(t):
        narrower = [w for w in _QUALIFIERS.findall(_normalize(t.text)) if w not in q.text]
        if narrower:
            words = "、".join(f"“{w}”" for w in dict.fromkeys(narrower))
            return _Outcome(Status.REVIEW, None, problem=f"预期值只限{words}的情形，实现值{q.text}未写明是否属于此类")
    ratio = None if t.kind is Kind.RELATIVE and target == 0 else _ratio(comparator, actual, target)
    return _Outcome(Status.MET if met else Status.NOT_MET, ratio, _VERBS[comparator, met], value=actual)


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
    """实现值99.16%不低于预期值95%，已完成 — naming every value that was compared, after where
    the direction came from when it was not written."""
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
    if t.basis_note:
        parts.insert(0, t.basis_note)
    return "；".join(parts) + "，" + (status.value if status is not Status.REVIEW else "需人工判断")
