"""Reading a self-evaluation from a file: the one entry point for loading a form.

A file is the JSON data file, a workbook xlperf built (read through the layout it
records), or an official form typed by hand in Word, Excel or WPS (.docx, .xlsx/.xlsm
without xlperf's record, .xls), read by its labels through `xlperf.files.imports`.
Every failure becomes an `InputError` whose Chinese message names the file and the cause.
"""

from __future__ import annotations

import os
from pathlib import Path

from xlperf.errors import InputError

JSON_SUFFIXES = {".json"}
WORKBOOK_SUFFIXES = {".xlsx", ".xlsm"}
IMPORT_ONLY_SUFFIXES = {".docx", ".xls"}
FORM_SUFFIXES = JSON_SUFFIXES | WORKBOOK_SUFFIXES | IMPORT_ONLY_SUFFIXES
"""Every file name ending a form may have (what `review` looks for in a folder)."""
MAX_JSON_BYTES = 5 * 1024 * 1024
"""A real form's JSON is a few KB; anything far larger is not a form."""


def load(path: str | os.PathLike):
    """The `SelfEvaluation` held in a .json data file, a workbook or a typed official form."""
    return load_form(path).form


class Loaded:
    """A loaded form, `locate(field_path) -> cell` into the file it came from, and the
    findings of its import (IMP001..; none for JSON and xlperf workbooks)."""

    def __init__(self, form, locate, findings=(), imported=None):
        self.form = form
        self.locate = locate
        self.findings = list(findings)
        self.imported = imported

    def evaluate(self, rules=None, folder=None):
        """Checks and scoring of the form, the import's own findings first (`rules` and
        `folder` as `engine.evaluate` takes them)."""
        from xlperf.engine import Evaluation, evaluate

        result = evaluate(self.form, rules=rules, locate=self.locate, folder=folder)
        if not self.findings:
            return result
        return Evaluation(findings=self.findings + list(result.findings), scorecard=result.scorecard)


def load_form(path: str | os.PathLike) -> Loaded:
    """The form in any file xlperf reads (see the module's docstring)."""
    p = _checked(path)
    suffix = p.suffix.lower()
    if suffix in JSON_SUFFIXES:
        from xlperf.engine import default_locator

        ev = _load_json(p)
        return Loaded(ev, default_locator(ev))
    if suffix in WORKBOOK_SUFFIXES and not _renamed_xls(p) and _built_by_xlperf(p):
        ev, layout = _load_workbook(p)
        return Loaded(ev, layout.cell_of)
    from xlperf.files.imports import import_file

    result = import_file(p)
    return Loaded(result.form, result.locate, result.findings, result.record)


def _renamed_xls(p: Path) -> bool:
    """An Excel 97–2003 workbook saved under an .xlsx name (common after e-mail): imported."""
    from xlperf.files.xls_grid import is_xls_workbook, sniff

    try:
        return sniff(p) == "ole" and is_xls_workbook(p)
    except OSError:
        return False


def built_by_xlperf(p: Path) -> bool:
    """True when a workbook (not an .xls under an .xlsx name) carries xlperf's hidden
    record sheet (and its layout)."""
    return not _renamed_xls(p) and _built_by_xlperf(p)


def _built_by_xlperf(p: Path) -> bool:
    """True when a workbook carries xlperf's hidden record sheet (and its layout)."""
    from xlperf.files.xlsx_grid import sheet_names
    from xlperf.forms.guangdong_1_1.layout import META

    return META in sheet_names(p)


def _checked(path: str | os.PathLike) -> Path:
    """The path, once it names an existing file of a kind xlperf reads."""
    p = Path(path)
    if p.suffix.lower() not in FORM_SUFFIXES:
        raise InputError(f"文件 {p}：不支持的文件类型“{p.suffix or '无扩展名'}”，请提供 .json、.xlsx、.xlsm、.xls 或 .docx 文件")
    if not p.exists():
        raise InputError(f"文件 {p}：文件不存在")
    if not p.is_file():
        raise InputError(f"文件 {p}：不是普通文件")
    return p


def _load_json(p: Path):
    """The form in a JSON data file, as the model of the kind it names (`xlperf.forms`)."""
    from pydantic import ValidationError

    from xlperf import forms
    from xlperf.errors import json_syntax_error, problems_text, validation_problems

    try:
        size = p.stat().st_size
        if size > MAX_JSON_BYTES:
            raise InputError(f"文件 {p}：文件过大（{size} 字节，上限 {MAX_JSON_BYTES} 字节），不是自评数据文件")
        data = p.read_bytes()
    except OSError as e:
        raise InputError(f"文件 {p}：无法读取（{e.strerror or e}）") from None
    data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"文件 {p}：不是 UTF-8 编码的 JSON 文件") from None
    try:
        return forms.parse_json(data, what=f"文件 {p} ")
    except ValidationError:
        model = forms.model_for_errors(data)
        try:
            model.model_validate_json(data)
        except ValidationError as e:
            syntax = json_syntax_error(data) if any(i["type"] == "json_invalid" for i in e.errors()) else None
            if syntax:
                raise InputError(f"文件 {p}：{syntax}") from None
            raise InputError(problems_text(f"文件 {p}", validation_problems(e, model))) from None
        raise


def _load_workbook(p: Path):
    """The form in a workbook and the layout the workbook was built with."""
    from xlperf.workbook.read import WorkbookError, read_workbook_with_layout

    try:
        return read_workbook_with_layout(p)
    except WorkbookError as e:
        raise InputError(f"文件 {p}：{e}") from None


def load_with_locator(path: str | os.PathLike):
    """The form and a `locate(field_path) -> cell` that points into the form's own workbook.

    For a workbook that is the file's own layout; for a JSON file, the layout of the
    workbook `xlperf new --from` would build from it.
    """
    loaded = load_form(path)
    return loaded.form, loaded.locate


def kind_of_file(path: str | os.PathLike):
    """The form kind (`xlperf.forms.FormKind`) of a data file or workbook, without reading the
    whole form: a JSON file's ``form`` key, a workbook's ``_xlperf`` record."""
    from xlperf import forms

    p = _checked(path)
    if p.suffix.lower() in JSON_SUFFIXES:
        return forms.kind_of(_load_json(p))
    if p.suffix.lower() not in WORKBOOK_SUFFIXES or _renamed_xls(p) or not _built_by_xlperf(p):
        return forms.kind_of(load_form(p).form)
    from xlperf.files.xlsx_grid import read_grids
    from xlperf.forms.guangdong_1_1.layout import META

    grid = read_grids(p, [], optional=[META]).get(META, [])
    meta = {str(r[0]).strip(): "" if len(r) < 2 or r[1] is None else str(r[1]) for r in grid if r and r[0] not in (None, "")}
    try:
        return forms.kind_of_meta(meta)
    except InputError:
        return forms.kind(None)
