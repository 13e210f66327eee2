"""Report pages in the workspace: the live reports (rendered from a snapshot of the current data,
with the same templates as the PDF), the dashboards, asking for a build, its progress, and the
archive with downloads. Thin: selectors read, services write, every object is scoped to the user."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView
from django_tables2 import RequestConfig

from budgets.selectors import departments_for, supervised_departments_for, user_supervises_department

from ..assessment.selectors import evaluations_for
from ..models import MonitoringReport, ReportingPeriod
from ..workspace.views import MemberRequiredMixin
from . import dashboard, selectors, snapshots
from .forms import ReportRequestForm
from .rendering import render_html
from .tables import BuildFilter, BuildTable

PAGE_SIZE = 25
CONTENT_TYPES = {"pdf": "application/pdf", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _year(value, default: int) -> int:
    try:
        year = int(value)
    except (TypeError, ValueError):
        return default
    return year if 2000 <= year <= 2100 else default


class LiveReportView(MemberRequiredMixin, View):
    """A report on the current data: the snapshot a build would take now, as a web page."""

    def get(self, request, *args, **kwargs):
        snapshot, target = self.snapshot()
        html = render_html(snapshot, printing=False, request=request, extra={"build_target": target})
        return HttpResponse(html)


class ProjectReportView(LiveReportView):
    def snapshot(self):
        evaluation = get_object_or_404(evaluations_for(self.request.user), pk=self.kwargs["pk"])
        return snapshots.project_snapshot(evaluation.pk), {"evaluation": evaluation.pk}


class DepartmentReportView(LiveReportView):
    def snapshot(self):
        department = selectors.report_department_for(self.request.user, self.kwargs["code"])
        return snapshots.department_snapshot(department.pk, self.kwargs["year"]), {}


class MonitoringReportView(LiveReportView):
    def snapshot(self):
        department = selectors.report_department_for(self.request.user, self.kwargs["code"])
        period = get_object_or_404(ReportingPeriod, pk=self.kwargs["period"], kind=ReportingPeriod.Kind.MONITORING)
        return snapshots.monitoring_snapshot(department.pk, period.pk), {"period": period.pk}


class ReportIndexView(MemberRequiredMixin, TemplateView):
    """Reports of a department and year to view now, the request form, and the archive."""

    template_name = "targets/reports/index.html"

    def get_context_data(self, **kwargs):
        user, params = self.request.user, self.request.GET
        departments = departments_for(user).order_by("path")
        years = selectors.report_years_for(user)
        department = departments.filter(code=params.get("department")).first() or departments.first()
        year = _year(params.get("year"), years[0] if years else datetime.date.today().year)
        evaluations = (
            evaluations_for(user)
            .filter(sheet__department=department, period__year=year, sheet__is_current=True)
            .order_by("sheet__project__name", "sheet__title")
        )
        rounds = ReportingPeriod.objects.filter(
            kind=ReportingPeriod.Kind.MONITORING,
            year=year,
            pk__in=MonitoringReport.objects.filter(sheet__department=department).values("period_id"),
        ).order_by("cut_off_date")
        builds = BuildFilter(params or None, queryset=selectors.builds_for(user), user=user)
        table = BuildTable(builds.qs)
        RequestConfig(self.request, paginate={"per_page": PAGE_SIZE}).configure(table)
        initial = {"department": department.code if department else None, "year": year, "kind": "department"}
        return {
            **super().get_context_data(**kwargs),
            "departments": departments,
            "department": department,
            "years": years,
            "year": year,
            "evaluations": evaluations,
            "rounds": rounds,
            "filter": builds,
            "table": table,
            "form": ReportRequestForm(initial=initial, user=user),
        }


class BuildCreateView(MemberRequiredMixin, View):
    def post(self, request, *args, **kwargs):
        form = ReportRequestForm(request.POST, user=request.user)
        if not form.is_valid():
            problems = [
                f"{form.fields[name].label}：{'、'.join(errors)}" if name in form.fields else "、".join(errors)
                for name, errors in form.errors.items()
            ]
            messages.error(request, _("请检查报告类型、部门和年度：") + "；".join(problems))
            return redirect("reports:index")
        data = form.cleaned_data
        try:
            builds = form.request_builds(request.user)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
            return redirect("reports:index")
        if len(builds) == 1:
            return redirect("reports:build", builds[0].pk)
        messages.success(request, _("已开始在后台生成 %(n)d 份报告。") % {"n": len(builds)})
        return redirect(f"{reverse('reports:index')}?department={data['department'].code}&year={data['year']}")


class BuildDetailView(MemberRequiredMixin, TemplateView):
    template_name = "targets/reports/build.html"

    def get_context_data(self, **kwargs):
        build = get_object_or_404(selectors.builds_for(self.request.user), pk=self.kwargs["pk"])
        return {**super().get_context_data(**kwargs), "build": build, "files": list(build.files.all())}


class BuildProgressView(MemberRequiredMixin, View):
    def get(self, request, *args, pk, **kwargs):
        build = get_object_or_404(selectors.builds_for(request.user), pk=pk)
        return JsonResponse(
            {
                "status": build.status,
                "status_label": str(build.get_status_display()),
                "progress": build.progress,
                "message": build.message,
            }
        )


class DownloadView(MemberRequiredMixin, View):
    """A built file, to those who may see its department; always as an attachment."""

    def get(self, request, *args, pk, **kwargs):
        report_file = get_object_or_404(selectors.files_for(request.user), pk=pk)
        try:
            handle = report_file.file.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        return FileResponse(
            handle, as_attachment=True, filename=report_file.name, content_type=CONTENT_TYPES[report_file.format]
        )


class DashboardView(MemberRequiredMixin, TemplateView):
    template_name = "targets/reports/dashboard.html"

    def get_context_data(self, **kwargs):
        user, params = self.request.user, self.request.GET
        departments = departments_for(user).order_by("path")
        supervised = supervised_departments_for(user).order_by("path").first()
        department = departments.filter(code=params.get("department")).first() or supervised or departments.first()
        tree_asked = params.get("tree", "1" if supervised == department else "0") == "1"
        tree = tree_asked and user_supervises_department(user, department)
        years = selectors.report_years_for(user)
        year = _year(params.get("year"), years[0] if years else datetime.date.today().year)
        return {
            **super().get_context_data(**kwargs),
            "departments": departments,
            "department": department,
            "tree": tree,
            "can_tree": user_supervises_department(user, department),
            "years": years,
            "year": year,
            **dashboard.dashboard(user, department, year, tree=tree),
        }
