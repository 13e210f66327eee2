"""Built reports in the admin: the archive (scoped to the user's departments), a form to build one on
demand (queued to Celery, with progress on its page), downloads through the checked view. Nothing
can be edited or deleted: a built report is a record."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from budgets.admin import DepartmentScopedAdmin
from budgets.admin_lists import year_filter
from budgets.selectors import memberships_of

from .forms import ReportRequestForm
from .models import ReportBuild


@admin.register(ReportBuild)
class ReportBuildAdmin(DepartmentScopedAdmin):
    list_display = (
        "title",
        "department",
        "kind",
        "status",
        "progress",
        "trigger",
        "data_as_of",
        "requested_at",
        "downloads",
    )
    list_filter = ("kind", "status", "trigger", year_filter("year"))
    search_fields = ("title", "department__name")
    list_select_related = ("department", "requested_by")
    fields = (
        "title",
        "kind",
        "department",
        "year",
        "period",
        "status",
        "progress",
        "message",
        "trigger",
        "requested_by",
        "requested_at",
        "finished_at",
        "data_as_of",
        "snapshot_sha256",
        "emailed_at",
        "emailed_to",
        "downloads",
    )
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("files")

    def _member(self, request) -> bool:
        return request.user.is_active and (request.user.is_superuser or bool(memberships_of(request.user)))

    def has_module_permission(self, request):
        return self._member(request)

    def has_view_permission(self, request, obj=None):
        return self._member(request)

    def has_add_permission(self, request):
        return self._member(request)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("下载"))
    def downloads(self, obj):
        return (
            format_html_join(
                " ",
                '<a href="{}">{}</a>',
                ((reverse("reports:download", args=[f.pk]), f.get_format_display()) for f in obj.files.all()),
            )
            or "—"
        )

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ReportRequestForm(request.POST or None, user=request.user)
        if request.method == "POST" and form.is_valid():
            try:
                builds = form.request_builds(request.user)
            except ValidationError as exc:
                self.message_user(request, "；".join(exc.messages), level=messages.ERROR)
            else:
                self.message_user(request, _("已开始在后台生成 %(n)d 份报告。") % {"n": len(builds)})
                if len(builds) == 1:
                    return redirect(reverse("admin:targets_reportbuild_change", args=[builds[0].pk]))
                return redirect(reverse("admin:targets_reportbuild_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "title": _("生成评价报告"),
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/targets/reportbuild/request.html", context)
