"""A self-evaluation period walked day by day with a frozen clock, from 10 days before its deadline
(31 March 2022) to 3 days after, with the default rule (7 and 1 days before, 1 day after, review
waiting more than 5 days). Each day the daily job runs, and exactly these people get these digests:

- 信息一科 (A) submits on 26 March, midway, and is never reviewed;
- 信息二科 (B) submits on 22 March and is returned on 27 March for one indicator;
- 信息三科 (C) has a late-entry exception until 10 April;
- 信息四科 (D) never submits; it also has a supervisor of its own;
- 其他区 staff, the other department's supervisor and an outsider never have anything to do.
"""

import datetime

import pytest
from django.core import mail

from budgets.models import Membership
from targets.models import ReturnNote
from targets.periods.services import late_entry_grant
from targets.reminders.models import ReminderDigest, ReminderItem
from tests.factories import MembershipFactory, UserFactory
from tests.targets.conftest import working_day

from .conftest import DUE, received, run_on

D = datetime.date


@pytest.fixture
def cast(make_unit, supervisor_with_email, other_department, outsider, time_machine):
    a = make_unit("IT1", "信息一科")
    b = make_unit("IT2", "信息二科")
    c = make_unit("IT3", "信息三科")
    d = make_unit("IT4", "信息四科")
    late_entry_grant(
        period=c.evaluation.period,
        department=c.department,
        until=D(2022, 4, 10),
        reason="系统迁移",
        actor=supervisor_with_email,
    )
    d_supervisor = UserFactory(username="d-supervisor", email="d-sup@example.cn")
    MembershipFactory(user=d_supervisor, department=d.department, role=Membership.Role.SUPERVISOR)
    other_supervisor = UserFactory(username="other-supervisor", email="other@example.cn")
    MembershipFactory(user=other_supervisor, department=other_department, role=Membership.Role.SUPERVISOR)
    other_staff = UserFactory(username="other-staff", email="o@example.cn")
    MembershipFactory(user=other_staff, department=other_department, role=Membership.Role.STAFF)
    return {"a": a, "b": b, "c": c, "d": d}


def test_a_period_walked_from_ten_days_before_to_three_after(
    cast, time_machine, supervisor_with_email, settings, django_capture_on_commit_callbacks
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    a, b, c, d = cast["a"], cast["b"], cast["c"], cast["d"]
    sheet = {unit.department.code: unit.evaluation.sheet.project.name for unit in (a, b, c, d)}
    a_, b_, c_, d_ = (sheet[code] for code in ("IT1", "IT2", "IT3", "IT4"))
    expected = {
        D(2022, 3, 24): {("staff-it1", "due_soon"): [a_], ("staff-it4", "due_soon"): [d_]},
        D(2022, 3, 30): {("staff-it2", "due_soon"): [b_], ("staff-it4", "due_soon"): [d_]},
        D(2022, 4, 1): {
            ("staff-it2", "overdue"): [b_],
            ("staff-it4", "overdue"): [d_],
            ("supervisor", "escalation"): [b_, d_],
            ("d-supervisor", "escalation"): [d_],
            ("supervisor", "review"): [a_],
        },
        D(2022, 4, 2): {("supervisor", "review"): [a_]},
        D(2022, 4, 3): {("supervisor", "review"): [a_], ("staff-it3", "due_soon"): [c_]},
    }
    day, last = DUE - datetime.timedelta(days=10), DUE + datetime.timedelta(days=3)
    while day <= last:
        time_machine.move_to(working_day(day))
        if day == D(2022, 3, 22):
            b.submit()
        if day == D(2022, 3, 26):
            a.submit()
        if day == D(2022, 3, 27):
            b.return_indicator("系统可用率", "可用率口径与目标不一致", actor=supervisor_with_email)
        with django_capture_on_commit_callbacks(execute=True):
            run_on(time_machine, day)
            run_on(time_machine, day)  # a second run the same day sends nothing more
        assert received(day) == expected.get(day, {}), day
        day += datetime.timedelta(days=1)

    # One e-mail per digest, to the right person, and an in-app notification for each.
    digests = ReminderDigest.objects.select_related("recipient")
    assert len(mail.outbox) == digests.count() == sum(len(v) for v in expected.values())
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == sorted((g.recipient.email, g.subject) for g in digests)
    assert all(g.deliveries.get(channel="in_app").status == "sent" for g in digests)
    assert all(g.deliveries.get(channel="email").status == "sent" for g in digests)


def test_what_each_digest_says(cast, time_machine, supervisor_with_email, settings, django_capture_on_commit_callbacks):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    b, d = cast["b"], cast["d"]
    time_machine.move_to(working_day(D(2022, 3, 22)))
    b.submit()
    b.return_indicator("系统可用率", "可用率口径与目标不一致", actor=supervisor_with_email)
    with django_capture_on_commit_callbacks(execute=True):
        run_on(time_machine, D(2022, 3, 30))
    by_address = {message.to[0]: message for message in mail.outbox}
    returned = by_address["it2@example.cn"]
    assert returned.subject == "【填报提醒】您有 1 张目标表即将截止填报"
    assert "信息二科 · 信息二科运维项目" in returned.body
    assert "截止 2022-03-31，还剩 1 天；已退回待修改" in returned.body
    assert "退回意见（系统可用率）：可用率口径与目标不一致" in returned.body
    assert f"http://127.0.0.1:8000/evaluations/{b.evaluation.pk}/" in returned.body
    late = by_address["it4@example.cn"].body
    assert "尚未填报（2 项）：巡检数量、系统可用率" in late
    assert ReturnNote.objects.filter(evaluation=d.evaluation).count() == 0

    d.fill()  # everything entered, still not submitted: reminded to submit, nothing listed as missing
    with django_capture_on_commit_callbacks(execute=True):
        run_on(time_machine, D(2022, 4, 1))
    overdue = next(m for m in mail.outbox if m.to == ["it4@example.cn"] and "逾期" in m.subject)
    assert "各项指标均已填写，尚未提交" in overdue.body and "已逾期 1 天" in overdue.body
    escalation = next(m for m in mail.outbox if m.to == ["supervisor@example.cn"])
    assert escalation.subject == "【逾期督办】3 个部门的 3 张目标表逾期未提交"  # 信息一科 never submits here
    assert "信息二科 · 信息二科运维项目" in escalation.body and "信息四科 · 信息四科运维项目" in escalation.body
    assert "信息三科" not in escalation.body  # its exception runs to 10 April
    item_departments = set(
        ReminderItem.objects.filter(digest__recipient=supervisor_with_email).values_list("department__name", flat=True)
    )
    assert item_departments == {"信息一科", "信息二科", "信息四科"}
