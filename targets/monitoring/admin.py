"""Admin of monitoring reports (the review page: targets.review.admin) and their entries (read-only)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from budgets.admin import DepartmentScopedAdmin
from budgets.history_admin import ReadableHistoryAdmin
from budgets.readable import readable_value
from budgets.templatetags.numbers import percent

from ..admin_tools import ReadOnlyAdmin
from ..models import MonitoringEntry, MonitoringReport
from ..review.admin import ReviewedRecordAdmin, understood
from ..review.selectors import FIELD_DISPLAYS
from .selectors import report_entries


def coded(obj, name: str) -> str:
    return readable_value(obj._meta.get_field(name), getattr(obj, name), display=FIELD_DISPLAYS[name])


@admin.register(MonitoringReport)
class MonitoringReportAdmin(ReviewedRecordAdmin):
    entry_url_name = "monitoring:entry"
    review_template = "admin/targets/review/monitoring.html"
    row_model = MonitoringEntry
    row_parent = "report"
    list_display = (*ReviewedRecordAdmin.review_columns, "warning", "execution_rate_display")
    list_filter = ("status", "warning", "period__year")

    @admin.display(description=_("执行进度"), ordering="execution_rate")
    def execution_rate_display(self, obj):
        return percent(obj.execution_rate) or "—"

    def load_rows(self, record):
        return report_entries(record)

    def describe_rows(self, record, rows):
        for row in rows:
            row.understood = understood(row.value_comparator, row.value_number, row.value_unit)
            row.reasons_text = coded(row, "reasons") if row.reasons else ""
            row.measure_text = coded(row, "measure") if row.measure else ""

    def extra_review_context(self, record, rows, bound):
        return {
            "report_reasons": coded(record, "reasons") if record.reasons else "",
            "report_measure": coded(record, "measure") if record.measure else "",
        }


@admin.register(MonitoringEntry)
class MonitoringEntryAdmin(ReadOnlyAdmin, ReadableHistoryAdmin, DepartmentScopedAdmin):
    department_field = "report__sheet__department"
    history_displays = FIELD_DISPLAYS
    list_display = ("indicator", "report", "value_to_date", "expected_value", "likelihood", "measure_display")
    list_filter = ("likelihood",)
    list_select_related = ("indicator", "report__sheet__project", "report__period")
    fields = (
        "report",
        "indicator",
        "value_to_date",
        "value_understood",
        "expected_value",
        "likelihood",
        "reasons_display",
        "explanation",
        "measure_display",
    )
    readonly_fields = fields

    @admin.display(description=_("识别为"))
    def value_understood(self, obj):
        return understood(obj.value_comparator, obj.value_number, obj.value_unit) or "—"

    @admin.display(description=_("偏差原因"))
    def reasons_display(self, obj):
        return coded(obj, "reasons") if obj.reasons else "—"

    @admin.display(description=_("纠偏措施"))
    def measure_display(self, obj):
        return coded(obj, "measure") if obj.measure else "—"
