"""Scoring: rule files as data, the national and Guangdong rule sets, and the score's properties."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from pydantic import ValidationError
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tests.strategies import self_evaluations
from xlperf.engine import scoring
from xlperf.forms.guangdong_1_1.model import ScoreEntry, SelfEvaluation, SpendingRow, SubCategory
from xlperf.engine.scoring import RulesError, load_rules, score

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "examples" / "shaoguan-2020.json"
RULES_DIR = ROOT / "xlperf" / "rules"
D = Decimal


def seed() -> SelfEvaluation:
    return SelfEvaluation.from_json(SEED.read_text(encoding="utf-8"))


def make_ev(rows=None, budget="100", spent="100", year=2020, entries=()) -> SelfEvaluation:
    """A self-evaluation with the given indicator rows ({sub: [(target, actual), ...]}); other subs 无."""
    indicators = {sub.name: "无" for sub in SubCategory}
    for sub, pairs in (rows or {}).items():
        indicators[sub] = [{"name": f"{sub}{k}", "target": t, "actual": a} for k, (t, a) in enumerate(pairs)]
    return SelfEvaluation.model_validate(
        {
            "basic": {"eval_year": year},
            "funding": {
                "budget": [{"year": year, "total": budget}],
                "spending": [{"year": year, "total": spent}],
            },
            "indicators": indicators,
            "scoring": {"entries": list(entries)},
        }
    )


FULL = {
    "quantity": [("≥100个", "100个")],
    "cost": [("≤100万元", "80万元")],
    "social": [("≥90%", "95%")],
    "satisfaction": [("≥90%", "95%")],
}


def with_entries(ev: SelfEvaluation, *entries: dict) -> SelfEvaluation:
    data = ev.model_dump(mode="json")
    data["scoring"]["entries"] = list(entries)
    return SelfEvaluation.model_validate(data)


def points_sum(card) -> Decimal:
    return sum((i.points for i in card.items if i.points is not None), D(0))


# --------------------------------------------------------------------------- national-2020, seed


def test_seed_national_scores_100_with_benefit_dropped():
    card = score(seed(), load_rules(None))
    assert card.rules == "national-2020"
    assert card.total == D("100.00")
    assert card.grade == "优"
    assert card.complete is True
    assert [i.id for i in card.items] == [
        "exec_rate",
        "indicators.quantity[0]",
        "indicators.quality[0]",
        "benefit",
        "indicators.satisfaction[0]",
    ]
    assert sum(i.available for i in card.items) == D("100.00")
    assert points_sum(card) == card.total

    ex = card.item("exec_rate")
    assert (ex.available, ex.points, ex.status, ex.method) == (D("14.29"), D("14.29"), "scored", "computed")
    assert ex.inputs["预算"] == "122.17" and ex.inputs["实际支出"] == "122.17"
    assert ex.inputs["预算执行率"] == "100.00%"
    assert "实际支出122.17万元 ÷ 预算122.17万元 = 100.00%" in ex.explanation
    assert "100/70" in ex.explanation

    benefit = card.item("benefit")
    assert (benefit.status, benefit.available, benefit.points) == ("dropped", D(0), None)
    assert "经济效益指标" in benefit.explanation

    for path, available in [
        ("indicators.quantity[0]", D("35.71")),
        ("indicators.quality[0]", D("35.71")),
        ("indicators.satisfaction[0]", D("14.29")),
    ]:
        item = card.item(path)
        assert item.status == "scored" and item.method == "computed"
        assert item.available == available and item.points == available
        assert item.inputs["判断"] == "已完成"
    quality = card.item("indicators.quality[0]")
    assert quality.name == "最多跑一次事项率" and quality.category == "产出指标" and quality.group == "质量指标"
    assert quality.inputs["预期值"] == "95%以上" and quality.inputs["实现值"] == "99.16%"
    assert "99.16%" in quality.explanation and "得满分35.71分" in quality.explanation
    assert "由2个指标平分" in quality.explanation
    assert any("100/70" in n for n in card.notes)


def test_seed_scorecard_text_names_every_item():
    text = score(seed(), load_rules("national-2020")).to_text()
    assert "总分：100.00分" in text and "等级：优" in text
    for word in ["exec_rate", "indicators.quality[0]", "效益指标", "不适用"]:
        assert word in text


# --------------------------------------------------------------------------- national-2020, indicators


def test_missed_indicator_gets_proportional_points():
    ev = seed()
    ev.indicators.quality[0].actual = "90%"
    card = score(ev, load_rules(None))
    item = card.item("indicators.quality[0]")
    assert item.inputs["判断"] == "未完成"
    # 35.71 × 90/95 = 33.83
    assert item.points == D("33.83")
    assert "35.71分 × 94.74% = 33.83分" in item.explanation
    assert card.total == D("100.00") - D("35.71") + D("33.83")
    assert card.complete is True


def test_at_most_target_scores_target_over_actual():
    rules = load_rules(None)
    met = score(make_ev(FULL), rules)
    assert met.total == D("100.00") and met.item("benefit") is None
    assert met.item("indicators.cost[0]").points == D("25.00")

    over = score(make_ev(FULL | {"cost": [("≤100万元", "120万元")]}), rules)
    item = over.item("indicators.cost[0]")
    assert item.inputs["判断"] == "未完成"
    assert item.points == D("20.83")  # 25 × 100/120
    assert over.total == D("95.83")


def test_qualitative_indicator_waits_for_a_tier_then_is_scored():
    rows = FULL | {"quality": [("效果明显", "效果较好")]}
    rules = load_rules(None)
    pending = score(make_ev(rows), rules)
    item = pending.item("indicators.quality[0]")
    assert (item.status, item.points, item.method) == ("pending", None, "manual")
    assert pending.complete is False
    assert "需人工判断" in item.explanation
    assert "达成" in item.explanation and "部分达成" in item.explanation
    # output 50 over three indicators; the pending one counts 0
    assert item.available == D("16.67")
    assert pending.total == D("100.00") - item.available

    path = "indicators.quality[0]"
    scored = score(make_ev(rows, entries=[{"item": path, "tier": "部分达成", "points": "12"}]), rules)
    item = scored.item(path)
    assert (item.status, item.points, item.tier, item.in_range) == ("scored", D("12.00"), "部分达成", True)
    assert item.tier_range == (D("10.00"), D("13.34"))
    assert scored.complete is True
    assert scored.total == pending.total + D("12")

    tier_only = score(make_ev(rows, entries=[{"item": path, "tier": "达成"}]), rules)
    item = tier_only.item(path)
    assert item.points == D("13.34")  # the lower bound of 达成 (80 % of 16.67)
    assert "下限" in item.explanation


def test_points_outside_the_tier_range_are_used_but_flagged():
    rows = FULL | {"quality": [("效果明显", "效果较好")]}
    path = "indicators.quality[0]"
    rules = load_rules(None)
    card = score(make_ev(rows, entries=[{"item": path, "tier": "达成", "points": "5"}]), rules)
    item = card.item(path)
    assert (item.points, item.in_range) == (D("5.00"), False)
    assert "不在该档区间内" in item.explanation

    card = score(make_ev(rows, entries=[{"item": path, "tier": "达成", "points": "30"}]), rules)
    item = card.item(path)
    assert (item.points, item.in_range) == (item.available, False)
    assert item.inputs["给分"] == "30"
    assert "超出本项0–16.67分的范围" in item.explanation
    assert card.total == D("100.00")

    card = score(make_ev(rows, entries=[{"item": path, "points": "10"}]), rules)
    item = card.item(path)
    assert (item.points, item.in_range, item.tier) == (D("10.00"), None, None)
    assert "未选档次" in item.explanation


def test_entry_for_a_computed_item_is_ignored_and_said_so():
    ev = with_entries(seed(), {"item": "indicators.quality[0]", "tier": "未达成", "points": "1"})
    item = score(ev, load_rules(None)).item("indicators.quality[0]")
    assert item.points == D("35.71") and item.method == "computed"
    assert "未采用" in item.explanation and "给分1分" in item.explanation


def test_rescale_when_two_categories_have_no_indicator():
    card = score(make_ev({"quantity": [("≥100个", "100个")]}), load_rules(None))
    assert [i.status for i in card.items] == ["scored", "scored", "dropped", "dropped"]
    assert card.item("exec_rate").available == D("16.67")  # 10 × 100/60
    assert card.item("indicators.quantity[0]").available == D("83.33")  # 50 × 100/60
    assert card.total == D("100.00")
    assert "100/60" in card.item("exec_rate").explanation


def test_available_points_add_up_exactly_when_split_in_thirds():
    rows = FULL | {"quantity": [("≥1个", "1个")] * 3}
    card = score(make_ev(rows), load_rules(None))
    outputs = [i.available for i in card.items if i.category == "产出指标"]
    assert sum(outputs) == D("50.00") and sorted(outputs) == [D("12.50")] * 4
    rows = FULL | {"quantity": [("≥1个", "1个")] * 2}
    outputs = [i.available for i in score(make_ev(rows), load_rules(None)).items if i.category == "产出指标"]
    assert sum(outputs) == D("50.00") and sorted(outputs) == [D("16.66"), D("16.67"), D("16.67")]


def test_huge_actual_is_scored_not_raised():
    """An actual value far beyond the target (a typing slip) still gives a scorecard."""
    ev = make_ev({**FULL, "quantity": [("1", "1000000000000000000000000")]})
    card = score(ev, load_rules(None))
    item = card.item("indicators.quantity[0]")
    assert item.inputs["判断"] == "已完成" and item.points == item.available
    assert item.inputs["完成比例"] == "100000000000000000000000000.00%"


# --------------------------------------------------------------------------- execution rate


def test_execution_rate_uses_the_evaluation_year_and_parts():
    ev = SelfEvaluation.model_validate(
        {
            "basic": {"eval_year": 2020},
            "funding": {
                "budget": [{"year": 2019, "total": "500"}, {"year": 2020, "municipal": "60", "central_provincial": "40"}],
                "spending": [{"year": 2019, "total": "1"}, {"year": 2020, "total": "80"}],
            },
        }
    )
    item = score(ev, load_rules(None)).item("exec_rate")
    assert item.inputs["预算"] == "100.00" and item.inputs["年度"] == "2020"
    assert item.inputs["预算执行率"] == "80.00%"
    assert item.points == item.available * D("0.8")


def test_execution_rate_falls_back_to_all_rows_of_a_block_without_the_year():
    ev = make_ev(FULL, budget="200", spent=None)
    ev.funding.spending = [SpendingRow(total="50"), SpendingRow(municipal="50")]
    item = score(ev, load_rules(None)).item("exec_rate")
    assert item.inputs["预算执行率"] == "50.00%" and item.points == D("5.00")
    assert "资金使用情况没有2020年度的行，取全部行合计" in item.explanation


def test_execution_rate_over_budget_is_capped():
    item = score(make_ev(FULL, budget="100", spent="130"), load_rules(None)).item("exec_rate")
    assert item.points == item.available == D("10.00")
    assert "超过100%按100%计" in item.explanation


def test_execution_rate_without_budget_waits_for_a_person():
    ev = make_ev(FULL, budget=None)
    card = score(ev, load_rules(None))
    item = card.item("exec_rate")
    assert (item.status, item.points, item.method) == ("pending", None, "manual")
    assert "无法计算" in item.explanation
    assert card.complete is False and card.total == D("90.00")
    card = score(make_ev(FULL, budget=None, entries=[{"item": "exec_rate", "tier": "达成", "points": "9"}]),
                 load_rules(None))
    assert card.item("exec_rate").points == D("9.00") and card.complete is True


# --------------------------------------------------------------------------- grades


@pytest.mark.parametrize(
    "total, grade", [("100", "优"), ("90", "优"), ("89.99", "良"), ("80", "良"), ("60", "中"), ("59.99", "差"), ("0", "差")]
)
def test_grade_bands_come_from_the_rule_file(total, grade):
    assert load_rules(None).grade(D(total)) == grade


# --------------------------------------------------------------------------- guangdong-municipal


GD_MANUAL = [
    "decision", "goal_setting", "safeguards", "funds_arrival_rate", "funds_arrival_timely",
    "funds_allocation", "spending_compliance", "procedure", "supervision",
]


def test_guangdong_weights_are_marked_as_defaults():
    rules = load_rules("guangdong-municipal")
    assert rules.weights_are_defaults is True
    assert "默认值" in rules.note
    assert [sum(i.points for i in c.items) for c in rules.categories] == [20, 30, 50]
    card = score(seed(), rules)
    assert "默认值" in card.notes[0]


def test_guangdong_incomplete_until_every_manual_entry_is_given():
    rules = load_rules("guangdong-municipal")
    card = score(seed(), rules)
    assert card.complete is False
    pending = {i.id for i in card.items if i.status == "pending"}
    # seed: no cost and no benefit indicators, so those two items fall back to a person
    assert pending == set(GD_MANUAL) | {"cost_control", "effectiveness"}
    computed = {i.id: i.points for i in card.items if i.status == "scored"}
    assert computed == {
        "budget_control": D("8.00"),
        "on_time_quantity": D("8.00"),
        "completion_quality": D("6.00"),
        "fairness": D("8.00"),
    }
    assert card.total == D("30.00")
    assert all(i.available == rules_points for i, rules_points in
               zip(card.items, [it.points for c in rules.categories for it in c.items]))

    given = [{"item": item, "tier": "达成", "points": "4"} for item in GD_MANUAL]
    half = score(with_entries(seed(), *given), rules)
    assert half.complete is False

    given += [{"item": "cost_control", "tier": "达成", "points": "5.5"},
              {"item": "effectiveness", "tier": "部分达成", "points": "10"}]
    full = score(with_entries(seed(), *given), rules)
    assert full.complete is True
    assert full.total == points_sum(full) == D("30") + 9 * D("4") + D("5.5") + D("10")
    assert full.grade == "良"
    eff = full.item("effectiveness")
    assert (eff.tier_range, eff.in_range) == ((D("8.40"), D("11.20")), True)
    decision = full.item("decision")
    assert decision.in_range is False  # 4 of 6 lies below 达成's 4.80


def test_guangdong_aggregate_uses_average_achievement():
    rows = {"quantity": [("≥100个", "100个"), ("≥100个", "50个")], "timeliness": [("≥100%", "100%")]}
    item = score(make_ev(rows), load_rules("guangdong-municipal")).item("on_time_quantity")
    # (1 + 0.5 + 1) / 3 = 83.33 % of 8
    assert item.points == D("6.67")
    assert item.inputs["平均完成比例"] == "83.33%"

    rows["timeliness"] = [("按时完成", "基本按时")]
    item = score(make_ev(rows), load_rules("guangdong-municipal")).item("on_time_quantity")
    assert item.status == "pending" and "需人工判断" in item.explanation


# --------------------------------------------------------------------------- rule files


def national_data() -> dict:
    return json.loads((RULES_DIR / "national-2020.json").read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- actuals written wrongly


def _policy(name: str, policy: str | None):
    rules = load_rules(name)
    return rules if policy is None else rules.model_copy(update={"unusable_actuals": policy})


def _seed_with(actual: str, where: str = "satisfaction") -> SelfEvaluation:
    ev = seed()
    ev.indicators.rows(SubCategory[where])[0].actual = actual
    return ev


@pytest.mark.parametrize("policy", [None, "manual", "zero", "proposed"])
def test_impossible_rate_is_never_scored_as_met(policy):
    card = score(_seed_with("995.9%"), _policy("national-2020", policy))
    item = card.item("indicators.satisfaction[0]")
    assert item.points in (None, D(0)) and item.status in ("pending", "scored")
    assert "995.9%" in item.explanation and "100%" in item.explanation
    assert card.total <= D("100") - item.available
    if policy == "zero":
        assert (item.status, item.points, item.method) == ("scored", D(0), "computed")
    else:
        assert (item.status, item.method) == ("pending", "manual") and not card.complete


def test_honest_full_satisfaction_still_earns_full_points():
    card = score(_seed_with("100%"), load_rules("national-2020"))
    item = card.item("indicators.satisfaction[0]")
    assert item.points == item.available and item.status == "scored"


@pytest.mark.parametrize(
    ("actual", "policy", "status", "full"),
    [("0.9916", None, "pending", False), ("0.9916", "zero", "scored", False), ("0.9916", "proposed", "scored", True),
     ("99.16", "proposed", "scored", True), ("99.16", None, "pending", False),
     ("0.9", "proposed", "scored", False), ("较好", "proposed", "pending", False),
     ("满意评价12563条", "proposed", "pending", False)],
)
def test_wrong_kind_of_actual_follows_the_declared_policy(actual, policy, status, full):
    card = score(_seed_with(actual, "quality"), _policy("national-2020", policy))
    item = card.item("indicators.quality[0]")
    assert item.status == status
    assert (item.points == item.available) is full
    assert item.inputs["实现值写法"] and "：请" in item.inputs["实现值写法"]
    if policy == "proposed" and status == "scored":
        assert "以建议的读法" in item.explanation


def test_proposed_reading_that_misses_scores_its_share():
    card = score(_seed_with("0.9", "quality"), _policy("national-2020", "proposed"))
    item = card.item("indicators.quality[0]")
    assert "90%" in item.explanation
    assert item.points == (item.available * D(90) / D(95)).quantize(D("0.01"))


def test_aggregate_item_with_an_impossible_rate_waits_for_a_person():
    card = score(_seed_with("995.9%"), load_rules("guangdong-municipal"))
    item = card.item("fairness")
    assert item.status == "pending" and "995.9%" in item.explanation


def test_rule_file_declares_the_policy(tmp_path):
    data = national_data()
    data["unusable_actuals"] = "zero"
    path = tmp_path / "strict.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert load_rules(str(path)).unusable_actuals == "zero"
    data["unusable_actuals"] = "guess"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(RulesError) as e:
        load_rules(str(path))
    assert "unusable_actuals" in str(e.value)


@settings(max_examples=100, deadline=None)
@given(value=st.decimals(min_value=D("100.01"), max_value=100000, places=2),
       word=st.sampled_from(["群众满意度", "验收合格率", "政策知晓率", "任务完成率", "资金到位率"]),
       name=st.sampled_from(["national-2020", "guangdong-municipal"]))
def test_a_bounded_rate_over_100_never_earns_points_as_met(value, word, name):
    ev = make_ev({"satisfaction": [("≥95%", f"{value}%")]})
    ev.indicators.satisfaction[0].name = word
    card = score(ev, load_rules(name))
    for item in card.items:
        if "satisfaction" in item.id or item.id == "fairness":
            assert item.status == "pending" and item.points is None


def test_user_rule_file_from_a_path(tmp_path):
    data = national_data()
    del data["name"]
    data["title"] = "某市自评规则"
    data["categories"][0]["items"][0]["points"] = 20
    data["categories"][1]["items"][0]["points"] = 40
    path = tmp_path / "my-city.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    rules = load_rules(str(path))
    assert rules.name == "my-city" and rules.title == "某市自评规则"
    card = score(seed(), rules)
    assert card.item("exec_rate").available == D("28.57")  # 20 × 100/70
    assert card.total == D("100.00") and card.rules == "my-city"


def test_shipped_names_and_unknown_name():
    assert scoring.shipped_rule_names() == ["guangdong-municipal", "national-2020", "national-2020-provincial"]
    with pytest.raises(RulesError) as e:
        load_rules("national-2021")
    assert e.value.code == "RULES_UNKNOWN"
    assert "national-2021" in str(e.value)
    assert "national-2020" in str(e.value) and "guangdong-municipal" in str(e.value)


def test_missing_rule_file(tmp_path):
    path = tmp_path / "nope.json"
    with pytest.raises(RulesError) as e:
        load_rules(str(path))
    assert e.value.code == "RULES_NOT_FOUND"
    assert str(path) in str(e.value) and "找不到" in str(e.value)


def test_rule_file_with_invalid_json(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"title": "x",\n  "total": 100,,\n}', encoding="utf-8")
    with pytest.raises(RulesError) as e:
        load_rules(str(path))
    assert e.value.code == "RULES_BAD_JSON"
    assert str(path) in str(e.value) and "第2行" in str(e.value)


def _edit(data, where, value):
    *parents, last = where
    target = data
    for p in parents:
        target = target[p]
    if value is KeyError:
        del target[last]
    else:
        target[last] = value


@pytest.mark.parametrize(
    "where, value, expected",
    [
        (("categories", 0, "items", 0, "points"), 15, "合计为105分，应等于总分100分"),
        (("categories", 1, "items", 0, "method"), "magic", "categories[1].items[0].method：取值应为"),
        (("categories", 1, "items", 0, "sub_categories"), ["quantity", "bogus"], "不认识的指标子类“bogus”"),
        (("categories", 0, "items", 0, "pionts"), 10, "categories[0].items[0].pionts：不认识的字段"),
        (("categories", 0, "items", 0, "id"), KeyError, "categories[0].items[0].id：缺少必填字段"),
        (("categories", 2, "items", 0, "id"), "exec_rate", "评分项编号重复：exec_rate"),
        (("tiers", 0, "name"), "完成", "tiers[0].name：取值应为"),
        (("tiers", 0, "min_percent"), 120, "tiers[0].min_percent：应不大于100"),
        (("grades", 3, "min"), 10, "须有一个 min 为 0 的等级"),
        (("total",), "一百", "total：应为数字"),
        (("categories", 0, "items", 0, "points"), "1E+30", "categories[0].items[0].points：分值过大"),
        (("categories", 0, "items", 0, "pionts"), 10, "不是规则文件的字段"),
        (("categories", 0, "items", 0, "sub_categories"), ["quantity"], "只有 indicators 方法"),
    ],
)
def test_rule_file_violating_the_schema(tmp_path, where, value, expected):
    data = national_data()
    _edit(data, where, value)
    path = tmp_path / "bad-rules.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(RulesError) as e:
        load_rules(str(path))
    assert e.value.code == "RULES_INVALID"
    message = str(e.value)
    assert str(path) in message and "不符合规则格式" in message
    assert expected in message


def test_rule_file_that_is_not_an_object(tmp_path):
    path = tmp_path / "list.json"
    path.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(RulesError, match="JSON 对象"):
        load_rules(str(path))


def test_readme_documents_every_rule_field():
    readme = (RULES_DIR / "README.md").read_text(encoding="utf-8")
    for model in (scoring.RuleSet, scoring.RuleCategory, scoring.RuleItem, scoring.RuleTier, scoring.RuleGrade,
                  scoring.EmptyCategories, scoring.ExecutionCap, scoring.Deviation):
        for name in model.model_fields:
            assert f"`{name}`" in readme, f"{model.__name__}.{name} is not documented"
    for value in ("execution_rate", "indicators", "manual", "per_indicator", "aggregate", "drop"):
        assert f"`{value}`" in readme


# --------------------------------------------------------------------------- properties

RULE_NAMES = ["national-2020", "guangdong-municipal"]
_percent = st.decimals(min_value=0, max_value=200, places=2)
_target = st.builds(
    lambda fmt, t: fmt.format(t),
    st.sampled_from(["≥{}%", "{}%以上", "不低于{}%", "≤{}%", "不超过{}%", "{}%"]),
    st.integers(min_value=0, max_value=100),
)
_actual = _percent.map(lambda a: f"{a}%") | st.sampled_from(["效果明显", ""])
_rows = st.just("无") | st.lists(st.tuples(_target, _actual), max_size=3)
_amount = st.none() | st.decimals(min_value=0, max_value=10000, places=2)


@st.composite
def numeric_evaluations(draw):
    rows = {sub.name: draw(_rows) for sub in SubCategory}
    ev = make_ev(budget=draw(_amount), spent=draw(_amount))
    data = ev.model_dump(mode="json")
    for sub, value in rows.items():
        data["indicators"][sub] = value if value == "无" else [
            {"name": f"{sub}{k}", "target": t, "actual": a} for k, (t, a) in enumerate(value)
        ]
    paths = [f"indicators.{sub}[{k}]" for sub, v in rows.items() if v != "无" for k in range(len(v))]
    items = paths + ["exec_rate"] + GD_MANUAL + ["effectiveness", "cost_control"]
    entries = draw(st.lists(st.builds(
        lambda item, tier, points: {"item": item, "tier": tier, "points": points},
        st.sampled_from(items), st.none() | st.sampled_from(["达成", "部分达成", "未达成"]),
        st.none() | st.decimals(min_value=-20, max_value=150, places=2).map(str),
    ), max_size=4, unique_by=lambda e: e["item"]))
    data["scoring"]["entries"] = entries
    return SelfEvaluation.model_validate(data)


def _check_card(card):
    assert D(0) <= card.total <= D(100)
    assert card.total == card.total.quantize(D("0.01"))
    assert sum(i.available for i in card.items) == D("100.00")
    assert card.total == points_sum(card)
    for item in card.items:
        if item.points is not None:
            assert D(0) <= item.points <= item.available
    assert card.complete == all(i.status != "pending" for i in card.items)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ev=numeric_evaluations(), name=st.sampled_from(RULE_NAMES))
def test_total_within_0_and_100_for_numeric_forms(ev, name):
    _check_card(score(ev, load_rules(name)))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ev=self_evaluations(with_weights=True), name=st.sampled_from(RULE_NAMES))
def test_total_within_0_and_100_for_any_form(ev, name):
    card = score(ev, load_rules(name))
    assert D(0) <= card.total <= D(100)
    assert card.total == points_sum(card)


@settings(max_examples=150, deadline=None)
@given(ev=numeric_evaluations(), name=st.sampled_from(RULE_NAMES), data=st.data())
def test_raising_an_actual_never_lowers_the_total(ev, name, data):
    rows = [(sub, k) for sub, k, _ in ev.indicators.each()]
    assume(rows)
    sub, k = data.draw(st.sampled_from(rows))
    low = data.draw(st.decimals(min_value=-50, max_value=150, places=2))
    raise_by = data.draw(st.decimals(min_value=0, max_value=100, places=2))
    t = data.draw(st.integers(min_value=0, max_value=100))
    fmt = data.draw(st.sampled_from(["≥{}%", "{}%以上", "不低于{}%"]))
    rules = load_rules(name)
    before, after = ev.model_copy(deep=True), ev.model_copy(deep=True)
    for version, value in ((before, low), (after, low + raise_by)):
        row = version.indicators.rows(sub)[k]
        row.target, row.actual = fmt.format(t), f"{value}%"
    assert score(after, rules).total >= score(before, rules).total


@settings(max_examples=150, deadline=None)
@given(ev=numeric_evaluations(), name=st.sampled_from(RULE_NAMES),
       budget=st.decimals(min_value=D("0.01"), max_value=10000, places=2),
       fractions=st.tuples(st.floats(0, 1), st.floats(0, 1)))
def test_spending_closer_to_budget_never_lowers_the_total(ev, name, budget, fractions):
    lo, hi = sorted(fractions)
    rules = load_rules(name)
    totals = []
    for f in (lo, hi):
        version = ev.model_copy(deep=True)
        version.funding.budget[0].total = budget
        version.funding.spending[0].total = (budget * D(repr(f))).quantize(D("0.01"))
        totals.append(score(version, rules).total)
    assert totals[1] >= totals[0]


@settings(max_examples=150, deadline=None)
@given(ev=numeric_evaluations(), name=st.sampled_from(RULE_NAMES),
       fractions=st.tuples(st.floats(0, 1), st.floats(0, 1)),
       tiers=st.tuples(st.none() | st.sampled_from(["达成", "部分达成", "未达成"]),
                       st.none() | st.sampled_from(["达成", "部分达成", "未达成"])))
def test_raising_a_persons_points_never_lowers_the_total(ev, name, fractions, tiers):
    rules = load_rules(name)
    base = score(ev, rules)
    manual = [i for i in base.items if i.method == "manual"]
    assume(manual)
    target = manual[0]
    others = [e for e in ev.scoring.entries if e.item != target.id]
    totals = []
    for f, tier in zip(sorted(fractions), tiers):
        points = (target.available * D(repr(f))).quantize(D("0.01"), rounding="ROUND_FLOOR")
        version = ev.model_copy(deep=True)
        version.scoring.entries = others + [ScoreEntry(item=target.id, tier=tier, points=points)]
        totals.append(score(version, rules).total)
    assert totals[1] >= totals[0]


_huge = st.integers(min_value=10**20, max_value=10**30 - 1).map(str)
_tiny = st.integers(min_value=1, max_value=10**6).map(lambda n: f"0.{'0' * 24}{n}")
_extreme = _huge | _tiny | st.sampled_from(["0", "-" + "9" * 29])
_extreme_target = st.builds(lambda fmt, n: fmt.format(n), st.sampled_from(["≥{}", "≤{}%", "{}", "{}万元以上", "不超过{}天"]), _extreme)
_extreme_actual = st.builds(lambda fmt, n: fmt.format(n), st.sampled_from(["{}", "{}%", "{}万元", "{}天"]), _extreme)
_extreme_amount = st.none() | _tiny | st.sampled_from(
    ["0", "999999999999.9999", "-999999999999.99", "1E+11", "1E-999999999", "0.001"]
) | st.decimals(min_value=-(10**12) + 1, max_value=10**12 - 1, allow_nan=False, allow_infinity=False).map(str)
"""Amounts as extreme as the model accepts (at most 12 digits before the point: larger
ones, 1e400 or a 5,000-digit number, are refused when read; see test_amounts_out_of_range_are_refused)."""


@pytest.mark.parametrize("amount", ["1E+999999999", "-1E+30", "9" * 5000, "1e400", "1000000000000"])
def test_amounts_out_of_range_are_refused(amount):
    with pytest.raises(ValidationError) as refused:
        make_ev(budget=amount)
    assert "超出范围" in str(refused.value)


@st.composite
def extreme_evaluations(draw):
    rows = {sub.name: draw(st.lists(st.tuples(_extreme_target, _extreme_actual), min_size=1, max_size=2))
            for sub in draw(st.sets(st.sampled_from(list(SubCategory))))}
    ev = make_ev(rows, budget=draw(_extreme_amount), spent=draw(_extreme_amount))
    paths = [f"indicators.{sub}[{k}]" for sub, v in rows.items() for k in range(len(v))]
    entries = draw(st.lists(st.builds(
        lambda item, tier, points: {"item": item, "tier": tier, "points": points},
        st.sampled_from(paths + ["exec_rate"] + GD_MANUAL), st.none() | st.sampled_from(["达成", "部分达成", "未达成"]),
        _extreme_amount,
    ), max_size=3, unique_by=lambda e: e["item"]))
    return with_entries(ev, *entries)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ev=extreme_evaluations(), name=st.sampled_from(RULE_NAMES))
def test_extreme_numbers_never_raise(ev, name):
    """Huge and tiny targets, actuals, amounts and points: a scorecard and its text, never an exception."""
    card = score(ev, load_rules(name))
    _check_card(card)
    assert card.to_text()


# ---- honest grades: never a band while items wait, never 差 for an empty form


def test_pending_items_give_the_grade_pending_with_the_points_so_far():
    rows = FULL | {"quality": [("效果明显", "效果较好")]}
    card = score(make_ev(rows), load_rules(None))
    assert card.complete is False and card.grade == scoring.PENDING_GRADE == "待评分"
    assert card.total == D("83.33")
    line = card.headline()
    assert "已评项目得分：83.33 分" in line and "1 项待人工评分" in line and line.endswith("等级：待评分")
    assert "优" not in line and "差" not in line
    done = score(make_ev(rows, entries=[{"item": "indicators.quality[0]", "tier": "部分达成", "points": "12"}]),
                 load_rules(None))
    assert done.complete and done.grade == "优" and done.headline() == "总分：95.33 分，等级：优"


@pytest.mark.parametrize("rules", ["national-2020", "guangdong-municipal"])
def test_empty_form_is_pending_never_poor(rules):
    card = score(SelfEvaluation(), load_rules(rules))
    assert card.grade == "待评分" and card.total == D("0.00")
    assert "差" not in card.headline() and "差" not in card.to_text().splitlines()[1]


def test_nothing_scorable_is_unscorable(tmp_path):
    data = json.loads((Path(scoring.__file__).parent.parent / "rules" / "national-2020.json").read_text(encoding="utf-8"))
    data["categories"] = [c for c in data["categories"] if c["items"][0]["method"] == "indicators"]
    for c in data["categories"]:
        c["items"][0]["when_empty"] = "drop"
    data["total"] = sum(c["items"][0]["points"] for c in data["categories"])
    path = tmp_path / "only-indicators.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    card = score(SelfEvaluation(), load_rules(str(path)))
    assert card.complete and card.grade == scoring.UNSCORABLE_GRADE == "无法评分"


def test_cli_shows_pending_not_a_grade(tmp_path, capsys):
    from xlperf.cli import main

    ev = SelfEvaluation()
    src = tmp_path / "empty.json"
    src.write_text(ev.to_json(), encoding="utf-8")
    main(["score", str(src)])
    out = capsys.readouterr().out
    assert "已评项目得分：0.00 分" in out and "等级：待评分" in out and "等级：差" not in out


# ---- scoring entries named as `score` shows them


def test_entry_by_the_indicator_name_is_used_like_its_id():
    from xlperf.engine import evaluate

    rows = FULL | {"quality": [("效果明显", "效果较好")]}
    by_id = score(make_ev(rows, entries=[{"item": "indicators.quality[0]", "tier": "达成", "points": "15"}]), load_rules(None))
    name = by_id.item("indicators.quality[0]").name
    for typed in (name, f"质量指标·{name}", "质量指标第1行"):
        ev = make_ev(rows, entries=[{"item": typed, "tier": "达成", "points": "15"}])
        card = score(ev, load_rules(None))
        assert card.complete and card.total == by_id.total and card.unknown_entries == []
        assert "FMT010" not in {f.code for f in evaluate(ev).findings}
        assert ev.scoring.entries[0].item == typed  # the form itself is not changed


def test_entry_by_a_rule_item_name_and_by_group():
    ev = make_ev(FULL, entries=[{"item": "论证决策", "tier": "达成", "points": "5"}])
    card = score(ev, load_rules("guangdong-municipal"))
    assert card.item("decision").points == D("5.00") and card.unknown_entries == []


def test_unknown_or_ambiguous_entry_is_an_error_never_ignored():
    from xlperf.engine import evaluate

    ev = make_ev(FULL, entries=[{"item": "不存在的项", "points": "5"}, {"item": "资金落实", "points": "3"}])
    card = score(ev, load_rules("guangdong-municipal"))
    assert card.unknown_entries == ["不存在的项", "资金落实"]
    found = [f for f in evaluate(ev, rules="guangdong-municipal").findings if f.code == "FMT010"]
    assert len(found) == 2 and found[0].severity == "error" and "“不存在的项”" in found[0].message
