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
    form=None,
) -> Path:
    """Build the macro-enabled self-evaluation workbook, empty or filled from `source`
    (or from `form`, a form already loaded from `source`, e.g. carried over a year).

    Rows per block are at least the given capacities (defaults from the layout) and grow to
    hold the data. The file is written atomically; an existing file needs `force`.
    """
    from xlperf.files import sources
    from xlperf.files.atomic import check_output
    from xlperf.forms.guangdong_1_1.layout import DEFAULT_BUDGET_ROWS, DEFAULT_INDICATOR_ROWS, DEFAULT_PURPOSE_ROWS, Layout
    from xlperf.workbook.build import build_workbook

    out = Path(out)
    _require_suffix(out, ".xlsm", "启用宏的工作簿")
    check_output(out, force=force, source=source)
    ev = form if form is not None else (sources.load(source) if source is not None else None)
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
    source: str | os.PathLike, out: str | os.PathLike, *, rules=None, force: bool = False, form=None
) -> Path:
    """A copy for the finance bureau: same layout and print setup, no macros and no
    worksheet functions; every computed cell holds the engine's value."""
    from xlperf.files import sources
    from xlperf.files.atomic import check_output
    from xlperf.workbook.build import build_workbook

    out = Path(out)
    _require_suffix(out, ".xlsx", "报送副本")
    check_output(out, force=force, source=source)
    ev = form if form is not None else sources.load(source)
    build_workbook(out, ev, rules=rules, vba=None, mode="values", force=force)
    return out
