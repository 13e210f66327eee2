"""A stored result assessed from its stored inputs: the indicator's parsed target, the parsed actual,
the weight, the evaluator's judgement and the rule profile version of its evaluation.

Explanations are not stored: they follow from those inputs and the (immutable) profile version, so
they are produced when a row is shown and always match its score.
"""

from django.utils.translation import gettext as _

from ..models import IndicatorResult
from ..scoring import Assessment, Flag, IndicatorScore, Rules, round_score, score_indicator


def assess_result(result: IndicatorResult, rules: Rules) -> IndicatorScore:
    """Score, flag and explanation of a result; a result that cannot be scored (units that do not
    compare, points outside their band) gets Flag.ERROR and the reason, never an exception."""
    if result.not_applicable:
        return IndicatorScore(None, "", _("不适用，不计分"))
    if not result.actual_text and not result.assessment_level:
        return IndicatorScore(None, "", "")
    grade = Assessment(result.assessment_level, result.assessment_points) if result.assessment_level else None
    try:
        return score_indicator(result.indicator.target, result.actual, result.weight, rules, grade)
    except ValueError as exc:
        return IndicatorScore(None, Flag.ERROR, str(exc))


def result_explanation(result: IndicatorResult, rules: Rules | None = None) -> str:
    """The plain-Chinese explanation of a stored score ("实际 95% 未达目标 ≥98%，按比例得 9.69 分"),
    followed by the supervisor's adjustment when there is one."""
    text = assess_result(result, rules or result.evaluation.profile.as_rules()).explanation
    if result.override_score is not None:
        adjusted = _("审核调整为 %(score)s 分：%(reason)s") % {
            "score": round_score(result.override_score),
            "reason": result.override_reason,
        }
        text = f"{text}；{adjusted}" if text else adjusted
    return text
