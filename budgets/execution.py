"""Budget execution: monthly spending, the adjusted full-year budget, and the rate to date.

Writers are services (audited, atomic); `execution_rate` is the read used by monitoring and scoring.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from .audit import audit_record, diff_fields
from .models import BudgetAdjustment, ExecutionRecord, FundingPeriod, Project
from .money import quantize_wan
from .selectors import user_can_see_department


def _check_access(project: Project, actor) -> None:
    if actor is not None and not user_can_see_department(actor, project.department):
        raise PermissionDenied(_("您无权填报该部门项目的预算执行。"))


@transaction.atomic
def execution_record_set(
    *, project: Project, month: int, spent: Decimal, actor, source: str = "manual", note: str = ""
) -> ExecutionRecord:
    _check_access(project, actor)
    if isinstance(spent, float):
        raise ValidationError(_("金额必须是十进制数，不能是浮点数。"))
    record = ExecutionRecord.objects.select_for_update().filter(project=project, month=month).first()
    data = {"spent": quantize_wan(Decimal(spent)), "source": source, "note": note}
    if record is None:
        record = ExecutionRecord(project=project, month=month, **data)
        record.full_clean()
        record.save()
        audit_record(actor=actor, action="execution.create", subject=record, changes={"spent": str(record.spent)})
        return record
    changes = diff_fields(record, data)
    for field, value in data.items():
        setattr(record, field, value)
    record.full_clean()
    if changes:
        record.save()
        audit_record(actor=actor, action="execution.update", subject=record, changes=changes)
    return record


@transaction.atomic
def budget_adjust(*, project: Project, full_year_budget: Decimal, reason: str, actor) -> BudgetAdjustment:
    _check_access(project, actor)
    if not (reason or "").strip():
        raise ValidationError(_("调整全年预算必须说明原因。"))
    adjustment = BudgetAdjustment.objects.filter(project=project).first() or BudgetAdjustment(project=project)
    old = None if adjustment.pk is None else str(adjustment.full_year_budget)
    adjustment.full_year_budget = quantize_wan(Decimal(full_year_budget))
    adjustment.reason = reason.strip()
    adjustment.full_clean()
    adjustment.save()
    audit_record(
        actor=actor,
        action="budget.adjust",
        subject=adjustment,
        changes={"full_year_budget": [old, str(adjustment.full_year_budget)], "reason": adjustment.reason},
    )
    return adjustment


@dataclass(frozen=True)
class ExecutionRate:
    budget: Decimal | None
    spent: Decimal
    through_month: int
    rate: Decimal | None  # a fraction, 4 places

    @property
    def percent(self) -> Decimal | None:
        return None if self.rate is None else (self.rate * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def full_year_budget(project: Project) -> Decimal | None:
    try:
        return project.budget_adjustment.full_year_budget
    except BudgetAdjustment.DoesNotExist:
        pass
    funding = next((f for f in project.fundings.all() if f.period == FundingPeriod.ANNUAL), None)
    return funding.total if funding else None


def execution_rate(project: Project, *, through_month: int = 12) -> ExecutionRate:
    """Spent from January to `through_month` over the full-year budget (adjusted, else the annual funds)."""
    budget = full_year_budget(project)
    spent = ExecutionRecord.objects.filter(project=project, month__lte=through_month).aggregate(total=Sum("spent"))[
        "total"
    ] or Decimal(0)
    rate = None
    if budget:
        rate = (Decimal(spent) / budget).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    return ExecutionRate(budget=budget, spent=quantize_wan(spent), through_month=through_month, rate=rate)
