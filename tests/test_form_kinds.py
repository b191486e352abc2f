"""Contracts every registered form kind keeps (one test body, parametrised over the kinds)."""

from __future__ import annotations

import pytest

from xlperf import forms
from xlperf.engine import Evaluation, evaluate
from xlperf.files import sources
from xlperf.workbook.editions import new_workbook

KINDS = sorted(forms.KINDS)
SUFFIX = {forms.GUANGDONG: ".xlsm", forms.NATIONAL: ".xlsx"}


def test_every_kind_has_a_workbook_suffix_here():
    assert sorted(SUFFIX) == KINDS


@pytest.mark.parametrize("key", KINDS)
def test_json_round_trip_keeps_the_kind(key):
    kind = forms.kind(key)
    empty = kind.model()
    back = forms.parse_json(empty.model_dump_json())
    assert forms.kind_of(back) is kind and back == empty


@pytest.mark.parametrize("key", KINDS)
def test_an_empty_form_is_evaluated_with_catalogued_codes(key):
    result = evaluate(forms.kind(key).model())
    assert isinstance(result, Evaluation) and result.scorecard.total >= 0
    every = forms.catalogue()
    assert result.findings, "an empty form has required fields missing"
    for f in result.findings:
        assert every[f.code].severity == f.severity
        assert f.cell, f"{f.code} {f.field} has no cell"


@pytest.mark.parametrize("key", KINDS)
def test_new_workbook_reads_back_as_its_kind(tmp_path, key):
    out = new_workbook(tmp_path / f"new{SUFFIX[key]}", form=key)
    form = sources.load(out)
    assert forms.kind_of(form).key == key
    assert sources.kind_of_file(out).key == key


@pytest.mark.parametrize("key", KINDS)
def test_each_kind_owns_its_codes(key):
    own = forms.kind(key).module().CATALOGUE
    others = {c for k in KINDS if k != key for c in forms.kind(k).module().CATALOGUE}
    assert not set(own) & others
