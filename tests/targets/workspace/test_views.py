import pytest
from django.urls import reverse

from targets.assessment.services import evaluation_start


@pytest.fixture
def evaluation(sheet, period, staff):
    return evaluation_start(sheet=sheet, period=period, actor=staff)


def test_tasks_list_the_open_period_with_deadline_and_empty_rows(client, staff, evaluation):
    client.force_login(staff)
    response = client.get(reverse("workspace:tasks"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "2021年绩效自评" in body and "政务云平台运维项目" in body
    assert "2022-03-31" in body and "80 天" in body  # 10 January → 31 March
    assert reverse("assessment:entry", args=[evaluation.pk]) in body


def test_entry_page_shows_targets_and_what_is_missing(client, staff, evaluation):
    client.force_login(staff)
    body = client.get(reverse("assessment:entry", args=[evaluation.pk])).content.decode()
    assert "≥98%" in body and "尚未填报实际完成值" in body


def test_other_department_and_outsider_are_refused(client, evaluation, outsider, other_department):
    from tests.factories import MembershipFactory, UserFactory

    other_staff = UserFactory(username="other-staff")
    MembershipFactory(user=other_staff, department=other_department)
    client.force_login(other_staff)
    assert client.get(reverse("assessment:entry", args=[evaluation.pk])).status_code == 404
    client.force_login(outsider)
    response = client.get(reverse("workspace:tasks"))
    assert response.status_code == 403 and "不是任何部门的成员" in response.content.decode()
    client.logout()
    assert client.get(reverse("workspace:tasks")).status_code == 302


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_tasks_and_entry_pages_take_the_same_queries_for_more_rows(client, staff, evaluation, sheet, period):
    from targets.assessment.services import evaluations_prepare
    from tests.factories import IndicatorFactory, ProjectFactory, TargetSheetFactory

    client.force_login(staff)
    tasks, entry = reverse("workspace:tasks"), reverse("assessment:entry", args=[evaluation.pk])
    before = (_queries(client, tasks), _queries(client, entry))
    for _ in range(6):
        other = TargetSheetFactory(project=ProjectFactory(department=sheet.department))
        IndicatorFactory(sheet=other)
        evaluations_prepare(period=period, sheets=[other])
    for _ in range(30):
        IndicatorFactory(sheet=sheet)
    from targets.assessment.services import evaluation_sync_indicators

    evaluation_sync_indicators(evaluation=evaluation, actor=staff)
    after = (_queries(client, tasks), _queries(client, entry))
    assert after == before and max(after) <= 15
