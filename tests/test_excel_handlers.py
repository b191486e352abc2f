"""The button handlers of `xlperf.excel`, run on workbook files (`FileBook`) and, through
a stand-in of the xlwings objects they use, through the Excel adapter (`ExcelBook`).

The workbook is built by `xlperf new`'s own function with mistakes seeded into the data
(a bad phone number, a negative amount, an indicator that misses its target without an
explanation, spending above the budget); every handler's output is read back with
openpyxl and compared cell by cell with what the engine finds in the same workbook.
"""

from __future__ import annotations

import hashlib
import re
import zipfile
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from xlperf.excel import handlers as excel
from xlperf.forms.guangdong_1_1 import layout as L
from xlperf.files.atomic import OutputError
from xlperf.workbook.editions import new_workbook
from xlperf.engine import evaluate
from xlperf.errors import InputError
from xlperf.forms.guangdong_1_1.model import SelfEvaluation
from xlperf.outputs.report import report_path_for
from xlperf.engine.scoring import load_rules
from xlperf.workbook import read_workbook, read_workbook_with_layout
from xlperf.files.xlsx_grid import Formula, read_grids

SEED = Path(__file__).resolve().parent.parent / "examples" / "shaoguan-2020.json"
MARK_RGB = {"FF" + c.lstrip("#").upper(): sev for sev, c in L.MARK_FILLS.items()}

SEEDED = (
    ("FMT001", "basic.contact_phone"),
    ("AMT001", "basic.eval_amount"),
    ("IND009", "indicators.quality[0].explanation"),
    ("AMT005", "funding.spending[0].total"),
)
"""The seeded mistakes: (code, field path of the cell that must be marked)."""


def seeded() -> SelfEvaluation:
    ev = SelfEvaluation.from_json(SEED.read_text(encoding="utf-8"))
    ev.basic.contact_phone = "12345"
    ev.basic.eval_amount = Decimal("-122.17")
    ev.indicators.quality[0].actual = "90%"
    ev.indicators.quality[0].explanation = ""
    ev.funding.spending[0].municipal = Decimal("130")
    ev.funding.spending[0].total = None  # on the sheet 资金合计 is a formula over its parts
    return ev


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("handlers")
    source = folder / "seeded.json"
    source.write_text(seeded().to_json(), encoding="utf-8")
    return new_workbook(folder / "seeded.xlsm", source=source)


@pytest.fixture(scope="module")
def engine(built):
    """What the engine finds in the built workbook, read as `xlperf check` reads it."""
    ev, lay = read_workbook_with_layout(built)
    return ev, lay, evaluate(ev, locate=lay.cell_of)


@pytest.fixture(scope="module")
def marked(built, tmp_path_factory) -> tuple[Path, excel.Outcome]:
    """The built workbook after 校验 and 计算得分 (`xlperf mark`)."""
    out = tmp_path_factory.mktemp("marked") / "marked.xlsm"
    return out, excel.process_file(built, out, "mark")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
       "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}


def fills_in(path: Path) -> dict[tuple[str, str], str | None]:
    """{(sheet, cell): solid fill colour or None} of every cell the sheet XML holds, read
    straight from the package (openpyxl's reader drops the style of merged cells)."""
    with zipfile.ZipFile(path) as z:
        book = ET.fromstring(z.read("xl/workbook.xml"))
        rels = {r.get("Id"): r.get("Target") for r in ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))}
        styles = ET.fromstring(z.read("xl/styles.xml"))
        fills = []
        for fill in styles.find("m:fills", _NS):
            pattern = fill.find("m:patternFill", _NS)
            fg = pattern.find("m:fgColor", _NS) if pattern is not None else None
            solid = pattern is not None and pattern.get("patternType") == "solid" and fg is not None
            fills.append(fg.get("rgb") if solid else None)
        xf_fill = [fills[int(xf.get("fillId", 0))] for xf in styles.find("m:cellXfs", _NS)]
        found = {}
        for sheet in book.find("m:sheets", _NS):
            target = rels[sheet.get(f"{{{_NS['r']}}}id")].lstrip("/").removeprefix("xl/")
            for c in ET.fromstring(z.read(f"xl/{target}")).iter(f"{{{_NS['m']}}}c"):
                found[(sheet.get("name"), c.get("r"))] = xf_fill[int(c.get("s", 0))]
    return found


