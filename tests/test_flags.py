"""The checks the workbook computes itself (公式校验) against the engine's checks.

Workbooks are built for the seed, for every trigger and near miss of tests/test_checks.py,
for a form with seeded mistakes and for hypothesis-generated forms, in the formulas and
the macro edition; ONE soffice call recalculates them all (tests/recalc.py). For each the
raised flags (code, cell) must be exactly the engine's findings of the codes the sheet
decides (`flags.DECIDED`) on the form read back from the same file, and the summary must
show their counts and one line per raised flag.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import recalc
from tests.strategies import self_evaluations
from tests.test_checks import NEAR_MISSES, TRIGGERS, clean_seed, seed
from xlperf.engine.checks import CATALOGUE, email_ok, phone_ok, run_checks
from xlperf.forms.guangdong_1_1 import layout as L
from xlperf.forms.guangdong_1_1.model import SelfEvaluation
from xlperf.workbook import flags, shapes
from xlperf.workbook.build import build_workbook
from xlperf.workbook.editions import new_workbook
from xlperf.workbook.read import read_workbook_with_layout

ROOT = Path(__file__).resolve().parent.parent
FONTS = ROOT / "xlperf" / "fonts" / "fonts.conf"
GENERATED = int(os.environ.get("XLPERF_FLAG_FORMS", "20"))
"""Hypothesis forms recalculated by this module, half in each edition. The differential test
of the native formulas (tests/test_native_formulas.py) compares the flags of its 200 and
more forms too; XLPERF_FLAG_FORMS=200 runs as many here."""


def seeded_mistakes() -> SelfEvaluation:
    """The clean seed with one mistake per kind the sheet flags (`SEEDED` lists them)."""
    ev = clean_seed()
    ev.header.unit_name = ""
    ev.basic.contact_phone = "0751-88778"
    ev.basic.contact_email = "zhangsan@qq"
    ev.basic.start_date = dt.date(2021, 3, 1)
    ev.funding.budget[0].transfer_county = "-1.5"
    ev.funding.spending[0].municipal = "123.456"
    ev.goals.achieved_on_time = False
    ev.goals.stage = ""
    ev.other_notes = ""
    ev.indicators.quality[0].actual = "90%"
    ev.indicators.quality[0].explanation = ""
    ev.indicators.satisfaction[0].actual = "90%"
    ev.indicators.satisfaction[0].explanation = "已完成。"
    for row in [*ev.funding.budget, *ev.funding.spending]:
        row.total = row.parts_total()  # typed totals would hide nothing: the sheet sums the parts
    return ev


SEEDED = {
    ("REQ001", "header.unit_name"),
    ("REQ002", "goals.stage"),
    ("FMT001", "basic.contact_phone"),
    ("FMT002", "basic.contact_email"),
    ("DAT001", "basic.start_date"),
    ("AMT001", "funding.budget[0].transfer_county"),
    ("AMT002", "funding.spending[0].municipal"),
    ("AMT002", "funding.spending[0].total"),
    ("AMT005", "funding.spending[0].total"),
    ("AMT007", "funding.by_purpose[0].amount"),
    ("AMT009", "basic.eval_amount"),
    ("GOL001", "goals.achieved_on_time"),
    ("IND009", "indicators.quality[0].explanation"),
    ("IND010", "indicators.satisfaction[0].explanation"),
}
"""(code, field) of every flag the seeded mistakes raise."""


TYPED_LATER: dict[str, dict[str, object]] = {
    "typed-years": {"basic.eval_year": "2020年", "funding.budget[0].year": "2020 年",
                    "funding.spending[0].year": "2019", "funding.by_purpose[0].year": 2020},
    "typed-shapes": {"basic.contact_phone": "０７５１－８８７７８３３、138 0013 8000",
                     "basic.contact_email": "  zhang.san@example.com.cn ", "report.phone": "8877833 转 12"},
    "typed-bad-shapes": {"basic.contact_phone": "0751-8877833  转12", "basic.contact_email": "张三@qq.com",
                         "report.phone": "138001380001"},
    "typed-claims": {"indicators.quality[0].actual": "90%", "indicators.quality[0].explanation": "已全部按时完成了年度目标！",
                     "indicators.satisfaction[0].actual": "90%",
                     "indicators.satisfaction[0].explanation": "　无　", "goals.achieved_on_time": " 是 "},
    "typed-no": {"goals.achieved_on_time": "否 ", "other_notes": "　无　"},
    "typed-names": {"indicators.quality[0].name": "ＡＢＣ 事项率", "indicators.quality[1].name": "ABC事项率",
                    "indicators.quality[1].formula": "无", "indicators.quality[1].target": "≥90%",
                    "indicators.quality[1].actual": "95%",
                    "report.project_name": "市行政服务中心大厅、政府服务热线平台运行与服务（２０２０）",
                    "basic.project_name": "市行政服务中心大厅、政府服务热线平台运行与服务(2020)",
                    "report.filler_name": "Ｌｉ　Ｍｉｎｇ", "basic.contact_name": "LiMing"},
    "typed-amounts": {"funding.budget[0].municipal": 122.175, "funding.spending[0].municipal": -3,
                      "basic.eval_amount": 122.17, "funding.by_purpose[1].purpose": "设备采购"},
}
"""Cells a person types after the workbook was built (written with openpyxl, as Excel would
store them), so the flags are tested on input the builder never writes."""


def _weighted(**weights) -> SelfEvaluation:
    """The clean seed with 分值 on its indicator rows ({"quantity": ["30", None], ...})."""
    data = clean_seed().model_dump(mode="json")
    for sub, values in weights.items():
        for row, w in zip(data["indicators"][sub], values):
            if w is not None:
                row["weight"] = w
    return SelfEvaluation.model_validate(data)


WEIGHTED: dict[str, SelfEvaluation] = {
    "weights-fine": _weighted(quantity=["30"], quality=["10"], satisfaction=["10"]),
    "weights-over": _weighted(quantity=["20"], quality=["40"], satisfaction=["10"]),
    "weights-decimals": _weighted(quantity=["12.345"], satisfaction=["3.333"]),
    "weights-negative": _weighted(quantity=["-2"], quality=["60"]),
}
"""Forms with 分值 (SCR004–SCR006). A negative 分值 cannot be read back from a workbook (the
reader refuses it), so the engine's findings for these forms come from the data they were
built from."""


def _type_into(path: Path, edits: dict[str, object]) -> None:
    layout = read_workbook_with_layout(path)[1]
    book = openpyxl.load_workbook(path)
    for field, value in edits.items():
        cell = layout.cell_for(field)
        book[cell.sheet][cell.area.first].value = value
    book.save(path)


@dataclass
class Built:
    path: Path
    mode: str
    values: dict | None = None
    layout: L.Layout | None = None
    found: list | None = None
    """The engine's findings of the codes the sheet decides, on the form read back."""
    source: SelfEvaluation | None = None
    """The form the workbook was built from, when the engine judges it rather than the read-back."""

    @property
    def expected(self) -> list[tuple[str, str]]:
        return sorted((f.code, f.cell) for f in self.found)


