from django.contrib import admin
from django.contrib.auth import get_permission_codename
from django.contrib.contenttypes.models import ContentType
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from . import execution, services
from .admin_forms import FullyValidatedModelForm
from .admin_lists import FlatChangelistMixin, department_filter, fixed_filter, year_filter
from .admin_spreadsheets import SpreadsheetImportExportMixin
from .audit import actor_name, event_sentence
from .history_admin import ReadableHistoryAdmin
from .models import (
    AuditEntry,
    BudgetAdjustment,
    BudgetLine,
    BudgetTable,
    Department,
    ExecutionRecord,
    Funding,
    Membership,
    Project,
    SourceDocument,
)
from .readable import audit_changes, column_headings, import_report_summary, number_column
from .resources import ExecutionResource
from .selectors import department_scope, departments_for


class DepartmentScopedAdmin(FlatChangelistMixin, admin.ModelAdmin):
    """Non-superusers see only rows of departments they belong to (supervisors: their subtree).

    Forms run the model's whole validation (budgets.admin_forms). Review actions declare
    `allowed_permissions = ("review",)`: offered to holders of `<app>.review_<model>` only."""

    department_field = "department"
    form = FullyValidatedModelForm
    ordering = ("-pk",)  # newest first, read backwards along the primary key: no sort of the table

    def has_review_permission(self, request):
        opts = self.opts
        return request.user.has_perm(f"{opts.app_label}.{get_permission_codename('review', opts)}")

    def get_queryset(self, request):
        return super().get_queryset(request).filter(department_scope(request.user, prefix=self.department_field))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Department:
            kwargs["queryset"] = departments_for(request.user)
        elif db_field.related_model is Project:
            kwargs["queryset"] = Project.objects.filter(department_scope(request.user, prefix="department"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Department)
class DepartmentAdmin(DepartmentScopedAdmin):
    department_field = ""
    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name")
    list_select_related = ("parent",)
    ordering = ("path",)
    autocomplete_fields = ("parent",)
    readonly_fields = ("path",)

    def save_model(self, request, obj, form, change):
        data = {field: form.cleaned_data[field] for field in ("code", "name", "level", "parent")}
        if change:
            original = Department.objects.get(pk=obj.pk)
            services.department_update(department=original, actor=request.user, **data)
        else:
            created = services.department_create(actor=request.user, **data)
            obj.pk = created.pk

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Membership)
class MembershipAdmin(DepartmentScopedAdmin):
    list_display = ("user", "department", "role")
    list_filter = ("role", "department__level")
    search_fields = ("user__username", "user__first_name", "department__name", "department__code")
    list_select_related = ("user", "department")
    autocomplete_fields = ("user", "department")

    def save_model(self, request, obj, form, change):
        membership = services.membership_grant(
            user=form.cleaned_data["user"],
            department=form.cleaned_data["department"],
            role=form.cleaned_data["role"],
            actor=request.user,
        )
        obj.pk = membership.pk

    def delete_model(self, request, obj):
        services.membership_revoke(membership=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for membership in queryset:
            services.membership_revoke(membership=membership, actor=request.user)


class FundingInline(admin.TabularInline):
    model = Funding
    form = FullyValidatedModelForm
    extra = 0
    fields = ("period", "first_year", "last_year", "total", "fiscal", "carryover", "other", "source_location")
    readonly_fields = ("source_location",)


@admin.register(Project)
class ProjectAdmin(ReadableHistoryAdmin, DepartmentScopedAdmin):
    list_display = ("name", "year", "department", "implementing_unit", "category", "source_document")
    list_filter = (year_filter("year"), "continuity", "department__level", department_filter())
    search_fields = ("name",)
    list_select_related = ("department", "source_document")
    readonly_fields = ("source_document", "source_location")
    inlines = [FundingInline]
    fieldsets = (
        (None, {"fields": ("department", "year", "name", "code", "category", "continuity")}),
        (
            _("单位与联系人"),
            {"fields": ("implementing_unit", "competent_department", "responsible_person", "contact", "phone")},
        ),
        (_("实施期"), {"fields": ("start_date", "end_date", "description")}),
        (_("来源"), {"fields": ("source_document", "source_location")}),
    )

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "department", "year"] if obj else fields

    def save_model(self, request, obj, form, change):
        data = {f: form.cleaned_data[f] for f in services.PROJECT_EDITABLE_FIELDS if f in form.cleaned_data}
        if change:
            services.project_update(project=Project.objects.get(pk=obj.pk), actor=request.user, **data)
        else:
            name = data.pop("name")
            created = services.project_create(
                department=form.cleaned_data["department"],
                year=form.cleaned_data["year"],
                name=name,
                actor=request.user,
                **data,
            )
            obj.pk = created.pk

    def save_formset(self, request, form, formset, change):
        if formset.model is not Funding:
            return super().save_formset(request, form, formset, change)
        project = Project.objects.get(pk=form.instance.pk)
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for inline_form in formset.forms:
            if not inline_form.has_changed() and inline_form.instance.pk is None:
                continue
            if formset.can_delete and formset._should_delete_form(inline_form):
                if inline_form.instance.pk:
                    services.funding_delete(funding=inline_form.instance, actor=request.user)
                    formset.deleted_objects.append(inline_form.instance)
                continue
            created = inline_form.instance.pk is None
            data = {
                f: inline_form.cleaned_data.get(f) for f in services.FUNDING_FIELDS if f in inline_form.cleaned_data
            }
            funding = services.funding_set(
                project=project, period=inline_form.cleaned_data["period"], actor=request.user, **data
            )
            if created:
                formset.new_objects.append(funding)
            else:
                formset.changed_objects.append((funding, inline_form.changed_data))


