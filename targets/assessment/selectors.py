"""Reads of self-evaluations, scoped to what the user may see, with their rows in a fixed number of
queries (indicator, evidence and open return notes prefetched)."""

from django.db.models import QuerySet

from budgets.selectors import department_scope

from ..models import Evaluation, Evidence, IndicatorResult, ReturnNote


def evaluations_for(user) -> QuerySet[Evaluation]:
    return Evaluation.objects.filter(department_scope(user, prefix="sheet__department")).select_related(
        "sheet__department", "sheet__project", "period", "profile", "submitted_by", "reviewed_by"
    )


def evidence_for(user) -> QuerySet[Evidence]:
    """Supporting files of the self-evaluations and monitoring rounds of departments the user may see."""
    return Evidence.objects.filter(
        department_scope(user, prefix="result__evaluation__sheet__department")
        | department_scope(user, prefix="entry__report__sheet__department")
    ).select_related("result", "entry")


def evaluation_rows(evaluation: Evaluation) -> list[IndicatorResult]:
    rows = (
        IndicatorResult.objects.filter(evaluation=evaluation)
        .select_related("indicator", "source_document")
        .prefetch_related("evidence")
        .order_by("indicator__order")
    )
    result = list(rows)
    for row in result:
        row.evaluation = evaluation  # explanations read the profile from here, not per row
    return result


def open_return_notes(record) -> list[ReturnNote]:
    field = "evaluation" if isinstance(record, Evaluation) else "monitoring_report"
    return list(
        ReturnNote.objects.filter(**{field: record}, resolved_at__isnull=True)
        .select_related("indicator", "created_by")
        .order_by("created_at")
    )
