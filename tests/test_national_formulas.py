"""The national formula edition against the engine (differential test, LibreOffice doing the
arithmetic).

The formula edition is built for every national example, for edge cases (empty fund rows,
zero and 其中-only budgets, execution above 100 %, qualitative rows with and without a typed
score, typed-over wrong scores, the deviation rule, execution caps, every grade boundary) and
for hypothesis-generated forms; soffice recalculates them all in a few batched calls
(tests/recalc.py). For each workbook every official computed cell that holds a formula (执行率,
得分, 总分, 自评等级) must equal what the engine computes for the form read back from the same
file, to the cent, and the raised flags and the 校验汇总 must be the engine's findings.
"""

from __future__ import annotations

import os
import zipfile
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from tests import recalc
from tests.strategies import national_forms
from xlperf.engine.scoring import cap_total, load_rules
from xlperf.files import sources
from xlperf.files.xlsx_grid import Formula, read_grids
from xlperf.forms.national_2020 import checks, flags, native, scoring, workbook
from xlperf.forms.national_2020.layout import SHEET, NationalLayout
from xlperf.forms.national_2020.model import FundRow, Funds, IndicatorRow, NationalForm, TotalRow

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("national-*.json"))
CLEAN = ROOT / "examples" / "national-clean-2022.json"
HYPOTHESIS_FORMS = int(os.environ.get("XLPERF_NATIONAL_FORMS", "100"))
"""Hypothesis-generated national forms compared (at least 100)."""
D = Decimal
CENT = D("0.01")


# ------------------------------------------------------------------------ forms


def _row(level2: str, target: str, actual: str, points="10", score=None, **kw) -> IndicatorRow:
    level1 = {"服务对象满意度指标": "满意度指标"}.get(level2, "效益指标" if "效益" in level2 or "可持续" in level2 else "产出指标")
    return IndicatorRow(level1=level1, level2=level2, name=kw.pop("name", "指标"), target=target, actual=actual,
                        points=None if points is None else D(points), score=None if score is None else D(score), **kw)


def _base(**funds) -> NationalForm:
    rows = [_row("数量指标", "≥10", "12", "20"), _row("质量指标", "≥95%", "96%", "20"),
            _row("时效指标", "按时完成", "按时完成", "10", "10"), _row("社会效益指标", "效果明显", "良好", "30", "27"),
            _row("服务对象满意度指标", "≥90%", "95%", "10")]
    return NationalForm(project_name="测试项目", department="某局", implementer="某中心",
                        funds=Funds(**funds) if funds else Funds(total=FundRow(budget=D(100), executed=D(95), points=D(10))),
                        indicators=rows)


def _with(form: NationalForm, **update) -> NationalForm:
    return form.model_copy(update=update)


