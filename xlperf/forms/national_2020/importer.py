"""The national 项目支出绩效自评表 read from a copy typed by hand (导入).

Units type the table of 财预〔2020〕10号 in Word, Excel or WPS, and every copy differs:
the year in the title ("2022年度项目支出绩效自评表", "（2022年度）", also in Chinese digits "二〇二二年度") or in a 评价年度 field,
项目资金 as a small matrix whose rows (年度资金总额, 其中：当年财政拨款, 上年结转资金,
其他资金) and columns (年初预算数 … 得分) come in any order and merge pattern, 预期目标 and
实际完成情况 side by side or one above the other, 一级/二级指标 written once over a merged
range or left blank below, 偏差原因分析及改进措施 split into 原因分析 | 改进措施, an extra 备注
column. Every field is found by its official label through `xlperf.forms.anchored`; this
module says which labels name which field and how the matrix and the indicator table are
read.

Fields the official template has are required (missing: IMP001). Fields only local
variants add (项目负责人, 联系电话, 填报日期, 自评等级, 预算调整说明) and the 总分 row may
be absent: the field stays empty and IMP006 (a warning) says so. Nothing is guessed.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from xlperf.files.grid import TextGrid, norm
from xlperf.forms.anchored import Anchors, Column, Imported, Reader, ReadItem, ScalarField, finding
from xlperf.forms.national_2020.layout import TITLE as FORM_TITLE
from xlperf.forms.national_2020.model import KIND, NationalForm
from xlperf.forms.national_2020.scoring import carried

TITLE = "项目支出绩效自评表"
MODEL = NationalForm

REQUIRED: tuple[ScalarField, ...] = (
    ScalarField("project_name", ("项目名称",), "text", "项目名称"),
    ScalarField("department", ("主管部门",), "text", "主管部门"),
    ScalarField("implementer", ("实施单位",), "text", "实施单位"),
    ScalarField("goals.expected", ("预期目标",), "longtext", "年度总体目标的预期目标"),
    ScalarField("goals.actual", ("实际完成情况",), "longtext", "年度总体目标的实际完成情况"),
)
OPTIONAL: tuple[ScalarField, ...] = (
    ScalarField("manager", ("项目负责人",), "text", "项目负责人"),
    ScalarField("phone", ("联系电话",), "text", "联系电话"),
    ScalarField("fill_date", ("填报日期",), "date", "填报日期"),
    ScalarField("grade", ("自评等级",), "text", "自评等级"),
    ScalarField("funds.change_note", ("预算调整说明",), "longtext", "预算调整说明"),
)
"""Fields of local variants, not of the official template: absent → IMP006, not IMP001."""
YEAR = ScalarField("year", ("评价年度",), "int", "评价年度")

FUND_ROWS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("total", ("年度资金总额", "资金总额"), "年度资金总额"),
    ("appropriation", ("当年财政拨款", "本年财政拨款", "财政拨款"), "其中：当年财政拨款"),
    ("carryover", ("上年结转资金", "上年结转"), "上年结转资金"),
    ("other", ("其他资金",), "其他资金"),
)
"""项目资金's rows: key, labels (compared without a leading 其中：), title."""
FUND_COLUMNS: tuple[Column, ...] = (
    Column("initial", ("年初预算数",), "amount", "年初预算数"),
    Column("budget", ("全年预算数", "全年预算数(A)"), "amount", "全年预算数"),
    Column("executed", ("全年执行数", "全年执行数(B)"), "amount", "全年执行数"),
    Column("points", ("分值",), "points", "分值"),
    Column("rate", ("执行率", "执行率(%)", "执行率(B/A)", "预算执行率"), "percent", "执行率"),
    Column("score", ("得分",), "points", "得分"),
)
INDICATOR_COLUMNS: tuple[Column, ...] = (
    Column("level1", ("一级指标",), "text", "一级指标"),
    Column("level2", ("二级指标",), "text", "二级指标"),
    Column("name", ("三级指标",), "text", "三级指标"),
    Column("target", ("年度指标值", "指标值", "全年指标值", "年度目标值", "预期指标值"), "text", "年度指标值"),
    Column("actual", ("实际完成值", "实际值", "全年实际值", "全年实际完成值"), "text", "实际完成值"),
    Column("points", ("分值",), "points", "分值"),
    Column("score", ("得分",), "points", "得分"),
    Column("deviation", ("偏差原因分析及改进措施", "偏差原因分析及改进措施说明"), "longtext", "偏差原因分析及改进措施"),
)
SPLIT_DEVIATION = (
    Column("reason", ("原因分析", "偏差原因分析", "偏差原因"), "longtext", "偏差原因分析"),
    Column("measures", ("改进措施",), "longtext", "改进措施"),
)
"""偏差原因分析及改进措施 typed in two columns (under the merged heading, or alone):
joined into the one field, a line break between the two."""
REMARK = Column("remark", ("备注",), "longtext", "备注")
"""A column some copies add; the form has no such field, so its text is reported (IMP008)."""
TOTAL_LABELS = ("总分", "合计得分", "总得分")

