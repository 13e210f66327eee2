"""The staff workspace: 我的任务 (the page after login) and the list of target sheets."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.views.generic import TemplateView
from django_tables2 import RequestConfig

from budgets.selectors import departments_for

from ..periods.selectors import today
from .filters import TaskFilter
from .selectors import period_records, work_periods
from .tables import EvaluationTaskTable, MonitoringTaskTable

PAGE_SIZE = 25


class MemberRequiredMixin(LoginRequiredMixin):
    """Signed-in users with at least one department; anyone else gets the Chinese 403 page."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not departments_for(request.user).exists():
            raise PermissionDenied(_("您还不是任何部门的成员，暂时没有可办理的内容。请联系系统管理员开通。"))
        return super().dispatch(request, *args, **kwargs)


class TasksView(MemberRequiredMixin, TemplateView):
    template_name = "targets/workspace/tasks.html"

    def get_context_data(self, **kwargs):
        user, day = self.request.user, today()
        sections = []
        for period in work_periods(user, day):
            records = period_records(user, period)
            filterset = TaskFilter(self.request.GET or None, queryset=records, user=user, prefix=f"p{period.pk}")
            table_class = EvaluationTaskTable if period.kind == "self_evaluation" else MonitoringTaskTable
            table = table_class(filterset.qs, today=day, prefix=f"p{period.pk}-")
            RequestConfig(self.request, paginate={"per_page": PAGE_SIZE}).configure(table)
            sections.append({"period": period, "table": table, "filter": filterset})
        return {**super().get_context_data(**kwargs), "sections": sections, "today": day}
