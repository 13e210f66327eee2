import datetime
import uuid

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from budgets.audit import event_sentence
from budgets.models import AuditEntry, Membership
from targets.models import ReportingPeriod
from targets.monitoring.services import monitoring_start
from targets.reminders.models import ReminderDelivery, ReminderDigest, ReminderMute
from targets.reminders.selectors import email_deliveries_to_recover, reminder_plan
from targets.reminders.services import (
    DeliveryDeferred,
    reminder_delivery_retry,
    reminder_digests_create,
    reminder_email_deliver,
    reminder_mutes_set,
    reminder_rule_set,
    reminders_run,
)
from targets.reminders.tasks import send_reminder_email
from tests.factories import IndicatorFactory, MembershipFactory, ReportingPeriodFactory, TargetSheetFactory, UserFactory
from tests.targets.conftest import working_day

from .conftest import DUE, received

D = datetime.date
WEEK_BEFORE, DAY_AFTER = DUE - datetime.timedelta(days=7), DUE + datetime.timedelta(days=1)
REFUSING = "tests.targets.reminders.mail_backends.RefusingBackend"


@pytest.fixture
def unit(make_unit, time_machine):
    unit = make_unit("IT1", "信息一科")
    time_machine.move_to(working_day(WEEK_BEFORE))
    return unit


def kinds_of(day):
    return set(received(day))


def test_running_again_or_with_the_same_plan_creates_nothing_more(unit):
    plan = reminder_plan(WEEK_BEFORE)
    assert [(d.name, d.kind) for d in plan] == [("staff-it1", "due_soon")]
    first = reminder_digests_create(day=WEEK_BEFORE, plan=plan)
    assert first["digests"] == 1 and len(first["emails"]) == 1
    # A second worker that computed the same plan before the first committed inserts nothing.
    assert reminder_digests_create(day=WEEK_BEFORE, plan=plan) == {"digests": 0, "emails": []}
    assert reminders_run(day=WEEK_BEFORE)["digests"] == 0
    assert ReminderDigest.objects.count() == 1
    assert ReminderDelivery.objects.count() == 2


def test_the_database_refuses_a_second_digest_for_the_same_person_day_and_kind(unit):
    reminder_digests_create(day=WEEK_BEFORE)
    digest = ReminderDigest.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        ReminderDigest.objects.create(
            recipient=digest.recipient, day=digest.day, kind=digest.kind, subject="again", run=uuid.uuid4()
        )
    ReminderDigest.objects.create(
        recipient=digest.recipient, day=digest.day, kind="overdue", subject="another kind", run=uuid.uuid4()
    )


def test_nobody_with_nothing_to_do_gets_anything(unit, supervisor, outsider):
    assert reminder_plan(WEEK_BEFORE - datetime.timedelta(days=1)) == []  # not a reminder day
    unit.submit()
    assert reminder_plan(WEEK_BEFORE) == []
    # After the deadline only the supervisor has something to do: the submission waits for review.
    assert [(d.name, d.kind) for d in reminder_plan(DAY_AFTER)] == [("supervisor", "review")]


def test_users_mute_what_is_not_mandatory_and_never_escalations(unit, supervisor):
    staff = unit.staff
    reminder_mutes_set(user=staff, kinds=["due_soon"], actor=staff)
    assert reminder_plan(WEEK_BEFORE) == []
    with pytest.raises(ValidationError, match="逾期督办不能屏蔽"):
        reminder_mutes_set(user=supervisor, kinds=["escalation"], actor=supervisor)
    with pytest.raises(ValidationError, match="逾期提醒按规定必须接收"):
        reminder_mutes_set(user=staff, kinds=["overdue"], actor=staff)  # mandatory in both default rules
    with pytest.raises(PermissionDenied):
        reminder_mutes_set(user=staff, kinds=[], actor=supervisor)
    entry = AuditEntry.objects.get(action="reminder_mutes.set")
    assert event_sentence(entry) == "修改了提醒设置，不再接收：截止前提醒"

    # An administrator makes due-soon reminders mandatory for self-evaluations: the mute stops counting there.
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    reminder_rule_set(period_kind="self_evaluation", due_soon_mandatory=True, actor=root)
    assert [(d.name, d.kind) for d in reminder_plan(WEEK_BEFORE)] == [("staff-it1", "due_soon")]
    reminder_mutes_set(user=staff, kinds=[], actor=staff)
    assert not ReminderMute.objects.exists()