def marks_in(path: Path) -> dict[tuple[str, str], tuple[str | None, str | None]]:
    """{(sheet, cell): (severity of its mark fill, its comment)} of every cell with either."""
    book = openpyxl.load_workbook(path)
    comments = {(name, cell.coordinate): cell.comment.text for name in (L.FORM, L.SCORE, L.REPORT)
                for row in book[name].iter_rows() for cell in row if cell.comment}
    severities = {key: MARK_RGB[rgb] for key, rgb in fills_in(path).items() if rgb in MARK_RGB}
    assert all(name in (L.FORM, L.SCORE, L.REPORT) for name, _ in severities)
    return {key: (severities.get(key), comments.get(key)) for key in {*comments, *severities}}


def expected_marks(lay: L.Layout, findings) -> dict[tuple[str, str], tuple[str, list[str]]]:
    """{(sheet, cell): (severity, codes)} for every cell of every marked area."""
    wanted = {}
    for mark in lay.marks_for(findings):
        codes = re.findall(r"【(?:错误|警告) (\w+)】", mark.comment)
        for r, c in L.Area.parse(mark.area).cells():
            wanted[(mark.sheet, L.a1(r, c))] = (mark.severity, codes if L.a1(r, c) == mark.cell else [])
    return wanted


def assert_marked_exactly(path: Path, lay: L.Layout, findings) -> None:
    wanted = expected_marks(lay, findings)
    got = marks_in(path)
    assert set(got) == set(wanted)
    for key, (severity, codes) in wanted.items():
        fill, comment = got[key]
        assert fill == severity, key
        if codes:
            assert all(f"{code}】" in comment for code in codes), key
        else:
            assert comment is None, key


# ---------------------------------------------------------------------------- 校验


def test_the_seeded_mistakes_are_found(engine):
    ev, lay, evaluation = engine
    found = {(f.code, f.cell) for f in evaluation.findings}
    for code, path in SEEDED:
        assert (code, lay.cell_of(path)) in found
    assert lay.cell_of("basic.contact_phone") == "附件1-1!F5" and lay.cell_of("basic.eval_amount") == "附件1-1!I4"


def test_validate_marks_exactly_the_cells_of_the_findings(built, engine, tmp_path):
    _, lay, evaluation = engine
    before = sha256(built)
    out = tmp_path / "validated.xlsm"
    outcome = excel.process_file(built, out, "validate")
    assert sha256(built) == before  # the source is never written
    assert [(f.code, f.cell) for f in outcome.findings] == [(f.code, f.cell) for f in evaluation.findings]
    assert_marked_exactly(out, lay, evaluation.findings)
    got = marks_in(out)
    for code, path in SEEDED:
        fill, comment = got[tuple(lay.cell_of(path).split("!"))]
        assert fill == "error" and f"【错误 {code}】" in comment
    errors = sum(1 for f in evaluation.findings if f.severity == "error")
    assert outcome.message.startswith(f"校验发现 {errors} 个错误、{len(evaluation.findings) - errors} 个警告")
    assert "附件1-1!F5：联系电话“12345”格式不正确" in outcome.message
    assert not outcome.ok and outcome.out == out


def test_the_findings_sheet_lists_every_finding_with_a_link_to_its_cell(marked, engine):
    out, outcome = marked
    _, lay, evaluation = engine
    book = openpyxl.load_workbook(out)
    assert book.sheetnames[-1] == excel.FINDINGS_SHEET
    ws = book[excel.FINDINGS_SHEET]
    assert [c.value for c in ws[2]] == ["级别", "代码", "单元格", "说明"]
    rows = list(ws.iter_rows(min_row=3))
    assert len(rows) == len(evaluation.findings)
    for row, finding in zip(rows, evaluation.findings):
        level, code, where, message = row
        assert (level.value, code.value, where.value, message.value) == (
            "错误" if finding.severity == "error" else "警告", finding.code, finding.cell, finding.message)
        link = where.hyperlink
        assert link is not None and not link.target  # an internal link, no relationship
        sheet, ref = finding.cell.split("!")
        target = re.fullmatch(r"'(.+)'!\$([A-Z]+)\$(\d+)", link.location)
        assert target and target.group(1) == sheet and target.group(2) + target.group(3) == ref
        assert book[sheet][ref].comment is not None  # the link lands on the marked cell


