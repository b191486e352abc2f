"""The workbooks xlperf hands out: the macro-enabled form (`xlperf new`) and the clean
copy for the finance bureau (`xlperf submit`)."""

from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from xlperf.errors import InputError
from xlperf.files import values


@lru_cache(maxsize=4)
def vba_project(codenames: tuple[str, ...] | None = None) -> bytes:
    """vbaProject.bin: the installed xlwings' module, the UDF wrappers and the button macros
    (the same for every form kind), and a document module per sheet code name (`codenames`;
    default: the Guangdong workbook's sheets)."""
    from xlperf.excel.vba import build_vba_project
    from xlperf.excel.vba_modules import vba_modules

    return build_vba_project(vba_modules(codenames))


def _require_suffix(path: Path, suffix: str, what: str) -> None:
    if path.suffix.lower() != suffix:
        raise InputError(f"输出文件 {path}：{what}应保存为 {suffix} 文件")


def _form_rule_file(ev, rules, source):
    """`rules` as given; else the rule file the form names, read from the form's folder
    (the builder itself knows no folder, so it accepts only shipped names from a form)."""
    from xlperf.engine.scoring import _looks_like_path, form_rules

    if rules is not None or ev is None or not _looks_like_path(str(ev.scoring.rules or "")):
        return rules
    return form_rules(ev.scoring.rules, Path(source).parent)


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
    edition: str | None = None,
    interpreter: str | None = None,
    ev=None,
) -> Path:
    """Build the self-evaluation workbook, empty or filled from `source`
    (or from `ev`, a form already loaded from `source`, e.g. carried over a year).

    edition "macro" (default for Guangdong's form): the macro-enabled .xlsm, native formulas with the xlwings layer
    on top (buttons, PERF_ functions); "formulas": the macro-free .xlsx with the same form
    and native formulas, and no VBA, no xlwings.conf and no PERF_ call.
    Rows per block are at least the given capacities (defaults from the layout) and grow to
    hold the data. The file is written atomically; an existing file needs `force`.
    `form` names the form kind (`xlperf.forms`); without it, the kind of `source`, else
    Guangdong's. Another kind builds its own workbook (`new_workbook` of its package, given
    `edition` as asked: None when not asked, the national table then choosing by the suffix
    of `out`: .xlsm its macro edition, .xlsx its formula edition; and `interpreter`). For the
    Guangdong form no `edition` means "macro".
    interpreter: the Python for the xlwings.conf sheet (`xlperf new --interpreter`).
    """
    from xlperf import forms
    from xlperf.files import sources
    from xlperf.files.atomic import check_output
    from xlperf.forms.guangdong_1_1.layout import (
        DEFAULT_BUDGET_ROWS, DEFAULT_INDICATOR_ROWS, DEFAULT_PURPOSE_ROWS, Layout, interpreter_setting,
    )
    from xlperf.workbook.build import build_workbook

    chosen = forms.kind(form) if form is not None else None
    if chosen is not None and chosen.key != forms.GUANGDONG:
        return chosen.module().new_workbook(out, source=source, rules=rules, force=force, indicator_rows=indicator_rows,
                                            edition=edition, interpreter=interpreter, ev=ev)
    out = Path(out)
    given = None if chosen is not None else forms.kind_of(ev) if ev is not None else (
        sources.kind_of_file(source) if source is not None else None)
    if given is not None and given.key != forms.GUANGDONG:
        return given.module().new_workbook(out, source=source, rules=rules, force=force, indicator_rows=indicator_rows,
                                           edition=edition, interpreter=interpreter, ev=ev)
    edition = edition or "macro"
    if edition not in ("macro", "formulas"):
        raise InputError(f"工作簿版本只能是 macro（启用宏）或 formulas（只用公式），实际为“{edition}”")
    if edition == "macro":
        _require_suffix(out, ".xlsm", "启用宏的工作簿")
    else:
        _require_suffix(out, ".xlsx", "只用公式、不含宏的工作簿")
    check_output(out, force=force, source=source)
    if ev is None and source is not None:
        ev = sources.load(source)
    if ev is not None and not forms.is_guangdong(ev):
        wanted = chosen or forms.kind(None)
        raise InputError(f"数据文件 {source} 是“{forms.kind_of(ev).title}”表式，与选定的表式“{wanted.title}”不符")
    rules = _form_rule_file(ev, rules, source)
    try:
        minimum = Layout.for_capacity(
            budget_rows=DEFAULT_BUDGET_ROWS if budget_rows is None else budget_rows,
            purpose_rows=DEFAULT_PURPOSE_ROWS if purpose_rows is None else purpose_rows,
            indicator_rows=DEFAULT_INDICATOR_ROWS if indicator_rows is None else indicator_rows,
        )
    except ValueError as e:
        raise InputError(f"行数设置有误：{e}") from None
    if ev is not None:
        _refuse_hidden_totals(source, ev, Layout.for_model(ev, minimum))
    try:
        setting = interpreter_setting(interpreter) if interpreter else None
    except ValueError as e:
        raise InputError(str(e)) from None
    vba = vba_project() if edition == "macro" else None
    build_workbook(out, ev, rules=rules, vba=vba, layout=minimum, mode=edition, force=force,
                   interpreter=setting[1] if setting else None)
    return out


