"""The Guangdong 附件1-1 and its 附件3, read from a copy typed by hand (导入).

The labels are the official ones (the same texts the layout prints); `xlperf.forms.anchored`
finds them wherever a unit's copy put them. This module only says which labels name which
field, which tables the form has, and how the rows become the model.
"""

from __future__ import annotations

from xlperf.files.grid import TextGrid, norm
from xlperf.forms.anchored import Anchors, Column, Imported, Reader, ReadItem, ScalarField, finding
from xlperf.forms.guangdong_1_1.layout import (
    BUDGET_PARTS,
    FORM_TITLE,
    INDICATOR_COLUMNS,
    REPORT_COVER,
    REPORT_SECTIONS,
    REPORT_TITLE,
    SPENDING_PARTS,
)
from xlperf.forms.guangdong_1_1.model import NONE_MARK, Category, Report, SelfEvaluation, SubCategory

KIND = "guangdong_1_1"
TITLE = "广东省市级财政支出项目绩效自评（附件1-1）"
MODEL = SelfEvaluation

FIELDS: tuple[ScalarField, ...] = (
    ScalarField("header.unit_name", ("填报单位名称", "填报单位", "填报单位(盖章)", "填报单位名称(盖章)"), "text", "填报单位名称"),
    ScalarField("basic.project_name", ("项目名称",), "text", "项目名称"),
    ScalarField("basic.eval_year", ("评价年度",), "int", "评价年度"),
    ScalarField("basic.eval_amount", ("评价金额",), "amount", "评价金额"),
    ScalarField("basic.contact_name", ("联系人",), "text", "联系人"),
    ScalarField("basic.contact_phone", ("联系电话",), "text", "联系电话"),
    ScalarField("basic.contact_email", ("联系邮箱",), "text", "联系邮箱"),
    ScalarField("basic.start_date", ("项目开始时间",), "date", "项目开始时间"),
    ScalarField("basic.end_date", ("项目完成时间",), "date", "项目完成时间"),
    ScalarField("basic.basis_documents", ("实施文件依据",), "lines", "实施文件依据"),
    ScalarField("goals.overall", ("预期总体目标",), "longtext", "预期总体目标"),
    ScalarField("goals.achieved_on_time", ("是否如期实现预期总体目标",), "yesno", "是否如期实现预期总体目标"),
    ScalarField("goals.stage", ("预期阶段性目标",), "longtext", "预期阶段性目标"),
    ScalarField("goals.actual", ("实际完成情况",), "longtext", "实际完成情况"),
    ScalarField("other_notes", ("单位需要说明的其他情况",), "longtext", "单位需要说明的其他情况"),
)

_TOTAL = Column("total", ("资金合计",), "amount", "资金合计")
_YEAR = Column("year", ("年度",), "int", "年度")
BUDGET = (_YEAR, *(Column(k, (t,), "amount", norm(t)) for k, t in BUDGET_PARTS), _TOTAL)
SPENDING = (_YEAR, *(Column(k, (t,), "amount", norm(t)) for k, t in SPENDING_PARTS), _TOTAL)
PURPOSE = (_YEAR, Column("purpose", ("资金使用方向",), "text", "资金使用方向"), Column("amount", ("支出额度",), "amount", "支出额度"))
INDICATOR = tuple(Column(k, (t,), "text", norm(t)) for k, t in INDICATOR_COLUMNS)

SECTION_LABELS = (
    "附件1-1", FORM_TITLE, "金额单位：万元", "基本情况", "资金概况", "资金安排情况", "分年度明细", "预算安排额度",
    "资金使用情况", "实际明细支出", "按方向划分", "绩效目标", "绩效目标情况", "绩效指标情况", "绩效指标",
)
_LEFT_OF_INDICATORS = {norm(x) for x in (*(s.value for s in SubCategory), *(c.value for c in Category),
                                          "绩效目标", "绩效指标情况", "绩效指标")}

COVER = tuple(
    ScalarField(f"report.{attr}", (prompt,), kind, "自评报告封面的" + norm(prompt).removesuffix("(公章)"))
    for attr, prompt, kind in REPORT_COVER
)
SECTIONS = tuple((norm(prompt).rstrip("。"), attr) for prompt, attr in REPORT_SECTIONS)
SECTION_TITLES = {attr: Report.model_fields[attr].description for _, attr in REPORT_SECTIONS if attr}

DISTINCTIVE = ("资金安排情况", "实际明细支出", "按方向划分", "是否如期实现预期总体目标", "中央及省级资金",
               "市本级资金", "实施文件依据", "单位需要说明的其他情况", "评价金额")


