"""Budget execution: monthly spending, the adjusted full-year budget, and the rate to date.

Writers are services (audited, atomic); `execution_rate` is the read used by monitoring and scoring.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from .audit import audit_record, diff_fields
from .models import BudgetAdjustment, ExecutionRecord, Funding, FundingPeriod, Project
from .money import quantize_wan
from .selectors import user_can_see_department


def _check_access(project: Project, actor) -> None:
    if actor is not None and not user_can_see_department(actor, project.department):
        raise PermissionDenied(_("您无权填报该部门项目的预算执行。"))


def _locked_project(project: Project) -> Project:
    """Writers of a project's monthly records lock the project first: two people creating the same
    month then queue up instead of one of them hitting the unique constraint."""
    return Project.objects.select_for_update().select_related("department").get(pk=project.pk)


def _amount(spent) -> Decimal:
    if isinstance(spent, float):
        raise ValidationError(_("金额必须是十进制数，不能是浮点数。"))
    try:
        amount = Decimal(str(spent).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError(_("支出金额“%(v)s”不是数字。") % {"v": spent}) from None
    if not amount.is_finite():
        raise ValidationError(_("支出金额“%(v)s”不是数字。") % {"v": spent})
    return quantize_wan(amount)


@transaction.atomic
def execution_record_set(
    *, project: Project, month: int, spent: Decimal, actor, source: str = "manual", note: str = ""
) -> ExecutionRecord:
    """Create or update the one record of a project and month."""
    project = _locked_project(project)
    _check_access(project, actor)
    record = ExecutionRecord.objects.filter(project=project, month=month).first()
    data = {"spent": _amount(spent), "source": source, "note": (note or "").strip()}
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
def execution_record_update(
    *, record: ExecutionRecord, month: int, spent: Decimal, actor, note: str = ""
) -> ExecutionRecord:
    """Change a record in place, its month included; a month that already has a record is refused
    (edit that one instead), so there is never a second record for one month."""
    record = ExecutionRecord.objects.select_related("project").get(pk=record.pk)
    project = _locked_project(record.project)
    _check_access(project, actor)
    record = ExecutionRecord.objects.select_for_update().get(pk=record.pk)
    if month != record.month and ExecutionRecord.objects.filter(project=project, month=month).exists():
        message = _("%(project)s 的 %(month)s 月已有支出记录，请直接修改那一条。")
        raise ValidationError({"month": message % {"project": project.name, "month": month}})
    data = {"month": month, "spent": _amount(spent), "note": (note or "").strip()}
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
    project = _locked_project(project)
    _check_access(project, actor)
    if not (reason or "").strip():
        raise ValidationError(_("调整全年预算必须说明原因。"))
    adjustment = BudgetAdjustment.objects.filter(project=project).first() or BudgetAdjustment(project=project)
    old = None if adjustment.pk is None else str(adjustment.full_year_budget)
    adjustment.full_year_budget = _amount(full_year_budget)
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


def execution_rates(project_ids, *, through_month: int = 12) -> dict[int, ExecutionRate]:
    """`execution_rate` for many projects in three queries (adjustments, annual funds, spending)."""
    ids = list(project_ids)
    adjusted = dict(BudgetAdjustment.objects.filter(project_id__in=ids).values_list("project_id", "full_year_budget"))
    annual = dict(
        Funding.objects.filter(project_id__in=ids, period=FundingPeriod.ANNUAL).values_list("project_id", "total")
    )
    spent = dict(
        ExecutionRecord.objects.filter(project_id__in=ids, month__lte=through_month)
        .values("project_id")
        .annotate(total=Sum("spent"))
        .values_list("project_id", "total")
    )
    rates = {}
    for project_id in ids:
        budget = adjusted.get(project_id, annual.get(project_id))
        amount = Decimal(spent.get(project_id) or 0)
        rate = (amount / budget).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP) if budget else None
        rates[project_id] = ExecutionRate(
            budget=budget, spent=quantize_wan(amount), through_month=through_month, rate=rate
        )
    return rates
