"""The native formulas against the engine (differential test, LibreOffice doing the arithmetic).

Workbooks of both editions are built for the seed, for edge cases of targets, actual values,
funding and scoring entries, and for hypothesis-generated forms; soffice recalculates them
all in as few calls as it can (tests/recalc.py). For each form the recalculated funding
totals, 预算执行率, per-row judgement, every 评分表 row's 分值/得分/方式, the total, the
grade, the raised flags and the 错误数/警告数 of the 校验 summary must equal what the engine
computes for the form read back from the same file. A row the formulas leave to 需人工判断 is a disagreement like any other: the
helper cells carry the engine's reading, so the two must agree exactly.
"""

from __future__ import annotations

import itertools
import os
import warnings
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import recalc
from tests.strategies import self_evaluations
from xlperf.engine import scoring, targets
from xlperf.forms.guangdong_1_1 import layout as L
from xlperf.forms.guangdong_1_1.model import (
    BudgetRow,
    Indicator,
    ScoreEntry,
    SelfEvaluation,
    SpendingRow,
    SubCategory,
    indicator_path,
)
from xlperf.workbook.build import build_workbook
from xlperf.engine.misreadings import accepted_judgement
from xlperf.workbook.native import understood
from xlperf.workbook.read import read_workbook_with_layout

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "shaoguan-2020.json"

HYPOTHESIS_FORMS = int(os.environ.get("XLPERF_NATIVE_FORMS", "200"))
"""Hypothesis-generated forms compared (at least 200 in CI; fewer while developing)."""


# ------------------------------------------------------------------------ forms

TARGET_SHAPES = [
    "≥95%", "95%以上", "95%及以上", "不低于95%", "不少于10", "≤5", "<5", ">0", "=100%", "100%", "0", "10",
    "不高于90万元", "不超过3天", "≤3天", "＞９０％", "≧90%", ">=90%", "<=10", " ≥ 95 % ", "95 %以上",
    "持平或略有增长", "较上年增长5%以上", "下降5%以上", "按时完成", "12月底前", "95%左右", "≥95%以上", "5-10",
    "≥1,000", "≥0", "≤0", "95.5%", "≥95.%", "≥.5", "10个", "≥50个", "≤90万元", "无", "", "1e3", "≥2020",
]
ACTUAL_SHAPES = [
    "99.16%", "95%", "94.9%", "100%", "0", "3", "5", "6", "12", "88", "0.5", "１００％", " 97 % ", "99",
    "大厅办件量增长1.12%，热线增长率117.8%", "增长3%", "下降2%", "98%以上", "≥266米", "按时完成", "无", "",
    "89万元", "120万元", "2天", "4天", "52个", "48个", "100.0%", "96%（48/50）",
]


def _form(rows: dict[str, list[tuple[str, str]]], **extra) -> SelfEvaluation:
    indicators = {
        sub: [Indicator(name=f"{SubCategory[sub].value}{i}", target=t, actual=a) for i, (t, a) in enumerate(pairs)]
        for sub, pairs in rows.items()
    }
    return SelfEvaluation.model_validate({
        "basic": {"project_name": "测试项目", "eval_year": 2020},
        "funding": {
            "budget": [BudgetRow(year=2020, municipal=Decimal("100.00")).model_dump()],
            "spending": [SpendingRow(year=2020, municipal=Decimal("92.35")).model_dump()],
        },
        "indicators": indicators,
        **extra,
    })


def pairs_from_the_tests() -> list[tuple[str | None, str, str, str]]:
    """(sub-category name or None, indicator name, target, actual) of every judgement case in
    the target tests (their parametrize tables), and every target they read, against a few
    actual values."""
    import tests.test_target_classes as classes
    import tests.test_targets as plain

    subs = {**{s.name: s.name for s in SubCategory}, **{s.value: s.name for s in SubCategory}}
    found = []
    for module in (plain, classes):
        for func in vars(module).values():
            for mark in getattr(func, "pytestmark", []):
                if mark.name != "parametrize":
                    continue
                names = [n.strip() for n in mark.args[0].split(",")]
                for values in mark.args[1]:
                    values = getattr(values, "values", values)
                    row = dict(zip(names, values if isinstance(values, (tuple, list)) else [values]))
                    sub = row.get("sub")
                    sub = subs.get(getattr(sub, "name", sub)) if sub is not None else None
                    name = str(row.get("name") or "指标")
                    if isinstance(row.get("target"), str) and isinstance(row.get("actual"), str):
                        found.append((sub, name, row["target"], row["actual"]))
                    elif "text" in row and isinstance(row["text"], str) and "target" in func.__name__:
                        found += [(None, "指标", row["text"], a) for a in ("96%", "5", "增长3%")]
    return found


