"""In-year monitoring (双监控) rules: time progress, the budget warning colour, and when deviation
reasons, an explanation and a corrective measure are required."""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from .rules import DEFAULT_RULES, Rules


class Likelihood(models.TextChoices):
    CERTAIN = "certain", _("确定能")
    POSSIBLE = "possible", _("有可能")
    IMPOSSIBLE = "impossible", _("完全不可能")


class DeviationReason(models.TextChoices):
    FUNDING = "funding", _("经费保障")
    INSTITUTIONS = "institutions", _("制度保障")
    STAFFING = "staffing", _("人员保障")
    HARDWARE = "hardware", _("硬件条件保障")
    OTHER = "other", _("其他")


class Measure(models.TextChoices):
    IMPROVE_MANAGEMENT = "improve_management", _("完善项目管理")
    CHANGE_PATH = "change_path", _("调整实施路径")
    ADJUST_TARGET = "adjust_target", _("调整绩效目标")
    ADJUST_BUDGET = "adjust_budget", _("调整预算")
    SUSPEND_PROJECT = "suspend_project", _("暂停项目")
    SUSPEND_FUNDING = "suspend_funding", _("暂缓拨款")


def months_elapsed(cut_off: datetime.date) -> int:
    """Whole months of data at the cut-off: data as of 31 July → 7, as of 15 July → 6."""
    return cut_off.month if cut_off.day >= 28 or cut_off.month == 12 else cut_off.month - 1


def time_progress(cut_off: datetime.date) -> Decimal:
    """Months elapsed at the cut-off over 12: data as of 31 July → 7/12."""
    return (Decimal(months_elapsed(cut_off)) / Decimal(12)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def budget_warning(execution_rate: Decimal | None, progress: Decimal, profile: Rules | None = None) -> str:
    """Green, or yellow/red when execution trails time progress by more than the profile's gaps
    (percentage points). No budget to measure against is red: nobody can tell."""
    rules = profile or DEFAULT_RULES
    if execution_rate is None:
        return "red"
    gap = (progress - execution_rate) * 100
    if gap > rules.red_gap:
        return "red"
    if gap > rules.yellow_gap:
        return "yellow"
    return "green"


def missing_for_deviation(
    *, likelihood: str, warning: str, reasons: list[str], explanation: str, measure: str
) -> list[str]:
    """What must still be given: reasons, explanation and a corrective measure are mandatory when the
    target may not be met (有可能/完全不可能) or the budget warning is red."""
    if likelihood == Likelihood.CERTAIN and warning != "red":
        return []
    missing = []
    if not reasons or any(reason not in DeviationReason.values for reason in reasons):
        missing.append(str(_("偏差原因")))
    if not (explanation or "").strip():
        missing.append(str(_("原因说明")))
    if measure not in Measure.values:
        missing.append(str(_("纠偏措施")))
    return missing
