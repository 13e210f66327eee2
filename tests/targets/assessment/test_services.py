from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from budgets.execution import execution_record_set
from budgets.models import AuditEntry
from targets.assessment.explanation import result_explanation
from targets.assessment.services import (
    evaluation_budget_set,
    evaluation_problems,
    evaluation_start,
    evaluation_submit,
    indicator_result_record,
    indicator_score_override,
)
from targets.models import Evaluation, RuleProfile
from targets.profiles import current_profile, rule_profile_revise
from targets.review.services import submission_approve
from tests.factories import IndicatorFactory, TargetSheetFactory
from tests.targets.conftest import results, under_review

D = Decimal


def test_default_weights_and_budget_from_execution(sheet, period, staff):
    execution_record_set(project=sheet.project, month=6, spent=D("183"), actor=staff)
    evaluation = evaluation_start(sheet=sheet, period=period, actor=staff)
    weights = {name: r.weight for name, r in results(evaluation).items()}
    assert weights == {
        "巡检次数": D("25.00"),
        "故障响应时间": D("25.00"),
        "社会影响": D("30.00"),
        "用户满意度": D("10.00"),
    }
    assert (evaluation.budget_rate, evaluation.budget_score) == (D("0.9150"), D("9.15"))
    assert evaluation.profile == current_profile() and evaluation.total is None


def test_scoring_totals_and_grade(sheet, period, staff):
    evaluation = evaluation_start(sheet=sheet, period=period, actor=staff)
    rows = results(evaluation)
    indicator_result_record(result=rows["巡检次数"], actual_text="95%", actor=staff)
    indicator_result_record(result=rows["故障响应时间"], actual_text="1小时", actor=staff)
    indicator_result_record(
        result=rows["社会影响"],
        actual_text="明显提高",
        assessment_level="achieved",
        assessment_points=D("27"),
        actor=staff,
    )
    indicator_result_record(result=rows["用户满意度"], actual_text="92%", actor=staff)
    evaluation_budget_set(evaluation=evaluation, full_year_budget=D("200"), executed=D("183"), actor=staff)
    evaluation.refresh_from_db()
    rows = results(evaluation)
    assert rows["巡检次数"].final_score == D("24.23")
    assert result_explanation(rows["巡检次数"]) == "实际 95% 未达目标 ≥98%，按比例得 24.23 分"
    assert evaluation.total == D("24.23") + D("25.00") + D("27.00") + D("10.00") + D("9.15")
    assert evaluation.grade == "优"


def test_qualitative_points_outside_band_are_refused(sheet, period, staff):
    evaluation = evaluation_start(sheet=sheet, period=period, actor=staff)
    with pytest.raises(ValidationError, match="超出范围"):
        indicator_result_record(
            result=results(evaluation)["社会影响"],
            actual_text="有所提高",
            assessment_level="partial",
            assessment_points=D("29"),
            actor=staff,
        )


def test_unit_mismatch_is_an_error(sheet, period, staff):
    evaluation = evaluation_start(sheet=sheet, period=period, actor=staff)
    with pytest.raises(ValidationError, match="无法比较"):
        indicator_result_record(result=results(evaluation)["故障响应时间"], actual_text="3次", actor=staff)


def test_override_by_supervisor_with_reason_only(sheet, period, staff, supervisor):
    evaluation = evaluation_start(sheet=sheet, period=period, actor=staff)
    row = indicator_result_record(result=results(evaluation)["用户满意度"], actual_text="200%", actor=staff)
    assert row.flag == "over_achieved"
    with pytest.raises(ValidationError, match="只有在审核中"):
        indicator_score_override(result=row, score=D("8"), reason="草稿中不能调整", actor=supervisor)
    under_review(evaluation)
    with pytest.raises(PermissionDenied):
        indicator_score_override(result=row, score=D("8"), reason="超额过多", actor=staff)
    with pytest.raises(ValidationError):
        indicator_score_override(result=row, score=D("8"), reason=" ", actor=supervisor)
    with pytest.raises(ValidationError):
        indicator_score_override(result=row, score=D("11"), reason="超出分值", actor=supervisor)
    row = indicator_score_override(result=row, score=D("8"), reason="目标设定偏低，酌情扣分", actor=supervisor)
    assert (row.computed_score, row.final_score) == (D("10.00"), D("8"))
    entry = AuditEntry.objects.get(action="indicator_result.override")
    assert entry.changes["reason"] == "目标设定偏低，酌情扣分" and entry.actor == supervisor