def test_score_writes_the_engines_scorecard_into_fixed_cells(built, engine, tmp_path):
    ev, lay, evaluation = engine
    out = tmp_path / "scored.xlsm"
    outcome = excel.process_file(built, out, "score")
    card = evaluation.scorecard
    assert outcome.scorecard.total == card.total
    assert outcome.message.startswith(f"评分完成，总分：{card.total} 分，等级：{card.grade}（")
    sheet = openpyxl.load_workbook(out)[L.SCORE]

    def at(path):
        return sheet[lay.cell_for(path).area.first].value

    placed = 0
    for row in lay.score_rows:
        item = card.item(row.id)
        for attr in ("available", "score", "method"):  # native formulas, never overwritten
            assert str(at(L.score_path(row.id, attr))).startswith("="), (row.id, attr)
        explanation = lay.cell_for(L.score_path(row.id, "explanation"))
        if item is not None and explanation.role == "output":
            assert at(L.score_path(row.id, "explanation")) == item.explanation
            placed += 1
        if row.inputs:  # the person's cells are never written
            assert at(L.score_path(row.id, "tier")) is None and at(L.score_path(row.id, "points")) is None
    assert placed >= 4
    quality = card.item("indicators.quality[0]")
    assert quality.points < quality.available  # 90% of a 95% target
    assert str(at("scoring.total")).startswith("=ROUND(") and "INDEX(" in str(at("scoring.grade"))
    assert not marks_in(out)  # 计算得分 marks nothing


def test_the_marked_copy_keeps_the_vba_project_buttons_and_data(built, marked):
    out, _ = marked
    with zipfile.ZipFile(built) as a, zipfile.ZipFile(out) as b:
        assert b.read("xl/vbaProject.bin") == a.read("xl/vbaProject.bin")
        vml = b.read("xl/drawings/vmlDrawing1.vml").decode()
        assert "macroEnabled" in b.read("[Content_Types].xml").decode()
    for button in L.BUTTONS:
        assert f"<x:FmlaMacro>[0]!{button.macro}</x:FmlaMacro>" in vml and button.caption in vml
    ids = re.findall(r'<v:shape\b[^>]*\bid="([^"]+)"', vml)
    assert len(ids) == len(set(ids)) == len(L.BUTTONS) + vml.count('ObjectType="Note"')
    assert vml.count("<o:shapelayout") == 1
    book = openpyxl.load_workbook(out, keep_vba=True)
    assert book.code_name == L.WORKBOOK_CODENAME
    assert [book[s].sheet_properties.codeName for s in L.SHEETS] == list(L.SHEET_CODENAMES)
    assert all(book[s].protection.sheet for s in (L.FORM, L.SCORE, L.REPORT))
    assert read_workbook(out) == read_workbook(built)  # marks and scores change no data


def test_clear_marks_restores_the_fills_and_removes_notes_and_the_list(built, marked, tmp_path):
    out, _ = marked
    cleared = tmp_path / "cleared.xlsm"
    outcome = excel.process_file(out, cleared, "clear_marks")
    assert "已清除" in outcome.message and "校验结果" in outcome.message
    assert marks_in(cleared) == {}
    after = openpyxl.load_workbook(cleared)
    assert excel.FINDINGS_SHEET not in after.sheetnames
    before, restored = fills_in(built), fills_in(cleared)
    assert {k: restored.get(k) for k in before} == before
    assert not [k for k, v in restored.items() if v in MARK_RGB]
    meta = {r[0].value: r[1].value for r in after[L.META].iter_rows()}
    assert meta["marks"] == "[]"
    again = excel.process_file(cleared, tmp_path / "twice.xlsm", "clear_marks")
    assert again.message == "没有需要清除的标记。"


def test_a_plain_copy_is_marked_and_cleared_to_its_own_look(tmp_path):
    """The .xlsx for the finance bureau has no input fills: clearing must not add them."""
    from xlperf.workbook.editions import submission_copy

    source = tmp_path / "seeded.json"
    source.write_text(seeded().to_json(), encoding="utf-8")
    plain = submission_copy(source, tmp_path / "plain.xlsx")
    marked_copy = excel.process_file(plain, tmp_path / "plain-marked.xlsx", "mark")
    assert {"FMT001", "IND009"} <= {f.code for f in marked_copy.findings}
    assert marks_in(marked_copy.out)
    cleared = excel.process_file(marked_copy.out, tmp_path / "plain-cleared.xlsx", "clear_marks")
    before, after = fills_in(plain), fills_in(cleared.out)
    assert {k: after.get(k) for k in before} == before


def test_validate_again_unmarks_what_was_corrected(marked, engine, tmp_path):
    out, _ = marked
    _, lay, _ = engine
    fixed = tmp_path / "fixed.xlsm"
    book = openpyxl.load_workbook(out, keep_vba=True)
    book[L.FORM]["F5"] = "0751-8877833"
    book.save(fixed)
    again = tmp_path / "again.xlsm"
    outcome = excel.process_file(fixed, again, "validate")
    assert "FMT001" not in {f.code for f in outcome.findings}
    assert_marked_exactly(again, lay, outcome.findings)
    cell = openpyxl.load_workbook(again)[L.FORM]["F5"]
    assert cell.comment is None and cell.fill.fgColor.rgb == "FF" + L.INPUT_FILL.lstrip("#")