def known_labels() -> list[str]:
    out = [label for f in FIELDS for label in f.labels]
    out += [label for cols in (BUDGET, SPENDING, PURPOSE, INDICATOR) for c in cols for label in c.labels]
    out += list(SECTION_LABELS) + [s.value for s in SubCategory] + [c.value for c in Category]
    return out


def detect(grid: TextGrid) -> int:
    """How many of the form's distinctive labels the grid holds (0: not this kind)."""
    keys = {norm(x) for x in DISTINCTIVE} | {norm(FORM_TITLE)}
    seen = {norm(v) for row in grid.rows for v in row if isinstance(v, str)}
    return len(keys & seen)


def _row_of(grid: TextGrid, title: str) -> int | None:
    """The first row holding a title cell (the title, maybe after its 附件 mark)."""
    key = norm(title)
    for r, row in enumerate(grid.rows):
        for v in row:
            t = norm(v) if isinstance(v, str) else ""
            if t.endswith(key) and len(t) <= len(key) + 6:
                return r
    return None


def split(grid: TextGrid) -> tuple[range, range | None]:
    """The rows of 附件1-1 and those of 附件3 (None when the file has no 附件3)."""
    report = _row_of(grid, REPORT_TITLE)
    if report is None:
        return range(grid.height), None
    if report > 0 and norm(grid.text(report - 1, 0)) == "附件3":
        report -= 1
    form = _row_of(grid, FORM_TITLE)
    if form is not None and form > report:
        if form > 0 and norm(grid.text(form - 1, 0)) == "附件1-1":
            form -= 1
        return range(form, grid.height), range(report, form)
    return range(0, report), range(report, grid.height)


def read(grid: TextGrid, parse) -> Imported:
    """The form held in `grid`, what was read from where, and what could not be."""
    form_rows, report_rows = split(grid)
    known = known_labels()
    rd = Reader(Anchors(grid, form_rows, known), parse)
    data: dict = {"header": {}, "basic": {}, "funding": {}, "goals": {}, "indicators": {}}
    for f in FIELDS:
        value = rd.scalar(f)
        if value is not None:
            if f.kind == "lines":
                value = _documents(value)
            _put(data, f.path, value)
    for name, title, cols in (("budget", "资金安排情况", BUDGET), ("spending", "资金使用情况", SPENDING),
                              ("by_purpose", "按方向划分", PURPOSE)):
        rows = rd.table(f"funding.{name}", title, cols)
        if rows is not None:
            data["funding"][name] = rows
    _indicators(rd, data)
    out = Imported(kind=KIND, data=data)
    if report_rows is None:
        out.findings.append(finding("IMP005", "report", "（未找到附件3）", "文件中没有附件3（市级财政支出项目绩效自评报告），报告各项没有读取；"
                                    "如另有报告文件，请一并导入或在工作簿中填写"))
    else:
        data["report"] = _report(grid, report_rows, parse, out)
    out.read = rd.read + out.read
    out.findings = rd.findings + out.findings
    return out


def _put(data: dict, path: str, value) -> None:
    *parents, key = path.split(".")
    node = data
    for p in parents:
        node = node.setdefault(p, {})
    node[key] = value


def _documents(lines: list[str]) -> list[str]:
    """实施文件依据, one item per document: a line without an item number continues the
    one above when the list is numbered (a long title wrapped in its cell)."""
    from xlperf.engine.checks import item_number

    if not any(item_number(line) is not None for line in lines):
        return lines
    items: list[str] = []
    for line in lines:
        if items and item_number(line) is None:
            items[-1] += line
        else:
            items.append(line)
    return items


