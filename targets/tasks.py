from celery import shared_task

from .assessment.rescoring import evaluations_rescore_year
from .importing.jobs import disclosure_upload_preview_run, disclosure_upload_run, disclosure_uploads_time_out


# The job row holds the state and the message; no result is stored, so queueing one touches only the broker.
@shared_task(name="targets.preview_disclosure_upload", ignore_result=True)
def preview_disclosure_upload(job_id: int) -> str:
    return disclosure_upload_preview_run(job_id=job_id).status


@shared_task(name="targets.run_disclosure_upload", ignore_result=True)
def run_disclosure_upload(job_id: int, actor_id: int | None = None) -> str:
    return disclosure_upload_run(job_id=job_id, actor_id=actor_id).status


@shared_task(name="targets.time_out_stuck_uploads", ignore_result=True, acks_late=True, max_retries=0)
def time_out_stuck_uploads() -> int:
    """Every few minutes (a periodic task of django-celery-beat); twin: `manage.py time_out_stuck_uploads`."""
    return disclosure_uploads_time_out()


@shared_task(bind=True, name="targets.score_year")
def score_year(self, year: int) -> dict:
    """Rescore a year; rerunning gives the same scores. Progress goes to the result backend."""

    def progress(done: int, total: int) -> None:
        self.update_state(state="PROGRESS", meta={"done": done, "total": total})

    return evaluations_rescore_year(year=year, progress=progress)


# Celery discovers targets.tasks only: the capability subpackages' tasks are registered from here.
from .periods.tasks import open_reporting_periods  # noqa: E402, F401
from .reminders.tasks import send_due_reminders, send_reminder_email  # noqa: E402, F401
from .reports.tasks import build_due_reports, build_report  # noqa: E402, F401
