"""The workbook's layout, declared once (表格布局).

Every sheet of the self-evaluation workbook is declared here as data: each label cell
(text, merged range, style name), each input cell (range, field path, kind,
validation) and each formula cell (what it computes). Building the workbook, reading
it back, writing marks on it and pointing a finding at its cell (`cell_of`) are all
derived from this one declaration; no other module knows a cell position.

The layout depends on capacities: how many year rows the two funding blocks have, how
many rows 按方向划分 has, how many rows each indicator sub-category has; and on the rule
set, whose items give the 评分表's rows (one per indicator slot for items scored per
indicator, so the rows never change with the data). A built workbook records them in
its hidden `_xlperf` sheet (`Layout.meta()`), so reading a file rebuilds exactly the
layout it was built with (`Layout.from_meta`), without the rule file. More rows: `Layout.for_capacity(indicator_rows=10)` (the
CLI's `xlperf new --indicator-rows 10`) or `Layout.for_model(ev)`, which makes room for
what the data holds.

Pure data and small functions: no openpyxl, XlsxWriter or xlwings here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
import math
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any, Literal

from xlperf.files.grid import col_letter
from xlperf.forms.guangdong_1_1.model import CATEGORY_OF, MAX_ROWS, Category, SelfEvaluation, SubCategory, indicator_path

LAYOUT_VERSION = 4
"""Bumped whenever a cell moves or changes role; a reader refuses a workbook of a newer version.
3: native formulas (helper cells beside the indicator rows and the 评分表 rows; the 评分表's
分值/得分/方式/档次分值范围, total and grade are formulas).
4: each indicator row's optional 分值 (weight) in column J, right of the printed table, and
the 评分表's shares follow it; `_xlperf` records the form kind.
2 and 3 still read: their input cells are where version 4 has them, and their column J is an
empty, locked gap (read as no 分值)."""

OLDEST_READABLE_VERSION = 2

FORM_KIND = "guangdong-1-1"
"""The kind `_xlperf` records (`xlperf.forms`; a workbook without it is this kind too)."""

FORM = "附件1-1"
SCORE = "评分表"
REPORT = "自评报告"
CONF = "xlwings.conf"
META = "_xlperf"

SHEETS: tuple[str, ...] = (FORM, SCORE, REPORT, CONF, META)
"""Sheet names in workbook order."""

SHEET_CODENAMES: tuple[str, ...] = ("Sheet1", "Sheet2", "Sheet3", "Sheet4", "Sheet5")
"""VBA code names of SHEETS, in the same order; the workbook's is WORKBOOK_CODENAME.
The VBA project embedded in the workbook carries one document module per name."""

WORKBOOK_CODENAME = "ThisWorkbook"

FORM_TITLE = "市级财政支出项目绩效自评基础信息表"
REPORT_TITLE = "市级财政支出项目绩效自评报告"
SCORE_TITLE = "绩效自评评分表"

INPUT_FILL = "#FFF8D6"
"""Pale yellow: the fill of every input cell (restored when marks are cleared)."""

MARK_FILLS = {"error": "#F4B6B6", "warning": "#FFD98C"}
"""Fills of cells marked by findings, by severity."""

STYLE_FILLS = {"score_header": "#EDEDED"}
"""Label styles that have a fill of their own (restored when marks are cleared)."""

TIERS: tuple[str, ...] = ("达成", "部分达成", "未达成")

Kind = Literal[
    "text", "longtext", "lines", "int", "amount", "date", "yesno", "tier", "points", "weight", "formula", "output"
]
"""What a cell holds. `lines`: a list of texts, one per line of one cell (实施文件依据).
`weight`: an indicator row's 分值, a number not below 0 (typed text is refused: the native
formulas could not read it).
`formula`: computed by Excel (read back as what it computes, never typed).
`output`: written by the engine (scores, explanations), never read back; an output cell
with a `formula` holds that native formula in the formulas edition, where no button
rewrites it (the 评分表's 计算说明)."""


# ---------------------------------------------------------------------------- cells


def col_px(width: float) -> int:
    """Pixels of a column `width` characters wide, as Excel lays it out at 96 dpi."""
    return int(width * 7 + 0.5) + 5 if width >= 1 else int(width * 12 + 0.5)


def text_height(text: str, width_px: int, size: float = 10.5) -> float:
    """Points a wrapped text needs in a cell `width_px` wide (CJK glyphs are one em)."""
    if not text:
        return 0.0
    em = size * 96 / 72
    usable = max(width_px - 8, em)
    lines = 0
    for para in text.split("\n"):
        px = sum(em if unicodedata.east_asian_width(ch) in "WF" else em * 0.55 for ch in para)
        lines += max(1, math.ceil(px / usable))
    return round(lines * size * 1.3 + 5, 1)


def a1(row: int, col: int) -> str:
    """A1 reference of a 0-based (row, col)."""
    return f"{col_letter(col)}{row + 1}"


_REF = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)$")


def parse_a1(ref: str) -> tuple[int, int]:
    """'D5' -> (4, 3)."""
    m = _REF.match(ref.strip().upper())
    if not m:
        raise ValueError(f"不是单元格地址：{ref}")
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)) - 1, col - 1


@dataclass(frozen=True, order=True)
class Area:
    """A cell or a merged rectangle, 0-based and inclusive."""

    row: int
    col: int
    last_row: int
    last_col: int

    @classmethod
    def parse(cls, ref: str) -> "Area":
        first, _, last = ref.partition(":")
        r1, c1 = parse_a1(first)
        r2, c2 = parse_a1(last) if last else (r1, c1)
        return cls(r1, c1, r2, c2)

    @property
    def first(self) -> str:
        return a1(self.row, self.col)

    @property
    def ref(self) -> str:
        last = a1(self.last_row, self.last_col)
        return self.first if last == self.first else f"{self.first}:{last}"

    @property
    def merged(self) -> bool:
        return (self.row, self.col) != (self.last_row, self.last_col)

    def cells(self) -> Iterator[tuple[int, int]]:
        for r in range(self.row, self.last_row + 1):
            for c in range(self.col, self.last_col + 1):
                yield r, c


@dataclass(frozen=True)
class Validation:
    """A native Excel data validation with its Chinese prompt and error alert."""

    type: Literal["list", "decimal", "integer", "date", "custom"]
    criteria: str = "between"
    minimum: Any = None
    maximum: Any = None
    source: tuple[str, ...] = ()
    formula: str = ""
    """For `custom`: the formula with `{cell}` standing for the validated cell."""
    prompt_title: str = ""
    prompt: str = ""
    error_title: str = "输入有误"
    error: str = ""


@dataclass(frozen=True)
class Cell:
    """One declared cell or merged range of a sheet.

    role: `label` (fixed text), `input` (a person types it; read back into `path`),
    `formula` (Excel computes it; `calc` names the engine value written as its cached
    result), `output` (the engine writes it; never read back).
    """

    sheet: str
    area: Area
    role: Literal["label", "input", "formula", "output"]
    text: Any = ""
    style: str = "label"
    path: str | None = None
    kind: Kind | None = None
    title: str = ""
    formula: str = ""
    calc: str = ""
    args: tuple[str, ...] = ()
    validation: Validation | None = None
    helper: bool = False
    """Outside the printed form: in the macro and formulas editions, not in the submission copy
    (live computations and checks beside the form). One that calls PERF_ only where the VBA
    project is."""

    @property
    def ref(self) -> str:
        return f"{self.sheet}!{self.area.first}"

    @property
    def needs_udf(self) -> bool:
        """True when the formula calls the workbook's PERF_ functions (VBA wrappers)."""
        return "PERF_" in self.formula


@dataclass(frozen=True)
class Button:
    """A form button on 附件1-1 that runs a VBA macro (the VBA side generates the
    macros from this list)."""

    caption: str
    macro: str
    cell: str
    width: int = 86
    height: int = 30


BUTTONS: tuple[Button, ...] = (
    Button("校验", "xlperf_validate", "K2"),
    Button("计算得分", "xlperf_score", "L2"),
    Button("导出附件3", "xlperf_export", "M2"),
    Button("清除标记", "xlperf_clear_marks", "N2"),
)
"""Buttons on the 附件1-1 sheet, right of the title and outside the print area."""


@dataclass(frozen=True)
class SheetLayout:
    """One sheet: its cells and how it looks and prints."""

    name: str
    codename: str
    cells: tuple[Cell, ...]
    col_widths: tuple[float, ...]
    """Widths of columns A, B, ... in Excel character units."""
    row_heights: tuple[tuple[int, float], ...] = ()
    """Minimum heights (points) of rows; the builder grows a row to fit its text."""
    print_area: Area | None = None
    page_breaks: tuple[int, ...] = ()
    """Rows (0-based) that start a new printed page."""
    repeat_rows: tuple[int, int] | None = None
    hidden: bool = False
    protected: bool = True
    landscape: bool = False
    buttons: tuple[Button, ...] = ()

    @cached_property
    def extent(self) -> Area:
        """The rectangle from A1 that holds every declared cell and button (one read)."""
        last_row = max((c.area.last_row for c in self.cells), default=0)
        last_col = max((c.area.last_col for c in self.cells), default=0)
        for b in self.buttons:
            r, c = parse_a1(b.cell)
            last_row, last_col = max(last_row, r), max(last_col, c)
        return Area(0, 0, last_row, last_col)

    def min_height(self, row: int) -> float | None:
        return dict(self.row_heights).get(row)


@dataclass(frozen=True)
class ScoreGroup:
    """One item of a rule set as the 评分表 lays it out (评分项), recorded in _xlperf so
    that a workbook reads back without its rule file.

    per_indicator: the item is scored one indicator row at a time (the national form):
    the 评分表 gives it a category row and one row per indicator slot of its
    sub-categories. when_empty: "manual" when the item waits for a person's score if
    its sub-categories hold no indicator (its category row then takes inputs)."""

    id: str
    name: str
    category: str
    points: str
    method: Literal["execution_rate", "indicators", "manual"]
    sub_categories: tuple[str, ...] = ()
    per_indicator: bool = False
    when_empty: Literal["drop", "manual"] = "drop"


def score_plan(rule_set: Any) -> tuple[ScoreGroup, ...]:
    """The 评分表's items of a rule set (an `xlperf.scoring.RuleSet`)."""
    groups = []
    for cat in rule_set.categories:
        for item in cat.items:
            name = f"{item.group}·{item.name}" if item.group and item.group != item.name else item.name
            groups.append(ScoreGroup(
                item.id, name, cat.name, format(item.points.normalize(), "f"), item.method,
                tuple(item.sub_categories), item.method == "indicators" and item.split == "per_indicator",
                item.when_empty,
            ))
    return tuple(groups)


@functools.lru_cache(maxsize=1)
def default_plan() -> tuple[ScoreGroup, ...]:
    """The 评分表's items under the default rule set (national-2020)."""
    from xlperf.engine.scoring import load_rules

    return score_plan(load_rules(None))


@dataclass(frozen=True)
class ScoreRow:
    """One row of the 评分表, fixed by the rule set and the capacities (never by the data).

    kind: `item` (a rule item scored as a whole), `category` (the head row of an item
    scored per indicator: it shows the subtotal, or the item itself when it is dropped
    or waits for a person), `slot` (one indicator row of 附件1-1, id
    `indicators.<sub>[i]`; empty while that row holds no indicator)."""

    id: str
    kind: Literal["item", "category", "slot"]
    group: ScoreGroup
    category: str
    name: str
    inputs: bool
    """True when the row has the person's 档次, 给分 and 评分说明 cells."""