def edge_forms() -> list[tuple[str, SelfEvaluation]]:
    """Every target shape against actual values, in every sub-category with a bare-number rule,
    plus funding and scoring-entry edge cases."""
    pairs = list(itertools.product(TARGET_SHAPES, ACTUAL_SHAPES))
    subs = ["quantity", "quality", "timeliness", "cost", "economic", "satisfaction"]
    forms = []
    per_form = 60
    for k in range(0, len(pairs), per_form):
        chunk = pairs[k:k + per_form]
        rows = {sub: chunk[j::len(subs)] for j, sub in enumerate(subs)}
        forms.append((f"edge{k // per_form}", _form(rows)))
    cases = pairs_from_the_tests()
    cycle = itertools.cycle([s.name for s in SubCategory])
    for k in range(0, len(cases), per_form):
        rows: dict[str, list[Indicator]] = {}
        for sub, name, target, actual in cases[k:k + per_form]:
            rows.setdefault(sub or next(cycle), []).append(Indicator(name=name, target=target, actual=actual))
        ev = _form({})
        forms.append((f"tests{k // per_form}", ev.model_copy(update={"indicators": ev.indicators.model_validate(rows)})))
    funding_cases = [
        {"budget": [], "spending": []},
        {"budget": [{"year": 2020, "municipal": "0"}], "spending": [{"year": 2020, "municipal": "5"}]},
        {"budget": [{"year": 2019, "municipal": "50"}, {"year": 2020}], "spending": [{"year": 2020, "municipal": "60"}]},
        {"budget": [{"year": 2019, "municipal": "50"}, {"municipal": "30.5", "central_provincial": "0.01"}],
         "spending": [{"year": 2018, "transfer_county": "99999999.99"}]},
        {"budget": [{"year": 2020, "municipal": "33.33"}, {"year": 2020, "transfer_county": "66.67"}],
         "spending": [{"year": 2020, "municipal": "12.34"}, {"year": 2021, "municipal": "1"}]},
    ]
    for k, f in enumerate(funding_cases):
        ev = _form({"quality": [("≥95%", "96%")]})
        forms.append((f"funding{k}", ev.model_copy(update={"funding": ev.funding.model_validate(f)})))
    entries = [
        ScoreEntry(item="indicators.cost[0]", tier="部分达成"),
        ScoreEntry(item="indicators.quality[0]", tier="达成", points=Decimal("3")),
        ScoreEntry(item="indicators.quality[1]", points=Decimal("99")),
        ScoreEntry(item="indicators.quality[2]", tier="达成", points=Decimal("-1")),
        ScoreEntry(item="exec_rate", tier="达成", points=Decimal("5")),
        ScoreEntry(item="decision", tier="未达成", points=Decimal("2.5")),
        ScoreEntry(item="goal_setting", tier="部分达成"),
        ScoreEntry(item="cost_control", points=Decimal("4.44")),
        ScoreEntry(item="effectiveness", tier="达成"),
    ]
    rows = {"quality": [("按时完成", "按时完成"), ("≥95%", "按期"), ("≥95%", "良好")], "cost": [("≤5", "按预算")],
            "satisfaction": [("≥90%", "80%")]}
    for rules in ("national-2020", "guangdong-municipal"):
        forms.append((f"entries-{rules}", _form(rows, scoring={"rules": rules, "entries": [e.model_dump() for e in entries]})))
    forms.append(("none", _form({sub.name: [] for sub in SubCategory})))
    forms.append(("all-none", SelfEvaluation.model_validate({"indicators": {s.name: "无" for s in SubCategory}})))
    gap = _form({"quantity": [("", ""), ("≥3", "4")], "quality": [("无", "无")]})
    forms.append(("gap", gap))
    return forms + weighted_forms()


