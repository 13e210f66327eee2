"""Admin of reporting periods."""

from django.contrib import admin

from ..models import ReportingPeriod
from . import services as period_services


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
