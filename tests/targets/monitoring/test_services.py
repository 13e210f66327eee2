import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from budgets.concurrency import StaleEdit
from budgets.execution import execution_record_set
from budgets.models import FundingPeriod
from targets.models import MonitoringReport, ReportingPeriod
from targets.monitoring.services import (
    monitoring_budget_set,
    monitoring_entry_record,
    monitoring_problems,
    monitoring_start,
    monitoring_submit,
)
from tests.factories import FundingFactory, IndicatorFactory, ReportingPeriodFactory, TargetSheetFactory
from tests.targets.conftest import working_day

D = Decimal


@pytest.fixture
def sheet(project):
    FundingFactory(project=project, period=FundingPeriod.ANNUAL, total=D("120"))
    sheet = TargetSheetFactory(project=project)
    IndicatorFactory(sheet=sheet, name="巡检次数", value="≥12次")
    return sheet


@pytest.fixture
def july(db, time_machine):
    period = ReportingPeriodFactory(kind=ReportingPeriod.Kind.MONITORING)
    time_machine.move_to(working_day(datetime.date(2021, 8, 10)))
    return period


def entry_of(report):
    return report.entries.select_related("indicator").get()


@pytest.mark.parametrize(("spent", "warning"), [("60", "green"), ("50", "yellow"), ("45", "red")])
def test_warning_from_execution_against_time_progress(sheet, july, staff, spent, warning):
    execution_record_set(project=sheet.project, month=5, spent=D(spent), actor=staff)
    execution_record_set(project=sheet.project, month=9, spent=D("50"), actor=staff)  # after the cut-off
    report = monitoring_start(sheet=sheet, period=july, actor=staff)
    assert report.time_progress == D("0.5833")
    assert report.warning == warning
    assert report.entries.count() == 1  # prepared for every indicator


def test_at_risk_indicator_needs_reasons_explanation_and_measure(sheet, july, staff):
    execution_record_set(project=sheet.project, month=5, spent=D("60"), actor=staff)
    report = monitoring_start(sheet=sheet, period=july, actor=staff)
    entry = monitoring_entry_record(
        entry=entry_of(report), value_to_date="7次", expected_value="12次", likelihood="certain", actor=staff
    )
    assert (entry.value_number, entry.value_unit) == (D("7"), "次")
    entry = monitoring_entry_record(
        entry=entry, value_to_date="3次", expected_value="8次", likelihood="possible", actor=staff
    )  # a draft keeps what was typed; submission lists what the rules still require
    assert "指标“巡检次数”需填写：偏差原因、原因说明、纠偏措施" in monitoring_problems(report)
    entry = monitoring_entry_record(
        entry=entry,
        value_to_date="3次",
        expected_value="8次",
        likelihood="possible",
        reasons=["staffing"],
        explanation="巡检人员不足",
        measure="improve_management",
        actor=staff,
    )
    assert entry.reasons == ["staffing"]
    assert not [p for p in monitoring_problems(report) if "巡检次数" in p]


def test_a_value_in_a_unit_that_does_not_fit_the_target_is_named(sheet, july, staff):
    report = monitoring_start(sheet=sheet, period=july, actor=staff)
    with pytest.raises(ValidationError, match="单位“小时”与目标单位“次”不一致"):
        monitoring_entry_record(
            entry=entry_of(report), value_to_date="3小时", expected_value="", likelihood="certain", actor=staff
        )


def test_red_budget_warning_requires_an_explanation_before_submission(sheet, july, staff):
    report = monitoring_start(sheet=sheet, period=july, actor=staff)
    assert report.warning == "red"
    monitoring_entry_record(
        entry=entry_of(report), value_to_date="7次", expected_value="12次", likelihood="certain", actor=staff
    )
    assert monitoring_problems(report) == ["预算执行为红色预警，需填写：偏差原因、原因说明、纠偏措施"]
    with pytest.raises(ValidationError):
        monitoring_submit(report=report, actor=staff)
    monitoring_budget_set(
        report=report,
        full_year_budget=D("120"),
        executed_to_date=D("10"),
        reasons=["funding"],
        explanation="资金尚未下达",
        measure="adjust_budget",
        actor=staff,
    )
    report = monitoring_submit(report=report, actor=staff)
    assert report.status == MonitoringReport.Status.SUBMITTED and report.submitted_by == staff


def test_budget_spending_raises_the_warning_colour(sheet, july, staff):
    report = monitoring_start(sheet=sheet, period=july, actor=staff)
    report = monitoring_budget_set(report=report, full_year_budget="120", executed_to_date="70", actor=staff)
    assert (report.execution_rate, report.warning) == (D("0.5833"), "green")


def test_a_save_from_a_stale_page_is_refused(sheet, july, staff):
    report = monitoring_start(sheet=sheet, period=july, actor=staff)
    entry = entry_of(report)
    seen = entry.revision
    monitoring_entry_record(entry=entry, value_to_date="5次", likelihood="certain", actor=staff, expected_revision=seen)
    with pytest.raises(StaleEdit):
        monitoring_entry_record(
            entry=entry, value_to_date="6次", likelihood="certain", actor=staff, expected_revision=seen
        )
    assert entry_of(report).value_to_date == "5次"


def test_wrong_period_kind_and_outsider(sheet, july, outsider, staff):
    evaluation_period = ReportingPeriodFactory(
        kind=ReportingPeriod.Kind.SELF_EVALUATION,
        cut_off_date=datetime.date(2021, 12, 31),
        due_date=datetime.date(2022, 2, 1),
    )
    with pytest.raises(ValidationError):
        monitoring_start(sheet=sheet, period=evaluation_period, actor=staff)
    with pytest.raises(PermissionDenied):
        monitoring_start(sheet=sheet, period=july, actor=outsider)


def test_entry_closes_after_the_grace_days(sheet, july, staff, time_machine):
    report = monitoring_start(sheet=sheet, period=july, actor=staff)
    time_machine.move_to(working_day(july.closes_on + datetime.timedelta(days=1)))
    with pytest.raises(ValidationError, match="填报已于 2021-09-15 截止"):
        monitoring_entry_record(entry=entry_of(report), value_to_date="5次", likelihood="certain", actor=staff)
