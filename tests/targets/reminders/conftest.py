"""Departments with one self-evaluation each in the `period` (due 31 March 2022), each with its
own staff member, under the shared cast's parent department and its supervisor."""

import datetime
from dataclasses import dataclass

import pytest
from django.core.management import call_command

from budgets.models import FundingPeriod, Membership
from targets.assessment.services import (
    evaluation_budget_set,
    evaluation_start,
    evaluation_submit,
    indicator_result_record,
)
from targets.models import Evaluation
from targets.reminders.models import ReminderDigest
from targets.review.services import submission_return
from tests.factories import (
    DepartmentFactory,
    FundingFactory,
    IndicatorFactory,
    MembershipFactory,
    ProjectFactory,
    TargetSheetFactory,
    UserFactory,
)
from tests.targets.conftest import results, working_day

DUE = datetime.date(2022, 3, 31)


@dataclass
class Unit:
    department: object
    staff: object
    evaluation: Evaluation

    def fill(self) -> None:
        for name, result in results(self.evaluation).items():
            indicator_result_record(result=result, actual_text="12个" if "数量" in name else "99%", actor=self.staff)
        evaluation_budget_set(evaluation=self.evaluation, full_year_budget="200", executed="195", actor=self.staff)

    def submit(self) -> Evaluation:
        self.fill()
        self.evaluation = evaluation_submit(evaluation=self.evaluation, actor=self.staff)
        return self.evaluation

    def return_indicator(self, name: str, reason: str, *, actor) -> Evaluation:
        """The supervisor returns the submitted evaluation for one indicator, with `reason`."""
        indicator = results(self.evaluation)[name].indicator_id
        self.evaluation = submission_return(record=self.evaluation, indicator_messages={indicator: reason}, actor=actor)
        return self.evaluation


@pytest.fixture
def make_unit(period, parent_department):
    """make_unit("code", "name") → a department under the parent with a staff member (e-mail set) and
    a self-evaluation in `period` of a project sheet with two indicators."""

    def make(code: str, name: str, *, parent=parent_department, email: bool = True) -> Unit:
        department = DepartmentFactory(code=code, name=name, parent=parent)
        staff = UserFactory(username=f"staff-{code.lower()}", email=f"{code.lower()}@example.cn" if email else "")
        MembershipFactory(user=staff, department=department, role=Membership.Role.STAFF)
        project = ProjectFactory(department=department, name=f"{name}运维项目")
        FundingFactory(project=project, period=FundingPeriod.ANNUAL, total="200")
        sheet = TargetSheetFactory(project=project)
        IndicatorFactory(sheet=sheet, name="巡检数量", value="≥10个")
        IndicatorFactory(sheet=sheet, name="系统可用率", level2="质量指标", value="≥98%")
        return Unit(department, staff, evaluation_start(sheet=sheet, period=period, actor=staff))

    return make


@pytest.fixture
def supervisor_with_email(supervisor):
    supervisor.email = "supervisor@example.cn"
    supervisor.save(update_fields=["email"])
    return supervisor


def run_on(time_machine, day: datetime.date, *args) -> str:
    """Move the clock to a working morning of `day` and run the daily job's command twin."""
    time_machine.move_to(working_day(day))
    from io import StringIO

    out = StringIO()
    call_command("send_due_reminders", *args, stdout=out)
    return out.getvalue()


def received(day: datetime.date) -> dict[tuple[str, str], list[str]]:
    """{(username, kind): [sheet names]} of the digests of `day`."""
    digests = ReminderDigest.objects.filter(day=day).select_related("recipient")
    return {
        (digest.recipient.username, digest.kind): [item["sheet"] for item in digest.content["items"]]
        for digest in digests
    }
