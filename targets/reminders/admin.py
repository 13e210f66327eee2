"""Admin of the reminders: the rules per period kind (system administrators change them) and the log
of every reminder sent (who, when, which sheets, channel, delivery status, failure reason). Staff see
their own reminders; supervisors also those naming a department of their tree."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Prefetch
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from budgets.admin import DepartmentScopedAdmin
from budgets.admin_lists import FlatChangelistMixin, department_filter

from ..models import ReportingPeriod
from .messages import digest_text
from .models import ReminderDelivery, ReminderItem, ReminderKind, ReminderRule
from .selectors import deliveries_visible_to
from .services import RULE_FIELDS, reminder_delivery_retry, reminder_rule_set

SHEETS_LISTED = 3


@admin.register(ReminderRule)
class ReminderRuleAdmin(FlatChangelistMixin, admin.ModelAdmin):
    list_display = ("period_kind", *RULE_FIELDS)
    fieldsets = (
        (None, {"fields": ("period_kind", "enabled")}),
        (_("何时提醒"), {"fields": ("days_before", "days_after", "review_after_days")}),
        (
            _("不可屏蔽的提醒"),
            {
                "fields": ("due_soon_mandatory", "overdue_mandatory", "review_mandatory"),
                "description": _("勾选的提醒用户不能屏蔽；逾期督办始终发送给监督审核人员。"),
            },
        ),
    )

    def get_readonly_fields(self, request, obj=None):
        return ("period_kind",) if obj is not None else ()

    def has_add_permission(self, request):
        if not request.user.is_superuser:
            return False
        missing = set(ReportingPeriod.Kind.values) - set(ReminderRule.objects.values_list("period_kind", flat=True))
        return bool(missing)

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in RULE_FIELDS}
        rule = reminder_rule_set(period_kind=obj.period_kind, actor=request.user, **data)
        obj.pk = rule.pk


class DepartmentFilter(department_filter("department")):
    """Reminders naming one department; only departments the user may see are listed."""

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        try:
            department = int(self.value())
        except ValueError:
            return queryset.none()
        return queryset.filter(Exists(ReminderItem.objects.filter(digest=OuterRef("digest"), department_id=department)))


@admin.register(ReminderDelivery)
class ReminderDeliveryAdmin(DepartmentScopedAdmin):
    list_display = (
        "recipient",
        "day",
        "kind",
        "channel",
        "status",
        "attempts",
        "error",
        "sheets_short",
        "delivered_at",
    )
    list_filter = ("channel", "status", "digest__kind", "digest__day", DepartmentFilter)
    date_hierarchy = "digest__day"
    search_fields = ("digest__recipient__username", "digest__recipient__first_name", "digest__subject")
    fields = (
        "recipient",
        "day",
        "kind",
        "subject",
        "channel",
        "status",
        "attempts",
        "error",
        "delivered_at",
        "read",
        "sheets",
        "message",
    )
    readonly_fields = fields
    actions = ["retry_failed"]

    def get_queryset(self, request):
        # Own reminders and those naming a supervised department (not DepartmentScopedAdmin's filter:
        # a digest names several departments, and staff see only their own).
        items = ReminderItem.objects.select_related("sheet__project", "department").order_by("pk")
        return (
            deliveries_visible_to(request.user)
            .select_related("digest__recipient")
            .prefetch_related(Prefetch("digest__items", queryset=items))
        )

    def has_retry_permission(self, request):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("收件人"), ordering="digest__recipient__username")
    def recipient(self, obj):
        user = obj.digest.recipient
        return user.get_full_name() or user.username

    @admin.display(description=_("提醒日期"), ordering="digest__day")
    def day(self, obj):
        return obj.digest.day

    @admin.display(description=_("提醒类型"), ordering="digest__kind")
    def kind(self, obj):
        return ReminderKind(obj.digest.kind).label

    @admin.display(description=_("标题"))
    def subject(self, obj):
        return obj.digest.subject

    @admin.display(description=_("阅读时间"))
    def read(self, obj):
        if obj.channel != ReminderDelivery.Channel.IN_APP:
            return "—"
        return obj.digest.read_at or _("未读")

    @admin.display(description=_("涉及的目标表"))
    def sheets(self, obj):
        names = [f"{item.department.name} · {item.sheet_name}" for item in obj.digest.items.all()]
        return "；".join(names)

    @admin.display(description=_("涉及的目标表"))
    def sheets_short(self, obj):
        """The first few sheets in the list (the change page names them all)."""
        items = list(obj.digest.items.all())
        shown = "；".join(f"{item.department.name} · {item.sheet_name}" for item in items[:SHEETS_LISTED])
        if len(items) > SHEETS_LISTED:
            shown += str(_("……等 %(n)d 张") % {"n": len(items)})
        return shown

    @admin.display(description=_("内容"))
    def message(self, obj):
        digest = obj.digest
        name = digest.recipient.get_full_name() or digest.recipient.username
        text = digest_text(kind=digest.kind, day=digest.day, content=digest.content, name=name)
        return format_html('<pre style="white-space: pre-wrap; font-family: inherit">{}</pre>', text)

    @admin.action(description=_("重新发送失败的邮件"), permissions=["retry"])
    def retry_failed(self, request, queryset):
        done = 0
        for delivery in queryset.filter(channel=ReminderDelivery.Channel.EMAIL, status=ReminderDelivery.Status.FAILED):
            try:
                reminder_delivery_retry(delivery=delivery, actor=request.user)
                done += 1
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(
                    request, f"{delivery}：{'；'.join(getattr(exc, 'messages', [str(exc)]))}", messages.ERROR
                )
        self.message_user(request, _("已重新排队 %(n)d 封邮件。") % {"n": done}, messages.SUCCESS)