def edge_forms() -> list[tuple[str, NationalForm]]:
    b = _base()
    f = FundRow
    out = [
        ("empty-funds", _base(total=f(points=D(10)))),
        ("zero-budget", _base(total=f(budget=D(0), executed=D(0), points=D(10)), appropriation=f(budget=D(0), executed=D(0)))),
        ("parts-only", _base(total=f(points=D(10)), appropriation=f(budget=D(60), executed=D(50)),
                             carryover=f(budget=D(40), executed=D(41)))),
        ("total-zero-parts", _base(total=f(budget=D(0), executed=D(0), points=D(10), rate=D(0), score=D(0)),
                                   appropriation=f(initial=D(90), budget=D("89.974"), executed=D("89.974")))),
        ("over-100", _base(total=f(budget=D(100), executed=D(130), points=D(10)))),
        ("odd-rate", _base(total=f(budget=D(3), executed=D(2), points=D(10), rate=D("66.7")))),
        ("no-points", _base(total=f(budget=D(100), executed=D("87.65")))),
        ("budget-change", _base(total=f(initial=D(100), budget=D(130), executed=D(120), points=D(10)))),
        ("executed-only", _base(total=f(executed=D(10), points=D(10)))),
        ("qualitative", _with(b, indicators=[*b.indicators, _row("质量指标", "验收合格", "合格", "5"),
                                             _row("质量指标", "验收合格", "合格", "5", "4.5")])),
        ("typed-over", _with(b, indicators=[_row("数量指标", "≥10", "8", "20", "19"), _row("质量指标", "≥95%", "96%", "20", "25"),
                                            *b.indicators[2:]], total=TotalRow(points=D(100), score=D(99)), grade="良")),
        ("missed", _with(b, indicators=[_row("数量指标", "≥10", "8.7", "20", deviation="已完成"),
                                        _row("成本指标", "≤90万元", "100万元", "20"), *b.indicators[2:]])),
        ("blank-rows", _with(b, indicators=[b.indicators[0], IndicatorRow(), _row("质量指标", "", "", None), *b.indicators[2:]])),
        ("no-rows", _with(b, indicators=[])),
        ("levels", _with(b, indicators=[_row("数量指标（20分）", "≥10", "12", "20"), _row("满意度", "≥90%", "95%", "10"),
                                        IndicatorRow(level1="产出 指标", level2="其他", name="x", target="1", actual="1",
                                                     points=D(10)), IndicatorRow(level1="其他", level2="", target="1",
                                                                                  actual="1", points=D(10))])),
        ("moves", _with(b, indicators=b.indicators[:4])),
        ("emptied", b),
    ]
    dev = _with(b, rules="national-2020-provincial",
                indicators=[_row("数量指标", "≥10", "14", "20"), _row("数量指标", "≥100", "130", "20", deviation="超额完成"),
                            _row("质量指标", "≥95%", "96%", "10"), _row("质量指标", "95%", "129%", "10", "10"),
                            *b.indicators[2:]])
    out.append(("deviation", dev))
    for rate in ("55", "59.99", "60", "65", "70", "75", "79.99", "80", "85"):
        funds = Funds(total=f(budget=D(100), executed=D(rate), points=D(10)))
        out.append((f"cap-{rate}", _with(b, rules="national-2020-provincial", funds=funds)))
    out.append(("cap-typed", _with(b, rules="national-2020-provincial", total=TotalRow(score=D("97.5")), grade="优",
                                   funds=Funds(total=f(budget=D(100), executed=D(75), points=D(10))))))
    # every grade boundary: 执行率 0 %, qualitative rows whose typed scores add up to the total
    for total in ("90", "89.99", "80", "79.99", "60", "59.99", "0"):
        left, rows = D(total), []
        for level2, points in (("数量指标", 20), ("质量指标", 20), ("时效指标", 10), ("社会效益指标", 30), ("服务对象满意度指标", 10)):
            given = min(left, D(points))
            left -= given
            rows.append(_row(level2, "效果明显", "良好", str(points), str(given)))
        funds = Funds(total=f(budget=D(100), executed=D(0), points=D(10)))
        out.append((f"grade-{total}", _with(b, funds=funds, indicators=rows)))
        out.append((f"grade-typed-{total}", _with(b, funds=funds, indicators=rows, total=TotalRow(score=D(total)), grade="良")))
    return out


EMPTIED = {"emptied": ("funds.total.score", "indicators[0].score", "indicators[3].score", "total.score", "grade")}
"""Workbooks whose computed cells a person emptied after the build (the formulas deleted)."""


def _empty_cells(path: Path, refs: list[str]) -> None:
    """Delete the formula and value of each cell in `refs` of the form's sheet, keeping its style."""
    import re

    name = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    xml = parts[name].decode("utf-8")
    for ref in refs:
        xml, n = re.subn(rf'<c r="{ref}"( s="\d+")?( t="\w+")?>.*?</c>', rf'<c r="{ref}"\1/>', xml, count=1)
        assert n == 1, ref
    parts[name] = xml.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for n, data in parts.items():
            z.writestr(n, data)


def hypothesis_forms(n: int) -> list[NationalForm]:
    found: list[NationalForm] = []

    @settings(max_examples=n, derandomize=True, database=None, deadline=None, suppress_health_check=list(HealthCheck))
    @given(national_forms())
    def collect(form):
        found.append(form)

    collect()
    return found