SECTION_LABELS = ("项目资金", "项目资金(万元)", "年度总体目标", "绩效指标", "年度", "金额单位:万元", "单位:万元", "其中", "其中:")

DISTINCTIVE = ("年度资金总额", "年初预算数", "全年预算数", "全年执行数", "年度总体目标", "一级指标", "二级指标",
               "三级指标", "年度指标值", "实际完成值", "偏差原因分析及改进措施", "主管部门", "实施单位")

_TITLE_KEY = norm(FORM_TITLE)
_CHINESE_DIGITS = {c: str(d) for d, c in enumerate("〇一二三四五六七八九")} | {"零": "0", "○": "0", "Ｏ": "0", "O": "0"}
_YEAR_IN_TITLE = re.compile(r"([0-9〇零○ＯO一二三四五六七八九]{4})\s*年")
_YEAR_LINE = re.compile(r"^\(?([0-9〇零○ＯO一二三四五六七八九]{4})?年度?\)?$")
_YEAR_LABEL = re.compile(r"^\((\d{4})?年度?\)$")
"""The year line under the title is a label only in brackets: "2022年" alone is a value."""
_DASH = re.compile(r"^[\-—–－/／\\─━]+$")
_NOTE = re.compile(r"^注\s*[:：]")


def _row_key(text: str) -> str:
    t = norm(text)
    return t.removeprefix("其中").lstrip(":")


_FUND_ROW_OF = {_row_key(label): key for key, labels, _ in FUND_ROWS for label in labels}


def known_labels() -> list[str]:
    out = [label for f in (*REQUIRED, *OPTIONAL, YEAR) for label in f.labels]
    out += [label for cols in (FUND_COLUMNS, INDICATOR_COLUMNS, SPLIT_DEVIATION, (REMARK,)) for c in cols for label in c.labels]
    out += [label for _, labels, _ in FUND_ROWS for label in labels]
    out += ["其中:" + label for _, labels, _ in FUND_ROWS for label in labels]
    out += [*TOTAL_LABELS, *SECTION_LABELS, FORM_TITLE]
    return out


class _Anchors(Anchors):
    """The national table's labels, and also what is a label by its shape: the title (maybe
    with its year), a "（  年度）" line, a note under the table (注：…)."""

    def is_label(self, value: Any) -> bool:
        if super().is_label(value):
            return True
        if not isinstance(value, str):
            return False
        t = norm(value)
        return bool(t) and (_is_title(t) or bool(_YEAR_LABEL.match(t)) or bool(_NOTE.match(t)))


def _is_title(t: str) -> bool:
    return _TITLE_KEY in t and len(t) <= len(_TITLE_KEY) + 14


def detect(grid: TextGrid) -> int:
    """How many of the form's distinctive labels the grid holds (0: not this kind)."""
    keys = {norm(x) for x in DISTINCTIVE}
    seen = {norm(v) for row in grid.rows for v in row if isinstance(v, str)}
    return len(keys & seen) + (1 if any(_is_title(t) for t in seen) else 0)


def parse_with(parse):
    """The reader's parser, plus 执行率 as a percent ("100%", "100.00％", 100)."""

    def parsed(kind: str, value: Any) -> Any:
        if kind == "percent":
            if isinstance(value, str):
                value = unicodedata.normalize("NFKC", value).strip().removesuffix("%").strip()
            return parse("amount", value)
        return parse(kind, value)

    return parsed


