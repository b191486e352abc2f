"""The national 项目支出绩效自评表 as one sheet, declared once (表格布局).

Every label and every input cell of the official table is a `Spot` here: its rows and
columns, and either its text (a label) or its field path and kind (an input). Building the
workbook, reading it back, marking it and pointing a finding at its cell
(`NationalLayout.cell_of`) all come from this declaration (`xlperf.forms.national_2020.workbook`).

The sheet prints as the official table: A4 portrait, one page wide, the indicator table's
header repeated on every page. The number of indicator rows is the layout's one capacity,
recorded in the hidden ``_xlperf`` sheet with the kind (``form_kind``) and the layout version.

Layout version 2 adds, right of the printed columns A–J (column K is a gap), the cells of
the formula edition (`xlperf.forms.national_2020.native`), none of them printed:

- beside each indicator row, from column L, the helper cells `INDICATOR_HELPERS`: first the
  engine's understanding of the row (`ENGINE_HELPERS`, written by the builder and by the
  macro edition's 计算得分), then the formulas' own reading of texts typed later, the
  judgement, the fraction earned and the computed 得分;
- above them (rows 1–12 of the helper columns) the 项目资金 scalars (`FUND_HELPERS`) and the
  rule table (`RULE_ROWS`, grade bands `GRADE_COL`, execution caps `CAP_COL`);
- right of the helper columns, the flags block (`FLAGS_FIRST_COL`, `xlperf.forms.national_2020.flags`);
  below the print area the 校验汇总.

The official cells the form computes (`COMPUTED`: each fund row's 执行率, the 年度资金总额
row's 得分, each indicator row's 得分, 总分's 分值 and 得分, 自评等级) hold native formulas in
the formula edition; a person may type over any of them. Version 1 (released: the plain
table) reads as before: its cells are the same.

Pure data: no XlsxWriter, no openpyxl.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Literal

from xlperf.files.grid import col_letter
from xlperf.forms.national_2020.model import KIND, MAX_ROWS

LAYOUT_VERSION = 2
SHEET = "项目支出绩效自评表"
CHECKS_SHEET = "校验结果"
META = "_xlperf"
TITLE = "项目支出绩效自评表"
DEFAULT_INDICATOR_ROWS = 12
COLUMN_WIDTHS = (9, 11, 10, 12, 12, 12, 10, 9, 10, 14)
"""Columns A–J, in characters; together about one A4 page wide."""
INDICATOR_HEADER_ROW = 12
"""0-based row of the 绩效指标 header (一级指标 … 偏差原因分析及改进措施): repeated on each page."""

Kind = Literal["label", "text", "longtext", "int", "amount", "points", "percent", "date"]
Style = Literal["title", "label", "head", "input", "note"]

NOTE = (
    "注：1.一级指标分值统一设置为：产出指标50分、效益指标30分、服务对象满意度指标10分、预算执行率10分；"
    "三级指标的分值由单位按各项指标的重要程度确定，得分不超过该指标的分值。"
    "2.定量指标达到年度指标值得满分，未达到按 实际完成值/年度指标值（“≤”类指标按 年度指标值/实际完成值）× 分值计分；"
    "定性指标按 达成年度指标、部分达成并具有一定效果、未达成且效果较差 三档，分别按分值的100%–80%、80%–60%、60%–0%计分。"
    "3.偏离年度指标值或未完成的指标，在“偏差原因分析及改进措施”中写明原因和改进措施。"
)


@dataclass(frozen=True)
class Spot:
    """One cell (or merged range) of the sheet: a label, or an input for a field path."""

    row: int
    col: int
    text: str = ""
    path: str | None = None
    kind: Kind = "label"
    style: Style = "label"
    rows: int = 1
    cols: int = 1

    @property
    def ref(self) -> str:
        first = a1(self.row, self.col)
        if self.rows == 1 and self.cols == 1:
            return first
        return f"{first}:{a1(self.row + self.rows - 1, self.col + self.cols - 1)}"

    @property
    def first(self) -> str:
        return a1(self.row, self.col)


def a1(row: int, col: int) -> str:
    return f"{col_letter(col)}{row + 1}"


def _absolute(ref: str) -> str:
    letters = ref.rstrip("0123456789")
    return f"${letters}${ref[len(letters):]}"


def fund_ref(key: str, absolute: bool = True) -> str:
    """The value cell of a 项目资金/总分 scalar (`FUND_HELPERS`)."""
    row = [k for k, _ in FUND_HELPERS].index(key)
    ref = a1(row, FUND_VALUE_COL)
    return _absolute(ref) if absolute else ref


def rule_ref(key: str, absolute: bool = True) -> str:
    """The value cell of a rule-table number (`RULE_ROWS`)."""
    row = [k for k, _ in RULE_ROWS].index(key)
    ref = a1(row, RULE_VALUE_COL)
    return _absolute(ref) if absolute else ref


def _label(row, col, text, rows=1, cols=1, style: Style = "label") -> Spot:
    return Spot(row, col, text=text, rows=rows, cols=cols, style=style)


def _input(row, col, path, kind: Kind = "text", rows=1, cols=1) -> Spot:
    return Spot(row, col, path=path, kind=kind, style="input", rows=rows, cols=cols)


LEVEL1 = ("产出指标", "效益指标", "满意度指标")
LEVEL2 = ("数量指标", "质量指标", "时效指标", "成本指标", "经济效益指标", "社会效益指标", "生态效益指标",
          "可持续影响指标", "服务对象满意度指标")
"""The official 一级/二级指标 names, offered as lists in the working copy (other names may be typed)."""

_FUND_ROWS = (("total", "年度资金总额"), ("appropriation", "其中：当年财政拨款"), ("carryover", "上年结转资金"), ("other", "其他资金"))
_FUND_COLS = (("initial", "年初预算数", "amount"), ("budget", "全年预算数", "amount"), ("executed", "全年执行数", "amount"),
              ("points", "分值", "points"), ("rate", "执行率（%）", "percent"), ("score", "得分", "points"))
_INDICATOR_COLS = (  # (attr, header, col, cols, kind)
    ("level1", "一级指标", 0, 1, "text"),
    ("level2", "二级指标", 1, 1, "text"),
    ("name", "三级指标", 2, 2, "text"),
    ("target", "年度指标值", 4, 1, "text"),
    ("actual", "实际完成值", 5, 1, "text"),
    ("points", "分值", 6, 1, "points"),
    ("score", "得分", 7, 1, "points"),
    ("deviation", "偏差原因分析及改进措施", 8, 2, "longtext"),
)


# --------------------------------------------------------------------------- formula edition (layout version 2)

HELPER_FIRST_COL = 11
"""Column L: the first helper column (A–J print, K is a gap)."""

INDICATOR_HELPERS: dict[str, tuple[str, float]] = {
    # what the engine understood of the row when xlperf wrote it (ENGINE_HELPERS; a person may correct 方向)
    "l2_src": ("二级指标原文", 10.0),
    "n_src": ("三级指标原文", 10.0),
    "t_src": ("指标值原文", 10.0),
    "a_src": ("完成值原文", 10.0),
    "dir": ("方向", 6.0),
    "t_num": ("指标数值", 8.0),
    "a_num": ("完成数值", 8.0),
    "unit": ("单位", 6.0),
    "rel": ("较上年", 6.0),
    "prop": ("按比例", 6.0),
    # what the formulas read themselves from texts typed later (≥X, X以上, 不低于X, a bare X ...)
    "rule": ("单独数字规则", 6.0),
    "t_norm": ("指标值规范", 9.0),
    "t_pre": ("前缀长", 5.0),
    "t_suf": ("后缀长", 5.0),
    "t_body": ("指标主体", 8.0),
    "t_pct": ("指标%", 5.0),
    "t_txt": ("指标数字", 8.0),
    "t_ok": ("指标可读", 5.0),
    "a_norm": ("完成值规范", 9.0),
    "a_pct": ("完成%", 5.0),
    "a_txt": ("完成数字", 8.0),
    "a_ok": ("完成可读", 5.0),
    "n_dir": ("公式方向", 6.0),
    "n_t": ("公式指标", 8.0),
    "n_a": ("公式完成", 8.0),
    # what is used: the engine's understanding while every copied text is unchanged, else the formulas'
    "same": ("原文未改", 6.0),
    "e_dir": ("采用方向", 6.0),
    "e_t": ("采用指标", 8.0),
    "e_a": ("采用完成", 8.0),
    "e_rel": ("采用较上年", 6.0),
    "e_prop": ("不按比例", 6.0),
    "has": ("有指标值", 5.0),
    "judged": ("自动判断", 9.0),
    "ratio": ("未达比例", 8.0),
    "frac": ("完成比例", 8.0),
    "over": ("超出比例", 8.0),
    "dev": ("偏离", 5.0),
    "pts": ("分值数", 6.0),
    "score": ("计算得分", 8.0),
    # the group a row belongs to (一级/二级 written once for a group: `scoring.labelled`), and
    # whether it is a template row left as it came (`scoring.unused`)
    "g1": ("所属一级指标", 9.0),
    "g2": ("所属二级指标", 9.0),
    "unused": ("未用模板行", 5.0),
    # whether the row is one of the form's rows (it, or a row below it, holds something)
    "f7": ("本行有内容", 5.0),
    "ex": ("是指标行", 5.0),
    "exw": ("是指标行（不计本行得分）", 5.0),
}
"""Helper cells right of each indicator row (outside the print area): title, width. `score`
is what the row's 得分 cell shows ("" where a person gives the points)."""

