import pytest
from django.urls import reverse

from targets.reminders.models import ReminderDigest, ReminderMute
from targets.reminders.services import reminder_digests_create
from tests.targets.conftest import working_day

from .conftest import DUE

URL = "/notifications/"


@pytest.fixture
def returned(make_unit, supervisor, time_machine):
    """信息一科's self-evaluation returned with a reason holding HTML; the reminder of the day before
    the deadline has been created."""
    unit = make_unit("IT1", "信息一科")
    unit.submit()
    unit.return_indicator("系统可用率", "<script>alert(1)</script>口径不一致", actor=supervisor)
    day = DUE.replace(day=30)
    time_machine.move_to(working_day(day))
    reminder_digests_create(day=day)
    return unit


def test_the_page_lists_my_reminders_with_links_and_reasons_as_text(client, returned):
    assert reverse("reminders:notifications") == URL
    client.force_login(returned.staff)
    response = client.get(URL)
    body = response.content.decode()
    assert response.status_code == 200
    assert "【填报提醒】您有 1 张目标表即将截止填报" in body
    assert "信息一科运维项目" in body and "截止 2022-03-31，还剩 1 天" in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;口径不一致" in body and "<script>alert(1)" not in body
    assert f'href="/evaluations/{returned.evaluation.pk}/"' in body
    assert 'class="unread-count"' in body and ">1</span>" in body  # the header's unread count


def test_mark_read_one_or_all_and_only_my_own(client, returned, staff):
    digest = ReminderDigest.objects.get()
    client.force_login(staff)  # another department's staff member
    assert "暂时没有提醒" in client.get(URL).content.decode()
    client.post(reverse("reminders:read", args=[digest.pk]))
    assert ReminderDigest.objects.get().read_at is None
    client.force_login(returned.staff)
    response = client.post(reverse("reminders:read", args=[digest.pk]), {"next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == URL
    assert ReminderDigest.objects.get().read_at is not None
    assert 'class="unread-count"' not in client.get(URL).content.decode()
    ReminderDigest.objects.update(read_at=None)
    response = client.post(reverse("reminders:read_all"), follow=True)
    assert "已将 1 条提醒标为已读" in response.content.decode()
    assert client.get(reverse("reminders:read_all")).status_code == 405


def test_settings_mute_what_may_be_muted(client, returned):
    client.force_login(returned.staff)
    body = client.get(URL).content.decode()
    assert "截止前提醒" in body and "待审核提醒" in body
    assert 'value="overdue"' not in body  # mandatory in the default rules
    assert "逾期督办及逾期提醒按规定必须接收" in body
    response = client.post(URL, {"muted": ["due_soon"]}, follow=True)
    assert "提醒设置已保存" in response.content.decode()
    assert list(ReminderMute.objects.values_list("user__username", "kind")) == [("staff-it1", "due_soon")]
    response = client.post(URL, {"muted": ["escalation"]})
    assert response.status_code == 400 and "选择一个有效的选项" in response.content.decode()
    client.post(URL, {})
    assert not ReminderMute.objects.exists()


def test_anonymous_users_are_sent_to_log_in(client):
    for url in (URL, reverse("reminders:read_all"), reverse("reminders:read", args=[1])):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
