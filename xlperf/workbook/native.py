"""Native worksheet formulas (原生公式): the computations a spreadsheet does by itself.

Excel 2007 and later, WPS 表格 and LibreOffice Calc evaluate these alike, with no macro,
no Python and no add-in. Only the functions in `ALLOWED_FUNCTIONS` are used (listed, with
why each is safe, in docs/native-formulas.md; a test scans every formula of every
generated workbook against that list).

The builders here return formula text for given cell references; the layout decides where
the cells are. Nothing here knows a form: it knows how to read a target written in one of
the simple shapes, how to compare, and how to share points out to the cent as the scoring
engine does (`xlperf.engine.scoring._apportion`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

ALLOWED_FUNCTIONS: frozenset[str] = frozenset({
    "ABS", "AND", "AVERAGE", "COUNT", "COUNTA", "COUNTIF", "EXACT", "IF", "INDEX", "ISBLANK",
    "ISERROR", "ISNUMBER", "ISTEXT", "LEFT", "LEN", "MATCH", "MAX", "MID", "MIN", "MOD", "NOT",
    "OR", "RIGHT", "ROUND", "SEARCH", "FIND", "SUBSTITUTE", "SUM", "SUMIF", "SUMPRODUCT", "TEXT",
    "TRIM", "VALUE", "IFERROR", "INT", "DATE", "YEAR", "MONTH", "DAY", "ISODD", "CHAR", "CODE",
    "LOWER", "UPPER", "REPT", "ROWS", "COLUMNS", "ROW", "COLUMN",
})
"""Functions a native formula may call: Excel 2007's set, which WPS and LibreOffice share
with the same meaning (no _xlfn. function, no array-only function, no volatile one)."""

DIRECTIONS: tuple[str, ...] = ("≥", ">", "≤", "<", "=", "定性")
"""The direction of a target as the helper cells write it; 定性: a person judges."""

REVIEW = "需人工判断"
MET = "已完成"
NOT_MET = "未完成"

_FULL_WIDTH = [(chr(0xFF10 + d), str(d)) for d in range(10)] + [
    ("．", "."), ("％", "%"), ("＞", ">"), ("＜", "<"), ("＝", "="), ("≧", "≥"), ("≦", "≤"),
    ("\u3000", " "), (">=", "≥"), ("=>", "≥"), ("<=", "≤"), ("=<", "≤"),
]


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def normalized(ref: str) -> str:
    """The cell's text with full-width digits and signs made half-width, >= and <= written
    ≥ and ≤, and the blanks at both ends (and runs of blanks inside) trimmed."""
    expr = ref
    for old, new in _FULL_WIDTH:
        expr = f"SUBSTITUTE({expr},{_quote(old)},{_quote(new)})"
    return f"=TRIM({expr})"


PREFIXES: tuple[tuple[str, str], ...] = (
    ("不低于", "≥"), ("不少于", "≥"), ("不高于", "≤"), ("不超过", "≤"),
    ("≥", "≥"), ("≤", "≤"), (">", ">"), ("<", "<"), ("=", "="),
)
SUFFIXES: tuple[tuple[str, str], ...] = (("及以上", "≥"), ("以上", "≥"), ("以下", "≤"))
"""The shapes native formulas read: a prefix or a suffix around a number with an optional %."""


def prefix_length(norm: str) -> str:
    long_ = ",".join(f'LEFT({norm},3)={_quote(p)}' for p, _ in PREFIXES if len(p) == 3)
    short = ",".join(f'LEFT({norm},1)={_quote(p)}' for p, _ in PREFIXES if len(p) == 1)
    return f"=IF(OR({long_}),3,IF(OR({short}),1,0))"


def suffix_length(norm: str) -> str:
    return f'=IF(RIGHT({norm},3)="及以上",3,IF(OR(RIGHT({norm},2)="以上",RIGHT({norm},2)="以下"),2,0))'


def body(norm: str, pre: str, suf: str) -> str:
    """The text between the prefix and the suffix, trimmed."""
    return f"=TRIM(MID({norm},{pre}+1,MAX(0,LEN({norm})-{pre}-{suf})))"


def percent(text: str) -> str:
    return f'=IF(RIGHT({text},1)="%",1,0)'


def number_text(text: str, pct: str) -> str:
    return f"=TRIM(IF({pct}=1,LEFT({text},MAX(0,LEN({text})-1)),{text}))"


def _without_digits(x: str) -> str:
    for d in range(10):
        x = f'SUBSTITUTE({x},"{d}","")'
    return x


def plain_number(x: str, extra: str = "") -> str:
    """1 when `x` is digits with at most one inner point (at most 15 characters), else 0."""
    dots = f'(LEN({x})-LEN(SUBSTITUTE({x},".","")))'
    conds = [f"LEN({x})>0", f"LEN({x})<=15", f"LEN({_without_digits(x)})={dots}", f"{dots}<=1",
             f'LEFT({x},1)<>"."', f'RIGHT({x},1)<>"."']
    if extra:
        conds.append(extra)
    return f"=IF(AND({','.join(conds)}),1,0)"


def native_direction(norm: str, pre: str, suf: str, ok: str, num: str, bare: str) -> str:
    """The direction read from a target's shape; `bare` the expression for a bare number."""
    three = f'IF(OR(LEFT({norm},3)="不低于",LEFT({norm},3)="不少于"),"≥","≤")'
    suffix = f'IF(RIGHT({norm},2)="以上","≥","≤")'
    return (f'=IF({ok}<>1,"定性",IF({pre}=3,{three},IF({pre}=1,LEFT({norm},1),'
            f'IF({suf}=3,"≥",IF({suf}=2,{suffix},IF(VALUE({num})=0,"定性",{bare}))))))')