@dataclass(frozen=True)
class Mark:
    """A mark to write on a cell: fill its area and put the messages in its comment."""

    sheet: str
    cell: str
    area: str
    severity: Literal["error", "warning"]
    fill: str
    comment: str
    original_fill: str | None
    """The fill to restore when the mark is cleared (None: no fill)."""


# ------------------------------------------------------------------ field kinds


def _amount_validation(title: str) -> Validation:
    return Validation(
        "custom",
        formula="=AND(ISNUMBER({cell}),{cell}>=0,ROUND({cell},2)={cell})",
        prompt_title=title[:32],
        prompt="金额单位为万元，填写不小于0的数字，最多两位小数；没有则留空。",
        error=f"{title}应为不小于0的数字（万元），最多两位小数。",
    )


def _validation_for(kind: str, title: str) -> Validation | None:
    """The native validation of an input kind (prompts and alerts in Chinese)."""
    if kind == "amount":
        return _amount_validation(title)
    if kind == "int":
        return Validation(
            "integer", minimum=2000, maximum=2100, prompt_title=title[:32],
            prompt="填写四位年份，例如2020。", error=f"{title}应为2000至2100之间的整数年份。",
        )
    if kind == "date":
        return Validation(
            "date", minimum=dt.date(2000, 1, 1), maximum=dt.date(2100, 12, 31), prompt_title=title[:32],
            prompt="填写日期，例如2020-01-01。", error=f"{title}应为2000年至2100年之间的日期。",
        )
    if kind == "yesno":
        return Validation(
            "list", source=("是", "否"), prompt_title=title[:32],
            prompt="从下拉列表选择“是”或“否”。", error=f"{title}只能填“是”或“否”。",
        )
    if kind == "weight":
        return Validation(
            "custom", formula="=AND(ISNUMBER({cell}),{cell}>=0)", prompt_title="分值（可选）",
            prompt=WEIGHT_PROMPT, error="分值应为不小于0的数字（最多两位小数）；不填则与同类指标平分。",
        )
    if kind == "tier":
        return Validation(
            "list", source=TIERS, prompt_title="定性档次",
            prompt="达成：达成年度指标；部分达成：部分达成并具有一定效果；未达成：未达成且效果较差。",
            error="档次只能选“达成”“部分达成”或“未达成”。",
        )
    return None


# ------------------------------------------------------------------ sheet builder


class _Draft:
    """Collects the cells of one sheet while its declaration walks down the rows."""

    def __init__(self, sheet: str):
        self.sheet = sheet
        self.cells: list[Cell] = []
        self.heights: dict[int, float] = {}

    def label(self, r, c, r2, c2, text, style="label", path=None, helper=False) -> None:
        self.cells.append(Cell(self.sheet, Area(r, c, r2, c2), "label", text, style, path, helper=helper))

    def input(self, r, c, r2, c2, path, kind, title, style="input", validation=None, helper=False) -> None:
        title = title.replace("\n", "")
        self.cells.append(
            Cell(self.sheet, Area(r, c, r2, c2), "input", style=style, path=path, kind=kind, title=title,
                 validation=validation or _validation_for(kind, title), helper=helper)
        )

    def field(self, r, label_cols, input_cols, path, kind, label) -> None:
        """A label and, right of it on the same row, the input it names."""
        self.label(r, label_cols[0], r, label_cols[1], label)
        self.input(r, input_cols[0], r, input_cols[1], path, kind, label)

    def formula(self, r, c, path, title, formula, calc, args=(), kind="formula", style="formula",
                helper=False) -> None:
        self.cells.append(
            Cell(self.sheet, Area(r, c, r, c), "formula", style=style, path=path,
                 kind=kind, title=title, formula=formula, calc=calc, args=tuple(args), helper=helper)
        )

    def output(self, r, c, r2, c2, path, title, calc, style="output", helper=False) -> None:
        self.cells.append(
            Cell(self.sheet, Area(r, c, r2, c2), "output", style=style, path=path, kind="output",
                 title=title, calc=calc, helper=helper)
        )

    def height(self, row: int, points: float) -> None:
        self.heights[row] = points

    def done(self, col_widths: tuple[float, ...], **how: Any) -> SheetLayout:
        """The finished sheet, with its code name from SHEET_CODENAMES."""
        return SheetLayout(
            name=self.sheet,
            codename=SHEET_CODENAMES[SHEETS.index(self.sheet)],
            cells=tuple(self.cells),
            col_widths=col_widths,
            row_heights=tuple(sorted(self.heights.items())),
            **how,
        )


# columns of 附件1-1
A, B, C, D, E, F, G, H, I, J, K, L = 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11
WEIGHT_TITLE = "分值（可选，空白为平均分配）"
"""The heading of column J, right of the printed indicator table: each row's optional 分值."""
WEIGHT_PROMPT = (
    "本行指标的分值（可选，不打印）：按指标逐行计分时，本类（如产出指标50分）按各行分值分配；"
    "不填的行平分其余分值，都不填则平均分配。各行分值之和应不超过该类分值。"
)
PREVIOUS_ACTUAL = "上年实现值"
"""Beside the form (column L, outside the print area): last year's actual, kept by a
carry-over where a growth formula needs it."""
FORM_WIDTHS = (4.3, 9.5, 7.0, 14.5, 10.5, 13.5, 9.0, 12.0, 11.5, 15.0, 13.0, 13.0, 13.0, 13.0, 2.0)
"""A..I print; J holds the indicator rows' 分值 (not printed, but part of the form: the
submission copy keeps it); K..N hold the live checks and the buttons; O is a gap; P onwards
the indicator rows' helper cells (`INDICATOR_HELPERS`)."""

INDICATOR_COLUMNS: tuple[tuple[str, str], ...] = (
    ("name", "指标名称"),
    ("formula", "指标计算公式"),
    ("target", "评价年度\n预期值"),
    ("actual", "评价年度\n实现值"),
    ("explanation", "未完成原因说明"),
)

BUDGET_PARTS = (
    ("central_provincial", "中央及省级资金"),
    ("municipal", "市本级资金"),
    ("transfer_county", "转移支付至县\n（市、区）"),
)
SPENDING_PARTS = (
    ("central_provincial", "中央及省级支出"),
    ("municipal", "市本级支出"),
    ("transfer_county", "转移支付县（市、区）\n支出"),
)

ROW_DATA = 20.0
ROW_LINE2 = 30.0

INDICATOR_HELPERS: dict[str, tuple[str, float]] = {
    # what the engine understood when xlperf built or marked the workbook (a person may correct them)
    "t_src": ("预期值原文", 12.0),
    "a_src": ("实现值原文", 12.0),
    "dir": ("方向", 6.0),
    "t_num": ("预期数值", 9.0),
    "a_num": ("实现数值", 9.0),
    "unit": ("单位", 6.0),
    "rel": ("较上年", 6.0),
    "prop": ("按比例", 6.0),
    # what native formulas read from a target typed later (≥X, X以上, 不低于X, bare X ...)
    "t_norm": ("预期值规范", 10.0),
    "t_pre": ("前缀长", 5.0),
    "t_suf": ("后缀长", 5.0),
    "t_body": ("预期主体", 8.0),
    "t_pct": ("预期%", 5.0),
    "t_txt": ("预期数字", 8.0),
    "t_ok": ("预期可读", 5.0),
    "a_norm": ("实现值规范", 10.0),
    "a_pct": ("实现%", 5.0),
    "a_txt": ("实现数字", 8.0),
    "a_ok": ("实现可读", 5.0),
    "n_dir": ("公式方向", 6.0),
    "n_t": ("公式预期", 8.0),
    "n_a": ("公式实现", 8.0),
    # what is used: the engine's understanding while both texts are unchanged, else the formulas'
    "same": ("原文未改", 6.0),
    "e_dir": ("采用方向", 6.0),
    "e_t": ("采用预期", 8.0),
    "e_a": ("采用实现", 8.0),
    "e_rel": ("采用较上年", 6.0),
    "e_prop": ("不按比例", 6.0),
    "exists": ("指标行", 5.0),
    "ratio": ("未达比例", 8.0),
    "frac": ("完成比例", 8.0),
}
"""Helper cells right of each indicator row of 附件1-1 (outside the print area): title, width.
The judgement itself (自动判断) is in column K; `frac` is what the 评分表 scores from."""

HELPER_FIRST_COL = 15
HELPER_COLUMN: dict[str, int] = {key: HELPER_FIRST_COL + k for k, key in enumerate(INDICATOR_HELPERS)}
ENGINE_HELPERS = ("t_src", "a_src", "dir", "t_num", "a_num", "unit", "rel", "prop")
"""The helper cells xlperf writes from the engine's reading (calc "understood")."""

BARE_DIRECTION: dict[str, str] = {
    "quantity": "≥", "quality": "≥", "satisfaction": "≥", "cost": "≤", "timeliness": "%≥",
    "economic": "≥", "social": "≥", "environmental": "≥", "sustainability": "≥",
}
"""The direction native formulas give a bare number (a number alone, or with %), by
sub-category, as the engine reads it (docs/targets.md): 成本 ≤ (a percentage goes to a
person); 时效 ≥ for a percentage (a number without unit goes to a person); the others ≥.
A bare 0 goes to a person in the formulas."""


def _helper_validation() -> Validation:
    from xlperf.workbook import native

    return Validation(
        "list", source=native.DIRECTIONS, prompt_title="方向",
        prompt="xlperf 对预期值的理解：≥ > ≤ < = 或 定性（需人工判断）；理解有误时可改选。只在预期值和实现值未改动时使用。",
        error="方向只能选 ≥、>、≤、<、= 或 定性。",
    )


