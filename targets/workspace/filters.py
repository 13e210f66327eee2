"""Filters of 我的任务 (django-filter): department (only those the user may see), status, name."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from budgets.selectors import departments_for

from ..models import ReviewStatus


class TaskFilter(django_filters.FilterSet):
    department = django_filters.ModelChoiceFilter(
        label=_("部门"), queryset=None, method="by_department", empty_label=_("全部")
    )
    status = django_filters.ChoiceFilter(
        label=_("状态"), choices=ReviewStatus.choices, method="by_status", empty_label=_("全部")
    )
    name = django_filters.CharFilter(label=_("项目名称"), method="by_name")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["department"].queryset = departments_for(user).order_by("path")

    def by_department(self, queryset, name, value):
        return queryset.filter(sheet__department=value) if value else queryset

    def by_status(self, queryset, name, value):
        return queryset.filter(status=value) if value else queryset

    def by_name(self, queryset, name, value):
        value = (value or "").strip()[:100]
        if not value:
            return queryset
        return queryset.filter(Q(sheet__project__name__icontains=value) | Q(sheet__title__icontains=value))