def read(grid: TextGrid, parse) -> Imported:
    """The form held in `grid`, what was read from where, and what could not be."""
    rd = Reader(_Anchors(grid, range(grid.height), known_labels()), parse_with(parse))
    data: dict = {"form": KIND, "funds": {}, "goals": {}, "total": {}}
    extra: list = []
    for f in REQUIRED:
        _set(data, f.path, rd.scalar(f))
    for f in OPTIONAL:
        if rd.a.find(f.labels) or rd.a.find_inline(f.labels):
            _set(data, f.path, rd.scalar(f))
        else:
            extra.append(_absent(f.path, f.title))
    _set(data, "year", _year(rd))
    _funds(rd, data)
    bands = _indicators(rd, data, extra)
    _total(rd, data, bands, extra)
    return Imported(kind=KIND, data=data, read=rd.read, findings=rd.findings + extra)


def _set(data: dict, path: str, value) -> None:
    if value is None:
        return
    *parents, key = path.split(".")
    node = data
    for p in parents:
        node = node.setdefault(p, {})
    node[key] = value


def _absent(path: str, title: str):
    return finding("IMP006", path, f"（未找到“{title}”）",
                   f"文件中没有“{title}”一栏（官方表式可不设此栏），该项留空；如需填写，请在生成的工作簿中补上")


# -- 评价年度 ------------------------------------------------------------------------------


def _year(rd: Reader) -> int | None:
    """The year from the title ("2022年度项目支出绩效自评表", or a "（2022年度）" line under
    it) and from a 评价年度 field; both present and different: IMP007."""
    grid = rd.grid
    titled: tuple[int | None, str] | None = None
    for r in range(grid.height):
        for c, v in enumerate(grid.rows[r]):
            t = norm(v) if isinstance(v, str) else ""
            if not t or not _is_title(t):
                continue
            m = _YEAR_IN_TITLE.search(unicodedata.normalize("NFKC", str(v)))
            if m:
                titled = (_year_number(m.group(1)), grid.where(r, c))
            else:
                titled = _year_line(grid, r) or titled
            break
        if titled is not None:
            break
    has_field = bool(rd.a.find(YEAR.labels) or rd.a.find_inline(YEAR.labels))
    typed = rd.scalar(YEAR) if has_field else None
    if has_field and any(f.field == YEAR.path for f in rd.findings):
        return None
    if titled is None:
        if not has_field:
            rd.missing(YEAR.path, YEAR.title)
        return typed
    year, where = titled
    if typed is not None and year is not None and typed != year:
        rd.read = [item for item in rd.read if item.field != YEAR.path]
        rd.findings.append(finding("IMP007", YEAR.path, where,
                                   f"标题中的年度（{year}年，{where}）与“评价年度”一栏（{typed}年）不一致，评价年度没有读取；"
                                   "请改正其中一处后重新导入"))
        return None
    if typed is not None:
        return typed
    rd.read = [item for item in rd.read if item.field != YEAR.path]
    rd.read.append(ReadItem(YEAR.path, YEAR.title, where, "" if year is None else str(year)))
    return year


def _year_number(text: str) -> int:
    """A four-character year in Arabic or Chinese digits ("2022", "二〇二二", "二零二二")."""
    return int("".join(_CHINESE_DIGITS.get(ch, ch) for ch in text))


def _year_line(grid: TextGrid, r: int) -> tuple[int | None, str] | None:
    """A "（2022年度）" line (or the blank "（    年度）" of the template) just under the title."""
    for rr in range(r + 1, min(r + 3, grid.height)):
        for c, v in enumerate(grid.rows[rr]):
            t = norm(v) if isinstance(v, str) else ""
            m = _YEAR_LINE.match(t) if t else None
            if m:
                return (_year_number(m.group(1)) if m.group(1) else None), grid.where(rr, c)
    return None


# -- 项目资金 -------------------------------------------------------------------------------