@admin.register(Funding)
class FundingAdmin(ReadableHistoryAdmin, DepartmentScopedAdmin):
    department_field = "project__department"
    list_display = ("project", "period", "first_year", "last_year", "total", "fiscal", "carryover", "other")
    list_filter = ("period", year_filter("first_year", _("起始年度")), department_filter("project__department"))
    search_fields = ("project__name",)
    list_select_related = ("project", "project__department")
    readonly_fields = ("project", "period", "source_location")

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        data = {f: form.cleaned_data[f] for f in services.FUNDING_FIELDS if f in form.cleaned_data}
        services.funding_set(project=obj.project, period=obj.period, actor=request.user, **data)


@admin.register(SourceDocument)
class SourceDocumentAdmin(DepartmentScopedAdmin):
    list_display = ("original_name", "format", "department", "year", "imported_by", "imported_at")
    list_filter = ("format", year_filter("year"), department_filter())
    search_fields = ("original_name", "sha256")
    list_select_related = ("department", "imported_by")
    readonly_fields = (
        "download",
        "original_name",
        "format",
        "sha256",
        "department",
        "year",
        "imported_by",
        "imported_at",
        "parse_summary",
    )
    fields = readonly_fields  # the file itself only as the checked download

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("文件"))
    def download(self, obj):
        """Through the download view, which checks the user; never a /media/ link."""
        url = reverse("budgets:source_document_file", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("下载“%(name)s”") % {"name": obj.original_name})

    @admin.display(description=_("解析报告"))
    def parse_summary(self, obj):
        return render_to_string("admin/budgets/parse_summary.html", {"report": import_report_summary(obj.parse_report)})


AUDITED_APPS = ("budgets", "targets", "auth")


class SubjectTypeFilter(admin.SimpleListFilter):
    """The kinds of record the trail holds, by their Chinese names."""

    title = _("对象类型")
    parameter_name = "subject_type"

    def lookups(self, request, model_admin):
        # The project's own kinds of record, not the distinct values of a trail that only grows.
        types = ContentType.objects.filter(app_label__in=AUDITED_APPS).exclude(model__startswith="historical")
        return sorted(((t.pk, _subject_type(t)) for t in types), key=lambda item: item[1])

    def queryset(self, request, queryset):
        return queryset.filter(content_type_id=self.value()) if str(self.value() or "").isdigit() else queryset


def _subject_type(content_type) -> str:
    model = content_type.model_class()
    return str(model._meta.verbose_name) if model else str(_("（已删除的类型）"))


