"""The national table's macro edition: the .xlsm `xlperf new --form national` writes, its VBA
project read back, its buttons, the PERF_ functions through xlwings' own dispatch, and the
buttons' handlers run headless on the file (`FileBook`), each result compared with what the
engine computes for the same workbook. LibreOffice prints it as the official table."""

from __future__ import annotations

import importlib
import os
import re
import subprocess
import zipfile
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from oletools.olevba import VBA_Parser

from xlperf.errors import InputError
from xlperf.excel import handlers as excel
from xlperf.excel import vba_modules as vm
from xlperf.excel.vba.inspect import auto_run_procedures, project_modules
from xlperf.excel.vba.project import expected_readback
from xlperf.files import sources
from xlperf.files.xlsx_grid import read_grids
from xlperf.forms.national_2020 import evaluate, excel as nx, scoring, workbook
from xlperf.forms.national_2020.layout import COLUMN_WIDTHS, SHEET, NationalLayout
from xlperf.forms.national_2020.model import NationalForm
from xlperf.workbook.editions import new_workbook

from tests.test_excel_handlers import fills_in
from tests.test_national_workbook import run
from tests.test_render import FONTS, pages, text

ROOT = Path(__file__).resolve().parent.parent
CLEAN = ROOT / "examples" / "national-clean-2022.json"
ZHONGJIANG = ROOT / "examples" / "national-zhongjiang-2022.json"
MARK_RGB = {"FF" + c.lstrip("#").upper(): sev for sev, c in workbook.MARK_FILLS.items()}
LIMIT = 1 << 26


def seeded() -> NationalForm:
    """The clean form with slips the 计算得分 button must correct: a missed quantitative row
    scored full, a qualitative row scored by a person (13 of 15: kept), an execution rate
    and its score written as if all was spent, and a computed row with no score at all."""
    form = sources.load(CLEAN)
    rows = list(form.indicators)
    rows[0] = rows[0].model_copy(update={"actual": "200米"})
    rows[4] = rows[4].model_copy(update={"score": None})
    rows[7] = rows[7].model_copy(update={"score": Decimal("13")})
    funds = form.funds.model_copy(update={"total": form.funds.total.model_copy(update={"executed": Decimal("18")})})
    return form.model_copy(update={"indicators": rows, "funds": funds})


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("national-macro")


@pytest.fixture(scope="module")
def empty(folder) -> Path:
    return new_workbook(folder / "empty.xlsm", form="national")


@pytest.fixture(scope="module")
def seeded_book(folder) -> Path:
    source = folder / "seeded.json"
    source.write_text(seeded().model_dump_json(), encoding="utf-8")
    return new_workbook(folder / "seeded.xlsm", source=source)


@pytest.fixture(scope="module")
def real_book(folder) -> Path:
    return new_workbook(folder / "zhongjiang.xlsm", source=ZHONGJIANG)


def engine(path: Path):
    """The form in a workbook as `xlperf check` reads it, and its evaluation."""
    form, locate = sources.load_with_locator(path)
    return form, evaluate(form, locate=locate, folder=path.parent)


# --------------------------------------------------------------------------- the file


def test_new_writes_the_national_table_with_its_excel_layer(empty):
    book = openpyxl.load_workbook(empty, keep_vba=True)
    assert book.sheetnames == [SHEET, "xlwings.conf", "_xlperf"]
    assert [ws.sheet_state for ws in book] == ["visible", "hidden", "hidden"]
    assert [ws.sheet_properties.codeName for ws in book] == list(nx.SHEET_CODENAMES)
    meta = dict(book["_xlperf"].values)
    assert meta["form_kind"] == "national-2020" and meta["edition"] == "macro"
    conf = [row[:2] for row in book["xlwings.conf"].values]
    assert ("UDF Modules", vm.PYTHON_UDFS) in conf and ("Use UDF Server", False) in conf
    assert importlib.import_module(dict(conf)["UDF Modules"]).PERF_POINTS
    ws = book[SHEET]
    assert ws.protection.sheet  # protected as the working copy, inputs unlocked
    layout = NationalLayout()
    for spot in layout.inputs():
        assert ws[spot.first].protection.locked is False, spot.path
    assert ws["A1"].protection.locked is not False
    with zipfile.ZipFile(empty) as z:
        assert 'codeName="ThisWorkbook"' in z.read("xl/workbook.xml").decode()


