"""The national 项目支出绩效自评表 as one sheet, declared once (表格布局).

Every label and every input cell of the official table is a `Spot` here: its rows and
columns, and either its text (a label) or its field path and kind (an input). Building the
workbook, reading it back, marking it and pointing a finding at its cell
(`NationalLayout.cell_of`) all come from this declaration (`xlperf.forms.national_2020.workbook`).

The sheet prints as the official table: A4 portrait, one page wide, the indicator table's
header repeated on every page. The number of indicator rows is the layout's one capacity,
recorded in the hidden ``_xlperf`` sheet with the kind (``form_kind``) and the layout version.

Pure data: no XlsxWriter, no openpyxl.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Literal

from xlperf.forms.national_2020.model import KIND, MAX_ROWS

LAYOUT_VERSION = 1
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
    return f"{chr(65 + col)}{row + 1}"


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


@dataclass(frozen=True)
class NationalLayout:
    """The sheet for a given number of indicator rows."""

    indicator_rows: int = DEFAULT_INDICATOR_ROWS

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
        return cls(rows)

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