def _header(rd: Reader, columns, anchor_key: str, path: str, title: str, optional=(),
            repeats: bool = False) -> tuple[int, dict[str, int]] | None:
    """The header of a block: the row of its anchor label, each column's label on that row
    or the row above or below (two-row headers); None (and a finding) when not found once.
    With `repeats`, the same header typed again further down (after a page break) is the
    first one's continuation when no other label stands between them."""
    by_key = {c.key: c for c in (*columns, *optional)}
    candidates = []
    for r, c in rd.a.find(by_key[anchor_key].labels):
        cols: dict[str, tuple[int, int]] = {}
        for col in by_key.values():
            hits = [(rr, cc) for rr, cc in rd.a.find(col.labels) if r - 1 <= rr <= r + 1]
            if hits:
                cols[col.key] = min(hits, key=lambda h: (abs(h[0] - r), abs(h[1] - c)))
        candidates.append((r, c, cols))
    if not candidates:
        rd.missing(path, title)
        return None
    if len(candidates) > 1 and not (repeats and _repeated(rd, candidates, (*columns, *optional))):
        rd.ambiguous(path, title, [rd.grid.where(r, c) for r, c, _ in candidates])
        return None
    _, _, cols = candidates[0]
    return max(rr for rr, _ in cols.values()), {key: cc for key, (_, cc) in cols.items()}


def _repeated(rd: Reader, candidates, columns) -> bool:
    """Every later header has the first one's columns, and only header labels (and the
    绩效指标 side label) stand between the first and the last."""
    first_r, _, first_cols = candidates[0]
    if any(cols.keys() != first_cols.keys() for _, _, cols in candidates[1:]):
        return False
    own = {norm(label) for col in columns for label in col.labels} | {"绩效指标"}
    last_r = candidates[-1][0]
    return not any(rd.a.is_label(v) and norm(v) not in own
                   for r in range(first_r, last_r + 1) for v in rd.grid.rows[r])


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and (not v.strip() or bool(_DASH.match(v.strip()))))


def _funds(rd: Reader, data: dict) -> None:
    """项目资金: the matrix read at each row label × column band."""
    grid = rd.grid
    header = _header(rd, FUND_COLUMNS, "executed", "funds", "项目资金的表头（全年执行数）")
    if header is None:
        return
    hr, cols = header
    for col in FUND_COLUMNS:
        if col.key not in cols:
            rd.missing(f"funds.total.{col.key}", f"项目资金的“{col.title}”列")
    bands = sorted((c, key) for key, c in cols.items())
    first, edge = bands[0][0], max(rd.a.edge, bands[-1][0])
    found: dict[str, list[tuple[int, int]]] = {}
    for r in range(hr + 1, min(hr + 12, grid.height)):
        for c in range(min(first, len(grid.rows[r]))):
            v = grid.rows[r][c]
            key = _FUND_ROW_OF.get(_row_key(v)) if isinstance(v, str) else None
            if key is not None:
                found.setdefault(key, []).append((r, c))
    for key, _, title in FUND_ROWS:
        hits = found.get(key, [])
        if not hits:
            rd.missing(f"funds.{key}", f"项目资金的“{title}”行")
            continue
        if len({r for r, _ in hits}) > 1:
            rd.ambiguous(f"funds.{key}", f"项目资金的“{title}”行", [grid.where(r, c) for r, c in hits])
            continue
        r = hits[0][0]
        cells: dict[str, list[int]] = {}
        for c in range(first, min(len(grid.rows[r]), edge + 1)):
            if _blank(grid.rows[r][c]):
                continue
            band = max((b for b in bands if b[0] <= c), default=None)
            if band is not None:
                cells.setdefault(band[1], []).append(c)
        row: dict = {}
        for col in FUND_COLUMNS:
            at = cells.get(col.key)
            if not at:
                continue
            name = f"项目资金“{title}”行的{col.title}"
            if len(at) > 1:
                rd.ambiguous(f"funds.{key}.{col.key}", name, [grid.where(r, c) for c in at])
                continue
            value = rd.value(f"funds.{key}.{col.key}", name, col.kind, r, at[0])
            if value is not None:
                row[col.key] = value
        data["funds"][key] = row


# -- 绩效指标 -------------------------------------------------------------------------------