def _forms() -> dict[str, tuple[SelfEvaluation, str]]:
    forms: dict[str, tuple[SelfEvaluation, str]] = {
        "seed": (seed(), "formulas"),
        "seeded": (seeded_mistakes(), "formulas"),
        "seeded-macro": (seeded_mistakes(), "macro"),
        "empty": (SelfEvaluation(), "formulas"),
        "clean": (clean_seed(), "formulas"),
    }
    for n, (code, mutate, _) in enumerate(TRIGGERS):
        ev = clean_seed()
        mutate(ev)
        forms[f"trigger-{n}-{code}"] = (ev, "formulas" if n % 2 else "macro")
    for n, (code, mutate) in enumerate(NEAR_MISSES):
        ev = clean_seed()
        mutate(ev)
        forms[f"near-{n}-{code}"] = (ev, "formulas" if n % 2 else "macro")
    return forms


def _generated(count: int) -> list[SelfEvaluation]:
    found: list[SelfEvaluation] = []

    @settings(max_examples=count, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(self_evaluations(max_rows=3, max_years=3, with_weights=True))
    def collect(ev: SelfEvaluation) -> None:
        found.append(ev)

    collect()
    return found[:count]


@pytest.fixture(scope="module")
def books(tmp_path_factory) -> dict[str, Built]:
    assert recalc.soffice(), "LibreOffice is not installed (run scripts/system-deps.sh)"
    folder = tmp_path_factory.mktemp("flags")
    forms = _forms()
    for n, ev in enumerate(_generated(GENERATED)):
        forms[f"gen-{n}"] = (ev, "macro" if n % 2 else "formulas")
    built: dict[str, Built] = {}
    for name, (ev, mode) in forms.items():
        path = folder / f"{name}.xlsx"
        build_workbook(path, ev, mode=mode)
        built[name] = Built(path, mode)
    for name, edits in TYPED_LATER.items():
        path = folder / f"{name}.xlsx"
        build_workbook(path, clean_seed(), mode="formulas")
        _type_into(path, edits)
        built[name] = Built(path, "formulas")
    for name, ev in WEIGHTED.items():
        path = folder / f"{name}.xlsx"
        build_workbook(path, ev, mode="macro" if name.endswith("over") else "formulas")
        built[name] = Built(path, "formulas", source=ev)
    xlsm = folder / "seeded-xlsm.xlsm"
    source = folder / "seeded.json"
    source.write_text(seeded_mistakes().to_json(), encoding="utf-8")
    new_workbook(xlsm, source=source)
    built["seeded-xlsm"] = Built(xlsm, "macro")
    converted = recalc.recalculate([b.path for b in built.values()], folder / "out")
    for b in built.values():
        b.values = recalc.values(converted[b.path.resolve()], [L.FORM])
        if b.source is not None:
            ev, b.layout = b.source, read_record(b.path)
        else:
            ev, b.layout = read_workbook_with_layout(b.path)
        b.found = engine_found(ev, b.layout)
    return built


def read_record(path: Path) -> L.Layout:
    """The layout a workbook records in _xlperf (without reading its cells)."""
    from xlperf.files.xlsx_grid import OpenWorkbook
    from xlperf.workbook.read import layout_of

    with OpenWorkbook(path) as book:
        return layout_of(book.grids([L.META]))[0]


def engine_found(ev: SelfEvaluation, layout: L.Layout) -> list:
    """The engine's findings of the codes the sheet decides (with the 分值 findings of its scoring)."""
    from xlperf.engine.scoring import load_rules, score

    card = score(ev, load_rules(layout.rules or None))
    return [f for f in run_checks(ev, card, layout.cell_of) if f.code in flags.DECIDED]


def test_the_flags_are_the_engines_findings_on_every_form(books):
    wrong = {}
    for name, b in books.items():
        expected, layout = b.expected, b.layout
        got = sorted(flags.raised(b.values, layout))
        if got != expected:
            wrong[name] = {"sheet only": sorted(set(got) - set(expected)),
                           "engine only": sorted(set(expected) - set(got))}
    assert wrong == {}


def test_the_summary_counts_and_lists_every_raised_flag(books):
    for name, b in books.items():
        layout, found = b.layout, b.found
        shown = flags.summary(b.values, layout)
        assert shown["错误数"] == sum(f.severity == "error" for f in found), name
        assert shown["警告数"] == sum(f.severity == "warning" for f in found), name
        assert shown["top"] == (shown["错误数"], shown["警告数"]), name
        p = flags.plan(layout)
        raised = set(flags.raised(b.values, layout))
        lines = [(f.code, f.cell, f.message) for f in p.flags if (f.code, f.cell) in raised]
        if lines:
            assert shown["lines"] == lines, name
        else:
            assert shown["lines"] == [], name


def test_the_seeded_mistakes_raise_exactly_the_expected_flags(books):
    for name in ("seeded", "seeded-macro", "seeded-xlsm"):
        b = books[name]
        layout = b.layout
        expected = sorted((code, layout.cell_of(field)) for code, field in SEEDED)
        assert sorted(flags.raised(b.values, layout)) == expected, name
        shown = flags.summary(b.values, layout)
        assert [line[:2] for line in shown["lines"]] == [
            (f.code, f.cell) for f in flags.plan(layout).flags if (f.code, f.cell) in set(expected)]
        assert shown["错误数"] == sum(CATALOGUE[c].severity == "error" for c, _ in SEEDED)
        assert shown["警告数"] == sum(CATALOGUE[c].severity == "warning" for c, _ in SEEDED)


def test_the_weights_raise_their_flags(books):
    """Each 分值 form raises exactly the engine's SCR codes, where the engine reports them."""
    want = {
        "weights-fine": set(),
        "weights-over": {("SCR005", "indicators.quantity[0].weight")},
        "weights-decimals": {("SCR006", "indicators.quantity[0].weight"), ("SCR006", "indicators.satisfaction[0].weight")},
        "weights-negative": {("SCR004", "indicators.quantity[0].weight"), ("SCR005", "indicators.quantity[0].weight")},
    }
    for name, fields in want.items():
        b = books[name]
        scr = {(code, cell) for code, cell in flags.raised(b.values, b.layout) if code.startswith("SCR")}
        assert scr == {(code, b.layout.cell_of(field)) for code, field in fields}, name


def test_a_clean_form_raises_nothing_and_says_so(books):
    b = books["clean"]
    assert b.found == []
    shown = flags.summary(b.values, b.layout)
    assert (shown["错误数"], shown["警告数"], shown["lines"], shown["top"]) == (0, 0, [], (0, 0))
    assert b.values[L.FORM].get(f"E{flags.summary_origin(b.layout) + 4}") == flags.NOTHING_FOUND


def test_the_stored_results_are_the_recalculated_ones(books, tmp_path):
    """A program that shows the stored results without recalculating (LibreOffice's default
    for .xlsx) shows the same flags, marks and summary."""
    names = ["seeded", "seeded-macro", "seed", "clean", "gen-0", "gen-1"]
    converted = recalc.recalculate([books[n].path for n in names], tmp_path, recalc=False)
    for name in names:
        b = books[name]
        stored = recalc.values(converted[b.path.resolve()], [L.FORM])
        assert flags.raised(stored, b.layout) == flags.raised(b.values, b.layout), name
        assert flags.summary(stored, b.layout) == flags.summary(b.values, b.layout), name


def test_no_error_value_in_the_summary_or_the_flags(books):
    for name, b in books.items():
        layout = b.layout
        p = flags.plan(layout)
        form = b.values[L.FORM]
        first = flags.summary_origin(layout) + 1
        cols = {L.col_letter(c) for c in p.flag_cols.values()} | {"B", "C", "D", "E"}
        bad = {}
        for ref, v in form.items():
            col, row = re.match(r"([A-Z]+)(\d+)", ref).groups()
            in_flags = col in {L.col_letter(c) for c in p.flag_cols.values()}
            in_summary = int(row) >= first and col in cols
            if (in_flags or in_summary) and isinstance(v, str) and v.startswith("#"):
                bad[ref] = v
        assert bad == {}, name


# ------------------------------------------------------------------------ the workbook itself


def _conditional_fills(path: Path) -> dict[str, set[str]]:
    """{sheet: the fill colours of its conditional formats}."""
    book = openpyxl.load_workbook(path)
    found: dict[str, set[str]] = {}
    for ws in book.worksheets:
        for rng in ws.conditional_formatting:
            for rule in rng.rules:
                fill = rule.dxf.fill if rule.dxf is not None else None
                if fill is not None and fill.bgColor is not None and fill.bgColor.rgb:
                    found.setdefault(ws.title, set()).add(str(fill.bgColor.rgb)[-6:].upper())
    return found


def test_marks_use_the_validate_buttons_fills_on_both_sheets(books):
    fills = {c.lstrip("#").upper() for c in L.MARK_FILLS.values()}
    for name in ("seeded", "seeded-xlsm"):
        found = _conditional_fills(books[name].path)
        assert found.get(L.FORM) == fills, name
        assert found.get(L.REPORT) == fills, name


def test_every_flagged_cell_is_marked_and_the_block_sits_outside_the_print_area():
    layout = L.Layout()
    p = flags.plan(layout)
    area = layout.sheet(L.FORM).print_area
    assert p.first_col > area.last_col
    assert flags.summary_origin(layout) > area.last_row
    assert {f.code for f in p.flags} == set(flags.DECIDED)
    assert set(flags.DECIDED) <= set(CATALOGUE)
    for f in p.flags:
        assert f.cell == layout.cell_of(f.field)
        assert re.search(r"[\u4e00-\u9fff]", f.message) and not re.search(r"\b(?:basic|funding|goals|indicators|report|header)\.", f.message), f


def test_the_catalogue_lists_the_codes_the_sheet_decides():
    text = (ROOT / "docs" / "checks.md").read_text(encoding="utf-8")
    section = text.split("## 工作簿中的公式校验", 1)[1]
    listed = re.findall(r"\b[A-Z]{3}\d{3}\b", section.split("其余代码", 1)[0])
    assert listed == list(flags.DECIDED)


def test_without_the_report_sheet_no_flag_points_at_it(tmp_path):
    path = tmp_path / "form.xlsx"
    layout = build_workbook(path, seeded_mistakes(), mode="formulas", sheets=[L.FORM])
    p = flags.plan(layout, with_report=False)
    assert not any(f.cell.startswith(L.REPORT) for f in p.flags)
    book = openpyxl.load_workbook(path)
    formulas = [c.value for row in book[L.FORM].iter_rows() for c in row
                if isinstance(c.value, str) and c.value.startswith("=")]
    assert formulas and not any(L.REPORT in f for f in formulas)


def test_the_values_edition_has_no_flags(tmp_path):
    path = tmp_path / "copy.xlsx"
    build_workbook(path, seeded_mistakes(), mode="values")
    ws = openpyxl.load_workbook(path)[L.FORM]
    assert not any(c.value == "错误数" for row in ws.iter_rows() for c in row)
    assert not list(ws.conditional_formatting)


# ------------------------------------------------------------------------ shapes against the engine

_PHONE_BITS = ["0", "1", "2", "5", "6", "7", "8", "9", "0751", "8877833", "138", "0013", "8000", "13800138000",
               "-", " ", "  ", "+86", "86", "(", ")", "（", "）", "转", "分机", "ext", "ext.", "x", "X", "#",
               "、", ",", "，", ";", "；", "/", "\t", "\n", "\u3000", "０７５１", "－", "—", "a", "号"]
_EMAIL_BITS = ["a", "Z", "zhang.san", "0", "-", "_", "%", "+", ".", "@", "qq", "com", "cn", " ", "\t", "ｑ",
               "@@", "..", "中", "!"]


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(_PHONE_BITS), max_size=8).map("".join))
def test_the_phone_automaton_decides_as_the_engine(text):
    assert shapes.matches("phone", text) == phone_ok(text)


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.sampled_from(_EMAIL_BITS), max_size=8).map("".join))
def test_the_email_automaton_decides_as_the_engine(text):
    assert shapes.matches("email", text) == email_ok(text)


