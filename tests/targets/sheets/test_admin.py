"""The target sheet admin: read-only pages, review actions offered by role, return reasons that reach
the staff, and the history of the sheet in Chinese."""

import pytest
from django.urls import reverse

from targets.models import ReturnNote, TargetSheet
from targets.sheets.services import target_sheet_approve, target_sheet_submit
from tests.factories import IndicatorFactory, TargetSheetFactory


@pytest.fixture
def submitted_sheet(project):
    sheet = TargetSheetFactory(project=project, status=TargetSheet.Status.SUBMITTED)
    IndicatorFactory(sheet=sheet)
    return sheet


def _action(client, action, sheet, **extra):
    url = reverse("admin:targets_targetsheet_changelist")
    return client.post(url, {"action": action, "_selected_action": [sheet.pk], **extra})


def test_supervisor_approves_in_the_admin(client, supervisor, submitted_sheet):
    client.force_login(supervisor)
    response = _action(client, "approve_sheets", submitted_sheet)
    assert response.status_code == 302
    submitted_sheet.refresh_from_db()
    assert submitted_sheet.status == TargetSheet.Status.APPROVED


def test_return_asks_for_a_reason_that_reaches_the_staff(client, supervisor, submitted_sheet):
    client.force_login(supervisor)
    response = _action(client, "return_sheets", submitted_sheet)
    assert response.status_code == 200
    assert "退回原因" in response.content.decode()
    submitted_sheet.refresh_from_db()
    assert submitted_sheet.status == TargetSheet.Status.SUBMITTED
    _action(client, "return_sheets", submitted_sheet, confirm="1", reason="请补充满意度指标")
    submitted_sheet.refresh_from_db()
    assert submitted_sheet.status == TargetSheet.Status.RETURNED
    note = ReturnNote.objects.get(sheet=submitted_sheet)
    assert (note.message, note.created_by, note.resolved_at) == ("请补充满意度指标", supervisor, None)
    page = client.get(reverse("admin:targets_targetsheet_change", args=[submitted_sheet.pk])).content.decode()
    assert "请补充满意度指标" in page


def test_staff_are_not_offered_the_review_actions(client, staff, supervisor, submitted_sheet):
    client.force_login(staff)
    body = client.get(reverse("admin:targets_targetsheet_changelist")).content.decode()
    assert 'value="submit_sheets"' in body and 'value="revise_sheets"' in body
    assert 'value="approve_sheets"' not in body and 'value="return_sheets"' not in body
    _action(client, "approve_sheets", submitted_sheet)
    submitted_sheet.refresh_from_db()
    assert submitted_sheet.status == TargetSheet.Status.SUBMITTED
    client.force_login(supervisor)
    body = client.get(reverse("admin:targets_targetsheet_changelist")).content.decode()
    assert 'value="approve_sheets"' in body and 'value="return_sheets"' in body


@pytest.mark.parametrize("status", [TargetSheet.Status.DRAFT, TargetSheet.Status.APPROVED])
def test_sheet_pages_have_no_save_button(client, staff, supervisor, project, status):
    sheet = TargetSheetFactory(project=project, status=status)
    IndicatorFactory(sheet=sheet, value="≥10.5个")
    for user in (staff, supervisor):
        client.force_login(user)
        body = client.get(reverse("admin:targets_targetsheet_change", args=[sheet.pk])).content.decode()
        assert 'name="_save"' not in body and 'name="_continue"' not in body
        assert "10.5" in body and "10.500000" not in body


def test_staff_cannot_see_other_departments_sheets(client, staff, other_project, project):
    TargetSheetFactory(project=other_project)
    TargetSheetFactory(project=project)
    client.force_login(staff)
    content = client.get(reverse("admin:targets_targetsheet_changelist")).content.decode()
    assert project.name in content and other_project.name not in content


def test_outsider_is_refused(client, outsider, submitted_sheet):
    client.force_login(outsider)
    assert client.get(reverse("admin:targets_targetsheet_changelist")).status_code == 403


def test_history_tells_who_changed_what_and_why_in_chinese(client, staff, supervisor, project):
    sheet = TargetSheetFactory(project=project)
    IndicatorFactory(sheet=sheet)
    target_sheet_submit(sheet=sheet, actor=staff)
    target_sheet_approve(sheet=sheet, actor=supervisor)
    client.force_login(supervisor)
    body = client.get(reverse("admin:targets_targetsheet_history", args=[sheet.pk])).content.decode()
    assert "提交了目标表" in body and "审核通过了目标表" in body
    assert '状态</strong>：<span class="old">已提交</span> → 已审核通过' in body
    assert "target_sheet.submit" not in body and "target_sheet.approve" not in body
    assert "修订号" not in body  # bookkeeping is not a change people made