def _indicators(rd: Reader, data: dict, extra: list) -> dict[str, int] | None:
    """The indicator rows, 一级/二级指标 carried down over merged or blank cells as the
    checks read them (`scoring.carried`); returns the column of each header (for the 总分 row)."""
    grid, a = rd.grid, rd.a
    header = _header(rd, INDICATOR_COLUMNS, "name", "indicators", "绩效指标的表头（三级指标）",
                     optional=(*SPLIT_DEVIATION, REMARK), repeats=True)
    if header is None:
        return None
    hr, cols = header
    split = "reason" in cols or "measures" in cols
    if split:
        cols.pop("deviation", None)
    for col in INDICATOR_COLUMNS:
        if col.key not in cols and not (col.key == "deviation" and split):
            rd.missing(f"indicators.{col.key}", f"绩效指标的“{col.title}”列")
    if not {"level1", "level2", "name"} <= cols.keys():
        return None
    columns = [c for c in (*INDICATOR_COLUMNS, *SPLIT_DEVIATION, REMARK) if c.key in cols]
    first = min(cols.values())
    totals = {norm(t) for t in TOTAL_LABELS}

    def stop(r: int) -> bool:
        return any(a.is_label(v) and norm(v) != "绩效指标" for v in grid.rows[r]) or any(
            isinstance(v, str) and norm(v) in totals for v in grid.rows[r])

    rows: list[dict] = []
    renamed: dict[str, str] = {}
    for n, (r, values) in enumerate(rd.rows_under("indicators", columns, hr, cols, stop, "绩效指标")):
        remark = values.pop("remark", None)
        if remark:
            extra.append(finding("IMP008", f"indicators[{n}]", grid.where(r, cols["remark"]),
                                 f"{grid.where(r, cols['remark'])}的备注“{_clip(remark)}”没有导入（表中没有备注一栏）；"
                                 "如属偏差原因或改进措施，请移到“偏差原因分析及改进措施”后重新导入"))
        parts = [values.pop(k) for k in ("reason", "measures") if values.get(k)]
        for k in ("reason", "measures"):
            values.pop(k, None)
            renamed[f"indicators[{n}].{k}"] = f"indicators[{n}].deviation"
        if parts:
            values["deviation"] = "\n".join(parts)
        if not any(v not in (None, "") for v in values.values()):
            continue
        rows.append({k: v for k, v in values.items() if v is not None})
    for row, (level1, level2) in zip(rows, carried((r.get("level1") or "", r.get("level2") or "") for r in rows)):
        row["level1"], row["level2"] = level1, level2
    data["indicators"] = rows
    for item in rd.read:
        item.field = renamed.get(item.field, item.field)
    return cols


def _clip(text: str, n: int = 20) -> str:
    one = " ".join(str(text).split())
    return one if len(one) <= n else one[: n - 1] + "…"


def _total(rd: Reader, data: dict, cols: dict[str, int] | None, extra: list) -> None:
    """总分: the values of its row in the indicator table's 分值 and 得分 columns."""
    grid = rd.grid
    hits = rd.a.find(TOTAL_LABELS)
    if not hits:
        extra.append(_absent("total", "总分"))
        return
    if len(hits) > 1:
        rd.ambiguous("total", "总分", [grid.where(r, c) for r, c in hits])
        return
    if cols is None or "points" not in cols or "score" not in cols:
        return
    r, c0 = hits[0]
    bands = sorted((c, key) for key, c in cols.items())
    got: dict[str, list[int]] = {}
    for c in range(c0 + 1, min(len(grid.rows[r]), max(rd.a.edge, bands[-1][0]) + 1)):
        v = grid.rows[r][c]
        if _blank(v) or rd.a.is_label(v):
            continue
        band = max((b for b in bands if b[0] <= c), default=None)
        if band is not None and band[1] in ("points", "score"):
            got.setdefault(band[1], []).append(c)
    for key, title in (("points", "总分的分值"), ("score", "总分")):
        at = got.get(key)
        if not at:
            continue
        if len(at) > 1:
            rd.ambiguous(f"total.{key}", title, [grid.where(r, c) for c in at])
            continue
        _set(data, f"total.{key}", rd.value(f"total.{key}", title, "points", r, at[0]))
