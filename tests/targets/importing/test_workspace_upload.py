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


def _paste(client, staff, department, text, django_capture_on_commit_callbacks):
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("importing:new"), {"text": text, "department": department.pk})
    return DisclosureImport.objects.latest("pk")


@pytest.mark.parametrize("ticked", [False, True])
def test_removals_are_offered_and_happen_only_when_ticked(
    client, staff, department, django_capture_on_commit_callbacks, ticked
):
    from targets.importing.services import disclosure_import
    from targets.models import Indicator

    text = SEED.read_text(encoding="utf-8")
    disclosure_import(content=text.encode(), name="first.txt", department=department, actor=staff)
    stored = Indicator.objects.count()
    first = _paste(client, staff, department, text, django_capture_on_commit_callbacks)
    url = reverse("importing:detail", args=[first.pk])
    assert "同时删除文件中没有的" not in client.get(url).content.decode()  # nothing to remove: no checkbox

    job = _paste(
        client, staff, department, text[: text.index("\t\t社会效益指标\t")], django_capture_on_commit_callbacks
    )
    url = reverse("importing:detail", args=[job.pk])
    removals = job.preview["removals"]
    assert removals > 0
    assert f"同时删除文件中没有的 {removals} 条指标" in client.get(url).content.decode()
    form = {"confirm": "1", "department_confirmed": "1", **({"allow_removals": "1"} if ticked else {})}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, form)
    job.refresh_from_db()
    assert job.status == "done" and job.allow_removals is ticked
    assert Indicator.objects.count() == (stored - removals if ticked else stored)
    assert job.result["indicators_kept"] == (0 if ticked else removals)
    kept_note = f"文件中没有的 {removals} 条已有指标已保留" in client.get(url).content.decode()
    assert kept_note is not ticked


def test_a_supervisor_sees_the_upload_but_neither_starts_nor_confirms_one(client, pasted, supervisor, department):
    client.force_login(supervisor)
    body = client.get(reverse("importing:detail", args=[pasted.pk])).content.decode()
    assert "信息化运行维护" in body and 'name="confirm"' not in body
    response = client.post(reverse("importing:detail", args=[pasted.pk]), {"confirm": "1", "department_confirmed": "1"})
    assert response.status_code == 302
    assert DisclosureImport.objects.get().status == "previewed" and not TargetSheet.objects.exists()
    assert "上传文件或粘贴网页文字" not in client.get(reverse("importing:list")).content.decode()
    assert client.get(reverse("importing:new")).status_code == 403
    refused = client.post(reverse("importing:new"), {"text": "x", "department": department.pk})
    assert refused.status_code == 403 and DisclosureImport.objects.count() == 1
