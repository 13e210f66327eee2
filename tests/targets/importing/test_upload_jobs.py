"""Uploads when the worker side fails: a broker that is down, a job that never finishes. The web keeps
working, the job says what happened, and it can be retried from its page."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from config.celery import app as celery_app
from targets import tasks
from targets.importing.jobs import disclosure_uploads_time_out
from targets.models import DisclosureImport, Indicator
from tests import documents

SEED = Path(__file__).resolve().parents[3] / "fixtures" / "disclosures" / "001_05098ce218c044b4.txt"
Status = DisclosureImport.Status
UPLOAD_TASKS = (tasks.preview_disclosure_upload, tasks.run_disclosure_upload)


def upload(client, department, content=None, name="公开文件.txt"):
    data = {"file": SimpleUploadedFile(name, content or SEED.read_bytes()), "department": department.pk, "year": ""}
    return client.post(reverse("admin:targets_disclosureimport_add"), data)


def page(client, job) -> str:
    return client.get(reverse("admin:targets_disclosureimport_change", args=[job.pk])).content.decode()


@pytest.fixture
def queued(monkeypatch):
    """The broker works: a queued task runs here, in this process, and is recorded."""
    names = []

    def working(task):
        return lambda *args: names.append(task.name) or task.apply(args=args)

    for task in UPLOAD_TASKS:
        monkeypatch.setattr(task, "delay", working(task))
    return names


@pytest.fixture
def broker_down(monkeypatch):
    def down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 10.0.0.9:6379. Connection refused.")

    for task in UPLOAD_TASKS:
        monkeypatch.setattr(task, "delay", down)


@pytest.fixture
def real_dead_broker(monkeypatch):
    """Queueing for real, through kombu and the configured publish retry policy, to a port where no
    broker listens (the app's own connection pool is left alone)."""

    def publish(task):
        def delay(*args):
            with celery_app.connection_for_write(url="redis://127.0.0.1:9/0") as connection:
                return task.apply_async(args=args, connection=connection)

        return delay

    for task in UPLOAD_TASKS:
        monkeypatch.setattr(task, "delay", publish(task))


@pytest.mark.parametrize(
    ("name", "content", "background"),
    [
        ("公开.txt", SEED.read_bytes(), False),
        ("公开.docx", documents.docx(), True),
        ("公开.xlsx", documents.xlsx(), True),
        ("公开.pdf", documents.pdf(), True),
        ("公开.html", documents.html(), True),
    ],
)
def test_only_small_plain_text_is_read_in_the_request(
    client, staff, department, queued, django_capture_on_commit_callbacks, name, content, background
):
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        assert upload(client, department, content=content, name=name).status_code == 302
    assert queued == (["targets.preview_disclosure_upload"] if background else [])


def test_large_text_is_read_by_the_worker(
    client, staff, department, queued, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_SYNC_MAX_BYTES = 1024
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, department)
    assert queued == ["targets.preview_disclosure_upload"]


def test_a_docx_bomb_is_refused_at_the_door(client, staff, department, django_capture_on_commit_callbacks):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"<w:p/>" * (20 * 1024 * 1024))
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, department, content=buffer.getvalue(), name="炸弹.docx")
    assert response.status_code == 200
    assert "炸弹.docx" in response.content.decode() and "压缩炸弹" in response.content.decode()
    assert not DisclosureImport.objects.exists()


def test_a_broker_that_is_down_leaves_a_visible_retryable_job(
    client, staff, department, broker_down, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, department, content=documents.docx(), name="公开.docx")
    assert response.status_code == 302
    job = DisclosureImport.objects.get()
    assert job.status == Status.QUEUE_FAILED
    content = page(client, job)
    assert "未能加入后台队列" in content and 'value="重新处理"' in content
    assert 'http-equiv="refresh"' not in content
    assert "10.0.0.9" not in content
    progress = client.get(reverse("admin:targets_disclosureimport_progress", args=[job.pk])).json()
    assert progress["finished"] is True and progress["status"] == "queue_failed"


def test_the_real_broker_down_is_recorded_quickly(
    client, staff, department, real_dead_broker, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, department, content=documents.docx(), name="公开.docx")
    assert response.status_code == 302
    assert DisclosureImport.objects.get().status == Status.QUEUE_FAILED


