"""Form kinds (表式): one package per official form, found through one registry.

A form kind is one declaration, in a package of its own, of its model, its checks, its
default rule set and its report text (and, where it has a workbook, its layout). The
engine (targets, formulas, scoring from rule data, the check runner, findings), the file
readers and the outputs serve every kind. The kinds:

- ``guangdong-1-1``: Guangdong's municipal 附件1-1 基础信息表 (`xlperf.forms.guangdong_1_1`);
- ``national-2020``: the national 项目支出绩效自评表 of 财预〔2020〕10号
  (`xlperf.forms.national_2020`).

A kind's package is imported only when a form of that kind is met (`FormKind.module`),
so `xlperf --help` and a Guangdong-only run never load the national code.

How a reader tells the kinds apart by itself:

- a JSON data file carries its kind in the top-level key ``form``; a file without it is
  the Guangdong kind (every file written before there were kinds). `parse_json` is a
  pydantic tagged union whose discriminator is `detect_json`;
- a workbook records its kind in the hidden ``_xlperf`` sheet under ``form_kind``, beside
  the layout version; a workbook without it is the Guangdong kind (`kind_of_meta`).

Adding a kind (see docs/architecture.md): a package with the module attributes listed
in `FormKind`, and one entry in `KINDS`.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from xlperf.errors import InputError

GUANGDONG = "guangdong-1-1"
NATIONAL = "national-2020"
TAG = "form"
"""The top-level JSON key that names a data file's kind."""
META_KEY = "form_kind"
"""The `_xlperf` key that names a workbook's kind."""


@dataclass(frozen=True)
class FormKind:
    """One registered form kind.

    Its package (`module()`) provides:
    - ``MODEL``: the pydantic model of a filled-in form;
    - ``evaluate(form, rules=None, locate=None, folder=None)``: findings and scorecard (an
      `xlperf.engine.Evaluation`); optional for the Guangdong kind, whose checks and
      scoring are the engine's own;
    - ``CATALOGUE``: its own check codes (code → `CheckInfo`), empty when it only uses the
      engine's codes;
    - ``report_sections(form, scorecard, findings)``: the report text.
    """

    key: str
    title: str
    """The kind as a user names it (the 表式 column of the review summary)."""
    package: str
    default_rules: str
    aliases: tuple[str, ...] = ()

    def module(self) -> ModuleType:
        return importlib.import_module(self.package)

    @property
    def model(self) -> type:
        return self.module().MODEL


KINDS: dict[str, FormKind] = {
    GUANGDONG: FormKind(
        key=GUANGDONG,
        title="广东省市级附件1-1",
        package="xlperf.forms.guangdong_1_1",
        default_rules="national-2020",
        aliases=("guangdong", "广东"),
    ),
    NATIONAL: FormKind(
        key=NATIONAL,
        title="项目支出绩效自评表（财预〔2020〕10号）",
        package="xlperf.forms.national_2020",
        default_rules="national-2020",
        aliases=("national", "全国"),
    ),
}


def kind(name: str | None) -> FormKind:
    """The kind named `name` (its key or an alias such as "national"); None → Guangdong."""
    if name is None or str(name).strip() == "":
        return KINDS[GUANGDONG]
    text = str(name).strip()
    for k in KINDS.values():
        if text == k.key or text in k.aliases:
            return k
    known = "、".join(f"{k.key}（{k.title}）" for k in KINDS.values())
    raise InputError(f"不认识的表式“{text}”。可用的表式：{known}")


def kind_of(form: Any) -> FormKind:
    """The kind of a form object (a model instance of one of the kinds)."""
    module = type(form).__module__
    for k in KINDS.values():
        if module == k.package or module.startswith(k.package + "."):
            return k
    raise TypeError(f"{type(form).__name__} is not the model of a registered form kind")


def detect_json(value: Any) -> str:
    """The kind's key for a JSON value (the tagged union's discriminator).

    A mapping names its kind under ``form``; without it, it is the Guangdong kind. A model
    instance is its own kind; anything else (a JSON array) goes to the Guangdong model, whose
    error then says what a data file must hold. An unknown name is returned as written, so that the union
    reports it (`parse_json` turns that into a Chinese message first)."""
    if isinstance(value, Mapping):
        tag = value.get(TAG)
        if tag is None:
            return GUANGDONG
        try:
            return kind(str(tag)).key
        except InputError:
            return str(tag)
    try:
        return kind_of(value).key
    except TypeError:
        return GUANGDONG


def kind_of_meta(meta: Mapping[str, str]) -> FormKind:
    """The kind a workbook's `_xlperf` key/value rows record (none recorded → Guangdong)."""
    return kind(meta.get(META_KEY) or GUANGDONG)


@functools.cache
def _adapter():
    from typing import Annotated, Union

    from pydantic import Discriminator, Tag, TypeAdapter

    branches = tuple(Annotated[k.model, Tag(k.key)] for k in KINDS.values())
    return TypeAdapter(Annotated[Union[branches], Discriminator(detect_json)])  # type: ignore[valid-type]


def parse_json(data: str | bytes, *, what: str = "本文件") -> Any:
    """The form in a JSON data file, as the model of its own kind.

    Raises `InputError` (Chinese) for an unknown ``form`` name; lets pydantic's
    `ValidationError` through for the caller to describe (`model_for_errors` gives the
    model to describe it against)."""
    from pydantic import ValidationError

    try:
        return _adapter().validate_json(data)
    except ValidationError as e:
        if any(err["type"] == "union_tag_invalid" for err in e.errors()):
            known = "、".join(f"{k.key}（{k.title}）" for k in KINDS.values())
            raise InputError(f"{what}的“form”（表式）不认识。可用的表式：{known}；不写“form”即为广东省市级附件1-1。") from None
        raise


def model_for_errors(data: str | bytes) -> type:
    """The model a data file claims to be, to describe its validation errors against."""
    import json

    try:
        raw = json.loads(data)
    except (ValueError, TypeError, RecursionError):
        return KINDS[GUANGDONG].model
    return kind(detect_json(raw)).model if isinstance(raw, Mapping) else KINDS[GUANGDONG].model


def catalogue() -> dict:
    """Every check code of every kind (code → `CheckInfo`): the engine's, then each kind's own."""
    from xlperf.engine.checks import CATALOGUE

    every = dict(CATALOGUE)
    for k in KINDS.values():
        every.update(k.module().CATALOGUE)
    return every


def is_guangdong(form: Any) -> bool:
    return kind_of(form).key == GUANGDONG
