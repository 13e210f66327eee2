"""Scoring rules: the worked examples of performance-rules.md, and properties that must always hold."""

import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from targets.scoring import (
    Assessment,
    Flag,
    Rules,
    UnitMismatch,
    budget_score,
    grade_for,
    parse_target,
    round_score,
    score_indicator,
    spread_weights,
    total_score,
)

D = Decimal
GOLD = Path(__file__).resolve().parents[3] / "fixtures" / "gold"


# -- worked examples (weight 10 unless stated) ---------------------------------------------------


def test_positive_not_met_is_proportional():
    result = score_indicator("≥98%", "95%", 10)
    assert (result.score, result.flag) == (D("9.69"), Flag.NOT_MET)
    assert result.explanation == "实际 95% 未达目标 ≥98%，按比例得 9.69 分"
    assert result.needs_explanation


def test_far_over_target_is_full_but_flagged():
    result = score_indicator("≥100人", "180人", 10)
    assert (result.score, result.flag, result.needs_explanation) == (D("10.00"), Flag.OVER_ACHIEVED, True)


@pytest.mark.parametrize(("formula", "expected"), [("ratio", D("6.67")), ("linear", D("5.00"))])
def test_negative_not_met(formula, expected):
    assert score_indicator("≤2小时", "3小时", 10, profile=Rules(reverse_formula=formula)).score == expected


def test_zero_target_scores_only_when_zero():
    assert score_indicator("=0起", "1起", 10).score == D("0.00")
    assert score_indicator("=0起", "0起", 10).score == D("10.00")


def test_qualitative_is_judged_inside_its_band():
    asked = score_indicator("提高", "有所提高", 10, grade="achieved")
    assert (asked.score, asked.flag) == (None, Flag.NEEDS_JUDGEMENT)
    assert "8.00–10.00" in asked.explanation
    assert score_indicator("提高", "有所提高", 10, grade=Assessment("achieved", D("8"))).score == D("8.00")
    assert score_indicator("提高", "有所提高", 10, grade=Assessment("partial", D("6"))).score == D("6.00")
    with pytest.raises(ValueError, match="超出范围"):
        score_indicator("提高", "有所提高", 10, grade=Assessment("partial", D("8")))
    with pytest.raises(ValueError, match="超出范围"):
        score_indicator("提高", "有所提高", 10, grade=Assessment("achieved", D("7.99")))


def test_budget_execution_score():
    result = budget_score(budget=D("200.00"), executed=D("183.00"))
    assert (result.rate, result.score, result.needs_explanation) == (D("0.9150"), D("9.15"), False)
    assert budget_score(budget=D("200"), executed=D("150")).needs_explanation
    assert budget_score(budget=D("200"), executed=D("260")).score == D("10.00")


def test_total_and_grade():
    total = total_score([D("46.20"), D("28.00"), D("9.50")], D("9.15"))
    assert total == D("92.85")
    assert grade_for(total) == "优"
    assert [grade_for(v) for v in (D("90"), D("89.99"), D("80"), D("60"), D("59.99"))] == ["优", "良", "良", "中", "差"]


def test_not_applicable_rescales_when_the_profile_says_so():
    assert total_score([D("40"), D("27")], D("9"), excluded_weight=D("10")) == D("84.44")
    assert total_score(
        [D("40"), D("27")], D("9"), excluded_weight=D("10"), profile=Rules(rescale_not_applicable=False)
    ) == D("76.00")


def test_units_convert_or_refuse():
    assert score_indicator("≥150 亿次", "16000000万次", 10).flag == Flag.OVER_ACHIEVED
    assert score_indicator("≤87 万元", "870000元", 10).flag == Flag.MET
    assert score_indicator("≤2小时", "90分钟", 10).flag == Flag.MET
    with pytest.raises(UnitMismatch, match="“台”与目标单位“个”"):
        score_indicator("≥10个", "12台", 10)


def test_non_numeric_actual_needs_judgement():
    assert score_indicator("≥98%", "已完成", 10).flag == Flag.NEEDS_JUDGEMENT


