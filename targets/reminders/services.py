"""Reminders: the daily job, e-mail delivery, rules, mutes and reading notifications.

Idempotent by construction: a digest row (unique per recipient, day and kind) is inserted before
anything is sent, with INSERT … ON CONFLICT DO NOTHING. Two runs at once queue up on the unique
index: the second inserts nothing the first did, and only the digests a run inserted itself (found
by its run id) get their sheets and deliveries. The in-app notification is the digest itself; the
e-mail is sent afterwards by a task that claims the delivery row, so a retried or duplicated task
sends it at most once, and a worker that died mid-send loses its claim after a lease.
"""

import datetime
import json
import smtplib
import socket
import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from budgets.audit import audit_record, diff_fields
from budgets.bulk import copy_insert
from budgets.history import stamp

from ..models import ReportingPeriod
from ..periods.selectors import today
from .messages import digest_email, digest_subject
from .models import (
    MUTABLE_KINDS,
    ReminderDelivery,
    ReminderDigest,
    ReminderItem,
    ReminderKind,
    ReminderMute,
    ReminderRule,
)
from .selectors import PlannedDigest, email_deliveries_to_recover, mandatory_everywhere, reminder_plan, rules_by_kind

Status = ReminderDelivery.Status
Channel = ReminderDelivery.Channel
RULE_FIELDS = (
    "enabled",
    "days_before",
    "days_after",
    "review_after_days",
    "due_soon_mandatory",
    "overdue_mandatory",
    "review_mandatory",
)
BACKOFF_SECONDS, BACKOFF_MAX_SECONDS = 60, 3600
RECOVER_DAYS = 3  # the daily job also queues unsent e-mails of the digests of this many days before


class DeliveryDeferred(Exception):
    """The e-mail is not sent now; the task should try again after `countdown` seconds."""

    def __init__(self, reason: str, countdown: float):
        super().__init__(reason)
        self.countdown = max(1, int(countdown))


# The daily job -----------------------------------------------------------------------------------


