"""Records under review, put there through the services (so their history is real): a submitted
self-evaluation of the shared four-indicator sheet and a submitted monitoring report."""

import datetime
from decimal import Decimal

import pytest

from budgets.models import FundingPeriod, Membership
from targets.assessment.services import (
    evaluation_budget_set,
    evaluation_start,
    evaluation_submit,
    indicator_result_record,
)
from targets.models import ReportingPeriod
from targets.monitoring.services import (
    monitoring_budget_set,
    monitoring_entry_record,
    monitoring_start,
    monitoring_submit,
)
from tests.factories import (
    FundingFactory,
    IndicatorFactory,
    MembershipFactory,
    ProjectFactory,
    ReportingPeriodFactory,
    TargetSheetFactory,
    UserFactory,
)
from tests.targets.conftest import results, working_day

D = Decimal


def fill(evaluation, staff, **actuals):
    """Report every row of the shared sheet (all targets met unless `actuals` says otherwise)."""
    rows = results(evaluation)
    values = {"巡检次数": "99%", "故障响应时间": "1小时", "用户满意度": "95%", **actuals}
    for name, text in values.items():
        indicator_result_record(result=rows[name], actual_text=text, actor=staff)
    indicator_result_record(
        result=rows["社会影响"], actual_text="提高", assessment_level="achieved", assessment_points=D(30), actor=staff
    )
    evaluation_budget_set(evaluation=evaluation, full_year_budget="200", executed="190", actor=staff)


@pytest.fixture
def submitted(sheet, period, staff):
    evaluation = evaluation_start(sheet=sheet, period=period, actor=staff)
    fill(evaluation, staff)
    return evaluation_submit(evaluation=evaluation, actor=staff)


@pytest.fixture
def other_staff(other_department):
    user = UserFactory(username="other-staff")
    MembershipFactory(user=user, department=other_department, role=Membership.Role.STAFF)
    return user


@pytest.fixture
def monitoring_sheet(department):
    project = ProjectFactory(department=department, name="政府网站运维项目")
    FundingFactory(project=project, period=FundingPeriod.ANNUAL, total=D("120"))
    sheet = TargetSheetFactory(project=project)
    IndicatorFactory(sheet=sheet, name="巡检次数", value="≥12次")
    IndicatorFactory(sheet=sheet, name="用户满意度", level1="满意度指标", level2="服务对象满意度指标", value="≥90%")
    return sheet


def report_at_risk(entry, staff, value_to_date: str):
    """A value behind its target, with the reasons, explanation and measure the rules then require."""
    return monitoring_entry_record(
        entry=entry,
        value_to_date=value_to_date,
        expected_value="88%",
        likelihood="possible",
        reasons=["staffing"],
        explanation="回访人员不足",
        measure="improve_management",
        actor=staff,
    )


@pytest.fixture
def submitted_report(monitoring_sheet, staff, time_machine):
    july = ReportingPeriodFactory(kind=ReportingPeriod.Kind.MONITORING)
    time_machine.move_to(working_day(datetime.date(2021, 8, 10)))
    report = monitoring_start(sheet=monitoring_sheet, period=july, actor=staff)
    entries = {e.indicator.name: e for e in report.entries.select_related("indicator")}
    monitoring_entry_record(
        entry=entries["巡检次数"], value_to_date="7次", expected_value="12次", likelihood="certain", actor=staff
    )
    report_at_risk(entries["用户满意度"], staff, "85%")
    monitoring_budget_set(report=report, full_year_budget="120", executed_to_date="70", actor=staff)
    return monitoring_submit(report=report, actor=staff)