def test_the_macro_edition_carries_the_formula_editions_table_and_suffixes_are_checked(tmp_path):
    for suffix in (".xlsx", ".xlsm"):
        new_workbook(tmp_path / f"clean{suffix}", source=CLEAN)
    formulas, macro = (read_grids(tmp_path / f"clean{s}", [SHEET])[SHEET] for s in (".xlsx", ".xlsm"))
    assert formulas == macro  # the same cells, native formulas and cached results
    assert sum(1 for row in macro for v in row if type(v).__name__ == "Formula") > 100
    with zipfile.ZipFile(tmp_path / "clean.xlsx") as z:
        assert not any("vba" in n.lower() or n.endswith(".vml") for n in z.namelist())
    assert dict(openpyxl.load_workbook(tmp_path / "clean.xlsx")["_xlperf"].values)["edition"] == "formulas"
    assert run("new", str(tmp_path / "m.xlsx"), "--form", "national", "--edition", "macro").returncode == 2
    assert not (tmp_path / "m.xlsx").exists()
    r = run("new", str(tmp_path / "m.xlsm"), "--form", "national", "--interpreter", r"C:\Python311\pythonw.exe")
    assert r.returncode == 0, r.stderr
    conf = dict(row[:2] for row in openpyxl.load_workbook(tmp_path / "m.xlsm")["xlwings.conf"].values)
    assert conf["Interpreter_Win"] == r"C:\Python311\pythonw.exe"
    assert run("new", str(tmp_path / "i.xlsx"), "--form", "national", "--interpreter", "/usr/bin/python3").returncode == 2