@admin.register(AuditEntry)
class AuditEntryAdmin(FlatChangelistMixin, admin.ModelAdmin):
    """What people did, as sentences; the stored action codes and JSON are never shown."""

    list_display = ("created_at", "actor_display", "sentence", "subject_type")
    list_filter = (SubjectTypeFilter, "created_at")
    search_fields = ("object_repr",)
    list_select_related = ("actor", "content_type")
    ordering = ("-pk",)
    fields = ("created_at", "actor_display", "subject_type", "object_repr", "sentence", "details")
    readonly_fields = fields

    @admin.display(description=_("操作人"), ordering="actor__username")
    def actor_display(self, obj):
        return actor_name(obj.actor)

    @admin.display(description=_("事项"))
    def sentence(self, obj):
        return event_sentence(obj)

    @admin.display(description=_("对象类型"))
    def subject_type(self, obj):
        return _subject_type(obj.content_type)

    @admin.display(description=_("修改内容"))
    def details(self, obj):
        return render_to_string("admin/budgets/changes.html", {"changes": audit_changes(obj)})

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.filter(actor=request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class BudgetLineInline(admin.TabularInline):
    model = BudgetLine
    extra = 0
    fields = ("order", "code", "code_kind", "name", "amount_plain", "is_total", "source_location")
    readonly_fields = fields
    can_delete = False
    amount_plain = number_column("amount", _("本年金额（万元）"))

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(BudgetTable)
class BudgetTableAdmin(DepartmentScopedAdmin):
    list_display = ("title", "kind", "department", "year", "total_plain", "empty", "source_document")
    list_filter = ("kind", year_filter("year"), "empty", department_filter())
    search_fields = ("title", "department__name")
    list_select_related = ("department", "source_document")
    readonly_fields = (
        "department",
        "year",
        "source_document",
        "order",
        "title",
        "kind",
        "unit",
        "column_list",
        "total_plain",
        "empty",
        "notes",
        "source_location",
    )
    fields = readonly_fields
    total_plain = number_column("total", _("合计（万元）"))
    inlines = [BudgetLineInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("列标题"))
    def column_list(self, obj):
        return render_to_string("admin/budgets/column_list.html", {"columns": column_headings(obj.columns)})


@admin.register(ExecutionRecord)
class ExecutionRecordAdmin(SpreadsheetImportExportMixin, DepartmentScopedAdmin):
    """Monthly spending, entered here or imported from a spreadsheet (import → preview → confirm).
    Editing a record changes it in place (its month included); its project stays."""

    department_field = "project__department"
    resource_classes = [ExecutionResource]
    list_display = ("project", "month", "spent", "source", "updated_at")
    list_filter = (
        year_filter("project__year"),
        fixed_filter("month", ExecutionRecord._meta.get_field("month").verbose_name, [(m, m) for m in range(1, 13)]),
        "source",
        department_filter("project__department"),
    )
    search_fields = ("project__name", "project__code")
    list_select_related = ("project", "project__department")
    fields = ("project", "month", "spent", "note")

    def get_resource_kwargs(self, request, **kwargs):
        return {"user": request.user}

    def get_import_data_kwargs(self, **kwargs):
        # A file with any bad row is not imported at all.
        return {**super().get_import_data_kwargs(**kwargs), "rollback_on_validation_errors": True}

    def get_readonly_fields(self, request, obj=None):
        return ("project",) if obj else ()

    def save_model(self, request, obj, form, change):
        if change:
            record = execution.execution_record_update(
                record=obj,
                month=form.cleaned_data["month"],
                spent=form.cleaned_data["spent"],
                note=form.cleaned_data["note"],
                actor=request.user,
            )
        else:
            record = execution.execution_record_set(
                project=form.cleaned_data["project"],
                month=form.cleaned_data["month"],
                spent=form.cleaned_data["spent"],
                note=form.cleaned_data["note"],
                actor=request.user,
            )
        obj.pk = record.pk


@admin.register(BudgetAdjustment)
class BudgetAdjustmentAdmin(DepartmentScopedAdmin):
    department_field = "project__department"
    list_display = ("project", "full_year_budget", "reason", "updated_at")
    list_select_related = ("project",)
    search_fields = ("project__name",)

    def get_readonly_fields(self, request, obj=None):
        return ("project",) if obj else ()

    def save_model(self, request, obj, form, change):
        adjustment = execution.budget_adjust(
            project=obj.project if change else form.cleaned_data["project"],
            full_year_budget=form.cleaned_data["full_year_budget"],
            reason=form.cleaned_data["reason"],
            actor=request.user,
        )
        obj.pk = adjustment.pk
