"""Celery tasks of the reports: each takes ids and calls one service; both are idempotent."""

from celery import shared_task

from .services import report_build_run, reports_build_due


@shared_task(name="targets.build_report", acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def build_report(build_id: int) -> str:
    return report_build_run(build_id=build_id).status


@shared_task(
    name="targets.build_due_reports", acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=3
)
def build_due_reports() -> int:
    """Daily (beat): schedule and queue the reports whose deadline has passed (each once)."""
    return len(reports_build_due())
