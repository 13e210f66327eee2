from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from budgets.models import Department, FundingPeriod, Project, SourceDocument

from .levels import Level1, Level2
from .scoring.values import Comparator, Nature


class TargetSheet(models.Model):
    """A 绩效目标表 for one project or a whole department, for one period.

    An approved sheet is never edited in place: a revision is a new version, and only one version
    per (owner, year, period) is current.
    """

    class Scope(models.TextChoices):
        PROJECT = "project", _("项目支出绩效目标")
        DEPARTMENT = "department", _("部门整体绩效目标")

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已提交")
        APPROVED = "approved", _("已审核通过")
        RETURNED = "returned", _("已退回")

    scope = models.CharField(_("类型"), max_length=16, choices=Scope.choices)
    department = models.ForeignKey(
        Department, verbose_name=_("部门"), on_delete=models.PROTECT, related_name="target_sheets"
    )
    project = models.ForeignKey(
        Project,
        verbose_name=_("项目"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="target_sheets",
    )
    year = models.PositiveSmallIntegerField(_("预算年度"))
    period = models.CharField(_("期间"), max_length=16, choices=FundingPeriod.choices)
    first_year = models.PositiveSmallIntegerField(_("起始年度"))
    last_year = models.PositiveSmallIntegerField(_("终止年度"))
    title = models.CharField(_("表名"), max_length=300, blank=True)
    overall_goal = models.TextField(_("总体目标"), blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(_("版本"), default=1)
    is_current = models.BooleanField(_("当前版本"), default=True)
    previous = models.OneToOneField(
        "self",
        verbose_name=_("上一版本"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="next_version",
    )
    source_document = models.ForeignKey(
        SourceDocument,
        verbose_name=_("来源文件"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="target_sheets",
    )
    source_location = models.CharField(_("来源位置"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("绩效目标表")
        verbose_name_plural = _("绩效目标表")
        ordering = ["department__path", "-year", "project__name", "period", "-version"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(scope="project") & Q(project__isnull=False))
                | (Q(scope="department") & Q(project__isnull=True)),
                name="targetsheet_scope_matches_project",
            ),
            models.CheckConstraint(condition=Q(first_year__lte=F("last_year")), name="targetsheet_years_ordered"),
            models.CheckConstraint(condition=Q(version__gte=1), name="targetsheet_version_positive"),
            models.UniqueConstraint(
                fields=["project", "period", "version"],
                condition=Q(scope="project"),
                name="targetsheet_unique_project_version",
            ),
            models.UniqueConstraint(
                fields=["department", "year", "period", "version"],
                condition=Q(scope="department"),
                name="targetsheet_unique_department_version",
            ),
            models.UniqueConstraint(
                fields=["project", "period"],
                condition=Q(scope="project", is_current=True),
                name="targetsheet_one_current_per_project_period",
            ),
            models.UniqueConstraint(
                fields=["department", "year", "period"],
                condition=Q(scope="department", is_current=True),
                name="targetsheet_one_current_per_department_period",
            ),
        ]
        indexes = [models.Index(fields=["year", "status"])]

    def __str__(self) -> str:
        owner = self.project.name if self.project_id else self.title or str(self.department)
        return f"{owner} · {self.get_period_display()} · v{self.version}"

    def clean(self):
        errors = {}
        if self.scope == self.Scope.PROJECT and not self.project_id:
            errors["project"] = _("项目绩效目标表必须关联项目。")
        if self.scope == self.Scope.DEPARTMENT and self.project_id:
            errors["project"] = _("部门整体绩效目标表不能关联项目。")
        if self.project_id and self.department_id and self.project.department_id != self.department_id:
            errors["department"] = _("目标表的部门必须与项目的部门一致。")
        if self.first_year and self.last_year and self.first_year > self.last_year:
            errors["last_year"] = _("终止年度不能早于起始年度。")
        if errors:
            raise ValidationError(errors)

    @property
    def is_editable(self) -> bool:
        return self.status in {self.Status.DRAFT, self.Status.RETURNED}


class Indicator(models.Model):
    """A 三级指标 with its target as printed and as parsed."""

    sheet = models.ForeignKey(
        TargetSheet, verbose_name=_("目标表"), on_delete=models.CASCADE, related_name="indicators"
    )
    order = models.PositiveIntegerField(_("序号"))
    level1_label = models.CharField(_("一级指标"), max_length=100, blank=True)
    level1_code = models.CharField(_("一级指标代码"), max_length=32, choices=Level1.choices, blank=True)
    level2_label = models.CharField(_("二级指标"), max_length=100, blank=True)
    level2_code = models.CharField(_("二级指标代码"), max_length=32, choices=Level2.choices, blank=True)
    name = models.TextField(_("三级指标"))
    target_text = models.TextField(_("指标值"), blank=True)
    comparator = models.CharField(_("比较方式"), max_length=16, choices=Comparator.choices)
    target_number = models.DecimalField(_("目标数值"), max_digits=24, decimal_places=6, null=True, blank=True)
    target_upper = models.DecimalField(_("区间上限"), max_digits=24, decimal_places=6, null=True, blank=True)
    unit = models.CharField(_("计量单位"), max_length=32, blank=True)
    nature = models.CharField(_("指标性质"), max_length=16, choices=Nature.choices)
    weight = models.DecimalField(_("分值"), max_digits=6, decimal_places=2, null=True, blank=True)
    source_location = models.CharField(_("来源位置"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("绩效指标")
        verbose_name_plural = _("绩效指标")
        ordering = ["sheet", "order"]
        constraints = [
            models.UniqueConstraint(fields=["sheet", "order"], name="indicator_unique_order"),
            models.CheckConstraint(
                condition=Q(weight__isnull=True) | (Q(weight__gte=0) & Q(weight__lte=100)),
                name="indicator_weight_range",
            ),
            models.CheckConstraint(
                condition=Q(nature="qualitative") | Q(target_number__isnull=False),
                name="indicator_quantitative_has_number",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}：{self.target_text}"


class ReportingPeriod(models.Model):
    """A round in which departments report actuals: in-year monitoring or year-end self-evaluation."""

    class Kind(models.TextChoices):
        MONITORING = "monitoring", _("绩效运行监控")
        SELF_EVALUATION = "self_evaluation", _("绩效自评")

    year = models.PositiveSmallIntegerField(_("年度"))
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    cut_off_date = models.DateField(_("数据截止日期"))
    due_date = models.DateField(_("填报截止日期"))

    class Meta:
        verbose_name = _("填报期")
        verbose_name_plural = _("填报期")
        ordering = ["-year", "cut_off_date"]
        constraints = [
            models.UniqueConstraint(fields=["year", "kind", "cut_off_date"], name="reportingperiod_unique"),
            models.CheckConstraint(
                condition=Q(due_date__gte=F("cut_off_date")), name="reportingperiod_due_after_cutoff"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_kind_display()}（截至 {self.cut_off_date:%Y-%m-%d}）"

    def clean(self):
        if self.cut_off_date and self.due_date and self.due_date < self.cut_off_date:
            raise ValidationError({"due_date": _("填报截止日期不能早于数据截止日期。")})
        if self.cut_off_date and self.year and self.cut_off_date.year != self.year:
            if not (self.kind == self.Kind.SELF_EVALUATION and self.cut_off_date.year == self.year + 1):
                raise ValidationError({"cut_off_date": _("数据截止日期必须在该年度内（自评可到次年）。")})


class DisclosureImport(models.Model):
    """An uploaded disclosure on its way in: preview first, then the import once confirmed."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("已上传")
        PREVIEWED = "previewed", _("待确认")
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("导入中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    file = models.FileField(_("文件"), upload_to="uploads/%Y/%m/")
    original_name = models.CharField(_("原文件名"), max_length=255)
    department = models.ForeignKey(
        Department, verbose_name=_("部门"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("预算年度"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.UPLOADED)
    progress = models.PositiveSmallIntegerField(_("进度"), default=0)
    message = models.TextField(_("说明"), blank=True)
    preview = models.JSONField(_("预览"), default=dict, blank=True)
    result = models.JSONField(_("结果"), default=dict, blank=True)
    source_document = models.ForeignKey(
        SourceDocument, verbose_name=_("来源文件"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("公开文件导入")
        verbose_name_plural = _("公开文件导入")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="disclosureimport_progress_range"),
        ]

    def __str__(self) -> str:
        return f"{self.original_name}（{self.get_status_display()}）"

    @property
    def in_progress(self) -> bool:
        return self.status in {self.Status.UPLOADED, self.Status.QUEUED, self.Status.RUNNING}