def _weighted(rows: dict[str, list[tuple[str, str, str | None]]], **extra) -> SelfEvaluation:
    """A form whose indicator rows carry 分值: {sub: [(target, actual, weight or None), ...]}."""
    ev = _form({sub: [(t, a) for t, a, _ in triples] for sub, triples in rows.items()}, **extra)
    data = ev.model_dump(mode="json")
    for sub, triples in rows.items():
        for row, (_, _, w) in zip(data["indicators"][sub], triples):
            if w is not None:
                row["weight"] = w
    return SelfEvaluation.model_validate(data)


def weighted_forms() -> list[tuple[str, SelfEvaluation]]:
    """Per-indicator 分值 as `scoring.row_shares` takes them: some rows weighted, all weighted
    adding up to the item's points, adding up to more (scaled down) or less (proportions,
    scaled up), a 分值 of 0, 分值 with decimals (two, and three taken to the cent), rows of
    an empty category rescaled, and a rule set that scores indicators as a whole (分值 unread)."""
    q, m, s = ("≥10", "12", None), ("≥10", "9", None), ("≥90%", "95%", None)

    def w(row, weight):
        return (*row[:2], weight)

    cases = {
        "some": {"quantity": [w(q, "20"), m, q], "quality": [m], "satisfaction": [s]},
        "all": {"quantity": [w(q, "20"), w(m, "15")], "cost": [w(("≤5", "6", None), "15")],
                "social": [w(q, "18"), w(m, "12")], "satisfaction": [w(s, "10")]},
        "over": {"quantity": [w(q, "40"), w(m, "30"), m], "satisfaction": [s], "economic": [w(m, "35")]},
        "proportions": {"quantity": [w(q, "2"), w(m, "1"), w(q, "1")], "satisfaction": [w(("≥90%", "85%", None), "3")]},
        "zero": {"quantity": [w(q, "0"), m, w(q, "0")], "quality": [w(m, "0")], "satisfaction": [w(s, "0")]},
        "decimals": {"quantity": [w(q, "12.35"), w(m, "7.77"), q], "timeliness": [w(m, "0.01")],
                     "cost": [w(("≤5", "6", None), "0.125")], "satisfaction": [w(("≥90%", "85%", None), "3.33")]},
        "thirds": {"quantity": [w(m, "10"), m, m, m], "quality": [w(m, "10.01"), m], "social": [w(m, "7"), m, m],
                   "satisfaction": [m, w(m, "3.333"), m]},
        "whole-left": {"quantity": [w(q, "50"), m, m], "satisfaction": [s]},
    }
    forms = [(f"weights-{name}", _weighted(rows)) for name, rows in cases.items()]
    forms.append(("weights-municipal", _weighted(cases["some"], scoring={"rules": "guangdong-municipal"})))
    return forms


_numbers = st.one_of(st.integers(0, 200).map(str), st.decimals(0, 200, places=1).map(str),
                     st.decimals(0, 1, places=2).map(str))
_targets = st.one_of(
    st.sampled_from(TARGET_SHAPES),
    st.builds(lambda pre, n, unit, suf: f"{pre}{n}{unit}{suf}",
              st.sampled_from(["", "≥", "≤", ">", "<", "=", "不低于", "不高于", "不少于", "不超过", ">="]),
              _numbers, st.sampled_from(["", "%", "%", "个", "天"]), st.sampled_from(["", "", "以上", "以下", "及以上"])),
)
_actuals = st.one_of(st.sampled_from(ACTUAL_SHAPES),
                     st.builds(lambda n, unit: f"{n}{unit}", _numbers, st.sampled_from(["", "%", "%", "个", "天"])))
_weights = st.one_of(st.none(), st.none(), st.decimals(0, 60, places=2), st.sampled_from([Decimal(0), Decimal(10), Decimal(50)]))
"""An indicator row's 分值: mostly none; any number of cents up to 60; 0; round numbers."""
_rows = st.lists(st.builds(Indicator, name=st.sampled_from(["指标", "无", "", "达标率"]), target=_targets,
                           actual=_actuals, explanation=st.sampled_from(["", "原因"]), weight=_weights), max_size=3)