def test_submit_needs_reasons_for_shortfalls(sheet, period, staff, supervisor):
    evaluation = evaluation_start(sheet=sheet, period=period, actor=staff)
    rows = results(evaluation)
    indicator_result_record(result=rows["巡检次数"], actual_text="95%", actor=staff)
    indicator_result_record(result=rows["故障响应时间"], actual_text="1小时", actor=staff)
    indicator_result_record(
        result=rows["社会影响"], actual_text="提高", assessment_level="achieved", assessment_points=D(30), actor=staff
    )
    indicator_result_record(result=rows["用户满意度"], actual_text="", not_applicable=True, actor=staff)
    evaluation_budget_set(evaluation=evaluation, full_year_budget=D("200"), executed=D("100"), actor=staff)
    problems = evaluation_problems(evaluation)
    assert problems == ["指标“巡检次数”需填写偏差原因分析及改进措施", "预算执行率低于要求，需说明原因"]
    with pytest.raises(ValidationError):
        evaluation_submit(evaluation=evaluation, actor=staff)
    indicator_result_record(
        result=rows["巡检次数"], actual_text="95%", deviation_reason="设备老化", improvement="更新设备", actor=staff
    )
    evaluation_budget_set(
        evaluation=evaluation,
        full_year_budget=D("200"),
        executed=D("100"),
        explanation="下半年合同延后支付",
        actor=staff,
    )
    evaluation = evaluation_submit(evaluation=evaluation, actor=staff)
    assert evaluation.status == Evaluation.Status.SUBMITTED
    evaluation.refresh_from_db()
    # 用户满意度 (weight 10) excluded and the total rescaled to 100.
    assert evaluation.total == D("93.59")  # (24.23 + 25 + 30 + 5.00) × 100 / 90
    with pytest.raises(ValidationError, match="等待审核"):
        indicator_result_record(result=rows["巡检次数"], actual_text="99%", actor=staff)
    evaluation = submission_approve(record=evaluation, actor=supervisor)
    assert evaluation.status == Evaluation.Status.APPROVED
    with pytest.raises(ValidationError, match="已锁定"):
        indicator_result_record(result=rows["巡检次数"], actual_text="99%", actor=staff)
    with pytest.raises(ValidationError, match="只有在审核中"):
        indicator_score_override(result=rows["巡检次数"], score=D("1"), reason="已通过后调整", actor=supervisor)


def test_outsider_cannot_start(sheet, period, outsider):
    with pytest.raises(PermissionDenied):
        evaluation_start(sheet=sheet, period=period, actor=outsider)


def test_scores_keep_the_profile_version_that_produced_them(sheet, period, staff, superuser):
    evaluation = evaluation_start(sheet=sheet, period=period, actor=staff)
    row = indicator_result_record(result=results(evaluation)["故障响应时间"], actual_text="3小时", actor=staff)
    assert row.final_score == D("16.67")
    revised = rule_profile_revise(
        profile=current_profile(), reason="本地采用线性扣分", actor=superuser, reverse_formula="linear"
    )
    assert (revised.version, current_profile().version) == (2, 2)
    assert RuleProfile.objects.get(version=1).is_current is False
    row = indicator_result_record(result=row, actual_text="3小时", actor=staff)  # rescoring reproduces v1
    assert row.final_score == D("16.67")
    other = TargetSheetFactory(project=sheet.project, period="annual", version=2, is_current=False)
    IndicatorFactory(sheet=other, name="响应", value="≤2小时")
    second = evaluation_start(sheet=other, period=period, actor=staff)
    assert second.profile == revised
    row = indicator_result_record(result=second.results.get(), actual_text="3小时", actor=staff)
    assert row.final_score == D("25.00")  # linear, weight 50 for the only 产出 indicator


def test_profile_weights_must_add_up(superuser, db):
    with pytest.raises(ValidationError, match="之和必须为 100"):
        rule_profile_revise(profile=current_profile(), reason="试", actor=superuser, weight_output=D(60))
