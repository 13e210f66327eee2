"""django-tables2 tables and django-filter filters for the department budget pages."""

from decimal import ROUND_HALF_UP, Decimal

import django_filters
import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import BudgetLine, BudgetTable, Project
from .money import grouped_number


class MoneyColumn(tables.Column):
    """万元 as people write them (12, 1,234.5), exact; never through float. Exports keep all places."""

    attrs = {"td": {"class": "number"}}

    def render(self, value):
        return grouped_number(Decimal(str(value)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP))

    def value(self, value):
        """Exports hold the number itself (a number cell in Excel), exact to four places."""
        return Decimal(str(value)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


class BudgetTableTable(tables.Table):
    title = tables.Column(verbose_name=_("表名"), linkify=lambda record: reverse("budgets:table", args=[record.pk]))
    kind = tables.Column(verbose_name=_("类型"))
    total = MoneyColumn(verbose_name=_("合计（万元）"))
    empty = tables.BooleanColumn(verbose_name=_("空表"))
    coded_rows = tables.Column(verbose_name=_("有科目编码的行"))
    source_location = tables.Column(verbose_name=_("位置"))

    class Meta:
        model = BudgetTable
        fields = ("title", "kind", "total", "empty", "coded_rows", "source_location")
        orderable = False


class BudgetLineTable(tables.Table):
    code = tables.Column(verbose_name=_("科目编码"))
    name = tables.Column(verbose_name=_("名称"))
    amount = MoneyColumn(verbose_name=_("本年金额（万元）"))
    is_total = tables.BooleanColumn(verbose_name=_("合计行"))
    source_location = tables.Column(verbose_name=_("位置"))

    class Meta:
        model = BudgetLine
        fields = ("code", "name", "amount", "is_total", "source_location")
        orderable = False

    def __init__(self, *args, parents=frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        self.parents = parents

    def render_code(self, value, record):
        if value in self.parents:
            return format_html('<a href="?parent={}">{}</a>', value, value)
        return value

    def value_code(self, value):
        return value


class BudgetLineFilter(django_filters.FilterSet):
    parent = django_filters.CharFilter(label=_("上级科目"), method="filter_parent")
    name = django_filters.CharFilter(label=_("名称包含"), lookup_expr="icontains")
    code_kind = django_filters.ChoiceFilter(label=_("编码类型"), choices=BudgetLine.CodeKind.choices)

    class Meta:
        model = BudgetLine
        fields = ["parent", "name", "code_kind"]

    def filter_parent(self, queryset, name, value):
        """Drill down: the direct children of a classification code (201 → 20103 → 2010301)."""
        value = value.strip()
        if not value:
            return queryset
        matching = [line.pk for line in queryset if line.code.startswith(value) and len(line.code) == len(value) + 2]
        return queryset.filter(pk__in=matching)


def _percent(spent: Decimal, budget: Decimal | None):
    if not budget:
        return "—"
    return f"{(spent / budget * 100).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)}%"


class ProjectExecutionTable(tables.Table):
    name = tables.Column(verbose_name=_("项目"))
    full_year_budget = MoneyColumn(verbose_name=_("全年预算（万元）"))
    spent_to_date = MoneyColumn(verbose_name=_("已支出（万元）"))
    rate = tables.Column(verbose_name=_("执行率"), empty_values=(), accessor="pk")

    class Meta:
        model = Project
        fields = ("name", "full_year_budget", "spent_to_date")
        orderable = False

    def render_rate(self, record):
        return _percent(record.spent_to_date, record.full_year_budget)

    def value_rate(self, record):
        return _percent(record.spent_to_date, record.full_year_budget)