_entry_items = ["exec_rate", "output", "benefit", "decision", "cost_control", "effectiveness",
                *(indicator_path(s, i) for s in SubCategory for i in range(3))]
_entries = st.lists(st.builds(ScoreEntry, item=st.sampled_from(_entry_items),
                              tier=st.none() | st.sampled_from(["达成", "部分达成", "未达成"]),
                              points=st.none() | st.decimals(-1, 40, places=2)), max_size=6,
                    unique_by=lambda e: e.item)


@st.composite
def realistic_forms(draw):
    ev = draw(self_evaluations())
    rows = {s.name: draw(st.just("无") | _rows) if draw(st.booleans()) else getattr(ev.indicators, s.name)
            for s in SubCategory}
    entries = draw(_entries)
    return ev.model_copy(update={
        "indicators": ev.indicators.model_validate(rows),
        "scoring": ev.scoring.model_validate({"rules": ev.scoring.rules, "entries": [e.model_dump() for e in entries]}),
    })


def hypothesis_forms(n: int) -> list[SelfEvaluation]:
    found: list[SelfEvaluation] = []

    @settings(max_examples=n, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(realistic_forms())
    def collect(ev):
        found.append(ev)

    collect()
    return found


# ------------------------------------------------------------------------ one LibreOffice run


@dataclass
class Built:
    name: str
    path: Path
    edition: str


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory):
    """{name: (built, read-back form, layout, recalculated values)} for every form, both editions."""
    folder = tmp_path_factory.mktemp("native")
    forms = [("seed", SelfEvaluation.from_json(EXAMPLE.read_text(encoding="utf-8"))), *edge_forms()]
    forms += [(f"hyp{k}", ev) for k, ev in enumerate(hypothesis_forms(HYPOTHESIS_FORMS))]
    built: list[Built] = []
    small = L.Layout.for_capacity(budget_rows=1, purpose_rows=1, indicator_rows=1)
    from xlperf.workbook.editions import vba_project

    out, running, batch = {}, None, []
    for k, (name, ev) in enumerate(forms):
        hyp = name.startswith("hyp")
        editions = ("formulas", "macro") if name == "seed" or name.startswith(("entries", "weights-")) else \
            (("formulas",) if k % 2 else ("macro",))
        for edition in editions:
            path = folder / f"{name}-{edition}{'.xlsx' if edition == 'formulas' else '.xlsm'}"
            build_workbook(path, ev, mode=edition, vba=vba_project() if edition == "macro" else None,
                           layout=small if hyp else None)
            built.append(Built(name, path, edition))
            batch.append(path)
        if len(batch) >= 40 or k == len(forms) - 1:
            if running is not None:
                out.update(running.result())
            running, batch = recalc.Running(batch, folder / "out"), []
    out.update(running.result())
    found = {}
    for b in built:
        ev, lay = read_workbook_with_layout(b.path)
        found[b.path.name] = (b, ev, lay, recalc.values(out[b.path.resolve()], [L.FORM, L.SCORE, L.REPORT]))
    return found


# ------------------------------------------------------------------------ comparisons


def _num(value) -> Decimal | None:
    if value is None or value == "":
        return None
    return Decimal(str(value))


def _close(a, b) -> bool:
    """Equal to a double's precision (the spreadsheet computes in doubles, the engine in Decimal)."""
    if a is None or b is None:
        return a is None and b is None
    a, b = Decimal(str(a)), Decimal(str(b))
    return abs(a - b) <= Decimal("1e-12") * max(Decimal(1), abs(b))