def test_rules_are_changed_by_administrators_only_and_checked(unit, supervisor):
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    with pytest.raises(PermissionDenied):
        reminder_rule_set(period_kind="self_evaluation", days_before="3", actor=supervisor)
    with pytest.raises(ValidationError):
        reminder_rule_set(period_kind="self_evaluation", days_before="三天", actor=root)
    with pytest.raises(ValidationError):
        reminder_rule_set(period_kind="self_evaluation", days_after="0", actor=root)
    rule = reminder_rule_set(period_kind="self_evaluation", days_before="1, 3,3", actor=root)
    assert rule.days_before == "3,1" and rule.before == [3, 1]
    assert "修改了" in event_sentence(AuditEntry.objects.get(action="reminder_rule.update"))
    assert reminder_plan(WEEK_BEFORE) == []
    assert [d.kind for d in reminder_plan(DUE - datetime.timedelta(days=3))] == ["due_soon"]
    reminder_rule_set(period_kind="self_evaluation", enabled=False, actor=root)
    assert reminder_plan(DUE - datetime.timedelta(days=3)) == []
    assert reminder_plan(DAY_AFTER) == []


def test_supervisors_hear_of_submissions_waiting_longer_than_the_rule_allows(unit, supervisor, time_machine):
    time_machine.move_to(working_day(D(2022, 3, 1)))
    unit.submit()
    assert reminder_plan(D(2022, 3, 6)) == []  # waited 5 days: not longer than 5
    (digest,) = reminder_plan(D(2022, 3, 7))
    assert (digest.name, digest.kind, digest.items[0].content["waiting_days"]) == ("supervisor", "review", 6)
    assert digest.items[0].content["path"] == f"/admin/targets/evaluation/{unit.evaluation.pk}/change/"
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    reminder_rule_set(period_kind="self_evaluation", review_after_days=10, actor=root)
    assert reminder_plan(D(2022, 3, 7)) == []
    reminder_mutes_set(user=supervisor, kinds=["review"], actor=supervisor)
    assert reminder_plan(D(2022, 3, 12)) == []


def test_monitoring_rounds_are_reminded_of_values_still_empty(db, project, staff, time_machine):
    period = ReportingPeriodFactory(year=2021, kind=ReportingPeriod.Kind.MONITORING)  # due 31 August
    sheet = TargetSheetFactory(project=project)
    IndicatorFactory(sheet=sheet, name="巡检数量", value="≥10个")
    time_machine.move_to(working_day(D(2021, 8, 5)))
    report = monitoring_start(sheet=sheet, period=period, actor=staff)
    (digest,) = reminder_plan(D(2021, 8, 30))
    item = digest.items[0].content
    assert (digest.name, digest.kind, item["empty"], item["record"]) == (
        "staff",
        "due_soon",
        ["巡检数量"],
        "monitoring_report",
    )
    assert item["path"] == f"/monitoring/{report.pk}/"


def test_inactive_users_get_nothing_and_those_without_an_address_only_in_app(make_unit, time_machine):
    quiet = make_unit("IT5", "信息五科", email=False)
    gone = make_unit("IT6", "信息六科")
    gone.staff.is_active = False
    gone.staff.save()
    time_machine.move_to(working_day(WEEK_BEFORE))
    created = reminder_digests_create(day=WEEK_BEFORE)
    assert created == {"digests": 1, "emails": []}
    digest = ReminderDigest.objects.get()
    assert digest.recipient == quiet.staff
    email = digest.deliveries.get(channel="email")
    assert (email.status, email.error) == ("skipped", "用户没有填写电子邮箱")
    assert digest.deliveries.get(channel="in_app").status == "sent"


def test_an_email_is_sent_once_however_often_its_task_runs(unit):
    (delivery_id,) = reminder_digests_create(day=WEEK_BEFORE)["emails"]
    assert reminder_email_deliver(delivery_id=delivery_id) == "sent"
    assert reminder_email_deliver(delivery_id=delivery_id) == "sent"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["it1@example.cn"] and message.extra_headers["Message-ID"].startswith("<reminder-")
    delivery = ReminderDelivery.objects.get(pk=delivery_id)
    assert (delivery.status, delivery.attempts, delivery.delivered_at is not None) == ("sent", 1, True)


