"""A built report: what was asked for (kind, department, year, round or evaluation), the data
snapshot it was built from with its SHA-256, and its files. Files are content-addressed and never
change once written; they are served only through a view that checks the user."""

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from budgets.models import Department

from ..models import Evaluation, ReportingPeriod


def report_storage():
    """Private storage outside MEDIA_ROOT (settings.STORAGES["reports"])."""
    return storages["reports"]


class ReportKind(models.TextChoices):
    PROJECT = "project", _("项目绩效自评表")
    DEPARTMENT = "department", _("部门绩效评价报告")
    MONITORING = "monitoring", _("绩效运行监控报告")


class ReportBuild(models.Model):
    Kind = ReportKind

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("生成中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    class Trigger(models.TextChoices):
        ON_DEMAND = "on_demand", _("按需生成")
        SCHEDULED = "scheduled", _("定时生成")

    kind = models.CharField(_("报告类型"), max_length=16, choices=ReportKind.choices)
    department = models.ForeignKey(
        Department, verbose_name=_("部门"), on_delete=models.PROTECT, related_name="report_builds"
    )
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    period = models.ForeignKey(
        ReportingPeriod,
        verbose_name=_("填报期"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="report_builds",
    )
    evaluation = models.ForeignKey(
        Evaluation,
        verbose_name=_("绩效自评"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="report_builds",
    )
    trigger = models.CharField(_("生成方式"), max_length=16, choices=Trigger.choices, default=Trigger.ON_DEMAND)
    schedule_key = models.CharField(
        _("定时任务标识"), max_length=120, blank=True, help_text=_("定时生成的报告每个填报期、部门只生成一次")
    )
    notify_supervisors = models.BooleanField(_("完成后发送给监督审核人员"), default=False)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("进度"), default=0)
    message = models.TextField(_("说明"), blank=True)
    title = models.CharField(_("标题"), max_length=300, blank=True)
    snapshot = models.JSONField(_("数据快照"), default=dict, blank=True)
    snapshot_sha256 = models.CharField(_("快照 SHA-256"), max_length=64, blank=True)
    data_as_of = models.DateTimeField(_("数据截至"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)
    emailed_to = models.TextField(_("收件人"), blank=True)

    class Meta:
        verbose_name = _("评价报告")
        verbose_name_plural = _("评价报告")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["schedule_key"], condition=~Q(schedule_key=""), name="reportbuild_one_per_schedule_key"
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="reportbuild_progress_range"),
            models.CheckConstraint(
                condition=~Q(status="done") | ~Q(snapshot_sha256=""), name="reportbuild_done_has_snapshot"
            ),
            models.CheckConstraint(
                condition=~Q(kind="project") | Q(evaluation__isnull=False), name="reportbuild_project_has_evaluation"
            ),
            models.CheckConstraint(
                condition=~Q(kind="monitoring") | Q(period__isnull=False), name="reportbuild_monitoring_has_period"
            ),
        ]
        indexes = [models.Index(fields=["department", "year", "kind"])]

    def __str__(self) -> str:
        return self.title or f"{self.department} {self.year} {self.get_kind_display()}"

    @property
    def in_progress(self) -> bool:
        return self.status in {self.Status.QUEUED, self.Status.RUNNING}


class ReportFile(models.Model):
    """One file of a build. Written once: a stored file is never changed or replaced."""

    class Format(models.TextChoices):
        PDF = "pdf", _("PDF")
        XLSX = "xlsx", _("Excel")

    build = models.ForeignKey(ReportBuild, verbose_name=_("评价报告"), on_delete=models.CASCADE, related_name="files")
    format = models.CharField(_("格式"), max_length=8, choices=Format.choices)
    file = models.FileField(_("文件"), storage=report_storage, max_length=300)
    name = models.CharField(_("文件名"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("报告文件")
        verbose_name_plural = _("报告文件")
        ordering = ["build", "format"]
        constraints = [models.UniqueConstraint(fields=["build", "format"], name="reportfile_one_per_format")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("A report file is immutable once stored.")
        super().save(*args, **kwargs)
