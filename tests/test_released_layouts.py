"""Workbooks of every released layout, as users hold them, still read after an upgrade.

tests/fixtures/layout-v<N>/ keeps the workbooks that release built (the committed
workbook/ files of that time: the macro workbook, the seed example and, from version 3 on,
the formulas edition). They are never rebuilt. Version 3 is the last layout without the
indicator rows' 分值 column.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from xlperf.files import sources
from xlperf.forms.guangdong_1_1.model import SelfEvaluation

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
EXAMPLE = ROOT / "examples" / "shaoguan-2020.json"
RELEASED = sorted([*FIXTURES.glob("layout-v*/*.xlsm"), *FIXTURES.glob("layout-v*/*.xlsx")])


def test_every_released_layout_has_fixtures():
    assert {p.parent.name for p in RELEASED} >= {"layout-v2", "layout-v3"}
    assert {p.name for p in RELEASED if p.parent.name == "layout-v3"} == {
        "empty.xlsm", "shaoguan-2020.xlsm", "empty-formulas.xlsx"}


@pytest.mark.parametrize("path", RELEASED, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_a_released_workbook_reads(path):
    from xlperf.workbook.read import read_workbook_with_layout

    ev = sources.load(path)
    assert read_workbook_with_layout(path)[1].version == int(path.parent.name.removeprefix("layout-v"))
    assert all(row.weight is None for _, _, row in ev.indicators.each())
    if path.stem.startswith("shaoguan"):
        assert ev == SelfEvaluation.from_json(EXAMPLE.read_text(encoding="utf-8"))
    else:
        assert ev.basic.project_name in (None, "")


@pytest.mark.parametrize("path", [p for p in RELEASED if p.stem.startswith("shaoguan")], ids=lambda p: p.parent.name)
def test_a_released_workbook_checks_and_scores_like_its_data(path):
    def run(file):
        out = subprocess.run([sys.executable, "-m", "xlperf.cli", "check", str(file), "--json"],
                             capture_output=True, text=True, cwd=ROOT)
        assert out.returncode in (0, 1), out.stderr
        result = json.loads(out.stdout)
        return [f["code"] for f in result["findings"]], result["score"]["total"], result["score"]["grade"]

    assert run(path) == run(EXAMPLE)


NATIONAL_EXAMPLE = ROOT / "examples" / "national-zhongjiang-2022.json"
NATIONAL_RELEASED = sorted(FIXTURES.glob("national-layout-v*/*.xlsx"))
"""Workbooks of the national kind's released layouts (version 1: the plain table, no helper
columns, no formulas), built by that release and never rebuilt."""


def test_every_released_national_layout_has_fixtures():
    assert {p.parent.name for p in NATIONAL_RELEASED} >= {"national-layout-v1"}


@pytest.mark.parametrize("path", NATIONAL_RELEASED, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_a_released_national_workbook_reads(path):
    from xlperf.files.xlsx_grid import OpenWorkbook
    from xlperf.forms.national_2020.model import NationalForm

    with OpenWorkbook(path) as book:
        version = dict(book.grids(["_xlperf"])["_xlperf"]).get("layout_version")
    assert version == path.parent.name.removeprefix("national-layout-v")
    form = sources.load(path)
    if path.stem.startswith("national-"):
        want = NationalForm.model_validate_json(NATIONAL_EXAMPLE.read_text(encoding="utf-8"))
        assert form == want.model_copy(update={"source": ""})
    else:
        assert form == NationalForm()


@pytest.mark.parametrize("path", [p for p in NATIONAL_RELEASED if p.stem.startswith("national-")],
                         ids=lambda p: p.parent.name)
def test_a_released_national_workbook_checks_and_scores_like_its_data(path):
    def run(file):
        out = subprocess.run([sys.executable, "-m", "xlperf.cli", "check", str(file), "--json"],
                             capture_output=True, text=True, cwd=ROOT)
        assert out.returncode in (0, 1), out.stderr
        result = json.loads(out.stdout)
        return ([(f["code"], f.get("cell")) for f in result["findings"]], result["score"]["total"],
                result["score"]["grade"], [(i["id"], i["points"]) for i in result["score"]["items"]])

    assert run(path) == run(NATIONAL_EXAMPLE)
