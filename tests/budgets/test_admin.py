"""The admin as each member of the cast sees it."""

import pytest
from django.urls import reverse

from tests.factories import FundingFactory, ProjectFactory


def test_login_page_is_chinese(client, db):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "预算绩效目标管理系统" in content
    assert "用户名" in content
    assert 'lang="zh-hans"' in content


def test_staff_sees_only_their_departments_projects(client, staff, project, other_project):
    client.force_login(staff)
    response = client.get(reverse("admin:budgets_project_changelist"))
    assert response.status_code == 200
    content = response.content.decode()
    assert project.name in content
    assert other_project.name not in content
    other_url = reverse("admin:budgets_project_change", args=[other_project.pk])
    assert client.get(other_url).status_code == 302  # the admin redirects away from rows outside the scope


def test_supervisor_sees_the_department_tree(client, supervisor, parent_department, project, other_project):
    parent_project = ProjectFactory(department=parent_department, name="办公厅机关运行保障")
    client.force_login(supervisor)
    content = client.get(reverse("admin:budgets_project_changelist")).content.decode()
    assert project.name in content
    assert parent_project.name in content
    assert other_project.name not in content


def test_outsider_is_refused(client, outsider, project):
    client.force_login(outsider)
    response = client.get(reverse("admin:budgets_project_changelist"))
    assert response.status_code == 403


def test_anonymous_is_sent_to_login(client, project):
    response = client.get(reverse("admin:budgets_project_changelist"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_project_page_shows_funding_inline_with_constant_queries(
    client, superuser, department, django_assert_max_num_queries
):
    projects = [ProjectFactory(department=department) for _ in range(3)]
    for project in projects:
        FundingFactory(project=project)
    client.force_login(superuser)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("admin:budgets_project_changelist"))
    assert response.status_code == 200
    response = client.get(reverse("admin:budgets_project_change", args=[projects[0].pk]))
    assert "项目资金" in response.content.decode()


def test_staff_edit_goes_through_the_service(client, staff, project):
    from budgets.models import AuditEntry

    client.force_login(staff)
    url = reverse("admin:budgets_project_change", args=[project.pk])
    form = {
        "name": project.name,
        "code": "",
        "category": "",
        "continuity": "",
        "implementing_unit": "市信息中心",
        "competent_department": "",
        "responsible_person": "张三",
        "contact": "",
        "phone": "",
        "start_date": "",
        "end_date": "",
        "description": "",
        "fundings-TOTAL_FORMS": "1",
        "fundings-INITIAL_FORMS": "0",
        "fundings-MIN_NUM_FORMS": "0",
        "fundings-MAX_NUM_FORMS": "1000",
        "fundings-0-period": "annual",
        "fundings-0-first_year": "2021",
        "fundings-0-last_year": "2021",
        "fundings-0-total": "170",
        "fundings-0-fiscal": "170",
        "fundings-0-carryover": "",
        "fundings-0-other": "",
    }
    response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    project.refresh_from_db()
    assert project.implementing_unit == "市信息中心"
    assert str(project.fundings.get().total) == "170.0000"
    assert set(AuditEntry.objects.filter(actor=staff).values_list("action", flat=True)) == {
        "project.update",
        "funding.create",
    }


@pytest.mark.parametrize("model", ["department", "membership", "sourcedocument", "funding", "auditentry"])
def test_every_budgets_admin_page_renders(client, superuser, project, model):
    FundingFactory(project=project)
    client.force_login(superuser)
    assert client.get(reverse(f"admin:budgets_{model}_changelist")).status_code == 200


def test_amounts_show_as_written_not_with_four_places(client, staff, project):
    from decimal import Decimal

    from budgets.execution import execution_record_set

    execution_record_set(project=project, month=3, spent=Decimal("12"), actor=staff)
    client.force_login(staff)
    body = client.get(reverse("admin:budgets_executionrecord_changelist")).content.decode()
    assert ">12<" in body and "12.0000" not in body


def test_the_month_filter_offers_the_twelve_months_and_filters(client, staff, project):
    from decimal import Decimal

    from budgets.execution import execution_record_set

    execution_record_set(project=project, month=3, spent=Decimal("12"), actor=staff)
    execution_record_set(project=project, month=5, spent=Decimal("7"), actor=staff)
    client.force_login(staff)
    url = reverse("admin:budgets_executionrecord_changelist")
    body = client.get(url).content.decode()
    assert all(f"?month={month}" in body for month in range(1, 13))
    assert client.get(url, {"month": "3"}).context["cl"].result_count == 1
    assert client.get(url, {"month": "12"}).context["cl"].result_count == 0
    assert "筛选条件或页码无法使用" in client.get(url, {"month": "13"}, follow=True).content.decode()