# ---------------------------------------------------------------------------- data a reader cannot use


def test_text_in_an_amount_cell_is_marked_and_named_not_raised(built, tmp_path):
    broken = tmp_path / "broken.xlsm"
    book = openpyxl.load_workbook(built, keep_vba=True)
    book[L.FORM]["I4"] = "一百万"
    book.save(broken)
    out = tmp_path / "broken-marked.xlsm"
    outcome = excel.process_file(broken, out, "mark")
    assert not outcome.ok and outcome.scorecard is None
    assert [(p.sheet, p.cell) for p in outcome.problems] == [(L.FORM, "I4")]
    assert "附件1-1!I4（评价金额）应为数字，实际为“一百万”" in outcome.message
    assert outcome.message.startswith("有1处内容无法读取，未能校验和计算得分")
    assert marks_in(out) == {(L.FORM, "I4"): ("error", "【错误 XLS001】评价金额应为数字，实际为“一百万”")}
    ws = openpyxl.load_workbook(out)[excel.FINDINGS_SHEET]
    assert [c.value for c in ws[3]][:3] == ["错误", "XLS001", "附件1-1!I4"]
    file_book = excel.FileBook(broken, tmp_path / "direct.xlsm")
    assert excel.validate(file_book) == outcome.message.replace("校验和计算得分", "校验")


def test_not_an_xlperf_workbook_and_bad_outputs_are_refused(built, tmp_path):
    plain = tmp_path / "plain.xlsx"
    openpyxl.Workbook().save(plain)
    with pytest.raises(InputError, match="不是 xlperf 生成的自评工作簿"):
        excel.process_file(plain, tmp_path / "out.xlsx", "validate")
    assert not (tmp_path / "out.xlsx").exists()
    with pytest.raises(OutputError, match="就是读取的源文件"):
        excel.process_file(built, built, "mark", force=True)
    with pytest.raises(InputError, match=r"同为 \.xlsm"):
        excel.process_file(built, tmp_path / "out.xlsx", "mark")
    (tmp_path / "exists.xlsm").write_bytes(b"old")
    with pytest.raises(OutputError, match="已存在"):
        excel.process_file(built, tmp_path / "exists.xlsm", "mark")
    assert (tmp_path / "exists.xlsm").read_bytes() == b"old"
    with pytest.raises(ValueError, match="action must be one of"):
        excel.process_file(built, tmp_path / "x.xlsm", "format_disk")


# ---------------------------------------------------------------------------- the 评分表's slots


def test_an_indicator_added_in_the_workbook_gets_its_score_row(built, tmp_path):
    _, lay = read_workbook_with_layout(built)
    grown = tmp_path / "grown.xlsm"
    book = openpyxl.load_workbook(built, keep_vba=True)
    form = book[L.FORM]
    for attr, value in (("name", "办件按时办结率"), ("formula", "按时办结数/办件总数"), ("target", "≥98%"),
                        ("actual", "99%")):
        form[lay.cell_for(f"indicators.quality[1].{attr}").area.first] = value
    book.save(grown)
    ev, grown_lay = read_workbook_with_layout(grown)
    assert grown_lay == lay and len(ev.indicators.quality) == 2  # no row moved
    out = tmp_path / "grown-scored.xlsm"
    outcome = excel.process_file(grown, out, "score")
    card = outcome.scorecard
    new = card.item("indicators.quality[1]")
    assert new is not None and new.points == new.available > 0
    row = lay.cell_for("indicators.quality[1].target").area.row + 1
    helpers = openpyxl.load_workbook(out)[L.FORM]
    understood = {k: helpers[f"{L.col_letter(L.HELPER_COLUMN[k])}{row}"].value for k in L.ENGINE_HELPERS}
    assert understood["t_src"] == "≥98%" and understood["a_src"] == "99%"  # the button wrote its reading
    assert (understood["dir"], understood["t_num"], understood["a_num"]) == ("≥", 98, 99)
    from tests import recalc

    assert recalc.soffice(), "LibreOffice is not installed (run scripts/system-deps.sh)"
    sheet = recalc.recalc_values([out], tmp_path / "recalculated", [L.SCORE])[out.resolve()][L.SCORE]

    def at(item_id, attr):
        return sheet.get(lay.cell_for(L.score_path(item_id, attr)).area.first)

    assert at("indicators.quality[1]", "name") == "办件按时办结率"  # the formulas score the new row
    assert Decimal(str(at("indicators.quality[1]", "score"))) == new.points
    assert Decimal(str(at("indicators.quality[0]", "available"))) == card.item("indicators.quality[0]").available
    assert at("indicators.quality[2]", "score") is None  # still an empty slot
    assert "3个指标" in at("output", "explanation")


