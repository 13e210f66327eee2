"""Admin upload of disclosures: upload → preview → confirm (Celery when large)."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from budgets.admin import DepartmentScopedAdmin
from budgets.admin_lists import year_filter

from ..models import DisclosureImport
from . import jobs
from .forms import DisclosureUploadForm, submitted_corrections
from .preview import department_mismatch, preview_rows, readings_context


@admin.register(DisclosureImport)
class DisclosureImportAdmin(DepartmentScopedAdmin):
    list_display = ("original_name", "department", "year", "status", "progress", "created_by", "created_at")
    list_filter = ("status", year_filter("year"))
    search_fields = ("original_name",)
    list_select_related = ("department", "created_by")

    def get_urls(self):
        extra = [
            path(
                "<int:job_id>/confirm/",
                self.admin_site.admin_view(self.confirm_view),
                name="targets_disclosureimport_confirm",
            ),
            path(
                "<int:job_id>/progress/",
                self.admin_site.admin_view(self.progress_view),
                name="targets_disclosureimport_progress",
            ),
            path(
                "<int:job_id>/correct/",
                self.admin_site.admin_view(self.correct_view),
                name="targets_disclosureimport_correct",
            ),
            path(
                "<int:job_id>/retry/",
                self.admin_site.admin_view(self.retry_view),
                name="targets_disclosureimport_retry",
            ),
        ]
        return extra + super().get_urls()

    def has_change_permission(self, request, obj=None):
        return False

    def _job(self, request, job_id):
        job = self.get_queryset(request).filter(pk=job_id).first()
        if job is None or not self.has_view_permission(request, job):
            raise Http404
        return job

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = DisclosureUploadForm(request.POST or None, request.FILES or None, user=request.user)
        error = None
        if request.method == "POST" and form.is_valid():
            try:
                job = jobs.disclosure_upload_create(
                    uploaded_file=form.cleaned_data["file"],
                    department=form.cleaned_data["department"],
                    year=form.cleaned_data["year"],
                    actor=request.user,
                )
                return redirect(reverse("admin:targets_disclosureimport_change", args=[job.pk]))
            except (ValidationError, PermissionDenied) as exc:
                error = "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        context = {
            **self.admin_site.each_context(request),
            "title": _("上传公开文件"),
            "form": form,
            "error": error,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/targets/disclosureimport/upload.html", context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return self._detail(request, self._job(request, object_id))

    def _detail(self, request, job, *, submitted=None, correction_errors=()):
        stuck = jobs.is_stuck(job)
        can_confirm = self.has_add_permission(request)
        context = {
            **self.admin_site.each_context(request),
            "title": job.original_name,
            "job": job,
            "stuck": stuck,
            "refresh": job.in_progress and not stuck,
            "changes": preview_rows(job.preview),
            "mismatch": department_mismatch(job),
            "opts": self.model._meta,
            "can_confirm": can_confirm,
            "can_retry": can_confirm and (job.can_retry or stuck),
            "correction_errors": correction_errors,
            "correct_url": reverse("admin:targets_disclosureimport_correct", args=[job.pk]),
            **readings_context(
                job, can_correct=can_confirm and jobs.user_may_import(request.user, job), submitted=submitted
            ),
        }
        return TemplateResponse(request, "admin/targets/disclosureimport/detail.html", context)

    def correct_view(self, request, job_id):
        if request.method != "POST" or not self.has_add_permission(request):
            raise PermissionDenied
        job = self._job(request, job_id)
        submitted = submitted_corrections(request.POST)
        try:
            updated = jobs.disclosure_upload_correct(job=job, corrections=submitted, actor=request.user)
        except ValidationError as exc:
            if not job.preview:
                self.message_user(request, "；".join(exc.messages), level=messages.ERROR)
                return redirect(reverse("admin:targets_disclosureimport_change", args=[job.pk]))
            return self._detail(request, job, submitted=submitted, correction_errors=exc.messages)
        if updated.corrections == job.corrections:
            self.message_user(request, _("没有改动，无需保存。"), level=messages.INFO)
        else:
            self.message_user(request, _("更正已保存，预览按更正重新生成。"), level=messages.SUCCESS)
        return redirect(reverse("admin:targets_disclosureimport_change", args=[job.pk]))

    def confirm_view(self, request, job_id):
        if request.method != "POST" or not self.has_add_permission(request):
            raise PermissionDenied
        job = self._job(request, job_id)
        try:
            jobs.disclosure_upload_confirm(
                job=job,
                actor=request.user,
                department_confirmed=request.POST.get("department_confirmed") == "1",
                allow_removals=request.POST.get("allow_removals") == "1",
            )
        except ValidationError as exc:
            self.message_user(request, "；".join(exc.messages), level=messages.ERROR)
        return redirect(reverse("admin:targets_disclosureimport_change", args=[job.pk]))

    def retry_view(self, request, job_id):
        if request.method != "POST" or not self.has_add_permission(request):
            raise PermissionDenied
        job = self._job(request, job_id)
        try:
            jobs.disclosure_upload_retry(job=job, actor=request.user)
        except ValidationError as exc:
            self.message_user(request, "；".join(exc.messages), level=messages.ERROR)
        return redirect(reverse("admin:targets_disclosureimport_change", args=[job.pk]))

    def progress_view(self, request, job_id):
        job = self._job(request, job_id)
        stuck = jobs.is_stuck(job)
        return JsonResponse(
            {
                "status": job.status,
                "status_label": str(_("处理超时") if stuck else job.get_status_display()),
                "progress": job.progress,
                "message": job.message,
                "finished": not job.in_progress or stuck,
            }
        )
