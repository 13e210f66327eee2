"""Reads about reporting periods: which are open, which sheets report in them, and each
department's last day of entry (the period's, or a late-entry exception's)."""

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from budgets.models import FundingPeriod

from ..models import LateEntryException, ReportingPeriod, TargetSheet

MAX_WINDOW = datetime.timedelta(days=400)  # grace days are at most a year; exceptions are looked up apart


def today() -> datetime.date:
    return timezone.localdate()


def sheets_reporting_in(period: ReportingPeriod) -> QuerySet[TargetSheet]:
    """Current annual sheets of the period's year whose targets are set: approved, or imported from a
    published disclosure (a published target is a set target)."""
    return TargetSheet.objects.filter(is_current=True, period=FundingPeriod.ANNUAL, year=period.year).filter(
        Q(status=TargetSheet.Status.APPROVED) | Q(source_document__isnull=False)
    )


def periods_open_on(day: datetime.date) -> list[ReportingPeriod]:
    """Periods whose entry window, or some department's late-entry exception, includes `day`.
    There are a few periods a year, so the window (due date + grace days) is checked in Python."""
    extended = set(
        LateEntryException.objects.filter(until__gte=day, period__opens_on__lte=day).values_list("period_id", flat=True)
    )
    candidates = ReportingPeriod.objects.filter(opens_on__lte=day).filter(
        Q(due_date__gte=day - MAX_WINDOW) | Q(pk__in=extended)
    )
    return [period for period in candidates if period.closes_on >= day or period.pk in extended]


def entry_closes_on(period: ReportingPeriod, department, exceptions: dict | None = None) -> datetime.date:
    """The last day `department` may enter data in `period`. `exceptions` ({(period_id, department_id):
    until}) avoids a query per row on list pages."""
    if exceptions is None:
        until = (
            LateEntryException.objects.filter(period=period, department=department).values_list("until", flat=True)
        ).first()
    else:
        until = exceptions.get((period.pk, getattr(department, "pk", department)))
    return max(period.closes_on, until) if until else period.closes_on


def entry_deadline(period: ReportingPeriod, department, exceptions: dict | None = None) -> datetime.date:
    """The due date `department` is held to: the period's, or its exception's date."""
    if exceptions is None:
        until = (
            LateEntryException.objects.filter(period=period, department=department).values_list("until", flat=True)
        ).first()
    else:
        until = exceptions.get((period.pk, getattr(department, "pk", department)))
    return max(period.due_date, until) if until else period.due_date


def late_exceptions_for(periods, departments) -> dict:
    """{(period_id, department_id): until} for the given periods and departments, in one query."""
    rows = LateEntryException.objects.filter(period__in=periods, department__in=departments).values_list(
        "period_id", "department_id", "until"
    )
    return {(period_id, department_id): until for period_id, department_id, until in rows}


def entry_is_open(period: ReportingPeriod, department, day: datetime.date | None = None) -> bool:
    day = day or today()
    return period.opens_on <= day <= entry_closes_on(period, department)
