"""Uploaded files reach people only through views that check them, only as downloads, never as a page."""

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from targets.models import DisclosureImport
from tests.factories import SourceDocumentFactory

HOSTILE = b"<html><script>alert(document.cookie)</script></html>"


@pytest.fixture
def document(department):
    return SourceDocumentFactory(
        department=department, original_name="部门预算公开.html", file=ContentFile(HOSTILE, name="x.html")
    )


@pytest.fixture
def upload(department, staff):
    job = DisclosureImport(original_name="上传的公开文件.txt", department=department, created_by=staff)
    job.file.save("upload.txt", ContentFile("部门预算".encode()), save=False)
    job.save()
    return job


def document_url(document):
    return reverse("budgets:source_document_file", args=[document.pk])


def test_a_member_downloads_as_an_attachment_that_cannot_run(client, staff, document):
    client.force_login(staff)
    response = client.get(document_url(document))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''%E9%83%A8" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == HOSTILE


def test_text_is_sent_as_plain_text(client, staff, upload):
    client.force_login(staff)
    response = client.get(reverse("importing:upload_file", args=[upload.pk]))
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")


@pytest.mark.parametrize(("who", "status"), [("supervisor", 200), ("other_staff", 404), ("outsider", 403)])
def test_only_those_who_see_the_department_download(client, document, upload, who, status, request):
    if who == "other_staff":
        from tests.factories import MembershipFactory, UserFactory

        user = UserFactory(username="other-staff")
        MembershipFactory(user=user, department=request.getfixturevalue("other_department"))
    else:
        user = request.getfixturevalue(who)
    client.force_login(user)
    assert client.get(document_url(document)).status_code == status
    upload_status = 404 if status == 403 else status
    assert client.get(reverse("importing:upload_file", args=[upload.pk])).status_code == upload_status


def test_anonymous_visitors_are_sent_to_sign_in(client, document, upload):
    for url in (document_url(document), reverse("importing:upload_file", args=[upload.pk])):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_missing_file_is_a_404(client, staff, document):
    document.file.storage.delete(document.file.name)
    client.force_login(staff)
    assert client.get(document_url(document)).status_code == 404


def test_media_is_never_served(client, superuser, document):
    client.force_login(superuser)
    assert client.get(f"/{settings.MEDIA_URL}{document.file.name}").status_code == 404


def test_the_admin_links_to_the_checked_download(client, staff, document):
    client.force_login(staff)
    page = client.get(reverse("admin:budgets_sourcedocument_change", args=[document.pk])).content.decode()
    assert document_url(document) in page
    assert settings.MEDIA_URL + "disclosures" not in page


def test_the_upload_page_links_to_the_checked_download(client, staff, department, django_capture_on_commit_callbacks):
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:targets_disclosureimport_add"),
            {"file": SimpleUploadedFile("公开.txt", "部门预算".encode()), "department": department.pk, "year": ""},
        )
    job = DisclosureImport.objects.get()
    page = client.get(reverse("admin:targets_disclosureimport_change", args=[job.pk])).content.decode()
    assert reverse("importing:upload_file", args=[job.pk]) in page
    assert settings.MEDIA_URL + "uploads" not in page
