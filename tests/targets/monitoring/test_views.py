"""The monitoring entry page: values to date, likelihood, reasons when required, the budget half."""

import datetime

import pytest
from django.urls import reverse

from budgets.models import FundingPeriod
from targets.models import MonitoringReport, ReportingPeriod
from targets.monitoring.services import monitoring_start
from tests.factories import FundingFactory, IndicatorFactory, ReportingPeriodFactory, TargetSheetFactory
from tests.targets.assessment.test_views import page_data
from tests.targets.conftest import working_day


@pytest.fixture
def report(project, staff, time_machine):
    FundingFactory(project=project, period=FundingPeriod.ANNUAL, total="120")
    sheet = TargetSheetFactory(project=project)
    IndicatorFactory(sheet=sheet, name="巡检次数", value="≥12次")
    period = ReportingPeriodFactory(kind=ReportingPeriod.Kind.MONITORING)
    time_machine.move_to(working_day(datetime.date(2021, 8, 10)))
    return monitoring_start(sheet=sheet, period=period, actor=staff)


def test_entering_progress_and_submitting(client, staff, report):
    client.force_login(staff)
    url = reverse("monitoring:entry", args=[report.pk])
    entry = report.entries.get()
    data = page_data(client.get(url))
    data[f"e{entry.pk}-value_to_date"] = "5次"
    data[f"e{entry.pk}-expected_value"] = "10次"
    data[f"e{entry.pk}-likelihood"] = "possible"
    data["submit"] = "1"
    body = client.post(url, data, follow=True).content.decode()
    assert "已保存" in body and "还不能提交" in body and "偏差原因、原因说明、纠偏措施" in body
    data = page_data(client.get(url))
    data[f"e{entry.pk}-reasons"] = ["staffing"]
    data[f"e{entry.pk}-explanation"] = "人员不足"
    data[f"e{entry.pk}-measure"] = "improve_management"
    data["budget-executed_to_date"] = "80"
    data["submit"] = "1"
    body = client.post(url, data, follow=True).content.decode()
    assert "已提交审核" in body, body
    report.refresh_from_db()
    assert report.status == MonitoringReport.Status.SUBMITTED and report.warning == "green"


def test_a_value_in_another_unit_is_named_and_nothing_saved(client, staff, report):
    client.force_login(staff)
    url = reverse("monitoring:entry", args=[report.pk])
    entry = report.entries.get()
    data = page_data(client.get(url))
    data[f"e{entry.pk}-value_to_date"] = "5小时"
    body = client.post(url, data).content.decode()
    assert "实际值单位“小时”与目标单位“次”不一致" in body
    entry.refresh_from_db()
    assert entry.value_to_date == ""