def disagreements(ev: SelfEvaluation, lay: L.Layout, values: dict) -> list[str]:
    """Where LibreOffice's recalculated workbook and the engine differ, in words."""
    form, score = values[L.FORM], values[L.SCORE]
    at = lambda sheet, cell: sheet.get(cell.area.first)  # noqa: E731
    found: list[str] = []
    for block, rows in (("budget", ev.funding.budget), ("spending", ev.funding.spending)):
        for i in range(lay.capacity.budget_rows):
            cell = lay.cell_for(f"funding.{block}[{i}].total")
            want = rows[i].parts_total() if i < len(rows) else None
            if not _close(_num(at(form, cell)), want):
                found.append(f"{block}[{i}] 资金合计 {at(form, cell)!r} != {want}")
    from xlperf.forms.guangdong_1_1 import funding

    ex = funding.execution(ev)
    for path, want in (("funding.year_budget", ex.budget), ("funding.year_spent", ex.spent)):
        got = at(form, lay.cell_for(path))
        if not _close(_num(got), want):
            found.append(f"{path} {got!r} != {want}")
    rate = at(form, lay.cell_for("funding.exec_rate"))
    want_rate = ex.rate if isinstance(ex.rate, Decimal) else None
    if not _close(_num(rate), want_rate):
        found.append(f"预算执行率 {rate!r} != {want_rate}")
    judges = {c.args[0]: c for c in lay.sheet(L.FORM).cells if c.calc == "judge"}
    real = {indicator_path(sub, i): (sub, row) for sub, i, row in ev.indicators.each()}
    for path, cell in judges.items():
        got = at(form, cell) or ""
        sub, row = real.get(path, (None, None))
        want = accepted_judgement(row.name, row.formula, row.target, row.actual, sub).status.value if row is not None else ""
        if got != want:
            seen = "" if row is None else (f"（预期值“{row.target}”，实现值“{row.actual}”，"
                                           f"{understood(row.actual, row.target, sub, row.name)}）")
            found.append(f"{path} 判断 {got!r} != {want!r}{seen}")
    card = scoring.score(ev, scoring.load_rules(lay.rules or None))
    items = {i.id: i for i in card.items}
    cells = {c.path: c for c in lay.sheet(L.SCORE).cells if c.path}
    for row in lay.score_rows:
        item = items.get(row.id)
        got_avail = _num(at(score, cells[L.score_path(row.id, "available")]))
        got_score = _num(at(score, cells[L.score_path(row.id, "score")]))
        got_method = at(score, cells[L.score_path(row.id, "method")]) or ""
        if item is None:
            want_avail = want_score = None
            want_method = "按指标计分" if row.kind == "category" and any(
                r.id in items for r in lay.score_rows if r.kind == "slot" and r.group == row.group) else ""
        else:
            want_avail, want_score = item.available, item.points
            want_method = {"dropped": "不适用", "pending": "待人工评分"}.get(
                item.status, "自动计算" if item.method == "computed" else "人工评分")
        if got_avail != want_avail or got_score != want_score or got_method != want_method:
            found.append(f"评分表 {row.id}: 分值/得分/方式 {got_avail}/{got_score}/{got_method} != "
                         f"{want_avail}/{want_score}/{want_method}")
    total = _num(score.get(lay.cell_for("scoring.total").area.first))
    grade = score.get(lay.cell_for("scoring.grade").area.first)
    if total != card.total or grade != card.grade:
        found.append(f"总分/等级 {total}/{grade} != {card.total}/{card.grade}")
    from xlperf.engine.checks import run_checks
    from xlperf.workbook import flags

    engine = [f for f in run_checks(ev, card, lay.cell_of) if f.code in flags.DECIDED]
    got, want = sorted(flags.raised(values, lay)), sorted((f.code, f.cell) for f in engine)
    if got != want:
        found.append(f"校验标记：多出 {sorted(set(got) - set(want))}，缺少 {sorted(set(want) - set(got))}")
    shown = flags.summary(values, lay)
    counts = (sum(f.severity == "error" for f in engine), sum(f.severity == "warning" for f in engine))
    if (shown["错误数"], shown["警告数"]) != counts:
        found.append(f"错误数/警告数 {shown['错误数']}/{shown['警告数']} != {counts[0]}/{counts[1]}")
    return found


def test_the_recalculated_workbooks_agree_with_the_engine(recalculated):
    problems = {}
    for name, (b, ev, lay, values) in recalculated.items():
        found = disagreements(ev, lay, values)
        if found:
            problems[name] = found
    shown = "\n".join(f"{name}: {p}" for name, found in list(problems.items())[:10] for p in found[:6])
    assert not problems, f"{len(problems)} of {len(recalculated)} workbooks disagree:\n{shown}"


