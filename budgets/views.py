"""Department budget pages: thin views over selectors, scoped to what the user may see."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View
from django_tables2 import RequestConfig

from .admin_lists import LimitedCountPaginator
from .downloads import attachment_response
from .exports import SafeTableExport, export_name
from .models import BudgetTable, Department
from .selectors import (
    budget_lines_for,
    budget_tables_for,
    budget_year_keys_for,
    budget_years_for,
    departments_for,
    project_execution_for,
    source_documents_for,
    user_can_see_department,
)
from .tables_ui import BudgetLineFilter, BudgetLineTable, BudgetTableTable, ProjectExecutionTable

EXPORT_FORMATS = ("csv", "xlsx")
INDEX_PAGE_SIZE = 50


def _export(request, table, name: str):
    export_format = request.GET.get("_export")
    if export_format in EXPORT_FORMATS:
        return SafeTableExport(export_format, table).response(f"{name}.{export_format}")
    if export_format:
        raise Http404
    return None


class BudgetIndexView(LoginRequiredMixin, TemplateView):
    template_name = "budgets/index.html"

    def get(self, request, *args, **kwargs):
        if not departments_for(request.user).exists():
            raise PermissionDenied(_("您没有任何部门的查看权限。"))
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        search = self.request.GET.get("q", "").strip()[:100]
        user = self.request.user
        years = LimitedCountPaginator(
            budget_years_for(user, search=search),
            INDEX_PAGE_SIZE,
            counted=budget_year_keys_for(user, search=search),
        )
        page = years.get_page(self.request.GET.get("page"))
        return {**super().get_context_data(**kwargs), "years": page, "page": page, "search": search}


class DepartmentBudgetView(LoginRequiredMixin, TemplateView):
    template_name = "budgets/department.html"

    def get(self, request, *args, code, year, **kwargs):
        department = get_object_or_404(Department, code=code)
        if not user_can_see_department(request.user, department):
            raise PermissionDenied(_("您无权查看该部门的预算。"))
        tables = BudgetTableTable(budget_tables_for(request.user, department=department, year=year))
        execution = ProjectExecutionTable(project_execution_for(request.user, department=department, year=year))
        RequestConfig(request, paginate=False).configure(tables)
        RequestConfig(request, paginate=False).configure(execution)
        which = request.GET.get("table", "tables")
        label = _("项目预算执行") if which == "execution" else _("部门预算表")
        exported = _export(
            request, execution if which == "execution" else tables, export_name(department.name, year, label)
        )
        if exported:
            return exported
        context = self.get_context_data(department=department, year=year, tables=tables, execution=execution)
        return self.render_to_response(context)


class BudgetTableView(LoginRequiredMixin, TemplateView):
    template_name = "budgets/table.html"

    def get(self, request, *args, pk, **kwargs):
        table = get_object_or_404(BudgetTable.objects.select_related("department"), pk=pk)
        if not user_can_see_department(request.user, table.department):
            raise PermissionDenied(_("您无权查看该部门的预算。"))
        lines = budget_lines_for(request.user, table_id=table.pk)
        codes = [code for code in lines.values_list("code", flat=True) if code]
        parents = frozenset(
            code for code in codes if any(o.startswith(code) and len(o) == len(code) + 2 for o in codes)
        )
        filterset = BudgetLineFilter(request.GET or None, queryset=lines)
        rendered = BudgetLineTable(filterset.qs, parents=parents)
        RequestConfig(request, paginate=False).configure(rendered)
        exported = _export(request, rendered, export_name(table.department.name, table.year, table.title))
        if exported:
            return exported
        context = self.get_context_data(
            budget_table=table, lines=rendered, filter=filterset, parent=request.GET.get("parent", "")
        )
        return self.render_to_response(context)


class SourceDocumentFileView(LoginRequiredMixin, View):
    """The file of an imported disclosure, to those who may see its department, as a download."""

    def get(self, request, pk):
        if not request.user.is_superuser and not departments_for(request.user).exists():
            raise PermissionDenied(_("您没有任何部门的查看权限。"))
        document = get_object_or_404(source_documents_for(request.user), pk=pk)
        return attachment_response(document.file, document.original_name)
