"""A project sheet with one indicator of each kind, and the year-end self-evaluation period.

The `period` fixture moves the clock into its entry window (time-machine), so services accept
entries as they would on a working day of that period."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from budgets.models import FundingPeriod
from targets.assessment.services import evaluation_start, indicator_result_record, indicator_score_override
from targets.models import Evaluation, ReportingPeriod
from tests.factories import FundingFactory, IndicatorFactory, ReportingPeriodFactory, TargetSheetFactory

D = Decimal
SHANGHAI = ZoneInfo("Asia/Shanghai")


def working_day(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(10, 0), tzinfo=SHANGHAI)


@pytest.fixture
def sheet(project):
    FundingFactory(project=project, period=FundingPeriod.ANNUAL, total=D("200"))
    sheet = TargetSheetFactory(project=project)
    IndicatorFactory(sheet=sheet, name="巡检次数", value="≥98%")
    IndicatorFactory(sheet=sheet, name="故障响应时间", level2="时效指标", value="≤2小时")
    IndicatorFactory(sheet=sheet, name="社会影响", level1="效益指标", level2="社会效益指标", value="提高")
    IndicatorFactory(sheet=sheet, name="用户满意度", level1="满意度指标", level2="服务对象满意度指标", value="≥90%")
    return sheet


@pytest.fixture
def period(db, time_machine):
    period = ReportingPeriodFactory(
        kind=ReportingPeriod.Kind.SELF_EVALUATION,
        cut_off_date=datetime.date(2021, 12, 31),
        due_date=datetime.date(2022, 3, 31),
    )
    time_machine.move_to(working_day(datetime.date(2022, 1, 10)))
    return period


def results(evaluation):
    return {r.indicator.name: r for r in evaluation.results.select_related("indicator")}


def under_review(evaluation) -> Evaluation:
    """Put an evaluation in review without the submission checks (for tests of what review does)."""
    Evaluation.objects.filter(pk=evaluation.pk).update(status=Evaluation.Status.SUBMITTED)
    evaluation.refresh_from_db()
    return evaluation


@pytest.fixture
def recorded_evaluation(sheet, period, staff, supervisor):
    """Every indicator of `sheet` reported (a shortfall, a late response, a judged one) and one
    score adjusted by the supervisor during review: 24.23 + 16.67 + 28 + 9."""
    evaluation = evaluation_start(sheet=sheet, period=period, actor=staff)
    rows = results(evaluation)
    indicator_result_record(result=rows["巡检次数"], actual_text="95%", actor=staff)
    indicator_result_record(result=rows["故障响应时间"], actual_text="3小时", actor=staff)
    indicator_result_record(
        result=rows["社会影响"], actual_text="提高", assessment_level="achieved", assessment_points=D(28), actor=staff
    )
    indicator_result_record(result=rows["用户满意度"], actual_text="95%", actor=staff)
    under_review(evaluation)
    indicator_score_override(result=rows["用户满意度"], score=D(9), reason="抽样偏少", actor=supervisor)
    evaluation.refresh_from_db()
    return evaluation
