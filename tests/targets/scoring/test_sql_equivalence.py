"""The SQL form of the scoring rules (used to rescore a whole year inside PostgreSQL) gives the same
score and flag as the Python reference `score_indicator`, for every kind of input."""

from decimal import Decimal

import pytest
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from targets.assessment.explanation import assess_result
from targets.models import Indicator, IndicatorResult
from targets.scoring import Comparator, Nature, QualitativeBand, Rules, parse_target
from targets.scoring.sql import INPUTS, ProfileRules, scoring_sql, unit_base_sql, unit_factor_sql
from targets.scoring.units import UNIT_FAMILIES, split_unit
from tests.conftest import running_in_ci

D = Decimal
TYPES = {
    "weight": "numeric",
    "not_applicable": "boolean",
    "actual_text": "text",
    "actual_comparator": "text",
    "actual_number": "numeric",
    "actual_unit": "text",
    "assessment_level": "text",
    "assessment_points": "numeric",
    "target_comparator": "text",
    "target_number": "numeric",
    "target_unit": "text",
    "target_nature": "text",
}


def postgresql_only():
    if connection.vendor != "postgresql":
        if running_in_ci():
            pytest.fail("CI must run the SQL scoring equivalence on PostgreSQL")
        pytest.skip("the SQL scorer runs on PostgreSQL only")


numbers = st.decimals(min_value=0, max_value=100000, places=2) | st.sampled_from([D(0), D(1), D(12), D(60), D(100)])
FAMILIES = [
    ["%", "‰"],
    ["元", "万元", "亿元"],
    ["次", "万次", "亿次"],
    ["小时", "分钟", "天", "周"],
    ["月", "年"],
    ["个"],
    [""],
]
UNITS = [unit for family in FAMILIES for unit in family]
QUALITATIVE = {"comparator": Comparator.QUALITATIVE, "number": None, "unit": "", "nature": Nature.QUALITATIVE}


@st.composite
def target_and_actual(draw):
    """Mostly comparable pairs, with actuals on and around the thresholds where branches change."""
    comparator = draw(st.sampled_from(list(Comparator)))
    if comparator == Comparator.QUALITATIVE:
        target = {**QUALITATIVE, "text": "提高"}
    else:
        number, unit = draw(numbers), draw(st.sampled_from(UNITS))
        target = {"comparator": comparator, "number": number, "unit": unit, "nature": Nature.QUANTITATIVE}
        target["text"] = f"{number}{unit}"
    if draw(st.integers(0, 9)) == 0:
        return target, {**QUALITATIVE, "text": "已完成"}
    goal = target["number"] if target["number"] is not None else draw(numbers)
    family = next(f for f in FAMILIES if target["unit"] in f)
    unit = draw(st.sampled_from([target["unit"]] * 2 + family + UNITS))
    factor = draw(st.sampled_from([D(0), D("0.5"), D("0.99"), D(1), D("1.01"), D("1.2"), D("1.5"), D(2)]))
    number = draw(st.sampled_from([goal * factor, draw(numbers)]))
    actual_comparator = draw(st.sampled_from([Comparator.EQ] * 4 + [Comparator.GE, Comparator.RANGE]))
    actual = {"comparator": actual_comparator, "number": number, "unit": unit, "nature": Nature.QUANTITATIVE}
    actual["text"] = f"{number}{unit}"
    return target, actual


@st.composite
def rules(draw) -> Rules:
    achieved = draw(st.decimals(min_value=D("0.5"), max_value=D("0.95"), places=2))
    partial = draw(st.decimals(min_value=D("0.05"), max_value=achieved - D("0.05"), places=2))
    return Rules(
        reverse_formula=draw(st.sampled_from(["ratio", "linear"])),
        over_achievement=draw(
            st.sampled_from([D("0.2"), D("0.5"), D("1")]) | st.decimals(min_value=D("0.05"), max_value=D("1"), places=2)
        ),
        bands=(
            QualitativeBand("achieved", "达成年度指标", achieved, D(1), True),
            QualitativeBand("partial", "部分达成年度指标并具有一定效果", partial, achieved, False),
            QualitativeBand("not_achieved", "未达成年度指标且效果较差", D(0), partial, False),
        ),
    )


@st.composite
def results(draw) -> IndicatorResult:
    target, actual = draw(target_and_actual())
    weight = draw(st.decimals(min_value=0, max_value=50, places=2))
    level = draw(
        st.sampled_from(["", "", "achieved", "partial", "not_achieved", "部分达成年度指标并具有一定效果", "bogus"])
    )
    points = draw(
        st.none() | st.decimals(min_value=0, max_value=60, places=2) | st.sampled_from([weight, weight * D("0.8")])
    )
    indicator = Indicator(
        name="指标",
        target_text=target["text"],
        comparator=target["comparator"],
        target_number=target["number"],
        unit=target["unit"],
        nature=target["nature"],
    )
    return IndicatorResult(
        indicator=indicator,
        weight=weight,
        actual_text=draw(st.sampled_from([actual["text"], ""])),
        actual_comparator=actual["comparator"],
        actual_number=actual["number"],
        actual_unit=actual["unit"],
        not_applicable=draw(st.booleans()),
        assessment_level=level,
        assessment_points=points,
    )


