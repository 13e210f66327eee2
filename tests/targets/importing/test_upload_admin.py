"""Uploading a disclosure in the admin: preview first, then confirm; large files go through Celery."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from targets.importing.jobs import disclosure_upload_preview_run, disclosure_upload_run
from targets.models import DisclosureImport, Indicator
from tests.factories import UserFactory

SEED = Path(__file__).resolve().parents[3] / "fixtures" / "disclosures" / "001_05098ce218c044b4.txt"
Status = DisclosureImport.Status


def upload(client, department, content=None, name="公开文件.txt"):
    data = {"file": SimpleUploadedFile(name, content or SEED.read_bytes()), "department": department.pk, "year": ""}
    return client.post(reverse("admin:targets_disclosureimport_add"), data)


def test_staff_previews_then_confirms(client, staff, department, django_capture_on_commit_callbacks):
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, department)
    job = DisclosureImport.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{job.pk}/change/")
    assert job.status == Status.PREVIEWED
    assert not Indicator.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert "确认导入" in page and "新增" in page and "全媒体政务互动交流平台运行费" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:targets_disclosureimport_confirm", args=[job.pk]), {"department_confirmed": "1"})
    job.refresh_from_db()
    assert job.status == Status.DONE and job.progress == 100
    assert Indicator.objects.filter(sheet__department=department).count() == 15
    assert job.source_document is not None and job.result["indicators_created"] == 15
    progress = client.get(reverse("admin:targets_disclosureimport_progress", args=[job.pk])).json()
    assert progress["status"] == "done" and progress["progress"] == 100


def test_large_files_go_through_celery(
    client, staff, department, settings, monkeypatch, django_capture_on_commit_callbacks
):
    from targets import tasks

    settings.IMPORT_SYNC_MAX_BYTES = 100
    queued = []
    for task in (tasks.preview_disclosure_upload, tasks.run_disclosure_upload):
        # Run the real task body in this process, recording that it was queued rather than run inline.
        monkeypatch.setattr(task, "delay", lambda *args, task=task: queued.append(task.name) or task.apply(args=args))
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, department)
    job = DisclosureImport.objects.get()
    assert job.status == Status.PREVIEWED
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:targets_disclosureimport_confirm", args=[job.pk]), {"department_confirmed": "1"})
    job.refresh_from_db()
    assert job.status == Status.DONE
    assert queued == ["targets.preview_disclosure_upload", "targets.run_disclosure_upload"]


def test_running_twice_changes_nothing(staff, department, django_capture_on_commit_callbacks):
    from targets.importing.jobs import disclosure_upload_confirm, disclosure_upload_create

    with django_capture_on_commit_callbacks(execute=True):
        job = disclosure_upload_create(
            uploaded_file=SimpleUploadedFile("a.txt", SEED.read_bytes()), department=department, year=None, actor=staff
        )
    disclosure_upload_preview_run(job_id=job.pk)  # second preview: no-op
    with django_capture_on_commit_callbacks(execute=True):
        disclosure_upload_confirm(job=job, actor=staff, department_confirmed=True)
    again = disclosure_upload_run(job_id=job.pk, actor_id=staff.pk)
    assert again.status == Status.DONE
    assert Indicator.objects.count() == 15


def test_broken_file_is_refused_at_upload_with_its_name(client, staff, department, django_capture_on_commit_callbacks):
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, department, content=b"\x00\x01binary", name="坏文件.txt")
    assert response.status_code == 200
    assert "坏文件.txt" in response.content.decode() and "无法识别" in response.content.decode()
    assert not DisclosureImport.objects.exists()


def test_staff_cannot_upload_for_another_department(client, staff, other_department):
    client.force_login(staff)
    response = upload(client, other_department)
    assert response.status_code == 200
    assert not DisclosureImport.objects.exists()


def test_outsider_is_refused(client, outsider):
    client.force_login(outsider)
    assert client.get(reverse("admin:targets_disclosureimport_add")).status_code == 403


def test_supervisor_sees_but_cannot_confirm(client, supervisor, staff, department, django_capture_on_commit_callbacks):
    from targets.importing.jobs import disclosure_upload_create

    with django_capture_on_commit_callbacks(execute=True):
        job = disclosure_upload_create(
            uploaded_file=SimpleUploadedFile("a.txt", SEED.read_bytes()), department=department, year=None, actor=staff
        )
    client.force_login(supervisor)
    page = client.get(reverse("admin:targets_disclosureimport_change", args=[job.pk])).content.decode()
    assert "确认导入" not in page
    assert (
        client.post(
            reverse("admin:targets_disclosureimport_confirm", args=[job.pk]), {"department_confirmed": "1"}
        ).status_code
        == 403
    )


def test_other_users_cannot_see_a_job(client, staff, department, django_capture_on_commit_callbacks):
    from targets.importing.jobs import disclosure_upload_create

    with django_capture_on_commit_callbacks(execute=True):
        job = disclosure_upload_create(
            uploaded_file=SimpleUploadedFile("a.txt", SEED.read_bytes()), department=department, year=None, actor=staff
        )
    stranger = UserFactory(username="stranger", is_staff=True)
    from tests.factories import DepartmentFactory, MembershipFactory

    MembershipFactory(user=stranger, department=DepartmentFactory(code="ELSE"))
    client.force_login(stranger)
    assert client.get(reverse("admin:targets_disclosureimport_change", args=[job.pk])).status_code == 404


@pytest.mark.parametrize("name", ["progress", "confirm"])
def test_unknown_job_is_404(client, superuser, name, db):
    client.force_login(superuser)
    url = reverse(f"admin:targets_disclosureimport_{name}", args=[999])
    response = client.post(url) if name == "confirm" else client.get(url)
    assert response.status_code == 404


def test_the_admin_offers_removals_and_applies_them_when_ticked(
    client, staff, department, django_capture_on_commit_callbacks
):
    from targets.importing.services import disclosure_import

    text = SEED.read_text(encoding="utf-8")
    disclosure_import(content=text.encode(), name="first.txt", department=department, actor=staff)
    last = Indicator.objects.order_by("-sheet_id", "-order").first().name
    cut = text[: text.index(next(line for line in text.splitlines() if last in line))].encode()  # the tail is gone
    stored = Indicator.objects.count()
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, department, content=cut)
    job = DisclosureImport.objects.get()
    removals = job.preview["removals"]
    assert removals >= 1
    page = client.get(reverse("admin:targets_disclosureimport_change", args=[job.pk])).content.decode()
    assert f"同时删除文件中没有的 {removals} 条指标" in page and "文件中没有" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:targets_disclosureimport_confirm", args=[job.pk]),
            {"department_confirmed": "1", "allow_removals": "1"},
        )
    job.refresh_from_db()
    assert job.status == Status.DONE and job.result["indicators_deleted"] == removals
    assert Indicator.objects.count() == stored - removals and not Indicator.objects.filter(name=last).exists()
