"""What the budgets admin shows instead of codes and JSON: audit sentences, a readable parse report,
column headings as a list, and the field-level history of projects and funds."""

from decimal import Decimal

from django.urls import reverse

from budgets.audit import audit_record
from budgets.models import AuditEntry, BudgetTable
from budgets.services import funding_set, project_update
from tests.factories import SourceDocumentFactory


def test_audit_entries_read_as_sentences(client, superuser, project):
    audit_record(actor=superuser, action="budget.adjust", subject=project, changes={"reason": "追加预算"})
    entry = AuditEntry.objects.get(action="budget.adjust")
    client.force_login(superuser)
    changelist = client.get(reverse("admin:budgets_auditentry_changelist")).content.decode()
    assert f"调整了{project}的全年预算，原因：追加预算" in changelist
    detail = client.get(reverse("admin:budgets_auditentry_change", args=[entry.pk])).content.decode()
    assert "追加预算" in detail
    for raw in ("budget.adjust", '{"reason"', "&quot;reason&quot;"):
        assert raw not in changelist and raw not in detail
    assert str(project._meta.verbose_name) in changelist  # the kind of record, by its Chinese name
    filtered = client.get(reverse("admin:budgets_auditentry_changelist"), {"subject_type": "abc"})
    assert filtered.status_code == 200


def test_a_source_documents_parse_report_is_a_summary(client, superuser, department):
    document = SourceDocumentFactory(
        department=department,
        parse_report={
            "found": {"budget_tables": 9, "projects": 3},
            "summary": {"project": {"create": 3}},
            "warnings": ["指标“巡检次数”没有计量单位"],
        },
    )
    client.force_login(superuser)
    body = client.get(reverse("admin:budgets_sourcedocument_change", args=[document.pk])).content.decode()
    assert "预算表 9，项目 3" in body and "项目：新增 3" in body and "指标“巡检次数”没有计量单位" in body
    assert "budget_tables" not in body and "&quot;found&quot;" not in body


def test_budget_table_columns_are_a_list(client, superuser, department):
    document = SourceDocumentFactory(department=department)
    table = BudgetTable.objects.create(
        department=department,
        year=2021,
        source_document=document,
        order=1,
        title="部门收支总体情况表",
        kind=BudgetTable._meta.get_field("kind").choices[0][0],
        unit="万元",
        columns=["项目/收入", "预算数"],
        total=Decimal("68469.3200"),
    )
    client.force_login(superuser)
    body = client.get(reverse("admin:budgets_budgettable_change", args=[table.pk])).content.decode()
    assert "<li>项目/收入</li>" in body and "<li>预算数</li>" in body
    assert "[&quot;" not in body
    assert "68469.32" in body and "68469.3200" not in body


def test_project_history_shows_field_changes_with_who_and_why(client, staff, supervisor, project):
    project_update(project=project, actor=staff, name="政务云平台运维（二期）")
    funding_set(project=project, period="annual", actor=staff, first_year=2021, last_year=2021, total=Decimal("15"))
    client.force_login(supervisor)
    body = client.get(reverse("admin:budgets_project_history", args=[project.pk])).content.decode()
    assert "项目名称</strong>：" in body and "→ 政务云平台运维（二期）" in body
    assert "staff" in body  # who
    funding = project.fundings.get()
    body = client.get(reverse("admin:budgets_funding_history", args=[funding.pk])).content.decode()
    assert "资金总额</strong>：15" in body and "15.0000" not in body


def test_history_of_another_departments_project_is_not_shown(client, staff, other_project):
    project_update(project=other_project, actor=None, name="保密的新名称")
    client.force_login(staff)
    response = client.get(reverse("admin:budgets_project_history", args=[other_project.pk]))
    assert response.status_code == 302
    assert "保密的新名称" not in client.get(response["Location"]).content.decode()