def test_a_rule_file_beside_the_workbook_is_found_from_any_folder(tmp_path, monkeypatch):
    from xlperf.workbook import build_workbook

    home = tmp_path / "单位"
    home.mkdir()
    rules = Path(L.__file__).parents[2] / "rules" / "guangdong-municipal.json"
    (home / "本地规则.json").write_text(rules.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.chdir(home)
    lay = build_workbook(home / "local.xlsx", SelfEvaluation.from_json(SEED.read_text(encoding="utf-8")),
                         rules="本地规则.json")
    assert lay.rules == "本地规则.json" and lay.score_rows[0].id == "decision"
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ValueError, match="找不到评分规则文件"):
        load_rules("本地规则.json")  # not from here
    outcome = excel.process_file(home / "local.xlsx", tmp_path / "scored.xlsx", "score")
    assert outcome.usable and outcome.scorecard.item("decision") is not None
    assert "尚有" in outcome.message  # the manual items wait for a person


# ---------------------------------------------------------------------------- 导出附件3


def test_export_writes_the_report_beside_the_workbook_and_fills_the_sheets(built, engine, tmp_path):
    _, lay, evaluation = engine
    out = tmp_path / "exported.xlsm"
    outcome = excel.process_file(built, out, "export")
    report = report_path_for(out)
    assert outcome.report == report and report.is_file()
    with zipfile.ZipFile(report) as z:
        assert "word/document.xml" in z.namelist()
    assert outcome.message.startswith("已生成自评报告（附件3）草稿，标有“草稿：校验未通过”") and str(report) in outcome.message
    assert "不生成 PDF" in outcome.message and "另存为" in outcome.message
    assert {f.code for f in evaluation.findings} <= {f.code for f in outcome.findings}
    assert_marked_exactly(out, lay, outcome.findings)
    sheet = openpyxl.load_workbook(out)[L.SCORE]
    assert str(sheet[lay.cell_for("scoring.total").area.first].value).startswith("=ROUND(")  # native, kept
    again = excel.process_file(built, tmp_path / "exported-again.xlsm", "export")  # its own report is replaced
    assert again.report == report_path_for(tmp_path / "exported-again.xlsm") and again.report.is_file()


# ---------------------------------------------------------------------------- the Excel adapter


class _App:
    def __init__(self):
        self.alerts: list[str] = []
        self.screen_updating = True

    def alert(self, prompt, title=None, buttons="ok", mode=None, callback=None):
        self.alerts.append(prompt)


class _Note:
    def __init__(self, sheet, key):
        self.sheet, self.key = sheet, key

    @property
    def text(self):
        return self.sheet.notes[self.key]

    def delete(self):
        del self.sheet.notes[self.key]


class _Links:
    def __init__(self, sheet):
        self.sheet = sheet

    def Add(self, Anchor, Address, SubAddress=None, ScreenTip=None, TextToDisplay=None):
        self.sheet.links.append((Anchor.ref, Address, SubAddress, TextToDisplay))


class _PageSetup:
    """Excel's PageSetup: whatever the adapter sets is kept for the test to read."""


class _SheetApi:
    def __init__(self, sheet, protected):
        self.sheet, self.ProtectContents, self.Hyperlinks = sheet, protected, _Links(sheet)
        self.PageSetup = _PageSetup()

    def Unprotect(self, Password=None):
        self.ProtectContents = False

    def Protect(self, **options):
        assert options.get("AllowFormattingCells") and "Password" not in options
        self.ProtectContents = True


