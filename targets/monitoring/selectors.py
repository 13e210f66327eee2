"""Reads of monitoring reports, scoped to what the user may see, with their entries in a fixed
number of queries."""

from django.db.models import QuerySet

from budgets.selectors import department_scope

from ..models import MonitoringEntry, MonitoringReport


def monitoring_reports_for(user) -> QuerySet[MonitoringReport]:
    return MonitoringReport.objects.filter(department_scope(user, prefix="sheet__department")).select_related(
        "sheet__department", "sheet__project", "period", "profile", "submitted_by", "reviewed_by"
    )


def report_entries(report: MonitoringReport) -> list[MonitoringEntry]:
    return list(
        MonitoringEntry.objects.filter(report=report)
        .select_related("indicator")
        .prefetch_related("evidence")
        .order_by("indicator__order")
    )
