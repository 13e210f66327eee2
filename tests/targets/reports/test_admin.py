"""The report archive in the admin: scoped lists, building on demand, nothing editable."""

import pytest
from django.urls import reverse

from targets.assessment.services import evaluation_start
from targets.reports.models import ReportBuild
from targets.reports.services import report_build_run, report_builds_request
from tests.factories import MembershipFactory, UserFactory


@pytest.fixture
def build(sheet, period, staff, department):
    evaluation_start(sheet=sheet, period=period, actor=staff)
    (queued,) = report_builds_request(kind="project", department=department, year=2021, actor=staff, queue=False)
    return report_build_run(build_id=queued.pk)


def test_members_see_their_builds_and_can_ask_for_one(
    admin_client, client, build, staff, supervisor, department, django_capture_on_commit_callbacks
):
    changelist = reverse("admin:targets_reportbuild_changelist")
    for user in (staff, supervisor):
        client.force_login(user)
        body = client.get(changelist).content.decode()
        assert build.title in body and reverse("reports:download", args=[build.files.first().pk]) in body
        assert client.get(reverse("admin:targets_reportbuild_change", args=[build.pk])).status_code == 200
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(
            reverse("admin:targets_reportbuild_add"),
            {"kind": "department", "department": department.code, "year": 2021},
        )
    created = ReportBuild.objects.exclude(pk=build.pk).get()
    assert response.status_code == 302 and created.kind == "department" and len(queued) == 1
    assert client.post(reverse("admin:targets_reportbuild_delete", args=[build.pk])).status_code == 403


def test_other_departments_builds_are_not_listed(client, build, other_department):
    other = UserFactory(username="other-staff", is_staff=True)
    MembershipFactory(user=other, department=other_department)
    client.force_login(other)
    assert build.title not in client.get(reverse("admin:targets_reportbuild_changelist")).content.decode()
    response = client.get(reverse("admin:targets_reportbuild_change", args=[build.pk]))
    assert response.status_code in (302, 404)
    form = client.get(reverse("admin:targets_reportbuild_add")).content.decode()
    assert "CITY-IT" not in form
