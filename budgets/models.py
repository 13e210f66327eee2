from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .money import MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS
from .tables.kinds import TableKind


class Department(models.Model):
    """A budget unit. `path` is a materialised path of codes ("/01/0103/") kept by the services."""

    class Level(models.TextChoices):
        CENTRAL = "central", _("中央")
        PROVINCE = "province", _("省级")
        CITY = "city", _("市级")
        COUNTY = "county", _("县级")
        TOWN = "town", _("乡镇级")

    code = models.CharField(_("单位编码"), max_length=64, unique=True)
    name = models.CharField(_("单位名称"), max_length=200)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    level = models.CharField(_("层级"), max_length=16, choices=Level.choices)
    path = models.CharField(_("路径"), max_length=1000, db_index=True, editable=False)

    class Meta:
        verbose_name = _("部门")
        verbose_name_plural = _("部门")
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(condition=~Q(parent=F("id")), name="department_not_own_parent"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if "/" in self.code:
            raise ValidationError({"code": _("单位编码不能包含“/”。")})
        if self.parent_id and self.pk:
            ancestor = self.parent
            while ancestor is not None:
                if ancestor.pk == self.pk:
                    raise ValidationError({"parent": _("上级单位不能是本单位或其下级单位。")})
                ancestor = ancestor.parent


class Membership(models.Model):
    """A user's role in a department. A supervisor also covers the department's sub-departments."""

    class Role(models.TextChoices):
        STAFF = "staff", _("财务人员")
        SUPERVISOR = "supervisor", _("监督审核人员")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    department = models.ForeignKey(
        Department, verbose_name=_("部门"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("角色"), max_length=16, choices=Role.choices)

    class Meta:
        verbose_name = _("部门成员")
        verbose_name_plural = _("部门成员")
        constraints = [
            models.UniqueConstraint(fields=["user", "department"], name="membership_unique_user_department"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.department}（{self.get_role_display()}）"


class SourceDocument(models.Model):
    """A published disclosure as imported: the file, its fingerprint and what the parser made of it."""

    class Format(models.TextChoices):
        TEXT = "text", _("文本")
        HTML = "html", _("HTML")
        DOCX = "docx", _("Word")
        XLSX = "xlsx", _("Excel")
        PDF = "pdf", _("PDF")

    file = models.FileField(_("文件"), upload_to="disclosures/%Y/")
    original_name = models.CharField(_("原文件名"), max_length=255)
    format = models.CharField(_("格式"), max_length=8, choices=Format.choices)
    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    department = models.ForeignKey(
        Department,
        verbose_name=_("部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="source_documents",
    )
    year = models.PositiveSmallIntegerField(_("预算年度"), null=True, blank=True, db_index=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("导入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    imported_at = models.DateTimeField(_("导入时间"), auto_now_add=True)
    parse_report = models.JSONField(_("解析报告"), default=dict, blank=True)

    class Meta:
        verbose_name = _("公开文件")
        verbose_name_plural = _("公开文件")
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return self.original_name


class Project(models.Model):
    class Continuity(models.TextChoices):
        NEW = "new", _("新增项目")
        CONTINUING = "continuing", _("延续项目")

    department = models.ForeignKey(
        Department, verbose_name=_("部门"), on_delete=models.PROTECT, related_name="projects"
    )
    year = models.PositiveSmallIntegerField(_("预算年度"))
    name = models.CharField(_("项目名称"), max_length=300)
    code = models.CharField(_("项目编码"), max_length=64, blank=True)
    category = models.CharField(_("项目类别"), max_length=100, blank=True)
    implementing_unit = models.CharField(_("实施单位"), max_length=200, blank=True)
    competent_department = models.CharField(_("主管部门"), max_length=200, blank=True)
    continuity = models.CharField(_("新增/延续"), max_length=16, choices=Continuity.choices, blank=True)
    responsible_person = models.CharField(_("项目负责人"), max_length=100, blank=True)
    contact = models.CharField(_("联系人"), max_length=100, blank=True)
    phone = models.CharField(_("联系电话"), max_length=50, blank=True)
    start_date = models.DateField(_("开始日期"), null=True, blank=True)
    end_date = models.DateField(_("结束日期"), null=True, blank=True)
    description = models.TextField(_("项目概况"), blank=True)
    source_document = models.ForeignKey(
        SourceDocument,
        verbose_name=_("来源文件"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
    )
    source_location = models.CharField(_("来源位置"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("预算项目")
        verbose_name_plural = _("预算项目")
        ordering = ["department__path", "-year", "name"]
        constraints = [
            models.UniqueConstraint(fields=["department", "year", "name"], name="project_unique_name_per_year"),
            models.UniqueConstraint(
                fields=["department", "year", "code"],
                condition=~Q(code=""),
                name="project_unique_code_per_year",
            ),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True) | Q(end_date__isnull=True) | Q(start_date__lte=F("end_date")),
                name="project_start_before_end",
            ),
        ]
        indexes = [models.Index(fields=["year", "department"])]

    def __str__(self) -> str:
        return f"{self.name}（{self.year}）"

    def clean(self):
        if self.start_date and self.end_date and self.start_date > self.end_date:
            raise ValidationError({"end_date": _("结束日期不能早于开始日期。")})


class FundingPeriod(models.TextChoices):
    MID_TERM = "mid_term", _("中期")
    ANNUAL = "annual", _("年度")


def money_field(verbose_name):
    return models.DecimalField(
        verbose_name,
        max_digits=MONEY_MAX_DIGITS,
        decimal_places=MONEY_DECIMAL_PLACES,
        null=True,
        blank=True,
        help_text=_("万元"),
    )


class Funding(models.Model):
    """Funds of a project for one period, in 万元; a blank cell in the disclosure stays null."""

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="fundings")
    period = models.CharField(_("期间"), max_length=16, choices=FundingPeriod.choices)
    first_year = models.PositiveSmallIntegerField(_("起始年度"), db_index=True)
    last_year = models.PositiveSmallIntegerField(_("终止年度"))
    total = money_field(_("资金总额"))
    fiscal = money_field(_("财政拨款"))
    carryover = money_field(_("上年结转"))
    other = money_field(_("其他资金"))
    source_location = models.CharField(_("来源位置"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("项目资金")
        verbose_name_plural = _("项目资金")
        ordering = ["project", "period"]
        constraints = [
            models.UniqueConstraint(fields=["project", "period"], name="funding_unique_period"),
            models.CheckConstraint(condition=Q(first_year__lte=F("last_year")), name="funding_years_ordered"),
            models.CheckConstraint(
                condition=Q(period="mid_term") | Q(first_year=F("last_year")),
                name="funding_annual_single_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.name} {self.get_period_display()} {self.first_year}–{self.last_year}"

    def clean(self):
        if self.first_year and self.last_year and self.first_year > self.last_year:
            raise ValidationError({"last_year": _("终止年度不能早于起始年度。")})
        if self.period == FundingPeriod.ANNUAL and self.first_year != self.last_year:
            raise ValidationError({"last_year": _("年度资金的起止年度必须相同。")})

    @property
    def parts_sum(self):
        parts = [value for value in (self.fiscal, self.carryover, self.other) if value is not None]
        return sum(parts) if parts else None


class AuditEntry(models.Model):
    """One change made by a service, written in the same transaction as the change itself."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("操作"), max_length=64, db_index=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64)
    subject = GenericForeignKey("content_type", "object_id")
    object_repr = models.CharField(_("对象"), max_length=300)
    changes = models.JSONField(_("变更内容"), default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        from .audit import event_sentence  # the sentence registry imports this module

        return f"{timezone.localtime(self.created_at):%Y-%m-%d %H:%M} {event_sentence(self)}"


class BudgetTable(models.Model):
    """One standard table of a department's budget disclosure, as printed."""

    department = models.ForeignKey(
        Department, verbose_name=_("部门"), on_delete=models.PROTECT, related_name="budget_tables"
    )
    year = models.PositiveSmallIntegerField(_("预算年度"), db_index=True)
    source_document = models.ForeignKey(
        SourceDocument, verbose_name=_("来源文件"), on_delete=models.CASCADE, related_name="budget_tables"
    )
    order = models.PositiveSmallIntegerField(_("序号"))
    title = models.CharField(_("表名"), max_length=200)
    kind = models.CharField(_("类型"), max_length=40, choices=TableKind.choices)
    unit = models.CharField(_("原单位"), max_length=8, help_text=_("文件中的金额单位；入库金额一律为万元"))
    columns = models.JSONField(_("列标题"), default=list, blank=True)
    total = models.DecimalField(
        _("合计（万元）"), max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES, null=True, blank=True
    )
    empty = models.BooleanField(_("空表"), default=False)
    notes = models.TextField(_("注"), blank=True)
    source_location = models.CharField(_("来源位置"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("预算表")
        verbose_name_plural = _("预算表")
        ordering = ["department__path", "-year", "order"]
        constraints = [
            models.UniqueConstraint(fields=["source_document", "order"], name="budgettable_unique_order"),
        ]
        indexes = [models.Index(fields=["department", "year", "kind"])]

    def __str__(self) -> str:
        return f"{self.title}（{self.year}）"


class BudgetLine(models.Model):
    """A row of a budget table: its classification code (if any), name and amounts in 万元."""

    class CodeKind(models.TextChoices):
        FUNCTIONAL = "functional", _("功能分类")
        ECONOMIC = "economic", _("经济分类")

    table = models.ForeignKey(BudgetTable, verbose_name=_("预算表"), on_delete=models.CASCADE, related_name="lines")
    order = models.PositiveIntegerField(_("序号"))
    code = models.CharField(_("科目编码"), max_length=16, blank=True, db_index=True)
    code_kind = models.CharField(_("编码类型"), max_length=16, choices=CodeKind.choices, blank=True)
    name = models.CharField(_("名称"), max_length=300, blank=True)
    amount = models.DecimalField(
        _("本年金额（万元）"), max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES, null=True, blank=True
    )
    amounts = models.JSONField(_("各列金额（万元）"), default=list, blank=True)
    texts = models.JSONField(_("文字单元格"), default=list, blank=True)
    is_total = models.BooleanField(_("合计行"), default=False)
    source_location = models.CharField(_("来源位置"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("预算表行")
        verbose_name_plural = _("预算表行")
        ordering = ["table", "order"]
        constraints = [
            models.UniqueConstraint(fields=["table", "order"], name="budgetline_unique_order"),
            models.CheckConstraint(condition=Q(code="") | ~Q(code_kind=""), name="budgetline_code_has_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}".strip()


class ExecutionRecord(models.Model):
    """Money a project spent in one month of its budget year, in 万元."""

    class Source(models.TextChoices):
        MANUAL = "manual", _("手工填报")
        IMPORT = "import", _("表格导入")

    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="execution_records"
    )
    month = models.PositiveSmallIntegerField(_("月份"))
    spent = models.DecimalField(_("当月支出（万元）"), max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES)
    source = models.CharField(_("来源"), max_length=16, choices=Source.choices, default=Source.MANUAL)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("预算执行")
        verbose_name_plural = _("预算执行")
        ordering = ["project", "month"]
        constraints = [
            models.UniqueConstraint(fields=["project", "month"], name="execution_unique_month"),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="execution_month_range"),
            models.CheckConstraint(condition=Q(spent__gte=0), name="execution_spent_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.project.name} {self.project.year}年{self.month}月"

    def clean(self):
        errors = {}
        if self.month is not None and not 1 <= self.month <= 12:
            errors["month"] = _("月份必须在 1 到 12 之间。")
        if self.spent is not None and self.spent < 0:
            errors["spent"] = _("支出金额不能为负数。")
        if errors:
            raise ValidationError(errors)


class BudgetAdjustment(models.Model):
    """The adjusted full-year budget of a project (全年预算数), when it differs from the annual funds."""

    project = models.OneToOneField(
        Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="budget_adjustment"
    )
    full_year_budget = models.DecimalField(
        _("调整后全年预算（万元）"), max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES
    )
    reason = models.CharField(_("调整原因"), max_length=300)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("预算调整")
        verbose_name_plural = _("预算调整")
        constraints = [
            models.CheckConstraint(condition=Q(full_year_budget__gte=0), name="adjustment_budget_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.project.name}：{self.full_year_budget} 万元"
