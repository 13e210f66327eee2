import datetime
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from budgets.models import Department, FundingPeriod, Project, SourceDocument

from .levels import Level1, Level2
from .scoring.indicator import Flag
from .scoring.monitoring import Likelihood
from .scoring.values import Comparator, Nature, Target


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
    revision = models.PositiveIntegerField(_("修订号"), default=0, db_default=0)
    history = HistoricalRecords(excluded_fields=["updated_at"])

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
        permissions = [("review_targetsheet", _("可以审核绩效目标表"))]

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
    # What the document printed, when the import was corrected before it was confirmed.
    source_text = models.TextField(_("更正前原文"), blank=True, default="", db_default="")
    revision = models.PositiveIntegerField(_("修订号"), default=0, db_default=0)
    history = HistoricalRecords()

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

    @property
    def target(self) -> Target:
        """The target as parsed at import (with the table's 度量单位 column, if it had one)."""
        return Target(
            self.target_text, self.comparator, self.target_number, self.unit, self.nature, upper=self.target_upper
        )


class ReportingPeriod(models.Model):
    """A round in which departments report actuals: in-year monitoring or year-end self-evaluation.

    Entry opens on `opens_on` (records for every current target sheet are prepared then), is due on
    `due_date`, and closes `grace_days` after it; a department may hold a late-entry exception.
    """

    class Kind(models.TextChoices):
        MONITORING = "monitoring", _("绩效运行监控")
        SELF_EVALUATION = "self_evaluation", _("绩效自评")

    year = models.PositiveSmallIntegerField(_("年度"))
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    cut_off_date = models.DateField(_("数据截止日期"))
    opens_on = models.DateField(_("开始填报日期"))
    due_date = models.DateField(_("填报截止日期"))
    grace_days = models.PositiveSmallIntegerField(
        _("逾期补报天数"),
        default=15,
        validators=[MaxValueValidator(365)],
        help_text=_("截止日期后仍可补报的天数，过后停止填报"),
    )
    opened_at = models.DateTimeField(_("已开启于"), null=True, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("填报期")
        verbose_name_plural = _("填报期")
        ordering = ["-year", "cut_off_date"]
        constraints = [
            models.UniqueConstraint(fields=["year", "kind", "cut_off_date"], name="reportingperiod_unique"),
            models.CheckConstraint(
                condition=Q(due_date__gte=F("cut_off_date")), name="reportingperiod_due_after_cutoff"
            ),
            models.CheckConstraint(condition=Q(due_date__gte=F("opens_on")), name="reportingperiod_due_after_open"),
            models.CheckConstraint(condition=Q(grace_days__lte=365), name="reportingperiod_grace_at_most_a_year"),
        ]

    def __str__(self) -> str:
        return f"{self.year}年{self.get_kind_display()}（截至 {self.cut_off_date:%Y-%m-%d}）"

    def clean(self):
        if self.cut_off_date and self.due_date and self.due_date < self.cut_off_date:
            raise ValidationError({"due_date": _("填报截止日期不能早于数据截止日期。")})
        if self.opens_on and self.due_date and self.due_date < self.opens_on:
            raise ValidationError({"due_date": _("填报截止日期不能早于开始填报日期。")})
        if self.cut_off_date and self.year and self.cut_off_date.year != self.year:
            if not (self.kind == self.Kind.SELF_EVALUATION and self.cut_off_date.year == self.year + 1):
                raise ValidationError({"cut_off_date": _("数据截止日期必须在该年度内（自评可到次年）。")})

    @property
    def closes_on(self) -> datetime.date:
        """The last day entry is accepted without an exception."""
        return self.due_date + datetime.timedelta(days=self.grace_days)

    def is_open_on(self, day: datetime.date) -> bool:
        return self.opens_on <= day <= self.closes_on


class LateEntryException(models.Model):
    """A supervisor's permission for one department to report in a period after it closed."""

    period = models.ForeignKey(
        ReportingPeriod, verbose_name=_("填报期"), on_delete=models.CASCADE, related_name="late_exceptions"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("部门"), on_delete=models.CASCADE, related_name="late_exceptions"
    )
    until = models.DateField(_("延期至"))
    reason = models.TextField(_("延期理由"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("批准人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(_("批准时间"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("延期填报")
        verbose_name_plural = _("延期填报")
        ordering = ["period", "department__path"]
        constraints = [
            models.UniqueConstraint(fields=["period", "department"], name="lateentryexception_unique"),
            models.CheckConstraint(condition=~Q(reason=""), name="lateentryexception_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.department}：{self.period} 延期至 {self.until:%Y-%m-%d}"

    def clean(self):
        if self.until and self.period_id and self.until < self.period.due_date:
            raise ValidationError({"until": _("延期日期不能早于填报截止日期。")})


class DisclosureImport(models.Model):
    """An uploaded disclosure on its way in: preview first, then the import once confirmed."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("已上传")
        PREVIEWED = "previewed", _("待确认")
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("导入中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")
        QUEUE_FAILED = "queue_failed", _("未能加入后台队列")
        TIMED_OUT = "timed_out", _("处理超时")

    file = models.FileField(_("文件"), upload_to="uploads/%Y/%m/")
    original_name = models.CharField(_("原文件名"), max_length=255)
    department = models.ForeignKey(
        Department, verbose_name=_("部门"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("预算年度"), null=True, blank=True, db_index=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.UPLOADED)
    progress = models.PositiveSmallIntegerField(_("进度"), default=0)
    message = models.TextField(_("说明"), blank=True)
    preview = models.JSONField(_("预览"), default=dict, blank=True)
    # Reading key -> the person's correction of it (see importing/corrections.py), applied on import.
    corrections = models.JSONField(_("更正"), default=dict, blank=True)
    result = models.JSONField(_("结果"), default=dict, blank=True)
    # Confirmed by the person: also delete the stored indicators the document does not list.
    allow_removals = models.BooleanField(_("删除文件中没有的指标"), default=False)
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
    # When the job last entered a state or reported progress: a queued or running job quiet for
    # longer than IMPORT_JOB_TIMEOUT_MINUTES is stuck (the worker died, the broker lost it).
    last_activity_at = models.DateTimeField(_("最近进展时间"), null=True, blank=True)

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

    @property
    def can_retry(self) -> bool:
        return self.status in {self.Status.QUEUE_FAILED, self.Status.TIMED_OUT}


def _percent(verbose, default):
    return models.DecimalField(verbose, max_digits=6, decimal_places=2, default=default)


class RuleProfile(models.Model):
    """A version of a scoring rule profile. Versions are never edited: a change makes a new version,
    and every stored score keeps the version that produced it."""

    class ReverseFormula(models.TextChoices):
        RATIO = "ratio", _("比例：分值 × 目标值 / 实际值")
        LINEAR = "linear", _("线性：分值 × max(0, 1 − (实际 − 目标) / 目标)")

    name = models.CharField(_("规则名称"), max_length=100)
    version = models.PositiveIntegerField(_("版本"), default=1)
    is_current = models.BooleanField(_("当前版本"), default=True)
    previous = models.OneToOneField(
        "self", verbose_name=_("上一版本"), null=True, blank=True, on_delete=models.PROTECT, related_name="next_version"
    )
    reason = models.TextField(_("调整说明"), blank=True)
    weight_output = _percent(_("产出指标权重"), 50)
    weight_benefit = _percent(_("效益指标权重"), 30)
    weight_satisfaction = _percent(_("满意度指标权重"), 10)
    weight_cost = _percent(_("成本指标权重"), 0)
    weight_budget = _percent(_("预算执行率权重"), 10)
    budget_explanation_below = _percent(_("执行率低于此值需说明（%）"), 90)
    reverse_formula = models.CharField(
        _("反向指标计分"), max_length=16, choices=ReverseFormula.choices, default=ReverseFormula.RATIO
    )
    over_achievement = _percent(_("超额完成提示阈值（%）"), 20)
    band_achieved_low = _percent(_("“达成”下限（%）"), 80)
    band_partial_low = _percent(_("“部分达成”下限（%）"), 60)
    grade_excellent = _percent(_("优（≥）"), 90)
    grade_good = _percent(_("良（≥）"), 80)
    grade_pass = _percent(_("中（≥）"), 60)
    rescale_not_applicable = models.BooleanField(_("不适用指标剔除后折算为百分制"), default=True)
    yellow_gap = _percent(_("黄色预警：执行进度落后时间进度（百分点）"), 10)
    red_gap = _percent(_("红色预警：执行进度落后时间进度（百分点）"), 20)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("评分规则")
        verbose_name_plural = _("评分规则")
        ordering = ["name", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["name", "version"], name="ruleprofile_unique_version"),
            models.UniqueConstraint(fields=["name"], condition=Q(is_current=True), name="ruleprofile_one_current"),
            models.CheckConstraint(
                condition=Q(
                    weight_output__gte=0,
                    weight_benefit__gte=0,
                    weight_satisfaction__gte=0,
                    weight_cost__gte=0,
                    weight_budget__gte=0,
                ),
                name="ruleprofile_weights_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(
                    band_partial_low__gt=0, band_partial_low__lt=F("band_achieved_low"), band_achieved_low__lte=100
                ),
                name="ruleprofile_bands_ordered",
            ),
            models.CheckConstraint(
                condition=Q(
                    grade_pass__lt=F("grade_good"), grade_good__lt=F("grade_excellent"), grade_excellent__lte=100
                ),
                name="ruleprofile_grades_ordered",
            ),
            models.CheckConstraint(condition=Q(yellow_gap__lt=F("red_gap")), name="ruleprofile_warning_gaps_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    def clean(self):
        weights = [
            self.weight_output,
            self.weight_benefit,
            self.weight_satisfaction,
            self.weight_cost,
            self.weight_budget,
        ]
        if None not in weights and sum(weights) != 100:
            raise ValidationError(
                _("各一级指标权重与预算执行率权重之和必须为 100（当前为 %(sum)s）。") % {"sum": sum(weights)}
            )

    def as_rules(self):
        from types import MappingProxyType

        from .scoring.rules import QualitativeBand, Rules

        hundred = Decimal(100)
        weights = {
            "OUTPUT": self.weight_output,
            "BENEFIT": self.weight_benefit,
            "SATISFACTION": self.weight_satisfaction,
        }
        fallback = {"INPUT": "OUTPUT", "PROCESS": "OUTPUT", "IMPACT": "BENEFIT", "": "OUTPUT"}
        if self.weight_cost:
            weights["COST"] = self.weight_cost
        else:
            fallback["COST"] = "OUTPUT"
        bands = (
            QualitativeBand("achieved", "达成年度指标", self.band_achieved_low / hundred, Decimal(1), True),
            QualitativeBand(
                "partial",
                "部分达成年度指标并具有一定效果",
                self.band_partial_low / hundred,
                self.band_achieved_low / hundred,
                False,
            ),
            QualitativeBand(
                "not_achieved", "未达成年度指标且效果较差", Decimal(0), self.band_partial_low / hundred, False
            ),
        )
        return Rules(
            version_label=str(self),
            level1_weights=MappingProxyType(weights),
            level1_fallback=MappingProxyType(fallback),
            budget_weight=self.weight_budget,
            budget_explanation_below=self.budget_explanation_below / hundred,
            reverse_formula=self.reverse_formula,
            over_achievement=self.over_achievement / hundred,
            bands=bands,
            grade_bands=((self.grade_excellent, "优"), (self.grade_good, "良"), (self.grade_pass, "中")),
            rescale_not_applicable=self.rescale_not_applicable,
            yellow_gap=self.yellow_gap,
            red_gap=self.red_gap,
        )


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", _("填报中")
    SUBMITTED = "submitted", _("已提交")
    APPROVED = "approved", _("已审核通过")
    RETURNED = "returned", _("已退回")


class Reviewed(models.Model):
    """What staff report and supervisors review: status, who submitted and reviewed it, and a revision
    number every write increases, so a form saved over someone else's change is caught."""

    Status = ReviewStatus

    status = models.CharField(_("状态"), max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revision = models.PositiveIntegerField(_("修订号"), default=0, db_default=0)

    class Meta:
        abstract = True

    @property
    def is_open(self) -> bool:
        """Staff may still enter data (subject to the period's dates and returned items)."""
        return self.status in {ReviewStatus.DRAFT, ReviewStatus.RETURNED}


class Evaluation(Reviewed):
    """The year-end self-evaluation (绩效自评) of one target sheet."""

    sheet = models.ForeignKey(
        TargetSheet, verbose_name=_("目标表"), on_delete=models.PROTECT, related_name="evaluations"
    )
    period = models.ForeignKey(
        ReportingPeriod, verbose_name=_("填报期"), on_delete=models.PROTECT, related_name="evaluations"
    )
    profile = models.ForeignKey(
        RuleProfile, verbose_name=_("评分规则版本"), on_delete=models.PROTECT, related_name="evaluations"
    )
    budget_full_year = models.DecimalField(
        _("全年预算数（万元）"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    budget_executed = models.DecimalField(
        _("全年执行数（万元）"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    budget_rate = models.DecimalField(_("预算执行率"), max_digits=8, decimal_places=4, null=True, blank=True)
    budget_score = models.DecimalField(_("预算执行得分"), max_digits=6, decimal_places=2, null=True, blank=True)
    budget_explanation = models.TextField(_("执行率偏低原因"), blank=True)
    # The budget block as a self-evaluation document printed it (targets/assessment/from_document.py).
    budget_initial = models.DecimalField(
        _("年初预算数（万元）"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    budget_printed_score = models.DecimalField(
        _("文件所列预算执行得分"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    budget_source_document = models.ForeignKey(
        SourceDocument,
        verbose_name=_("预算执行来源文件"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    budget_source_location = models.CharField(_("预算执行来源位置"), max_length=200, blank=True, db_default="")
    total = models.DecimalField(_("总分"), max_digits=6, decimal_places=2, null=True, blank=True)
    grade = models.CharField(_("等级"), max_length=4, blank=True)
    scored_at = models.DateTimeField(_("评分时间"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["scored_at"])

    class Meta:
        verbose_name = _("绩效自评")
        verbose_name_plural = _("绩效自评")
        ordering = ["-period__year", "sheet"]
        constraints = [
            models.UniqueConstraint(fields=["sheet", "period"], name="evaluation_unique_sheet_period"),
            models.CheckConstraint(
                condition=Q(total__isnull=True) | Q(total__gte=0, total__lte=100), name="evaluation_total_range"
            ),
        ]
        indexes = [models.Index(fields=["period", "status"])]
        permissions = [("review_evaluation", _("可以审核绩效自评"))]

    def __str__(self) -> str:
        return f"{self.sheet} · {self.period}"


class IndicatorResult(models.Model):
    """What was achieved for one indicator, its computed score and, if any, a supervisor's override."""

    class Level(models.TextChoices):
        ACHIEVED = "achieved", _("达成年度指标")
        PARTIAL = "partial", _("部分达成年度指标并具有一定效果")
        NOT_ACHIEVED = "not_achieved", _("未达成年度指标且效果较差")

    evaluation = models.ForeignKey(
        Evaluation, verbose_name=_("绩效自评"), on_delete=models.CASCADE, related_name="results"
    )
    indicator = models.ForeignKey(Indicator, verbose_name=_("指标"), on_delete=models.PROTECT, related_name="results")
    weight = models.DecimalField(_("分值"), max_digits=6, decimal_places=2)
    actual_text = models.CharField(_("实际完成值"), max_length=300, blank=True)
    # The actual as parsed when it was entered, as the indicator keeps its parsed target: scoring a
    # whole year reads numbers, not text (targets.scoring.sql).
    actual_comparator = models.CharField(
        _("实际值比较方式"), max_length=16, choices=Comparator.choices, default=Comparator.QUALITATIVE
    )
    actual_number = models.DecimalField(_("实际数值"), max_digits=24, decimal_places=6, null=True, blank=True)
    actual_unit = models.CharField(_("实际值单位"), max_length=32, blank=True)
    not_applicable = models.BooleanField(_("不适用"), default=False)
    assessment_level = models.CharField(_("评价等级"), max_length=16, choices=Level.choices, blank=True)
    assessment_points = models.DecimalField(_("评定分值"), max_digits=6, decimal_places=2, null=True, blank=True)
    computed_score = models.DecimalField(_("计算得分"), max_digits=6, decimal_places=2, null=True, blank=True)
    flag = models.CharField(_("结果"), max_length=20, choices=Flag.choices, blank=True)
    override_score = models.DecimalField(_("调整后得分"), max_digits=6, decimal_places=2, null=True, blank=True)
    override_reason = models.TextField(_("调整理由"), blank=True)
    final_score = models.GeneratedField(
        verbose_name=_("最终得分"),
        expression=Coalesce("override_score", "computed_score"),
        output_field=models.DecimalField(max_digits=6, decimal_places=2, null=True),
        db_persist=True,
    )
    deviation_reason = models.TextField(_("偏差原因分析"), blank=True)
    improvement = models.TextField(_("改进措施"), blank=True)
    source_document = models.ForeignKey(
        SourceDocument, verbose_name=_("来源文件"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source_location = models.CharField(_("来源位置"), max_length=200, blank=True, db_default="")
    # The 得分 the source document printed: kept beside the computed score, never in its place.
    printed_score = models.DecimalField(_("文件所列得分"), max_digits=6, decimal_places=2, null=True, blank=True)
    revision = models.PositiveIntegerField(_("修订号"), default=0, db_default=0)
    history = HistoricalRecords(excluded_fields=["final_score"])

    class Meta:
        verbose_name = _("指标完成情况")
        verbose_name_plural = _("指标完成情况")
        ordering = ["evaluation", "indicator__order"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "indicator"], name="indicatorresult_unique"),
            models.CheckConstraint(condition=Q(weight__gte=0), name="indicatorresult_weight_not_negative"),
            models.CheckConstraint(
                condition=Q(override_score__isnull=True)
                | (Q(override_score__gte=0) & Q(override_score__lte=F("weight"))),
                name="indicatorresult_override_within_weight",
            ),
            models.CheckConstraint(
                condition=Q(override_score__isnull=True) | ~Q(override_reason=""),
                name="indicatorresult_override_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.name}：{self.actual_text}" if self.actual_text else self.indicator.name

    @property
    def actual(self) -> Target:
        nature = Nature.QUALITATIVE if self.actual_number is None else Nature.QUANTITATIVE
        return Target(self.actual_text, self.actual_comparator, self.actual_number, self.actual_unit, nature)


class MonitoringReport(Reviewed):
    """An in-year monitoring round (绩效运行监控) of one target sheet: budget and targets side by side."""

    class Warning(models.TextChoices):
        GREEN = "green", _("绿色")
        YELLOW = "yellow", _("黄色")
        RED = "red", _("红色")

    sheet = models.ForeignKey(
        TargetSheet, verbose_name=_("目标表"), on_delete=models.PROTECT, related_name="monitoring_reports"
    )
    period = models.ForeignKey(
        ReportingPeriod, verbose_name=_("填报期"), on_delete=models.PROTECT, related_name="monitoring_reports"
    )
    profile = models.ForeignKey(RuleProfile, verbose_name=_("评分规则版本"), on_delete=models.PROTECT, related_name="+")
    budget_full_year = models.DecimalField(
        _("全年预算数（万元）"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    executed_to_date = models.DecimalField(_("截至执行数（万元）"), max_digits=18, decimal_places=4, default=0)
    execution_rate = models.DecimalField(_("执行进度"), max_digits=8, decimal_places=4, null=True, blank=True)
    time_progress = models.DecimalField(_("时间进度"), max_digits=8, decimal_places=4)
    warning = models.CharField(_("预警"), max_length=8, choices=Warning.choices)
    reasons = models.JSONField(_("偏差原因"), default=list, blank=True)
    explanation = models.TextField(_("原因说明"), blank=True)
    measure = models.CharField(_("纠偏措施"), max_length=32, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("绩效运行监控")
        verbose_name_plural = _("绩效运行监控")
        constraints = [models.UniqueConstraint(fields=["sheet", "period"], name="monitoring_unique_sheet_period")]
        indexes = [models.Index(fields=["period", "status"])]
        permissions = [("review_monitoringreport", _("可以审核绩效运行监控"))]

    def __str__(self) -> str:
        return f"{self.sheet} · {self.period}"


class MonitoringEntry(models.Model):
    """One indicator's progress in a monitoring round and whether the annual target will be met."""

    report = models.ForeignKey(
        MonitoringReport, verbose_name=_("监控"), on_delete=models.CASCADE, related_name="entries"
    )
    indicator = models.ForeignKey(Indicator, verbose_name=_("指标"), on_delete=models.PROTECT, related_name="+")
    value_to_date = models.CharField(_("截至目前完成值"), max_length=200, blank=True)
    value_comparator = models.CharField(
        _("完成值比较方式"), max_length=16, choices=Comparator.choices, default=Comparator.QUALITATIVE
    )
    value_number = models.DecimalField(_("完成值数值"), max_digits=24, decimal_places=6, null=True, blank=True)
    value_unit = models.CharField(_("完成值单位"), max_length=32, blank=True)
    expected_value = models.CharField(_("全年预计完成值"), max_length=200, blank=True)
    likelihood = models.CharField(_("能否完成年度目标"), max_length=16, choices=Likelihood.choices, blank=True)
    reasons = models.JSONField(_("偏差原因"), default=list, blank=True)
    explanation = models.TextField(_("原因说明"), blank=True)
    measure = models.CharField(_("纠偏措施"), max_length=32, blank=True)
    source_document = models.ForeignKey(
        SourceDocument, verbose_name=_("来源文件"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source_location = models.CharField(_("来源位置"), max_length=200, blank=True, db_default="")
    revision = models.PositiveIntegerField(_("修订号"), default=0, db_default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("指标监控")
        verbose_name_plural = _("指标监控")
        constraints = [models.UniqueConstraint(fields=["report", "indicator"], name="monitoringentry_unique")]

    def __str__(self) -> str:
        return f"{self.indicator.name}：{self.value_to_date}" if self.value_to_date else self.indicator.name


class ReturnNote(models.Model):
    """A supervisor's reason for returning a target sheet, a self-evaluation or a monitoring report,
    for the whole of it or for one indicator. Staff see it where they work until it is resolved
    (by their next submission)."""

    sheet = models.ForeignKey(
        TargetSheet,
        verbose_name=_("目标表"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="return_notes",
    )
    evaluation = models.ForeignKey(
        Evaluation,
        verbose_name=_("绩效自评"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="return_notes",
    )
    monitoring_report = models.ForeignKey(
        MonitoringReport,
        verbose_name=_("绩效运行监控"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="return_notes",
    )
    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("退回的指标"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="return_notes",
        help_text=_("留空表示整表退回"),
    )
    message = models.TextField(_("退回原因"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("退回人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("退回时间"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("退回意见")
        verbose_name_plural = _("退回意见")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(sheet__isnull=False) & Q(evaluation__isnull=True) & Q(monitoring_report__isnull=True))
                | (Q(sheet__isnull=True) & Q(evaluation__isnull=False) & Q(monitoring_report__isnull=True))
                | (Q(sheet__isnull=True) & Q(evaluation__isnull=True) & Q(monitoring_report__isnull=False)),
                name="returnnote_one_subject",
            ),
            models.CheckConstraint(condition=~Q(message=""), name="returnnote_has_message"),
        ]
        indexes = [
            models.Index(fields=["evaluation", "resolved_at"]),
            models.Index(fields=["monitoring_report", "resolved_at"]),
            models.Index(fields=["sheet", "resolved_at"]),
        ]

    def __str__(self) -> str:
        return self.message[:60]


def evidence_path(instance, filename: str) -> str:
    return f"evidence/{timezone.now():%Y/%m}/{instance.sha256[:16]}{Path(filename).suffix.lower()[:10]}"


class Evidence(models.Model):
    """A supporting file for one reported indicator (self-evaluation result or monitoring entry)."""

    result = models.ForeignKey(
        IndicatorResult,
        verbose_name=_("指标完成情况"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="evidence",
    )
    entry = models.ForeignKey(
        MonitoringEntry,
        verbose_name=_("指标监控"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="evidence",
    )
    file = models.FileField(_("文件"), upload_to=evidence_path)
    original_name = models.CharField(_("文件名"), max_length=255)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
        ordering = ["uploaded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(result__isnull=False) & Q(entry__isnull=True))
                | (Q(result__isnull=True) & Q(entry__isnull=False)),
                name="evidence_one_subject",
            ),
        ]

    def __str__(self) -> str:
        return self.original_name


# Reminders (targets/reminders/models.py) ----------------------------------------------------------
from .reminders.models import ReminderDelivery, ReminderDigest, ReminderItem, ReminderMute, ReminderRule  # noqa: E402, F401
from .reports.models import ReportBuild, ReportFile  # noqa: E402, F401  (reports/ keeps its own models)