@pytest.mark.parametrize("text", [
    "0751-8877833", "13800138000", "(0751)8877833转123", "0751 8877833", "０７５１－８８７７８３３",
    "0751-8877833、138-0013-8000", "+86 138 0013 8000", "8877833ext.12", " 0751-8877833 ",
    "12ab", "0751-88778", "0751  8877833", "0751-8877833 13800138000", "、",
])
def test_phone_examples(text):
    assert shapes.matches("phone", text) == phone_ok(text)


# ------------------------------------------------------------------------ the picture


def test_the_rendered_page_shows_the_marked_cells(tmp_path):
    """附件1-1 of the seeded workbook, recalculated and printed by LibreOffice: the page
    carries the red and amber of the marks (the picture in docs/flags-page1.png)."""
    missing = [t for t in ("pdftoppm",) if shutil.which(t) is None]
    assert not missing, "poppler-utils is not installed"
    path = tmp_path / "seeded-form.xlsx"
    build_workbook(path, seeded_mistakes(), mode="formulas", sheets=[L.FORM])
    pixels = _pixels(render_first_page(path, tmp_path, fmt="ppm"))
    for colour in L.MARK_FILLS.values():
        assert bytes.fromhex(colour[1:]) in pixels, colour


def _pixels(ppm: Path) -> set[bytes]:
    """The colours of a binary PPM (P6) picture."""
    data = ppm.read_bytes()
    magic, width, height, depth, body = data.split(maxsplit=4)
    assert magic == b"P6" and depth == b"255"
    return {body[i:i + 3] for i in range(0, int(width) * int(height) * 3, 3)}