def _indicator_helpers(s: "_Draft", sub: SubCategory, i: int, row: int, first: int, last: int) -> None:
    """The helper cells of one indicator row: the engine's reading, the native reading, the
    choice between them, the judgement (column K) and the fraction of points earned."""
    from xlperf.workbook import native

    ref = {key: a1(row, col) for key, col in HELPER_COLUMN.items()}
    target, actual = a1(row, G), a1(row, H)
    path = indicator_path(sub, i)
    for key in ENGINE_HELPERS:
        style = {"dir": "helper_choice", "t_num": "helper_number", "a_num": "helper_number"}.get(key, "helper_edit")
        s.cells.append(Cell(s.sheet, Area(row, HELPER_COLUMN[key], row, HELPER_COLUMN[key]), "output",
                            style=style, kind="output", title=INDICATOR_HELPERS[key][0], calc="understood",
                            args=(path, key), helper=True,
                            validation=_helper_validation() if key == "dir" else None))

    def f(key: str, formula: str, calc: str = "") -> None:
        s.formula(row, HELPER_COLUMN[key], None, INDICATOR_HELPERS[key][0], formula, calc or "native",
                  (path, key), kind="output", style="helper", helper=True)

    f("t_norm", native.normalized(target))
    f("t_pre", native.prefix_length(ref["t_norm"]))
    f("t_suf", native.suffix_length(ref["t_norm"]))
    f("t_body", native.body(ref["t_norm"], ref["t_pre"], ref["t_suf"]))
    f("t_pct", native.percent(ref["t_body"]))
    f("t_txt", native.number_text(ref["t_body"], ref["t_pct"]))
    f("t_ok", native.plain_number(ref["t_txt"], f'OR({ref["t_pre"]}=0,{ref["t_suf"]}=0)'))
    f("a_norm", native.normalized(actual))
    f("a_pct", native.percent(ref["a_norm"]))
    f("a_txt", native.number_text(ref["a_norm"], ref["a_pct"]))
    f("a_ok", native.plain_number(ref["a_txt"]))
    bare = native.bare_direction(BARE_DIRECTION.get(sub.name, "定性"), ref["t_pct"])
    f("n_dir", native.native_direction(ref["t_norm"], ref["t_pre"], ref["t_suf"], ref["t_ok"], ref["t_txt"], bare))
    f("n_t", native.native_value(ref["t_ok"], ref["t_txt"]))
    f("n_a", native.native_actual(ref["t_ok"], ref["a_ok"], ref["t_pct"], ref["a_pct"], ref["a_txt"]))
    f("same", native.same_text([(ref["t_src"], target), (ref["a_src"], actual)]))
    f("e_dir", native.chosen(ref["same"], ref["dir"], ref["n_dir"], False))
    f("e_t", native.chosen(ref["same"], ref["t_num"], ref["n_t"], True))
    f("e_a", native.chosen(ref["same"], ref["a_num"], ref["n_a"], True))
    f("e_rel", f'=IF(AND({ref["same"]}=1,{ref["rel"]}="是"),1,0)')
    f("e_prop", f'=IF(AND({ref["same"]}=1,{ref["prop"]}="否"),1,0)')
    block = f"{a1(first, E)}:{a1(last, J)}"
    below = f"{a1(row, E)}:{a1(last, J)}"
    none = f'AND({a1(first, E)}="无",{native.only_none_marks(block)})'
    f("exists", f"=IF(AND(NOT({none}),{native.any_filled(below)}),1,0)")
    judged = a1(row, K)
    s.formula(row, K, None, "自动判断", native.judgement(ref["exists"], ref["e_dir"], ref["e_t"], ref["e_a"]),
              "judge", (path,), kind="output", style="helper", helper=True)
    f("ratio", native.miss_ratio(judged, ref["e_dir"], ref["e_t"], ref["e_a"], ref["e_rel"], ref["e_prop"]))
    f("frac", native.achievement(judged, ref["ratio"]), "frac")


def _parts_total(parts: Sequence[str]) -> str:
    refs = ",".join(parts)
    return f'=IF(COUNT({refs})=0,"",SUM({refs}))'


def _funding_block(s: _Draft, r: int, block: str, n: int, parts, header_rows: int) -> list[int]:
    """Year rows of 资金安排情况 / 资金使用情况 (parts in E, F, G:H, total in I)."""
    rows = list(range(r + header_rows, r + header_rows + n))
    for row in rows:
        base = f"funding.{block}[{row - rows[0]}]"
        s.input(row, D, row, D, f"{base}.year", "int", "年度")
        s.input(row, E, row, E, f"{base}.{parts[0][0]}", "amount", parts[0][1])
        s.input(row, F, row, F, f"{base}.{parts[1][0]}", "amount", parts[1][1])
        s.input(row, G, row, H, f"{base}.{parts[2][0]}", "amount", parts[2][1])
        cells = [a1(row, E), a1(row, F), a1(row, G)]
        s.formula(row, I, f"{base}.total", "资金合计", _parts_total(cells), "sum",
                  tuple(f"{base}.{p}" for p, _ in parts), kind="amount")
        s.height(row, ROW_DATA)
    return rows


def _form_sheet(cap: "Capacity") -> SheetLayout:
    """附件1-1 市级财政支出项目绩效自评基础信息表, in the official order."""
    s = _Draft(FORM)
    s.label(0, A, 0, C, "附件1-1", "mark")
    s.height(0, 20)
    s.label(1, A, 1, I, FORM_TITLE, "title")
    s.height(1, 36)
    s.label(2, A, 2, B, "填报单位名称：", "unit")
    s.input(2, C, 2, F, "header.unit_name", "text", "填报单位名称", "input_line")
    s.label(2, G, 2, I, "金额单位：万元", "unit_right")
    s.height(2, 24)

    # 基本情况
    r = 3
    s.label(r, A, r + 3, A, "基本\n情况", "section", "basic")
    s.field(r, (B, B), (C, E), "basic.project_name", "text", "项目名称")
    s.field(r, (F, F), (G, G), "basic.eval_year", "int", "评价年度")
    s.field(r, (H, H), (I, I), "basic.eval_amount", "amount", "评价金额")
    s.field(r + 1, (B, B), (C, D), "basic.contact_name", "text", "联系人")
    s.field(r + 1, (E, E), (F, F), "basic.contact_phone", "text", "联系电话")
    s.field(r + 1, (G, G), (H, I), "basic.contact_email", "text", "联系邮箱")
    s.field(r + 2, (B, B), (C, E), "basic.start_date", "date", "项目开始时间")
    s.field(r + 2, (F, F), (G, I), "basic.end_date", "date", "项目完成时间")
    s.field(r + 3, (B, B), (C, I), "basic.basis_documents", "lines", "实施文件依据")
    for row in range(r, r + 3):
        s.height(row, ROW_LINE2)
    s.height(r + 3, 48)

    # 资金概况: 资金安排情况 (two header rows), 资金使用情况 (实际明细支出, 按方向划分)
    rb = r + 4
    nb, npur = cap.budget_rows, cap.purpose_rows
    s.label(rb, D, rb + 1, D, "年度")
    s.label(rb, E, rb, I, "预算安排额度")
    s.label(rb + 1, E, rb + 1, E, BUDGET_PARTS[0][1])
    s.label(rb + 1, F, rb + 1, F, BUDGET_PARTS[1][1])
    s.label(rb + 1, G, rb + 1, H, BUDGET_PARTS[2][1])
    s.label(rb + 1, I, rb + 1, I, "资金合计")
    s.height(rb, ROW_DATA)
    s.height(rb + 1, ROW_LINE2)
    budget_rows = _funding_block(s, rb, "budget", nb, BUDGET_PARTS, 2)
    s.label(rb, B, budget_rows[-1], B, "资金安排情况", path="funding.budget")
    s.label(rb, C, budget_rows[-1], C, "分年度明细")

    rs = budget_rows[-1] + 1
    s.label(rs, D, rs, D, "年度")
    s.label(rs, E, rs, E, SPENDING_PARTS[0][1])
    s.label(rs, F, rs, F, SPENDING_PARTS[1][1])
    s.label(rs, G, rs, H, SPENDING_PARTS[2][1])
    s.label(rs, I, rs, I, "资金合计")
    s.height(rs, ROW_LINE2)
    spending_rows = _funding_block(s, rs, "spending", nb, SPENDING_PARTS, 1)
    s.label(rs, C, spending_rows[-1], C, "实际明细支出", path="funding.spending")

    rp = spending_rows[-1] + 1
    s.label(rp, C, rp + npur, C, "按方向划分", path="funding.by_purpose")
    s.label(rp, D, rp, D, "年度")
    s.label(rp, E, rp, H, "资金使用方向")
    s.label(rp, I, rp, I, "支出额度")
    s.height(rp, ROW_DATA)
    for i in range(npur):
        row = rp + 1 + i
        base = f"funding.by_purpose[{i}]"
        s.input(row, D, row, D, f"{base}.year", "int", "年度")
        s.input(row, E, row, H, f"{base}.purpose", "text", "资金使用方向")
        s.input(row, I, row, I, f"{base}.amount", "amount", "支出额度")
        s.height(row, ROW_DATA)
    last_funding = rp + npur
    s.label(rs, B, last_funding, B, "资金使用情况")
    s.label(rb, A, last_funding, A, "资金\n概况", "section", "funding")

    # 绩效目标情况
    rg = last_funding + 1
    s.label(rg, A, rg + 1, A, "绩效\n目标", "section", "goals")
    s.label(rg, B, rg + 1, B, "绩效目标情况")
    s.field(rg, (C, C), (D, F), "goals.overall", "longtext", "预期总体目标")
    s.field(rg, (G, H), (I, I), "goals.achieved_on_time", "yesno", "是否如期实现\n预期总体目标")
    s.field(rg + 1, (C, C), (D, F), "goals.stage", "longtext", "预期阶段性目标")
    s.field(rg + 1, (G, G), (H, I), "goals.actual", "longtext", "实际完成情况")
    s.height(rg, 48)
    s.height(rg + 1, 60)

    # 绩效指标情况 (page 2)
    ri = rg + 2
    s.label(ri, C, ri, D, "绩效指标")
    for k, (_, title) in enumerate(INDICATOR_COLUMNS):
        s.label(ri, E + k, ri, E + k, title)
    s.height(ri, 36)
    s.label(ri, J, ri, J, WEIGHT_TITLE, "weight_header")
    s.label(ri, K, ri, K, "自动判断", "helper_header", helper=True)
    for key, (title, _) in INDICATOR_HELPERS.items():
        col = HELPER_COLUMN[key]
        s.label(ri, col, ri, col, title, "helper_header", helper=True)
    s.label(ri, L, ri, L, PREVIOUS_ACTUAL, "helper_header", helper=True)
    row = ri + 1
    for category in Category:
        first = row
        for sub in SubCategory:
            if CATEGORY_OF[sub] is not category:
                continue
            n = cap.rows_for(sub)
            s.label(row, D, row + n - 1, D, sub.value, path=f"indicators.{sub.name}")
            for i in range(n):
                for k, (attr, title) in enumerate(INDICATOR_COLUMNS):
                    s.input(row, E + k, row, E + k, indicator_path(sub, i, attr), "text", title)
                s.input(row, J, row, J, indicator_path(sub, i, "weight"), "weight", "分值")
                s.input(row, L, row, L, indicator_path(sub, i, "previous_actual"), "text", PREVIOUS_ACTUAL, helper=True)
                _indicator_helpers(s, sub, i, row, row - i, row - i + n - 1)
                s.height(row, ROW_DATA)
                row += 1
        s.label(first, C, row - 1, C, category.value)
    s.label(ri, A, row - 1, A, "绩效\n目标", "section", "indicators")
    s.label(ri, B, row - 1, B, "绩效指标情况")

    ro = row
    s.field(ro, (A, C), (D, I), "other_notes", "longtext", "单位需要说明的其他情况")
    s.height(ro, 40)

    # 预算执行率 beside the funding blocks: each block's rows of the evaluation year, or
    # all its rows when none carries that year (as the scoring engine does).
    year = a1(r, G)

    def year_total(rows: list[int]) -> str:
        years = f"{a1(rows[0], D)}:{a1(rows[-1], D)}"
        totals = f"{a1(rows[0], I)}:{a1(rows[-1], I)}"
        return f'IF(OR({year}="",COUNTIF({years},{year})=0),SUM({totals}),SUMIF({years},{year},{totals}))'

    def year_count(rows: list[int]) -> str:
        years = f"{a1(rows[0], D)}:{a1(rows[-1], D)}"
        totals = f"{a1(rows[0], I)}:{a1(rows[-1], I)}"
        return (f'IF(OR({year}="",COUNTIF({years},{year})=0),COUNT({totals}),'
                f'SUMPRODUCT(({years}={year})*ISNUMBER({totals})))')

    budget, spent = a1(rs + 1, K + 1), a1(rs + 1, K + 2)
    s.label(rs, K, rs, K, "预算执行率", "helper_header", helper=True)
    s.label(rs, K + 1, rs, K + 1, "评价年度预算", "helper_header", helper=True)
    s.label(rs, K + 2, rs, K + 2, "评价年度支出", "helper_header", helper=True)
    s.formula(rs + 1, K + 1, "funding.year_budget", "评价年度预算",
              f'=IF({year_count(budget_rows)}=0,"",{year_total(budget_rows)})',
              "year_budget", kind="output", style="helper_amount", helper=True)
    s.formula(rs + 1, K + 2, "funding.year_spent", "评价年度支出",
              f'=IF({year_count(spending_rows)}=0,"",{year_total(spending_rows)})',
              "year_spent", kind="output", style="helper_amount", helper=True)
    s.formula(rs + 1, K, "funding.exec_rate", "预算执行率",
              f'=IF(OR(NOT(ISNUMBER({spent})),NOT(ISNUMBER({budget}))),"",IF({budget}=0,"",{spent}/{budget}))',
              "exec_rate", kind="output", style="helper_percent", helper=True)

    return s.done(
        FORM_WIDTHS + tuple(width for _, width in INDICATOR_HELPERS.values()),
        print_area=Area(0, A, ro, I),
        page_breaks=(ri,),
        repeat_rows=(2, 2),
        buttons=BUTTONS,
    )