HELPER_COLUMN: dict[str, int] = {key: HELPER_FIRST_COL + k for k, key in enumerate(INDICATOR_HELPERS)}
ENGINE_HELPERS: tuple[str, ...] = ("l2_src", "n_src", "t_src", "a_src", "dir", "t_num", "a_num", "unit", "rel", "prop")
"""The helper cells written from the engine's reading (`native.understanding_rows`): contiguous,
from column L, in this order."""

FUND_HELPERS: tuple[tuple[str, str], ...] = (
    ("part_budget", "其中各项全年预算数之和"),
    ("part_exec", "其中各项全年执行数之和"),
    ("from_parts", "按其中各项计算"),
    ("budget", "计算用全年预算数"),
    ("executed", "计算用全年执行数"),
    ("rate", "预算执行率（比例）"),
    ("avail", "预算执行率分值"),
    ("score", "预算执行率计算得分"),
    ("score_sum", "各项得分之和"),
    ("cap", "执行率封顶的最高总分"),
    ("points_sum", "分值之和"),
    ("total", "总分（封顶后）"),
)
"""The 项目资金 and 总分 scalars: label in column L, value in column M, rows 1–12."""
FUND_LABEL_COL, FUND_VALUE_COL = HELPER_FIRST_COL, HELPER_FIRST_COL + 1

