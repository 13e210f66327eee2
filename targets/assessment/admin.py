"""Admin of rule profiles and self-evaluations."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from budgets.admin import DepartmentScopedAdmin

from ..models import Evaluation, IndicatorResult, RuleProfile
from ..profiles import EDITABLE, rule_profile_create, rule_profile_revise
from ..review import services as review_services
from . import services as evaluation_services
from .explanation import result_explanation


@admin.register(RuleProfile)
class RuleProfileAdmin(admin.ModelAdmin):
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


class IndicatorResultInline(admin.TabularInline):
    model = IndicatorResult
    extra = 0
    fields = (
        "indicator",
        "weight",
        "actual_text",
        "computed_score",
        "override_score",
        "final_score",
        "flag",
        "explanation",
        "deviation_reason",
        "improvement",
    )
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("indicator", "evaluation__profile")

    @admin.display(description=_("计分说明"))
    def explanation(self, obj):
        return result_explanation(obj)


@admin.register(Evaluation)
class EvaluationAdmin(DepartmentScopedAdmin):
    department_field = "sheet__department"
    list_display = ("sheet", "period", "status", "total", "grade", "budget_rate", "profile", "scored_at")
    list_filter = ("status", "grade", "period__year")
    search_fields = ("sheet__project__name",)
    list_select_related = ("sheet", "sheet__project", "period", "profile")
    readonly_fields = [field.name for field in Evaluation._meta.fields]
    inlines = [IndicatorResultInline]
    actions = ["approve_evaluations"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("审核通过"))
    def approve_evaluations(self, request, queryset):
        for evaluation in queryset:
            try:
                review_services.submission_approve(record=evaluation, actor=request.user)
            except (ValidationError, PermissionDenied) as exc:
                text = "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
                self.message_user(request, f"{evaluation}：{text}", level=messages.ERROR)


@admin.register(IndicatorResult)
class IndicatorResultAdmin(DepartmentScopedAdmin):
    """Supervisors adjust a computed score here, with a written reason (kept in the audit trail)."""

    department_field = "evaluation__sheet__department"
    list_display = ("indicator", "evaluation", "actual_text", "computed_score", "override_score", "final_score", "flag")
    list_filter = ("flag", "evaluation__period__year")
    list_select_related = ("indicator", "evaluation", "evaluation__sheet", "evaluation__period")
    fields = (
        "indicator",
        "weight",
        "actual_text",
        "computed_score",
        "explanation",
        "override_score",
        "override_reason",
    )
    readonly_fields = ("indicator", "weight", "actual_text", "computed_score", "explanation")

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("计分说明"))
    def explanation(self, obj):
        return result_explanation(obj)

    def save_model(self, request, obj, form, change):
        evaluation_services.indicator_score_override(
            result=obj,
            score=form.cleaned_data["override_score"],
            reason=form.cleaned_data["override_reason"],
            actor=request.user,
        )
