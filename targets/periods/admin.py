"""Admin of reporting periods (created with the national defaults, edited, opened at once) and of
late-entry exceptions, granted and revoked by a supervisor of the department with a reason. Every
write is a service call (targets.periods.services)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from budgets.admin import DepartmentScopedAdmin
from budgets.admin_lists import FlatChangelistMixin
from budgets.history_admin import ReadableHistoryAdmin
from budgets.selectors import supervised_departments_for, user_supervises_department

from ..admin_tools import ServiceForm, ServiceFormAdmin, error_messages
from ..models import Evaluation, LateEntryException, MonitoringReport, ReportingPeriod
from . import services as period_services
from .selectors import today


class ReportingPeriodForm(ServiceForm):
    """Year and kind are enough: blank dates take the national defaults (monitoring data to 31 July,
    due 31 August; self-evaluation due 31 January of the next year)."""

    class Meta:
        model = ReportingPeriod
        fields = period_services.PERIOD_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            for name in ("cut_off_date", "opens_on", "due_date"):
                self.fields[name].required = False
                self.fields[name].help_text = _(
                    "留空按默认日期：监控数据截至7月31日、8月31日前填报；自评次年1月31日前填报。"
                )

    def apply(self, data):
        values = {name: data.get(name) for name in period_services.PERIOD_FIELDS if name in self.fields}
        if self.instance.pk is None:
            return period_services.reporting_period_create(actor=self.actor, **values)
        return period_services.reporting_period_update(period=self.instance, actor=self.actor, **values)


def _count_of(model):
    counted = model.objects.filter(period=OuterRef("pk")).order_by().values("period").annotate(n=Count("pk"))
    return Coalesce(Subquery(counted.values("n"), output_field=IntegerField()), 0)


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(FlatChangelistMixin, ServiceFormAdmin, ReadableHistoryAdmin):
    form = ReportingPeriodForm
    list_display = (
        "__str__",
        "kind",
        "opens_on",
        "due_date",
        "grace_days",
        "closes_on_display",
        "opened_at",
        "records",
    )
    list_filter = ("kind", "year")
    date_hierarchy = "due_date"
    readonly_fields = ("closes_on_display", "opened_at", "records")
    actions = ["open_now"]
    change_form_template = "admin/targets/reportingperiod/change_form.html"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                # Per listed period, along the (period, status) indexes; not a join of every record.
                evaluation_count=_count_of(Evaluation),
                report_count=_count_of(MonitoringReport),
            )
        )

    def get_fields(self, request, obj=None):
        fields = list(period_services.PERIOD_FIELDS)
        return fields if obj is None else [*fields, *self.readonly_fields]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and not self.has_change_permission(request, obj):
            return [*period_services.PERIOD_FIELDS, *self.readonly_fields]
        if obj is not None and obj.opened_at:
            return ["year", "kind", *self.readonly_fields]  # an opened period keeps its year and kind
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("停止填报日期"))
    def closes_on_display(self, obj):
        return f"{obj.closes_on:%Y-%m-%d}"

    @admin.display(description=gettext_lazy("已准备的填报记录"))
    def records(self, obj):
        count = getattr(obj, "evaluation_count", 0) + getattr(obj, "report_count", 0)
        return _("%(n)d 份") % {"n": count}

    def get_urls(self):
        open_url = path(
            "<path:object_id>/open/",
            self.admin_site.admin_view(self.open_view),
            name="targets_reportingperiod_open",
        )
        return [open_url, *super().get_urls()]

    def open_view(self, request, object_id):
        period = self.get_object(request, unquote(object_id))
        if period is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if request.method != "POST" or not self.has_change_permission(request, period):
            raise PermissionDenied
        self.open_periods(request, [period])
        return redirect(reverse("admin:targets_reportingperiod_change", args=[period.pk]))

    @admin.action(description=gettext_lazy("立即开启"), permissions=["change"])
    def open_now(self, request, queryset):
        self.open_periods(request, queryset)

    def open_periods(self, request, periods):
        """Entry starts today (an opening date still ahead is moved to today) and every sheet that
        reports in the period gets its record now."""
        for period in periods:
            try:
                with transaction.atomic():
                    if period.opens_on > today():
                        period = period_services.reporting_period_update(
                            period=period, opens_on=today(), actor=request.user
                        )
                    outcome = period_services.reporting_period_open(period=period, actor=request.user)
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(request, f"{period}：{'；'.join(error_messages(exc))}", level=messages.ERROR)
                continue
            self.message_user(
                request,
                _("%(p)s 已开启，可以填报；新准备了 %(n)d 份填报记录。") % {"p": period, "n": outcome["created"]},
                level=messages.SUCCESS,
            )


class LateEntryForm(ServiceForm):
    class Meta:
        model = LateEntryException
        fields = ("period", "department", "until", "reason")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "department" in self.fields:
            self.fields["department"].queryset = supervised_departments_for(self.actor).order_by("path")

    def apply(self, data):
        return period_services.late_entry_grant(
            period=data.get("period") or self.instance.period,
            department=data.get("department") or self.instance.department,
            until=data["until"],
            reason=data.get("reason", ""),
            actor=self.actor,
        )


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("撤销理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3, "cols": 60})
    )


@admin.register(LateEntryException)
class LateEntryExceptionAdmin(ServiceFormAdmin, ReadableHistoryAdmin, DepartmentScopedAdmin):
    """A supervisor gives one department more time in one period; the reason is required."""

    form = LateEntryForm
    list_display = ("department", "period", "until", "reason", "granted_by", "granted_at")
    list_filter = ("period",)
    list_select_related = ("department", "period", "granted_by")
    search_fields = ("department__name", "reason")
    fields = ("period", "department", "until", "reason")
    change_form_template = "admin/targets/lateentryexception/change_form.html"
    actions = None

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        if not self.has_change_permission(request, obj):
            return (*self.fields, "granted_by", "granted_at")
        return ("period", "department", "granted_by", "granted_at")

    def get_fields(self, request, obj=None):
        return self.fields if obj is None else (*self.fields, "granted_by", "granted_at")

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or user_supervises_department(request.user, obj.department))

    def has_delete_permission(self, request, obj=None):
        return False  # revoking is a reasoned action (the 撤销 button), not a deletion

    def get_urls(self):
        revoke_url = path(
            "<path:object_id>/revoke/",
            self.admin_site.admin_view(self.revoke_view),
            name="targets_lateentryexception_revoke",
        )
        return [revoke_url, *super().get_urls()]

    def revoke_view(self, request, object_id):
        exception = self.get_object(request, unquote(object_id))
        if exception is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_change_permission(request, exception):
            raise PermissionDenied
        form = RevokeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                period_services.late_entry_revoke(
                    exception=exception, reason=form.cleaned_data["reason"], actor=request.user
                )
            except (ValidationError, PermissionDenied) as exc:
                form.add_error(None, error_messages(exc))
            else:
                self.message_user(request, _("已撤销延期填报：%(e)s") % {"e": exception}, level=messages.SUCCESS)
                return redirect(reverse("admin:targets_lateentryexception_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "title": _("撤销延期填报"),
            "opts": self.opts,
            "exception": exception,
            "form": form,
        }
        return TemplateResponse(request, "admin/targets/lateentryexception/revoke.html", context)