def test_the_grade_words_are_the_engines():
    assert (L.PENDING_GRADE, L.UNSCORABLE_GRADE) == (scoring.PENDING_GRADE, scoring.UNSCORABLE_GRADE)


def test_both_editions_and_enough_forms_were_compared(recalculated):
    editions = {b.edition for b, *_ in recalculated.values()}
    assert editions == {"macro", "formulas"}
    hyp = {b.name for b, *_ in recalculated.values() if b.name.startswith("hyp")}
    assert len(hyp) >= 200
    weighted = {b.name for b, ev, *_ in recalculated.values()
                if any(row.weight is not None for _, _, row in ev.indicators.each())}
    assert {name for name, _ in weighted_forms()} <= weighted
    assert len(weighted & hyp) >= 50
    assert {b.edition for b, *_ in recalculated.values() if b.name.startswith("weights-")} == {"macro", "formulas"}


def test_no_error_value_in_any_printed_cell(recalculated):
    for name, (b, ev, lay, values) in recalculated.items():
        for sheet in (L.FORM, L.SCORE):
            area = lay.sheet(sheet).print_area
            for ref, value in values[sheet].items():
                from xlperf.forms.guangdong_1_1.layout import parse_a1

                r, c = parse_a1(ref)
                inside = area.row <= r <= area.last_row and area.col <= c <= area.last_col
                if isinstance(value, str) and value.startswith("#") and (inside or c < 14):
                    pytest.fail(f"{name} {sheet}!{ref} shows {value}")


def test_native_parsing_of_targets_typed_later(tmp_path):
    """Targets typed after xlperf wrote the helper cells are read by the formulas alone: the
    listed shapes give the engine's verdict, anything else 需人工判断, never a contradiction."""
    cases = [
        ("quality", "≥95%", "96%", "已完成"), ("quality", "95%以上", "94%", "未完成"),
        ("quality", "95%及以上", "95%", "已完成"), ("quality", "不低于９５％", "95.5%", "已完成"),
        ("quantity", "不少于10", "9", "未完成"), ("cost", "不高于90", "91", "未完成"),
        ("cost", "不超过90", "90", "已完成"), ("quantity", "＞5", "5", "未完成"), ("quantity", "<5", "4", "已完成"),
        ("quality", "=100%", "100%", "已完成"), ("quantity", "10以下", "11", "未完成"),
        ("quantity", "12", "12", "已完成"), ("cost", "12", "13", "未完成"), ("timeliness", "95%", "96%", "已完成"),
        ("timeliness", "3", "2", "需人工判断"), ("economic", "5", "6", "已完成"), ("quantity", "0", "0", "需人工判断"),
        ("cost", "5%", "4%", "需人工判断"), ("social", "80%", "70%", "未完成"),
        ("quality", "≥95%", "96", "需人工判断"), ("quality", "约95%", "96%", "需人工判断"),
        ("quality", "≥95%以上", "96%", "需人工判断"), ("quality", ">= 95 %", " 96 % ", "已完成"),
    ]
    stale = [("持平或略有增长", "大厅办件量增长1.12%"), ("95%以上", "99.16%"), ("持平或略有增长", "增长3%")]
    ev = _form({"environmental": stale})
    path = tmp_path / "typed.xlsx"
    used: dict[str, int] = {}
    for sub, *_ in cases:
        used[sub] = used.get(sub, 0) + 1
    lay = L.Layout.for_capacity(indicator_rows=max(max(used.values()), len(stale)))
    build_workbook(path, ev, mode="formulas", layout=lay)
    import openpyxl

    book = openpyxl.load_workbook(path)
    ws = book[L.FORM]

    def put(cell: str, text: str) -> None:
        ws[cell].value = text
        ws[cell].data_type = "s"  # typed text, even "=100%"

    placed = []
    used = {}
    for sub, target, actual, want in cases:
        i = used.get(sub, 0)
        used[sub] = i + 1
        row = lay.cell_for(indicator_path(SubCategory[sub], i, "target")).area.row + 1
        for col, text in (("E", "指标"), ("G", target), ("H", actual)):
            put(f"{col}{row}", text)
        placed.append((row, sub, target, actual, want))
    # Rows whose helper cells hold the engine's reading: edited ones are read afresh, the other is kept.
    env = [lay.cell_for(indicator_path(SubCategory.environmental, i, "target")).area.row + 1 for i in range(3)]
    put(f"H{env[0]}", "下降2%")
    put(f"G{env[1]}", "≥99.5%")
    book.save(path)
    got = recalc.recalc_values([path], tmp_path / "out", [L.FORM])[path.resolve()][L.FORM]
    wrong = []
    stale_got = [got.get(f"K{row}") for row in env]
    if stale_got != ["需人工判断", "未完成", "已完成"]:
        wrong.append(f"helper cells used on edited text or lost on kept text: {stale_got}")
    for row, sub, target, actual, want in placed:
        engine = targets.judge(actual, target, SubCategory[sub], "指标").status.value
        value = got.get(f"K{row}")
        if value != want:
            wrong.append(f"{sub} {target!r}/{actual!r}: {value!r} != {want!r}")
        if value != "需人工判断" and value != engine:
            wrong.append(f"{sub} {target!r}/{actual!r}: formulas say {value!r}, the engine {engine!r}")
    assert not wrong, "\n".join(wrong)