RULE_ROWS: tuple[tuple[str, str], ...] = (
    ("exec_points", "预算执行率默认分值"),
    ("total", "总分"),
    ("dev_on", "指标偏离规则（1有）"),
    ("dev_over", "偏离：超出指标值%"),
    ("dev_penalty", "偏离扣分"),
    ("dev_reason", "偏离须写偏差原因（1是）"),
    ("below_full", "未得满分须写偏差原因（1是）"),
    ("caps", "执行率封顶档数"),
    ("grades", "最低一档的行号"),
)
"""The rule set's numbers the formulas read: label in column O, value in column P, rows 1–9."""
RULE_LABEL_COL, RULE_VALUE_COL = HELPER_FIRST_COL + 3, HELPER_FIRST_COL + 4
GRADE_COL = HELPER_FIRST_COL + 6
"""The grade bands, lowest first: 最低分 (column R) | 等级 (column S), rows 2–12 (row 1: titles)."""
CAP_COL = HELPER_FIRST_COL + 9
"""The execution-rate caps: 执行率自% | 至% | 最高总分 (columns U–W), rows 2–12 (row 1: titles)."""
RULE_TABLE_ROWS = 11
"""Grade bands and caps the table holds (rows 2–12)."""
FLAGS_FIRST_COL = HELPER_FIRST_COL + len(INDICATOR_HELPERS) + 1
"""The flags block (代码 | 级别 | 单元格 | 触发 | 说明 | 序号), a column after the helper cells."""


