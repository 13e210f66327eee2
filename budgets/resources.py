"""Spreadsheet import of budget execution through django-import-export.

Columns: 部门编码, 年度, 项目 (name or code), 月份 (1–12, "2021-03" or "2021年3月"), 支出金额（万元）.
Every row is checked; rows that fail carry their own message, and the import is all or nothing:
with any bad row nothing is written. Saving goes through `execution_record_set`.
"""

import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, widgets

from .execution import execution_record_set
from .models import ExecutionRecord, Project
from .selectors import projects_for


class ProjectWidget(widgets.ForeignKeyWidget):
    def __init__(self, resource):
        super().__init__(Project, field="name")  # exported by name, so an export imports back
        self.resource = resource

    def clean(self, value, row=None, **kwargs):
        name = (str(value) if value is not None else "").strip()
        if not name:
            raise ValueError(_("缺少项目名称或编码"))
        department = str(row.get("部门编码") or "").strip()
        year = str(row.get("年度") or "").strip()
        candidates = projects_for(self.resource.user).filter(department__code=department)
        if year.isdigit():
            candidates = candidates.filter(year=int(year))
        project = candidates.filter(name=name).first() or candidates.filter(code=name).first()
        if project is None:
            raise ValueError(
                _("未知项目“%(name)s”（部门 %(dept)s，%(year)s 年）")
                % {"name": name, "dept": department or "—", "year": year or "—"}
            )
        return project


class MonthWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        text = re.sub(r"\s+", "", str(value if value is not None else ""))
        year = str(row.get("年度") or "").strip()
        match = re.fullmatch(r"(?:(\d{4})[-/.年])?(\d{1,2})月?", text)
        if not match:
            raise ValueError(_("月份“%(value)s”无法识别") % {"value": value})
        if match.group(1) and year and match.group(1) != year:
            raise ValueError(_("月份“%(value)s”不在 %(year)s 年度内") % {"value": value, "year": year})
        month = int(match.group(2))
        if not 1 <= month <= 12:
            raise ValueError(_("月份“%(value)s”不在 1 到 12 之间") % {"value": value})
        return month


class AmountWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        text = str(value if value is not None else "").replace(",", "").strip()
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise ValueError(_("支出金额“%(value)s”不是数字") % {"value": value}) from None
        if not amount.is_finite():
            raise ValueError(_("支出金额“%(value)s”不是数字") % {"value": value})
        if amount < 0:
            raise ValueError(_("支出金额不能为负数：%(value)s") % {"value": value})
        return amount


class ExecutionResource(resources.ModelResource):
    def __init__(self, user=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user
        self.fields["project"].widget = ProjectWidget(self)

    department = fields.Field(column_name="部门编码", attribute="project__department__code", readonly=True)
    year = fields.Field(column_name="年度", attribute="project__year", readonly=True)
    project = fields.Field(column_name="项目", attribute="project", widget=widgets.ForeignKeyWidget(Project))
    month = fields.Field(column_name="月份", attribute="month", widget=MonthWidget())
    spent = fields.Field(column_name="支出金额（万元）", attribute="spent", widget=AmountWidget())

    class Meta:
        name = gettext_lazy("预算执行")
        model = ExecutionRecord
        fields = ("department", "year", "project", "month", "spent")
        import_id_fields = ("project", "month")
        use_transactions = True
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    def get_queryset(self):
        return super().get_queryset().select_related("project", "project__department")

    def before_import(self, dataset, **kwargs):
        headers = [str(header or "").strip() for header in dataset.headers or []]
        columns = [field.column_name for field in self.fields.values()]
        missing = [column for column in columns if column not in headers]
        if missing:
            raise ValueError(
                _("表格缺少这些列：%(missing)s。第一行应是列标题：%(all)s。")
                % {"missing": "、".join(missing), "all": "、".join(columns)}
            )

    def do_instance_save(self, instance, is_create):
        saved = execution_record_set(
            project=instance.project,
            month=instance.month,
            spent=instance.spent,
            actor=self.user,
            source=ExecutionRecord.Source.IMPORT,
        )
        instance.pk = saved.pk


def import_execution(dataset, *, user, dry_run: bool):
    """Run the import; any row error or validation error rolls back the whole file."""
    resource = ExecutionResource(user=user)
    return resource.import_data(dataset, dry_run=dry_run, use_transactions=True, rollback_on_validation_errors=True)


def row_messages(result) -> list[str]:
    messages = []
    for number, errors in result.row_errors():
        for error in errors:
            messages.append(_("第%(row)d行：%(error)s") % {"row": number, "error": error.error})
    for invalid in result.invalid_rows:
        for field, errors in invalid.error_dict.items():
            for error in errors:
                label = {"project": "项目", "month": "月份", "spent": "支出金额（万元）"}.get(field, field)
                messages.append(
                    _("第%(row)d行：%(field)s：%(error)s") % {"row": invalid.number, "field": label, "error": error}
                )
    return messages