def _indicators(rd: Reader, data: dict) -> None:
    grid, a = rd.grid, rd.a
    header = rd.header("indicators", "绩效指标情况", INDICATOR)
    if header is None:
        return
    hr, cols = header
    first = min(cols.values())
    subs = {norm(s.value): s for s in SubCategory}
    seen: dict[SubCategory, int] = {}
    current: list[SubCategory | None] = [None]

    def stop(r: int) -> bool:
        for c, v in enumerate(grid.rows[r]):
            t = norm(v) if isinstance(v, str) else ""
            if c < first and t in subs:
                current[0] = subs[t]
                seen.setdefault(subs[t], r)
            elif a.is_label(v) and t not in _LEFT_OF_INDICATORS:
                return True
        return False

    rows: dict[SubCategory, list[dict]] = {}
    mapping: dict[str, str] = {}
    titles: dict[str, str] = {}
    for n, (r, values) in enumerate(rd.rows_under("indicators", INDICATOR, hr, cols, stop, "绩效指标")):
        sub = current[0]
        if sub is None:
            rd.findings.append(finding("IMP004", "indicators", grid.where(r, first),
                                       f"{grid.where(r, first)}一行指标不在任何二级指标（数量指标、质量指标……）之下，没有读取；请在该行左侧填写二级指标"))
            continue
        mapping[f"indicators[{n}]"] = f"indicators.{sub.name}[{len(rows.setdefault(sub, []))}]"
        titles[f"绩效指标第{n + 1}行"] = f"{sub.value}第{len(rows[sub]) + 1}行"
        rows[sub].append(values)
    for sub in SubCategory:
        if sub not in seen:
            rd.missing(f"indicators.{sub.name}", sub.value)
            continue
        got = rows.get(sub, [])
        if got and all(v in (None, "", NONE_MARK) for row in got for v in row.values()):
            data["indicators"][sub.name] = NONE_MARK
        else:
            data["indicators"][sub.name] = [{k: v for k, v in row.items() if v is not None} for row in got]
    for item in rd.read:
        if item.field.startswith("indicators["):
            head, _, col = item.title.partition("的")
            item.title = f"{titles.get(head, head)}的{col}"
        item.field = _renamed(item.field, mapping)
    rd.findings = [f.model_copy(update={"field": _renamed(f.field, mapping)}) for f in rd.findings]


def _renamed(path: str, mapping: dict[str, str]) -> str:
    """A path of the indicator table's n-th row as its sub-category's row."""
    head, bracket, rest = path.partition("]")
    return mapping.get(head + bracket, head + bracket) + rest if path.startswith("indicators[") else path


def _report(grid: TextGrid, rows: range, parse, out: Imported) -> dict:
    """附件3: the cover fields by their labels, each section's answer beside its prompt
    (or in the paragraphs below it, up to the next prompt)."""
    prompts = [p for p, _ in SECTIONS]
    known = [label for f in COVER for label in f.labels] + [p for p in prompts] + [REPORT_TITLE, "附件3"]
    a = Anchors(grid, rows, known)
    rd = Reader(a, parse)
    report: dict = {}
    for f in COVER:
        value = rd.scalar(f)
        if value is not None:
            report[f.path.split(".", 1)[1]] = value

    def prompt_at(r: int, c: int) -> str | None:
        t = norm(grid.value(r, c)) if isinstance(grid.value(r, c), str) else ""
        for p in prompts:
            if t == p or t == p + "。" or (t.startswith(p) and len(t) > len(p)):
                return p
        return None

    hits: dict[str, list[tuple[int, int]]] = {}
    for r in rows:
        for c in range(len(grid.rows[r])):
            p = prompt_at(r, c)
            if p is not None:
                hits.setdefault(p, []).append((r, c))
    label_rows = {r for cells in hits.values() for r, _ in cells}
    for prompt, attr in SECTIONS:
        if attr is None:
            continue
        title = f"自评报告{SECTION_TITLES[attr]}"
        path = f"report.{attr}"
        cells = hits.get(prompt, [])
        if not cells:
            rd.missing(path, title)
            continue
        if len(cells) > 1:
            rd.ambiguous(path, title, [grid.where(r, c) for r, c in cells])
            continue
        r, c = cells[0]
        own = norm(grid.value(r, c))
        right = a.right_of(r, c)
        if right is not None and prompt_at(*right) is None:
            report[attr] = rd.value(path, title, "longtext", *right)
        elif len(own) > len(prompt) + 1:
            raw = grid.text(r, c)
            report[attr] = rd.value(path, title, "longtext", r, c, raw=_after_prompt(raw, prompt))
        else:
            below = []
            rr = r + 1
            while rr in rows and rr not in label_rows:
                text = " ".join(grid.text(rr, cc) for cc in range(len(grid.rows[rr])) if grid.text(rr, cc))
                if text:
                    below.append((rr, text))
                rr += 1
            if below:
                report[attr] = rd.value(path, title, "longtext", below[0][0], 0, raw="\n".join(t for _, t in below))
            else:
                rd.read.append(ReadItem(path, title, grid.where(r, c), ""))
                report[attr] = ""
    out.read.extend(rd.read)
    out.findings.extend(rd.findings)
    return report


def _after_prompt(raw: str, prompt: str) -> str:
    """The answer written in the prompt's own cell, after the prompt."""
    i = 0
    n = 0
    target = len(prompt)
    import unicodedata

    while i < len(raw) and n < target:
        ch = unicodedata.normalize("NFKC", raw[i])
        if not ch.isspace():
            n += len(ch)
        i += 1
    rest = raw[i:].lstrip()
    return rest[1:].lstrip() if rest.startswith("。") else rest
