"""What the finance bureau sends back (退回材料), and the batch's cross-form notes.

`xlperf review DIR --return-dir OUT/` writes, for each form with problems, the file the
bureau returns to the unit:
- a workbook: its marked copy, exactly as `xlperf mark` makes it (cells marked, the
  校验结果 sheet, the 评分表 filled);
- a JSON form (or a file that could not be read): a one-page 问题清单 .xlsx named after
  the unit, listing that form's findings with the field in words.
Beside that, forms that appear twice (same unit and project) are flagged, and last
year's summary (`--previous LAST.xlsx`, a summary this command wrote) gives each form
last year's score and grade.
"""

from __future__ import annotations

import os
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path

from xlperf.errors import InputError, place

RETURN_SUFFIX = "-问题清单.xlsx"
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def _safe(name: str) -> str:
    return _UNSAFE.sub("_", name).strip(" .") or "未命名"


def _key(form) -> tuple[str, str] | None:
    unit, project = re.sub(r"\s+", "", form.unit), re.sub(r"\s+", "", form.project)
    return (unit, project) if unit and project else None


def flag_duplicates(forms) -> None:
    """Each form whose unit and project another form of the batch also has names the others."""
    groups: dict[tuple[str, str], list] = {}
    for form in forms:
        key = _key(form) if form.readable else None
        if key is not None:
            groups.setdefault(key, []).append(form)
    for same in groups.values():
        if len(same) > 1:
            for form in same:
                form.duplicate_of = "、".join(o.file for o in same if o is not form)


# ---- last year's summary


def apply_previous(forms, previous: str | os.PathLike) -> None:
    """Last year's score and grade beside each form, from the summary `xlperf review` wrote
    last year (its 汇总 sheet), matched by unit and project."""
    from xlperf.files.xlsx_grid import read_grids
    from xlperf.outputs.review_book import SUMMARY_HEADERS

    path = Path(previous)
    if not path.is_file():
        raise InputError(f"上年汇总表 {path} 不存在")
    wanted = ("填报单位", "项目名称", "得分", "等级")
    try:
        rows = read_grids(path, ["汇总"]).get("汇总") or []
    except InputError as e:
        if getattr(e, "code", "") != "IN_SHEET_MISSING":
            raise
        rows = []
    head = [str(v or "").strip() for v in (rows[0] if rows else [])]
    if not all(h in head for h in wanted):
        raise InputError(
            f"上年汇总表 {path}：不是 xlperf review 生成的汇总表（“汇总”工作表的第一行应有"
            f"{'、'.join(wanted)}等列，如 {'、'.join(SUMMARY_HEADERS[:7])}）"
        )
    col = {h: head.index(h) for h in wanted}
    last: dict[tuple[str, str], tuple[Decimal | None, str]] = {}
    for row in rows[1:]:
        cells = list(row) + [None] * len(head)
        unit = re.sub(r"\s+", "", str(cells[col["填报单位"]] or ""))
        project = re.sub(r"\s+", "", str(cells[col["项目名称"]] or ""))
        if unit and project:
            last[(unit, project)] = (_decimal(cells[col["得分"]]), str(cells[col["等级"]] or ""))
    for form in forms:
        key = _key(form) if form.readable else None
        if key in last:
            form.previous_score, form.previous_grade = last[key]


def _decimal(value) -> Decimal | None:
    try:
        return Decimal(str(value)).quantize(Decimal("0.01")) if value not in (None, "") else None
    except InvalidOperation:
        return None


# ---- the files sent back


