"""Staff import a disclosure in the workspace: a file or text pasted from a web page, a preview, a
warning (and a confirmation to give) when the document names another unit, then the import."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from targets.models import DisclosureImport, TargetSheet

SEED = Path(__file__).resolve().parents[3] / "fixtures" / "disclosures" / "000_890aa3d5553b712d.txt"


@pytest.fixture
def pasted(client, staff, department, django_capture_on_commit_callbacks):
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("importing:new"), {"text": SEED.read_text(encoding="utf-8"), "department": department.pk}
        )
    job = DisclosureImport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("importing:detail", args=[job.pk])
    return job


def test_pasted_text_is_previewed_with_a_warning_about_the_unit(client, pasted):
    body = client.get(reverse("importing:detail", args=[pasted.pk])).content.decode()
    assert pasted.original_name == "粘贴的文本.txt" and pasted.status == "previewed"
    assert "信息化运行维护" in body and "指标" in body
    assert "文件中的单位是“国务院办公厅”" in body and "我确认把这份文件导入“市信息中心”" in body


def test_the_other_unit_must_be_confirmed(client, pasted, django_capture_on_commit_callbacks):
    url = reverse("importing:detail", args=[pasted.pk])
    response = client.post(url, {"confirm": "1"}, follow=True)
    assert "不一致" in response.content.decode()
    assert DisclosureImport.objects.get().status == "previewed" and not TargetSheet.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"confirm": "1", "department_confirmed": "1"})
    assert DisclosureImport.objects.get().status == "done"
    assert TargetSheet.objects.filter(department=pasted.department).exists()


def test_a_file_and_text_together_or_neither_are_refused(client, staff, department):
    client.force_login(staff)
    response = client.post(reverse("importing:new"), {"department": department.pk})
    assert "请选择文件，或粘贴网页上的文字" in response.content.decode()
    both = {"department": department.pk, "text": "x", "file": SimpleUploadedFile("a.txt", b"x")}
    assert "不要同时提供" in client.post(reverse("importing:new"), both).content.decode()
    assert not DisclosureImport.objects.exists()


def test_another_departments_upload_is_not_found(client, pasted, other_department):
    from tests.factories import MembershipFactory, UserFactory

    other = UserFactory(username="other-staff")
    MembershipFactory(user=other, department=other_department)
    client.force_login(other)
    assert client.get(reverse("importing:detail", args=[pasted.pk])).status_code == 404
    assert client.post(reverse("importing:new"), {"text": "x", "department": pasted.department.pk}).status_code == 200
    assert DisclosureImport.objects.count() == 1