def bare_direction(rule: str, pct: str) -> str:
    """The direction of a bare number (no sign, no words) for a sub-category whose rule is
    "≥", "定性", "≤" (a percentage goes to a person) or "%≥" (≥ for a percentage, a person
    judges a number without unit)."""
    if rule == "%≥":
        return f'IF({pct}=1,"≥","定性")'
    if rule == "≤":
        return f'IF({pct}=1,"定性","≤")'
    return _quote(rule)


def native_value(ok: str, num: str) -> str:
    return f'=IF({ok}=1,VALUE({num}),"")'


def native_actual(t_ok: str, a_ok: str, t_pct: str, a_pct: str, num: str) -> str:
    """The actual's number when it can be compared with the target (both with % or both without)."""
    return f'=IF(AND({t_ok}=1,{a_ok}=1,{t_pct}={a_pct}),VALUE({num}),"")'


def same_text(pairs: Iterable[tuple[str, str]]) -> str:
    """1 while every source cell still holds the text the helper values were derived from
    (pairs of (copy, source))."""
    return f"=IF(AND({','.join(f'EXACT({c},{s})' for c, s in pairs)}),1,0)"


def chosen(same: str, helper: str, native: str, number: bool) -> str:
    """The helper's value while the texts are unchanged (an empty helper is no number and
    no direction), else the native reading."""
    kept = f'IF(ISNUMBER({helper}),{helper},"")' if number else f'{helper}&""'
    return f"=IF({same}=1,{kept},{native})"


def judgement(exists: str, d: str, t: str, a: str) -> str:
    """已完成 / 未完成 / 需人工判断 ("" for a row that is not an indicator)."""
    known = f'OR({d}="≥",{d}=">",{d}="≤",{d}="<",{d}="=")'
    holds = f'IF({d}="≥",{a}>={t},IF({d}=">",{a}>{t},IF({d}="≤",{a}<={t},IF({d}="<",{a}<{t},{a}={t}))))'
    return (f'=IF({exists}<>1,"",IF(OR(NOT({known}),NOT(ISNUMBER({t})),NOT(ISNUMBER({a}))),"{REVIEW}",'
            f'IF({holds},"{MET}","{NOT_MET}")))')


def miss_ratio(judged: str, d: str, t: str, a: str, relative: str, whole: str) -> str:
    """The achievement ratio of a missed target (as `targets._ratio`), or "" when there is none
    (`whole` = 1: the engine scores this miss only as a whole, by a person)."""
    down = f'IF({t}<0,MAX({a}/{t},0),IF({a}<=0,1,{t}/{a}))'
    up = f'IF({t}<=0,"",MAX({a}/{t},0))'
    return (f'=IF({judged}<>"{NOT_MET}","",IF(OR(AND({relative}=1,{t}=0),{whole}=1),"",'
            f'IF(OR({d}="≤",{d}="<"),{down},{up})))')


def achievement(judged: str, ratio: str) -> str:
    """The fraction of its points a row earns (as `scoring.achievement`), "" when a person judges."""
    return f'=IF({judged}="{MET}",1,IF(ISNUMBER({ratio}),MIN(1,MAX(0,{ratio})),""))'


def any_filled(rng: str) -> str:
    return f"SUMPRODUCT(--(LEN({rng})>0))>0"


def only_none_marks(rng: str) -> str:
    return f'SUMPRODUCT((LEN({rng})>0)*({rng}<>"无"))=0'


