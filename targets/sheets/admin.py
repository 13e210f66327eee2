"""Admin of target sheets and their indicators: read-only pages (targets are edited in the staff
workspace) with the review actions of supervisors and the field-level history."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from budgets.admin import DepartmentScopedAdmin
from budgets.admin_lists import department_filter, year_filter
from budgets.history_admin import ReadableHistoryAdmin
from budgets.readable import number_column

from ..admin_tools import ReadOnlyAdmin, error_messages
from ..models import Indicator, ReturnNote, TargetSheet
from . import services


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
        "target_plain",
        "unit",
        "nature",
        "weight_plain",
        "source_location",
    )
    readonly_fields = fields
    can_delete = False
    show_change_link = True
    target_plain = number_column("target_number", _("目标数值"))
    weight_plain = number_column("weight", _("分值"))

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def _apply(modeladmin, request, queryset, service, done_message, **kwargs):
    done = 0
    for sheet in queryset:
        try:
            service(sheet=sheet, actor=request.user, **kwargs)
            done += 1
        except (ValidationError, PermissionDenied) as exc:
            modeladmin.message_user(request, f"{sheet}：{'；'.join(error_messages(exc))}", level=messages.ERROR)
    if done:
        modeladmin.message_user(request, done_message % {"count": done}, level=messages.SUCCESS)


@admin.register(TargetSheet)
class TargetSheetAdmin(ReadableHistoryAdmin, DepartmentScopedAdmin):
    list_display = ("__str__", "scope", "department", "year", "period", "status", "version", "is_current")
    list_filter = ("status", "scope", "period", year_filter("year"), "is_current", department_filter())
    search_fields = ("title", "project__name")
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
        "return_notes",
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

    def has_change_permission(self, request, obj=None):
        """Read-only here: targets change in the staff workspace, the status through the actions."""
        return False

    def has_submit_permission(self, request):
        return request.user.has_perm("targets.change_targetsheet")

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and (obj is None or obj.status != TargetSheet.Status.APPROVED)

    def has_review_permission(self, request):
        return request.user.has_perm("targets.review_targetsheet")

    def history_subjects(self, obj):
        return {TargetSheet: [obj.pk], Indicator: list(obj.indicators.values_list("pk", flat=True))}

    @admin.display(description=_("未处理的退回意见"))
    def return_notes(self, obj):
        notes = ReturnNote.objects.filter(sheet=obj, resolved_at__isnull=True).select_related("created_by")
        return (
            format_html_join(
                "", "<p>{}（{} · {}）</p>", ((n.message, n.created_by or "", f"{n.created_at:%Y-%m-%d}") for n in notes)
            )
            or "—"
        )

    @admin.action(description=_("提交审核"), permissions=["submit"])
    def submit_sheets(self, request, queryset):
        _apply(self, request, queryset, services.target_sheet_submit, _("已提交 %(count)d 张目标表。"))

    @admin.action(description=_("审核通过"), permissions=["review"])
    def approve_sheets(self, request, queryset):
        _apply(self, request, queryset, services.target_sheet_approve, _("已审核通过 %(count)d 张目标表。"))

    @admin.action(description=_("退回修改"), permissions=["review"])
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

    @admin.action(description=_("修订（生成新版本）"), permissions=["submit"])
    def revise_sheets(self, request, queryset):
        _apply(self, request, queryset, services.target_sheet_revise, _("已为 %(count)d 张目标表生成新版本。"))


@admin.register(Indicator)
class IndicatorAdmin(ReadOnlyAdmin, ReadableHistoryAdmin, DepartmentScopedAdmin):
    department_field = "sheet__department"
    list_display = (
        "name",
        "target_text",
        "level1_code",
        "level2_code",
        "comparator",
        "target_plain",
        "unit",
        "nature",
        "weight_plain",
        "sheet",
    )
    list_filter = ("level1_code", "level2_code", "comparator", "nature", year_filter("sheet__year"), "sheet__period")
    search_fields = ("name",)  # a trigram index serves it (migration targets 0012)
    list_select_related = ("sheet", "sheet__project", "sheet__department")
    fields = (
        "sheet",
        "order",
        "level1_label",
        "level1_code",
        "level2_label",
        "level2_code",
        "name",
        "target_text",
        "comparator",
        "target_plain",
        "upper_plain",
        "unit",
        "nature",
        "weight_plain",
        "source_location",
    )
    readonly_fields = fields
    target_plain = number_column("target_number", _("目标数值"))
    upper_plain = number_column("target_upper", _("区间上限"))
    weight_plain = number_column("weight", _("分值"))