# ------------------------------------------------------------------------ the function list


def _formulas(path: Path):
    """(sheet, cell, formula) of every formula in a workbook: cells, validations, conditional formats."""
    import openpyxl

    book = openpyxl.load_workbook(path)
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    yield ws.title, cell.coordinate, str(cell.value)
        for dv in ws.data_validations.dataValidation:
            for f in (dv.formula1, dv.formula2):
                if f and dv.type == "custom":
                    yield ws.title, str(dv.sqref), f
        for rng, rules in ws.conditional_formatting._cf_rules.items():
            for rule in rules:
                for f in rule.formula or ():
                    yield ws.title, str(rng.sqref), f
    return book


def test_every_formula_uses_listed_functions_and_existing_cells(tmp_path):
    import re

    import openpyxl

    from xlperf.workbook.editions import vba_project
    from xlperf.workbook.native import ALLOWED_FUNCTIONS, functions_in, references_in

    doc = (ROOT / "docs" / "native-formulas.md").read_text(encoding="utf-8")
    listed = set()
    for line in doc.splitlines():
        if line.startswith("| ") and not line.startswith("| 函数") and "|" in line[2:]:
            listed |= set(re.findall(r"\b[A-Z][A-Z0-9]+\b", line.split("|")[1]))
    assert listed == ALLOWED_FUNCTIONS, "docs/native-formulas.md and native.ALLOWED_FUNCTIONS differ"

    seed = SelfEvaluation.from_json(EXAMPLE.read_text(encoding="utf-8"))
    books = []
    for edition in ("formulas", "macro"):
        for name, ev, rules in (("empty", None, None), ("seed", seed, None), ("gd", seed, "guangdong-municipal")):
            path = tmp_path / f"{name}-{edition}{'.xlsx' if edition == 'formulas' else '.xlsm'}"
            build_workbook(path, ev, rules=rules, mode=edition, vba=vba_project() if edition == "macro" else None,
                           layout=L.Layout.for_capacity(indicator_rows=4, budget_rows=2))
            books.append((edition, path))
    bad, checked = [], 0
    for edition, path in books:
        book = openpyxl.load_workbook(path)
        extent = {ws.title: (ws.max_row, ws.max_column) for ws in book.worksheets}
        for sheet, where, formula in _formulas(path):
            checked += 1
            calls = functions_in(formula)
            perf = {f for f in calls if f.startswith("PERF_")}
            if perf and (edition == "formulas" or sheet != L.SCORE):
                bad.append(f"{path.name} {sheet}!{where}: {sorted(perf)} outside the macro edition's trial column")
            if calls - ALLOWED_FUNCTIONS - perf:
                bad.append(f"{path.name} {sheet}!{where}: {sorted(calls - ALLOWED_FUNCTIONS - perf)}")
            if "_xlfn" in formula.lower():
                bad.append(f"{path.name} {sheet}!{where}: _xlfn function")
            for target, ref in references_in(formula, sheet):
                if target not in extent:
                    bad.append(f"{path.name} {sheet}!{where}: refers to a missing sheet {target}")
                    continue
                r, c = L.parse_a1(ref)
                if r + 1 > extent[target][0] or c + 1 > extent[target][1]:
                    bad.append(f"{path.name} {sheet}!{where}: refers to {target}!{ref}, outside the sheet's cells")
    assert checked > 1000
    assert not bad, "\n".join(bad[:20])


