"""Budget execution score, default weights, totals and grades."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from budgets.money import plain_number

from .indicator import CENT, round_score
from .rules import DEFAULT_RULES, Rules


@dataclass(frozen=True)
class BudgetScore:
    rate: Decimal | None  # fraction, 4 places
    score: Decimal
    explanation: str
    needs_explanation: bool


def budget_score(*, budget: Decimal | None, executed: Decimal, profile: Rules | None = None) -> BudgetScore:
    """Execution rate = executed / full-year budget; score = weight × min(rate, 1)."""
    rules = profile or DEFAULT_RULES
    if not budget:
        return BudgetScore(None, Decimal("0.00"), "没有全年预算数，预算执行率无法计算", True)
    rate = (Decimal(executed) / Decimal(budget)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    score = round_score(rules.budget_weight * min(rate, Decimal(1)))
    percent = (rate * 100).quantize(CENT, rounding=ROUND_HALF_UP)
    below = rate < rules.budget_explanation_below
    text = (
        f"全年预算 {plain_number(budget)} 万元，执行 {plain_number(executed)} 万元，"
        f"执行率 {plain_number(percent)}%，得 {score} 分"
    )
    if below:
        text += f"；低于 {(rules.budget_explanation_below * 100).normalize()}% 需说明原因"
    return BudgetScore(rate, score, text, below)


def spread_weights(level1_codes: list[str], profile: Rules | None = None) -> list[Decimal]:
    """Default weights when the disclosure prints none: each 一级's weight split equally among its
    indicators, rounded half-up to two places, the last indicator taking the rounding remainder so
    that every 一级 adds up exactly."""
    rules = profile or DEFAULT_RULES
    groups: dict[str, list[int]] = defaultdict(list)
    for index, code in enumerate(level1_codes):
        groups[rules.weight_group(code)].append(index)
    weights = [Decimal(0)] * len(level1_codes)
    for group, indices in groups.items():
        total = rules.level1_weights.get(group, Decimal(0))
        share = round_score(total / len(indices))
        for index in indices:
            weights[index] = share
        weights[indices[-1]] = total - share * (len(indices) - 1)
    return weights


def total_score(
    row_scores: list[Decimal], budget: Decimal, *, excluded_weight: Decimal = Decimal(0), profile: Rules | None = None
) -> Decimal:
    """Sum of the rounded rows and the budget score; with not-applicable indicators excluded, the
    profile may rescale the total to 100."""
    rules = profile or DEFAULT_RULES
    total = sum((round_score(score) for score in row_scores), Decimal(0)) + round_score(budget)
    if excluded_weight and rules.rescale_not_applicable and excluded_weight < 100:
        total = round_score(total * Decimal(100) / (Decimal(100) - excluded_weight))
    return total


def grade_for(total, profile: Rules | None = None) -> str:
    rules = profile or DEFAULT_RULES
    value = Decimal(total)
    for threshold, grade in rules.grade_bands:
        if value >= threshold:
            return grade
    return rules.lowest_grade
