"""Reporting periods that run themselves.

Every year has a monitoring round (data to 31 July, entry in August, due 31 August) and a
self-evaluation (data to 31 December, entry in January, due 31 January of the next year), created
with those defaults and editable in the admin. When a period opens, every current target sheet whose
targets are set gets its evaluation or monitoring report, weights spread and budget filled from the
execution records; the job is idempotent and also catches sheets imported later. Entry closes
`grace_days` after the due date; a supervisor can give a department a late-entry exception.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from budgets.audit import audit_record
from budgets.history import stamp
from budgets.selectors import user_supervises_department

from ..assessment.services import evaluations_prepare
from ..models import Evaluation, LateEntryException, MonitoringReport, ReportingPeriod
from ..monitoring.services import monitoring_reports_prepare
from .selectors import periods_open_on, sheets_reporting_in

Kind = ReportingPeriod.Kind
PERIOD_FIELDS = ("year", "kind", "cut_off_date", "opens_on", "due_date", "grace_days")


def default_dates(year: int, kind: str) -> dict:
    """The national defaults: monitoring data to 31 July, due 31 August; self-evaluation due 31
    January of the next year. Entry opens the day after the data cut-off."""
    if kind == Kind.MONITORING:
        cut_off, due = datetime.date(year, 7, 31), datetime.date(year, 8, 31)
    else:
        cut_off, due = datetime.date(year, 12, 31), datetime.date(year + 1, 1, 31)
    return {"cut_off_date": cut_off, "opens_on": cut_off + datetime.timedelta(days=1), "due_date": due}


def _save(period: ReportingPeriod, *, actor, reason: str) -> ReportingPeriod:
    period.full_clean()
    stamp(period, actor=actor, reason=reason)
    period.save()
    return period


@transaction.atomic
def reporting_period_create(
    *, year: int, kind: str, actor, cut_off_date=None, opens_on=None, due_date=None, grace_days: int | None = None
) -> ReportingPeriod:
    defaults = default_dates(year, kind) if kind in Kind.values else {}
    period = ReportingPeriod(
        year=year,
        kind=kind,
        cut_off_date=cut_off_date or defaults.get("cut_off_date"),
        opens_on=opens_on or defaults.get("opens_on"),
        due_date=due_date or defaults.get("due_date"),
    )
    if grace_days is not None:
        period.grace_days = grace_days
    _save(period, actor=actor, reason=_("新建填报期"))
    audit_record(actor=actor, action="reporting_period.create", subject=period)
    return period


@transaction.atomic
def reporting_period_update(*, period: ReportingPeriod, actor, **data) -> ReportingPeriod:
    unknown = set(data) - set(PERIOD_FIELDS)
    if unknown:
        raise ValidationError(_("不可修改的字段：%(f)s") % {"f": "、".join(sorted(unknown))})
    period = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
    changes = {f: [str(getattr(period, f)), str(v)] for f, v in data.items() if getattr(period, f) != v}
    if not changes:
        return period
    if period.opened_at and ({"year", "kind"} & set(changes)):
        raise ValidationError(_("填报期已开启，不能再修改年度或类型。"))
    for field, value in data.items():
        setattr(period, field, value)
    _save(period, actor=actor, reason=_("修改填报期"))
    audit_record(actor=actor, action="reporting_period.update", subject=period, changes=changes)
    return period


@transaction.atomic
def reporting_periods_ensure_year(*, year: int, actor=None) -> list[ReportingPeriod]:
    """Create the year's monitoring round and self-evaluation with the defaults, unless the year
    already has a period of that kind (an administrator may have set other dates)."""
    created = []
    for kind in (Kind.MONITORING, Kind.SELF_EVALUATION):
        if not ReportingPeriod.objects.filter(year=year, kind=kind).exists():
            created.append(reporting_period_create(year=year, kind=kind, actor=actor))
    return created


@transaction.atomic
def reporting_period_open(*, period: ReportingPeriod, actor=None) -> dict:
    """Prepare the records of every sheet that reports in `period` and has none yet. Safe to run
    any number of times: sheets that already have their record are left as they are."""
    period = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
    if period.kind == Kind.SELF_EVALUATION:
        done = Evaluation.objects.filter(period=period).values("sheet_id")
        pending = list(sheets_reporting_in(period).exclude(pk__in=done).select_related("project"))
        created = evaluations_prepare(period=period, sheets=pending)
    else:
        done = MonitoringReport.objects.filter(period=period).values("sheet_id")
        pending = list(sheets_reporting_in(period).exclude(pk__in=done).select_related("project"))
        created = monitoring_reports_prepare(period=period, sheets=pending)
    first_time = period.opened_at is None
    if first_time:
        period.opened_at = timezone.now()
        ReportingPeriod.objects.filter(pk=period.pk).update(opened_at=period.opened_at)
    if created or first_time:
        audit_record(actor=actor, action="reporting_period.open", subject=period, changes={"records": len(created)})
    return {"period": period.pk, "created": len(created)}


def reporting_periods_run(*, day: datetime.date | None = None, actor=None) -> list[dict]:
    """The daily job: this year's and last year's default periods exist, and every period open on
    `day` has its records. Each period is opened in its own transaction."""
    day = day or timezone.localdate()
    for year in (day.year - 1, day.year):
        reporting_periods_ensure_year(year=year, actor=actor)
    return [reporting_period_open(period=period, actor=actor) for period in periods_open_on(day)]


@transaction.atomic
def late_entry_grant(*, period: ReportingPeriod, department, until: datetime.date, reason: str, actor):
    if not user_supervises_department(actor, department):
        raise PermissionDenied(_("只有该部门的监督审核人员可以批准延期填报。"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("延期填报必须写明理由。"))
    exception = LateEntryException.objects.select_for_update().filter(
        period=period, department=department
    ).first() or LateEntryException(period=period, department=department)
    old = exception.until if exception.pk else None
    exception.until, exception.reason = until, reason
    exception.granted_by = actor if getattr(actor, "is_authenticated", False) else None
    exception.full_clean()
    stamp(exception, actor=actor, reason=reason)
    exception.save()
    audit_record(
        actor=actor,
        action="late_entry.grant",
        subject=exception,
        changes={"until": [str(old) if old else "", str(until)], "reason": reason},
    )
    return exception


@transaction.atomic
def late_entry_revoke(*, exception: LateEntryException, reason: str, actor) -> None:
    exception = (
        LateEntryException.objects.select_for_update(of=("self",)).select_related("department").get(pk=exception.pk)
    )
    if not user_supervises_department(actor, exception.department):
        raise PermissionDenied(_("只有该部门的监督审核人员可以撤销延期填报。"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("撤销延期填报必须写明理由。"))
    audit_record(actor=actor, action="late_entry.revoke", subject=exception, changes={"reason": reason})
    stamp(exception, actor=actor, reason=reason)
    exception.delete()