# ------------------------------------------------------------------ 自评报告 (附件3)

REPORT_COVER: tuple[tuple[str, str, str], ...] = (
    ("project_name", "项目名称：", "text"),
    ("department", "市级项目主管部门（公章）:", "text"),
    ("filler_name", "填报人姓名：", "text"),
    ("phone", "联系电话：", "text"),
    ("fill_date", "填报日期：", "date"),
)

REPORT_SECTIONS: tuple[tuple[str, str | None], ...] = (
    ("一、项目基本情况及自评结论", None),
    ("（一）项目用款单位简要情况。", "unit_overview"),
    ("（二）项目实施主要内容及实施程序。（绩效目标完成情况）", "implementation"),
    ("（三）简述项目自评等级和分数，并对照佐证材料逐一分析。", "self_assessment"),
    ("二、绩效表现", None),
    ("（一）资金使用绩效。", "fund_performance"),
    ("（二）存在问题。针对短板指标分析项目资金使用存在的问题和原因。", "problems"),
    ("三、改进意见（计划）", None),
    ("针对存在的问题提出完善项目管理资金绩效管理的意见。或拟在下一步工作中调整完善的工作计划。", "improvements"),
    ("四、其他需要说明的情况", None),
    ("包括但不限于政策制定、项目实施管理等方面好的经验方法，碰到的实际困难等其他需说明的内容。", "other"),
)
"""Attachment 3's prompts in order; None marks a heading row."""

REPORT_NOTE = "留空则在导出附件3时根据基础信息表和评分结果自动生成"


def _report_sheet() -> SheetLayout:
    s = _Draft(REPORT)
    s.label(0, 0, 0, 0, "附件3", "mark")
    s.label(1, 0, 1, 1, REPORT_TITLE, "title")
    s.label(1, 2, 1, 2, "说明", "note_header")
    s.height(1, 36)
    row = 2
    for attr, prompt, kind in REPORT_COVER:
        s.label(row, 0, row, 0, prompt, "label_left")
        s.input(row, 1, row, 1, f"report.{attr}", kind, prompt.rstrip("：:"), "input_left")
        s.height(row, 24)
        row += 1
    s.label(2, 2, 2, 2, "项目名称留空则取附件1-1的项目名称", "note")
    for prompt, attr in REPORT_SECTIONS:
        if attr is None:
            s.label(row, 0, row, 1, prompt, "heading")
            s.height(row, 24)
        else:
            s.label(row, 0, row, 0, prompt, "label_left")
            s.input(row, 1, row, 1, f"report.{attr}", "longtext", prompt.strip("。"), "input_block")
            s.label(row, 2, row, 2, REPORT_NOTE, "note")
            s.height(row, 90)
        row += 1
    return s.done((30.0, 72.0, 26.0), print_area=Area(0, 0, row - 1, 1))


# ------------------------------------------------------------------ 评分表

SCORE_COLUMNS: tuple[tuple[str, float], ...] = (
    ("序号", 5.0), ("编号", 17.0), ("类别", 11.0), ("评分项", 24.0), ("分值", 7.5), ("得分", 7.5),
    ("方式", 10.0), ("档次分值范围", 12.0), ("计算说明", 56.0), ("档次", 9.0), ("给分", 7.5), ("评分说明", 24.0),
)
"""Printed columns of the 评分表. D..I hold what the engine writes (one block per
计算得分), J..L the person's entries; column M (not printed) the live trial."""

SCORE_HEADERS = tuple(title for title, _ in SCORE_COLUMNS)
SCORE_WIDTHS = (*(width for _, width in SCORE_COLUMNS), 11.0)
S_NO, S_ID, S_CAT, S_NAME, S_AVAIL, S_SCORE, S_METHOD, S_RANGE, S_EXPL, S_TIER, S_GIVEN, S_NOTE, S_TRIAL = range(13)
SCORE_FIRST_ROW = 3
SCORE_ROW = 20.0
"""Minimum height of a 评分表 row (points); rows grow to fit their explanation."""
SCORE_OUTPUTS: tuple[tuple[int, str, str, str], ...] = (
    (S_AVAIL, "available", "分值", "score_number"),
    (S_SCORE, "score", "得分", "score_number"),
    (S_METHOD, "method", "方式", "label"),
    (S_RANGE, "tier_range", "档次分值范围", "label"),
    (S_EXPL, "explanation", "计算说明", "score_text"),
)
"""(column, attribute, title, style) of the engine's cells on every 评分表 row; a slot
row also shows the indicator's name (attribute `name`) in column D."""

SCORE_NOTE = (
    "说明：分值、得分、方式、档次分值范围和计算说明由附件1-1上的“计算得分”按钮按评分规则写入；"
    "需人工评分的项目请选择“档次”并在档次分值范围内填写“给分”，再点“计算得分”。"
    "每个指标行都留有一行（没有指标的行为空），增加指标后点“计算得分”即可。"
    "右侧“实时试算”列（不打印）用工作表函数按当前填写内容试算自动计算项的得分。"
)


def score_path(item_id: str, attr: str) -> str:
    """Field path of a 评分表 cell: `scoring.items[<item id>].<attr>`; tier, points and
    note are the person's entries (read back), the others are the engine's."""
    return f"scoring.items[{item_id}].{attr}"


def score_rows(plan: Sequence[ScoreGroup], cap: "Capacity") -> tuple[ScoreRow, ...]:
    """The 评分表's rows: each rule item in order; an item scored per indicator gets a
    category row and one row per indicator slot of its sub-categories."""
    rows: list[ScoreRow] = []
    seen: set[str] = set()
    for g in plan:
        if not g.per_indicator:
            rows.append(ScoreRow(g.id, "item", g, g.category, g.name, True))
            continue
        rows.append(ScoreRow(g.id, "category", g, g.category, g.name, g.when_empty == "manual"))
        for name in g.sub_categories:
            sub = SubCategory[name]
            for i in range(cap.rows_for(sub)):
                slot = indicator_path(sub, i)
                if slot not in seen:
                    seen.add(slot)
                    rows.append(ScoreRow(slot, "slot", g, sub.value, "", True))
    return tuple(rows)


PENDING_GRADE = "待评分"
UNSCORABLE_GRADE = "无法评分"
"""The 等级 while an item waits for a person, and when nothing could be scored (as
`xlperf.engine.scoring.PENDING_GRADE` / `UNSCORABLE_GRADE`; a test keeps them equal)."""

SCORE_HELPERS: dict[str, tuple[str, float]] = {
    "n": ("组内指标数", 7.0),
    "unit": ("计分单元", 6.0),
    "dropped": ("剔除", 5.0),
    "pc": ("本项分值(分)", 8.0),
    "w": ("填写分值(分)", 8.0),
    "wsum": ("分值合计(分)", 8.0),
    "wcnt": ("填分值行数", 7.0),
    "sn": ("份额分子", 10.0),
    "sd": ("份额分母", 9.0),
    "num": ("分子", 10.0),
    "den": ("分母", 10.0),
    "floor": ("整分", 7.0),
    "rem": ("余数", 9.0),
    "cents": ("分值(分)", 7.0),
    "frac": ("自动比例", 8.0),
    "manual": ("人工得分", 8.0),
    "status": ("状态", 10.0),
}
"""Helper cells right of each 评分表 row (not printed): how the native formulas share the
points out to the cent (as `scoring.row_shares` and `scoring._apportion`) and score the row.
A row's share of its item's points, in cents, is sn/sd (`w`: the indicator row's 分值 in
cents; `wsum`/`wcnt` on the item's head row: the 分值 filled in and how many rows have one)."""

SCORE_HELPER_COLUMN: dict[str, int] = {key: S_TRIAL + 1 + k for k, key in enumerate(SCORE_HELPERS)}
RULE_COL = S_TRIAL + 2 + len(SCORE_HELPERS)
"""First column of the rule table (total, rescale, tiers, grades) on the 评分表."""
RULE_GRADES = 20
"""Rows the rule table keeps for grades (a rule set with more cannot be laid out)."""
_RULE_ROWS = {"total": 3, "rescale": 4, "dropped": 5, "den": 6, "left": 7, "pending": 8, "title": 9,
              "name": 10, "tiers": 12, "grades": 17}


def rule_cell(key: str) -> str:
    """A1 of a value of the 评分表's rule table (key of `_RULE_ROWS`)."""
    return a1(_RULE_ROWS[key], RULE_COL + 1)


def _rule_table(s: "_Draft", rows_first: int, rows_last: int, total_cents: int) -> None:
    col = {k: f"${col_letter(c)}${rows_first + 1}:${col_letter(c)}${rows_last + 1}"
           for k, c in SCORE_HELPER_COLUMN.items()}
    v = RULE_COL + 1

    def label(key: str, text: str, row: int | None = None) -> None:
        r = _RULE_ROWS[key] if row is None else row
        s.label(r, RULE_COL, r, RULE_COL, text, "helper_header", helper=True)

    def formula(key: str, text: str, formula: str, style: str = "helper") -> None:
        label(key, text)
        s.formula(_RULE_ROWS[key], v, f"scoring.rule.{key}", text, formula, "rule", (key,), kind="output",
                  style=style, helper=True)

    s.label(2, RULE_COL, 2, v + 1, "评分规则参数", "helper_header", helper=True)
    formula("total", "总分(分)", f"={total_cents}")
    label("rescale", "剔除后折算")
    s.output(_RULE_ROWS["rescale"], v, _RULE_ROWS["rescale"], v, "scoring.rule.rescale", "剔除后折算", "rule",
             "helper", helper=True)
    formula("dropped", "剔除分值(分)", f"=SUMPRODUCT({col['dropped']}*{col['pc']})")
    total, rescale, dropped = rule_cell("total"), rule_cell("rescale"), rule_cell("dropped")
    formula("den", "折算基数(分)",
            f"=IF(AND({dropped}>0,{rescale}=1,{total}-{dropped}>0),{total}-{dropped},{total})")
    formula("left", "尾差(分)", f"=ROUND(SUMPRODUCT({col['num']}/{col['den']}),0)-SUM({col['floor']})")
    formula("pending", "待评分项", f'=COUNTIF({col["status"]},"待人工评分")')
    for key, text in (("title", "规则标题"), ("name", "规则名称")):
        label(key, text)
        s.output(_RULE_ROWS[key], v, _RULE_ROWS[key], v, f"scoring.rule.{key}", text, "rule", "helper", helper=True)
    t0 = _RULE_ROWS["tiers"]
    for c, text in enumerate(("档次", "下限%", "上限%")):
        s.label(t0 - 1, RULE_COL + c, t0 - 1, RULE_COL + c, text, "helper_header", helper=True)
    for i in range(len(TIERS)):
        for c, attr in enumerate(("name", "min", "max")):
            s.output(t0 + i, RULE_COL + c, t0 + i, RULE_COL + c, f"scoring.rule.tier[{i}].{attr}", "档次", "rule",
                     "helper", helper=True)
    g0 = _RULE_ROWS["grades"]
    for c, text in enumerate(("等级", "不低于")):
        s.label(g0 - 1, RULE_COL + c, g0 - 1, RULE_COL + c, text, "helper_header", helper=True)
    for i in range(RULE_GRADES):
        for c, attr in enumerate(("name", "min")):
            s.output(g0 + i, RULE_COL + c, g0 + i, RULE_COL + c, f"scoring.rule.grade[{i}].{attr}", "等级", "rule",
                     "helper", helper=True)