def write_returns(result, out_dir: str | os.PathLike, *, force: bool = False) -> list[Path]:
    """One return file per form with problems (see the module docstring); returns them."""
    from xlperf.files.atomic import check_output

    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise InputError(f"退回文件夹 {out} 是一个文件，请另选文件夹")
    out.mkdir(parents=True, exist_ok=True)
    by_file: dict[str, list] = {}
    for f in result.findings:
        by_file.setdefault(f.file, []).append(f)
    plans = []
    used: set[str] = set()
    for form in result.forms:
        findings = by_file.get(form.file, [])
        if not findings or form.code == "IN_NOT_FORM":
            continue
        source = Path(form.file)
        workbook = form.readable and source.suffix.lower() in (".xlsx", ".xlsm")
        unit = form.unit.strip() or source.stem
        stem = _safe(f"{unit}-{source.stem}" if workbook else unit)
        suffix = f"-已标记{source.suffix}" if workbook else RETURN_SUFFIX
        name, n = f"{stem}{suffix}", 2
        while name in used:
            name, n = f"{stem}({n}){suffix}", n + 1
        used.add(name)
        target = out / name
        check_output(target, force=force, source=[p.file for p in result.forms])
        plans.append((form, findings, workbook, target))
    written = []
    for form, findings, workbook, target in plans:
        if workbook:
            from xlperf.excel import process_file

            process_file(form.file, target, "mark", force=force)
        else:
            write_problem_list(form, findings, target, force=force)
        form.returned = str(target)
        written.append(target)
    return written


def write_problem_list(form, findings, out: Path, *, force: bool = False) -> Path:
    """The one-page 问题清单 of one form: who, what was checked, each finding in words."""
    import xlsxwriter

    from xlperf.files.atomic import atomic_path
    from xlperf.forms.guangdong_1_1.layout import col_px, text_height
    from xlperf.outputs.review import SEVERITY_LABEL

    errors = sum(f.severity == "error" for f in findings)
    with atomic_path(out, force=force, source=form.file) as tmp:
        book = xlsxwriter.Workbook(str(tmp), {"strings_to_numbers": False, "strings_to_formulas": False,
                                              "strings_to_urls": False})
        base = {"font_name": "宋体", "font_size": 10.5, "valign": "top", "text_wrap": True}
        title = book.add_format({**base, "font_size": 16, "bold": True, "align": "center", "valign": "vcenter"})
        label = book.add_format({**base, "bold": True})
        head = book.add_format({**base, "bold": True, "border": 1, "bg_color": "#DDEBF7", "align": "center"})
        cell = book.add_format({**base, "border": 1})
        bad = book.add_format({**base, "border": 1, "font_color": "#C00000"})
        ws = book.add_worksheet("问题清单")
        widths = (6, 9, 22, 58)
        for col, width in enumerate(widths):
            ws.set_column(col, col, width)
        ws.merge_range(0, 0, 0, 3, "自评材料问题清单（请改正后重新报送）", title)
        ws.set_row(0, 30)
        facts = [
            ("填报单位", form.unit or "（未填写）"),
            ("项目名称", form.project or "（未填写）"),
            ("审核文件", Path(form.file).name),
            ("审核结果", f"{errors} 个错误、{len(findings) - errors} 个警告"
             + (f"；得分 {form.score} 分，等级：{form.grade}" if form.score is not None else "")),
        ]
        for r, (key, value) in enumerate(facts, start=1):
            ws.merge_range(r, 0, r, 1, key, label)
            ws.merge_range(r, 2, r, 3, str(value), book.add_format(base))
        top = len(facts) + 2
        for col, text in enumerate(("级别", "代码", "位置", "说明")):
            ws.write_string(top, col, text, head)
        for r, f in enumerate(findings, start=top + 1):
            fmt = bad if f.severity == "error" else cell
            ws.write_string(r, 0, SEVERITY_LABEL.get(f.severity, f.severity), fmt)
            ws.write_string(r, 1, f.code, cell)
            where = place(f, workbook=False)
            ws.write_string(r, 2, where, cell)
            ws.write_string(r, 3, f.message, cell)
            ws.set_row(r, max(text_height(where, col_px(widths[2])), text_height(f.message, col_px(widths[3]))))
        ws.set_paper(9)
        ws.set_portrait()
        ws.fit_to_pages(1, 1)
        ws.center_horizontally()
        ws.set_margins(left=0.6, right=0.6, top=0.7, bottom=0.7)
        ws.repeat_rows(top)
        book.close()
    return out
