"""Report services on a small sheet: requests are checked, a build without a CJK font fails with a
message saying what to install, and the build stores immutable content-addressed files."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from targets.assessment.services import evaluation_start
from targets.reports import pdf
from targets.reports.models import ReportBuild, ReportFile
from targets.reports.services import department_supervisors, report_build_run, report_builds_request


@pytest.fixture
def evaluation(sheet, period, staff):
    return evaluation_start(sheet=sheet, period=period, actor=staff)


def test_only_members_may_ask_and_the_target_must_fit(evaluation, staff, outsider, other_department, department):
    with pytest.raises(PermissionDenied):
        report_builds_request(kind="department", department=department, year=2021, actor=outsider)
    with pytest.raises(ValidationError):
        report_builds_request(kind="project", department=other_department, year=2021, actor=None, evaluation=evaluation)
    with pytest.raises(ValidationError):
        report_builds_request(kind="monitoring", department=department, year=2021, actor=staff)  # no round
    (build,) = report_builds_request(kind="project", department=department, year=2021, actor=staff, queue=False)
    assert build.evaluation == evaluation and build.status == ReportBuild.Status.QUEUED


def test_a_missing_cjk_font_fails_the_build_with_a_chinese_message(evaluation, department, staff, monkeypatch):
    monkeypatch.setattr(pdf, "cjk_font_available", lambda family: False)
    (build,) = report_builds_request(kind="project", department=department, year=2021, actor=staff, queue=False)
    build = report_build_run(build_id=build.pk)
    assert build.status == ReportBuild.Status.FAILED and "fonts-noto-cjk" in build.message
    assert not build.files.exists()


def test_built_files_are_immutable_and_shared_by_content(evaluation, department, staff):
    builds = [
        report_build_run(build_id=b.pk)
        for b in report_builds_request(kind="project", department=department, year=2021, actor=staff, queue=False)
        + report_builds_request(kind="project", department=department, year=2021, actor=staff, queue=False)
    ]
    first, second = (b.files.get(format="pdf") for b in builds)
    assert first.sha256 == second.sha256 and first.file.name == second.file.name
    first.name = "changed.pdf"
    with pytest.raises(ValueError, match="immutable"):
        first.save()
    assert ReportFile.objects.get(pk=first.pk).name != "changed.pdf"
    assert report_build_run(build_id=builds[0].pk).files.count() == 2  # running again changes nothing


def test_supervisors_of_the_department_and_above(department, parent_department, supervisor, staff):
    assert department_supervisors(department) == [supervisor]
    assert department_supervisors(parent_department) == [supervisor]