def rule_values(rule_set: Any) -> dict[str, Any]:
    """The values of the 评分表's rule table for a rule set (`xlperf.engine.scoring.RuleSet`)."""
    if len(rule_set.grades) > RULE_GRADES:
        raise ValueError(f"评分规则的等级不能多于{RULE_GRADES}个")
    values: dict[str, Any] = {
        "scoring.rule.rescale": 1 if rule_set.rescale else 0,
        "scoring.rule.title": rule_set.title,
        "scoring.rule.name": rule_set.name,
    }
    for i, t in enumerate(rule_set.tiers[: len(TIERS)]):
        values.update({f"scoring.rule.tier[{i}].name": t.name, f"scoring.rule.tier[{i}].min": t.min_percent,
                       f"scoring.rule.tier[{i}].max": t.max_percent})
    grades = sorted(rule_set.grades, key=lambda g: g.min)
    for i in range(RULE_GRADES):
        name, low = (grades[i].name, grades[i].min) if i < len(grades) else ("", Decimal("1E+300"))
        values.update({f"scoring.rule.grade[{i}].name": name, f"scoring.rule.grade[{i}].min": low})
    return values


def _tier_ranges() -> tuple[str, str, str]:
    t0 = _RULE_ROWS["tiers"]
    last = t0 + len(TIERS) - 1
    return tuple(f"${col_letter(RULE_COL + c)}${t0 + 1}:${col_letter(RULE_COL + c)}${last + 1}" for c in range(3))


def _grade_ranges() -> tuple[str, str]:
    g0 = _RULE_ROWS["grades"]
    last = g0 + RULE_GRADES - 1
    return tuple(f"${col_letter(RULE_COL + c)}${g0 + 1}:${col_letter(RULE_COL + c)}${last + 1}" for c in range(2))


def _form_rows(by_path: Mapping[str, Cell], sub: SubCategory) -> tuple[int, int]:
    """First and last row of a sub-category's indicator rows on 附件1-1."""
    first = by_path[indicator_path(sub, 0, "name")].area.row
    last = first
    while indicator_path(sub, last - first + 1, "name") in by_path:
        last += 1
    return first, last
_SUB_SHORT = {
    SubCategory.quantity: "数量", SubCategory.quality: "质量", SubCategory.timeliness: "时效", SubCategory.cost: "成本",
    SubCategory.economic: "经济效益", SubCategory.social: "社会效益", SubCategory.environmental: "环境效益",
    SubCategory.sustainability: "可持续发展", SubCategory.satisfaction: "服务对象满意度",
}


def score_labels(rows: Sequence[ScoreRow]) -> dict[str, str]:
    """Row id -> what the 编号 column shows, in words a person reads: an indicator slot
    `产出-数量-1` (its 一级指标, 二级指标 and row on 附件1-1), a rule item its category
    and its place in it (`决策-2`). The ids themselves (field paths such as
    `indicators.quantity[0]`, rule ids) are the cells' paths in the layout; no cell needs
    them on the sheet."""
    labels: dict[str, str] = {}
    heads = [row for row in rows if row.kind != "slot"]
    sizes: dict[str, int] = {}
    for row in heads:
        sizes[row.group.category] = sizes.get(row.group.category, 0) + 1
    counts: dict[str, int] = {}
    for row in rows:
        if row.kind == "slot":
            sub_name, _, index = row.id.removeprefix("indicators.").partition("[")
            sub = SubCategory[sub_name]
            labels[row.id] = f"{CATEGORY_OF[sub].value.removesuffix('指标')}-{_SUB_SHORT[sub]}-{int(index.rstrip(']')) + 1}"
            continue
        category = row.group.category.removesuffix("指标") or "评分项"
        counts[category] = counts.get(category, 0) + 1
        alone = sizes[row.group.category] == 1
        labels[row.id] = category if alone else f"{category}-{counts[category]}"
    return labels


