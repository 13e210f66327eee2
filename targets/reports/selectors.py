"""Reads behind the reports: what a user may see (departments, built reports, files), and the data a
report is built from, each in a fixed number of queries whatever the number of projects.

The data reads take a department and are not scoped to a user: builds run in Celery with no user.
Views check the user first (`report_department_for`, `evaluations_for`), and built reports are
listed and served only through `builds_for` / `files_for`.
"""

import datetime

from django.db.models import Max, Q, QuerySet, Sum
from django.http import Http404

from budgets.models import Department, Funding, FundingPeriod
from budgets.selectors import department_scope, departments_for

from ..models import (
    Evaluation,
    Indicator,
    IndicatorResult,
    MonitoringEntry,
    MonitoringReport,
    ReportingPeriod,
    TargetSheet,
)
from ..scoring import Flag
from ..scoring.monitoring import Likelihood
from .models import ReportBuild, ReportFile

Kind = ReportingPeriod.Kind
AT_RISK_LIKELIHOODS = (Likelihood.POSSIBLE, Likelihood.IMPOSSIBLE)


# --- What a user may see ---------------------------------------------------------------------


def report_department_for(user, code: str) -> Department:
    """The department `code` if the user may see it; 404 otherwise (as for any record they may not see)."""
    department = departments_for(user).filter(code=code).first()
    if department is None:
        raise Http404
    return department


def builds_for(user) -> QuerySet[ReportBuild]:
    return (
        ReportBuild.objects.filter(department_scope(user, prefix="department"))
        .select_related("department", "period", "evaluation__sheet__project", "requested_by")
        .prefetch_related("files")
    )


def files_for(user) -> QuerySet[ReportFile]:
    return ReportFile.objects.filter(department_scope(user, prefix="build__department")).select_related(
        "build__department"
    )


def report_years_for(user) -> list[int]:
    """Years with self-evaluations or monitoring rounds in the user's departments, newest first."""
    years = set(
        Evaluation.objects.filter(department_scope(user, prefix="sheet__department"))
        .values_list("period__year", flat=True)
        .distinct()
    ) | set(
        MonitoringReport.objects.filter(department_scope(user, prefix="sheet__department"))
        .values_list("period__year", flat=True)
        .distinct()
    )
    return sorted(years, reverse=True)


# --- The data a report is built from ---------------------------------------------------------


def self_evaluation_period(department: Department, year: int) -> ReportingPeriod | None:
    """The year's self-evaluation period in which the department has evaluations (the latest)."""
    return (
        ReportingPeriod.objects.filter(kind=Kind.SELF_EVALUATION, year=year, evaluations__sheet__department=department)
        .distinct()
        .order_by("-cut_off_date")
        .first()
    )


def latest_monitoring_period(department: Department, year: int) -> ReportingPeriod | None:
    return (
        ReportingPeriod.objects.filter(
            kind=Kind.MONITORING, year=year, monitoring_reports__sheet__department=department
        )
        .distinct()
        .order_by("-cut_off_date")
        .first()
    )


def evaluation_for_report(evaluation_id: int) -> Evaluation:
    return Evaluation.objects.select_related(
        "sheet__department", "sheet__project", "period", "profile", "submitted_by", "reviewed_by"
    ).get(pk=evaluation_id)


def evaluation_results(evaluation: Evaluation) -> list[IndicatorResult]:
    rows = list(
        IndicatorResult.objects.filter(evaluation=evaluation).select_related("indicator").order_by("indicator__order")
    )
    for row in rows:
        row.evaluation = evaluation  # explanations read the profile from here, not per row
    return rows


def annual_funding(evaluation: Evaluation) -> Funding | None:
    if not evaluation.sheet.project_id:
        return None
    return Funding.objects.filter(project_id=evaluation.sheet.project_id, period=FundingPeriod.ANNUAL).first()


