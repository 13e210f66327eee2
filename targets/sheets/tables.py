"""The list of target sheets (django-tables2) and its filters (django-filter)."""

import django_filters
import django_tables2 as tables
from django.db.models import Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from budgets.selectors import departments_for

from ..models import TargetSheet


class SheetTable(tables.Table):
    name = tables.Column(
        verbose_name=_("项目 / 目标表"), accessor="project__name", order_by=("project__name", "title"), empty_values=()
    )
    department = tables.Column(verbose_name=_("部门"), accessor="department__name")
    year = tables.Column(verbose_name=_("年度"))
    period = tables.Column(verbose_name=_("期间"))
    status = tables.Column(verbose_name=_("状态"))
    indicator_count = tables.Column(verbose_name=_("指标数"), attrs={"td": {"class": "number"}})
    source = tables.Column(verbose_name=_("来源"), accessor="source_document__original_name", default=_("手工填写"))

    class Meta:
        model = TargetSheet
        fields = ()
        sequence = ("name", "department", "year", "period", "status", "indicator_count", "source")
        order_by = ("-year", "name")
        empty_text = _("还没有目标表。可以导入部门预算公开文件，或手工新建项目。")

    def render_name(self, record):
        label = record.project.name if record.project_id else (record.title or record.department.name)
        return format_html('<a href="{}">{}</a>', reverse("sheets:detail", args=[record.pk]), label)

    def render_status(self, record):
        return format_html('<span class="status {}">{}</span>', record.status, record.get_status_display())


class SheetFilter(django_filters.FilterSet):
    department = django_filters.ModelChoiceFilter(label=_("部门"), queryset=None, empty_label=_("全部"))
    year = django_filters.NumberFilter(label=_("年度"))
    status = django_filters.ChoiceFilter(label=_("状态"), choices=TargetSheet.Status.choices, empty_label=_("全部"))
    name = django_filters.CharFilter(label=_("项目名称"), method="by_name")

    class Meta:
        model = TargetSheet
        fields = ["department", "year", "status"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["department"].queryset = departments_for(user).order_by("path")

    def by_name(self, queryset, name, value):
        value = (value or "").strip()[:100]
        return queryset.filter(Q(project__name__icontains=value) | Q(title__icontains=value)) if value else queryset