def _score_sheet(
    rows: Sequence[ScoreRow], rules: str, form: SheetLayout, by_path: Mapping[str, Cell]
) -> SheetLayout:
    s = _Draft(SCORE)
    last_col = len(SCORE_COLUMNS) - 1
    first_row, last_row = SCORE_FIRST_ROW, SCORE_FIRST_ROW + len(rows) - 1
    total_row = last_row + 1
    s.label(0, 0, 0, last_col, SCORE_TITLE, "title")
    s.height(0, 32)
    pending, title, name = rule_cell("pending"), rule_cell("title"), rule_cell("name")
    s.formula(1, 0, "scoring.rules_title", "评分规则",
              f'="评分规则："&{title}&"（"&{name}&"）　"&IF({pending}=0,"评分完成","尚有待评分人打分的项目")',
              "rules_title", kind="output", style="unit")
    s.cells[-1] = Cell(SCORE, Area(1, 0, 1, last_col), "formula", style="unit", path="scoring.rules_title",
                       kind="output", title="评分规则", formula=s.cells[-1].formula, calc="rules_title")
    s.height(1, 22)
    for c, title_ in enumerate(SCORE_HEADERS):
        s.label(2, c, 2, c, title_, "score_header")
    s.label(2, S_TRIAL, 2, S_TRIAL, "实时试算", "helper_header", helper=True)
    for key, (text, _) in SCORE_HELPERS.items():
        col = SCORE_HELPER_COLUMN[key]
        s.label(2, col, 2, col, text, "helper_header", helper=True)
    s.height(2, 24)
    exec_rate = by_path["funding.exec_rate"].area.first
    quoted = f"'{form.name}'!"
    frac_col, exists_col = col_letter(HELPER_COLUMN["frac"]), col_letter(HELPER_COLUMN["exists"])
    total_cents = sum(round(Decimal(g.points) * 100) for g in {row.group.id: row.group for row in rows}.values())
    tiers, tier_min, tier_max = _tier_ranges()
    den_all, left = rule_cell("den"), rule_cell("left")
    rem_col = col_letter(SCORE_HELPER_COLUMN["rem"])
    status_col = col_letter(SCORE_HELPER_COLUMN["status"])

    def form_ranges(group: ScoreGroup, column: str) -> str:
        spans = [_form_rows(by_path, SubCategory[name]) for name in group.sub_categories]
        return ",".join(f"{quoted}${column}${a + 1}:${column}${b + 1}" for a, b in spans)

    r = first_row
    labels = score_labels(rows)
    for n, row in enumerate(rows, 1):
        g = row.group
        h = {key: a1(r, col) for key, col in SCORE_HELPER_COLUMN.items()}
        avail, score, tier, given = a1(r, S_AVAIL), a1(r, S_SCORE), a1(r, S_TIER), a1(r, S_GIVEN)
        s.label(r, S_NO, r, S_NO, n)
        s.label(r, S_ID, r, S_ID, labels[row.id], "score_id")
        s.label(r, S_CAT, r, S_CAT, row.category, "score_text")
        form_row = by_path[f"{row.id}.name"].area.row if row.kind == "slot" else None
        if row.kind == "slot":
            fname = f"{quoted}{a1(form_row, E)}"
            fallback = f"{row.category}第{int(row.id.rsplit('[', 1)[1].rstrip(']')) + 1}行"
            s.formula(r, S_NAME, score_path(row.id, "name"), "评分项",
                      f'=IF({h["unit"]}<>1,"",IF(TRIM({fname})="","{fallback}",{fname}))', "name",
                      kind="output", style="score_text")
        else:
            s.label(r, S_NAME, r, S_NAME, row.name, "score_text")

        def helper(key: str, formula: str) -> None:
            s.formula(r, SCORE_HELPER_COLUMN[key], None, SCORE_HELPERS[key][0], formula, "native", (row.id, key),
                      kind="output", style="helper", helper=True)

        if g.method == "indicators":
            helper("n", f"=SUM({form_ranges(g, exists_col)})")
        else:
            helper("n", "=1")
        if row.kind == "slot":
            helper("unit", f"={quoted}{exists_col}{form_row + 1}")
        elif row.kind == "category":
            helper("unit", f'=IF({h["n"]}=0,1,0)')
        else:
            helper("unit", "=1")
        droppable = g.method == "indicators" and g.when_empty == "drop" and row.kind != "slot"
        helper("dropped", f'=IF(AND({h["unit"]}=1,{h["n"]}=0),1,0)' if droppable else "=0")
        helper("pc", f"={round(Decimal(g.points) * 100)}")
        _share_helpers(helper, row, rows, h, first_row, quoted, form_row)
        live = f'AND({h["unit"]}=1,{h["dropped"]}=0)'
        helper("num", f'=IF({live},{h["sn"]}*{total_cents},0)')
        helper("den", f'=IF({live},{h["sd"]}*{den_all},1)')
        helper("floor", f'=({h["num"]}-MOD({h["num"]},{h["den"]}))/{h["den"]}')
        helper("rem", f'=IF({live},MOD({h["num"]},{h["den"]})/{h["den"]},-1)')
        rems = f"${rem_col}${first_row + 1}:${rem_col}${last_row + 1}"
        before = f"${rem_col}${first_row + 1}:{rem_col}{r + 1}"
        rank = f'SUMPRODUCT(--({rems}>{h["rem"]}))+SUMPRODUCT(--({before}={h["rem"]}))-1'
        helper("cents", f'=IF({h["unit"]}=1,{h["floor"]}+IF(AND({h["rem"]}>=0,{rank}<{left}),1,0),"")')
        if row.kind == "slot":
            helper("frac", f'=IF({h["unit"]}=1,{quoted}{frac_col}{form_row + 1},"")')
        elif row.kind == "item" and g.method == "execution_rate":
            x = f"{quoted}{exec_rate}"
            helper("frac", f'=IF(ISNUMBER({x}),MIN(1,MAX(0,{x})),"")')
        elif row.kind == "item" and g.method == "indicators":
            fr = form_ranges(g, frac_col)
            helper("frac", f'=IF({h["n"]}=0,"",IF(COUNT({fr})={h["n"]},SUM({fr})/{h["n"]},""))')
        else:
            helper("frac", '=""')
        if row.inputs:
            known = f"ISNUMBER(MATCH({tier},{tiers},0))"
            lowest = f"ROUND({avail}*INDEX({tier_min},MATCH({tier},{tiers},0))/100,2)"
            helper("manual", f'=IF(OR(AND({tier}="",NOT(ISNUMBER({given}))),AND({tier}<>"",NOT({known}))),"",'
                             f'IF(ISNUMBER({given}),ROUND(MIN(MAX({given},0),{avail}),2),{lowest}))')
        else:
            helper("manual", '=""')
        helper("status", f'=IF({h["unit"]}<>1,"",IF({h["dropped"]}=1,"不适用",IF(ISNUMBER({h["frac"]}),"自动计算",'
                         f'IF(ISNUMBER({h["manual"]}),"人工评分","待人工评分"))))')
        s.formula(r, S_AVAIL, score_path(row.id, "available"), "分值", f'=IF({h["unit"]}=1,{h["cents"]}/100,"")',
                  "available", kind="output", style="score_number")
        s.formula(r, S_SCORE, score_path(row.id, "score"), "得分",
                  f'=IF({h["status"]}="自动计算",MIN({avail},ROUND({avail}*{h["frac"]},2)),'
                  f'IF({h["status"]}="人工评分",{h["manual"]},""))', "score", kind="output", style="score_number")
        if row.kind == "category":
            s.formula(r, S_METHOD, score_path(row.id, "method"), "方式",
                      f'=IF({h["n"]}>0,"按指标计分",{h["status"]})', "method", kind="output", style="label")
        else:
            s.formula(r, S_METHOD, score_path(row.id, "method"), "方式", f'={h["status"]}&""', "method",
                      kind="output", style="label")
        if row.inputs:
            bounds = [f'TEXT(ROUND({avail}*INDEX({rng},MATCH({tier},{tiers},0))/100,2),"0.00")'
                      for rng in (tier_min, tier_max)]
            s.formula(r, S_RANGE, score_path(row.id, "tier_range"), "档次分值范围",
                      f'=IF(AND({h["status"]}="人工评分",ISNUMBER(MATCH({tier},{tiers},0))),'
                      f'{bounds[0]}&"–"&{bounds[1]},"")', "tier_range", kind="output", style="label")
        else:
            s.output(r, S_RANGE, r, S_RANGE, score_path(row.id, "tier_range"), "档次分值范围", "tier_range", "label")
        if row.kind == "category":
            slots = [k for k, other in enumerate(rows) if other.kind == "slot" and other.group == g]
            if slots:
                lo, hi = first_row + slots[0] + 1, first_row + slots[-1] + 1
                e_rng, f_rng = f"E{lo}:E{hi}", f"F{lo}:F{hi}"
                st_rng = f"{status_col}{lo}:{status_col}{hi}"
                subtotal = (f'"本类按下列"&{h["n"]}&"个指标计分：分值合计"&TEXT(SUM({e_rng}),"0.00")&"分，得分小计"'
                            f'&TEXT(SUM({f_rng}),"0.00")&"分"&IF(COUNTIF({st_rng},"待人工评分")>0,"，其中"'
                            f'&COUNTIF({st_rng},"待人工评分")&"项待人工评分。","。")')
            else:
                subtotal = '""'
            empty = "本类无适用指标（均为“无”或未填写）" + ("，不计分，其分值按规则折算给其余各项。" if g.when_empty == "drop"
                                              else "，请评分人对照佐证材料选档给分。")
            s.formula(r, S_EXPL, score_path(row.id, "explanation"), "计算说明",
                      f'=IF({h["n"]}>0,{subtotal},"{empty}")', "explanation", kind="output", style="score_text")
        else:
            s.output(r, S_EXPL, r, S_EXPL, score_path(row.id, "explanation"), "计算说明", "explanation", "score_text")
            judged = ""
            if row.kind == "slot":
                judged = f'{quoted}{a1(form_row, K)}&"；"&'
            elif g.method == "execution_rate":
                judged = f'"预算执行率"&TEXT({quoted}{exec_rate},"0.00%")&"；"&'
            frac = h["frac"]
            computed = (f'{judged}"按完成比例"&TEXT({frac},"0.00%")&"计分："&TEXT({avail},"0.00")&"分 × "'
                        f'&TEXT({frac},"0.00%")&" = "&TEXT({score},"0.00")&"分。"')
            s.cells[-1] = dataclasses.replace(s.cells[-1], formula=(
                f'=IF({h["status"]}="自动计算",{computed},IF({h["status"]}="人工评分","评分人给分"&TEXT({score},"0.00")'
                f'&"分。",IF({h["status"]}="待人工评分","需人工评分：请选择档次并在档次分值范围内给分。",'
                f'IF({h["status"]}="不适用","无适用指标，不计分。",""))))'))
        if row.inputs:
            s.input(r, S_TIER, r, S_TIER, score_path(row.id, "tier"), "tier", "档次")
            s.input(r, S_GIVEN, r, S_GIVEN, score_path(row.id, "points"), "points", "给分",
                    validation=_points_validation(avail))
            s.input(r, S_NOTE, r, S_NOTE, score_path(row.id, "note"), "text", "评分说明", "input_left")
        else:
            for col in (S_TIER, S_GIVEN, S_NOTE):
                s.label(r, col, r, col, "")
        trial = _trial_formula(row, avail, form, by_path, exec_rate)
        if trial:
            s.formula(r, S_TRIAL, score_path(row.id, "trial"), "实时试算", trial, "trial", kind="output",
                      style="helper", helper=True)
        s.height(r, SCORE_ROW)
        r += 1
    _rule_table(s, first_row, last_row, total_cents)
    grade_names, grade_mins = _grade_ranges()
    total_ref = a1(total_row, S_SCORE)
    s.label(r, 0, r, S_AVAIL, "合计", "score_header", path="scoring")
    s.formula(r, S_SCORE, "scoring.total", "总分",
              f"=ROUND(MIN(MAX(SUM(F{first_row + 1}:F{last_row + 1}),0),{rule_cell('total')}/100),2)", "total",
              kind="output", style="score_number")
    s.label(r, S_METHOD, r, last_col, "")
    s.label(r + 1, 0, r + 1, S_AVAIL, "等级", "score_header")
    st = f"${status_col}${first_row + 1}:${status_col}${last_row + 1}"
    scored = f'COUNTIF({st},"自动计算")+COUNTIF({st},"人工评分")'
    s.formula(r + 1, S_SCORE, "scoring.grade", "等级",
              f'=IF({rule_cell("pending")}>0,"{PENDING_GRADE}",IF({scored}=0,"{UNSCORABLE_GRADE}",'
              f"INDEX({grade_names},MATCH({total_ref},{grade_mins},1))))",
              "grade", kind="output", style="label")
    s.label(r + 1, S_METHOD, r + 1, last_col, "")
    s.label(r + 2, 0, r + 2, last_col, SCORE_NOTE, "note")
    for row_ in (r, r + 1):
        s.height(row_, 24)
    s.height(r + 2, 42)
    widths = SCORE_WIDTHS + tuple(width for _, width in SCORE_HELPERS.values()) + (2.0, 12.0, 10.0, 8.0)
    return s.done(widths, print_area=Area(0, 0, r + 2, last_col), landscape=True)


def _share_helpers(helper, row: ScoreRow, rows: Sequence[ScoreRow], h: Mapping[str, str], first_row: int,
                   quoted: str, form_row: int | None) -> None:
    """A 评分表 row's share of its item's points in cents, sn/sd, as `scoring.row_shares`
    gives it: an item scored as a whole keeps its points; an indicator row takes its 分值
    (column J of 附件1-1, to the cent, at least 0), rows without one share equally what
    the weighted rows leave, no 分值 at all (or nothing to share) is the equal split, and
    分值 adding up to more than the item's points, or every row weighted, are scaled to them."""
    if row.kind != "slot":
        helper("w", '=""')
        slots = [k for k, other in enumerate(rows) if other.kind == "slot" and other.group == row.group]
        if row.kind == "category" and slots:
            w = col_letter(SCORE_HELPER_COLUMN["w"])
            span = f"{w}{first_row + slots[0] + 1}:{w}{first_row + slots[-1] + 1}"
            helper("wsum", f"=SUM({span})")
            helper("wcnt", f"=COUNT({span})")
        else:
            helper("wsum", '=""')
            helper("wcnt", '=""')
        helper("sn", f'={h["pc"]}')
        helper("sd", "=1")
        return
    head = next(k for k, other in enumerate(rows) if other.kind == "category" and other.group == row.group)
    at = {key: f"${col_letter(SCORE_HELPER_COLUMN[key])}${first_row + head + 1}" for key in ("wsum", "wcnt")}
    weight = f"{quoted}{a1(form_row, J)}"
    helper("w", f'=IF(AND({h["unit"]}=1,ISNUMBER({weight})),MAX(0,ROUND(ROUND({weight},2)*100,0)),"")')
    helper("wsum", '=""')
    helper("wcnt", '=""')
    given, count, n, pc, w = at["wsum"], at["wcnt"], h["n"], h["pc"], h["w"]
    rest = f"({n}-{count})"
    whole = f"({given}+IF({rest}>0,MAX({pc}-{given},0),0))"
    equal = f"OR({count}=0,{whole}=0)"
    leaves = f"AND({rest}>0,{given}<{pc})"
    helper("sn", f"=IF({equal},{pc},IF({leaves},IF(ISNUMBER({w}),{w},{pc}-{given}),IF(ISNUMBER({w}),{w}*{pc},0)))")
    helper("sd", f"=IF({equal},{n},IF({leaves},IF(ISNUMBER({w}),1,{rest}),IF(ISNUMBER({w}),{given},1)))")


def _points_validation(available: str) -> Validation:
    """给分: a number from 0 to the row's 分值 (the cell `available`)."""
    return Validation(
        "custom", formula=f"=AND(ISNUMBER({{cell}}),{{cell}}>=0,{{cell}}<={available})", prompt_title="给分",
        prompt="需人工评分的项目：按所选档次的分值范围填写给分，不超过本行“分值”；自动计算的项目无需填写。",
        error="给分应为不小于0、不超过本行“分值”的数字。",
    )


def _trial_formula(row: ScoreRow, available: str, form: SheetLayout, by_path: Mapping[str, Cell],
                   rate: str) -> str:
    """The live trial of a computed row, where a worksheet function can compute it."""
    quoted = f"'{form.name}'!"
    if row.kind == "slot":
        actual = by_path.get(f"{row.id}.actual")
        target = by_path.get(f"{row.id}.target")
        if actual and target:
            return (f'=IF({available}="","",IFERROR(PERF_POINTS({quoted}{actual.area.first},'
                    f'{quoted}{target.area.first},{available}),""))')
    if row.kind == "item" and row.group.method == "execution_rate":
        x = f"{quoted}{rate}"
        return f'=IF(AND(ISNUMBER({x}),ISNUMBER({available})),ROUND({available}*MIN(1,MAX(0,{x})),2),"")'
    return ""


_METHOD_SHOWN = {"computed": "自动计算", "manual": "人工评分"}


