"""Forms of the monitoring entry page: one per indicator and one for the budget half of 双监控."""

from django import forms
from django.utils.translation import gettext_lazy as _

from budgets.money import plain_number

from ..scoring.monitoring import DeviationReason, Likelihood, Measure


def _text(label, limit=2000):
    return forms.CharField(
        label=label,
        required=False,
        max_length=limit,
        widget=forms.Textarea(attrs={"rows": 2}),
        show_hidden_initial=True,
    )


def _reasons():
    return forms.MultipleChoiceField(
        label=_("偏差原因"),
        required=False,
        choices=DeviationReason.choices,
        widget=forms.CheckboxSelectMultiple,
        show_hidden_initial=True,
    )


def _measure():
    return forms.ChoiceField(
        label=_("纠偏措施"), required=False, choices=[("", "—"), *Measure.choices], show_hidden_initial=True
    )


class EntryRowForm(forms.Form):
    value_to_date = forms.CharField(label=_("截至目前完成值"), required=False, max_length=200, show_hidden_initial=True)
    expected_value = forms.CharField(
        label=_("全年预计完成值"), required=False, max_length=200, show_hidden_initial=True
    )
    likelihood = forms.ChoiceField(
        label=_("能否完成年度目标"), required=False, choices=[("", "—"), *Likelihood.choices], show_hidden_initial=True
    )
    reasons = _reasons()
    explanation = _text(_("原因说明"))
    measure = _measure()
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    evidence = forms.FileField(label=_("佐证材料"), required=False)
    FIELDS = ("value_to_date", "expected_value", "likelihood", "reasons", "explanation", "measure")

    @classmethod
    def initial_for(cls, entry) -> dict:
        return {**{name: getattr(entry, name) for name in cls.FIELDS}, "revision": entry.revision}

    def values_changed(self) -> bool:
        return any(name in self.changed_data for name in self.FIELDS)

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.FIELDS}


class MonitoringBudgetForm(forms.Form):
    full_year_budget = forms.CharField(
        label=_("全年预算数（万元）"), required=False, max_length=30, show_hidden_initial=True
    )
    executed_to_date = forms.CharField(
        label=_("截至执行数（万元）"), required=False, max_length=30, show_hidden_initial=True
    )
    reasons = _reasons()
    explanation = _text(_("原因说明"))
    measure = _measure()
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    FIELDS = ("full_year_budget", "executed_to_date", "reasons", "explanation", "measure")

    @staticmethod
    def initial_for(report) -> dict:
        return {
            "full_year_budget": plain_number(report.budget_full_year),
            "executed_to_date": plain_number(report.executed_to_date),
            "reasons": report.reasons,
            "explanation": report.explanation,
            "measure": report.measure,
            "revision": report.revision,
        }

    def values_changed(self) -> bool:
        return any(name in self.changed_data for name in self.FIELDS)