class _Range:
    """The part of xlwings' Range the adapter uses; writing into a protected sheet fails as in Excel."""

    def __init__(self, sheet, r1, c1, r2, c2):
        self.sheet, self.r1, self.c1, self.r2, self.c2 = sheet, r1, c1, r2, c2
        self.api = self

    @property
    def ref(self):
        return L.Area(self.r1, self.c1, self.r2, self.c2).ref

    def options(self, ndim=None):
        assert ndim == 2
        return self

    @property
    def value(self):
        self.sheet.book.log.append(("read", self.sheet.name, self.ref))
        return [[self.sheet.cells.get((r, c)) for c in range(self.c1, self.c2 + 1)] for r in range(self.r1, self.r2 + 1)]

    @value.setter
    def value(self, rows):
        assert not self.sheet.api.ProtectContents, f"{self.sheet.name} is protected"
        self.sheet.book.log.append(("write", self.sheet.name, self.ref))
        rows = rows if isinstance(rows, list) else [[rows]]
        for i, row in enumerate(rows):
            for j, v in enumerate(row):
                if isinstance(v, str) and v.startswith("'"):
                    v = v[1:]  # Excel keeps the text, the apostrophe only marks it as text
                self.sheet.cells[(self.r1 + i, self.c1 + j)] = v
                self.sheet.formulas.pop((self.r1 + i, self.c1 + j), None)

    @property
    def formula(self):
        """Each cell's formula ("=…"), else its value as text, as xlwings gives `Range.formula`."""
        rows = tuple(tuple(self.sheet.formulas.get((r, c), "" if self.sheet.cells.get((r, c)) is None
                                                   else str(self.sheet.cells[(r, c)]))
                           for c in range(self.c1, self.c2 + 1)) for r in range(self.r1, self.r2 + 1))
        return rows[0][0] if (self.r1, self.c1) == (self.r2, self.c2) else rows

    @property
    def color(self):
        return self.sheet.fills.get(self.ref)

    @color.setter
    def color(self, color):
        self.sheet.fills[self.ref] = color

    @property
    def note(self):
        key = (self.r1, self.c1)
        return _Note(self.sheet, key) if key in self.sheet.notes else None

    def add_note(self, text):
        assert self.note is None and (self.r1, self.c1) == (self.r2, self.c2)
        assert not self.sheet.api.ProtectContents
        self.sheet.notes[(self.r1, self.c1)] = text
        return _Note(self.sheet, (self.r1, self.c1))

    @property
    def rows(self):
        return self

    def autofit(self):
        self.sheet.book.log.append(("autofit", self.sheet.name, self.ref))

    @property
    def last_cell(self):
        return _Range(self.sheet, self.r2, self.c2, self.r2, self.c2)

    column_width = None
    WrapText = None

    def merge(self):
        self.sheet.merged.append(self.ref)


def _corner(arg):
    if isinstance(arg, _Range):
        return arg.r1, arg.c1
    if isinstance(arg, tuple):
        return arg[0] - 1, arg[1] - 1
    return L.parse_a1(arg)


class _Sheet:
    def __init__(self, book, name, rows=(), protected=False):
        self.book, self.name = book, name
        self.cells = {(r, c): v for r, row in enumerate(rows) for c, v in enumerate(row) if v is not None}
        self.fills, self.notes, self.links, self.merged = {}, {}, [], []
        self.formulas: dict[tuple[int, int], str] = {}
        self.api = _SheetApi(self, protected)

    def range(self, first, last=None):
        if isinstance(first, str) and ":" in first:
            a = L.Area.parse(first)
            return _Range(self, a.row, a.col, a.last_row, a.last_col)
        r1, c1 = _corner(first)
        r2, c2 = _corner(last) if last is not None else (r1, c1)
        return _Range(self, r1, c1, r2, c2)

    @property
    def used_range(self):
        return _Range(self, 0, 0, max(r for r, _ in self.cells), max(c for _, c in self.cells))

    def delete(self):
        self.book.sheets.items.remove(self)

    def activate(self):
        self.book.sheets.active = self


class _Sheets:
    def __init__(self, book):
        self.book, self.items, self.active = book, [], None

    def __getitem__(self, key):
        if isinstance(key, int):
            return self.items[key]
        return next(s for s in self.items if s.name == key)

    def __len__(self):
        return len(self.items)

    def __iter__(self):
        return iter(self.items)

    def add(self, name, before=None, after=None):
        sheet = _Sheet(self.book, name)
        self.items.insert(self.items.index(after) + 1, sheet)
        self.active = sheet  # Excel activates a new sheet
        return sheet


class _Book:
    """A stand-in for `xw.Book` holding the values Excel would hand over."""

    def __init__(self, path: Path):
        grids = read_grids(path)
        protected = {name: openpyxl.load_workbook(path)[name].protection.sheet for name in grids}
        self.log: list[tuple[str, str, str]] = []
        self.app = _App()
        self.fullname = str(path)
        self.sheets = _Sheets(self)
        for name, rows in grids.items():
            values = [[v.cached if isinstance(v, Formula) else v for v in row] for row in rows]
            sheet = _Sheet(self, name, values, protected[name])
            sheet.formulas = {(r, c): v.text for r, row in enumerate(rows) for c, v in enumerate(row)
                              if isinstance(v, Formula)}
            self.sheets.items.append(sheet)
        self.sheets.active = self.sheets.items[0]