def _insert_digests(day: datetime.date, run: uuid.UUID, plan: list[PlannedDigest]) -> None:
    """INSERT … ON CONFLICT DO NOTHING of the plan's digests, in plan order (by recipient and kind, so
    concurrent runs take the unique index's locks in one order). On PostgreSQL the rows travel as one
    JSON document: bulk_create would escape every quote of every digest's content in Python."""
    rows = [
        {
            "recipient": digest.recipient_id,
            "kind": digest.kind,
            "subject": digest_subject(digest.kind, [item.content for item in digest.items]),
            "content": {"items": [item.content for item in digest.items]},
        }
        for digest in plan
    ]
    if connection.vendor != "postgresql":
        ReminderDigest.objects.bulk_create(
            [ReminderDigest(recipient_id=r["recipient"], day=day, run=run, **_without(r, "recipient")) for r in rows],
            ignore_conflicts=True,
        )
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {connection.ops.quote_name(ReminderDigest._meta.db_table)}
                    (recipient_id, day, kind, subject, content, run, created_at)
                SELECT (r->>'recipient')::bigint, %s, r->>'kind', r->>'subject', r->'content', %s, %s
                FROM jsonb_array_elements(%s::jsonb) WITH ORDINALITY AS rows(r, n) ORDER BY n
                ON CONFLICT (recipient_id, day, kind) DO NOTHING""",  # noqa: S608 - the table name is the model's
            [day, run, timezone.now(), json.dumps(rows, ensure_ascii=False)],
        )


def _without(row: dict, key: str) -> dict:
    return {name: value for name, value in row.items() if name != key}


@transaction.atomic
def reminder_digests_create(*, day: datetime.date, plan: list[PlannedDigest] | None = None) -> dict:
    """Create the digests due on `day` that do not exist yet, with their sheets and deliveries (the
    in-app one delivered at once, the e-mail pending). Returns {"digests": how many this run created,
    "emails": ids of their pending e-mails}. A fixed number of statements on PostgreSQL, whatever the
    number of recipients."""
    plan = reminder_plan(day) if plan is None else plan
    # Leaving out what an earlier run created keeps a repeated run cheap; the constraint decides races.
    done = set(ReminderDigest.objects.filter(day=day).values_list("recipient_id", "kind"))
    plan = [digest for digest in plan if (digest.recipient_id, digest.kind) not in done]
    if not plan:
        return {"digests": 0, "emails": []}
    run = uuid.uuid4()
    _insert_digests(day, run, plan)
    mine = {
        (recipient, kind): pk
        for pk, recipient, kind in ReminderDigest.objects.filter(run=run).values_list("pk", "recipient_id", "kind")
    }
    now = timezone.now()
    lease = now + datetime.timedelta(seconds=settings.REMINDER_EMAIL_LEASE_SECONDS)
    delivery = {"attempts": 0, "lease_until": None, "error": "", "delivered_at": None, "updated_at": now}
    items, deliveries = [], []
    for digest in plan:
        pk = mine.get((digest.recipient_id, digest.kind))
        if pk is None:
            continue  # another run has just sent this person this kind
        for item in digest.items:
            evaluation = item.content["record"] == "evaluation"
            items.append(
                {
                    "digest_id": pk,
                    "department_id": item.department_id,
                    "period_id": item.period_id,
                    "sheet_id": item.sheet_id,
                    "evaluation_id": item.record_id if evaluation else None,
                    "monitoring_report_id": None if evaluation else item.record_id,
                }
            )
        deliveries.append(
            {**delivery, "digest_id": pk, "channel": Channel.IN_APP, "status": Status.SENT, "delivered_at": now}
        )
        if digest.email:
            # Claimed for a lease from the start, so a second run an hour later does not queue it again.
            deliveries.append(
                {**delivery, "digest_id": pk, "channel": Channel.EMAIL, "status": Status.PENDING, "lease_until": lease}
            )
        else:
            skipped = {"status": Status.SKIPPED, "error": _("用户没有填写电子邮箱")}
            deliveries.append({**delivery, "digest_id": pk, "channel": Channel.EMAIL, **skipped})
    copy_insert(ReminderItem, items)
    copy_insert(ReminderDelivery, deliveries)
    emails = ReminderDelivery.objects.filter(digest__run=run, channel=Channel.EMAIL, status=Status.PENDING)
    return {"digests": len(mine), "emails": list(emails.order_by("pk").values_list("pk", flat=True))}


def reminders_run(*, day: datetime.date | None = None) -> dict:
    """The daily job: create the day's digests, then queue their e-mails and those of the last few
    days whose task was lost or whose sender died (after the transaction commits)."""
    day = day or today()
    created = reminder_digests_create(day=day)
    since = day - datetime.timedelta(days=RECOVER_DAYS)
    queued = sorted(set(created["emails"]) | set(email_deliveries_to_recover(timezone.now(), since=since)))
    if queued:
        transaction.on_commit(lambda: email_deliveries_queue(queued))
    return {"day": day.isoformat(), "digests": created["digests"], "emails_queued": len(queued)}


def email_deliveries_queue(delivery_ids) -> None:
    from .tasks import send_reminder_email

    for delivery_id in delivery_ids:
        send_reminder_email.delay(delivery_id)


# E-mail delivery ---------------------------------------------------------------------------------


def _backoff(attempts: int) -> int:
    return min(BACKOFF_SECONDS * 2 ** max(attempts - 1, 0), BACKOFF_MAX_SECONDS)


def failure_reason(exc: Exception) -> str:
    """What went wrong, in words an administrator can act on."""
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return _("邮件服务器拒绝登录，请检查 EMAIL_HOST_USER 和 EMAIL_HOST_PASSWORD")
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return _("邮件服务器拒收收件地址：%(to)s") % {"to": "、".join(exc.recipients)}
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return _("邮件服务器拒绝发件地址：%(sender)s") % {"sender": exc.sender}
    if isinstance(exc, smtplib.SMTPResponseException):
        message = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        return _("邮件服务器返回错误 %(code)s：%(message)s") % {"code": exc.smtp_code, "message": message[:300]}
    if isinstance(exc, socket.timeout | TimeoutError):
        return _("连接邮件服务器超时")
    if isinstance(exc, ConnectionError | socket.gaierror):
        return _("无法连接邮件服务器 %(host)s:%(port)s") % {"host": settings.EMAIL_HOST, "port": settings.EMAIL_PORT}
    return _("发送失败：%(error)s") % {"error": (str(exc) or type(exc).__name__)[:300]}


def _claim(delivery_id: int):
    """Lock the delivery and take it for one attempt, or say why not."""
    with transaction.atomic():
        delivery = (
            ReminderDelivery.objects.select_for_update(of=("self",))
            .select_related("digest__recipient")
            .filter(pk=delivery_id, channel=Channel.EMAIL)
            .first()
        )
        if delivery is None or delivery.status in (Status.SENT, Status.FAILED, Status.SKIPPED):
            return delivery, None
        now = timezone.now()
        if delivery.status == Status.SENDING and delivery.lease_until and delivery.lease_until > now:
            raise DeliveryDeferred(_("另一进程正在发送"), (delivery.lease_until - now).total_seconds() + 1)
        recipient = delivery.digest.recipient
        if not recipient.email or not recipient.is_active:
            delivery.status, delivery.error = Status.SKIPPED, _("用户没有填写电子邮箱或已停用")
            delivery.lease_until = None
            delivery.save(update_fields=["status", "error", "lease_until", "updated_at"])
            return delivery, None
        delivery.status, delivery.attempts = Status.SENDING, delivery.attempts + 1
        delivery.lease_until = now + datetime.timedelta(seconds=settings.REMINDER_EMAIL_LEASE_SECONDS)
        delivery.save(update_fields=["status", "attempts", "lease_until", "updated_at"])
        return delivery, digest_email(delivery.digest, recipient)


def reminder_email_deliver(*, delivery_id: int) -> str:
    """Send one reminder e-mail. Safe to call any number of times: a sent, failed or skipped e-mail
    is left alone, and one another worker is sending is deferred until that worker's claim runs out.
    A failed try is deferred with a growing pause; the last allowed try marks it failed with the reason.
    Returns the delivery's status."""
    delivery, message = _claim(delivery_id)
    if message is None:
        return delivery.status if delivery else "missing"
    mine = ReminderDelivery.objects.filter(pk=delivery.pk, status=Status.SENDING, attempts=delivery.attempts)
    try:
        message.send()
    except Exception as exc:
        reason = failure_reason(exc)
        if delivery.attempts >= settings.REMINDER_EMAIL_MAX_ATTEMPTS:
            mine.update(status=Status.FAILED, error=reason, lease_until=None, updated_at=timezone.now())
            return Status.FAILED
        pause = _backoff(delivery.attempts)
        next_turn = timezone.now() + datetime.timedelta(seconds=pause)
        mine.update(status=Status.PENDING, error=reason, lease_until=next_turn, updated_at=timezone.now())
        raise DeliveryDeferred(reason, pause) from exc
    now = timezone.now()
    mine.update(status=Status.SENT, error="", lease_until=None, delivered_at=now, updated_at=now)
    return Status.SENT


