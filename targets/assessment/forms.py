"""Forms of the self-evaluation entry page: one small form per indicator row and one for the budget
block. Each field carries its value as shown (show_hidden_initial), so a row the person did not
touch is never written, and a row somebody else changed meanwhile is caught by its revision."""

from django import forms
from django.utils.translation import gettext_lazy as _

from budgets.money import plain_number

from ..models import IndicatorResult

TEXT_LIMIT = 2000


def _text(label, *, limit=TEXT_LIMIT, rows=2):
    return forms.CharField(
        label=label,
        required=False,
        max_length=limit,
        widget=forms.Textarea(attrs={"rows": rows}),
        show_hidden_initial=True,
    )


class ResultRowForm(forms.Form):
    actual = forms.CharField(label=_("实际完成值"), required=False, max_length=300, show_hidden_initial=True)
    level = forms.ChoiceField(
        label=_("评价等级"),
        required=False,
        choices=[("", _("（未评定）")), *IndicatorResult.Level.choices],
        show_hidden_initial=True,
    )
    points = forms.CharField(label=_("评定分值"), required=False, max_length=20, show_hidden_initial=True)
    not_applicable = forms.BooleanField(label=_("不适用"), required=False, show_hidden_initial=True)
    deviation_reason = _text(_("偏差原因分析"))
    improvement = _text(_("改进措施"))
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    evidence = forms.FileField(label=_("佐证材料"), required=False)

    @staticmethod
    def initial_for(result: IndicatorResult) -> dict:
        return {
            "actual": result.actual_text,
            "level": result.assessment_level,
            "points": plain_number(result.assessment_points),
            "not_applicable": result.not_applicable,
            "deviation_reason": result.deviation_reason,
            "improvement": result.improvement,
            "revision": result.revision,
        }

    def values_changed(self) -> bool:
        return any(
            name in self.changed_data
            for name in ("actual", "level", "points", "not_applicable", "deviation_reason", "improvement")
        )


class BudgetForm(forms.Form):
    full_year_budget = forms.CharField(
        label=_("全年预算数（万元）"), required=False, max_length=30, show_hidden_initial=True
    )
    executed = forms.CharField(label=_("全年执行数（万元）"), required=False, max_length=30, show_hidden_initial=True)
    explanation = _text(_("执行率偏低原因"))
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    @staticmethod
    def initial_for(evaluation) -> dict:
        return {
            "full_year_budget": plain_number(evaluation.budget_full_year),
            "executed": plain_number(evaluation.budget_executed),
            "explanation": evaluation.budget_explanation,
            "revision": evaluation.revision,
        }

    def values_changed(self) -> bool:
        return any(name in self.changed_data for name in ("full_year_budget", "executed", "explanation"))


class WorkbookUploadForm(forms.Form):
    file = forms.FileField(label=_("填好的自评表（.xlsx）"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("请上传从本系统导出的 .xlsx 文件。"))
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_("文件超过 5 MB，无法导入。"))
        return upload