def _refuse_hidden_totals(source, ev, layout) -> None:
    """Refuse to build over typed 资金合计 that disagree with their parts (see
    `build.typed_totals_hidden`), naming each in words and the cell it would occupy."""
    from xlperf.engine.formulas import format_number
    from xlperf.errors import problems_text
    from xlperf.forms.guangdong_1_1.layout import field_value
    from xlperf.workbook.build import typed_totals_hidden

    hidden = typed_totals_hidden(layout, ev)
    if not hidden:
        return
    lines = []
    for cell, typed, parts in hidden:
        block = "资金安排情况" if cell.path.startswith("funding.budget") else "资金使用情况"
        year = field_value(ev, cell.path.rsplit(".", 1)[0] + ".year")
        row = f"{year}年" if year is not None else f"第{int(cell.path.split('[')[1].split(']')[0]) + 1}行"
        summed = "分项均未填写" if parts is None else f"分项之和为 {format_number(parts, 2)} 万元"
        lines.append(f"{block}{row}的资金合计（生成后位于{cell.sheet}!{cell.area.first}）填的是 {format_number(typed, 2)} 万元，{summed}")
    raise InputError(problems_text(
        f"未生成工作簿：文件 {source} 中", lines, "资金合计与分项之和不符（工作簿会用公式重算合计，掩盖这一差异）",
    ) + "\n请先在原文件中改正合计或分项，再生成工作簿。")


def normalised_values(source: str | os.PathLike) -> list[str] | None:
    """Every value of a JSON data file that reading it changed, one line each in words:
    评价金额（万元）：“122.17万元” → 122.17. `xlperf new --from` prints them, so that nothing
    typed is replaced without a word. None for a workbook: its cells are read by the same
    rules (`xlperf.files.values`) and written back in the same cells."""
    import json

    from xlperf.errors import field_name
    from xlperf.files import sources

    p = Path(source)
    if p.suffix.lower() != ".json":
        return None
    ev = sources.load(p)
    raw = json.loads(p.read_bytes().decode("utf-8-sig"))
    out: list[str] = []

    def walk(typed, read, loc: tuple) -> None:
        if isinstance(typed, dict) and isinstance(read, dict):
            for key, value in typed.items():
                if key in read:
                    walk(value, read[key], (*loc, key))
        elif isinstance(typed, list) and isinstance(read, list):
            for i, (value, got) in enumerate(zip(typed, read)):
                walk(value, got, (*loc, i))
        elif not _same(typed, read):
            out.append(f"{field_name(type(ev), loc)}：“{typed}” → {_shown(read)}")

    walk(raw, ev.model_dump(mode="json"), ())
    marks = [line for line in out if line.endswith("→ （空）") and _marked_empty(line)]
    if marks:
        shown = "、".join(dict.fromkeys(f"“{_typed_of(line)}”" for line in marks))
        out = [line for line in out if line not in marks] + [f"另有 {len(marks)} 处写的是{shown}，按空着处理（表式印“—”的格子照印）"]
    return out


def _typed_of(line: str) -> str:
    return line.rsplit("：“", 1)[-1].rsplit("” → ", 1)[0]


def _marked_empty(line: str) -> bool:
    """A value a person wrote to say the cell is empty (“/”, “—”, “无”), read as empty."""
    from xlperf.forms.national_2020.model import EMPTY_MARKS

    return unicodedata.normalize("NFKC", _typed_of(line)).strip() in EMPTY_MARKS


_PLAIN_NUMBER = re.compile(r"^-?\d+(\.\d+)?$", re.ASCII)


def _same(typed, read) -> bool:
    if typed in (None, "") and read in (None, "", []):
        return True
    if isinstance(typed, str) and isinstance(read, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", read):
        try:
            return values.date(typed) == dt.date.fromisoformat(read)
        except ValueError:
            return False
    if isinstance(read, bool):
        return typed is read or (isinstance(typed, str) and typed.strip() == ("是" if read else "否"))
    if isinstance(typed, (int, float)) and not isinstance(typed, bool) or (
        isinstance(typed, str) and _PLAIN_NUMBER.match(typed)
    ):
        try:
            return Decimal(str(typed)) == Decimal(str(read))
        except (InvalidOperation, TypeError):
            return False
    return str(typed) == str(read)


def _shown(read) -> str:
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", str(read))
    if m:
        return f"{int(m[1])}年{int(m[2])}月{int(m[3])}日"
    return "（空）" if read in (None, "") else f"“{read}”" if isinstance(read, str) and not _PLAIN_NUMBER.match(read) else str(read)


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

    from xlperf import forms

    out = Path(out)
    _require_suffix(out, ".xlsx", "报送副本")
    check_output(out, force=force, source=source)
    if ev is None:
        ev = sources.load(source)
    if not forms.is_guangdong(ev):
        return forms.kind_of(ev).module().submission_copy(ev, out, rules=rules, force=force, source=source)
    rules = _form_rule_file(ev, rules, source)
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
    from xlperf.files import sources
    from xlperf.files.atomic import check_output

    out = Path(out)
    _require_suffix(out, ".xlsx", "报送副本")
    check_output(out, force=force, source=source)
    loaded = sources.load_form(source)
    ev = loaded.form
    result = loaded.evaluate(rules=rules, folder=Path(source).parent)
    done = Submission(None, list(result.findings))
    if done.errors and not allow_errors:
        return done
    done.path = submission_copy(source, out, rules=rules, force=force, ev=ev)
    return done
