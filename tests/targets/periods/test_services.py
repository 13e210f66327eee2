import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from budgets.execution import execution_record_set
from budgets.models import FundingPeriod
from targets.models import Evaluation, MonitoringReport, ReportingPeriod, TargetSheet
from targets.periods.selectors import entry_closes_on, entry_deadline, entry_is_open, periods_open_on
from targets.periods.services import (
    late_entry_grant,
    reporting_period_create,
    reporting_period_open,
    reporting_periods_ensure_year,
    reporting_periods_run,
)
from tests.factories import (
    FundingFactory,
    IndicatorFactory,
    ProjectFactory,
    SourceDocumentFactory,
    TargetSheetFactory,
)

D = Decimal
Kind = ReportingPeriod.Kind


@pytest.fixture
def imported_sheet(project):
    """A sheet read from a published disclosure: its targets count as set, though still a draft."""
    FundingFactory(project=project, period=FundingPeriod.ANNUAL, total=D("100"))
    sheet = TargetSheetFactory(project=project, source_document=SourceDocumentFactory(department=project.department))
    IndicatorFactory(sheet=sheet, name="巡检次数", value="≥12次")
    IndicatorFactory(sheet=sheet, name="满意度", level1="满意度指标", level2="服务对象满意度指标", value="≥90%")
    return sheet


def test_each_year_gets_the_default_rounds(superuser):
    monitoring, evaluation = reporting_periods_ensure_year(year=2024, actor=superuser)
    assert (monitoring.kind, monitoring.cut_off_date, monitoring.opens_on, monitoring.due_date) == (
        Kind.MONITORING,
        datetime.date(2024, 7, 31),
        datetime.date(2024, 8, 1),
        datetime.date(2024, 8, 31),
    )
    assert (evaluation.cut_off_date, evaluation.opens_on, evaluation.due_date) == (
        datetime.date(2024, 12, 31),
        datetime.date(2025, 1, 1),
        datetime.date(2025, 1, 31),
    )
    assert reporting_periods_ensure_year(year=2024, actor=superuser) == []
    assert str(monitoring) == "2024年绩效运行监控（截至 2024-07-31）"


def test_dates_are_checked(superuser):
    with pytest.raises(ValidationError):
        reporting_period_create(
            year=2021,
            kind=Kind.MONITORING,
            cut_off_date=datetime.date(2021, 6, 30),
            due_date=datetime.date(2021, 6, 1),
            actor=superuser,
        )
    with pytest.raises(ValidationError):
        reporting_period_create(
            year=2021,
            kind=Kind.MONITORING,
            cut_off_date=datetime.date(2022, 6, 30),
            opens_on=datetime.date(2022, 7, 1),
            due_date=datetime.date(2022, 7, 31),
            actor=superuser,
        )
    with pytest.raises(ValidationError):
        reporting_period_create(year=2021, kind=Kind.MONITORING, grace_days=400, actor=superuser)


def test_opening_prepares_a_record_for_every_sheet_with_set_targets(imported_sheet, department, superuser):
    execution_record_set(project=imported_sheet.project, month=3, spent=D("40"), actor=superuser)
    hand_made_draft = TargetSheetFactory(project=ProjectFactory(department=department))
    IndicatorFactory(sheet=hand_made_draft)
    approved = TargetSheetFactory(project=ProjectFactory(department=department), status=TargetSheet.Status.APPROVED)
    IndicatorFactory(sheet=approved)
    evaluation_period = reporting_period_create(year=2021, kind=Kind.SELF_EVALUATION, actor=superuser)

    counts = reporting_period_open(period=evaluation_period)

    assert counts["created"] == 2
    evaluation = Evaluation.objects.get(sheet=imported_sheet)
    weights = sorted(evaluation.results.values_list("weight", flat=True))
    assert weights == [D("10.00"), D("50.00")]  # the profile's 产出 and 满意度 weights, spread
    assert (evaluation.budget_full_year, evaluation.budget_executed, evaluation.budget_score) == (
        D("100.0000"),
        D("40.0000"),
        D("4.00"),
    )
    assert not Evaluation.objects.filter(sheet=hand_made_draft).exists()
    assert reporting_period_open(period=evaluation_period)["created"] == 0  # idempotent


def test_opening_a_monitoring_round_prepares_entries_and_the_budget_to_the_cut_off(imported_sheet, superuser):
    execution_record_set(project=imported_sheet.project, month=7, spent=D("30"), actor=superuser)
    execution_record_set(project=imported_sheet.project, month=8, spent=D("30"), actor=superuser)
    july = reporting_period_create(year=2021, kind=Kind.MONITORING, actor=superuser)
    reporting_period_open(period=july)
    report = MonitoringReport.objects.get(sheet=imported_sheet)
    assert report.entries.count() == 2
    assert (report.executed_to_date, report.execution_rate, report.warning) == (D("30.0000"), D("0.3000"), "red")


def test_the_daily_job_opens_what_is_due_and_its_command_twin(imported_sheet, capsys):
    assert reporting_periods_run(day=datetime.date(2021, 7, 1)) == []  # nothing open yet
    opened = reporting_periods_run(day=datetime.date(2021, 8, 2))
    assert [row["created"] for row in opened] == [1]
    call_command("open_reporting_periods", "--today", "2022-01-05")
    assert Evaluation.objects.filter(sheet=imported_sheet).count() == 1
    assert "绩效自评" in capsys.readouterr().out
    assert {p.kind for p in periods_open_on(datetime.date(2022, 1, 5))} == {Kind.SELF_EVALUATION}


def test_late_entry_exception_extends_one_department(imported_sheet, department, other_department, supervisor, staff):
    july = reporting_period_create(year=2021, kind=Kind.MONITORING, actor=supervisor)
    assert entry_closes_on(july, department) == datetime.date(2021, 9, 15)  # 31 August + 15 days
    with pytest.raises(PermissionDenied):
        late_entry_grant(period=july, department=department, until=datetime.date(2021, 10, 1), reason="x", actor=staff)
    with pytest.raises(ValidationError):
        late_entry_grant(
            period=july, department=department, until=datetime.date(2021, 10, 1), reason=" ", actor=supervisor
        )
    late_entry_grant(
        period=july, department=department, until=datetime.date(2021, 10, 1), reason="系统故障", actor=supervisor
    )
    assert entry_deadline(july, department) == datetime.date(2021, 10, 1)
    assert entry_is_open(july, department, datetime.date(2021, 9, 30))
    assert not entry_is_open(july, other_department, datetime.date(2021, 9, 30))
    assert july in periods_open_on(datetime.date(2021, 9, 30))
