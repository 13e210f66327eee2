"""What every request meets first: a size limit before anything is read, no NUL anywhere, no
invisible control characters in what is saved; and admin filters that cannot apply say so in Chinese."""

import pytest
from django.urls import reverse

from budgets.models import AuditEntry, Project
from tests.admin_forms import PROJECT_FORM


def test_a_nul_in_a_typed_name_is_refused_in_chinese_and_nothing_changes(client, staff, project):
    client.force_login(staff)
    url = reverse("admin:budgets_project_change", args=[project.pk])
    response = client.post(url, {**PROJECT_FORM, "name": "政务云\x00平台"})
    assert response.status_code == 400
    assert "空字符" in response.content.decode() and "没有保存任何内容" in response.content.decode()
    project.refresh_from_db()
    assert project.name == "政务云平台运维项目"
    assert not AuditEntry.objects.filter(action="project.update").exists()


@pytest.mark.parametrize(
    "url",
    [
        "/admin/budgets/project/?q=%00",
        "/admin/budgets/project/?department__id__exact=%00",
        "/budgets/%00/2021/",
        "/budgets/?x=a%00b",
        "/accounts/login/?next=/%00",
    ],
)
def test_a_nul_in_the_address_is_refused_in_chinese(client, staff, url):
    client.force_login(staff)
    response = client.get(url)
    assert response.status_code == 400
    assert "空字符" in response.content.decode()


def test_other_control_characters_are_removed_from_what_is_saved(client, staff, project):
    client.force_login(staff)
    url = reverse("admin:budgets_project_change", args=[project.pk])
    response = client.post(url, {**PROJECT_FORM, "name": "政务云\x01平台\x1b", "description": "第一页\x0c第二页\t完"})
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.name == "政务云平台"
    assert project.description == "第一页\n第二页\t完"


def test_a_body_over_the_limit_is_refused_before_it_is_read(client, staff, settings):
    settings.UPLOAD_REQUEST_MAX_BYTES = 1024
    client.force_login(staff)
    response = client.post(reverse("admin:targets_disclosureimport_add"), {"file": "x" * 5000})
    assert response.status_code == 413
    content = response.content.decode()
    assert "1 KB" in content and "上限" in content


@pytest.mark.parametrize(
    "query",
    [
        "year=abc",
        "year__gte=x",
        "department__id__exact=abc",
        "start_date__gte=2021-13-45",
        "end_date__lt=x",
        "nonsense=1",
    ],
)
def test_bad_filters_in_an_admin_list_say_so_in_chinese(client, staff, project, query):
    client.force_login(staff)
    response = client.get(f"{reverse('admin:budgets_project_changelist')}?{query}", follow=True)
    assert response.status_code == 200
    content = response.content.decode()
    assert "筛选条件或页码无法使用" in content and "数据库" not in content
    assert Project.objects.get() == project


@pytest.mark.parametrize("query", ["p=999", "p=abc", "o=abc", "o=99.-3", "all=&q=" + "x" * 2000])
def test_odd_paging_and_ordering_are_ignored(client, staff, project, query):
    client.force_login(staff)
    assert client.get(f"{reverse('admin:budgets_project_changelist')}?{query}").status_code == 200