@transaction.atomic
def reminder_delivery_retry(*, delivery: ReminderDelivery, actor) -> ReminderDelivery:
    """An administrator sends a failed e-mail again (after fixing the mail settings, say)."""
    if not getattr(actor, "is_superuser", False):
        raise PermissionDenied(_("只有系统管理员可以重新发送提醒邮件。"))
    delivery = ReminderDelivery.objects.select_for_update().get(pk=delivery.pk)
    if delivery.channel != Channel.EMAIL or delivery.status != Status.FAILED:
        raise ValidationError(_("只有发送失败的邮件可以重新发送。"))
    delivery.status, delivery.attempts, delivery.lease_until = Status.PENDING, 0, None
    delivery.save(update_fields=["status", "attempts", "lease_until", "updated_at"])
    audit_record(actor=actor, action="reminder_delivery.retry", subject=delivery, changes={"error": delivery.error})
    transaction.on_commit(lambda: email_deliveries_queue([delivery.pk]))
    return delivery


# Rules, mutes, reading ---------------------------------------------------------------------------


@transaction.atomic
def reminder_rule_set(*, period_kind: str, actor, **data) -> ReminderRule:
    """Create or change the rule of a period kind (system administrators only)."""
    if not getattr(actor, "is_superuser", False):
        raise PermissionDenied(_("只有系统管理员可以修改提醒规则。"))
    unknown = set(data) - set(RULE_FIELDS)
    if unknown:
        raise ValidationError(_("不可修改的字段：%(f)s") % {"f": "、".join(sorted(unknown))})
    if period_kind not in ReportingPeriod.Kind.values:
        raise ValidationError(_("未知的填报期类型。"))
    rule = ReminderRule.objects.select_for_update().filter(period_kind=period_kind).first()
    created = rule is None
    rule = rule or ReminderRule(period_kind=period_kind)
    for name, value in data.items():
        setattr(rule, name, value)
    rule.full_clean(exclude=["period_kind"] if not created else None)
    changes = (
        {} if created else diff_fields(ReminderRule.objects.get(pk=rule.pk), {f: getattr(rule, f) for f in RULE_FIELDS})
    )
    if not created and not changes:
        return rule
    stamp(rule, actor=actor, reason=_("修改提醒规则"))
    rule.save()
    audit_record(actor=actor, action="reminder_rule.update", subject=rule, changes=changes)
    return rule