def _range_text(tier_range: Any) -> str:
    return f"{tier_range[0]}–{tier_range[1]}" if tier_range else ""


def score_values(rows: Sequence[ScoreRow], card: Any) -> dict[str, Any]:
    """What the engine's scorecard puts in the 评分表's output cells, by field path.

    The builder writes these as the cells' values; the 计算得分 button writes them again
    into the same cells. A slot without an indicator and an item the scorecard does not
    have get empty cells; a category row shows its subtotal as text (its points are
    those of its slot rows, so the 得分 column adds up to the total)."""
    values: dict[str, Any] = {
        "scoring.rules_title": f"评分规则：{card.title}（{card.rules}）　"
        + ("评分完成" if card.complete else "尚有待评分人打分的项目"),
        "scoring.total": card.total,
        "scoring.grade": card.grade,
    }
    items = {item.id: item for item in card.items}
    for row in rows:
        item = items.get(row.id)
        shown: dict[str, Any] = dict.fromkeys(("available", "score", "method", "tier_range", "explanation"), None)
        if item is not None:
            method = "不适用" if item.status == "dropped" else _METHOD_SHOWN[item.method]
            if item.status == "pending":
                method = "待人工评分"
            shown.update(available=item.available, score=item.points, method=method,
                         tier_range=_range_text(item.tier_range), explanation=item.explanation)
        elif row.kind == "category":
            slots = [items[r.id] for r in rows if r.kind == "slot" and r.group == row.group and r.id in items]
            if slots:
                available = sum((i.available for i in slots), Decimal(0))
                got = sum((i.points for i in slots if i.points is not None), Decimal(0))
                pending = sum(1 for i in slots if i.status == "pending")
                shown.update(method="按指标计分", explanation=(
                    f"本类按下列{len(slots)}个指标计分：分值合计{available}分，得分小计{got}分"
                    + (f"，其中{pending}项待人工评分。" if pending else "。")))
        for attr, value in shown.items():
            values[score_path(row.id, attr)] = value
        if row.kind == "slot":
            values[score_path(row.id, "name")] = item.name if item is not None else None
        values[score_path(row.id, "trial")] = (
            item.points if item is not None and item.method == "computed" else None)
    return values


# ------------------------------------------------------------------ xlwings.conf and _xlperf

XLWINGS_CONF: tuple[tuple[str, Any, str], ...] = (
    ("UDF Modules", "xlperf.udfs", "提供 PERF_ 工作表函数的 Python 模块（需已安装 xlperf）。"),
    ("Use UDF Server", False, "保持 False。"),
)
"""The xlwings settings sheet: column A key, column B value, read from A1 down to the
first empty cell; explanations sit in column D, which xlwings never reads. The sheet is
hidden (xlwings reads it all the same), so that printing the workbook never prints it.

No Interpreter_Win/Interpreter_Mac row unless one is given (`xlperf new --interpreter`):
a row on this sheet overrides the user's own ~/.xlwings/xlwings.conf and the add-in's
setting even when it is empty, which breaks Anaconda, virtual-environment and py-launcher
installs."""

INTERPRETER_NOTES = {
    "Interpreter_Win": "Windows 上运行 Python 的程序（pythonw.exe 的完整路径）。本行会覆盖 xlwings 插件和用户配置文件"
                       "（%USERPROFILE%\\.xlwings\\xlwings.conf）中的同名设置；如需使用那些设置，请删除本行。",
    "Interpreter_Mac": "macOS 上 python 的完整路径。本行会覆盖用户配置文件中的同名设置；如需使用那些设置，请删除本行。",
}


def interpreter_setting(path: str) -> tuple[str, str]:
    """(xlwings key, path) for an interpreter a person names: a path starting with “/” is
    macOS's (Interpreter_Mac), any other (C:\\...\\pythonw.exe) Windows' (Interpreter_Win)."""
    text = str(path).strip()
    if not text or len(text) > 1000 or any(ord(ch) < 32 for ch in text):
        raise ValueError(f"解释器路径“{text[:80]}”无效：应为 pythonw.exe（Windows）或 python（macOS）的完整路径")
    return ("Interpreter_Mac" if text.startswith("/") else "Interpreter_Win"), text


def _conf_sheet() -> SheetLayout:
    s = _Draft(CONF)
    for row, (key, _, note) in enumerate(XLWINGS_CONF):
        s.label(row, 0, row, 0, key, "conf")
        s.output(row, 1, row, 1, f"xlwings.{key}", key, "conf", "conf")
        s.label(row, 3, row, 3, note, "note")
    return s.done((18.0, 16.0, 2.0, 100.0), hidden=True, protected=False)


def _meta_sheet() -> SheetLayout:
    return _Draft(META).done((24.0, 60.0), hidden=True, protected=False)


# ------------------------------------------------------------------ capacities and layout

DEFAULT_BUDGET_ROWS = 3
DEFAULT_PURPOSE_ROWS = 3
DEFAULT_INDICATOR_ROWS = 3
# MAX_ROWS, the largest capacity of a block, is the model's bound on its rows (imported).


def _count(value: Any, what: str) -> int:
    try:
        n = int(value)
    except (TypeError, ValueError):
        raise ValueError(f"{what}应为整数，实际为“{value}”") from None
    if not 1 <= n <= MAX_ROWS:
        raise ValueError(f"{what}应在1到{MAX_ROWS}之间，实际为{n}")
    return n


@dataclass(frozen=True)
class Capacity:
    """How many rows each growing block has.

    budget_rows: year rows of 资金安排情况 and, equally, of 资金使用情况;
    purpose_rows: rows of 按方向划分; indicator_rows: rows of each sub-category, in
    SubCategory order. 实施文件依据 is one cell with one document per line, so it needs
    no capacity.
    """

    budget_rows: int = DEFAULT_BUDGET_ROWS
    purpose_rows: int = DEFAULT_PURPOSE_ROWS
    indicator_rows: tuple[int, ...] = (DEFAULT_INDICATOR_ROWS,) * len(SubCategory)

    def rows_for(self, sub: SubCategory) -> int:
        return self.indicator_rows[list(SubCategory).index(sub)]


def _plan_of(rules: Any) -> tuple[tuple[ScoreGroup, ...], str]:
    """(the 评分表's items, the rule set's name or path to record) for a rule set given
    as None/"" (the default), a shipped name, a path or a loaded RuleSet."""
    if rules is None or (isinstance(rules, str) and not rules.strip()):
        return default_plan(), ""
    if isinstance(rules, str):
        from xlperf.engine.scoring import load_rules

        return score_plan(load_rules(rules)), rules.strip()
    return score_plan(rules), str(getattr(rules, "name", "") or "")