def test_the_excel_adapter_reads_each_sheet_once_and_writes_in_batches(built, engine, marked):
    _, lay, evaluation = engine
    fake = _Book(built)
    meta_rows = len(read_grids(built, [L.META])[L.META])
    message = excel.validate(excel.ExcelBook(fake))
    assert fake.app.alerts == [message] and message == excel._findings_text(evaluation.findings)
    reads = [(s, ref) for kind, s, ref in fake.log if kind == "read"]
    assert reads == [(L.META, f"A1:B{meta_rows}")] + [
        (name, lay.sheet(name).extent.ref) for name in (L.FORM, L.SCORE, L.REPORT)]
    marks = lay.marks_for(evaluation.findings)
    form = fake.sheets[L.FORM]
    assert {(m.sheet, m.area): m.fill for m in marks} == {
        (s.name, ref): color for s in fake.sheets for ref, color in s.fills.items()}
    assert {(m.sheet, m.cell): m.comment for m in marks} == {
        (s.name, L.a1(*key)): text for s in fake.sheets for key, text in s.notes.items()}
    assert all(s.api.ProtectContents for s in fake.sheets if s.name in (L.FORM, L.SCORE, L.REPORT))
    assert fake.app.screen_updating and fake.sheets.active is form  # the person stays on the form
    findings = fake.sheets[excel.FINDINGS_SHEET]
    assert [link[2] for link in findings.links] == [excel.link_target(f.cell) for f in evaluation.findings]
    assert all(link[1] == "" for link in findings.links)
    setup = findings.api.PageSetup
    assert (setup.FitToPagesWide, setup.FitToPagesTall, setup.Zoom, setup.PrintTitleRows) == (1, False, False, "$2:$2")
    assert findings.merged == ["A1:D1"]

    fake.log.clear()
    message = excel.score(excel.ExcelBook(fake))
    writes = [ref for kind, s, ref in fake.log if kind == "write" and s == L.SCORE]
    assert len(writes) <= 12  # blocks of cells, not one call per cell
    score = fake.sheets[L.SCORE]
    total = lay.cell_for("scoring.total").area
    assert score.cells[(total.row, total.col)] == float(evaluation.scorecard.total)
    grade = lay.cell_for("scoring.grade").area
    assert score.cells[(grade.row, grade.col)] == evaluation.scorecard.grade  # no stray apostrophe
    assert message.startswith("评分完成") and fake.app.alerts[-1] == message

    message = excel.clear_marks(excel.ExcelBook(fake))
    assert message.startswith(f"已清除{len(marks)}处标记")
    assert not any(s.notes for s in fake.sheets) and excel.FINDINGS_SHEET not in [s.name for s in fake.sheets]
    assert {ref: color for ref, color in form.fills.items()} == {
        m.area: m.original_fill for m in marks if m.sheet == L.FORM}


def test_a_handler_without_a_book_asks_xlwings_for_the_caller(built, monkeypatch):
    fake = _Book(built)
    monkeypatch.setattr(excel.ExcelBook, "caller", classmethod(lambda cls: cls(fake)))
    assert excel.clear_marks() == "没有需要清除的标记。" == fake.app.alerts[-1]


def test_in_excel_an_unsaved_workbook_cannot_export_and_says_why(built):
    fake = _Book(built)
    fake.fullname = "工作簿1"
    message = excel.export(excel.ExcelBook(fake))
    assert message.startswith("请先把工作簿保存到本机的文件夹") and fake.app.alerts == [message]


def test_in_excel_an_unexpected_error_becomes_a_message(built, monkeypatch):
    fake = _Book(built)
    monkeypatch.setattr(excel._Session, "read", lambda self: 1 / 0)
    message = excel.validate(excel.ExcelBook(fake))
    assert "xlperf 运行出错（ZeroDivisionError" in message and fake.app.alerts == [message]
    with pytest.raises(ZeroDivisionError):
        excel.validate(excel.FileBook(built, built.with_name("never.xlsm")))


def test_every_button_has_its_handler():
    for button in L.BUTTONS:
        assert callable(getattr(excel, button.macro.removeprefix("xlperf_")))


# ---- VML drawings numbered as Excel numbers them ------------------------------------------

_V, _O = "urn:schemas-microsoft-com:vml", "urn:schemas-microsoft-com:office:office"


