"""The workbooks xlperf hands out: the macro-enabled form (`xlperf new`) and the clean
copy for the finance bureau (`xlperf submit`)."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from xlperf.errors import InputError


@lru_cache(maxsize=1)
def vba_project() -> bytes:
    """vbaProject.bin: the installed xlwings' module, the UDF wrappers and the button macros."""
    from xlperf.excel.vba import build_vba_project
    from xlperf.excel.vba_modules import vba_modules

    return build_vba_project(vba_modules())


def _require_suffix(path: Path, suffix: str, what: str) -> None:
    if path.suffix.lower() != suffix:
        raise InputError(f"输出文件 {path}：{what}应保存为 {suffix} 文件")


def new_workbook(
    out: str | os.PathLike,
    *,
    source: str | os.PathLike | None = None,
    rules=None,
    indicator_rows: int | None = None,
    budget_rows: int | None = None,
    purpose_rows: int | None = None,
    force: bool = False,
    form: str | None = None,
) -> Path:
    """Build the macro-enabled self-evaluation workbook, empty or filled from `source`.

    Rows per block are at least the given capacities (defaults from the layout) and grow to
    hold the data. The file is written atomically; an existing file needs `force`.
    `form` names the form kind (`xlperf.forms`); without it, the kind of `source`, else
    Guangdong's. Another kind builds its own workbook (`new_workbook` of its package).
    """
    from xlperf import forms
    from xlperf.files import sources
    from xlperf.files.atomic import check_output
    from xlperf.forms.guangdong_1_1.layout import DEFAULT_BUDGET_ROWS, DEFAULT_INDICATOR_ROWS, DEFAULT_PURPOSE_ROWS, Layout
    from xlperf.workbook.build import build_workbook

    chosen = forms.kind(form) if form is not None else None
    if chosen is not None and chosen.key != forms.GUANGDONG:
        return chosen.module().new_workbook(out, source=source, rules=rules, force=force, indicator_rows=indicator_rows)
    out = Path(out)
    if source is not None and chosen is None and sources.kind_of_file(source).key != forms.GUANGDONG:
        return sources.kind_of_file(source).module().new_workbook(
            out, source=source, rules=rules, force=force, indicator_rows=indicator_rows
        )
    _require_suffix(out, ".xlsm", "启用宏的工作簿")
    check_output(out, force=force, source=source)
    ev = sources.load(source) if source is not None else None
    if ev is not None and not forms.is_guangdong(ev):
        raise InputError(f"数据文件 {source} 是“{forms.kind_of(ev).title}”表式，与选定的表式“{chosen.title}”不符")
    try:
        minimum = Layout.for_capacity(
            budget_rows=DEFAULT_BUDGET_ROWS if budget_rows is None else budget_rows,
            purpose_rows=DEFAULT_PURPOSE_ROWS if purpose_rows is None else purpose_rows,
            indicator_rows=DEFAULT_INDICATOR_ROWS if indicator_rows is None else indicator_rows,
        )
    except ValueError as e:
        raise InputError(f"行数设置有误：{e}") from None
    build_workbook(out, ev, rules=rules, vba=vba_project(), layout=minimum, mode="macro", force=force)
    return out


def submission_copy(
    source: str | os.PathLike, out: str | os.PathLike, *, rules=None, force: bool = False
) -> Path:
    """A copy for the finance bureau: same layout and print setup, no macros and no
    worksheet functions; every computed cell holds the engine's value."""
    from xlperf.files import sources
    from xlperf.files.atomic import check_output
    from xlperf.workbook.build import build_workbook

    from xlperf import forms

    out = Path(out)
    _require_suffix(out, ".xlsx", "报送副本")
    check_output(out, force=force, source=source)
    ev = sources.load(source)
    if not forms.is_guangdong(ev):
        return forms.kind_of(ev).module().submission_copy(ev, out, rules=rules, force=force, source=source)
    build_workbook(out, ev, rules=rules, vba=None, mode="values", force=force)
    return out
