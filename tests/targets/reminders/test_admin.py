"""The reminder log and rules in the admin: who sees which reminders, filters, the message itself,
rule changes through the service, and sending a failed e-mail again."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from budgets.models import AuditEntry, Membership
from targets.reminders.models import ReminderDelivery, ReminderRule
from targets.reminders.services import reminder_digests_create
from tests.factories import MembershipFactory, UserFactory
from tests.targets.conftest import working_day

from .conftest import DUE

LOG = reverse("admin:targets_reminderdelivery_changelist")
AFTER = DUE + datetime.timedelta(days=1)


@pytest.fixture
def log(make_unit, other_department, supervisor, time_machine):
    """The day after the deadline: 信息一科 (two staff) and the other department are late; the
    supervisor of the parent department has an escalation naming 信息一科 only."""
    unit = make_unit("IT1", "信息一科")
    colleague = UserFactory(username="colleague", email="colleague@example.cn")
    MembershipFactory(user=colleague, department=unit.department, role=Membership.Role.STAFF)
    other = make_unit("OT1", "其他科", parent=other_department)
    time_machine.move_to(working_day(AFTER))
    reminder_digests_create(day=AFTER)
    return {"unit": unit, "colleague": colleague, "other": other}


def rows(client, url=LOG) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def listed(client, query="") -> set[tuple[str, str, str]]:
    """(recipient, kind, channel) of the log's rows."""
    response = client.get(LOG + query)
    assert response.status_code == 200, response.status_code
    return {(d.digest.recipient.username, d.digest.kind, d.channel) for d in response.context["cl"].result_list}


def test_staff_see_their_own_reminders_only(client, log):
    client.force_login(log["unit"].staff)
    assert listed(client) == {("staff-it1", "overdue", "email"), ("staff-it1", "overdue", "in_app")}
    assert "信息一科 · 信息一科运维项目" in rows(client)


def test_supervisors_see_their_tree_and_their_own(client, log, supervisor):
    client.force_login(supervisor)
    assert {(user, kind) for user, kind, _channel in listed(client)} == {
        ("staff-it1", "overdue"),
        ("colleague", "overdue"),
        ("supervisor", "escalation"),
    }
    assert "其他科" not in rows(client)
    assert "用户没有填写电子邮箱" in rows(client)  # the supervisor has no address: in-app only


def test_filters_and_bad_filter_values(client, log, supervisor):
    client.force_login(supervisor)
    department = log["unit"].department
    assert len(listed(client, f"?department={department.pk}")) == 6
    assert listed(client, f"?department={log['other'].department.pk}") == set()
    assert listed(client, "?department=abc") == set()
    assert listed(client, "?channel=email&status=pending&digest__kind=overdue") == {
        ("staff-it1", "overdue", "email"),
        ("colleague", "overdue", "email"),
    }
    assert listed(client, "?status=skipped") == {("supervisor", "escalation", "email")}
    assert client.get(f"{LOG}?status=nonsense").status_code in (200, 302)


def test_the_message_is_shown_as_people_received_it(client, log, supervisor, outsider):
    delivery = ReminderDelivery.objects.get(digest__recipient=log["unit"].staff, channel="email")
    url = reverse("admin:targets_reminderdelivery_change", args=[delivery.pk])
    client.force_login(log["unit"].staff)
    body = rows(client, url)
    assert "以下目标表已过填报截止日期" in body and "尚未填报（2 项）：巡检数量、系统可用率" in body
    assert 'name="_save"' not in body
    client.force_login(log["other"].staff)
    assert client.get(url).status_code == 302  # not theirs: the admin says it does not exist
    client.force_login(outsider)
    assert client.get(LOG).status_code == 403


def test_rules_are_viewed_by_supervisors_and_changed_by_administrators(client, log, supervisor):
    rule = ReminderRule.objects.get(period_kind="self_evaluation")
    url = reverse("admin:targets_reminderrule_change", args=[rule.pk])
    client.force_login(supervisor)
    body = rows(client, url)
    assert "截止前提醒（天）" in body and 'name="_save"' not in body
    assert client.post(url, {"enabled": "on", "days_before": "3"}).status_code == 403
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(root)
    data = {
        "enabled": "on",
        "days_before": "10，3",
        "days_after": "1,3",
        "review_after_days": "5",
        "overdue_mandatory": "on",
    }
    assert client.post(url, data).status_code == 302
    rule.refresh_from_db()
    assert (rule.days_before, rule.days_after, rule.due_soon_mandatory) == ("10,3", "3,1", False)
    assert AuditEntry.objects.filter(action="reminder_rule.update", actor=root).exists()
    response = client.post(url, {**data, "days_before": "abc"})
    assert response.status_code == 200 and "请填写用逗号分隔的天数" in response.content.decode()
    assert client.get(reverse("admin:targets_reminderrule_add")).status_code == 403  # both kinds have a rule


def test_administrators_send_failed_emails_again(client, log, settings, django_capture_on_commit_callbacks):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    delivery = ReminderDelivery.objects.get(digest__recipient=log["unit"].staff, channel="email")
    ReminderDelivery.objects.filter(pk=delivery.pk).update(status="failed", error="连接邮件服务器超时", attempts=5)
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(root)
    assert "连接邮件服务器超时" in rows(client, f"{LOG}?status=failed")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(LOG, {"action": "retry_failed", "_selected_action": [delivery.pk]}, follow=True)
    assert "已重新排队 1 封邮件" in response.content.decode()
    assert ReminderDelivery.objects.get(pk=delivery.pk).status == "sent" and len(mail.outbox) == 1
    client.force_login(log["unit"].staff)
    assert "重新发送失败的邮件" not in rows(client)
