"""Celery tasks of the reminders: the daily job (beat runs it; `send_due_reminders` is its command
twin) and one e-mail delivery. Both are idempotent and acks_late, with bounded retries."""

import datetime

from celery import shared_task

from .services import DeliveryDeferred, reminder_email_deliver, reminders_run


@shared_task(
    name="targets.send_due_reminders",
    acks_late=True,
    autoretry_for=(Exception,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=3,
)
def send_due_reminders(day: str | None = None) -> dict:
    """Daily: today's digests (at most one per person and kind) and their e-mails queued."""
    return reminders_run(day=datetime.date.fromisoformat(day) if day else None)


@shared_task(bind=True, name="targets.send_reminder_email", acks_late=True, max_retries=12)
def send_reminder_email(self, delivery_id: int) -> str:
    """Send one reminder e-mail; a failed try comes back after a growing pause (the service counts
    the tries and marks the e-mail failed after the last one)."""
    try:
        return reminder_email_deliver(delivery_id=delivery_id)
    except DeliveryDeferred as deferred:
        raise self.retry(exc=deferred, countdown=deferred.countdown) from None
