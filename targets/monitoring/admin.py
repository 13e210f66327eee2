"""Admin of monitoring reports."""

from django.contrib import admin

from budgets.admin import DepartmentScopedAdmin

from ..models import MonitoringEntry, MonitoringReport


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
