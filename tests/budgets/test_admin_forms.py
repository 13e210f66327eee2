"""Admin forms refuse what the model refuses, with a Chinese message on the field, and change nothing."""

from decimal import Decimal

import pytest
from django.urls import reverse

from budgets.execution import execution_record_set
from budgets.models import AuditEntry, ExecutionRecord
from tests.admin_forms import PROJECT_FORM
from tests.factories import ProjectFactory


def change_project(client, project, **data):
    return client.post(reverse("admin:budgets_project_change", args=[project.pk]), {**PROJECT_FORM, **data})


def test_renaming_a_project_to_a_name_its_department_uses_is_refused_on_the_name(client, staff, project):
    taken = ProjectFactory(department=project.department, year=project.year, name="已有项目")
    client.force_login(staff)
    response = change_project(client, project, name=taken.name)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "已有部门、预算年度、项目名称都相同的预算项目" in " ".join(errors["name"])
    project.refresh_from_db()
    assert project.name == "政务云平台运维项目"
    assert not AuditEntry.objects.filter(action="project.update").exists()


def test_a_project_code_taken_that_year_is_refused_without_internal_names(client, staff, project):
    ProjectFactory(department=project.department, year=project.year, name="另一项目", code="P-01")
    client.force_login(staff)
    response = change_project(client, project, name=project.name, code="P-01")
    assert response.status_code == 200
    content = response.content.decode()
    assert "项目编码" in " ".join(response.context["adminform"].form.errors["code"])
    assert "project_unique_code_per_year" not in content
    project.refresh_from_db()
    assert project.code == ""


def test_start_after_end_is_one_chinese_message(client, staff, project):
    client.force_login(staff)
    response = change_project(client, project, name=project.name, start_date="2021-12-01", end_date="2021-01-01")
    errors = response.context["adminform"].form.errors
    assert errors == {"end_date": ["结束日期不能早于开始日期。"]}


@pytest.fixture
def record(project, staff):
    return execution_record_set(project=project, month=3, spent=Decimal("40"), actor=staff)


def change_record(client, record, **data):
    url = reverse("admin:budgets_executionrecord_change", args=[record.pk])
    return client.post(url, {"month": record.month, "spent": str(record.spent), "note": "", **data})


def test_changing_the_month_of_a_record_moves_it_and_never_makes_a_second(client, staff, record):
    client.force_login(staff)
    response = change_record(client, record, month=4)
    assert response.status_code == 302
    assert list(ExecutionRecord.objects.values_list("pk", "month")) == [(record.pk, 4)]


def test_changing_to_a_month_that_has_a_record_is_refused_on_the_month(client, staff, record, project):
    other = execution_record_set(project=project, month=5, spent=Decimal("1"), actor=staff)
    client.force_login(staff)
    response = change_record(client, record, month=5)
    assert response.status_code == 200
    assert "月份" in " ".join(response.context["adminform"].form.errors["month"])
    assert sorted(ExecutionRecord.objects.values_list("pk", "month")) == sorted([(record.pk, 3), (other.pk, 5)])


def test_the_project_of_a_record_cannot_be_changed(client, staff, record, department):
    elsewhere = ProjectFactory(department=department, name="另一项目")
    client.force_login(staff)
    response = change_record(client, record, project=elsewhere.pk, month=6)
    assert response.status_code == 302
    record.refresh_from_db()
    assert (record.project_id, record.month) == (record.project_id, 6)
    assert not elsewhere.execution_records.exists()
