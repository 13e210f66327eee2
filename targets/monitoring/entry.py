"""Saving the monitoring entry page, all or nothing (targets/workspace/saving.py)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from ..workspace.saving import SaveOutcome, all_or_nothing, conflict_message, messages_of
from .services import monitoring_budget_set, monitoring_entry_record, monitoring_submit


def save_monitoring_page(*, report, entries, entry_forms, budget_form, actor) -> SaveOutcome:
    outcome = SaveOutcome()
    with all_or_nothing(outcome):
        for entry in entries:
            form = entry_forms[entry.pk]
            if outcome.form_errors(form) or not form.values_changed():
                continue
            outcome.attempt(
                form.prefix,
                lambda entry=entry, form=form: monitoring_entry_record(
                    entry=entry, actor=actor, expected_revision=form.cleaned_data["revision"], **form.values()
                ),
                on_stale=lambda current: conflict_message(
                    current, current.indicator.name, _("截至目前完成值"), current.value_to_date
                ),
            )
        if budget_form is not None and not outcome.form_errors(budget_form) and budget_form.values_changed():
            data = budget_form.cleaned_data
            outcome.attempt(
                budget_form.prefix,
                lambda: monitoring_budget_set(
                    report=report,
                    full_year_budget=data["full_year_budget"],
                    executed_to_date=data["executed_to_date"],
                    reasons=data["reasons"],
                    explanation=data["explanation"],
                    measure=data["measure"],
                    actor=actor,
                    expected_revision=data["revision"],
                ),
                on_stale=lambda current: _("预算执行情况已被其他人修改，您的输入尚未保存，请核对后再保存。"),
            )
    return outcome


def submit(report, actor) -> list[str]:
    try:
        monitoring_submit(report=report, actor=actor)
    except (ValidationError, PermissionDenied) as exc:
        return messages_of(exc)
    return []
