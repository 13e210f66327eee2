"""Stored values as people read them (budgets.readable)."""

import datetime
from decimal import Decimal

from budgets.audit import audit_record
from budgets.models import BudgetTable, Department, Funding, Project
from budgets.readable import (
    EMPTY,
    audit_changes,
    changes_between,
    column_headings,
    import_report_summary,
    readable_value,
    related_names,
    tracked_fields,
    values_of,
)
from tests.factories import UserFactory


def field(model, name):
    return model._meta.get_field(name)


def test_values_read_as_people_write_them(db):
    assert readable_value(field(Funding, "total"), Decimal("12.0000")) == "12"
    assert readable_value(field(Funding, "total"), Decimal("0.9150")) == "0.915"
    assert readable_value(field(Funding, "period"), "annual") == "年度"
    assert readable_value(field(Department, "level"), "city") == str(Department.Level.CITY.label)
    assert readable_value(field(BudgetTable, "empty"), True) == "是"
    assert readable_value(field(Project, "start_date"), datetime.date(2021, 3, 1)) == "2021-03-01"
    assert readable_value(field(Funding, "total"), None) == EMPTY
    assert readable_value(field(BudgetTable, "columns"), ["科目", "金额"]) == "科目、金额"


def test_a_display_overrides_codes_and_fractions(db):
    reasons = field(BudgetTable, "columns")
    assert readable_value(reasons, ["staffing", "other"], display={"staffing": "人员保障"}) == "人员保障、other"
    assert readable_value(field(Funding, "total"), Decimal("0.95"), display=lambda v: f"{v * 100:.0f}%") == "95%"


def test_foreign_keys_by_name_and_users_by_their_full_name(db):
    user = UserFactory(username="wangfang", first_name="王芳")
    fields = [field(BudgetTable, "department")]
    department = Department.objects.create(code="X", name="市信息中心", level="city", path="X")
    names = related_names(fields, [{"department": department.pk}])
    assert readable_value(fields[0], department.pk, related=names) == "市信息中心"
    assert readable_value(fields[0], 999999, related=names) == "（已删除的记录）"
    from budgets.models import SourceDocument

    imported_by = field(SourceDocument, "imported_by")
    assert (
        readable_value(imported_by, user.pk, related=related_names([imported_by], [{"imported_by": user.pk}])) == "王芳"
    )


def test_changes_old_to_new_under_chinese_names(db):
    fields = tracked_fields(Funding, hidden=("source_location",))
    assert "id" not in {f.name for f in fields} and "source_location" not in {f.name for f in fields}
    old = {"total": Decimal("10.0000"), "fiscal": Decimal("10.0000"), "period": "annual"}
    new = {"total": Decimal("12.5000"), "fiscal": Decimal("10.0000"), "period": "annual"}
    changes = changes_between(fields, old, new)
    assert [(c.label, c.old, c.new) for c in changes] == [("合计", "10", "12.5")] or [c.new for c in changes] == [
        "12.5"
    ]
    created = changes_between(fields, None, new)
    assert {c.new for c in created} >= {"12.5", "年度"} and all(c.old == "" for c in created)


def test_audit_changes_show_field_changes_the_sentence_does_not_tell(superuser, project):
    entry = audit_record(
        actor=superuser,
        action="project.update",
        subject=project,
        changes={"name": ["旧名", "新名"], "start_date": ["None", "2021-03-01"], "secret_key": ["a", "b"]},
    )
    changes = [(c.label, c.old, c.new) for c in audit_changes(entry)]
    start = str(Project._meta.get_field("start_date").verbose_name)
    assert changes == [("项目名称", "旧名", "新名"), (start, EMPTY, "2021-03-01")]  # "secret_key" is no field
    told = audit_record(actor=superuser, action="budget.adjust", subject=project, changes={"reason": ["a", "b"]})
    assert audit_changes(told) == []


def test_an_import_report_reads_as_sentences():
    report = {
        "file": "a.txt",
        "found": {"budget_tables": 9, "projects": 3, "department_sheets": 0, "indicators": 31},
        "summary": {"project": {"create": 3}, "indicator": {"create": 31, "update": 2}},
        "counts": {"budget_lines": 120, "indicators_created": 31, "conflicts": 0, "new_internal_key": 5},
        "errors": ["表3 第5行：金额不是数字"],
        "warnings": ["指标“x”没有计量单位"],
        "conflicts": [{"label": "项目A", "changes": {"message": "已审核通过，未修改"}}],
    }
    summary = import_report_summary(report)
    assert summary.found == "预算表 9，项目 3，部门整体目标表 0，指标 31"
    assert summary.written == "项目：新增 3；指标：新增 31、修改 2；预算表行：120"
    assert summary.errors == ["表3 第5行：金额不是数字"] and summary.conflicts == ["项目A：已审核通过，未修改"]
    assert import_report_summary({}).found == ""
    only_counts = import_report_summary({"counts": {"projects_created": 2, "conflicts": 1}})
    assert only_counts.written == "冲突：1；项目：新增 2"


def test_column_headings_as_a_list():
    assert column_headings(["科目编码/类", "科目名称", "", "合计"]) == ["科目编码/类", "科目名称", "合计"]
    assert column_headings([["支出", "基本支出"], "项目支出"]) == ["支出 / 基本支出", "项目支出"]
    assert column_headings(None) == []


def test_values_of_a_record(project):
    fields = [field(Project, "name"), field(Project, "department")]
    assert values_of(project, fields) == {"name": project.name, "department": project.department_id}