def test_the_formulas_edition_has_no_macro_layer(tmp_path):
    import zipfile

    from xlperf.workbook.editions import new_workbook

    out = new_workbook(tmp_path / "表.xlsx", source=EXAMPLE, edition="formulas")
    with zipfile.ZipFile(out) as z:
        names = z.namelist()
        text = "".join(z.read(n).decode("utf-8", "replace") for n in names if n.endswith(".xml"))
    assert not any("vba" in n.lower() for n in names)
    assert "PERF_" not in text and "xlwings" not in text
    ev, lay = read_workbook_with_layout(out)
    assert ev == SelfEvaluation.from_json(EXAMPLE.read_text(encoding="utf-8"))
    assert lay.version == L.LAYOUT_VERSION
    from xlperf.files.xlsx_grid import OpenWorkbook

    with OpenWorkbook(out) as book:
        assert L.CONF not in book.sheet_names


def test_every_command_reads_both_editions_like_the_data(tmp_path, capsys):
    import json

    from xlperf.cli import main
    from xlperf.outputs.review import review
    from xlperf.workbook.editions import new_workbook

    books = [new_workbook(tmp_path / "表.xlsx", source=EXAMPLE, edition="formulas"),
             new_workbook(tmp_path / "表.xlsm", source=EXAMPLE)]

    def checked(path) -> dict:
        capsys.readouterr()
        main(["check", str(path), "--json"])
        return json.loads(capsys.readouterr().out)

    want = checked(EXAMPLE)
    for book in books:
        got = checked(book)
        assert got["score"] == want["score"] and [f["code"] for f in got["findings"]] == \
            [f["code"] for f in want["findings"]], book.name
        assert main(["score", str(book)]) == 0
        assert main(["export", str(book), "-o", str(tmp_path / f"{book.stem}{book.suffix}.docx")]) == 0
        assert main(["submit", str(book), "-o", str(tmp_path / f"报送{book.suffix}.xlsx")]) == 0
    result = review(books, tmp_path / "汇总.xlsx")
    assert [f.score for f in result.forms] == [Decimal(str(want["score"]["total"]))] * 2


def test_an_edition_with_the_wrong_suffix_is_refused_in_chinese(tmp_path, capsys):
    from xlperf.cli import main

    assert main(["new", str(tmp_path / "表.xlsm"), "--edition", "formulas"]) == 2
    assert "只用公式、不含宏的工作簿应保存为 .xlsx 文件" in capsys.readouterr().err
    assert main(["new", str(tmp_path / "表.xlsx")]) == 2
    assert "启用宏的工作簿应保存为 .xlsm 文件" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


def test_an_actual_the_reviewer_objects_to_is_left_to_a_person_by_the_formulas(tmp_path):
    """A 995.9% satisfaction (IND021) is never 已完成 on the sheet, as in the engine's report."""
    ev = SelfEvaluation.from_json(EXAMPLE.read_text(encoding="utf-8"))
    ev.indicators.satisfaction[0].actual = "995.9%"
    path = tmp_path / "impossible.xlsx"
    build_workbook(path, ev, mode="formulas")
    lay = read_workbook_with_layout(path)[1]
    cell = next(c for c in lay.sheet(L.FORM).cells if c.calc == "judge" and c.args[0] == "indicators.satisfaction[0]")
    got = recalc.recalc_values([path], tmp_path / "out", [L.FORM])[path.resolve()][L.FORM]
    assert got.get(cell.area.first) == "需人工判断"
