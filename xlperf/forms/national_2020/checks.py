"""The checks of the national 项目支出绩效自评表 (codes NAT001–NAT049, and the engine's IND012).

`run_checks` sets what the form states (each row's 得分, the 执行率 and its 得分, the 总分,
the 自评等级, the 分值 column, the 项目资金 rows) against what its own numbers and the rule
set give, and returns `Finding`s in form order, each with a Chinese message that names the
row and the cell in the words of the form. An error must be fixed before the form is
submitted; a warning is something a reviewer will ask about.

Pure Python: no workbook, no file, no Excel.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from decimal import Decimal

from xlperf.engine import targets
from xlperf.engine.checks import CATALOGUE as ENGINE_CATALOGUE
from xlperf.engine.checks import (
    CheckInfo,
    Finding,
    _catalogue,
    _Findings,
    _goal_copied,
    _is_none_word,
    _money,
    _order_key,
    claims_done,
    grade_key,
)
from xlperf.engine.formulas import format_number, format_percent, sum_filled
from xlperf.engine.scoring import RuleSet, Scorecard, cap_total
from xlperf.forms.national_2020 import scoring
from xlperf.forms.national_2020.model import STROKES, FundRow, IndicatorRow, NationalForm

Locate = Callable[[str], "str | None"]

TOLERANCE = Decimal("0.01")
"""A stated 得分 or 总分 this close to the computed one agrees (the issue's 0.01)."""

BUDGET_CHANGE = Decimal("0.2")
"""A 全年预算数 that differs from the 年初预算数 by this share or more wants an explanation."""


CATALOGUE: dict[str, CheckInfo] = _catalogue(
    ("NAT001", "error", "必填项未填写"),
    ("NAT002", "error", "指标得分与按分值计算的得分不符"),
    ("NAT003", "error", "执行率与全年执行数/全年预算数不符"),
    ("NAT004", "error", "预算执行率得分与计算不符"),
    ("NAT005", "error", "总分与各项得分之和不符"),
    ("NAT006", "error", "分值合计不等于总分"),
    ("NAT007", "error", "一级指标的分值与规定不符"),
    ("NAT008", "error", "得分超过分值"),
    ("NAT009", "error", "年度资金总额与其中各项之和不符"),
    ("NAT010", "error", "全年执行数超过全年预算数"),
    ("NAT011", "warning", "年初预算与全年预算相差较大且未说明"),
    ("NAT012", "error", "偏差原因未写明"),
    ("NAT013", "error", "自评等级与总分不符"),
    ("NAT014", "warning", "指标偏离：实际完成值大幅超过年度指标值"),
    ("NAT015", "error", "指标分值未填写"),
    ("NAT016", "error", "指标的一级指标无法识别"),
    ("NAT017", "error", "年度指标值或实际完成值未填写"),
    ("NAT018", "warning", "有待评分人给分的指标"),
    ("NAT019", "error", "总分超过执行率封顶的最高分"),
    ("NAT020", "error", "得分未填写"),
    ("NAT021", "error", "总分未填写"),
    ("NAT022", "warning", "预期目标未写明"),
    ("NAT023", "warning", "实际完成情况未写明"),
)

_USED: dict[str, CheckInfo] = {**CATALOGUE, "IND012": ENGINE_CATALOGUE["IND012"]}
"""The codes these checks emit: their own, and the engine's IND012 (an actual that is a target)."""

_REQUIRED = (
    ("project_name", "项目名称", "请按预算批复填写项目全称"),
    ("department", "主管部门", "请填写项目的主管部门"),
    ("implementer", "实施单位", "请填写项目的实施单位"),
)
_FUND_ROWS = (("total", "年度资金总额"), ("appropriation", "其中：当年财政拨款"), ("carryover", "上年结转资金"), ("other", "其他资金"))
_COLUMNS = (("initial", "年初预算数"), ("budget", "全年预算数"), ("executed", "全年执行数"))


def run_checks(form: NationalForm, card: Scorecard, rules: RuleSet, locate: Locate | None = None) -> list[Finding]:
    """Every finding for a national form, in form order; `locate(field)` gives each its cell."""
    found = _Findings(_USED)
    _required(form, found)
    _goals(form, found)
    _funds(form, found)
    _execution(form, card, rules, found)
    _rows(form, card, rules, found)
    _points(form, rules, found)
    _total(form, card, rules, found)
    ordered = sorted(found.items, key=lambda f: _order_key(f.field, NationalForm))
    if locate is not None:
        ordered = [f.model_copy(update={"cell": locate(f.field)}) for f in ordered]
    return ordered


def row_label(index: int, row: IndicatorRow) -> str:
    """A row as a person finds it on the form: 第3行指标“项目验收合格率”."""
    name = row.name.strip()
    return f"第{index + 1}行指标“{name}”" if name else f"第{index + 1}行指标"


def _pts(value: Decimal) -> str:
    return f"{format_number(value)}分"


# --------------------------------------------------------------------------- header and funds


def _required(form: NationalForm, found: _Findings) -> None:
    for field, label, hint in _REQUIRED:
        if not str(getattr(form, field)).strip():
            found.add("NAT001", field, f"{label}未填写：{hint}。")


_HINT = re.compile(r"\d+\s*字以内|^对照年度目标|^请(?:填写|说明)")
"""The template's own prompt left in the box (“对照年度目标,说明相关任务目标的完成情况(100字以内)”)."""
_ONLY_NUMBER = re.compile(r"^[\d.,，\s]*(?:万元|元|%)?$")


def _goals(form: NationalForm, found: _Findings) -> None:
    """年度总体目标: what was to be done, and what was done, each in words of its own."""
    expected, actual = form.goals.expected.strip(), form.goals.actual.strip()
    if not expected or _dash(expected) or _ONLY_NUMBER.match(expected) or _HINT.search(expected):
        shown = "未填写" if not expected else f"只写了“{expected}”"
        found.add("NAT022", "goals.expected",
                  f"年度总体目标的预期目标{shown}：请写明本年度要完成的任务和要达到的效果（可引用绩效指标的年度指标值）。")
    if not actual or _dash(actual) or _ONLY_NUMBER.match(actual):
        why = "未填写" if not actual else f"只写了“{actual}”"
    elif _HINT.search(actual):
        why = f"还是表式的填写提示“{actual}”"
    elif claims_done(actual):
        why = f"只写了“{actual}”，没有说完成了什么"
    elif expected and _goal_copied(expected, actual):
        why = "与预期目标几乎一字不差"
    else:
        return
    found.add("NAT023", "goals.actual",
              f"年度总体目标的实际完成情况{why}：请写明本年度实际做成了什么（可引用绩效指标的实际完成值），未完成的也要写明。")


def _funds(form: NationalForm, found: _Findings) -> None:
    funds = form.funds
    for col, col_label in _COLUMNS:
        parts = [getattr(p, col) for p in funds.parts()]
        whole = sum_filled(parts)
        if whole is None:
            continue
        stated = getattr(funds.total, col)
        if stated is None or stated != whole:
            shown = "未填写" if stated is None else f"填了{_money(stated)}万元"
            found.add(
                "NAT009", f"funds.total.{col}",
                f"年度资金总额的{col_label}{shown}，而其中当年财政拨款、上年结转资金、其他资金之和为{_money(whole)}万元："
                f"请改为{_money(whole)}万元，或核对其中各项。",
            )
    for name, label in _FUND_ROWS:
        row: FundRow = getattr(funds, name)
        if row.budget is not None and row.executed is not None and row.executed > row.budget:
            found.add(
                "NAT010", f"funds.{name}.executed",
                f"{label}的全年执行数{_money(row.executed)}万元超过全年预算数{_money(row.budget)}万元："
                "执行数不能超过调整后的全年预算，请核对两数。",
            )
    initial = funds.total.initial if funds.total.initial else sum_filled(p.initial for p in funds.parts())
    budget = funds.total.budget if funds.total.budget else sum_filled(p.budget for p in funds.parts())
    if initial is not None and initial == 0 and budget and budget > 0 and not funds.change_note.strip():
        found.add(
            "NAT011", "funds.total.budget",
            f"年初预算数为0，全年预算数{_money(budget)}万元全部是年中追加的，没有说明预算调整的原因："
            "请在预算调整说明中写明追加的理由。",
        )
    if initial and budget is not None and initial > 0 and not funds.change_note.strip():
        change = (budget - initial) / initial
        if abs(change) >= BUDGET_CHANGE:
            word = "增加" if change > 0 else "减少"
            found.add(
                "NAT011", "funds.total.budget",
                f"全年预算数{_money(budget)}万元比年初预算数{_money(initial)}万元{word}{format_percent(abs(change))}，"
                "没有说明预算调整的原因：请在预算调整说明中写明追加或调减的理由。",
            )


def _execution(form: NationalForm, card: Scorecard, rules: RuleSet, found: _Findings) -> None:
    ex = scoring.execution(form)
    total = form.funds.total
    how = "（年度资金总额一行未填预算，按其中各项之和计算）" if ex.from_parts else ""
    if total.rate is not None and ex.rate is not None and not _rate_agrees(total.rate, ex.rate):
        found.add(
            "NAT003", "funds.total.rate",
            f"执行率填了{format_number(total.rate)}%，按全年执行数{_money(ex.executed)}万元 ÷ 全年预算数"
            f"{_money(ex.budget)}万元计算应为{format_percent(ex.rate)}{how}：请改正执行率。",
        )
    item = card.item(scoring.EXEC_ID)
    if total.score is None and item is not None and item.method == "computed":
        found.add(
            "NAT020", "funds.total.score",
            f"预算执行率的得分未填写：按分值{_pts(item.available)} × 执行率{format_percent(min(ex.rate, Decimal(1)))}"
            f"计算应为{_pts(item.points)}{how}，请填写。",
        )
    if total.score is not None and item is not None and item.method == "computed":
        if abs(total.score - item.points) > TOLERANCE:
            found.add(
                "NAT004", "funds.total.score",
                f"预算执行率的得分填了{_pts(total.score)}，按分值{_pts(item.available)} × 执行率"
                f"{format_percent(min(ex.rate, Decimal(1)))}计算应为{_pts(item.points)}{how}：请改正得分。",
            )
    if total.score is not None and item is not None and total.score > item.available:
        found.add("NAT008", "funds.total.score", f"预算执行率的得分{_pts(total.score)}超过其分值{_pts(item.available)}：得分最高为分值。")


def _dash(text: str) -> bool:
    """A cell holding only a stroke (“/”, “—”): left empty. A word such as 无 is an answer."""
    return unicodedata.normalize("NFKC", text).strip() in STROKES


def _zero(text: str) -> bool:
    """“0”, “0.00”, “０”: a number where a reason belongs, as spreadsheets fill empty cells."""
    try:
        return Decimal(unicodedata.normalize("NFKC", text).strip()) == 0
    except ArithmeticError:
        return False


def _rate_agrees(stated: Decimal, rate: Decimal) -> bool:
    """A stated 执行率 agrees with the computed fraction `rate` at the places it shows, in
    percent (“95%”, “95.00%”, 95) or, as some people type it, as a fraction (0.95). The
    places are the written number's without trailing zeros: an amount read from a file
    carries two places whatever was typed, so “86%” for 86.20 % agrees (廊坊 2019)."""
    def close(value: Decimal, want: Decimal) -> bool:
        places = max(0, -value.normalize().as_tuple().exponent)
        return abs(value - want.quantize(Decimal(1).scaleb(-places))) <= TOLERANCE

    as_fraction = Decimal(0) < stated <= 2 and close(stated * 100, rate * 100)
    return close(stated, rate * 100) or as_fraction


# --------------------------------------------------------------------------- indicator rows


def _reason_required(row: IndicatorRow, judgement: targets.Judgement, score: Decimal | None, rules: RuleSet) -> str:
    """Why this row needs a 偏差原因 under the rule set ("" when it does not)."""
    if rules.deviation is not None and rules.deviation.reason_required and scoring.deviates(judgement, rules):
        return f"实际完成值超出年度指标值{format_number(rules.deviation.over_percent)}%以上（偏离）"
    if row.points is None or score is None:
        return "未达到年度指标值" if judgement.status == targets.Status.NOT_MET else ""
    if rules.reason_required == "below_full":
        return f"得分{_pts(score)}低于分值{_pts(row.points)}" if score < row.points else ""
    if judgement.status == targets.Status.NOT_MET:
        return "未达到年度指标值"
    if judgement.status == targets.Status.REVIEW and score < row.points * Decimal("0.8"):
        return f"得分{_pts(score)}低于分值的80%（未达成年度指标）"
    return ""


def _rows(form: NationalForm, card: Scorecard, rules: RuleSet, found: _Findings) -> None:
    for i, row in enumerate(scoring.labelled(form)):
        if scoring.unused(row):
            continue
        label, path = row_label(i, row), f"indicators[{i}]"
        item = card.item(scoring.row_id(i))
        judgement = scoring.row_judgement(row)
        if row.points is None:
            found.add("NAT015", f"{path}.points", f"{label}的分值未填写：请按指标的重要程度填写分值，各指标分值合计应为100分（含预算执行率）。")
        if scoring.category_of(row, rules) is None:
            found.add(
                "NAT016", f"{path}.level1",
                f"{label}的一级指标“{row.level1.strip() or '（空）'}”、二级指标“{row.level2.strip() or '（空）'}”"
                "无法对应到产出指标、效益指标或满意度指标：请按表式填写一级、二级指标。",
            )
        for attr, what in (("target", "年度指标值"), ("actual", "实际完成值")):
            text = getattr(row, attr).strip()
            if not text or _dash(text):
                shown = "未填写" if not text else f"只写了“{text}”"
                found.add("NAT017", f"{path}.{attr}", f"{label}的{what}{shown}：请填写，定性指标也应写明要求或结果。")
        if row.target.strip() and row.actual.strip():
            copied = targets.copied_target(row.actual, row.target, scoring.sub_category(row), row.name)
            if copied:
                found.add(
                    "IND012", f"{path}.actual",
                    f"{label}的实际完成值“{row.actual.strip()}”{copied}，是年度指标值的写法，不是实际达到的数值，"
                    "无法判断是否完成：请填写实际达到的数值（如 99.16%、266米）。",
                )
        if row.score is not None and row.points is not None and row.score > row.points:
            found.add("NAT008", f"{path}.score", f"{label}的得分{_pts(row.score)}超过其分值{_pts(row.points)}：得分最高为分值。")
        # without a 分值 (NAT015) a row's 得分 cannot be set against anything: no NAT002, NAT018, NAT020
        computed = item is not None and item.method == "computed" and row.points is not None
        if computed and row.score is not None and abs(row.score - item.points) > TOLERANCE:
            found.add(
                "NAT002", f"{path}.score",
                f"{label}的得分填了{_pts(row.score)}，按分值计算应为{_pts(item.points)}（{item.explanation.rstrip('。')}）：请改正得分。",
            )
        if item is not None and item.status == "pending" and row.points is not None:
            found.add(
                "NAT018", f"{path}.score",
                f"{label}表上没有得分，需评分人对照佐证材料按档次给分（{scoring.tier_ranges(item.available, rules)}）"
                f"：{judgement.reason}。",
            )
        if computed and row.score is None:
            found.add(
                "NAT020", f"{path}.score",
                f"{label}的得分未填写：按分值计算应为{_pts(item.points)}（{item.explanation.rstrip('。')}），请填写。",
            )
        if scoring.deviates(judgement, rules):
            found.add(
                "NAT014", f"{path}.actual",
                f"{label}的实际完成值“{row.actual}”超出年度指标值“{row.target}”{format_number(rules.deviation.over_percent)}%以上，"
                "属于指标偏离：年度指标值可能定得过低，请说明偏差原因，今后据实设定指标值。",
            )
        score = row.score if row.score is not None else (item.points if item is not None else None)
        why = _reason_required(row, judgement, score, rules)
        text = row.deviation.strip()
        if why and (not text or _is_none_word(text) or _dash(text) or _zero(text) or claims_done(text)):
            shown = "未填写" if not text else f"写成了“{text}”"
            found.add(
                "NAT012", f"{path}.deviation",
                f"{label}{why}，偏差原因分析及改进措施{shown}：请写明偏离或未完成的原因和改进措施。",
            )


# --------------------------------------------------------------------------- 分值 and totals


def _points(form: NationalForm, rules: RuleSet, found: _Findings) -> None:
    exec_cat = scoring.execution_category(rules)
    exec_points = form.funds.total.points
    if exec_points is None and exec_cat is not None:
        exec_points = sum((i.points for i in exec_cat.items), Decimal(0))
    rows = [(i, r, scoring.category_of(r, rules)) for i, r in enumerate(scoring.labelled(form)) if not scoring.unused(r)]
    total = (exec_points or Decimal(0)) + sum((r.points for _, r, _ in rows if r.points is not None), Decimal(0))
    stated = form.total.points
    if total != rules.total or (stated is not None and stated != rules.total):
        said = f"，总分一栏写的是{_pts(stated)}" if stated is not None and stated != total else ""
        found.add(
            "NAT006", "total.points",
            f"预算执行率与各指标的分值合计为{_pts(total)}{said}，应为{_pts(rules.total)}："
            "请调整各三级指标的分值，使合计为100分。",
        )
    expected = {c.name: sum((i.points for i in c.items), Decimal(0)) for c in rules.categories}
    actual = dict.fromkeys(expected, Decimal(0))
    first: dict[str, str] = {}
    for i, row, cat in rows:
        if cat is not None:
            actual[cat.name] += row.points or Decimal(0)
            first.setdefault(cat.name, f"indicators[{i}].points")
    if exec_cat is not None:
        actual[exec_cat.name] = exec_points or Decimal(0)
        first[exec_cat.name] = "funds.total.points"
    settled: set[str] = set()
    for move in rules.category_moves:
        group = [move.from_category, *move.to]
        if actual[move.from_category] == 0 and sum(actual[g] for g in group) == sum(expected[g] for g in group):
            settled.update(group)
    for name, want in expected.items():
        if name in settled or actual[name] == want:
            continue
        found.add(
            "NAT007", first.get(name, "indicators"),
            f"{name}的分值合计为{_pts(actual[name])}，按规定应为{_pts(want)}（一级指标分值：" + "、".join(
                f"{n}{format_number(p)}分" for n, p in expected.items()) + "）：请调整该类各指标的分值。",
        )


def _total(form: NationalForm, card: Scorecard, rules: RuleSet, found: _Findings) -> None:
    stated = form.total.score
    used = [r for r in form.indicators if not scoring.unused(r)]
    if stated is None and used:
        if card.complete:
            found.add("NAT021", "total.score", f"总分未填写：预算执行率和各指标的得分相加为{_pts(card.total)}，请填写总分。")
        else:
            found.add("NAT021", "total.score", "总分未填写：各项得分填齐后，请把预算执行率和各指标的得分相加，填写总分。")
    scores = [form.funds.total.score, *(r.score for r in used)]
    ex = scoring.execution(form)
    if stated is not None and all(s is not None for s in scores):
        added = sum(scores, Decimal(0))
        capped, _ = cap_total(added, ex.rate, rules)
        if abs(stated - added) > TOLERANCE and abs(stated - capped) > TOLERANCE:
            found.add(
                "NAT005", "total.score",
                f"总分填了{_pts(stated)}，而预算执行率和各指标的得分相加为{_pts(added)}：请改正总分或各项得分。",
            )
    cap = rules.execution_cap(ex.rate)
    if stated is not None and cap is not None and stated > cap.max_total:
        found.add(
            "NAT019", "total.score",
            f"预算执行率为{format_percent(ex.rate)}，按评分规则“{rules.name}”总分最高{_pts(cap.max_total)}，"
            f"表上总分为{_pts(stated)}：请按封顶改正总分。",
        )
    grade = form.grade.strip()
    if grade:
        basis = stated if stated is not None else card.total
        want = rules.grade(basis)
        if grade_key(grade) != grade_key(want):
            whose = "表上总分" if stated is not None else "计算的总分"
            found.add(
                "NAT013", "grade",
                f"自评等级填了“{grade}”，{whose}{_pts(basis)}对应的等级是“{want}”（"
                + "、".join(f"{g.name} ≥ {format_number(g.min)}" for g in sorted(rules.grades, key=lambda g: -g.min))
                + "）：请改正等级或总分。",
            )
