"""`xlperf review --return-dir`: what goes back to each unit, duplicates, files that are
not forms, and last year's score beside this year's."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from tests.badfiles import clean_data
from xlperf.cli import main
from xlperf.files.xlsx_grid import read_grids
from xlperf.outputs.review import NOT_A_FORM, review
from xlperf.errors import place
from xlperf.workbook.editions import new_workbook


def _json(path: Path, data: dict) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    root = tmp_path_factory.mktemp("returns")
    forms = root / "forms"
    forms.mkdir()
    bad_phone = clean_data("甲单位", "甲项目")
    bad_phone["basic"]["contact_phone"] = "12ab"
    _json(forms / "a.json", bad_phone)
    _json(forms / "b.json", clean_data("乙单位", "乙项目"))
    _json(forms / "b-again.json", clean_data("乙单位", " 乙项目 "))
    bad_amount = clean_data("丙单位", "丙项目")
    bad_amount["basic"]["eval_amount"] = "-1"
    new_workbook(forms / "c.xlsm", source=_json(root / "c.json", bad_amount))
    from docx import Document

    letter = Document()
    letter.add_paragraph("关于报送 2020 年度绩效自评材料的说明")
    letter.save(forms / "说明.docx")
    result = review([forms], root / "汇总.xlsx", jobs=1, progress=False, return_dir=root / "退回")
    return root, result


def _codes_in(path: Path) -> list[str]:
    """The finding codes a return file names: the 问题清单 rows, or a marked copy's 校验结果."""
    sheet = "问题清单" if path.name.endswith("-问题清单.xlsx") else "校验结果"
    rows = read_grids(path, [sheet])[sheet]
    head = next(i for i, r in enumerate(rows) if r and "代码" in r)
    col = rows[head].index("代码")
    return [r[col] for r in rows[head + 1 :] if r and len(r) > col and r[col]]


def test_one_return_file_per_form_with_problems_naming_exactly_its_findings(batch):
    root, result = batch
    by_form = {Path(f.file).name: f for f in result.forms}
    with_problems = {name for name, f in by_form.items() if f.errors or f.warnings}
    assert with_problems == {"a.json", "c.xlsm"}
    returned = sorted(p.name for p in (root / "退回").iterdir())
    assert returned == sorted(["甲单位-问题清单.xlsx", "丙单位-c-已标记.xlsm"])
    for name in with_problems:
        form = by_form[name]
        path = Path(form.returned)
        wanted = sorted(f.code for f in result.findings if f.file == form.file)
        assert sorted(_codes_in(path)) == wanted, name
    assert "FMT001" in _codes_in(root / "退回" / "甲单位-问题清单.xlsx")
    assert "AMT001" in _codes_in(root / "退回" / "丙单位-c-已标记.xlsm")
    with zipfile.ZipFile(root / "退回" / "丙单位-c-已标记.xlsm") as z:
        assert "xl/vbaProject.bin" in z.namelist()  # the unit's own workbook, marked, macros kept


def test_problem_list_names_the_unit_and_fields_in_words(batch):
    root, _ = batch
    rows = read_grids(root / "退回" / "甲单位-问题清单.xlsx", ["问题清单"])["问题清单"]
    text = "\n".join(str(v) for r in rows for v in r if v)
    assert "甲单位" in text and "甲项目" in text and "联系电话“12ab”格式不正确" in text
    assert "basic." not in text


def test_place_is_in_words_without_a_cell():
    from xlperf.outputs.review import FindingRow

    f = FindingRow("x.json", "AMT003", "error", "funding.budget[0].total", "", "…")
    assert place(f) == "资金安排情况第1行的资金合计"
    g = FindingRow("x.json", "FMT001", "error", "basic.contact_phone", "附件1-1!F5", "…")
    assert place(g) == "附件1-1!F5" and place(g, workbook=False) == "联系电话"


def test_duplicates_are_flagged_and_files_that_are_not_forms_get_a_row(batch):
    root, result = batch
    by_form = {Path(f.file).name: f for f in result.forms}
    assert by_form["b.json"].duplicate_of.endswith("b-again.json")
    assert by_form["b-again.json"].duplicate_of.endswith("b.json")
    assert "出现不止一次" in by_form["b.json"].note and not by_form["a.json"].duplicate_of
    docx = by_form["说明.docx"]
    assert docx.status == NOT_A_FORM and docx.code == "IN_NOT_FORM" and "不是自评表" in docx.cause
    summary = read_grids(root / "汇总.xlsx")["汇总"]
    assert any(r[0].endswith("说明.docx") and NOT_A_FORM in r for r in summary[1:])
    assert result.grade_counts()[NOT_A_FORM] == 1


def test_previous_summary_gives_last_years_score_and_grade(batch, tmp_path, capsys):
    root, result = batch
    assert main(["review", str(root / "forms" / "a.json"), str(root / "forms" / "b.json"), "-o",
                 str(tmp_path / "今年.xlsx"), "--previous", str(root / "汇总.xlsx"), "--jobs", "1"]) == 1
    capsys.readouterr()
    summary = read_grids(tmp_path / "今年.xlsx")["汇总"]
    head = summary[0]
    last = {r[0].rsplit("/", 1)[-1]: (r[head.index("上年得分")], r[head.index("上年等级")]) for r in summary[1:]}
    before = {Path(f.file).name: f for f in result.forms}
    assert last["b.json"] == (float(before["b.json"].score), before["b.json"].grade)
    assert last["a.json"][1] == before["a.json"].grade


def test_previous_that_is_not_a_summary_is_refused(batch, tmp_path, capsys):
    root, _ = batch
    assert main(["review", str(root / "forms" / "a.json"), "--json", "--previous",
                 str(root / "退回" / "甲单位-问题清单.xlsx")]) == 2
    assert "不是 xlperf review 生成的汇总表" in capsys.readouterr().err
