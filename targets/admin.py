from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from budgets.admin import DepartmentScopedAdmin

from .assessment import services as evaluation_services
from .assessment.explanation import result_explanation
from .forms import DisclosureUploadForm
from .importing import jobs
from .models import (
    DisclosureImport,
    Evaluation,
    Indicator,
    IndicatorResult,
    MonitoringEntry,
    MonitoringReport,
    ReportingPeriod,
    RuleProfile,
    TargetSheet,
)
from .periods import services as period_services
from .profiles import EDITABLE, rule_profile_create, rule_profile_revise
from .review import services as review_services
from .sheets import services


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0
    fields = (
        "order",
        "level1_label",
        "level2_label",
        "name",
        "target_text",
        "comparator",
        "target_number",
        "unit",
        "nature",
        "weight",
        "source_location",
    )
    readonly_fields = fields
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False


def _apply(modeladmin, request, queryset, service, done_message, **kwargs):
    done = 0
    for sheet in queryset:
        try:
            service(sheet=sheet, actor=request.user, **kwargs)
            done += 1
        except (ValidationError, PermissionDenied) as exc:
            text = "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            modeladmin.message_user(request, f"{sheet}：{text}", level=messages.ERROR)
    if done:
        modeladmin.message_user(request, done_message % {"count": done}, level=messages.SUCCESS)


