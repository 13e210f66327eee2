"""Saving the self-evaluation entry page: every changed row through the services, all or nothing.

A row the person did not touch is not written; a row somebody else saved since the page was loaded
is not overwritten (targets/workspace/saving.py). Evidence files are stored after the rows, each on
its own.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from ..workspace.saving import SaveOutcome, all_or_nothing, conflict_message, messages_of
from .evidence import evidence_add
from .services import evaluation_budget_set, evaluation_submit, indicator_result_record


def save_evaluation_page(*, evaluation, rows, row_forms, budget_form, actor) -> SaveOutcome:
    outcome = SaveOutcome()
    with all_or_nothing(outcome):
        for row in rows:
            form = row_forms[row.pk]
            if outcome.form_errors(form) or not form.values_changed():
                continue
            data = form.cleaned_data
            outcome.attempt(
                form.prefix,
                lambda row=row, data=data: indicator_result_record(
                    result=row,
                    actor=actor,
                    actual_text=data["actual"],
                    assessment_level=data["level"],
                    assessment_points=data["points"] or None,
                    not_applicable=data["not_applicable"],
                    deviation_reason=data["deviation_reason"],
                    improvement=data["improvement"],
                    expected_revision=data["revision"],
                ),
                on_stale=lambda current: conflict_message(
                    current, current.indicator.name, _("实际完成值"), current.actual_text
                ),
            )
        if budget_form is not None and not outcome.form_errors(budget_form) and budget_form.values_changed():
            data = budget_form.cleaned_data
            outcome.attempt(
                budget_form.prefix,
                lambda: evaluation_budget_set(
                    evaluation=evaluation,
                    full_year_budget=data["full_year_budget"],
                    executed=data["executed"],
                    explanation=data["explanation"],
                    actor=actor,
                    expected_revision=data["revision"],
                ),
                on_stale=lambda current: _("预算执行情况已被其他人修改，您的输入尚未保存，请核对后再保存。"),
            )
    return outcome


def store_evidence(*, items, forms, actor, key: str) -> list[str]:
    """Files attached on a page, after its rows were saved; returns the refusals. `key` is the
    keyword of evidence_add ("result" or "entry")."""
    problems = []
    for item in items:
        form = forms[item.pk]
        upload = form.files.get(f"{form.prefix}-evidence")
        if not upload:
            continue
        try:
            evidence_add(uploaded_file=upload, actor=actor, **{key: item})
        except (ValidationError, PermissionDenied) as exc:
            problems.append(
                _("“%(n)s”的佐证材料未上传：%(e)s") % {"n": item.indicator.name, "e": "；".join(messages_of(exc))}
            )
    return problems


def submit(evaluation, actor) -> list[str]:
    try:
        evaluation_submit(evaluation=evaluation, actor=actor)
    except (ValidationError, PermissionDenied) as exc:
        return messages_of(exc)
    return []
