"""我的任务 tables (django-tables2): one per open period."""

import datetime

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from budgets.money import plain_number
from budgets.templatetags.numbers import percent

from ..models import Evaluation


def sheet_name(record) -> str:
    sheet = record.sheet
    return sheet.project.name if sheet.project_id else (sheet.title or str(sheet.department))


class TaskTable(tables.Table):
    name = tables.Column(
        verbose_name=_("项目 / 目标表"),
        accessor="sheet__project__name",
        order_by=("sheet__project__name", "sheet__title"),
    )
    department = tables.Column(verbose_name=_("部门"), accessor="sheet__department__name")
    status = tables.Column(verbose_name=_("状态"))
    deadline = tables.Column(verbose_name=_("截止日期"))
    days_left = tables.Column(verbose_name=_("剩余天数"), accessor="deadline", orderable=False, empty_values=())
    empty = tables.Column(verbose_name=_("未填指标"), attrs={"td": {"class": "number"}})

    class Meta:
        orderable = True
        order_by = ("deadline",)
        attrs = {"class": "tasks"}
        empty_text = _("没有需要填报的内容。")

    def __init__(self, *args, today: datetime.date, **kwargs):
        self.today = today
        super().__init__(*args, **kwargs)

    def render_name(self, record):
        url = reverse(self.entry_url_name, args=[record.pk])
        notes = format_html('<span class="late">（{}）</span>', _("有退回意见")) if record.open_notes else ""
        return format_html('<a href="{}">{}</a>{}', url, sheet_name(record), notes)

    def render_status(self, record):
        return format_html('<span class="status {}">{}</span>', record.status, record.get_status_display())

    def render_deadline(self, value):
        return f"{value:%Y-%m-%d}"

    def render_days_left(self, record):
        if record.status in ("submitted", "approved"):
            return "—"
        days = (record.deadline - self.today).days
        if days < 0:
            return format_html('<span class="late">{}</span>', _("已逾期 %(n)d 天") % {"n": -days})
        return _("%(n)d 天") % {"n": days}


class EvaluationTaskTable(TaskTable):
    entry_url_name = "assessment:entry"
    total = tables.Column(verbose_name=_("当前得分"), attrs={"td": {"class": "number"}})
    grade = tables.Column(verbose_name=_("等级"))

    class Meta(TaskTable.Meta):
        model = Evaluation
        fields = ()
        sequence = ("name", "department", "status", "deadline", "days_left", "empty", "total", "grade")

    def render_total(self, value):
        return plain_number(value)


class MonitoringTaskTable(TaskTable):
    entry_url_name = "monitoring:entry"
    warning = tables.Column(verbose_name=_("预算执行预警"))
    execution_rate = tables.Column(verbose_name=_("执行进度"), attrs={"td": {"class": "number"}})

    class Meta(TaskTable.Meta):
        fields = ()
        sequence = ("name", "department", "status", "deadline", "days_left", "empty", "execution_rate", "warning")

    def render_warning(self, record):
        return format_html('<span class="warning-{}">{}</span>', record.warning, record.get_warning_display())

    def render_execution_rate(self, value):
        return percent(value) or "—"