# ------------------------------------------------------------------------ one LibreOffice run per 100 files


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory):
    """{name: (built path, read-back form, layout, rules, recalculated values)}."""
    folder = tmp_path_factory.mktemp("national-native")
    forms = [(p.stem, sources.load(p), None) for p in EXAMPLES] + [("empty", None, None)]
    forms += [(name, form, 1) for name, form in edge_forms()]  # as many rows as the form has
    forms += [(f"hyp{k}", f, 3) for k, f in enumerate(hypothesis_forms(HYPOTHESIS_FORMS))]
    built, out, running, batch = [], {}, None, []
    typed = _typed_later(folder / "typed.xlsx")
    for k, (name, form, rows) in enumerate(forms):
        path = folder / f"{name}.xlsx"
        workbook.build(path, form, formulas=True, force=True, indicator_rows=rows)
        if name in EMPTIED:
            _empty_cells(path, [NationalLayout.for_form(form, rows).spot_for(p).first for p in EMPTIED[name]])
        built.append((name, path))
        batch.append(path)
        if k == 0:
            batch.append(typed)
        if len(batch) >= recalc.BATCH or k == len(forms) - 1:
            if running is not None:
                out.update(running.result())
            running, batch = recalc.Running(batch, folder / "out"), []
    out.update(running.result())
    found = {}
    for name, path in built:
        form, layout = _read(path)
        rules = load_rules(form.rules or "national-2020")
        found[name] = (path, form, layout, rules, recalc.values(out[path.resolve()], [SHEET]))
    found["typed"] = (typed, None, None, None, recalc.values(out[typed.resolve()], [SHEET]))
    return found


@pytest.fixture(scope="module")
def compared(recalculated):
    return {name: args for name, args in recalculated.items() if name != "typed"}


def _read(path: Path):
    from xlperf.files.xlsx_grid import OpenWorkbook

    with OpenWorkbook(path) as book:
        meta = dict((r[0], r[1]) for r in book.grids(["_xlperf"])["_xlperf"])
        return workbook.read(book, meta, path)


# ------------------------------------------------------------------------ the engine's values


def _half_up(value: Decimal) -> Decimal:
    return value.quantize(CENT, ROUND_HALF_UP)


def engine_cells(form: NationalForm, rules, layout: NationalLayout) -> dict[str, object]:
    """What the engine gives for each computed cell of `form` as the workbook states it ("" for
    a cell a person fills): 执行率 of each fund row, the scores the engine computes, the 总分
    as the sum of the stated 得分 under the cap, its 分值, and the grade of the 总分 shown."""
    card = scoring.score(form, rules)
    ex = scoring.execution(form)
    want: dict[str, object] = {"funds.total.rate": "" if ex.rate is None else _half_up(ex.rate * 100)}
    for name in ("appropriation", "carryover", "other"):
        row = getattr(form.funds, name)
        rate = row.executed / row.budget * 100 if row.budget and row.budget > 0 and row.executed is not None else None
        want[f"funds.{name}.rate"] = "" if rate is None else _half_up(rate)
    item = card.item(scoring.EXEC_ID)
    want["funds.total.score"] = item.points if item.method == "computed" else ""
    for i in range(layout.indicator_rows):
        item = card.item(scoring.row_id(i))
        want[f"indicators[{i}].score"] = item.points if item is not None and item.method == "computed" else ""
    points = [r.points for r in form.indicators if r.points is not None]
    exec_points = card.item(scoring.EXEC_ID).available
    want["total.points"] = "" if form.funds.total.points is None and not points else exec_points + sum(points, D(0))
    stated = [s for s in (form.funds.total.score, *(r.score for r in form.indicators)) if s is not None]
    want["total.score"] = _half_up(cap_total(sum(stated, D(0)), ex.rate, rules)[0]) if stated else ""
    shown = form.total.score
    want["grade"] = rules.grade(shown) if shown is not None else ""
    return want


def formula_paths(path: Path, layout: NationalLayout) -> set[str]:
    rows = read_grids(path, [SHEET])[SHEET]
    out = set()
    for p in layout.computed_paths():
        spot = layout.spot_for(p)
        if spot.row < len(rows) and spot.col < len(rows[spot.row]) and isinstance(rows[spot.row][spot.col], Formula):
            out.add(p)
    return out


