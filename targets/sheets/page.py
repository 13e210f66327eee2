"""Saving the target sheet page: indicator rows (edit, remove, add), project facts, funds and the
goal, all through the services and all or nothing (see targets/assessment/entry.py for the same
rules on the entry page)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from budgets.models import FundingPeriod
from budgets.money import money_from_input

from ..workspace.saving import SaveOutcome, all_or_nothing, conflict_message
from .editing import (
    indicator_add,
    indicator_remove,
    indicator_update,
    sheet_funds_set,
    sheet_goal_update,
    sheet_project_update,
)


def save_sheet_page(
    *, sheet, indicators, row_forms, new_forms, facts_form, fund_forms, goal_form, actor
) -> SaveOutcome:
    outcome = SaveOutcome()
    with all_or_nothing(outcome):
        for indicator in indicators:
            form = row_forms[indicator.pk]
            if outcome.form_errors(form):
                continue
            if form.cleaned_data["remove"]:
                outcome.attempt(form.prefix, lambda i=indicator: indicator_remove(indicator=i, actor=actor))
            elif form.values_changed():
                outcome.attempt(
                    form.prefix,
                    lambda i=indicator, f=form: indicator_update(
                        indicator=i, actor=actor, expected_revision=f.cleaned_data["revision"], **f.values()
                    ),
                    on_stale=lambda current: conflict_message(current, current.name, _("指标值"), current.target_text),
                )
        for form in new_forms:
            if outcome.form_errors(form):
                continue
            if form.values_changed() and any(form.cleaned_data[n] for n in ("name", "value")):
                outcome.attempt(form.prefix, lambda f=form: indicator_add(sheet=sheet, actor=actor, **f.values()))
        if facts_form is not None and not outcome.form_errors(facts_form) and facts_form.changed_values():
            outcome.attempt(
                facts_form.prefix,
                lambda: sheet_project_update(sheet=sheet, actor=actor, **facts_form.changed_values()),
            )
        for period, form in fund_forms.items():
            if not outcome.form_errors(form) and form.values_changed():
                outcome.attempt(form.prefix, lambda p=period, f=form: _funds(sheet, p, f, actor))
        if not outcome.form_errors(goal_form) and "overall_goal" in goal_form.changed_data:
            outcome.attempt(
                goal_form.prefix,
                lambda: sheet_goal_update(
                    sheet=sheet,
                    actor=actor,
                    overall_goal=goal_form.cleaned_data["overall_goal"],
                    expected_revision=goal_form.cleaned_data["revision"],
                ),
                on_stale=lambda current: _("总体目标已被其他人修改，您的输入尚未保存，请核对后再保存。"),
            )
    return outcome


def _funds(sheet, period: str, form, actor):
    labels = {"total": _("资金总额"), "fiscal": _("财政拨款"), "carryover": _("上年结转"), "other": _("其他资金")}
    amounts = {name: money_from_input(form.cleaned_data[name], labels[name]) for name in form.FIELDS}
    if period not in FundingPeriod.values:
        raise ValidationError(_("未知的资金期间。"))
    return sheet_funds_set(sheet=sheet, actor=actor, period=period, **amounts)
