from celery import shared_task

from .services import reporting_periods_run


@shared_task(
    name="targets.open_reporting_periods",
    acks_late=True,
    autoretry_for=(Exception,),
    retry_backoff=True,
    max_retries=3,
)
def open_reporting_periods() -> int:
    """Daily: default periods exist and open ones have their records (idempotent)."""
    return sum(row["created"] for row in reporting_periods_run())