def test_a_send_in_progress_is_left_alone_until_its_claim_runs_out(unit, settings, time_machine):
    (delivery_id,) = reminder_digests_create(day=WEEK_BEFORE)["emails"]
    now = timezone.now()
    ReminderDelivery.objects.filter(pk=delivery_id).update(
        status="sending", attempts=1, lease_until=now + datetime.timedelta(seconds=30)
    )
    with pytest.raises(DeliveryDeferred) as deferred:
        reminder_email_deliver(delivery_id=delivery_id)
    assert 30 <= deferred.value.countdown <= 31 and not mail.outbox
    assert email_deliveries_to_recover(timezone.now(), since=WEEK_BEFORE) == []
    time_machine.move_to(now + datetime.timedelta(seconds=31))  # the sender died: its claim ran out
    assert email_deliveries_to_recover(timezone.now(), since=WEEK_BEFORE) == [delivery_id]
    assert reminder_email_deliver(delivery_id=delivery_id) == "sent"
    assert len(mail.outbox) == 1 and ReminderDelivery.objects.get(pk=delivery_id).attempts == 2


def test_a_failing_delivery_is_retried_with_backoff_then_marked_failed(unit, settings):
    settings.EMAIL_BACKEND = REFUSING
    settings.REMINDER_EMAIL_MAX_ATTEMPTS = 3
    (delivery_id,) = reminder_digests_create(day=WEEK_BEFORE)["emails"]
    pauses = []
    for _attempt in range(2):
        with pytest.raises(DeliveryDeferred) as deferred:
            reminder_email_deliver(delivery_id=delivery_id)
        pauses.append(deferred.value.countdown)
        delivery = ReminderDelivery.objects.get(pk=delivery_id)
        assert delivery.status == "pending" and delivery.error == "邮件服务器拒收收件地址：it1@example.cn"
        ReminderDelivery.objects.filter(pk=delivery_id).update(lease_until=None)
    assert pauses == [60, 120]
    assert reminder_email_deliver(delivery_id=delivery_id) == "failed"
    delivery = ReminderDelivery.objects.get(pk=delivery_id)
    assert (delivery.status, delivery.attempts) == ("failed", 3)
    assert delivery.error == "邮件服务器拒收收件地址：it1@example.cn"
    assert reminder_email_deliver(delivery_id=delivery_id) == "failed"  # final: no further tries


def test_the_task_retries_through_celery_until_the_last_try(unit, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = REFUSING
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.REMINDER_EMAIL_MAX_ATTEMPTS = 2
    (delivery_id,) = reminder_digests_create(day=WEEK_BEFORE)["emails"]
    result = send_reminder_email.apply(args=[delivery_id], throw=False)  # eager: retries run at once
    assert result.get() == "failed"
    assert ReminderDelivery.objects.get(pk=delivery_id).attempts == 2
    # An administrator fixes the mail settings and sends it again.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    with pytest.raises(PermissionDenied):
        reminder_delivery_retry(delivery=ReminderDelivery.objects.get(pk=delivery_id), actor=unit.staff)
    with django_capture_on_commit_callbacks(execute=True):
        reminder_delivery_retry(delivery=ReminderDelivery.objects.get(pk=delivery_id), actor=root)
    assert ReminderDelivery.objects.get(pk=delivery_id).status == "sent" and len(mail.outbox) == 1


def test_the_plan_takes_the_same_queries_for_any_number_of_people(make_unit, parent_department, time_machine):
    def measure():
        with CaptureQueriesContext(connection) as queries:
            plan = reminder_plan(WEEK_BEFORE)
        return len(plan), len(queries.captured_queries)

    make_unit("IT1", "信息一科")
    time_machine.move_to(working_day(WEEK_BEFORE))
    few = measure()
    for index in range(2, 8):
        unit = make_unit(f"IT{index}", f"信息{index}科")
        colleague = UserFactory(username=f"colleague-{index}")
        MembershipFactory(user=colleague, department=unit.department, role=Membership.Role.STAFF)
    many = measure()
    assert (few[0], many[0]) == (1, 13)
    assert few[1] == many[1]