def _same(got, want) -> bool:
    if want == "" or want is None:
        return got in ("", None)
    if isinstance(want, str):
        return got == want
    return got not in ("", None) and abs(D(str(got)) - D(str(want))) < D("0.000001")


def disagreements(path, form, layout, rules, values) -> list[str]:
    sheet = values[SHEET]
    found = []
    want = engine_cells(form, rules, layout)
    live = formula_paths(path, layout)
    for p in layout.computed_paths():
        if p not in live:
            continue
        got = sheet.get(layout.spot_for(p).first)
        if not _same(got, want[p]):
            found.append(f"{p}: {got!r} != {want[p]!r}")
        stated = workbook.field_value(form, p)
        if not _same(got, stated if stated not in (None, "") else ""):
            found.append(f"{p}: recalculated {got!r}, cached {stated!r}")
    card = scoring.score(form, rules)
    engine = [f for f in checks.run_checks(form, card, rules, layout.cell_of) if f.code in flags.DECIDED]
    got, wanted = sorted(flags.raised(values, layout, rules)), sorted((f.code, f.cell) for f in engine)
    if got != wanted:
        found.append(f"flags: extra {sorted(set(got) - set(wanted))}, missing {sorted(set(wanted) - set(got))}")
    shown = flags.summary(values, layout)
    counts = (sum(f.severity == "error" for f in engine), sum(f.severity == "warning" for f in engine))
    if (shown["错误数"], shown["警告数"]) != counts:
        found.append(f"错误数/警告数 {shown['错误数']}/{shown['警告数']} != {counts}")
    listed = sorted((c, cell) for c, cell, _ in shown["lines"] if c)
    if listed != sorted((f.code, f.cell.split("!")[-1]) for f in engine):
        found.append(f"校验汇总 lines {listed}")
    return found


def test_every_recalculated_workbook_agrees_with_the_engine(compared):
    problems = {name: d for name, args in compared.items() if (d := disagreements(*args))}
    shown = "\n".join(f"{name}: {p}" for name, found in list(problems.items())[:12] for p in found[:6])
    assert not problems, f"{len(problems)} of {len(compared)} workbooks disagree:\n{shown}"


def test_the_comparison_covered_what_it_should(compared):
    """Enough forms, and the formulas really computed: scores, caps, deviations, grades."""
    hyp = [n for n in compared if n.startswith("hyp")]
    assert len(hyp) >= 100
    live = {p.split("[")[0].split(".")[0] for args in compared.values() for p in formula_paths(args[0], args[2])}
    assert live >= {"funds", "indicators", "total", "grade"}
    raised = {c for args in compared.values() for c, _ in flags.raised(args[4], args[2], args[3])}
    assert raised >= set(flags.DECIDED), set(flags.DECIDED) - raised
    capped = compared["cap-75"]
    assert capped[4][SHEET].get(capped[2].spot_for("total.score").first) == 89
    dev = compared["deviation"]
    assert dev[4][SHEET].get(dev[2].spot_for("indicators[1].score").first) == 18  # 20 less the 2-point penalty
    for total, grade in (("90", "优"), ("89.99", "良"), ("80", "良"), ("79.99", "中"), ("60", "中"), ("59.99", "差")):
        path, form, lay, rules, values = compared[f"grade-{total}"]
        assert values[SHEET].get(lay.spot_for("grade").first) == grade, total
        assert D(str(values[SHEET].get(lay.spot_for("total.score").first))) == D(total)


def test_a_typed_over_score_stays_and_is_flagged(compared):
    path, form, lay, rules, values = compared["typed-over"]
    assert "indicators[0].score" not in formula_paths(path, lay) and form.indicators[0].score == D(19)
    assert ("NAT002", lay.cell_of("indicators[0].score")) in flags.raised(values, lay, rules)
    assert ("NAT008", lay.cell_of("indicators[1].score")) in flags.raised(values, lay, rules)


def test_the_empty_workbook_reads_as_an_empty_form(compared):
    path, form, lay, rules, values = compared["empty"]
    assert form == NationalForm()
    assert formula_paths(path, lay) == set(lay.computed_paths())