def render_first_page(path: Path, folder: Path, dpi: int = 80, fmt: str = "png", area: str | None = None) -> Path:
    """The first printed page of a workbook as PNG (LibreOffice recalculates, prints to PDF
    in colour, pdftoppm rasterises); also how docs/flags-page1.png is made. area: print this
    range of 附件1-1 instead of the form: docs/flags-summary.png is the 校验 summary of the
    seeded workbook, area B{r+1}:N{r+4+len(SEEDED)} (r = flags.summary_origin), cropped from
    the PDF with pdftoppm -r 200 -x 80 -y 90 -W 1300 -H 460)."""
    colour = folder / f"{path.stem}-colour.xlsx"
    book = openpyxl.load_workbook(path)
    for ws in book.worksheets:
        ws.page_setup.blackAndWhite = False
    if area:
        book[L.FORM].print_area = area
        book[L.FORM]._print_rows = None  # openpyxl has no public way to drop the repeated header row
    book.save(colour)
    env = dict(os.environ, FONTCONFIG_FILE=str(FONTS))
    old = os.environ.get("FONTCONFIG_FILE")
    os.environ["FONTCONFIG_FILE"] = str(FONTS)
    try:
        pdf = recalc.recalculate([colour], folder, fmt="pdf")[colour.resolve()]
    finally:
        if old is None:
            os.environ.pop("FONTCONFIG_FILE", None)
        else:
            os.environ["FONTCONFIG_FILE"] = old
    kind = ["-png"] if fmt == "png" else []
    subprocess.run(["pdftoppm", "-r", str(dpi), *kind, "-f", "1", "-l", "1", str(pdf), str(folder / "page")],
                   check=True, capture_output=True, env=env)
    return next(folder.glob(f"page*.{fmt}"))
