"""Asking for a report to be built: the choices offered are only what the user may see."""

from django import forms
from django.utils.translation import gettext_lazy as _

from budgets.selectors import departments_for

from ..assessment.selectors import evaluations_for
from ..models import ReportingPeriod
from .models import ReportKind
from .services import report_builds_request


class ReportRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("报告类型"), choices=ReportKind.choices)
    department = forms.ModelChoiceField(label=_("部门"), queryset=None, to_field_name="code")
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    period = forms.ModelChoiceField(
        label=_("监控轮次"),
        queryset=ReportingPeriod.objects.filter(kind=ReportingPeriod.Kind.MONITORING),
        required=False,
        help_text=_("留空：该年度的每一轮"),
    )
    evaluation = forms.ModelChoiceField(
        label=_("项目"), queryset=None, required=False, help_text=_("留空：该部门该年度的每个项目")
    )
    notify_supervisors = forms.BooleanField(label=_("完成后发送给监督审核人员"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments_for(user).order_by("path")
        self.fields["evaluation"].queryset = evaluations_for(user)
        self.fields["evaluation"].label_from_instance = lambda e: str(e.sheet.project or e.sheet.title or e.sheet)

    def request_builds(self, actor):
        """Queue the builds the valid form asks for (services.report_builds_request)."""
        data = self.cleaned_data
        return report_builds_request(
            kind=data["kind"],
            department=data["department"],
            year=data["year"],
            period=data["period"],
            evaluation=data["evaluation"],
            notify=data["notify_supervisors"],
            actor=actor,
        )