def _vml(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return "".join(z.read(n).decode() for n in z.namelist() if n.endswith(".vml"))


def test_every_button_sits_right_of_the_printed_table_and_names_a_macro_of_the_project(empty):
    vml = _vml(empty)
    macros = re.findall(r"<x:FmlaMacro>\[0\]!(\w+)</x:FmlaMacro>", vml)
    assert macros == [m for _, m in nx.BUTTON_CAPTIONS]
    for caption, _ in nx.BUTTON_CAPTIONS:
        assert caption in vml
    anchors = [int(a.split(",")[0]) for a in re.findall(r"<x:Anchor>\s*([\d, ]+)</x:Anchor>", vml)]
    assert anchors == [len(COLUMN_WIDTHS)] * 4  # column K: right of the printed A–J, left of the helper cells
    with zipfile.ZipFile(empty) as z:
        defined = z.read("xl/workbook.xml").decode()
    assert re.search(r"_xlnm.Print_Area[^>]*>'?[^<]*'?!\$A\$1:\$J\$\d+<", defined)
    project = _project(empty)
    subs = dict(_subs(project))
    for _, macro in nx.BUTTON_CAPTIONS:
        assert macro in subs and macro in vm.button_macros()


def _project(path: Path) -> bytes:
    with zipfile.ZipFile(path) as z:
        return z.read("xl/vbaProject.bin")


def _subs(project: bytes):
    """(macro, Python it runs) of every Sub of the buttons module."""
    source = {name: src for name, _, src in project_modules(project, max_bytes=LIMIT)}[vm.BUTTON_MODULE]
    return re.findall(r'Sub (\w+)\(\)\r\n    RunPython "([^"]*)"\r\nEnd Sub', source)


def test_the_vba_project_reads_back_as_the_one_every_kind_uses(empty):
    parser = VBA_Parser(str(empty), relaxed=False)
    try:
        found = {name: code for _, _, name, code in parser.extract_macros()}
    finally:
        parser.close()
    modules = vm.vba_modules(nx.SHEET_CODENAMES)
    extension = {"standard": "bas", "document": "cls"}
    assert sorted(found) == sorted(f"{m.name}.{extension[m.kind]}" for m in modules)
    for module in modules:
        assert found[f"{module.name}.{extension[module.kind]}"] == expected_readback(module)
    guangdong = {m.name: m.source for m in vm.vba_modules() if m.kind == "standard"}
    assert {m.name: m.source for m in modules if m.kind == "standard"} == guangdong  # one module set
    project = _project(empty)
    assert auto_run_procedures(project, max_bytes=LIMIT) == []
    from xlperf.excel.vba_modules import foreign_modules

    assert foreign_modules(project, max_bytes=LIMIT) == []


def test_the_macros_and_wrappers_name_only_importable_python(empty):
    project = _project(empty)
    subs = _subs(project)
    assert len(subs) == 4
    for macro, code in subs:
        m = re.fullmatch(r"import ([\w.]+) as x; x\.(\w+)\(\)", code)
        assert m, code
        assert callable(getattr(importlib.import_module(m.group(1)), m.group(2))), code
    udfs = {name: src for name, _, src in project_modules(project, max_bytes=LIMIT)}[vm.UDF_MODULE]
    calls = re.findall(r'XLPy\.CallUDF\("([\w.]+)", "(\w+)"', udfs)
    assert calls and all(callable(getattr(importlib.import_module(mod), fn)) for mod, fn in calls)


def test_the_perf_functions_agree_with_the_national_scoring_through_xlwings_dispatch(seeded_book):
    """Each row's points and the execution rate as the sheet's PERF_ functions compute them
    from its cells (xlwings' own `call_udf`), against the national scoring of the same rows."""
    from tests.xlwings_standins import installed

    form, evaluation = engine(seeded_book)
    grid = read_grids(seeded_book)[SHEET]
    layout = NationalLayout.for_form(form)

    def cell(path):
        spot = layout.spot_for(path)
        return grid[spot.row][spot.col]

    compared = 0
    with installed() as xl:
        rate = xl.value("PERF_EXEC_RATE", cell("funds.total.executed"), cell("funds.total.budget"))
        assert Decimal(str(rate)).quantize(Decimal("0.0001")) == scoring.execution(form).rate.quantize(Decimal("0.0001"))
        for i, item in enumerate(evaluation.scorecard.items[1:]):
            got = xl.value("PERF_POINTS", cell(f"indicators[{i}].actual"), cell(f"indicators[{i}].target"),
                           cell(f"indicators[{i}].points"), cell(f"indicators[{i}].level2"))
            if item.method == "computed":
                assert Decimal(str(got)).quantize(Decimal("0.01")) == item.points, item.name
                compared += 1
        grade = xl.value("PERF_GRADE", float(evaluation.scorecard.total))
        assert grade == evaluation.scorecard.grade
    assert compared >= 7


# --------------------------------------------------------------------------- the buttons


def marks_in(path: Path) -> dict[str, tuple[str | None, str | None]]:
    """{cell: (severity of its mark fill, its note)} on the table, for cells with either."""
    ws = openpyxl.load_workbook(path)[SHEET]
    comments = {c.coordinate: c.comment.text for row in ws.iter_rows() for c in row if c.comment}
    fills = {cell: MARK_RGB[rgb] for (sheet, cell), rgb in fills_in(path).items() if rgb in MARK_RGB}
    assert all(sheet == SHEET for (sheet, _), rgb in fills_in(path).items() if rgb in MARK_RGB)
    return {k: (fills.get(k), comments.get(k)) for k in {*fills, *comments}}


def assert_same_fills(path: Path, original: Path) -> None:
    """The table's cells have the fills of the `original` build (openpyxl drops the blank
    cells of merged ranges on saving: those had no fill of their own)."""
    now = {cell: fill for (sheet, cell), fill in fills_in(path).items() if sheet == SHEET}
    before = {cell: fill for (sheet, cell), fill in fills_in(original).items() if sheet == SHEET}
    assert {c: f for c, f in now.items() if c in before} == {c: f for c, f in before.items() if c in now}
    assert all(before[c] is None for c in before.keys() - now.keys())
    assert all(now[c] is None for c in now.keys() - before.keys())


def expected_marks(layout: NationalLayout, findings) -> dict[str, tuple[str, list[str]]]:
    """{cell: (severity, codes noted)} for every cell of every finding's range."""
    from xlperf.forms.national_2020.layout import a1

    wanted: dict[str, tuple[str, list[str]]] = {}
    for f in findings:
        spot = layout.spot_for(f.field)
        assert f.cell == f"{SHEET}!{spot.first}"
        for r in range(spot.row, spot.row + spot.rows):
            for c in range(spot.col, spot.col + spot.cols):
                key = a1(r, c)
                severity, codes = wanted.get(key, ("warning", []))
                severity = "error" if "error" in (severity, f.severity) else "warning"
                wanted[key] = (severity, codes + [f.code] if key == spot.first else codes)
    return wanted


@pytest.mark.parametrize("which", ["real", "seeded"])
def test_validate_marks_exactly_the_engines_findings_and_clear_removes_them(which, real_book, seeded_book, tmp_path):
    source = real_book if which == "real" else seeded_book
    form, evaluation = engine(source)
    assert evaluation.findings
    layout = NationalLayout.for_form(form)
    before = source.read_bytes()
    out = tmp_path / "validated.xlsm"
    outcome = excel.process_file(source, out, "validate")
    assert source.read_bytes() == before
    assert [(f.code, f.cell) for f in outcome.findings] == [(f.code, f.cell) for f in evaluation.findings]
    wanted, got = expected_marks(layout, evaluation.findings), marks_in(out)
    assert set(got) == set(wanted)
    for key, (severity, codes) in wanted.items():
        fill, note = got[key]
        assert fill == severity, key
        assert (note is None) if not codes else all(f"{code}】" in note for code in codes), key
    book = openpyxl.load_workbook(out)
    listed = [tuple(c.value for c in row) for row in book[excel.FINDINGS_SHEET].iter_rows(min_row=3)]
    assert [(code, where) for _, code, where, _ in listed] == [(f.code, f.cell) for f in evaluation.findings]
    errors = sum(1 for f in evaluation.findings if f.severity == "error")
    assert outcome.message.startswith(f"校验发现 {errors} 个错误、{len(evaluation.findings) - errors} 个警告")
    assert _project(out) == _project(source)  # the VBA project and the buttons stay
    assert re.findall(r"<x:FmlaMacro>", _vml(out)) and len(re.findall(r"FmlaMacro>\[0\]", _vml(out))) == 4

    cleared = tmp_path / "cleared.xlsm"
    outcome = excel.process_file(out, cleared, "clear_marks")
    assert outcome.message.startswith(f"已清除{len(set(f.cell for f in evaluation.findings))}处标记")
    assert marks_in(cleared) == {}
    assert_same_fills(cleared, source)
    assert excel.FINDINGS_SHEET not in openpyxl.load_workbook(cleared).sheetnames
    assert sources.load(cleared) == form  # the formulas' results are kept


def _edited(source: Path, out: Path, changes: dict[str, object]) -> Path:
    """`source` after a person typed `changes` (field path → value) in Excel, saved without
    recalculating (openpyxl keeps the VBA project and drops the formulas' results)."""
    book = openpyxl.load_workbook(source, keep_vba=True)
    for path, value in changes.items():
        book[SHEET][NationalLayout().spot_for(path).first] = value
    book.save(out)
    return out


@pytest.fixture(scope="module")
def scored(seeded_book, folder):
    """The seeded workbook after a person changed two actual values (helper cells now stale)
    and pressed 计算得分; and LibreOffice's recalculation of the result."""
    from tests.recalc import recalc_values

    edited = _edited(seeded_book, folder / "edited.xlsm",
                     {"indicators[1].actual": "40厘米", "indicators[3].actual": "80%"})
    out = folder / "scored.xlsm"
    outcome = excel.process_file(edited, out, "score")
    recalculated = recalc_values([out], folder / "recalc", [SHEET])[out.resolve()][SHEET]
    return edited, out, outcome, recalculated


def test_score_writes_the_engines_values_and_keeps_a_persons_score(scored):
    edited, out, outcome, _ = scored
    form, evaluation = engine(edited)
    card = evaluation.scorecard
    layout = NationalLayout.for_form(form)
    assert outcome.scorecard.total == card.total
    ws = openpyxl.load_workbook(out)[SHEET]
    items = {i.id: i for i in card.items}
    assert items["indicators[0]"].points == Decimal("7.52")  # 200/266 × 10
    assert items["indicators[1]"].points == Decimal("4.00") and items["indicators[3]"].points == Decimal("8.89")
    typed = {"funds.total.rate": 90, "funds.total.score": 9, "indicators[0].score": 7.52, "total.score": float(card.total)}
    for path, value in typed.items():  # typed over the formula at the build: the engine's value now
        assert ws[layout.spot_for(path).first].value == value, path
    assert ws[layout.spot_for("indicators[7].score").first].value == 13  # a person's score stays
    for path in ("indicators[1].score", "indicators[3].score", "indicators[4].score"):
        assert str(ws[layout.spot_for(path).first].value).startswith("="), path  # formulas stay
    back, again = engine(out)  # read as xlperf reads it: the formulas' results are kept
    assert [back.indicators[i].score for i in (0, 1, 3, 4, 7)] == [Decimal("7.52"), Decimal("4"), Decimal("8.89"),
                                                                   Decimal("5"), Decimal("13")]
    assert back.total.score == card.total and back.grade == card.grade
    assert not {"NAT001", "NAT003", "NAT004", "NAT005"} & {f.code for f in again.findings}
    assert again.scorecard.total == card.total
    assert outcome.message.startswith(f"评分完成，{card.headline()}（") and "1项（定性指标等）采用表上填写的得分" in outcome.message


def test_score_rewrites_the_helper_cells_and_libreoffice_computes_the_engines_scores(scored):
    from xlperf.forms.national_2020.layout import ENGINE_HELPERS, HELPER_COLUMN, a1
    from xlperf.forms.national_2020.native import understanding_rows

    edited, out, _, recalculated = scored
    form, evaluation = engine(edited)
    layout = NationalLayout.for_form(form)
    grid = read_grids(out)[SHEET]
    _, rows = understanding_rows(form, layout)
    for i, values in enumerate(rows):
        r = layout.indicator_row(i)
        got = [grid[r][HELPER_COLUMN[k]] for k in ENGINE_HELPERS]
        assert [None if v == "" else v for v in got] == [None if v == "" else v for v in values], i
    assert grid[layout.indicator_row(1)][HELPER_COLUMN["a_src"]] == "40厘米"
    card = evaluation.scorecard
    for item in card.items:
        if item.method == "computed":
            cell = layout.spot_for(f"{item.id}.score").first
            assert Decimal(str(recalculated[cell])).quantize(Decimal("0.01")) == item.points, item.name
    assert Decimal(str(recalculated[layout.spot_for("total.score").first])) == card.total
    assert recalculated[layout.spot_for("grade").first] == card.grade
    assert Decimal(str(recalculated[layout.spot_for("funds.total.rate").first])) == Decimal("90")


def test_export_writes_the_national_report_beside_the_workbook(real_book, tmp_path):
    from docx import Document

    out = tmp_path / "exported.xlsm"
    outcome = excel.process_file(real_book, out, "export")
    assert outcome.report == tmp_path / "exported-自评报告.docx" and outcome.report.is_file()
    body = "\n".join(p.text for p in Document(str(outcome.report)).paragraphs)
    assert "项目支出绩效自评报告" in body and "中江县" in body
    assert outcome.message.startswith("已生成自评报告草稿") and str(outcome.report) in outcome.message
    assert marks_in(out)  # the findings are marked as by 校验


def test_mark_on_a_macro_workbook_keeps_its_project(real_book, tmp_path):
    out = tmp_path / "marked.xlsm"
    r = run("mark", str(real_book), "-o", str(out))
    assert r.returncode == 1, r.stderr
    assert _project(out) == _project(real_book) and marks_in(out)


def _broken(source: Path, out: Path, path: str, value) -> Path:
    book = openpyxl.load_workbook(source, keep_vba=True)
    book[SHEET][NationalLayout().spot_for(path).first] = value
    book.save(out)
    return out


@pytest.mark.parametrize("path, value, words", [
    ("funds.total.budget", "二十万", "（全年预算数）应为数字，实际为“二十万”"),
    ("indicators[0].points", "=1+1", "（分值）是公式"),
])
@pytest.mark.parametrize("action", ["validate", "score", "export"])
def test_bad_input_names_the_cell_and_nothing_is_written(seeded_book, tmp_path, path, value, words, action):
    bad = _broken(seeded_book, tmp_path / "bad.xlsm", path, value)
    cell = f"{SHEET}!{NationalLayout().spot_for(path).first}"
    check = run("check", str(bad))
    assert check.returncode == 2 and cell in check.stderr
    book = excel.FileBook(bad, tmp_path / "out.xlsm")
    message = getattr(excel, action)(book)
    assert f"{cell}{words}" in message and "未作任何改动" in message
    book.save()
    assert_same_fills(tmp_path / "out.xlsm", seeded_book)
    assert marks_in(tmp_path / "out.xlsm") == {}
    assert not list(tmp_path.glob("*.docx"))
    with pytest.raises(InputError, match=re.escape(cell)):
        excel.process_file(bad, tmp_path / "never.xlsm", action)
    assert not (tmp_path / "never.xlsm").exists()


def test_the_guangdong_buttons_still_take_a_workbook_without_a_kind(tmp_path):
    gd = new_workbook(tmp_path / "gd.xlsm")
    outcome = excel.process_file(gd, tmp_path / "gd-out.xlsm", "score")
    assert "已写入“评分表”" in outcome.message


# --------------------------------------------------------------------------- LibreOffice


def test_libreoffice_prints_one_a4_wide_page_without_buttons_or_helpers(seeded_book, empty, tmp_path):
    import shutil

    for name, book in (("seeded", seeded_book), ("empty", empty)):
        shutil.copy(book, tmp_path / f"{name}.xlsm")
    env = dict(os.environ, FONTCONFIG_FILE=str(FONTS))
    subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(tmp_path / "seeded.xlsm"), str(tmp_path / "empty.xlsm")],
        env=env, check=True, capture_output=True, timeout=300,
    )
    for name in ("seeded", "empty"):
        pdf = tmp_path / f"{name}.pdf"
        assert pages(pdf) == 1
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        assert re.search(r"Page size:\s+595\.\d* x 841\.\d*|Page size:\s+595\.\d* x 842", info), info
        printed = text(pdf)
        assert "项目支出绩效自评表" in printed and "偏差原因分析及改进措施" in printed
        for caption, _ in nx.BUTTON_CAPTIONS:
            assert caption not in printed
        assert "xlperf.udfs" not in printed
        for helper in ("指标值原文", "完成值原文", "自动判断", "预算执行率默认分值"):
            assert helper not in printed
    assert "安装坡面水标尺" in text(tmp_path / "seeded.pdf")


