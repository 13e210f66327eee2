"""Score one indicator: its target as printed, what was achieved, its weight and the rule profile.

- Positive targets (≥, >, =): met → full weight; else weight × actual / target; more than the
  profile's threshold above target → full weight, flagged for an explanation.
- Negative targets (≤, <): met → full weight; else weight × target / actual (or linear:
  weight × max(0, 1 − (actual − target) / target)).
- "=0" targets (zero accidents) score full only when the actual is 0.
- Qualitative and range targets, or an actual that is not a number, are judged by the evaluator:
  a grade and points inside that grade's band; points outside the band are refused.
Scores are rounded half-up to two decimals.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from .rules import DEFAULT_RULES, Rules
from .units import scale_factors
from .values import Comparator, Target, parse_target

CENT = Decimal("0.01")
SYMBOLS = {Comparator.GE: "≥", Comparator.GT: ">", Comparator.EQ: "=", Comparator.LE: "≤", Comparator.LT: "<"}


class Flag(models.TextChoices):
    MET = "met", _("达成")
    NOT_MET = "not_met", _("未达成")
    OVER_ACHIEVED = "over_achieved", _("大幅超额完成")
    NEEDS_JUDGEMENT = "needs_judgement", _("待评价人评定")
    JUDGED = "judged", _("评价人评定")
    ERROR = "error", _("无法计分")


@dataclass(frozen=True)
class Assessment:
    """The evaluator's judgement of a qualitative indicator: a band and the points given."""

    level: str
    points: Decimal | None = None


@dataclass(frozen=True)
class IndicatorScore:
    score: Decimal | None
    flag: str
    explanation: str
    needs_explanation: bool = False

    @property
    def met(self) -> bool | None:
        if self.flag in {Flag.MET, Flag.OVER_ACHIEVED}:
            return True
        if self.flag == Flag.NOT_MET:
            return False
        return None


def round_score(value: Decimal) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def _fmt(value: Decimal) -> str:
    text = format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _shown(target: Target) -> str:
    return f"{SYMBOLS.get(target.comparator, '')}{_fmt(target.number)}{target.unit}"


def _judged(target_text: str, actual_text: str, weight: Decimal, rules: Rules, grade) -> IndicatorScore:
    if grade is None:
        return IndicatorScore(
            None, Flag.NEEDS_JUDGEMENT, f"目标“{target_text}”、实际“{actual_text}”需由评价人按等级评定分值"
        )
    assessment = grade if isinstance(grade, Assessment) else Assessment(str(grade))
    band = rules.band(assessment.level)
    low, high = round_score(weight * band.low), round_score(weight * band.high)
    if assessment.points is None:
        return IndicatorScore(None, Flag.NEEDS_JUDGEMENT, f"评定为“{band.label}”，请在 {low}–{high} 分之间给分")
    points = Decimal(assessment.points)
    if weight == 0 or not band.contains(points / weight if weight else Decimal(0)):
        bracket = "]" if band.high_inclusive else ")"
        raise ValueError(f"“{band.label}”的分值应在 [{low}, {high}{bracket} 之间，{points} 分超出范围")
    return IndicatorScore(round_score(points), Flag.JUDGED, f"评价人评定为“{band.label}”，得 {round_score(points)} 分")


def _as_target(value: Target | str | None) -> Target:
    return value if isinstance(value, Target) else parse_target(value)


def score_indicator(
    target_text: Target | str,
    actual_text: Target | str,
    weight,
    profile: Rules | None = None,
    grade: Assessment | str | None = None,
) -> IndicatorScore:
    """`target_text` and `actual_text` are the values as printed, or already parsed (an indicator's
    stored target, a result's stored actual)."""
    rules = profile or DEFAULT_RULES
    weight = Decimal(weight)
    if weight < 0:
        raise ValueError("分值不能为负数")
    target, actual = _as_target(target_text), _as_target(actual_text)
    quantitative = target.is_quantitative and target.comparator != Comparator.RANGE
    if not quantitative or not actual.is_quantitative or actual.comparator == Comparator.RANGE:
        return _judged(target.text, actual.text, weight, rules, grade)
    # Both sides scaled to a common base (exact products, no division) so that every score is one
    # division rounded once: the SQL scorer (targets.scoring.sql) computes the very same expression.
    value_factor, goal_factor = scale_factors(from_unit=actual.unit, to_unit=target.unit)
    value, goal = actual.number * value_factor, target.number * goal_factor
    shown_actual = f"{_fmt(actual.number)}{actual.unit}"
    if target.is_negative:
        met = value < goal if target.comparator == Comparator.LT else value <= goal
        if met:
            return IndicatorScore(
                round_score(weight),
                Flag.MET,
                f"实际 {shown_actual} 达到目标 {_shown(target)}，得满分 {round_score(weight)} 分",
            )
        if rules.reverse_formula == "linear":
            raw = weight * max(Decimal(0), 2 * goal - value) / goal if goal else Decimal(0)
            how = "按线性扣分"
        else:
            raw = weight * goal / value if value else Decimal(0)
            how = "按比例"
        score = round_score(raw)
        return IndicatorScore(
            score,
            Flag.NOT_MET,
            f"实际 {shown_actual} 未达目标 {_shown(target)}，{how}得 {score} 分",
            needs_explanation=True,
        )
    if goal == 0 and target.comparator == Comparator.EQ:
        if value == 0:
            return IndicatorScore(
                round_score(weight), Flag.MET, f"实际 {shown_actual} 达到目标 {_shown(target)}，得满分"
            )
        return IndicatorScore(
            Decimal("0.00"),
            Flag.NOT_MET,
            f"目标为 {_shown(target)}，实际 {shown_actual}，得 0 分",
            needs_explanation=True,
        )
    met = value > goal if target.comparator == Comparator.GT else value >= goal
    if met:
        if goal > 0 and value > goal * (1 + rules.over_achievement):
            return IndicatorScore(
                round_score(weight),
                Flag.OVER_ACHIEVED,
                f"实际 {shown_actual} 超过目标 {_shown(target)} 的 {_fmt(rules.over_achievement * 100)}% 以上，"
                f"得满分 {round_score(weight)} 分，需说明原因（评价人可酌情扣分）",
                needs_explanation=True,
            )
        return IndicatorScore(
            round_score(weight),
            Flag.MET,
            f"实际 {shown_actual} 达到目标 {_shown(target)}，得满分 {round_score(weight)} 分",
        )
    raw = weight * max(value, Decimal(0)) / goal if goal else Decimal(0)
    score = min(round_score(raw), round_score(weight))
    return IndicatorScore(
        score,
        Flag.NOT_MET,
        f"实际 {shown_actual} 未达目标 {_shown(target)}，按比例得 {score} 分",
        needs_explanation=True,
    )