def _vml_numbering(path: Path) -> list[tuple[list[int], list[int], bool]]:
    """Per VML drawing: its idmap blocks, its shape ids, whether <o:shapelayout> is first."""
    out = []
    with zipfile.ZipFile(path) as z:
        for name in sorted(n for n in z.namelist() if n.endswith(".vml")):
            root = ET.fromstring(z.read(name))
            layouts = root.findall(f"{{{_O}}}shapelayout")
            assert len(layouts) == 1, name
            blocks = [int(b) for b in layouts[0].find(f"{{{_O}}}idmap").get("data").split(",")]
            ids = [int(s.get("id").removeprefix("_x0000_s")) for s in root.iter(f"{{{_V}}}shape")]
            out.append((blocks, ids, root[0] is layouts[0]))
    return out


def _assert_numbered_like_excel(path: Path) -> None:
    drawings = _vml_numbering(path)
    assert len(drawings) >= 2
    blocks = [b for d in drawings for b in d[0]]
    ids = [i for d in drawings for i in d[1]]
    assert len(blocks) == len(set(blocks)) and len(ids) == len(set(ids))
    for own_blocks, own_ids, layout_first in drawings:
        assert layout_first
        assert own_ids == list(range(own_blocks[0] * 1024 + 1, own_blocks[0] * 1024 + 1 + len(own_ids)))
        assert len(own_blocks) == max(1, -(-len(own_ids) // 1024))


def test_mark_numbers_each_vml_drawing_as_excel_does(marked, tmp_path):
    """After mark the buttons' drawing and the notes' drawings each have their own block
    (data="k", shapes from k*1024+1) and <o:shapelayout> first, as in the files Excel wrote
    that XlsxWriter compares itself against (and as XlsxWriter writes them)."""
    import xlsxwriter

    out, _ = marked
    _assert_numbered_like_excel(out)
    again = tmp_path / "again.xlsm"
    excel.process_file(out, again, "mark")
    _assert_numbered_like_excel(again)

    reference = tmp_path / "reference.xlsx"
    book = xlsxwriter.Workbook(str(reference))
    for k in range(len(_vml_numbering(out))):
        ws = book.add_worksheet()
        for r in range(k + 1):
            ws.write_comment(r, 0, "批注")
    book.close()
    assert sorted(d[0] for d in _vml_numbering(reference)) == sorted(d[0] for d in _vml_numbering(out))


def test_workbooks_built_with_the_earlier_udf_module_name_read_and_mark(tmp_path):
    """A workbook built before the UDF module took xlwings' name (xlperf_udfs, with empty
    interpreter rows) still reads as the example, and mark keeps its project."""
    from xlperf.excel.vba_modules import foreign_modules
    from xlperf.files.xlsx_grid import vba_projects

    old = Path(__file__).parent / "fixtures" / "built-with-xlperf_udfs-2020.xlsm"
    (project,) = vba_projects(old).values()
    assert foreign_modules(project, max_bytes=1 << 24) == []
    ev, _ = read_workbook_with_layout(old)
    assert ev == SelfEvaluation.from_json(SEED.read_text(encoding="utf-8"))
    out = tmp_path / "marked.xlsm"
    excel.process_file(old, out, "mark")
    assert vba_projects(out)  # the project is kept
    (kept,) = vba_projects(out).values()
    assert foreign_modules(kept, max_bytes=1 << 24) == []


@pytest.mark.parametrize("module, line", [
    ("xlwings_udfs", '    Shell "calc.exe"'),
    ("xlperf_udfs", '    PERF_SCORE = XLPy.CallUDF("os", "system", Array("calc"))'),
    ("xlperf_buttons", '    RunPython "import os; os.system(\'calc\')"'),
    ("Sheet1", "Sub Helper()"),
])
def test_a_project_with_one_line_more_than_xlperfs_is_foreign(module, line):
    """Wrappers and macros of any xlperf version are accepted; one line that is neither is not."""
    from xlperf.excel.vba import Module, build_vba_project
    from xlperf.excel.vba_modules import LEGACY_UDF_MODULE, UDF_MODULE, foreign_modules, vba_modules

    modules = []
    for m in vba_modules():
        name = LEGACY_UDF_MODULE if (m.name == UDF_MODULE and module == LEGACY_UDF_MODULE) else m.name
        source = m.source.replace(f'"{UDF_MODULE}"', f'"{name}"', 1) if m.name == UDF_MODULE else m.source
        if name == module:
            source = source.replace("End Function", line + "\r\nEnd Function", 1).replace("End Sub", line + "\r\nEnd Sub", 1)
            if m.kind == "document":
                source += line + "\r\nEnd Sub\r\n"
        modules.append(Module(name, source, m.kind))
    assert foreign_modules(build_vba_project(modules), max_bytes=1 << 24) == [module]
    assert foreign_modules(build_vba_project(vba_modules()), max_bytes=1 << 24) == []