def _inputs(result: IndicatorResult) -> list:
    indicator = result.indicator
    return [
        result.weight,
        result.not_applicable,
        result.actual_text,
        result.actual_comparator,
        result.actual_number,
        result.actual_unit,
        result.assessment_level,
        result.assessment_points,
        indicator.comparator,
        indicator.target_number,
        indicator.unit,
        indicator.nature,
    ]


def sql_scores(rows: list[IndicatorResult], profile: Rules) -> list[tuple]:
    profile_rules = ProfileRules.of({1: profile})
    score, flag = scoring_sql({name: f"s.{name}" for name in INPUTS}, "pr", profile_rules.band_keys)
    placeholder = "(" + ", ".join(["%s::integer"] + [f"%s::{TYPES[name]}" for name in INPUTS]) + ")"
    values = ", ".join([placeholder] * len(rows))
    params = [value for index, row in enumerate(rows) for value in [index, *_inputs(row)]]
    sql = (
        f"WITH {profile_rules.sql}, s(position, {', '.join(INPUTS)}) AS (VALUES {values}) "  # noqa: S608
        f"SELECT {score}, {flag} FROM s JOIN profile_rules pr ON pr.profile_id = 1 ORDER BY s.position"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*profile_rules.params, *params])
        return [(score, flag) for score, flag in cursor.fetchall()]


def python_scores(rows: list[IndicatorResult], profile: Rules) -> list[tuple]:
    scored = [assess_result(row, profile) for row in rows]
    return [(s.score, str(s.flag)) for s in scored]


class TestSqlScoringMatchesPython(TestCase):
    @settings(max_examples=150, deadline=None)
    @given(st.lists(results(), min_size=1, max_size=40), rules())
    def test_same_score_and_flag(self, rows, profile):
        postgresql_only()
        assert sql_scores(rows, profile) == python_scores(rows, profile)


def _result(target, actual, weight, **extra) -> IndicatorResult:
    t, a = parse_target(target), parse_target(actual)
    indicator = Indicator(
        target_text=target, comparator=t.comparator, target_number=t.number, unit=t.unit, nature=t.nature
    )
    return IndicatorResult(
        indicator=indicator,
        weight=D(weight),
        actual_text=actual,
        actual_comparator=a.comparator,
        actual_number=a.number,
        actual_unit=a.unit,
        **extra,
    )


WORKED = [
    _result("≥98%", "95%", 10),  # 9.69, not met
    _result("≥100人", "180人", 10),  # over-achieved
    _result("≤2小时", "3小时", 10),  # negative, ratio
    _result("≤2小时", "90分钟", 10),  # converted, met
    _result("≥1年", "7个月", "0.06"),  # one exact division: 0.035 rounds half-up to 0.04
    _result("≥150亿次", "120万次", 10),  # 亿次 vs 万次
    _result("≥150万元", "1200000元", 10),  # 万元 vs 元, met
    _result("≥95%", "3小时", 10),  # units that do not compare: error
    _result("=0起", "0起", 5),  # zero target met
    _result("=0起", "2起", 5),  # zero target missed
    _result("提高", "明显提高", 10, assessment_level="achieved", assessment_points=D("8.50")),
    _result("提高", "明显提高", 10, assessment_level="partial", assessment_points=D("8.50")),  # outside band
    _result("提高", "", 10),  # nothing entered
    _result("≥98%", "95%", 10, not_applicable=True),
]


@pytest.mark.django_db
@pytest.mark.parametrize("reverse", ["ratio", "linear"])
def test_worked_examples_agree(reverse):
    postgresql_only()
    profile = Rules(reverse_formula=reverse)
    python = python_scores(WORKED, profile)
    assert sql_scores(WORKED, profile) == python
    assert python[4] == (D("0.04"), "not_met")
    assert python[7][1] == "error"


@pytest.mark.django_db
def test_unit_tables_are_the_same_in_sql():
    postgresql_only()
    units = [*UNIT_FAMILIES, "百万元", "亿次", "万人次", "千米", "万", "元", "个工作日", ""]
    with connection.cursor() as cursor:
        expressions = f"{unit_base_sql('u')}, {unit_factor_sql('u')}"
        cursor.execute(
            f"SELECT {expressions} FROM unnest(%s::text[]) WITH ORDINALITY AS t(u, n) ORDER BY n",  # noqa: S608
            [units],
        )
        assert cursor.fetchall() == [split_unit(unit) for unit in units]