@admin.register(TargetSheet)
class TargetSheetAdmin(DepartmentScopedAdmin):
    list_display = ("__str__", "scope", "department", "year", "period", "status", "version", "is_current")
    list_filter = ("status", "scope", "period", "year", "is_current", "department")
    search_fields = ("title", "project__name", "department__name", "overall_goal")
    list_select_related = ("department", "project")
    readonly_fields = (
        "scope",
        "department",
        "project",
        "year",
        "period",
        "first_year",
        "last_year",
        "title",
        "overall_goal",
        "status",
        "version",
        "is_current",
        "previous",
        "source_document",
        "source_location",
        "created_at",
        "updated_at",
    )
    inlines = [IndicatorInline]
    actions = ["submit_sheets", "approve_sheets", "return_sheets", "revise_sheets"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and (obj is None or obj.status != TargetSheet.Status.APPROVED)

    @admin.action(description=_("提交审核"))
    def submit_sheets(self, request, queryset):
        _apply(self, request, queryset, services.target_sheet_submit, _("已提交 %(count)d 张目标表。"))

    @admin.action(description=_("审核通过"))
    def approve_sheets(self, request, queryset):
        _apply(self, request, queryset, services.target_sheet_approve, _("已审核通过 %(count)d 张目标表。"))

    @admin.action(description=_("退回修改"))
    def return_sheets(self, request, queryset):
        reason = request.POST.get("reason", "").strip()
        if "confirm" in request.POST and reason:
            _apply(
                self, request, queryset, services.target_sheet_return, _("已退回 %(count)d 张目标表。"), reason=reason
            )
            return None
        if "confirm" in request.POST:
            self.message_user(request, _("退回目标表必须填写退回原因。"), level=messages.ERROR)
        context = {
            **self.admin_site.each_context(request),
            "title": _("退回目标表"),
            "sheets": queryset,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/targets/targetsheet/return_reason.html", context)

    @admin.action(description=_("修订（生成新版本）"))
    def revise_sheets(self, request, queryset):
        _apply(self, request, queryset, services.target_sheet_revise, _("已为 %(count)d 张目标表生成新版本。"))


@admin.register(Indicator)
class IndicatorAdmin(DepartmentScopedAdmin):
    department_field = "sheet__department"
    list_display = (
        "name",
        "target_text",
        "level1_code",
        "level2_code",
        "comparator",
        "target_number",
        "unit",
        "nature",
        "weight",
        "sheet",
    )
    list_filter = ("level1_code", "level2_code", "comparator", "nature", "sheet__year", "sheet__period")
    search_fields = ("name", "target_text", "level1_label", "level2_label", "sheet__project__name")
    list_select_related = ("sheet", "sheet__project", "sheet__department")
    readonly_fields = [field.name for field in Indicator._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(admin.ModelAdmin):
    list_display = ("year", "kind", "cut_off_date", "due_date")
    list_filter = ("kind", "year")
    date_hierarchy = "due_date"

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser and obj is None

    def save_model(self, request, obj, form, change):
        created = period_services.reporting_period_create(actor=request.user, **form.cleaned_data)
        obj.pk = created.pk


_ACTIONS = {"create": _("新增"), "update": _("修改"), "delete": _("删除"), "conflict": _("冲突")}
_KINDS = {"project": _("项目"), "funding": _("资金"), "sheet": _("目标表"), "indicator": _("指标")}


def _preview_rows(report: dict) -> list[dict]:
    rows = []
    for change in report.get("changes", []):
        fields = [
            (name, values)
            for name, values in change["changes"].items()
            if isinstance(values, list) and len(values) == 2
        ]
        rows.append(
            {
                **change,
                "action_label": _ACTIONS.get(change["action"], change["action"]),
                "kind_label": _KINDS.get(change["kind"], change["kind"]),
                "fields": fields,
            }
        )
    return rows


@admin.register(DisclosureImport)
class DisclosureImportAdmin(DepartmentScopedAdmin):
    list_display = ("original_name", "department", "year", "status", "progress", "created_by", "created_at")
    list_filter = ("status", "year")
    search_fields = ("original_name",)
    list_select_related = ("department", "created_by")

    def get_urls(self):
        extra = [
            path(
                "<int:job_id>/confirm/",
                self.admin_site.admin_view(self.confirm_view),
                name="targets_disclosureimport_confirm",
            ),
            path(
                "<int:job_id>/progress/",
                self.admin_site.admin_view(self.progress_view),
                name="targets_disclosureimport_progress",
            ),
        ]
        return extra + super().get_urls()

    def has_change_permission(self, request, obj=None):
        return False

    def _job(self, request, job_id):
        job = self.get_queryset(request).filter(pk=job_id).first()
        if job is None or not self.has_view_permission(request, job):
            raise Http404
        return job

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = DisclosureUploadForm(request.POST or None, request.FILES or None, user=request.user)
        error = None
        if request.method == "POST" and form.is_valid():
            try:
                job = jobs.disclosure_upload_create(
                    uploaded_file=form.cleaned_data["file"],
                    department=form.cleaned_data["department"],
                    year=form.cleaned_data["year"],
                    actor=request.user,
                )
                return redirect(reverse("admin:targets_disclosureimport_change", args=[job.pk]))
            except (ValidationError, PermissionDenied) as exc:
                error = "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        context = {
            **self.admin_site.each_context(request),
            "title": _("上传公开文件"),
            "form": form,
            "error": error,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/targets/disclosureimport/upload.html", context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        job = self._job(request, object_id)
        context = {
            **self.admin_site.each_context(request),
            "title": job.original_name,
            "job": job,
            "changes": _preview_rows(job.preview),
            "opts": self.model._meta,
            "can_confirm": self.has_add_permission(request),
        }
        return TemplateResponse(request, "admin/targets/disclosureimport/detail.html", context)

    def confirm_view(self, request, job_id):
        if request.method != "POST" or not self.has_add_permission(request):
            raise PermissionDenied
        job = self._job(request, job_id)
        try:
            jobs.disclosure_upload_confirm(job=job, actor=request.user)
        except ValidationError as exc:
            self.message_user(request, "；".join(exc.messages), level=messages.ERROR)
        return redirect(reverse("admin:targets_disclosureimport_change", args=[job.pk]))

    def progress_view(self, request, job_id):
        job = self._job(request, job_id)
        return JsonResponse(
            {
                "status": job.status,
                "status_label": str(job.get_status_display()),
                "progress": job.progress,
                "message": job.message,
            }
        )


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


@admin.register(MonitoringReport)
class MonitoringReportAdmin(DepartmentScopedAdmin):
    department_field = "sheet__department"
    list_display = ("sheet", "period", "warning", "execution_rate", "time_progress", "measure")
    list_filter = ("warning", "period__year")
    list_select_related = ("sheet", "sheet__project", "period")
    readonly_fields = [field.name for field in MonitoringReport._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(MonitoringEntry)
class MonitoringEntryAdmin(DepartmentScopedAdmin):
    department_field = "report__sheet__department"
    list_display = ("indicator", "report", "value_to_date", "expected_value", "likelihood", "measure")
    list_filter = ("likelihood",)
    list_select_related = ("indicator", "report", "report__sheet")
    readonly_fields = [field.name for field in MonitoringEntry._meta.fields]

    def has_add_permission(self, request):
        return False

from .reports import admin as reports_admin  # noqa: E402, F401  (registers the report archive)
