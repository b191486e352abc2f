"""The national form's workbook: built, read back and marked from one declaration, printed
by LibreOffice as the official table, and every command on national forms."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
import xlsxwriter

from tests.test_render import pages, text, to_pdf
from xlperf.files import sources
from xlperf.files.xlsx_grid import read_grids
from xlperf.forms.national_2020 import evaluate, workbook
from xlperf.forms.national_2020.layout import INDICATOR_HEADER_ROW, META, NOTE, SHEET, NationalLayout
from xlperf.engine.scoring import load_rules
from xlperf.forms.national_2020.model import IndicatorRow, NationalForm
from xlperf.forms.national_2020.native import as_built

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("national-*.json"))
CLEAN = ROOT / "examples" / "national-clean-2022.json"
LABELS = ("项目支出绩效自评表", "项目名称", "主管部门", "实施单位", "项目资金", "年初预算数", "全年预算数", "全年执行数",
          "分值", "执行率", "得分", "年度资金总额", "当年财政拨款", "上年结转资金", "其他资金", "年度总体目标", "预期目标",
          "实际完成情况", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "偏差原因分析及改进措施", "总分", "自评等级")


def run(*args) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "xlperf", *args], capture_output=True, text=True, env=env)


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_every_example_round_trips_through_its_workbook(tmp_path, example):
    form = sources.load(example)
    out = workbook.build(tmp_path / "f.xlsx", form)
    back, locate = sources.load_with_locator(out)
    assert back == form.model_copy(update={"source": ""})
    assert [f.code for f in evaluate(back, locate=locate).findings] == [f.code for f in evaluate(form).findings]


def test_no_two_declared_cells_overlap():
    for layout in (NationalLayout(), NationalLayout(40)):
        seen: dict[tuple[int, int], str] = {}
        for spot in layout.spots:
            for r in range(spot.row, spot.row + spot.rows):
                for c in range(spot.col, spot.col + spot.cols):
                    assert (r, c) not in seen, f"{spot.ref} overlaps {seen[(r, c)]}"
                    seen[(r, c)] = spot.ref


def test_every_field_of_the_form_has_one_input_cell():
    paths = [s.path for s in NationalLayout(3).inputs()]
    assert len(paths) == len(set(paths))
    wanted = {f for f in NationalForm.model_fields if f not in ("form", "source", "rules", "funds", "goals", "indicators", "total")}
    wanted |= {f"funds.{r}.{c}" for r in ("total",) for c in ("initial", "budget", "executed", "points", "rate", "score")}
    wanted |= {f"funds.{r}.{c}" for r in ("appropriation", "carryover", "other") for c in ("initial", "budget", "executed", "rate")}
    wanted |= {"funds.change_note", "goals.expected", "goals.actual", "total.points", "total.score"}
    wanted |= {f"indicators[2].{a}" for a in IndicatorRow.model_fields}
    assert wanted <= set(paths), wanted - set(paths)


def test_the_record_names_the_kind_and_the_rows(tmp_path):
    form = NationalForm(indicators=[IndicatorRow(name=f"指标{i}") for i in range(20)], rules="national-2020-provincial")
    out = workbook.build(tmp_path / "f.xlsx", form)
    meta = dict((r[0], r[1]) for r in read_grids(out, [META])[META])
    assert meta["form_kind"] == "national-2020" and meta["indicator_rows"] == "20" and meta["layout_version"] == "2"
    back = sources.load(out)
    assert back.rules == "national-2020-provincial" and len(back.indicators) == 20


def test_prints_on_a4_with_the_indicator_header_repeated(tmp_path):
    out = workbook.build(tmp_path / "f.xlsx", None)
    with zipfile.ZipFile(out) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
        book = z.read("xl/workbook.xml").decode()
    assert 'paperSize="9"' in sheet and 'orientation="portrait"' in sheet and 'fitToHeight="0"' in sheet
    assert f"$1:${INDICATOR_HEADER_ROW + 1}" not in book and f"${INDICATOR_HEADER_ROW + 1}:${INDICATOR_HEADER_ROW + 1}" in book


def _bad_book(path: Path, cell: str, value, formula: bool = False) -> Path:
    good = workbook.build(path.with_name("good.xlsx"), sources.load(CLEAN))
    grids = read_grids(good)
    book = xlsxwriter.Workbook(str(path))
    for name, rows in grids.items():
        ws = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                if v is not None:
                    ws.write(r, c, v)
    ws = book.get_worksheet_by_name(SHEET)
    (ws.write_formula if formula else ws.write)(cell, value)
    book.close()
    return path


def test_text_in_a_number_cell_names_the_cell(tmp_path):
    spot = NationalLayout().spot_for("funds.total.budget")
    bad = _bad_book(tmp_path / "bad.xlsx", spot.first, "二十万")
    r = run("check", str(bad))
    assert r.returncode == 2
    assert f"项目支出绩效自评表!{spot.first}（全年预算数）" in r.stderr and "二十万" in r.stderr


@pytest.mark.parametrize("path", ["indicators[0].points", "funds.total.budget", "indicators[0].target"])
def test_a_formula_in_an_input_cell_is_refused(tmp_path, path):
    spot = NationalLayout().spot_for(path)
    bad = _bad_book(tmp_path / "bad.xlsx", spot.first, "=1+1", formula=True)
    r = run("check", str(bad))
    assert r.returncode == 2 and f"{spot.first}" in r.stderr and "公式" in r.stderr


def test_a_formula_in_a_computed_cell_states_its_cached_value(tmp_path):
    """得分, 执行率, 总分, 自评等级 may hold formulas (the formula edition's): their cached
    result is what the form states, never evaluated; no result, "" or an error value is None."""
    from xlperf.files.xlsx_grid import Formula

    cases = [("indicators[0].score", 7.5, "7.5"), ("funds.total.rate", 99.87, "99.87"), ("grade", "良", "良"),
             ("total.score", "#DIV/0!", None), ("total.points", "", None), ("funds.total.score", None, None)]
    layout = NationalLayout.for_form(sources.load(CLEAN))
    for path, cached, want in cases:
        grid = read_grids(workbook.build(tmp_path / "good.xlsx", sources.load(CLEAN), force=True), [SHEET, META])
        meta = dict((r[0], r[1]) for r in grid[META])
        spot = layout.spot_for(path)
        rows = [list(r) + [None] * (12 - len(r)) for r in grid[SHEET]]
        rows[spot.row][spot.col] = Formula("=1/0+SUM(A1:A2)", cached)
        form, _ = workbook.read_grid({SHEET: rows}, meta)
        got = workbook.field_value(form, path)
        assert got == (Decimal(want) if want and want[0].isdigit() else want), path
    meta["layout_version"] = "1"
    rows[spot.row][spot.col] = Formula("=1", 1.0)
    with pytest.raises(Exception, match="公式"):
        workbook.read_grid({SHEET: rows}, meta)


# --------------------------------------------------------------------------- commands


def test_new_builds_the_national_table(tmp_path):
    out = tmp_path / "n.xlsx"
    r = run("new", str(out), "--form", "national")
    assert r.returncode == 0, r.stderr
    assert sources.load(out) == NationalForm()
    assert run("new", str(tmp_path / "n.xlsm"), "--form", "national").returncode == 2
    r = run("new", str(tmp_path / "g.xlsx"), "--form", "guangdong-1-1")
    assert r.returncode == 2 and ".xlsm" in r.stderr
    r = run("new", str(tmp_path / "x.xlsx"), "--form", "shanghai")
    assert r.returncode == 2 and "不认识的表式" in r.stderr


def test_new_from_national_data_takes_its_kind(tmp_path):
    out = tmp_path / "n.xlsx"
    assert run("new", str(out), "--from", str(CLEAN)).returncode == 0
    form = sources.load(CLEAN).model_copy(update={"source": ""})
    assert sources.load(out) == as_built(form, load_rules("national-2020"), NationalLayout.for_form(form))
    assert sources.load(out) != form, "the clean example leaves a 执行率 for the formulas"
    r = run("new", str(tmp_path / "g.xlsm"), "--from", str(CLEAN), "--form", "guangdong-1-1")
    assert r.returncode == 2 and "表式" in r.stderr


def test_check_and_score_exit_codes():
    assert run("check", str(CLEAN)).returncode == 0
    r = run("check", str(ROOT / "examples" / "national-zhongjiang-2022.json"), "--json")
    assert r.returncode == 1
    assert {f["code"] for f in json.loads(r.stdout)["findings"]} >= {"NAT005", "NAT006", "NAT007"}
    r = run("score", str(CLEAN))
    assert r.returncode == 0 and "总分：100.00 分，等级：优" in r.stdout


def test_schema_of_each_kind():
    r = run("schema", "--form", "national")
    assert json.loads(r.stdout)["title"] == "项目支出绩效自评表"


def test_mark_writes_a_copy_with_the_findings(tmp_path):
    src = workbook.build(tmp_path / "z.xlsx", sources.load(ROOT / "examples" / "national-zhongjiang-2022.json"))
    before = src.read_bytes()
    out = tmp_path / "marked.xlsx"
    r = run("mark", str(src), "-o", str(out))
    assert r.returncode == 1 and "校验结果" in r.stdout
    assert src.read_bytes() == before
    listed = read_grids(out, ["校验结果"])["校验结果"]
    assert [row[0] for row in listed[1:]].count("NAT007") == 2
    with zipfile.ZipFile(out) as z:
        assert any(n.startswith("xl/comments") for n in z.namelist())


def test_submit_and_export(tmp_path):
    out = tmp_path / "copy.xlsx"
    assert run("submit", str(CLEAN), "-o", str(out)).returncode == 0
    assert sources.load(out) == sources.load(CLEAN).model_copy(update={"source": ""})
    doc = tmp_path / "r.docx"
    r = run("export", str(CLEAN), "-o", str(doc))
    assert r.returncode == 0, r.stdout + r.stderr
    import docx

    body = "\n".join(p.text for p in docx.Document(str(doc)).paragraphs)
    cells = "\n".join(c.text for t in docx.Document(str(doc)).tables for row in t.rows for c in row.cells)
    assert "项目支出绩效自评报告" in body and "附件3" not in body and "主管部门：中江县水利局" in body
    assert "自评得分100分" in cells and "评价结论" in cells


def test_export_names_a_missing_cover_field_once_in_the_words_of_the_form(tmp_path):
    data = json.loads(CLEAN.read_text(encoding="utf-8"))
    data.update(implementer="", project_name="")
    src = tmp_path / "f.json"
    src.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    r = run("export", str(src), "-o", str(tmp_path / "r.docx"))
    assert r.returncode == 1
    assert r.stdout.count("实施单位未填写") == 1 and r.stdout.count("项目名称未填写") == 1, r.stdout
    assert "implementer" not in r.stdout and "基础信息表" not in r.stdout and "REPORT_COVER_MISSING" not in r.stdout


def test_export_of_a_form_still_waiting_for_a_score_gives_no_grade(tmp_path):
    r = run("export", str(ROOT / "examples" / "national-qingshen-2023.json"), "-o", str(tmp_path / "r.docx"))
    import docx

    cells = "\n".join(c.text for t in docx.Document(str(tmp_path / "r.docx")).tables for row in t.rows for c in row.cells)
    assert "总分和自评等级待定" in cells and "自评等级为" not in cells, r.stdout
    assert "。）" not in cells


def test_a_workbook_with_cells_typed_as_people_type_them_reads(tmp_path):
    import openpyxl

    out = workbook.build(tmp_path / "f.xlsx", sources.load(CLEAN))
    book = openpyxl.load_workbook(out)
    ws = book[SHEET]
    layout = NationalLayout.for_form(sources.load(CLEAN))
    cell = {path: layout.spot_for(path).first for path in (
        "funds.carryover.initial", "funds.other.budget", "funds.total.rate", "indicators[0].points",
        "indicators[1].level1", "indicators[1].level2")}
    ws[cell["funds.carryover.initial"]] = "/"
    ws[cell["funds.other.budget"]] = "—"
    ws[cell["funds.total.rate"]] = "1.00"
    ws[cell["indicators[0].points"]] = "10分"
    ws[cell["indicators[1].level1"]] = None
    ws[cell["indicators[1].level2"]] = None
    book.save(out)
    form = sources.load(out)
    assert form.funds.carryover.initial is None and form.funds.other.budget is None and form.indicators[0].points == 10
    assert evaluate(form).findings == []


def test_review_puts_both_kinds_in_one_summary(tmp_path):
    folder = tmp_path / "forms"
    folder.mkdir()
    for p in (CLEAN, ROOT / "examples" / "national-zhongjiang-2022.json", ROOT / "examples" / "shaoguan-2020.json"):
        (folder / p.name).write_bytes(p.read_bytes())
    out = tmp_path / "汇总.xlsx"
    r = run("review", str(folder), "-o", str(out), "--jobs", "1")
    assert r.returncode == 1, r.stderr
    rows = read_grids(out, ["汇总"])["汇总"]
    assert rows[0][-1] == "表式"
    kinds = {Path(row[0]).name: row[-1] for row in rows[1:]}
    assert kinds["shaoguan-2020.json"] == "广东省市级附件1-1"
    assert kinds["national-clean-2022.json"] == kinds["national-zhongjiang-2022.json"] == "项目支出绩效自评表（财预〔2020〕10号）"
    by_file = {Path(row[0]).name: row for row in rows[1:]}
    assert by_file["national-clean-2022.json"][2].startswith("中江县") and by_file["national-clean-2022.json"][5] == 100
    titles = {row[0]: row[1] for row in read_grids(out, ["问题类型统计"])["问题类型统计"][1:]}
    assert titles["NAT007"] == "一级指标的分值与规定不符" and titles["IND012"]


# --------------------------------------------------------------------------- LibreOffice


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("national-render")
    long = sources.load(CLEAN)
    long = long.model_copy(update={"indicators": long.indicators * 12})
    books = {"clean": sources.load(CLEAN), "empty": None, "long": long}
    for name, form in books.items():
        workbook.build(folder / f"{name}.xlsx", form, values=True)
    return to_pdf(folder, list(books))


def test_the_table_prints_on_one_page_with_every_label(pdfs):
    assert pages(pdfs["clean"]) == 1 and pages(pdfs["empty"]) == 1
    printed = text(pdfs["empty"])
    for label in LABELS:
        assert label in printed, label
    assert text(pdfs["clean"]).count("中江县水利局") >= 2 and "受益脱贫" in text(pdfs["clean"])


def test_a_long_table_repeats_its_header_on_every_page(pdfs):
    n = pages(pdfs["long"])
    assert n >= 2
    for page in range(2, n + 1):
        assert "偏差原因分析及改进措施" in text(pdfs["long"], page)
    assert NOTE[:10] in text(pdfs["long"], n).replace("：", ":").replace(":", "：") or "一级指标分值统一设置为" in text(pdfs["long"], n)


def test_the_working_copy_guides_input_and_the_submission_copy_is_plain(tmp_path):
    form = sources.load(CLEAN)
    work = workbook.build(tmp_path / "w.xlsx", form)
    plain = workbook.build(tmp_path / "p.xlsx", form, values=True)
    with zipfile.ZipFile(work) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
        styles = z.read("xl/styles.xml").decode()
    assert "<sheetProtection" in sheet and 'errorStyle="warning"' in sheet
    assert sheet.count("<dataValidation ") == len([s for s in NationalLayout.for_form(form).inputs() if workbook._validation(s)])
    assert "FFF8D6" in styles
    with zipfile.ZipFile(plain) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
        styles = z.read("xl/styles.xml").decode()
    assert "<dataValidation " not in sheet and "<sheetProtection" not in sheet and "FFF8D6" not in styles
    assert sources.load(work) == sources.load(plain)


def test_new_makes_room_for_the_rows_asked(tmp_path):
    out = tmp_path / "n.xlsx"
    assert run("new", str(out), "--form", "national", "--indicator-rows", "30").returncode == 0
    meta = dict((r[0], r[1]) for r in read_grids(out, [META])[META])
    assert meta["indicator_rows"] == "30"
    r = run("new", str(tmp_path / "m.xlsx"), "--form", "national", "--indicator-rows", "0")
    assert r.returncode == 2 and "行数" in r.stderr


def test_review_returns_a_marked_copy_of_a_national_workbook(tmp_path):
    folder = tmp_path / "forms"
    folder.mkdir()
    workbook.build(folder / "zj.xlsx", sources.load(ROOT / "examples" / "national-zhongjiang-2022.json"))
    before = (folder / "zj.xlsx").read_bytes()
    back = tmp_path / "back"
    r = run("review", str(folder), "-o", str(tmp_path / "s.xlsx"), "--jobs", "1", "--return-dir", str(back))
    assert r.returncode == 1, r.stderr
    returned = list(back.iterdir())
    assert len(returned) == 1 and returned[0].suffix == ".xlsx"
    assert [row[0] for row in read_grids(returned[0], ["校验结果"])["校验结果"][1:]].count("NAT007") == 2
    assert (folder / "zj.xlsx").read_bytes() == before


def test_a_national_form_names_rule_files_only_beside_itself(tmp_path):
    data = json.loads(CLEAN.read_text(encoding="utf-8"))
    outside = tmp_path / "elsewhere" / "r.json"
    outside.parent.mkdir()
    outside.write_text((ROOT / "xlperf" / "rules" / "national-2020-provincial.json").read_text(encoding="utf-8"), encoding="utf-8")
    form = tmp_path / "forms" / "f.json"
    form.parent.mkdir()
    form.write_text(json.dumps(dict(data, rules=str(outside)), ensure_ascii=False), encoding="utf-8")
    r = run("check", str(form))
    assert r.returncode == 2 and "不是内置规则" in r.stderr
    (form.parent / "mine.json").write_bytes(outside.read_bytes())
    form.write_text(json.dumps(dict(data, rules="mine.json"), ensure_ascii=False), encoding="utf-8")
    r = run("score", str(form))
    assert r.returncode == 0 and "省级系统常见的附加规则" in r.stdout
    assert run("check", str(form), "--rules", str(outside)).returncode == 0


def test_new_from_a_form_with_cells_marked_empty_says_so_once(tmp_path):
    r = run("new", str(tmp_path / "y.xlsx"), "--form", "national", "--from", str(ROOT / "examples" / "national-yongde-2022.json"))
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[1] == "读入时改写了 1 个值（工作簿中是右边的写法）："
    assert lines[-1].strip() == "另有 9 处写的是“—”，按空着处理（表式印“—”的格子照印）"
    assert "→ （空）" not in r.stdout
