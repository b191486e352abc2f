"""The form-kind registry: every reader tells the kinds apart by itself."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from xlperf import forms
from xlperf.errors import InputError
from xlperf.files import sources
from xlperf.forms.guangdong_1_1.model import SelfEvaluation
from xlperf.forms.national_2020.model import NationalForm

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "examples" / "shaoguan-2020.json"


def test_a_file_without_a_tag_is_the_guangdong_kind():
    form = forms.parse_json(SEED.read_bytes())
    assert isinstance(form, SelfEvaluation)
    assert form == SelfEvaluation.from_json(SEED.read_text(encoding="utf-8"))
    assert forms.kind_of(form).key == forms.GUANGDONG


@pytest.mark.parametrize("tag", ["national-2020", "national", "全国"])
def test_a_tagged_file_is_its_own_kind(tag):
    form = forms.parse_json(json.dumps({"form": tag, "project_name": "甲"}))
    assert isinstance(form, NationalForm)
    assert forms.kind_of(form).key == forms.NATIONAL
    assert form.project_name == "甲"


def test_an_unknown_tag_is_refused_in_chinese(tmp_path):
    p = tmp_path / "x.json"
    p.write_text(json.dumps({"form": "shanghai-9"}), encoding="utf-8")
    with pytest.raises(InputError) as e:
        sources.load(p)
    assert "表式" in e.value.message and "national-2020" in e.value.message


def test_a_national_file_with_a_bad_field_names_it_in_chinese(tmp_path):
    p = tmp_path / "x.json"
    p.write_text(json.dumps({"form": "national-2020", "funds": {"total": {"budget": "一百"}}}), encoding="utf-8")
    with pytest.raises(InputError) as e:
        sources.load(p)
    assert e.value.message.endswith("全年预算数：应为数字，实际为“一百”") and "funds" not in e.value.message


def test_kind_names_and_aliases():
    assert forms.kind("national").key == forms.NATIONAL
    assert forms.kind("guangdong-1-1").key == forms.GUANGDONG
    assert forms.kind(None).key == forms.GUANGDONG
    with pytest.raises(InputError) as e:
        forms.kind("nationl")
    assert "不认识的表式" in e.value.message


def test_a_workbook_record_without_a_kind_is_guangdong():
    assert forms.kind_of_meta({"layout_version": "2"}).key == forms.GUANGDONG
    assert forms.kind_of_meta({"form_kind": "national-2020"}).key == forms.NATIONAL


def test_kinds_load_lazily():
    code = (
        "import sys, xlperf.forms as f, xlperf.files.sources, xlperf.engine;"
        "print(any(m.startswith('xlperf.forms.national_2020') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_a_guangdong_file_may_name_its_kind():
    data = json.loads(SEED.read_text(encoding="utf-8"))
    tagged = forms.parse_json(json.dumps(dict(data, form="guangdong-1-1"), ensure_ascii=False))
    assert isinstance(tagged, SelfEvaluation) and tagged.form == "guangdong-1-1"
    assert tagged.model_copy(update={"form": None}) == forms.parse_json(SEED.read_bytes())
    assert "form" not in json.loads(forms.parse_json(SEED.read_bytes()).to_json())
