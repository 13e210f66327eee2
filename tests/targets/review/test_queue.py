"""The review queue: submitted records of the supervisor's tree, by deadline, late ones marked."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from budgets.models import Membership
from targets.assessment.services import evaluation_start, evaluation_submit
from targets.models import Evaluation
from targets.periods.selectors import entry_deadline
from targets.periods.services import late_entry_grant
from targets.review.selectors import QueueFilter, review_queue
from tests.factories import (
    IndicatorFactory,
    MembershipFactory,
    ProjectFactory,
    TargetSheetFactory,
    UserFactory,
)
from tests.targets.conftest import working_day

from .conftest import fill

QUEUE = reverse("admin:targets_review_queue")


def submit_sheet(project, period, staff):
    sheet = TargetSheetFactory(project=project)
    for indicator in ("巡检次数", "故障响应时间", "社会影响", "用户满意度"):
        IndicatorFactory(
            sheet=sheet,
            name=indicator,
            **{
                "巡检次数": {"value": "≥98%"},
                "故障响应时间": {"level2": "时效指标", "value": "≤2小时"},
                "社会影响": {"level1": "效益指标", "level2": "社会效益指标", "value": "提高"},
                "用户满意度": {"level1": "满意度指标", "level2": "服务对象满意度指标", "value": "≥90%"},
            }[indicator],
        )
    evaluation = evaluation_start(sheet=sheet, period=period, actor=staff)
    fill(evaluation, staff)
    return evaluation_submit(evaluation=evaluation, actor=staff)


@pytest.fixture
def late(department, period, staff, time_machine):
    """Submitted five days after the 31 March deadline, within the grace days."""
    time_machine.move_to(working_day(datetime.date(2022, 4, 5)))
    return submit_sheet(ProjectFactory(department=department, name="迟交的项目"), period, staff)


def test_queue_lists_submitted_records_by_deadline_with_late_ones_marked(client, supervisor, submitted, late):
    client.force_login(supervisor)
    response = client.get(QUEUE)
    body = response.content.decode()
    assert response.status_code == 200
    assert "政务云平台运维项目" in body and "迟交的项目" in body
    assert "2022-03-31" in body and "逾期 5 天" in body
    assert body.count("逾期 5 天") == 1  # the one submitted on time is not marked
    assert reverse("admin:targets_evaluation_change", args=[late.pk]) in body


def test_a_late_entry_exception_moves_the_department_deadline(supervisor, department, period, late):
    late_entry_grant(
        period=period, department=department, until=datetime.date(2022, 4, 10), reason="系统故障", actor=supervisor
    )
    _page, records = review_queue(supervisor, QueueFilter())
    (record,) = records
    assert record.deadline == entry_deadline(period, department) == datetime.date(2022, 4, 10)
    assert record.days_late == 0


def test_records_are_ordered_by_deadline_then_department(supervisor, parent_department, period, submitted, staff):
    from tests.factories import DepartmentFactory

    early = DepartmentFactory(code="CITY-A", name="市档案馆", parent=parent_department)
    early_staff = UserFactory(username="archive-staff")
    MembershipFactory(user=early_staff, department=early, role=Membership.Role.STAFF)
    other = submit_sheet(ProjectFactory(department=early, name="档案数字化"), period, early_staff)
    late_entry_grant(
        period=period,
        department=submitted.sheet.department,
        until=datetime.date(2022, 4, 30),
        reason="x",
        actor=supervisor,
    )
    _page, records = review_queue(supervisor, QueueFilter())
    assert [r.pk for r in records] == [other.pk, submitted.pk]


def test_filters_by_kind_status_department_and_lateness(client, supervisor, submitted, late, submitted_report):
    client.force_login(supervisor)
    everything = client.get(QUEUE).content.decode()
    assert "政务云平台运维项目" in everything and "绩效运行监控" in everything
    only_monitoring = client.get(QUEUE, {"kind": "monitoring"}).content.decode()
    assert "迟交的项目" not in only_monitoring and "绩效运行监控" in only_monitoring
    only_late = client.get(QUEUE, {"late_only": "on"}).content.decode()
    assert (
        "迟交的项目" in only_late and reverse("admin:targets_evaluation_change", args=[submitted.pk]) not in only_late
    )
    approved = client.get(QUEUE, {"status": "approved"}).content.decode()
    assert "没有符合条件的内容" in approved
    other_department = client.get(QUEUE, {"department": "999999"}).content.decode()
    assert "迟交的项目" in other_department  # an unknown department is ignored, never a 500


def test_supervisor_sees_only_their_tree_and_staff_are_refused(client, submitted, other_department, staff, outsider):
    stranger = UserFactory(username="elsewhere")
    MembershipFactory(user=stranger, department=other_department, role=Membership.Role.SUPERVISOR)
    client.force_login(stranger)
    body = client.get(QUEUE).content.decode()
    assert "政务云平台运维项目" not in body and "没有等待审核的内容" in body
    for user in (staff, outsider):
        client.force_login(user)
        assert client.get(QUEUE).status_code == 403


def test_bulk_approve_from_the_queue(client, supervisor, submitted, late):
    client.force_login(supervisor)
    response = client.post(QUEUE, {"selected": [f"evaluation:{submitted.pk}", f"evaluation:{late.pk}", "bogus:1"]})
    assert response.status_code == 302
    assert set(Evaluation.objects.values_list("status", flat=True)) == {Evaluation.Status.APPROVED}
    assert any("已审核通过 2 份" in str(m) for m in response.wsgi_request._messages)


def test_bulk_approve_skips_what_the_supervisor_does_not_supervise(client, submitted, other_department):
    stranger = UserFactory(username="elsewhere")
    MembershipFactory(user=stranger, department=other_department, role=Membership.Role.SUPERVISOR)
    client.force_login(stranger)
    client.post(QUEUE, {"selected": [f"evaluation:{submitted.pk}"]})
    submitted.refresh_from_db()
    assert submitted.status == Evaluation.Status.SUBMITTED


def test_changelist_action_approves_and_is_offered_to_supervisors_only(client, supervisor, staff, submitted):
    changelist = reverse("admin:targets_evaluation_changelist")
    client.force_login(staff)
    assert "approve_selected" not in client.get(changelist).content.decode()
    client.force_login(supervisor)
    body = client.get(changelist).content.decode()
    assert "approve_selected" in body and "2022-03-31" in body
    client.post(changelist, {"action": "approve_selected", "_selected_action": [submitted.pk]})
    submitted.refresh_from_db()
    assert submitted.status == Evaluation.Status.APPROVED


def test_queue_reads_a_fixed_number_of_queries(client, supervisor, department, period, staff, submitted):
    client.force_login(supervisor)
    client.get(QUEUE)
    with CaptureQueriesContext(connection) as one:
        client.get(QUEUE)
    for n in range(3):
        submit_sheet(ProjectFactory(department=department, name=f"项目{n}"), period, staff)
    with CaptureQueriesContext(connection) as four:
        body = client.get(QUEUE).content.decode()
    assert "项目2" in body
    assert len(four.captured_queries) == len(one.captured_queries)


def test_admin_index_shows_what_waits_for_review(client, supervisor, staff, submitted, late):
    client.force_login(supervisor)
    body = client.get(reverse("admin:index")).content.decode()
    assert "待我审核" in body and "绩效自评 2 份" in body and "其中逾期提交 1 份" in body and QUEUE in body
    client.force_login(staff)
    assert "待我审核" not in client.get(reverse("admin:index")).content.decode()