@dataclass(frozen=True)
class Layout:
    """The whole workbook's layout for given capacities and rule set.

    The 评分表's rows follow from the rule set's items (`plan`) and the capacities alone,
    so adding an indicator on 附件1-1 never moves a cell: its slot row on the 评分表 is
    already there (see `score_rows`)."""

    capacity: Capacity = field(default_factory=Capacity)
    rules: str = ""
    """The rule set (name or path) the 评分表 scores with; "" for the default."""
    plan: tuple[ScoreGroup, ...] = field(default_factory=default_plan)
    """The rule set's items as the 评分表 lays them out."""
    version: int = LAYOUT_VERSION
    """The layout version of the workbook this layout was read from (a new build writes
    LAYOUT_VERSION). In version 2 the 评分表's scores were values the engine wrote, not
    formulas: the 计算得分 button still writes them there."""

    # -- construction

    @classmethod
    def for_capacity(
        cls,
        budget_rows: int = DEFAULT_BUDGET_ROWS,
        purpose_rows: int = DEFAULT_PURPOSE_ROWS,
        indicator_rows: int | Mapping[str, int] = DEFAULT_INDICATOR_ROWS,
        rules: Any = None,
    ) -> "Layout":
        """A layout with the given room. indicator_rows: one number for every
        sub-category, or {sub-category name (e.g. "quality"): rows}, the rest default.
        rules: a rule-set name, path or RuleSet (None: national-2020); a rule set that
        cannot be loaded raises `xlperf.scoring.RulesError` (a ValueError)."""
        if isinstance(indicator_rows, Mapping):
            unknown = set(indicator_rows) - {s.name for s in SubCategory}
            if unknown:
                raise ValueError(f"没有这些指标子类：{'、'.join(sorted(unknown))}")
            rows = tuple(
                _count(indicator_rows.get(s.name, DEFAULT_INDICATOR_ROWS), f"{s.value}行数") for s in SubCategory
            )
        else:
            rows = (_count(indicator_rows, "每个指标子类的行数"),) * len(SubCategory)
        cap = Capacity(_count(budget_rows, "资金年度行数"), _count(purpose_rows, "按方向划分行数"), rows)
        plan, recorded = _plan_of(rules)
        return cls.of(cap, recorded, plan)

    @classmethod
    def of(cls, capacity: Capacity, rules: str = "", plan: tuple[ScoreGroup, ...] | None = None,
           version: int = LAYOUT_VERSION) -> "Layout":
        """The layout of these capacities, rule-set name and plan, shared between calls.

        A layout is immutable, and its sheets and indexes (cached properties) take a few
        milliseconds to build: every form of a batch, read or located, reuses them."""
        return _shared_layout(capacity, rules, default_plan() if plan is None else plan, version)

    @classmethod
    def for_model(cls, ev: SelfEvaluation | None, minimum: "Layout | None" = None) -> "Layout":
        """Room for everything `ev` holds: max(the minimum layout's capacities, the data's rows)."""
        minimum = minimum or cls.of(Capacity())
        base = minimum.capacity
        if ev is None:
            return minimum
        f = ev.funding
        cap = Capacity(
            max(base.budget_rows, len(f.budget), len(f.spending)),
            max(base.purpose_rows, len(f.by_purpose)),
            tuple(max(base.rows_for(s), len(ev.indicators.rows(s))) for s in SubCategory),
        )
        return cls.of(cap, minimum.rules, minimum.plan)

    def with_rules(self, rules: Any, recorded: str | None = None) -> "Layout":
        """The same capacities with the 评分表 of `rules` (a name, path or RuleSet);
        `recorded`: the name or path to record instead of the rule set's own name."""
        plan, name = _plan_of(rules)
        return Layout.of(self.capacity, name if recorded is None else recorded, plan)

    @cached_property
    def score_rows(self) -> tuple[ScoreRow, ...]:
        """The 评分表's rows (see `score_rows`)."""
        return score_rows(self.plan, self.capacity)

    def score_values(self, card: Any) -> dict[str, Any]:
        """The engine's values of the 评分表's output cells for a scorecard, by field path."""
        return score_values(self.score_rows, card)

    def unplaced(self, card: Any) -> list[Any]:
        """The scorecard's items that have no row on this 评分表 (the rule file changed
        after the workbook was built)."""
        ids = {row.id for row in self.score_rows}
        return [item for item in card.items if item.id not in ids]

    # -- the sheets

    @cached_property
    def sheets(self) -> tuple[SheetLayout, ...]:
        form = _form_sheet(self.capacity)
        by_path = {c.path: c for c in form.cells if c.path and c.role != "label"}
        score = _score_sheet(self.score_rows, self.rules, form, by_path)
        return (form, score, _report_sheet(), _conf_sheet(), _meta_sheet())

    def sheet(self, name: str) -> SheetLayout:
        for s in self.sheets:
            if s.name == name:
                return s
        raise KeyError(name)

    def cells(self, role: str | None = None) -> Iterator[Cell]:
        for s in self.sheets:
            for c in s.cells:
                if role is None or c.role == role:
                    yield c

    def inputs(self) -> Iterator[Cell]:
        return self.cells("input")

    @cached_property
    def _by_path(self) -> dict[str, Cell]:
        found: dict[str, Cell] = {}
        for c in self.cells():
            if c.path and c.role in ("input", "formula"):
                found.setdefault(c.path, c)
        for c in self.cells("output"):
            if c.path:
                found.setdefault(c.path, c)
        for c in self.cells("label"):
            if c.path:
                found.setdefault(c.path, c)
        return found

    @cached_property
    def _prefix_index(self) -> dict[str, Cell]:
        found: dict[str, Cell] = {}
        for c in self.cells():
            if not c.path or c.role not in ("input", "formula"):
                continue
            for prefix in _prefixes(c.path):
                found.setdefault(prefix, c)
        return found

    def cell_for(self, path: str) -> Cell | None:
        """The declared cell a field path points at: the field's own cell; else the first
        cell inside it (a row, a block); else the cell of its nearest enclosing path
        (a row beyond the capacity points at its sub-category)."""
        path = path.strip()
        while path:
            cell = self._by_path.get(path) or self._prefix_index.get(path)
            if cell is not None:
                return cell
            path = _parent(path)
        return None

    def cell_of(self, path: str) -> str | None:
        """'附件1-1!D5' for a field path (the top-left cell of a merged range), or None."""
        cell = self.cell_for(path)
        return cell.ref if cell else None

    locate = cell_of

    def area_of(self, path: str) -> tuple[str, str] | None:
        """(sheet, 'D5:F5') for a field path: the whole merged range, for marks."""
        cell = self.cell_for(path)
        return (cell.sheet, cell.area.ref) if cell else None

    # -- meta (the hidden _xlperf sheet)

    def meta(self) -> list[tuple[str, str]]:
        """Key/value rows for the hidden _xlperf sheet: everything `from_meta` needs
        (the 评分表's items are recorded, so a workbook reads back without its rule file)."""
        rows = [
            ("generator", "xlperf"),
            ("form_kind", FORM_KIND),
            ("layout_version", str(LAYOUT_VERSION)),
            ("budget_rows", str(self.capacity.budget_rows)),
            ("purpose_rows", str(self.capacity.purpose_rows)),
        ]
        rows += [(f"indicator_rows.{s.name}", str(self.capacity.rows_for(s))) for s in SubCategory]
        rows.append(("rules", self.rules))
        plan = [[g.id, g.name, g.category, g.points, g.method, list(g.sub_categories), g.per_indicator, g.when_empty]
                for g in self.plan]
        rows.append(("score_plan", json.dumps(plan, ensure_ascii=False)))
        return rows

    @classmethod
    def from_meta(cls, meta: Mapping[str, Any]) -> "Layout":
        """The layout a workbook was built with, from its _xlperf key/value rows."""
        version = meta.get("layout_version")
        try:
            version = int(str(version))
        except ValueError:
            raise ValueError("_xlperf 工作表缺少布局版本，这不是 xlperf 生成的工作簿") from None
        if version > LAYOUT_VERSION:
            raise ValueError(f"工作簿的布局版本为{version}，本程序只认识到{LAYOUT_VERSION}，请升级 xlperf")
        if version < OLDEST_READABLE_VERSION:
            raise ValueError(
                f"工作簿的布局版本为{version}，是旧版 xlperf 生成的，其评分表格式已改变（现为版本{LAYOUT_VERSION}）："
                "请用 xlperf new 重新生成工作簿，再把内容复制过去"
            )
        rows = {s.name: meta.get(f"indicator_rows.{s.name}", DEFAULT_INDICATOR_ROWS) for s in SubCategory}
        layout = cls.for_capacity(
            meta.get("budget_rows", DEFAULT_BUDGET_ROWS), meta.get("purpose_rows", DEFAULT_PURPOSE_ROWS), rows
        )
        rules = str(meta.get("rules") or "")
        plan = _plan_from_meta(str(meta.get("score_plan") or "null"))
        return Layout.of(layout.capacity, rules, plan, version)

    # -- marks

    def marks_for(self, findings: Iterable[Any]) -> list[Mark]:
        """The marks to write for findings (objects with code, severity, field, cell,
        message): one mark per cell, red for errors, amber for warnings, the messages
        in its comment. Findings that point nowhere get no mark."""
        grouped: dict[tuple[str, Area], list[Any]] = {}
        for f in findings:
            cell = self._cell_of_finding(f)
            if cell is not None:
                grouped.setdefault((cell.sheet, cell.area), []).append(f)
        marks = []
        for (sheet, area), group in grouped.items():
            severity = "error" if any(f.severity == "error" for f in group) else "warning"
            lines = [f"【{'错误' if f.severity == 'error' else '警告'} {f.code}】{f.message}" for f in group]
            original = self.original_fill(sheet, area.ref)
            marks.append(
                Mark(sheet, area.first, area.ref, severity, MARK_FILLS[severity], "\n".join(lines), original)
            )
        return marks

    def _cell_of_finding(self, finding: Any) -> Cell | None:
        ref = getattr(finding, "cell", None)
        if ref:
            sheet, _, where = str(ref).rpartition("!")
            sheet = sheet.strip("'")
            try:
                r, c = parse_a1(where.split(":")[0])
            except ValueError:
                r = c = None
            if r is not None:
                for cell in self.cells():
                    if cell.sheet == sheet and cell.area.row <= r <= cell.area.last_row and \
                            cell.area.col <= c <= cell.area.last_col:
                        return cell
                return Cell(sheet, Area(r, c, r, c), "label")
        path = getattr(finding, "field", None)
        return self.cell_for(path) if path else None

    def original_fill(self, sheet: str, ref: str) -> str | None:
        """The fill a declared cell has in the macro workbook (None: no fill)."""
        area = Area.parse(ref)
        for c in self.sheet(sheet).cells if sheet in SHEETS else ():
            if c.area == area:
                return INPUT_FILL if c.role == "input" else STYLE_FILLS.get(c.style)
        return None

    def restore_fills(self, sheet: str) -> list[tuple[str, str | None]]:
        """(range, fill) for every declared cell of a sheet: what 清除标记 writes back."""
        return [
            (c.area.ref, INPUT_FILL if c.role == "input" else STYLE_FILLS.get(c.style))
            for c in self.sheet(sheet).cells
        ]


_PLAN_METHODS = ("execution_rate", "indicators", "manual")
_PLAN_WHEN_EMPTY = ("drop", "manual")


def _plan_from_meta(text: str) -> tuple[ScoreGroup, ...]:
    """The score plan recorded in _xlperf, checked item by item: at most MAX_ROWS items
    (a rule set has a few dozen), known methods and sub-categories only, so that a
    damaged or forged record is refused before it shapes a 评分表 of any size."""
    broken = ValueError("_xlperf 工作表中的评分项记录已损坏，请用 xlperf new 重新生成工作簿")
    try:
        raw = json.loads(text)
    except (ValueError, RecursionError):
        raise broken from None
    if not isinstance(raw, list) or len(raw) > MAX_ROWS:
        raise broken
    plan = []
    for item in raw:
        if not isinstance(item, list) or len(item) != 8:
            raise broken
        i, n, c, p, m, subs, per, w = item
        if (m not in _PLAN_METHODS or w not in _PLAN_WHEN_EMPTY or not isinstance(subs, list)
                or any(s not in SubCategory.__members__ for s in subs)
                or not all(isinstance(x, (str, int, float)) and len(str(x)) <= 200 for x in (i, n, c, p))):
            raise broken
        plan.append(ScoreGroup(str(i), str(n), str(c), str(p), m, tuple(subs), bool(per), w))
    return tuple(plan)


@functools.lru_cache(maxsize=16)
def _shared_layout(capacity: Capacity, rules: str, plan: tuple[ScoreGroup, ...], version: int) -> Layout:
    return Layout(capacity, rules, plan, version)


def cells_for_findings(findings: Iterable[Any], layout: Layout | None = None) -> list[Mark]:
    """Marks for findings on a workbook of `layout` (default capacities when None)."""
    return (layout or Layout()).marks_for(findings)


def _parent(path: str) -> str:
    """'a.b[2].c' -> 'a.b[2]' -> 'a.b' -> 'a' -> ''; an index may itself hold a path
    ('scoring.items[indicators.quality[0]]' -> 'scoring.items')."""
    if path.endswith("]"):
        depth = 0
        for i in range(len(path) - 1, -1, -1):
            depth += {"]": 1, "[": -1}.get(path[i], 0)
            if depth == 0:
                return path[:i]
        return ""
    depth = 0
    for i in range(len(path) - 1, -1, -1):
        depth += {"]": 1, "[": -1}.get(path[i], 0)
        if path[i] == "." and depth == 0:
            return path[:i]
    return ""


def _prefixes(path: str) -> Iterator[str]:
    while True:
        path = _parent(path)
        if not path:
            return
        yield path


# ------------------------------------------------------------------ field paths <-> the model


def path_tokens(path: str) -> list[tuple[str, str | None]]:
    """'funding.budget[0].year' -> [('funding', None), ('budget', '0'), ('year', None)];
    an index may itself be a path (评分表 items: 'scoring.items[indicators.quality[0]].tier')."""
    return list(_path_tokens(path))


@functools.lru_cache(maxsize=8192)
def _path_tokens(path: str) -> tuple[tuple[str, str | None], ...]:
    """path_tokens, cached: a form's few hundred paths are the same in every form read."""
    tokens: list[tuple[str, str | None]] = []
    name, index, depth = "", None, 0
    buf = ""
    for ch in path:
        if depth:
            if ch == "[":
                depth += 1
            elif ch == "]":
                depth -= 1
                if depth == 0:
                    index, buf = buf, ""
                    continue
            buf += ch
        elif ch == "[":
            name, buf, depth = buf, "", 1
        elif ch == ".":
            tokens.append((name or buf, index))
            name, index, buf = "", None, ""
        else:
            buf += ch
    tokens.append((name or buf, index))
    return tuple(tokens)


def field_value(ev: SelfEvaluation, path: str) -> Any:
    """The model's value at a layout field path (None where the data has no such row).

    A sub-category marked 无 shows 无 in every column of its first row, as the official
    form does (its 分值 stays empty); the 评分表 paths read the person's scoring entries."""
    tokens = path_tokens(path)
    if tokens[0][0] == "scoring" and len(tokens) == 3 and tokens[1][0] == "items":
        entry = ev.scoring.entry(tokens[1][1] or "")
        return getattr(entry, tokens[2][0]) if entry else None
    if tokens[0][0] == "indicators" and len(tokens) == 3:
        sub = SubCategory[tokens[1][0]]
        i = int(tokens[1][1] or 0)
        if ev.indicators.is_none(sub):
            return "无" if i == 0 and tokens[2][0] != "weight" else None
        rows = ev.indicators.rows(sub)
        return getattr(rows[i], tokens[2][0]) if i < len(rows) else None
    value: Any = ev
    for name, index in tokens:
        value = getattr(value, name, None)
        if index is not None:
            i = int(index)
            value = value[i] if isinstance(value, list) and i < len(value) else None
        if value is None:
            return None
    return value