@transaction.atomic
def reminder_mutes_set(*, user, kinds, actor) -> set[str]:
    """The kinds `user` no longer wants (the rest are wanted). Escalations, and kinds every rule
    makes mandatory, cannot be muted."""
    if actor != user and not getattr(actor, "is_superuser", False):
        raise PermissionDenied(_("只能修改自己的提醒设置。"))
    kinds = set(kinds)
    if ReminderKind.ESCALATION in kinds:
        raise ValidationError(_("逾期督办不能屏蔽。"))
    unknown = kinds - set(MUTABLE_KINDS)
    if unknown:
        raise ValidationError(_("未知的提醒类型。"))
    locked = kinds & mandatory_everywhere(rules_by_kind())
    if locked:
        names = "、".join(str(ReminderKind(kind).label) for kind in sorted(locked))
        raise ValidationError(_("%(kinds)s按规定必须接收，不能屏蔽。") % {"kinds": names})
    before = set(ReminderMute.objects.select_for_update().filter(user=user).values_list("kind", flat=True))
    if before == kinds:
        return kinds
    ReminderMute.objects.filter(user=user).exclude(kind__in=kinds).delete()
    ReminderMute.objects.bulk_create([ReminderMute(user=user, kind=kind) for kind in sorted(kinds - before)])
    labels = "、".join(str(ReminderKind(kind).label) for kind in sorted(kinds)) or _("无")
    audit_record(actor=actor, action="reminder_mutes.set", subject=user, changes={"muted": labels})
    return kinds


def notification_mark_read(*, digest_id: int, actor) -> bool:
    """Mark one of the actor's own notifications read; False if it is not theirs or already read."""
    return bool(
        ReminderDigest.objects.filter(pk=digest_id, recipient=actor, read_at__isnull=True).update(
            read_at=timezone.now()
        )
    )


def notifications_mark_all_read(*, actor) -> int:
    return ReminderDigest.objects.filter(recipient=actor, read_at__isnull=True).update(read_at=timezone.now())