def test_no_error_value_anywhere_after_recalculation(compared):
    for name, (path, form, lay, rules, values) in compared.items():
        bad = {ref: v for ref, v in values[SHEET].items()
               if isinstance(v, str) and (v.startswith("#") or v.startswith("Err:"))}
        assert not bad, f"{name}: {sorted(bad.items())[:5]}"


# ------------------------------------------------------------------------ texts typed after the build


TYPED_LATER = [
    ("质量指标", "≥95%", "96%"), ("质量指标", "95%以上", "94%"), ("数量指标", "不少于10", "9"), ("成本指标", "不高于90", "91"),
    ("成本指标", "12", "13"), ("时效指标", "95%", "96%"), ("时效指标", "3", "2"), ("数量指标", "0", "0"),
    ("成本指标", "5%", "4%"), ("社会效益指标", "80%", "70%"), ("质量指标", "≥95%", "96"), ("质量指标", "约95%", "96%"),
    ("数量指标（10分）", "12", "12"), ("其他", "12", "13"), ("数量指标", "≥100", "140"), ("质量指标", ">= 95 %", " 96 % "),
    ("数量指标", "持平或略有增长", "增长3%"), ("成本指标", "≤5", "按预算"),
]
"""(二级指标, 年度指标值, 实际完成值) typed over rows after the build."""


def _typed_later(path: Path) -> Path:
    """A formula edition whose texts are changed after xlperf wrote the helper cells (the
    last row is left as built)."""
    import openpyxl

    form = NationalForm(rules="national-2020-provincial",
                        indicators=[_row("质量指标", "≥90%", "91%", "10") for _ in TYPED_LATER] + [_row("数量指标", "≥10", "9", "10")])
    workbook.build(path, form, formulas=True, force=True)
    lay = NationalLayout.for_form(form)
    book = openpyxl.load_workbook(path)
    ws = book[SHEET]
    for i, (level2, target, actual) in enumerate(TYPED_LATER):
        r = lay.indicator_row(i) + 1
        for col, text in (("B", level2), ("E", target), ("F", actual)):
            ws[f"{col}{r}"].value = text
            ws[f"{col}{r}"].data_type = "s"
    book.save(path)
    return path


def test_texts_typed_later_are_read_by_the_formulas_never_against_the_engine(recalculated):
    """Targets and actuals changed after xlperf wrote its helper cells: the formulas read them
    themselves; their 判断/得分 is the engine's or left to a person (需人工判断, 得分 blank)."""
    path, _, _, _, values = recalculated["typed"]
    values = values[SHEET]
    edited, lay = _read(path)
    rules = load_rules("national-2020-provincial")
    card = scoring.score(edited, rules)
    wrong, agreed = [], 0
    for i, (level2, target, actual) in enumerate([*TYPED_LATER, ("数量指标", "≥10", "9")]):
        judged = values.get(lay.helper_ref(i, "judged"))
        score = values.get(lay.spot_for(f"indicators[{i}].score").first)
        engine = scoring.row_judgement(edited.indicators[i]).status.value
        item = card.item(scoring.row_id(i))
        if judged != "需人工判断" and judged != engine:
            wrong.append(f"{level2} {target!r}/{actual!r}: formulas {judged!r}, engine {engine!r}")
        if score not in ("", None) and (item.method != "computed" or D(str(score)) != item.points):
            wrong.append(f"{level2} {target!r}/{actual!r}: 得分 {score!r}, engine {item.points} ({item.method})")
        agreed += judged == engine and judged != "需人工判断"
    assert not wrong, "\n".join(wrong)
    assert agreed >= 10, "the formulas read too few of the listed shapes"
    assert values.get(lay.spot_for(f"indicators[{len(TYPED_LATER)}].score").first) == 9  # as built: 9/10 × 10


# ------------------------------------------------------------------------ the function list, rendering, editions