def department_evaluations(department: Department, period: ReportingPeriod) -> list[Evaluation]:
    """The period's evaluations of the department's current sheets, by project name."""
    evaluations = (
        Evaluation.objects.filter(sheet__department=department, sheet__is_current=True, period=period)
        .select_related("sheet__project", "profile")
        .order_by("sheet__project__name", "sheet__title", "sheet_id")
    )
    return list(evaluations)


def results_not_met(evaluations: list[Evaluation]) -> QuerySet[IndicatorResult]:
    """Indicators that fell short: a quantitative shortfall, or a qualitative one judged below 达成."""
    return (
        IndicatorResult.objects.filter(evaluation__in=evaluations, not_applicable=False)
        .filter(
            Q(flag=Flag.NOT_MET)
            | Q(assessment_level__in=[IndicatorResult.Level.PARTIAL, IndicatorResult.Level.NOT_ACHIEVED])
        )
        .select_related("indicator", "evaluation__sheet__project")
        .order_by("evaluation__sheet__project__name", "evaluation__sheet__title", "evaluation_id", "indicator__order")
    )


def completion_by_level(evaluations: list[Evaluation]) -> list[dict]:
    """Per printed 一级/二级 code pair: the weight and the score of the scored rows (one grouped query)."""
    return list(
        IndicatorResult.objects.filter(evaluation__in=evaluations, not_applicable=False, final_score__isnull=False)
        .values("indicator__level1_code", "indicator__level2_code")
        .annotate(weight=Sum("weight"), score=Sum("final_score"))
        .order_by("indicator__level1_code", "indicator__level2_code")
    )


def monitoring_reports(department: Department, period: ReportingPeriod) -> list[MonitoringReport]:
    return list(
        MonitoringReport.objects.filter(sheet__department=department, sheet__is_current=True, period=period)
        .select_related("sheet__project", "submitted_by", "reviewed_by")
        .order_by("sheet__project__name", "sheet__title", "sheet_id")
    )


def monitoring_entries(reports: list[MonitoringReport], *, at_risk_only: bool = False) -> dict[int, list]:
    """{report id: entries in indicator order}; with `at_risk_only`, only entries whose annual target
    may not be met."""
    entries = MonitoringEntry.objects.filter(report__in=reports).select_related("indicator")
    if at_risk_only:
        entries = entries.filter(likelihood__in=AT_RISK_LIKELIHOODS)
    grouped: dict[int, list] = {}
    for entry in entries.order_by("report_id", "indicator__order"):
        grouped.setdefault(entry.report_id, []).append(entry)
    return grouped


def _last_change(*sources) -> datetime.datetime | None:
    """The latest of the given (queryset, field, …) moments, each source aggregated in the database."""
    moments = []
    for queryset, *fields in sources:
        values = queryset.aggregate(**{f"m{i}": Max(field) for i, field in enumerate(fields)}).values()
        moments += [value for value in values if value is not None]
    return max(moments) if moments else None


def evaluations_changed_at(evaluation_ids) -> datetime.datetime | None:
    """The last change to the evaluations, their results and their targets (history included)."""
    evaluations = Evaluation.objects.filter(pk__in=evaluation_ids)
    sheets = evaluations.values("sheet_id")
    return _last_change(
        (evaluations, "scored_at", "submitted_at", "reviewed_at"),
        (Evaluation.history.filter(id__in=evaluation_ids), "history_date"),
        (IndicatorResult.history.filter(evaluation_id__in=evaluation_ids), "history_date"),
        (TargetSheet.history.filter(id__in=sheets), "history_date"),
        (Indicator.history.filter(sheet_id__in=sheets), "history_date"),
    )


def monitoring_changed_at(report_ids) -> datetime.datetime | None:
    return _last_change(
        (MonitoringReport.objects.filter(pk__in=report_ids), "created_at", "submitted_at", "reviewed_at"),
        (MonitoringReport.history.filter(id__in=report_ids), "history_date"),
        (MonitoringEntry.history.filter(report_id__in=report_ids), "history_date"),
    )