_FUNCTION = re.compile(r"(?<![A-Za-z0-9_.$!'])([A-Za-z_][A-Za-z0-9_.]*)\s*\(")
_STRING = re.compile(r'"(?:[^"]|"")*"')


def functions_in(formula: str) -> set[str]:
    """The function names a formula calls (string literals skipped)."""
    return {m.group(1).upper() for m in _FUNCTION.finditer(_STRING.sub('""', formula))}


_REF = re.compile(
    r"(?:(?P<sheet>'(?:[^']|'')+'|[A-Za-z_][A-Za-z0-9_.]*)!)?"
    r"(?<![A-Za-z0-9_])\$?(?P<col>[A-Z]{1,3})\$?(?P<row>[0-9]+)(?![0-9(])"
    r"(?::\$?(?P<col2>[A-Z]{1,3})\$?(?P<row2>[0-9]+)(?![0-9(]))?"
)


def references_in(formula: str, sheet: str) -> Iterable[tuple[str, str]]:
    """(sheet, A1) of every cell reference in a formula (a range gives both corners)."""
    for m in _REF.finditer(_STRING.sub('""', formula)):
        name = m.group("sheet")
        if name:
            name = name[1:-1].replace("''", "'") if name.startswith("'") else name
        yield (name or sheet), f"{m.group('col')}{m.group('row')}"
        if m.group("col2"):
            yield (name or sheet), f"{m.group('col2')}{m.group('row2')}"



# ---------------------------------------------------------------------------- the engine's reading


def outcome(direction: str, target, actual, relative: bool, whole: bool = False):
    """(status, fraction) that the native formulas give for helper values: a mirror of
    `judgement`, `miss_ratio` and `achievement` above, in Decimal."""
    from decimal import Decimal

    if direction not in DIRECTIONS[:5] or target is None or actual is None:
        return REVIEW, None
    t, a = Decimal(target), Decimal(actual)
    holds = {"≥": a >= t, ">": a > t, "≤": a <= t, "<": a < t, "=": a == t}[direction]
    if holds:
        return MET, Decimal(1)
    ratio = None
    if not (relative and t == 0) and not whole:
        if direction in ("≤", "<"):
            ratio = max(a / t, Decimal(0)) if t < 0 else Decimal(1) if a <= 0 else t / a
        elif t > 0:
            ratio = max(a / t, Decimal(0))
    return NOT_MET, None if ratio is None else min(Decimal(1), max(Decimal(0), ratio))


UNDERSTOOD_NOTHING = {"dir": "定性", "t_num": None, "a_num": None, "unit": "", "rel": "", "prop": ""}
"""The helper cells of a row left to a person: the formulas judge it 需人工判断."""


def understood(actual: object, target: object, basis: object = None, name: str = "") -> dict[str, object]:
    """What the engine understood of an indicator row, as the helper cells hold it: the
    direction (定性 when the engine leaves the row to a person), the target and the actual
    in one unit, the unit, whether the numbers are changes against last year (较上年), and
    按比例 否 when the engine scores a miss only as a whole (one number misses while another
    cannot be compared: 未完成, but a person gives the points).

    basis and name: the row's sub-category and indicator name, as `targets.judge` takes them.
    When the actual states several numbers, the one that decides the engine's verdict is
    kept, so that the native formulas reach the engine's judgement and points exactly; a
    verdict no single number reproduces is left to a person (定性)."""
    from xlperf.engine import scoring, targets

    u = targets.understand(target, actual, basis, name)
    review = dict(UNDERSTOOD_NOTHING)
    if u.status is targets.Status.REVIEW or u.direction is None or u.threshold is None:
        return review
    j = targets.judge(actual, target, basis, name)
    want = (u.status.value, scoring.achievement(j))
    values = list(u.values)
    whole = not values and u.status is targets.Status.NOT_MET and want[1] is None
    if whole:
        values = _missed_values(j)
    for value in values:
        if outcome(u.direction, u.threshold, value, u.relative, whole) == want:
            return {"dir": u.direction, "t_num": u.threshold, "a_num": value, "unit": u.unit,
                    "rel": "是" if u.relative else "", "prop": "否" if whole else ""}
    return review


def _missed_values(j) -> list:
    """The numbers of an actual that miss the target, in the target's unit, when the engine
    gives no list of compared values (another number could not be compared)."""
    from xlperf.engine import targets

    found = []
    try:
        for q in targets._relevant(j.target, j.actual.quantities):
            if targets._judge_one(q, j.target).status is targets.Status.NOT_MET:
                pair = targets._in_common_unit(q, j.target)
                if not isinstance(pair, str):
                    found.append(pair[0])
    except (AttributeError, TypeError, ValueError):
        return []
    return found
