"""The reporting loop of `make run`'s demo: an open self-evaluation period for the imported samples,
with one sheet partly filled, one submitted and one returned, so a newcomer sees every state.
Idempotent: a second run changes nothing. Everything goes through the services."""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from budgets.models import Department
from budgets.money import plain_number

from .assessment.services import evaluation_budget_set, evaluation_submit, indicator_result_record
from .models import Evaluation, ReportingPeriod
from .periods.services import reporting_period_create, reporting_period_open
from .review.services import submission_return
from .scoring import Comparator

DEMO_DEPARTMENT = "ZZ-OFFICE"  # the demo staff account's department (budgets.demo)


def _met_value(indicator) -> dict:
    """An actual that meets the target, as a department would report it."""
    if indicator.comparator in (Comparator.QUALITATIVE, Comparator.RANGE) or indicator.target_number is None:
        return {"actual_text": _("已完成"), "assessment_level": "achieved"}
    return {"actual_text": f"{plain_number(indicator.target_number)}{indicator.unit}"}


def _fill(evaluation: Evaluation, actor, *, limit: int | None = None) -> None:
    rows = list(evaluation.results.select_related("indicator").order_by("indicator__order"))
    for result in rows[:limit]:
        values = _met_value(result.indicator)
        if values.get("assessment_level"):
            values["assessment_points"] = result.weight
        indicator_result_record(result=result, actor=actor, **values)


@transaction.atomic
def reporting_demo_ensure(*, today: datetime.date | None = None) -> ReportingPeriod | None:
    department = Department.objects.filter(code=DEMO_DEPARTMENT).first()
    if department is None:
        return None
    sheets = department.target_sheets.filter(period="annual", is_current=True).order_by("project__name")
    year = sheets.values_list("year", flat=True).first()
    if year is None:
        return None
    existing = ReportingPeriod.objects.filter(year=year, kind=ReportingPeriod.Kind.SELF_EVALUATION).first()
    if existing is not None:
        return existing
    today = today or timezone.localdate()
    User = get_user_model()
    staff, supervisor = User.objects.get(username="staff"), User.objects.get(username="supervisor")
    period = reporting_period_create(
        year=year,
        kind=ReportingPeriod.Kind.SELF_EVALUATION,
        cut_off_date=datetime.date(year, 12, 31),
        opens_on=today - datetime.timedelta(days=10),
        due_date=today + datetime.timedelta(days=20),
        actor=supervisor,
    )
    reporting_period_open(period=period, actor=None)
    evaluations = list(
        Evaluation.objects.filter(period=period, sheet__department=department, sheet__project__isnull=False)
        .select_related("sheet__project", "profile")
        .order_by("sheet__project__name")
    )
    if len(evaluations) < 3:
        return period
    partly, submitted, returned = evaluations[:3]
    _fill(partly, staff, limit=2)
    for evaluation in (submitted, returned):
        _fill(evaluation, staff)
        budget = evaluation.budget_full_year or 0
        evaluation_budget_set(
            evaluation=evaluation, full_year_budget=budget, executed=budget * 95 / 100 if budget else 0, actor=staff
        )
        evaluation_submit(evaluation=evaluation, actor=staff)
    first_row = returned.results.select_related("indicator").order_by("indicator__order").first()
    submission_return(
        record=returned,
        indicator_messages={first_row.indicator_id: _("完成值与年度报告不一致，请核对后附上统计表。")},
        actor=supervisor,
    )
    return period
