"""The ready-to-open workbooks under workbook/ are what `xlperf new` builds today."""

import zipfile
from pathlib import Path

import pytest
from oletools.olevba import VBA_Parser

from xlperf.workbook.editions import new_workbook
from xlperf.forms.guangdong_1_1.model import SelfEvaluation
from xlperf.workbook.read import read_workbook_with_layout

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "shaoguan-2020.json"
EMPTY = ROOT / "workbook" / "xlperf-自评表.xlsm"
SAMPLE = ROOT / "workbook" / "示例-韶关市行政服务中心-2020.xlsm"
VARIES = {"docProps/core.xml", "xl/vbaProject.bin"}
"""Parts allowed to differ: the build time, and the VBA project, which embeds the xlwings
module of whatever xlwings is installed (its own test compares it with that version)."""


@pytest.mark.parametrize("committed, source", [(EMPTY, None), (SAMPLE, EXAMPLE)])
def test_committed_workbook_is_current(tmp_path, committed, source):
    fresh = tmp_path / "fresh.xlsm"
    new_workbook(fresh, source=source)
    with zipfile.ZipFile(committed) as old, zipfile.ZipFile(fresh) as new:
        assert old.namelist() == new.namelist()
        stale = [n for n in new.namelist() if n not in VARIES and old.read(n) != new.read(n)]
    assert stale == [], "workbook/ is out of date: rebuild it as workbook/README.md says"


def test_sample_workbook_holds_the_example():
    ev, _ = read_workbook_with_layout(SAMPLE)
    assert ev == SelfEvaluation.from_json(EXAMPLE.read_text(encoding="utf-8"))


@pytest.mark.parametrize("committed", [EMPTY, SAMPLE])
def test_committed_workbooks_carry_the_vba_modules(committed):
    parser = VBA_Parser(str(committed))
    try:
        names = {name for _, _, name, _ in parser.extract_macros()}
    finally:
        parser.close()
    assert {"xlwings.bas", "xlwings_udfs.bas", "xlperf_buttons.bas"} <= names
