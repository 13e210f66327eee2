import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError

from budgets.models import AuditEntry
from targets.indicator_fields import indicator_fields
from targets.models import Indicator, TargetSheet
from targets.sheets.services import (
    target_sheet_approve,
    target_sheet_create,
    target_sheet_return,
    target_sheet_revise,
    target_sheet_submit,
)
from tests.factories import IndicatorFactory, TargetSheetFactory

Status = TargetSheet.Status


@pytest.fixture
def sheet(project):
    sheet = TargetSheetFactory(project=project)
    IndicatorFactory(sheet=sheet, name="维护服务器台数", value="≧70个")
    IndicatorFactory(sheet=sheet, name="系统可用率", level2="质量指标", value="≥99%")
    return sheet


def test_create_parses_every_indicator(project, staff):
    sheet = target_sheet_create(
        scope=TargetSheet.Scope.PROJECT,
        department=project.department,
        project=project,
        year=2021,
        period="annual",
        first_year=2021,
        last_year=2021,
        overall_goal="保障平台运转",
        indicators=[indicator_fields(level1="产出指标", level2="时效指标", name="故障响应时间", value="≤2 小时")],
        actor=staff,
    )
    indicator = sheet.indicators.get()
    assert (indicator.level1_code, indicator.level2_code, indicator.comparator, indicator.unit) == (
        "OUTPUT",
        "TIMELINESS",
        "LE",
        "小时",
    )
    assert AuditEntry.objects.filter(action="target_sheet.create", actor=staff).count() == 1


def test_create_rejects_a_sheet_whose_department_differs_from_its_project(project, other_department, staff):
    with pytest.raises(ValidationError):
        target_sheet_create(
            scope=TargetSheet.Scope.PROJECT,
            department=other_department,
            project=project,
            year=2021,
            period="annual",
            first_year=2021,
            last_year=2021,
            actor=staff,
        )
    assert not TargetSheet.objects.exists()


def test_full_review_cycle(sheet, staff, supervisor):
    target_sheet_submit(sheet=sheet, actor=staff)
    target_sheet_return(sheet=sheet, reason="指标值缺少计量单位", actor=supervisor)
    sheet.refresh_from_db()
    assert sheet.status == Status.RETURNED
    target_sheet_submit(sheet=sheet, actor=staff)
    target_sheet_approve(sheet=sheet, actor=supervisor)
    sheet.refresh_from_db()
    assert sheet.status == Status.APPROVED
    returned = AuditEntry.objects.get(action="target_sheet.return")
    assert returned.changes == {"status": ["submitted", "returned"], "reason": "指标值缺少计量单位"}


def test_staff_cannot_approve_their_own_sheet(sheet, staff):
    target_sheet_submit(sheet=sheet, actor=staff)
    with pytest.raises(PermissionDenied):
        target_sheet_approve(sheet=sheet, actor=staff)


def test_outsider_cannot_submit(sheet, outsider):
    with pytest.raises(PermissionDenied):
        target_sheet_submit(sheet=sheet, actor=outsider)
    sheet.refresh_from_db()
    assert sheet.status == Status.DRAFT


def test_return_needs_a_reason(sheet, staff, supervisor):
    target_sheet_submit(sheet=sheet, actor=staff)
    with pytest.raises(ValidationError):
        target_sheet_return(sheet=sheet, reason="  ", actor=supervisor)


def test_cannot_approve_a_draft(sheet, supervisor):
    with pytest.raises(ValidationError, match="草稿"):
        target_sheet_approve(sheet=sheet, actor=supervisor)


def test_empty_sheet_cannot_be_submitted(project, staff):
    sheet = TargetSheetFactory(project=project)
    with pytest.raises(ValidationError, match="没有绩效指标"):
        target_sheet_submit(sheet=sheet, actor=staff)


def test_revising_an_approved_sheet_makes_a_new_version(sheet, staff, supervisor):
    target_sheet_submit(sheet=sheet, actor=staff)
    target_sheet_approve(sheet=sheet, actor=supervisor)
    revision = target_sheet_revise(sheet=sheet, actor=staff)
    sheet.refresh_from_db()
    assert (sheet.status, sheet.is_current, sheet.version) == (Status.APPROVED, False, 1)
    assert (revision.status, revision.is_current, revision.version, revision.previous) == (
        Status.DRAFT,
        True,
        2,
        sheet,
    )
    assert list(revision.indicators.values_list("name", flat=True)) == ["维护服务器台数", "系统可用率"]
    assert Indicator.objects.filter(sheet=sheet).count() == 2


def test_only_approved_sheets_are_revised(sheet, staff):
    with pytest.raises(ValidationError):
        target_sheet_revise(sheet=sheet, actor=staff)


def test_one_current_sheet_per_project_and_period(sheet):
    with pytest.raises(IntegrityError):
        TargetSheetFactory(project=sheet.project, version=2)


def test_department_sheet_has_no_project(department, staff):
    with pytest.raises(ValidationError):
        target_sheet_create(
            scope=TargetSheet.Scope.DEPARTMENT,
            department=department,
            project=None,
            year=2021,
            period="annual",
            first_year=2021,
            last_year=2020,
            actor=staff,
        )
    sheet = target_sheet_create(
        scope=TargetSheet.Scope.DEPARTMENT,
        department=department,
        project=None,
        year=2021,
        period="annual",
        first_year=2021,
        last_year=2021,
        title="部门整体绩效目标表",
        actor=staff,
    )
    assert sheet.project is None


def test_quantitative_indicator_needs_a_number(sheet):
    with pytest.raises(IntegrityError):
        Indicator.objects.create(sheet=sheet, order=99, name="坏指标", comparator="GE", nature="quantitative")
