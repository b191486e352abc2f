"""The workbooks xlperf hands out: the macro-enabled form (`xlperf new`) and the clean
copy for the finance bureau (`xlperf submit`)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
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
) -> Path:
    """Build the macro-enabled self-evaluation workbook, empty or filled from `source`.

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
    ev = sources.load(source) if source is not None else None
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
    source: str | os.PathLike, out: str | os.PathLike, *, rules=None, force: bool = False, ev=None
) -> Path:
    """A copy for the finance bureau: same layout and print setup, no macros and no
    worksheet functions; every computed cell holds the engine's value.

    ``ev``: the form already read from ``source`` (read again when None). No gate here:
    `submit` is the one that refuses a form with errors."""
    from xlperf.files import sources
    from xlperf.files.atomic import check_output
    from xlperf.workbook.build import build_workbook

    out = Path(out)
    _require_suffix(out, ".xlsx", "报送副本")
    check_output(out, force=force, source=source)
    if ev is None:
        ev = sources.load(source)
    build_workbook(out, ev, rules=rules, vba=None, mode="values", force=force)
    return out


@dataclass
class Submission:
    """What `submit` did: the copy written (None when refused) and the form's findings."""

    path: Path | None
    findings: list = field(default_factory=list)

    @property
    def errors(self) -> list:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list:
        return [f for f in self.findings if f.severity != "error"]


def submit(
    source: str | os.PathLike, out: str | os.PathLike, *, rules=None, force: bool = False, allow_errors: bool = False
) -> Submission:
    """The submission copy, gated: a form with errors gets no copy unless ``allow_errors``.

    The findings (errors and warnings) are returned either way, for the person to read."""
    from xlperf.engine import evaluate
    from xlperf.files import sources
    from xlperf.files.atomic import check_output

    out = Path(out)
    _require_suffix(out, ".xlsx", "报送副本")
    check_output(out, force=force, source=source)
    ev, locate = sources.load_with_locator(source)
    result = evaluate(ev, rules=rules, locate=locate)
    done = Submission(None, list(result.findings))
    if done.errors and not allow_errors:
        return done
    done.path = submission_copy(source, out, rules=rules, force=force, ev=ev)
    return done