def test_in_excel_the_buttons_read_once_write_in_blocks_and_keep_the_formulas(scored):
    """The same handlers through the Excel adapter (`ExcelBook` over a stand-in of the xlwings
    objects it uses, holding what Excel would hand over)."""
    from tests.test_excel_handlers import _Book

    edited, _, _, _ = scored
    form, evaluation = engine(edited)
    layout = NationalLayout.for_form(form)
    fake = _Book(edited)
    table = fake.sheets[SHEET]
    formulas = dict(table.formulas)
    message = excel.validate(excel.ExcelBook(fake))
    assert fake.app.alerts == [message] and message == excel._findings_text(evaluation.findings)
    assert [(s, ref) for kind, s, ref in fake.log if kind == "read"][1:] == [(SHEET, f"A1:J{layout.total_row + 4}")]
    wanted = {ref: sev for ref, (sev, _) in expected_marks(layout, evaluation.findings).items()}
    colours = {v: k for k, v in workbook.MARK_FILLS.items()}
    from xlperf.forms.guangdong_1_1.layout import Area

    got = {}
    for ref, colour in table.fills.items():
        for r, c in Area.parse(ref).cells():
            got[Area(r, c, r, c).first] = colours[colour]
    assert got == wanted
    assert table.api.ProtectContents and fake.sheets.active is table

    fake.log.clear()
    message = excel.score(excel.ExcelBook(fake))
    writes = [ref for kind, s, ref in fake.log if kind == "write" and s == SHEET]
    assert len(writes) <= 8  # the helper block and a few blocks of official cells
    assert all(table.formulas.get(key) == text for key, text in formulas.items()
               if key[1] < len(COLUMN_WIDTHS))  # no formula of the table is replaced
    spot = layout.spot_for("indicators[0].score")
    assert table.cells[(spot.row, spot.col)] == 7.52 and message.startswith("评分完成")
    spot = layout.spot_for("total.score")
    assert table.cells[(spot.row, spot.col)] == float(evaluation.scorecard.total)

    message = excel.clear_marks(excel.ExcelBook(fake))
    assert message.startswith("已清除") and not table.notes
    restored = {ref: colour for ref, colour in table.fills.items()}
    inputs = {s.ref for s in layout.inputs()}
    assert all((colour == workbook.INPUT_FILL) == (ref in inputs) for ref, colour in restored.items())


def test_the_buttons_work_on_a_released_layout_version_1_workbook(tmp_path):
    """A national workbook of layout version 1 (no formulas, no helper cells): 计算得分 writes
    the engine's values into the official cells, and 清除标记 takes the marks of 校验 away."""
    old = ROOT / "tests" / "fixtures" / "national-layout-v1" / "national-zhongjiang-2022.xlsx"
    form, evaluation = engine(old)
    out = tmp_path / "v1.xlsx"
    outcome = excel.process_file(old, out, "mark")
    assert [(f.code, f.cell) for f in outcome.findings] == [(f.code, f.cell) for f in evaluation.findings]
    back = sources.load(out)
    card = evaluation.scorecard
    assert back.total.score == card.total and back.grade == card.grade
    assert back.total.points == sum(i.available for i in card.items)
    assert [r.score for r in back.indicators] == [i.points for i in card.items[1:]]
    assert max(len(r) for r in read_grids(out)[SHEET]) <= len(COLUMN_WIDTHS)  # nothing written beside the table
    cleared = tmp_path / "v1-cleared.xlsx"
    excel.process_file(out, cleared, "clear_marks")
    assert marks_in(cleared) == {} and sources.load(cleared) == back
