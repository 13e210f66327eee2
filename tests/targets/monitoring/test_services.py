import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from budgets.execution import execution_record_set
from budgets.models import FundingPeriod
from targets.models import ReportingPeriod
from targets.monitoring.services import monitoring_entry_record, monitoring_report_explain, monitoring_start
from tests.factories import FundingFactory, IndicatorFactory, ReportingPeriodFactory, TargetSheetFactory

D = Decimal


@pytest.fixture
def sheet(project):
    FundingFactory(project=project, period=FundingPeriod.ANNUAL, total=D("120"))
    sheet = TargetSheetFactory(project=project)
    IndicatorFactory(sheet=sheet, name="巡检次数", value="≥12次")
    return sheet


@pytest.fixture
def july(db):
    return ReportingPeriodFactory(kind=ReportingPeriod.Kind.MONITORING)


@pytest.mark.parametrize(("spent", "warning"), [("60", "green"), ("50", "yellow"), ("45", "red")])
def test_warning_from_execution_against_time_progress(sheet, july, staff, spent, warning):
    execution_record_set(project=sheet.project, month=5, spent=D(spent), actor=staff)
    execution_record_set(project=sheet.project, month=9, spent=D("50"), actor=staff)  # after the cut-off
    report = monitoring_start(sheet=sheet, period=july, actor=staff)
    assert report.time_progress == D("0.5833")
    assert report.warning == warning


def test_at_risk_indicator_needs_reasons_explanation_and_measure(sheet, july, staff):
    execution_record_set(project=sheet.project, month=5, spent=D("60"), actor=staff)
    report = monitoring_start(sheet=sheet, period=july, actor=staff)
    indicator = sheet.indicators.get()
    monitoring_entry_record(
        report=report,
        indicator=indicator,
        value_to_date="7次",
        expected_value="12次",
        likelihood="certain",
        actor=staff,
    )
    with pytest.raises(ValidationError, match="偏差原因、原因说明、纠偏措施"):
        monitoring_entry_record(
            report=report,
            indicator=indicator,
            value_to_date="3次",
            expected_value="8次",
            likelihood="possible",
            actor=staff,
        )
    entry = monitoring_entry_record(
        report=report,
        indicator=indicator,
        value_to_date="3次",
        expected_value="8次",
        likelihood="possible",
        reasons=["staffing"],
        explanation="巡检人员不足",
        measure="improve_management",
        actor=staff,
    )
    assert entry.reasons == ["staffing"] and report.entries.count() == 1


def test_red_budget_warning_requires_an_explanation_even_when_targets_are_safe(sheet, july, staff):
    report = monitoring_start(sheet=sheet, period=july, actor=staff)
    assert report.warning == "red"
    with pytest.raises(ValidationError):
        monitoring_entry_record(
            report=report,
            indicator=sheet.indicators.get(),
            value_to_date="7次",
            expected_value="12次",
            likelihood="certain",
            actor=staff,
        )
    with pytest.raises(ValidationError):
        monitoring_report_explain(report=report, reasons=[], explanation="", measure="", actor=staff)
    monitoring_report_explain(
        report=report, reasons=["funding"], explanation="资金尚未下达", measure="adjust_budget", actor=staff
    )


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


def test_indicator_of_another_sheet_is_refused(sheet, july, staff, project):
    report = monitoring_start(sheet=sheet, period=july, actor=staff)
    stranger = IndicatorFactory(
        sheet=TargetSheetFactory(project=project, period="mid_term", first_year=2021, last_year=2023)
    )
    with pytest.raises(ValidationError):
        monitoring_entry_record(
            report=report, indicator=stranger, value_to_date="1", expected_value="2", likelihood="certain", actor=staff
        )
