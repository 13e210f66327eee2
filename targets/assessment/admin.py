"""Admin of rule profiles, self-evaluations (the review page: targets.review.admin) and indicator
results, where a supervisor adjusts a score with a reason while the evaluation is under review."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from budgets.admin import DepartmentScopedAdmin
from budgets.admin_lists import FlatChangelistMixin, fixed_filter
from budgets.history_admin import ReadableHistoryAdmin
from budgets.readable import number_column

from ..admin_tools import ServiceForm, ServiceFormAdmin, error_messages
from ..models import Evaluation, IndicatorResult, ReviewStatus, RuleProfile
from ..profiles import EDITABLE, rule_profile_create, rule_profile_revise
from ..review.admin import ReviewedRecordAdmin, queue_urls, understood
from ..review.forms import OverrideForm
from ..review.selectors import user_can_review
from ..scoring.rules import DEFAULT_RULES
from . import services as evaluation_services
from .explanation import result_explanation
from .selectors import evaluation_rows


@admin.register(RuleProfile)
class RuleProfileAdmin(FlatChangelistMixin, admin.ModelAdmin):
    """Saving a change creates a new version; earlier versions stay as they were, read-only."""

    list_display = (
        "name",
        "version",
        "is_current",
        "weight_output",
        "weight_benefit",
        "weight_satisfaction",
        "weight_budget",
        "reverse_formula",
        "created_at",
    )
    list_filter = ("name", "is_current")
    readonly_fields = ("version", "is_current", "previous", "created_by", "created_at")

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and not obj.is_current:
            return [field.name for field in RuleProfile._meta.fields]
        return [*self.readonly_fields, "name"] if obj is not None else self.readonly_fields

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or obj.is_current)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        values = {field: form.cleaned_data[field] for field in EDITABLE if field in form.cleaned_data}
        if change:
            original = RuleProfile.objects.get(pk=obj.pk)
            revised = rule_profile_revise(
                profile=original, reason=form.cleaned_data.get("reason", ""), actor=request.user, **values
            )
        else:
            revised = rule_profile_create(
                name=form.cleaned_data["name"], reason=form.cleaned_data.get("reason", ""), actor=request.user, **values
            )
        obj.pk = revised.pk

    def response_change(self, request, obj):
        return redirect(reverse("admin:targets_ruleprofile_change", args=[obj.pk]))


GRADES = [(grade, grade) for _threshold, grade in DEFAULT_RULES.grade_bands] + [(DEFAULT_RULES.lowest_grade,) * 2]
_GRADE_TITLE = Evaluation._meta.get_field("grade").verbose_name


@admin.register(Evaluation)
class EvaluationAdmin(ReviewedRecordAdmin):
    entry_url_name = "assessment:entry"
    review_template = "admin/targets/review/evaluation.html"
    row_model = IndicatorResult
    row_parent = "evaluation"
    list_display = (*ReviewedRecordAdmin.review_columns, "total_plain", "grade")
    list_filter = ("status", fixed_filter("grade", _GRADE_TITLE, GRADES), "period__year")
    total_plain = number_column("total", gettext_lazy("总分"))

    def get_urls(self):
        return queue_urls(self) + super().get_urls()

    def load_rows(self, record):
        return evaluation_rows(record)

    def describe_rows(self, record, rows):
        rules = record.profile.as_rules()
        for row in rows:
            row.explanation = result_explanation(row, rules)
            row.understood = understood(row.actual_comparator, row.actual_number, row.actual_unit)

    def review_handlers(self):
        return {**super().review_handlers(), "override": self.handle_override, "clear_override": self.handle_override}

    def extra_review_context(self, record, rows, bound):
        form = bound.get("override")
        for row in rows:
            row.override_form = form if form is not None and form.data.get("result") == str(row.pk) else None
        return {}

    def handle_override(self, request, record, rows):
        data = request.POST.copy()
        data["clear"] = "1" if data.get("review_action") == "clear_override" else ""
        form = OverrideForm(data)
        if form.is_valid():
            result = next((row for row in rows if row.pk == form.cleaned_data["result"]), None)
            if result is None:
                return None, {"errors": [_("该指标不属于这份绩效自评。")]}
            score = None if form.cleaned_data["clear"] else form.cleaned_data["score"]
            try:
                evaluation_services.indicator_score_override(
                    result=result, score=score, reason=form.cleaned_data["reason"], actor=request.user
                )
            except (ValidationError, PermissionDenied) as exc:
                form.add_error(None, error_messages(exc))
            else:
                if score is None:
                    return _("已取消“%(n)s”的得分调整。") % {"n": result.indicator.name}, {}
                return _("已将“%(n)s”的得分调整为 %(s)s 分。") % {"n": result.indicator.name, "s": score}, {}
        return None, {"override": form}


class ScoreOverrideForm(ServiceForm):
    """The adjusted score (blank removes an adjustment) and the reason, required either way."""

    score = forms.DecimalField(
        label=gettext_lazy("调整后得分"), required=False, min_value=0, max_digits=6, decimal_places=2
    )
    reason = forms.CharField(
        label=gettext_lazy("理由"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=gettext_lazy("调整或取消调整都须写明理由，理由会记入修改历史。"),
    )

    class Meta:
        model = IndicatorResult
        fields = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["score"].initial = self.instance.override_score
        self.fields["score"].help_text = _("留空表示取消调整，按计算得分计分。")

    def clean(self):
        nothing_to_clear = self.instance.override_score is None and "score" not in self.errors
        if nothing_to_clear and self.cleaned_data.get("score") is None:
            self.add_error("score", _("请填写调整后得分；该指标没有调整过得分，无需取消。"))
        return super().clean()

    def apply(self, data):
        return evaluation_services.indicator_score_override(
            result=self.instance, score=data.get("score"), reason=data.get("reason", ""), actor=self.actor
        )


@admin.register(IndicatorResult)
class IndicatorResultAdmin(ServiceFormAdmin, ReadableHistoryAdmin, DepartmentScopedAdmin):
    """Supervisors adjust a computed score here while the evaluation is under review, with a written
    reason (kept in the history); otherwise the page is read-only."""

    form = ScoreOverrideForm
    department_field = "evaluation__sheet__department"
    list_display = (
        "indicator",
        "evaluation",
        "actual_text",
        "computed_plain",
        "override_plain",
        "final_plain",
        "flag",
    )
    list_filter = ("flag", "evaluation__period__year")
    # Everything the row's __str__ columns read (Evaluation → sheet → project or department, period).
    list_select_related = (
        "indicator",
        "evaluation__sheet__project",
        "evaluation__sheet__department",
        "evaluation__period",
        "evaluation__profile",
    )
    readonly_fields = (
        "indicator",
        "evaluation",
        "weight_plain",
        "actual_text",
        "computed_plain",
        "explanation",
        "override_plain",
        "current_reason",
        "final_plain",
        "printed_plain",
        "source_document",
        "source_location",
    )
    printed_plain = number_column("printed_score", gettext_lazy("文件所列得分"))
    computed_plain = number_column("computed_score", gettext_lazy("计算得分"))
    override_plain = number_column("override_score", gettext_lazy("当前调整后得分"))
    final_plain = number_column("final_score", gettext_lazy("最终得分"))
    weight_plain = number_column("weight", gettext_lazy("分值"))

    def get_fields(self, request, obj=None):
        if self.has_change_permission(request, obj):
            return (*self.readonly_fields, "score", "reason")
        return self.readonly_fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return super().has_change_permission(request)
        return obj.evaluation.status == ReviewStatus.SUBMITTED and user_can_review(request.user, obj.evaluation)

    @admin.display(description=gettext_lazy("当前调整理由"))
    def current_reason(self, obj):
        return obj.override_reason or self.get_empty_value_display()

    @admin.display(description=gettext_lazy("计分说明"))
    def explanation(self, obj):
        return result_explanation(obj)
