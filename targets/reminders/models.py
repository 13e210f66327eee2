"""Reminders: the rules per period kind, the digests sent (at most one per person, day and kind,
enforced by the database), the sheets each digest names, its delivery per channel, and the kinds
each user has muted. Imported into targets.models, so the app label is "targets"."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from budgets.models import Department

from ..models import Evaluation, MonitoringReport, ReportingPeriod, TargetSheet

MAX_REMINDER_DAYS = 365


class ReminderKind(models.TextChoices):
    DUE_SOON = "due_soon", _("截止前提醒")
    OVERDUE = "overdue", _("逾期提醒")
    ESCALATION = "escalation", _("逾期督办")
    REVIEW = "review", _("待审核提醒")


# What a user may mute (unless a rule makes it mandatory); an escalation reaches supervisors always.
MUTABLE_KINDS = (ReminderKind.DUE_SOON, ReminderKind.OVERDUE, ReminderKind.REVIEW)


def day_list(text: str) -> list[int]:
    """ "7, 1" → [7, 1] (sorted, largest first, duplicates dropped); "" → []."""
    return sorted({int(part) for part in (text or "").replace("，", ",").split(",") if part.strip()}, reverse=True)


class ReminderRule(models.Model):
    """When the reminders of one kind of reporting period go out, and which of them users cannot mute."""

    period_kind = models.CharField(_("填报期类型"), max_length=20, choices=ReportingPeriod.Kind.choices, unique=True)
    enabled = models.BooleanField(_("启用"), default=True)
    days_before = models.CharField(
        _("截止前提醒（天）"),
        max_length=100,
        default="7,1",
        blank=True,
        help_text=_("截止日期前第几天提醒尚未提交或有退回内容的财务人员，用逗号分隔，例如 7,1；0 表示截止当天"),
    )
    days_after = models.CharField(
        _("逾期提醒（天）"),
        max_length=100,
        default="1",
        blank=True,
        help_text=_("截止日期后第几天再次提醒财务人员，并向部门的监督审核人员督办逾期的目标表，例如 1 或 1,3,7"),
    )
    review_after_days = models.PositiveSmallIntegerField(
        _("待审核提醒（天）"),
        default=5,
        validators=[MaxValueValidator(MAX_REMINDER_DAYS)],
        help_text=_("提交后等待审核超过这么多天，每天提醒该部门的监督审核人员"),
    )
    due_soon_mandatory = models.BooleanField(_("截止前提醒不可屏蔽"), default=False)
    overdue_mandatory = models.BooleanField(_("逾期提醒不可屏蔽"), default=True)
    review_mandatory = models.BooleanField(_("待审核提醒不可屏蔽"), default=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("提醒规则")
        verbose_name_plural = _("提醒规则")
        ordering = ["period_kind"]

    def __str__(self) -> str:
        return str(_("%(kind)s的提醒规则") % {"kind": self.get_period_kind_display()})

    def clean(self):
        errors = {}
        for field in ("days_before", "days_after"):
            try:
                days = day_list(getattr(self, field))
            except ValueError:
                errors[field] = _("请填写用逗号分隔的天数，例如 7,1。")
                continue
            lowest = 1 if field == "days_after" else 0
            if any(not lowest <= day <= MAX_REMINDER_DAYS for day in days):
                errors[field] = _("天数应在 %(low)s 到 %(high)s 之间。") % {"low": lowest, "high": MAX_REMINDER_DAYS}
            else:
                setattr(self, field, ",".join(str(day) for day in days))
        if errors:
            raise ValidationError(errors)

    @property
    def before(self) -> list[int]:
        return day_list(self.days_before)

    @property
    def after(self) -> list[int]:
        return day_list(self.days_after)

    def is_mandatory(self, kind: str) -> bool:
        return {
            ReminderKind.DUE_SOON: self.due_soon_mandatory,
            ReminderKind.OVERDUE: self.overdue_mandatory,
            ReminderKind.REVIEW: self.review_mandatory,
        }.get(kind, True)


class ReminderDigest(models.Model):
    """One message to one person for one day and kind, listing all their sheets of that kind. The
    row is created before anything is sent; its unique constraint is what makes the job idempotent.
    It is also the in-app notification (read or unread)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("收件人"), on_delete=models.CASCADE, related_name="reminder_digests"
    )
    day = models.DateField(_("提醒日期"))
    kind = models.CharField(_("提醒类型"), max_length=16, choices=ReminderKind.choices)
    subject = models.CharField(_("标题"), max_length=200)
    # What the message lists (sheets, missing indicators, return reasons, links), rendered by the
    # templates in templates/targets/reminders/; people never see it raw.
    content = models.JSONField(_("内容"), default=dict, blank=True)
    run = models.UUIDField(_("运行批次"), editable=False, db_index=True)
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("提醒")
        verbose_name_plural = _("提醒")
        ordering = ["-day", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "day", "kind"], name="reminderdigest_one_per_person_day_kind"),
        ]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.subject