def test_every_formula_uses_listed_functions_and_existing_cells(tmp_path):
    import openpyxl

    from tests.test_native_formulas import _formulas
    from xlperf.forms.guangdong_1_1.layout import parse_a1
    from xlperf.workbook.native import ALLOWED_FUNCTIONS, functions_in, references_in

    books = [workbook.build(tmp_path / "empty.xlsx", None, formulas=True),
             workbook.build(tmp_path / "clean.xlsx", sources.load(CLEAN), formulas=True, rules="national-2020-provincial")]
    bad, checked = [], 0
    for path in books:
        book = openpyxl.load_workbook(path)
        extent = {ws.title: (ws.max_row, ws.max_column) for ws in book.worksheets}
        for sheet, where, formula in _formulas(path):
            checked += 1
            calls = functions_in(formula)
            if calls - ALLOWED_FUNCTIONS:
                bad.append(f"{path.name} {sheet}!{where}: {sorted(calls - ALLOWED_FUNCTIONS)}")
            if "_xlfn" in formula.lower() or formula.startswith("{"):
                bad.append(f"{path.name} {sheet}!{where}: _xlfn or array formula")
            if len(formula) > 8000:
                bad.append(f"{path.name} {sheet}!{where}: {len(formula)} characters (Excel allows 8192)")
            for target, ref in references_in(formula, sheet):
                if target not in extent:
                    bad.append(f"{path.name} {sheet}!{where}: refers to a missing sheet {target}")
                    continue
                r, c = parse_a1(ref)
                if r + 1 > extent[target][0] or c + 1 > extent[target][1]:
                    bad.append(f"{path.name} {sheet}!{where}: refers to {target}!{ref}, outside the sheet's cells")
    assert checked > 1000
    assert not bad, "\n".join(bad[:20])


def test_the_filled_formula_edition_prints_one_page_wide_with_its_scores(tmp_path):
    import subprocess

    from tests.test_render import pages, text

    form = sources.load(CLEAN)
    path = workbook.build(tmp_path / "clean.xlsx", form, formulas=True)
    pdf = recalc.recalculate([path], tmp_path / "pdf", fmt="pdf")[path.resolve()]
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    width, height = (float(x) for x in info.split("Page size:")[1].split("pts")[0].split(" x "))
    assert round(width) == 595 and round(height) == 842, info  # A4 portrait: every page one A4 wide
    assert pages(pdf) == 1
    printed = text(pdf)
    assert "总分" in printed and "自评等级" in printed and "得分" in printed
    assert "总分100.00100.00自评等级优" in printed, printed  # 总分 row: 分值, 得分, 等级 as LibreOffice computes them
    assert "校验汇总" not in printed and "代码" not in printed  # the flags and the summary do not print


def test_new_writes_the_national_formula_edition(tmp_path, capsys):
    from xlperf.cli import main

    assert main(["new", str(tmp_path / "a.xlsx"), "--form", "national", "--edition", "formulas"]) == 0
    assert main(["new", str(tmp_path / "b.xlsx"), "--from", str(CLEAN)]) == 0
    for name in ("a.xlsx", "b.xlsx"):
        meta = dict((r[0], r[1]) for r in read_grids(tmp_path / name, ["_xlperf"])["_xlperf"])
        assert meta["edition"] == "formulas" and meta["layout_version"] == "2"
        with zipfile.ZipFile(tmp_path / name) as z:
            assert not any("vba" in n.lower() for n in z.namelist())
    capsys.readouterr()
    assert main(["new", str(tmp_path / "c.xlsm"), "--form", "national", "--edition", "macro"]) == 2
    assert "暂无启用宏的版本" in capsys.readouterr().err
    assert main(["new", str(tmp_path / "d.xlsm"), "--form", "national"]) == 2
    assert ".xlsx" in capsys.readouterr().err
    assert not (tmp_path / "c.xlsm").exists() and not (tmp_path / "d.xlsm").exists()
    assert main(["new", str(tmp_path / "again.xlsx"), "--from", str(tmp_path / "b.xlsx")]) == 0
    assert sources.load(tmp_path / "again.xlsx") == sources.load(tmp_path / "b.xlsx")
    assert main(["submit", str(tmp_path / "b.xlsx"), "-o", str(tmp_path / "报送.xlsx"), "--allow-errors"]) in (0, 1)
    rows = read_grids(tmp_path / "报送.xlsx", [SHEET])[SHEET]
    assert not any(isinstance(v, Formula) for row in rows for v in row), "the submission copy holds values only"


