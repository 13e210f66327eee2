"""Disclosures imported in the workspace: upload a file or paste the text of a web page → preview
of what would change (with a warning when the document names another unit) → confirm; and
downloads of uploaded files, for those who may see the upload's department."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView
from django_tables2 import RequestConfig

from budgets.downloads import attachment_response

from ..workspace.views import MemberRequiredMixin
from . import jobs
from .forms import WorkspaceUploadForm, submitted_corrections
from .preview import department_mismatch, preview_rows, readings_context
from .selectors import disclosure_imports_for, import_departments_for
from .tables import UploadTable


class UploadFileView(LoginRequiredMixin, View):
    def get(self, request, pk):
        job = get_object_or_404(disclosure_imports_for(request.user), pk=pk)
        return attachment_response(job.file, job.original_name)


class UploadListView(MemberRequiredMixin, TemplateView):
    template_name = "targets/importing/list.html"

    def get_context_data(self, **kwargs):
        table = UploadTable(disclosure_imports_for(self.request.user).order_by("-created_at"))
        RequestConfig(self.request, paginate={"per_page": 25}).configure(table)
        may_import = import_departments_for(self.request.user).exists()
        return {**super().get_context_data(**kwargs), "table": table, "can_import": may_import}


class UploadCreateView(MemberRequiredMixin, FormView):
    template_name = "targets/importing/new.html"
    form_class = WorkspaceUploadForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not import_departments_for(request.user).exists():
            raise PermissionDenied(_("只有部门的财务人员可以导入公开文件；监督审核人员可以查看已导入的文件。"))
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        try:
            job = jobs.disclosure_upload_create(
                uploaded_file=form.uploaded_file(),
                department=form.cleaned_data["department"],
                year=form.cleaned_data["year"],
                actor=self.request.user,
            )
        except (ValidationError, PermissionDenied) as exc:
            for message in getattr(exc, "messages", [str(exc)]):
                form.add_error(None, message)
            return self.form_invalid(form)
        return redirect("importing:detail", pk=job.pk)


class UploadDetailView(MemberRequiredMixin, TemplateView):
    """Progress while the worker reads the file, then the preview and the confirmation."""

    template_name = "targets/importing/detail.html"

    def job(self):
        return get_object_or_404(disclosure_imports_for(self.request.user), pk=self.kwargs["pk"])

    def get(self, request, *args, **kwargs):
        job = self.job()
        if request.GET.get("format") == "json":
            stuck = jobs.is_stuck(job)
            return JsonResponse(
                {
                    "status": str(job.get_status_display()),
                    "progress": job.progress,
                    "finished": not job.in_progress or stuck,
                }
            )
        return self.render_page(job)

    def render_page(self, job, *, submitted=None, correction_errors=()):
        stuck = jobs.is_stuck(job)
        may_import = jobs.user_may_import(self.request.user, job)
        return self.render_to_response(
            {
                "job": job,
                "stuck": stuck,
                "refresh": job.in_progress and not stuck,
                "changes": preview_rows(job.preview),
                "report": job.preview,
                "mismatch": department_mismatch(job),
                "can_import": may_import,
                "can_retry": may_import and (job.can_retry or stuck),
                "correction_errors": correction_errors,
                **readings_context(job, can_correct=may_import, submitted=submitted),
            }
        )

    def post(self, request, *args, **kwargs):
        job = self.job()
        if "correct" in request.POST:
            return self.correct(job)
        try:
            if "retry" in request.POST:
                jobs.disclosure_upload_retry(job=job, actor=request.user)
                messages.success(request, _("已重新开始处理。"))
            else:
                jobs.disclosure_upload_confirm(
                    job=job,
                    actor=request.user,
                    department_confirmed=request.POST.get("department_confirmed") == "1",
                    allow_removals=request.POST.get("allow_removals") == "1",
                )
                messages.success(request, _("已确认，正在导入。"))
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
        return redirect("importing:detail", pk=job.pk)

    def correct(self, job):
        submitted = submitted_corrections(self.request.POST)
        try:
            updated = jobs.disclosure_upload_correct(job=job, corrections=submitted, actor=self.request.user)
        except PermissionDenied as exc:
            messages.error(self.request, str(exc))
        except ValidationError as exc:
            if not job.preview:
                messages.error(self.request, "；".join(exc.messages))
                return redirect("importing:detail", pk=job.pk)
            return self.render_page(job, submitted=submitted, correction_errors=exc.messages)
        else:
            if updated.corrections == job.corrections:
                messages.info(self.request, _("没有改动，无需保存。"))
            else:
                messages.success(self.request, _("更正已保存，预览按更正重新生成。"))
        return redirect("importing:detail", pk=job.pk)