class ReminderItem(models.Model):
    """A sheet a digest names: its department (for scoping the log), period and record."""

    digest = models.ForeignKey(ReminderDigest, verbose_name=_("提醒"), on_delete=models.CASCADE, related_name="items")
    department = models.ForeignKey(Department, verbose_name=_("部门"), on_delete=models.PROTECT, related_name="+")
    period = models.ForeignKey(ReportingPeriod, verbose_name=_("填报期"), on_delete=models.CASCADE, related_name="+")
    sheet = models.ForeignKey(TargetSheet, verbose_name=_("目标表"), on_delete=models.CASCADE, related_name="+")
    evaluation = models.ForeignKey(
        Evaluation, verbose_name=_("绩效自评"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    monitoring_report = models.ForeignKey(
        MonitoringReport,
        verbose_name=_("绩效运行监控"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )

    class Meta:
        verbose_name = _("提醒涉及的目标表")
        verbose_name_plural = _("提醒涉及的目标表")
        constraints = [
            models.CheckConstraint(
                condition=(Q(evaluation__isnull=False) & Q(monitoring_report__isnull=True))
                | (Q(evaluation__isnull=True) & Q(monitoring_report__isnull=False)),
                name="reminderitem_one_record",
            ),
        ]
        indexes = [models.Index(fields=["department", "digest"])]

    def __str__(self) -> str:
        return self.sheet_name

    @property
    def sheet_name(self) -> str:
        sheet = self.sheet
        return sheet.project.name if sheet.project_id else sheet.title or self.department.name


class ReminderDelivery(models.Model):
    """A digest's delivery on one channel: in-app at once, e-mail by a task that may be retried."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("电子邮件")
        IN_APP = "in_app", _("站内通知")

    class Status(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENDING = "sending", _("发送中")
        SENT = "sent", _("已送达")
        FAILED = "failed", _("发送失败")
        SKIPPED = "skipped", _("未发送")

    digest = models.ForeignKey(
        ReminderDigest, verbose_name=_("提醒"), on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(_("渠道"), max_length=16, choices=Channel.choices)
    status = models.CharField(_("送达状态"), max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    # Nobody else sends before this time: a sending worker's claim, or a failed try's next turn.
    lease_until = models.DateTimeField(_("下次可发送时间"), null=True, blank=True)
    error = models.TextField(_("失败原因"), blank=True)
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("提醒记录")
        verbose_name_plural = _("提醒记录")
        ordering = ["-digest__day", "-digest_id", "channel"]
        constraints = [
            models.UniqueConstraint(fields=["digest", "channel"], name="reminderdelivery_one_per_channel"),
            models.CheckConstraint(
                condition=~Q(status="failed") | ~Q(error=""), name="reminderdelivery_failure_has_reason"
            ),
        ]
        indexes = [models.Index(fields=["status", "lease_until"])]

    def __str__(self) -> str:
        return f"{self.digest} · {self.get_channel_display()}"


class ReminderMute(models.Model):
    """A kind of reminder a user does not want (ignored where a rule makes the kind mandatory)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="reminder_mutes"
    )
    kind = models.CharField(_("提醒类型"), max_length=16, choices=ReminderKind.choices)
    created_at = models.DateTimeField(_("设置时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("屏蔽的提醒")
        verbose_name_plural = _("屏蔽的提醒")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="remindermute_unique"),
            models.CheckConstraint(condition=~Q(kind="escalation"), name="remindermute_escalation_not_mutable"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_kind_display()}"