def test_understanding_rows_is_the_helper_block_the_builder_writes(tmp_path):
    """The block the macro edition's 计算得分 rewrites: where it starts, one row per indicator
    row of the layout, the values the builder wrote."""
    form = sources.load(ROOT / "examples" / "national-zhongjiang-2022.json")
    lay = NationalLayout.for_form(form)
    first, rows = native.understanding_rows(form, lay)
    assert first == "L14" and len(rows) == lay.indicator_rows and all(len(r) == 10 for r in rows)
    grid = read_grids(workbook.build(tmp_path / "z.xlsx", form, formulas=True), [SHEET])[SHEET]
    for i, values in enumerate(rows):
        r = lay.indicator_row(i)
        for k, value in enumerate(values):
            cell = grid[r][11 + k] if 11 + k < len(grid[r]) else None
            assert (cell if cell is not None else "") == (value if value is not None else ""), (i, k)
    assert rows[2][:7] == ["质量指标", "项目(工程)验收合格率", "100%", "100%", "≥", 100.0, 100.0]
    assert rows[-1] == ["", "", "", "", "定性", "", "", "", "", ""]


def test_marking_a_formula_edition_keeps_its_formulas(tmp_path):
    from xlperf.cli import main

    src = workbook.build(tmp_path / "z.xlsx", sources.load(ROOT / "examples" / "national-zhongjiang-2022.json"),
                         formulas=True)
    before = src.read_bytes()
    assert main(["mark", str(src), "-o", str(tmp_path / "marked.xlsx")]) == 1
    assert src.read_bytes() == before
    marked = tmp_path / "marked.xlsx"
    lay = NationalLayout.for_form(sources.load(src))
    assert "funds.total.score" in formula_paths(marked, lay)
    assert sources.load(marked) == sources.load(src)
    listed = read_grids(marked, ["校验结果"])["校验结果"]
    assert [row[0] for row in listed[1:]].count("NAT007") == 2
    plain = workbook.build(tmp_path / "p.xlsx", sources.load(src))
    assert main(["mark", str(plain), "-o", str(tmp_path / "marked-plain.xlsx")]) == 1
    assert formula_paths(tmp_path / "marked-plain.xlsx", lay) == set()


def test_a_rule_set_too_large_for_the_rule_table_is_refused_in_chinese(tmp_path):
    from xlperf.engine.scoring import RuleGrade
    from xlperf.errors import InputError
    from xlperf.forms.national_2020.layout import RULE_TABLE_ROWS

    rules = load_rules("national-2020")
    many = rules.model_copy(update={"grades": [RuleGrade(name=f"第{k}档", min=k) for k in range(RULE_TABLE_ROWS + 1)]})
    with pytest.raises(InputError, match="超过11档"):
        workbook.build(tmp_path / "x.xlsx", None, formulas=True, rules=many)
    assert not (tmp_path / "x.xlsx").exists()
    fits = rules.model_copy(update={"grades": many.grades[:RULE_TABLE_ROWS]})
    assert workbook.build(tmp_path / "y.xlsx", None, formulas=True, rules=fits).is_file()


def test_computed_cells_are_unlocked_and_the_helpers_are_not(tmp_path):
    """A person may type over every computed cell (the sheet is protected without password);
    the formula helpers stay locked, the engine's 方向 may be corrected."""
    import openpyxl

    form = sources.load(CLEAN)
    lay = NationalLayout.for_form(form)
    ws = openpyxl.load_workbook(workbook.build(tmp_path / "c.xlsx", form, formulas=True))[SHEET]
    assert ws.protection.sheet
    for path in lay.computed_paths():
        assert ws[lay.spot_for(path).first].protection.locked is False, path
    assert ws[lay.helper_ref(0, "dir")].protection.locked is False
    for key in ("judged", "frac", "score"):
        assert ws[lay.helper_ref(0, key)].protection.locked is not False, key