def test_default_weights_add_up_per_level1():
    weights = spread_weights(["OUTPUT"] * 7 + ["BENEFIT"] * 3 + ["SATISFACTION", "COST"])
    assert sum(weights) == D(90)
    assert sum(weights[:7]) + weights[-1] == D(50)
    assert weights[:3] == [D("6.25")] * 3
    assert spread_weights(["OUTPUT"] * 3)[-1] == D("16.66") and sum(spread_weights(["OUTPUT"] * 3)) == D(50)


def test_every_gold_target_value_parses_and_scores_without_crashing():
    for path in GOLD.glob("*.json"):
        performance = json.loads(path.read_text(encoding="utf-8"))["performance"]
        values = [i["value"] for p in performance["projects"] for i in p["indicators"]]
        values += [i["value"] for s in performance["department_targets"] for i in s["indicators"]]
        for value in values:
            target = parse_target(value)
            actual = f"{target.number}{target.unit}" if target.is_quantitative else "已完成"
            result = score_indicator(value, actual, 10, grade=Assessment("achieved", D(9)))
            assert result.score is not None and D(0) <= result.score <= D(10), value


# -- properties ------------------------------------------------------------------------------

weights = st.decimals(min_value=D("0.5"), max_value=D(50), places=2)
targets = st.decimals(min_value=D("0.01"), max_value=D(100000), places=2)
actuals = st.decimals(min_value=D(0), max_value=D(1000000), places=2)
positive = st.sampled_from(["≥", ">", "="])
negative = st.sampled_from(["≤", "<"])
units = st.sampled_from(["%", "个", "万元", "小时", ""])


@given(st.one_of(positive, negative), targets, actuals, weights, units)
def test_score_within_zero_and_weight(symbol, target, actual, weight, unit):
    result = score_indicator(f"{symbol}{target}{unit}", f"{actual}{unit}", weight)
    assert D(0) <= result.score <= round_score(weight)


@given(positive, targets, actuals, actuals, weights)
def test_monotonic_for_positive_targets(symbol, target, a, b, weight):
    low, high = sorted((a, b))
    assert (
        score_indicator(f"{symbol}{target}个", f"{low}个", weight).score
        <= score_indicator(f"{symbol}{target}个", f"{high}个", weight).score
    )


@given(negative, targets, actuals, actuals, weights, st.sampled_from(["ratio", "linear"]))
def test_inverse_for_negative_targets(symbol, target, a, b, weight, formula):
    low, high = sorted((a, b))
    rules = Rules(reverse_formula=formula)
    assert (
        score_indicator(f"{symbol}{target}天", f"{low}天", weight, profile=rules).score
        >= score_indicator(f"{symbol}{target}天", f"{high}天", weight, profile=rules).score
    )


@given(st.sampled_from(["≥", "≤", "="]), targets, weights)
def test_met_targets_get_the_full_weight(symbol, target, weight):
    result = score_indicator(f"{symbol}{target}%", f"{target}%", weight)
    assert result.score == round_score(weight)
    assert result.met


@given(
    st.lists(st.decimals(min_value=D(0), max_value=D(20), places=4), max_size=12),
    st.decimals(min_value=D(0), max_value=D(10), places=4),
)
def test_total_is_the_sum_of_rounded_rows(rows, budget):
    assert total_score(rows, budget) == sum(round_score(r) for r in rows) + round_score(budget)


@given(
    st.sampled_from(["achieved", "partial", "not_achieved"]),
    weights,
    st.decimals(min_value=D(0), max_value=D(1), places=3),
)
def test_qualitative_points_outside_the_band_are_refused(level, weight, fraction):
    band = Rules().band(level)
    points = (weight * fraction).quantize(D("0.001"))
    assume(points == weight * fraction)
    inside = band.contains(points / weight)
    if inside:
        assert score_indicator("有效", "有效", weight, grade=Assessment(level, points)).score == round_score(points)
    else:
        with pytest.raises(ValueError):
            score_indicator("有效", "有效", weight, grade=Assessment(level, points))