@dataclass(frozen=True)
class NationalLayout:
    """The sheet for a given number of indicator rows."""

    indicator_rows: int = DEFAULT_INDICATOR_ROWS
    version: int = LAYOUT_VERSION
    """The layout version of the workbook read (a new workbook: `LAYOUT_VERSION`)."""

    @classmethod
    def for_form(cls, form, rows: int | None = None) -> "NationalLayout":
        """Room for every indicator row the form holds, and at least `rows` (default 12)."""
        want = DEFAULT_INDICATOR_ROWS if rows is None else rows
        if not 1 <= want <= MAX_ROWS:
            raise ValueError(f"指标行数应在1到{MAX_ROWS}之间")
        return cls(max(want, len(form.indicators)) if form is not None else want)

    @classmethod
    def from_meta(cls, meta: dict) -> "NationalLayout":
        """The layout a workbook's ``_xlperf`` rows record."""
        try:
            version = int(str(meta.get("layout_version")))
        except ValueError:
            raise ValueError("_xlperf 工作表缺少布局版本，这不是 xlperf 生成的工作簿") from None
        if version > LAYOUT_VERSION:
            raise ValueError(f"工作簿的布局版本为{version}，本程序只认识到{LAYOUT_VERSION}，请升级 xlperf")
        try:
            rows = int(str(meta.get("indicator_rows", DEFAULT_INDICATOR_ROWS)))
        except ValueError:
            raise ValueError("_xlperf 工作表中的指标行数已损坏") from None
        if not 1 <= rows <= MAX_ROWS:
            raise ValueError("_xlperf 工作表中的指标行数已损坏")
        return cls(rows, version)

    def meta(self) -> list[tuple[str, str]]:
        return [
            ("generator", "xlperf"),
            ("form_kind", KIND),
            ("layout_version", str(LAYOUT_VERSION)),
            ("indicator_rows", str(self.indicator_rows)),
        ]

    @property
    def total_row(self) -> int:
        return INDICATOR_HEADER_ROW + 1 + self.indicator_rows

    @property
    def first_indicator_row(self) -> int:
        """0-based sheet row of the first indicator row."""
        return INDICATOR_HEADER_ROW + 1

    def indicator_row(self, index: int) -> int:
        """0-based sheet row of indicator row `index`."""
        return INDICATOR_HEADER_ROW + 1 + index

    def helper_ref(self, index: int, key: str, absolute: bool = False) -> str:
        """The helper cell `key` (of `INDICATOR_HELPERS`) of indicator row `index`, as A1."""
        ref = a1(self.indicator_row(index), HELPER_COLUMN[key])
        return _absolute(ref) if absolute else ref

    def computed_paths(self) -> tuple[str, ...]:
        """The official cells the form computes (`COMPUTED`), for this many indicator rows."""
        rows = tuple(f"indicators[{i}].score" for i in range(self.indicator_rows))
        return (*(f"funds.{name}.rate" for name, _ in _FUND_ROWS), "funds.total.score", *rows,
                "total.points", "total.score", "grade")

    @property
    def summary_row(self) -> int:
        """0-based row of the 校验汇总's title: two rows below the print area."""
        return self.total_row + 5

    @cached_property
    def spots(self) -> tuple[Spot, ...]:
        s: list[Spot] = [
            _label(0, 0, TITLE, cols=10, style="title"),
            _label(1, 0, "评价年度", cols=2), _input(1, 2, "year", "int"), _label(1, 3, "年度", cols=1),
            _label(1, 6, "金额单位：万元", cols=4, style="note"),
            _label(2, 0, "项目名称", cols=2), _input(2, 2, "project_name", cols=8),
            _label(3, 0, "主管部门", cols=2), _input(3, 2, "department", cols=3),
            _label(3, 5, "实施单位", cols=2), _input(3, 7, "implementer", cols=3),
            _label(4, 0, "项目负责人", cols=2), _input(4, 2, "manager", cols=3),
            _label(4, 5, "联系电话", cols=2), _input(4, 7, "phone", cols=3),
            _label(5, 0, "项目资金（万元）", rows=5, cols=2), _label(5, 2, "", cols=2, style="head"),
        ]
        s += [_label(5, 4 + k, head, style="head") for k, (_, head, _) in enumerate(_FUND_COLS)]
        for r, (name, label) in enumerate(_FUND_ROWS, start=6):
            s.append(_label(r, 2, label, cols=2))
            for k, (attr, _, kind) in enumerate(_FUND_COLS):
                if name == "total" or attr in ("initial", "budget", "executed", "rate"):
                    s.append(_input(r, 4 + k, f"funds.{name}.{attr}", kind))
                else:
                    s.append(_label(r, 4 + k, "—"))
        s += [
            _label(10, 0, "年度总体目标", rows=2, cols=2),
            _label(10, 2, "预期目标", cols=4, style="head"), _label(10, 6, "实际完成情况", cols=4, style="head"),
            _input(11, 2, "goals.expected", "longtext", cols=4), _input(11, 6, "goals.actual", "longtext", cols=4),
        ]
        s += [_label(INDICATOR_HEADER_ROW, col, head, cols=cols, style="head") for _, head, col, cols, _ in _INDICATOR_COLS]
        for i in range(self.indicator_rows):
            r = INDICATOR_HEADER_ROW + 1 + i
            s += [_input(r, col, f"indicators[{i}].{attr}", kind, cols=cols) for attr, _, col, cols, kind in _INDICATOR_COLS]
        t = self.total_row
        s += [
            _label(t, 0, "总分", cols=6, style="head"), _input(t, 6, "total.points", "points"), _input(t, 7, "total.score", "points"),
            _label(t, 8, "自评等级"), _input(t, 9, "grade"),
            _label(t + 1, 0, "预算调整说明", cols=2), _input(t + 1, 2, "funds.change_note", "longtext", cols=8),
            _label(t + 2, 0, "填报日期", cols=2), _input(t + 2, 2, "fill_date", "date", cols=3),
            _label(t + 3, 0, NOTE, cols=10, style="note"),
        ]
        return tuple(s)

    def inputs(self) -> tuple[Spot, ...]:
        return tuple(s for s in self.spots if s.path is not None)

    @cached_property
    def _by_path(self) -> dict[str, Spot]:
        return {s.path: s for s in self.inputs()}

    def spot_for(self, path: str) -> Spot | None:
        """The input cell of a field path, or of the nearest field that has one
        (``indicators[3]`` → its 三级指标 cell; ``indicators`` → the table's first row)."""
        if path in self._by_path:
            return self._by_path[path]
        if path == "indicators":
            return self._by_path.get("indicators[0].level1")
        if path.startswith("indicators[") and path.endswith("]"):
            return self._by_path.get(f"{path}.name")
        return None

    def cell_of(self, path: str) -> str | None:
        """The cell a finding about `path` points at, as 项目支出绩效自评表!C3."""
        spot = self.spot_for(path)
        return f"{SHEET}!{spot.first}" if spot is not None else None
