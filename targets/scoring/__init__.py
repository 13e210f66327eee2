"""Public scoring API: parse a printed value, score an indicator, score budget execution, grade.

from targets.scoring import parse_target, score_indicator, grade_for
"""

from .indicator import Assessment, Flag, IndicatorScore, round_score, score_indicator
from .rules import DEFAULT_RULES, QualitativeBand, Rules
from .totals import BudgetScore, budget_score, grade_for, spread_weights, total_score
from .units import UnitMismatch, scale_factors
from .values import Comparator, Nature, Target, parse_target

__all__ = [
    "DEFAULT_RULES",
    "Assessment",
    "BudgetScore",
    "Comparator",
    "Flag",
    "IndicatorScore",
    "Nature",
    "QualitativeBand",
    "Rules",
    "Target",
    "UnitMismatch",
    "budget_score",
    "grade_for",
    "parse_target",
    "round_score",
    "scale_factors",
    "score_indicator",
    "spread_weights",
    "total_score",
]
