"""The review page of a monitoring report: progress, likelihood and expected value, the budget block,
approve and return, for supervisors only."""

from django.urls import reverse

from targets.models import MonitoringReport, ReturnNote

from .conftest import report_at_risk


def page_url(report):
    return reverse("admin:targets_monitoringreport_change", args=[report.pk])


def test_page_shows_progress_likelihood_and_budget(client, supervisor, submitted_report):
    client.force_login(supervisor)
    body = client.get(page_url(submitted_report)).content.decode()
    assert "7次" in body and "识别为 7次" in body and "12次" in body
    assert "确定能" in body and "有可能" in body
    assert "人员保障" in body and "回访人员不足" in body and "完善项目管理" in body  # labels, not codes
    assert "staffing" not in body and "improve_management" not in body
    assert "截至执行数（万元）" in body and ">70<" in body and ">58.33%<" in body  # time progress to 31 July
    assert "首次提交审核" in body and 'id="approve-form"' in body
    assert "调整得分" not in body  # monitoring is not scored


def test_return_one_entry_and_approve_after_resubmission(client, supervisor, staff, submitted_report):
    from targets.monitoring.services import monitoring_submit

    entry = submitted_report.entries.select_related("indicator").get(indicator__name="用户满意度")
    client.force_login(supervisor)
    client.post(
        page_url(submitted_report),
        {"review_action": "return", f"indicator_{entry.indicator_id}": "1", f"reason_{entry.indicator_id}": "请核实"},
    )
    submitted_report.refresh_from_db()
    assert submitted_report.status == MonitoringReport.Status.RETURNED
    assert ReturnNote.objects.get(monitoring_report=submitted_report).indicator_id == entry.indicator_id
    report_at_risk(entry, staff, "88%")
    monitoring_submit(report=submitted_report, actor=staff)
    body = client.get(page_url(submitted_report)).content.decode()
    assert "尚未审核通过过；与上次退回" in body
    assert "截至目前完成值：85% → 88%" in body
    response = client.post(page_url(submitted_report), {"review_action": "approve"})
    assert response.status_code == 302
    submitted_report.refresh_from_db()
    assert submitted_report.status == MonitoringReport.Status.APPROVED


def test_staff_get_no_actions(client, staff, submitted_report):
    client.force_login(staff)
    body = client.get(page_url(submitted_report)).content.decode()
    assert "approve-form" not in body and "return-form" not in body
    assert client.post(page_url(submitted_report), {"review_action": "approve"}).status_code == 403
    changelist = client.get(reverse("admin:targets_monitoringreport_changelist")).content.decode()
    assert "approve_selected" not in changelist
