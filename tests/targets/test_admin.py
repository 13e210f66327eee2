from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from targets.models import IndicatorResult, TargetSheet
from tests.factories import IndicatorFactory, ReportingPeriodFactory, TargetSheetFactory


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


def test_return_asks_for_a_reason_first(client, supervisor, submitted_sheet):
    client.force_login(supervisor)
    response = _action(client, "return_sheets", submitted_sheet)
    assert response.status_code == 200
    assert "退回原因" in response.content.decode()
    submitted_sheet.refresh_from_db()
    assert submitted_sheet.status == TargetSheet.Status.SUBMITTED
    _action(client, "return_sheets", submitted_sheet, confirm="1", reason="请补充满意度指标")
    submitted_sheet.refresh_from_db()
    assert submitted_sheet.status == TargetSheet.Status.RETURNED


def test_staff_approval_is_refused_with_a_message(client, staff, submitted_sheet):
    client.force_login(staff)
    response = _action(client, "approve_sheets", submitted_sheet)
    assert response.status_code == 302
    submitted_sheet.refresh_from_db()
    assert submitted_sheet.status == TargetSheet.Status.SUBMITTED
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("监督审核人员" in m for m in messages)


def test_staff_cannot_see_other_departments_sheets(client, staff, other_project, project):
    TargetSheetFactory(project=other_project)
    own = TargetSheetFactory(project=project)
    client.force_login(staff)
    content = client.get(reverse("admin:targets_targetsheet_changelist")).content.decode()
    assert project.name in content and other_project.name not in content
    assert own.pk


def test_outsider_is_refused(client, outsider, submitted_sheet):
    client.force_login(outsider)
    assert client.get(reverse("admin:targets_targetsheet_changelist")).status_code == 403


@pytest.mark.parametrize("model", ["targetsheet", "indicator", "reportingperiod"])
def test_every_targets_admin_page_renders(client, superuser, submitted_sheet, model):
    ReportingPeriodFactory()
    client.force_login(superuser)
    assert client.get(reverse(f"admin:targets_{model}_changelist")).status_code == 200
    detail = {"targetsheet": submitted_sheet, "indicator": submitted_sheet.indicators.first()}.get(model)
    if detail is not None:
        assert client.get(reverse(f"admin:targets_{model}_change", args=[detail.pk])).status_code == 200


def test_editing_a_rule_profile_in_the_admin_makes_a_new_version(client, superuser):
    from targets.models import RuleProfile
    from targets.profiles import EDITABLE, current_profile

    profile = current_profile()
    client.force_login(superuser)
    data = {field: getattr(profile, field) for field in EDITABLE}
    data.update(reverse_formula="linear", reason="本市采用线性扣分")
    data = {k: ("on" if v is True else v) for k, v in data.items() if v is not False}
    response = client.post(reverse("admin:targets_ruleprofile_change", args=[profile.pk]), data)
    assert response.status_code == 302, response.content.decode()[:1500]
    revised = current_profile()
    assert (revised.version, revised.reverse_formula, revised.previous_id) == (2, "linear", profile.pk)
    assert RuleProfile.objects.get(pk=profile.pk).reverse_formula == "ratio"


@pytest.mark.parametrize(
    "model", ["ruleprofile", "evaluation", "indicatorresult", "monitoringreport", "monitoringentry"]
)
def test_scoring_admin_pages_render(client, superuser, model):
    client.force_login(superuser)
    assert client.get(reverse(f"admin:targets_{model}_changelist")).status_code == 200


def test_evaluation_page_explains_every_row_with_a_fixed_number_of_queries(client, supervisor, recorded_evaluation):
    client.force_login(supervisor)
    url = reverse("admin:targets_evaluation_change", args=[recorded_evaluation.pk])
    with CaptureQueriesContext(connection) as four_rows:
        page = client.get(url).content.decode()
    assert "实际 95% 未达目标 ≥98%，按比例得 24.23 分" in page
    assert "实际 3小时 未达目标 ≤2小时，按比例得 16.67 分" in page
    assert "审核调整为 9.00 分：抽样偏少" in page
    for order in range(100, 106):
        indicator = IndicatorFactory(sheet=recorded_evaluation.sheet, order=order, value="≥10个")
        IndicatorResult.objects.create(
            evaluation=recorded_evaluation,
            indicator=indicator,
            weight=1,
            actual_text="5个",
            actual_comparator="EQ",
            actual_number=5,
            actual_unit="个",
            computed_score=D("0.50"),
        )
    with CaptureQueriesContext(connection) as ten_rows:
        assert "实际 5个 未达目标 ≥10个，按比例得 0.50 分" in client.get(url).content.decode()
    assert len(ten_rows.captured_queries) == len(four_rows.captured_queries)


def test_outsider_cannot_open_an_evaluation(client, outsider, recorded_evaluation):
    client.force_login(outsider)
    response = client.get(reverse("admin:targets_evaluation_change", args=[recorded_evaluation.pk]))
    assert response.status_code == 403
