"""Self-evaluation services called at the same moment on PostgreSQL: no update is lost, a submission
stays submitted, and nothing changes an approved evaluation."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from budgets.models import AuditEntry, FundingPeriod
from targets.assessment.services import (
    evaluation_budget_set,
    evaluation_start,
    evaluation_submit,
    indicator_result_record,
    indicator_score_override,
)
from targets.models import Evaluation, IndicatorResult
from targets.review.services import submission_approve
from tests.concurrency import errors, require_postgresql, run_together
from tests.factories import FundingFactory, IndicatorFactory, ProjectFactory, TargetSheetFactory
from tests.targets.conftest import results, under_review

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
D = Decimal


@pytest.fixture(autouse=True)
def _postgresql(transactional_db):
    require_postgresql()


def complete_evaluation(department, period, staff, name):
    """A draft evaluation with every row reported and the budget explained: ready to submit."""
    project = ProjectFactory(department=department, name=name)
    FundingFactory(project=project, period=FundingPeriod.ANNUAL, total=D("200"))
    sheet = TargetSheetFactory(project=project)
    IndicatorFactory(sheet=sheet, name="巡检次数", value="≥98%")
    IndicatorFactory(sheet=sheet, name="用户满意度", level1="满意度指标", level2="服务对象满意度指标", value="≥90%")
    evaluation = evaluation_start(sheet=sheet, period=period, actor=staff)
    rows = results(evaluation)
    indicator_result_record(result=rows["巡检次数"], actual_text="99%", actor=staff)
    indicator_result_record(result=rows["用户满意度"], actual_text="95%", actor=staff)
    evaluation_budget_set(evaluation=evaluation, full_year_budget=D("200"), executed=D("190"), actor=staff)
    return Evaluation.objects.get(pk=evaluation.pk)


def expected_total(evaluation) -> Decimal:
    """Computed here from the stored rows: every row's final score plus the budget score."""
    evaluation.refresh_from_db()
    finals = list(IndicatorResult.objects.filter(evaluation=evaluation).values_list("final_score", flat=True))
    assert None not in finals
    return sum(finals, D(0)) + evaluation.budget_score


def test_submission_racing_a_save_is_never_lost(department, period, staff):
    for round_ in range(8):
        evaluation = complete_evaluation(department, period, staff, f"运维项目{round_}")
        row = results(evaluation)["巡检次数"]
        submit, record = run_together(
            lambda evaluation=evaluation: evaluation_submit(evaluation=evaluation, actor=staff),
            lambda row=row: indicator_result_record(result=row, actual_text="100%", actor=staff),
        )
        assert submit[0] == "ok", submit
        evaluation.refresh_from_db()
        assert evaluation.status == Evaluation.Status.SUBMITTED
        if record[0] == "error":
            assert isinstance(record[1], ValidationError)  # came after the submission: refused
            assert IndicatorResult.objects.get(pk=row.pk).actual_text == "99%"
        else:
            assert IndicatorResult.objects.get(pk=row.pk).actual_text == "100%"
        assert evaluation.total == expected_total(evaluation)


def test_twenty_saves_at_once_leave_the_total_right(department, period, staff):
    project = ProjectFactory(department=department, name="二十项指标")
    FundingFactory(project=project, period=FundingPeriod.ANNUAL, total=D("200"))
    sheet = TargetSheetFactory(project=project)
    for n in range(20):
        IndicatorFactory(sheet=sheet, name=f"完成数量{n}", value="≥100个")
    evaluation = evaluation_start(sheet=sheet, period=period, actor=staff)
    rows = list(evaluation.results.select_related("indicator").order_by("indicator__order"))
    outcomes = run_together(
        *[
            lambda row=row, n=n: indicator_result_record(result=row, actual_text=f"{81 + n}个", actor=staff)
            for n, row in enumerate(rows)
        ]
    )
    assert errors(outcomes) == []
    evaluation.refresh_from_db()
    assert evaluation.total is not None
    assert evaluation.total == expected_total(evaluation)
    actuals = IndicatorResult.objects.filter(evaluation=evaluation).values_list("actual_text", flat=True)
    assert sorted(actuals) == sorted(f"{81 + n}个" for n in range(20))


def test_an_approved_evaluation_cannot_be_overridden(department, period, staff, supervisor):
    evaluation = complete_evaluation(department, period, staff, "已通过项目")
    under_review(evaluation)
    submission_approve(record=evaluation, actor=supervisor)
    row = results(evaluation)["巡检次数"]
    with pytest.raises(ValidationError) as caught:
        indicator_score_override(result=row, score=D("1"), reason="通过后调整", actor=supervisor)
    assert "审核中" in " ".join(caught.value.messages)
    assert IndicatorResult.objects.get(pk=row.pk).override_score is None


def test_an_override_racing_the_approval_is_applied_before_it_or_not_at_all(department, period, staff, supervisor):
    for round_ in range(8):
        evaluation = under_review(complete_evaluation(department, period, staff, f"审核项目{round_}"))
        row = results(evaluation)["巡检次数"]
        approve, override = run_together(
            lambda evaluation=evaluation: submission_approve(record=evaluation, actor=supervisor),
            lambda row=row: indicator_score_override(result=row, score=D("1"), reason="抽查不实", actor=supervisor),
        )
        assert approve[0] == "ok", approve
        evaluation.refresh_from_db()
        assert evaluation.status == Evaluation.Status.APPROVED
        stored = IndicatorResult.objects.get(pk=row.pk)
        if override[0] == "ok":
            entries = AuditEntry.objects.filter(
                action__in=["indicator_result.override", "evaluation.approve"],
                object_id__in=[str(row.pk), str(evaluation.pk)],
            ).order_by("id")
            assert list(entries.values_list("action", flat=True)) == ["indicator_result.override", "evaluation.approve"]
            assert stored.override_score == D("1.00")
        else:
            assert stored.override_score is None
        assert evaluation.total == expected_total(evaluation)
