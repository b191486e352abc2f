"""Per-indicator 分值 on the Guangdong form, and the rule-set options as data."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from tests.test_scoring import RULES_DIR, SEED, make_ev, seed
from xlperf.engine.scoring import RulesError, load_rules, score

D = Decimal
ROOT = Path(__file__).resolve().parent.parent
OUTPUT = {"quantity": [("≥100个", "100个"), ("≥100个", "50个"), ("≥100个", "100个")]}


def with_weights(ev, sub: str, weights: list) -> object:
    data = ev.model_dump(mode="json")
    for row, w in zip(data["indicators"][sub], weights):
        row["weight"] = w
    return type(ev).model_validate(data)


def test_the_seed_keeps_its_numbers():
    out = subprocess.run([sys.executable, "-m", "xlperf", "score", str(SEED)], capture_output=True, text=True)
    assert "总分：100.00" in out.stdout and "等级：优" in out.stdout
    assert json.loads(SEED.read_text(encoding="utf-8"))["indicators"]["quantity"][0].keys() == seed().indicators.quantity[0].model_dump().keys() - {"weight"}


def test_rows_without_weights_split_equally():
    card = score(make_ev(OUTPUT), load_rules("national-2020"))
    got = [card.item(f"indicators.quantity[{i}]").available for i in range(3)]
    assert max(got) - min(got) <= D("0.01") and abs(sum(got) - D("83.33")) <= D("0.01")  # 50 × 100/60, three ways
    assert sum(i.available for i in card.items) == D("100.00")
    assert "由3个指标平分" in card.item("indicators.quantity[0]").explanation


def test_each_row_takes_its_own_weight():
    ev = with_weights(make_ev(OUTPUT), "quantity", ["30", "10", "10"])
    card = score(ev, load_rules("national-2020"))
    first, second = card.item("indicators.quantity[0]"), card.item("indicators.quantity[1]")
    # 产出 50 of 60 applicable points (效益无) → × 100/60; 30 of 50 → 50.00 available
    assert first.available == D("50.00") and second.available == D("16.67")
    assert second.points == D("8.34") or second.points == D("8.33")
    assert "按各指标的分值分配（30、10、10）" in first.explanation


def test_rows_without_weight_share_what_the_weighted_leave():
    ev = with_weights(make_ev(OUTPUT), "quantity", ["30", None, None])
    card = score(ev, load_rules("national-2020"))
    assert [card.item(f"indicators.quantity[{i}]").available for i in range(3)] == [D("50.00"), D("16.67"), D("16.66")] \
        or [card.item(f"indicators.quantity[{i}]").available for i in range(3)] == [D("50.00"), D("16.66"), D("16.67")]


def test_weights_not_adding_up_count_as_proportions():
    ev = with_weights(make_ev(OUTPUT), "quantity", ["2", "1", "1"])
    card = score(ev, load_rules("national-2020"))
    first = card.item("indicators.quantity[0]")
    assert first.available == D("41.67")  # 2/4 of 50, × 100/60
    assert "分值合计4分，按比例折算为50分" in first.explanation
    assert sum(i.available for i in card.items) == D("100.00")


def _rules_file(tmp_path, **changes) -> str:
    data = json.loads((RULES_DIR / "national-2020.json").read_text(encoding="utf-8"))
    data.update(changes)
    for key in [k for k, v in changes.items() if v is None]:
        del data[key]
    path = tmp_path / "mine.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_empty_categories_none_does_not_rescale(tmp_path):
    rules = load_rules(_rules_file(tmp_path, empty_categories={"treatment": "none", "source": "某地"}))
    assert rules.rescale is False
    card = score(seed(), rules)
    assert card.total == D("70.00")  # 效益指标 30 not scored, nothing rescaled


def test_an_old_rule_file_with_rescale_still_reads(tmp_path):
    old = load_rules(_rules_file(tmp_path, empty_categories=None, reason_required=None, rescale=True))
    assert old.rescale is True and old.execution_caps == [] and old.deviation is None
    assert score(seed(), old).total == D("100.00")


def test_rescale_and_empty_categories_must_agree(tmp_path):
    with pytest.raises(RulesError) as e:
        load_rules(_rules_file(tmp_path, rescale=False))
    assert e.value.code == "RULES_INVALID" and "rescale" in str(e.value)


def test_execution_caps_limit_the_total():
    ev = make_ev({"quantity": [("≥100个", "100个")], "satisfaction": [("≥90%", "95%")]}, budget="100", spent="75")
    plain = score(ev, load_rules("national-2020"))
    capped = score(ev, load_rules("national-2020-provincial"))
    assert plain.total > D("89")
    assert capped.total == D("89.00")
    assert any("总分最高89分" in n for n in capped.notes)


def test_a_rate_outside_every_band_is_not_capped():
    ev = make_ev({"quantity": [("≥100个", "100个")], "satisfaction": [("≥90%", "95%")]}, budget="100", spent="65")
    assert score(ev, load_rules("national-2020-provincial")).total == score(ev, load_rules("national-2020")).total


@pytest.mark.parametrize("cap", [{"from_percent": 80, "to_percent": 70, "max_total": 89}, {"from_percent": 0, "max_total": 69}])
def test_bad_caps_are_refused(tmp_path, cap):
    with pytest.raises(RulesError) as e:
        load_rules(_rules_file(tmp_path, execution_caps=[cap]))
    assert e.value.code == "RULES_INVALID"


def test_moves_must_name_categories_of_the_rule_set(tmp_path):
    with pytest.raises(RulesError, match="不是本规则的类别"):
        load_rules(_rules_file(tmp_path, category_moves=[{"from": "满意度", "to": ["产出指标"]}]))
    ok = load_rules(_rules_file(tmp_path, category_moves=[{"from": "满意度指标", "to": ["产出指标", "效益指标"]}]))
    assert ok.category_moves[0].from_category == "满意度指标"


def test_every_shipped_rule_names_the_source_of_its_options():
    for name in ("national-2020", "national-2020-provincial"):
        rules = load_rules(name)
        assert rules.empty_categories is not None and "不考核该指标，用适用指标得分汇总后按百分制折算" in rules.empty_categories.source
    provincial = load_rules("national-2020-provincial")
    assert provincial.deviation.over_percent == 30 and provincial.deviation.source
    assert provincial.reason_required == "below_full"
    readme = (RULES_DIR / "README.md").read_text(encoding="utf-8")
    for text in ("national-2020-provincial", "`execution_caps`", "`deviation`", "`category_moves`", "`empty_categories`"):
        assert text in readme


# ------------------------------------------------------------------ 分值 the split cannot take as written


def _weight_findings(ev, rules="national-2020") -> list[tuple[str, str]]:
    from xlperf.engine import evaluate

    return [(f.code, f.field) for f in evaluate(ev, rules).findings if f.code in ("SCR004", "SCR005", "SCR006")]


def test_a_negative_weight_counts_as_0_and_is_reported():
    ev = with_weights(make_ev(OUTPUT), "quantity", ["-5", None, None])
    card = score(ev, load_rules("national-2020"))
    assert card.item("indicators.quantity[0]").available == D("0.00")
    assert _weight_findings(ev) == [("SCR004", "indicators.quantity[0].weight")]
    from xlperf.engine import evaluate

    message = next(f.message for f in evaluate(ev, "national-2020").findings if f.code == "SCR004")
    assert "数量指标“quantity0”的分值填了-5" in message and "按0分计" in message


def test_a_weight_of_0_is_no_slip():
    ev = with_weights(make_ev(OUTPUT), "quantity", ["0", None, None])
    assert score(ev, load_rules("national-2020")).item("indicators.quantity[0]").available == D("0.00")
    assert _weight_findings(ev) == []


def test_weights_above_the_items_points_are_scaled_and_reported():
    ev = with_weights(make_ev(OUTPUT), "quantity", [None, "30", "30"])
    card = score(ev, load_rules("national-2020"))
    got = [card.item(f"indicators.quantity[{i}]").available for i in range(3)]
    assert got[0] == D("0.00") and got[1] + got[2] == D("83.33") or got[1] + got[2] == D("83.34")
    assert _weight_findings(ev) == [("SCR005", "indicators.quantity[1].weight")]
    from xlperf.engine import evaluate

    message = next(f.message for f in evaluate(ev, "national-2020").findings if f.code == "SCR005")
    assert "产出指标50分的各指标分值合计60分，超过该项的50分" in message and "未填分值的指标不得分" in message


@pytest.mark.parametrize("weights", [["30", "20", None], ["25", "25", "0"], ["2", "1", "1"], ["50", None, None]])
def test_weights_within_the_items_points_are_no_slip(weights):
    assert _weight_findings(with_weights(make_ev(OUTPUT), "quantity", weights)) == []


def test_a_weight_with_more_than_two_decimals_is_taken_to_the_cent():
    precise = with_weights(make_ev(OUTPUT), "quantity", ["10.005", "20", "10"])
    rounded = with_weights(make_ev(OUTPUT), "quantity", ["10.01", "20", "10"])
    rules = load_rules("national-2020")
    assert [i.available for i in score(precise, rules).items] == [i.available for i in score(rounded, rules).items]
    assert _weight_findings(precise) == [("SCR006", "indicators.quantity[0].weight")]
    assert _weight_findings(rounded) == []


def test_weights_under_items_scored_as_a_whole_are_not_read():
    ev = with_weights(make_ev(OUTPUT), "quantity", ["-5", "99.999", "30"])
    assert _weight_findings(ev, "guangdong-municipal") == []