def test_retrying_once_the_broker_is_back_runs_the_job(
    client, staff, department, broker_down, monkeypatch, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_SYNC_MAX_BYTES = 100
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, department)
    job = DisclosureImport.objects.get()
    assert job.status == Status.QUEUE_FAILED
    for task in UPLOAD_TASKS:
        monkeypatch.setattr(task, "delay", lambda *args, task=task: task.apply(args=args))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:targets_disclosureimport_retry", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == Status.PREVIEWED
    for task in UPLOAD_TASKS:
        monkeypatch.setattr(task, "delay", lambda *args: (_ for _ in ()).throw(OperationalError("down")))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:targets_disclosureimport_confirm", args=[job.pk]), {"department_confirmed": "1"})
    job.refresh_from_db()
    assert job.status == Status.QUEUE_FAILED and not Indicator.objects.exists()
    for task in UPLOAD_TASKS:
        monkeypatch.setattr(task, "delay", lambda *args, task=task: task.apply(args=args))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:targets_disclosureimport_retry", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == Status.DONE
    assert Indicator.objects.filter(sheet__department=department).count() == 15


def stuck_job(department, staff, status=Status.QUEUED, minutes=120):
    job = DisclosureImport(original_name="卡住.docx", department=department, created_by=staff, status=status)
    job.file.save("stuck.docx", SimpleUploadedFile("stuck.docx", documents.docx()), save=False)
    job.save()
    past = timezone.now() - datetime.timedelta(minutes=minutes)
    DisclosureImport.objects.filter(pk=job.pk).update(created_at=past, last_activity_at=past)
    job.refresh_from_db()
    return job


def test_a_stuck_job_stops_refreshing_and_offers_a_retry(client, staff, department):
    job = stuck_job(department, staff)
    client.force_login(staff)
    content = page(client, job)
    assert "处理超时" in content and 'value="重新处理"' in content
    assert 'http-equiv="refresh"' not in content
    fresh = stuck_job(department, staff, minutes=1)
    assert 'http-equiv="refresh"' in page(client, fresh)


@pytest.mark.parametrize("status", [Status.UPLOADED, Status.QUEUED, Status.RUNNING])
def test_the_sweeper_times_out_stuck_jobs_only(staff, department, status, capsys):
    stuck = stuck_job(department, staff, status=status)
    recent = stuck_job(department, staff, status=status, minutes=settings.IMPORT_JOB_TIMEOUT_MINUTES - 5)
    done = stuck_job(department, staff, status=Status.DONE)
    call_command("time_out_stuck_uploads")
    assert "1 个上传处理超时" in capsys.readouterr().out
    states = dict(DisclosureImport.objects.values_list("pk", "status"))
    assert states == {stuck.pk: Status.TIMED_OUT, recent.pk: status, done.pk: Status.DONE}
    assert disclosure_uploads_time_out() == 0
    assert "处理超时" in DisclosureImport.objects.get(pk=stuck.pk).message


def test_the_sweeper_is_scheduled_and_its_task_is_registered(db):
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.select_related("interval").get(task="targets.time_out_stuck_uploads")
    assert (task.enabled, task.interval.every, task.interval.period) == (True, 5, "minutes")
    assert "targets.time_out_stuck_uploads" in celery_app.tasks


def test_a_timed_out_import_is_retried(client, staff, department, queued, django_capture_on_commit_callbacks):
    job = stuck_job(department, staff, status=Status.UPLOADED)
    disclosure_uploads_time_out()
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:targets_disclosureimport_retry", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == Status.PREVIEWED and queued == ["targets.preview_disclosure_upload"]


def test_a_job_that_is_fine_cannot_be_retried(client, staff, department):
    job = stuck_job(department, staff, status=Status.DONE)
    client.force_login(staff)
    response = client.post(reverse("admin:targets_disclosureimport_retry", args=[job.pk]), follow=True)
    assert "只有未能加入后台队列或处理超时的文件可以重新处理" in response.content.decode()
    job.refresh_from_db()
    assert job.status == Status.DONE


def test_a_supervisor_cannot_retry(client, supervisor, staff, department):
    job = stuck_job(department, staff, status=Status.QUEUED)
    disclosure_uploads_time_out()
    client.force_login(supervisor)
    assert 'value="重新处理"' not in page(client, job)
    assert client.post(reverse("admin:targets_disclosureimport_retry", args=[job.pk])).status_code == 403
