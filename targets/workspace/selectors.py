"""Reads behind 我的任务: the open periods a user has work in, and per period the records of the
user's departments with their deadline, what is still empty, and the current score. Each period's
list is one query (annotated), paginated by the page, whatever the number of indicators."""

import datetime

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Greatest

from budgets.selectors import department_scope

from ..models import (
    Evaluation,
    IndicatorResult,
    LateEntryException,
    MonitoringEntry,
    MonitoringReport,
    ReportingPeriod,
    ReturnNote,
)
from ..periods.selectors import periods_open_on


def record_model(period: ReportingPeriod):
    return Evaluation if period.kind == ReportingPeriod.Kind.SELF_EVALUATION else MonitoringReport


def _count(queryset, field: str):
    return Coalesce(
        Subquery(queryset.values(field).annotate(n=Count("pk")).values("n")[:1], output_field=IntegerField()),
        Value(0),
    )


def period_records(user, period: ReportingPeriod) -> QuerySet:
    """The period's records the user may see, annotated with `deadline` (the department's due date,
    a late-entry exception included), `empty` (indicators without an entry) and `open_notes`."""
    model = record_model(period)
    exception = LateEntryException.objects.filter(period=period, department=OuterRef("sheet__department")).values(
        "until"
    )[:1]
    if model is Evaluation:
        empty = IndicatorResult.objects.filter(
            evaluation=OuterRef("pk"), actual_text="", assessment_level="", not_applicable=False
        )
        empty_field, notes_field = "evaluation", "evaluation"
    else:
        empty = MonitoringEntry.objects.filter(report=OuterRef("pk"), value_to_date="")
        empty_field, notes_field = "report", "monitoring_report"
    notes = ReturnNote.objects.filter(**{notes_field: OuterRef("pk")}, resolved_at__isnull=True)
    return (
        model.objects.filter(department_scope(user, prefix="sheet__department"), period=period)
        .select_related("sheet__department", "sheet__project", "period")
        .annotate(
            deadline=Greatest("period__due_date", Coalesce(Subquery(exception), "period__due_date")),
            empty=_count(empty, empty_field),
            open_notes=_count(notes, notes_field),
        )
    )


def filter_records(records: QuerySet, *, department=None, status: str = "", name: str = "") -> QuerySet:
    if department is not None:
        records = records.filter(sheet__department=department)
    if status:
        records = records.filter(status=status)
    if name:
        records = records.filter(Q(sheet__project__name__icontains=name) | Q(sheet__title__icontains=name))
    return records


def work_periods(user, day: datetime.date) -> list[ReportingPeriod]:
    """Open periods in which the user's departments have records, newest first."""
    periods = periods_open_on(day)
    with_records = set(
        Evaluation.objects.filter(department_scope(user, prefix="sheet__department"), period__in=periods)
        .values_list("period_id", flat=True)
        .distinct()
    ) | set(
        MonitoringReport.objects.filter(department_scope(user, prefix="sheet__department"), period__in=periods)
        .values_list("period_id", flat=True)
        .distinct()
    )
    return sorted((p for p in periods if p.pk in with_records), key=lambda p: (p.due_date, p.pk), reverse=True)
