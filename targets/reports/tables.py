"""The archive of built reports (django-tables2 / django-filter), scoped to the user."""

import django_filters
import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from budgets.selectors import departments_for

from .models import ReportBuild, ReportKind


class BuildFilter(django_filters.FilterSet):
    department = django_filters.ModelChoiceFilter(label=_("部门"), queryset=None, to_field_name="code")
    year = django_filters.NumberFilter(label=_("年度"))
    kind = django_filters.ChoiceFilter(label=_("报告类型"), choices=ReportKind.choices)

    class Meta:
        model = ReportBuild
        fields = ["department", "year", "kind"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["department"].queryset = departments_for(user).order_by("path")


class BuildTable(tables.Table):
    title = tables.Column(verbose_name=_("报告"))
    department = tables.Column(verbose_name=_("部门"), accessor="department__name")
    status = tables.Column(verbose_name=_("状态"))
    data_as_of = tables.DateTimeColumn(verbose_name=_("数据截至"), format="Y-m-d H:i")
    trigger = tables.Column(verbose_name=_("生成方式"))
    requested_at = tables.DateTimeColumn(verbose_name=_("申请时间"), format="Y-m-d H:i")
    files = tables.Column(verbose_name=_("下载"), empty_values=(), orderable=False)

    class Meta:
        orderable = True
        attrs = {"class": "builds"}
        empty_text = _("还没有生成过报告。")

    def render_title(self, record):
        return format_html('<a href="{}">{}</a>', reverse("reports:build", args=[record.pk]), record.title)

    def render_status(self, record):
        if record.in_progress:
            return format_html("{}（{}%）", record.get_status_display(), record.progress)
        return record.get_status_display()

    def render_files(self, record):
        return format_html_join(
            " ",
            '<a href="{}">{}</a>',
            ((reverse("reports:download", args=[f.pk]), f.get_format_display()) for f in record.files.all()),
        )
