"""Rescoring a year: the stored parse of actuals, errors kept as a flag, unchanged rows untouched, and
the same outcome from the SQL scorer (PostgreSQL) and the Python one (SQLite)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from targets.assessment.explanation import result_explanation
from targets.assessment.rescoring import evaluations_rescore_year
from targets.assessment.services import (
    evaluation_problems,
    evaluation_start,
    indicator_result_record,
    indicator_score_override,
)
from targets.indicator_fields import indicator_fields
from targets.models import Evaluation, IndicatorResult
from targets.scoring import Comparator, Flag
from targets.tasks import score_year
from tests.targets.conftest import results, under_review

D = Decimal


@pytest.fixture
def evaluation(sheet, period, staff):
    return evaluation_start(sheet=sheet, period=period, actor=staff)


def test_recording_stores_the_parsed_actual(evaluation, staff):
    row = indicator_result_record(result=results(evaluation)["故障响应时间"], actual_text="90 分钟", actor=staff)
    assert (row.actual_comparator, row.actual_number, row.actual_unit) == (Comparator.EQ, D("90"), "分钟")
    assert (row.computed_score, row.flag, row.final_score) == (D("25.00"), Flag.MET, D("25.00"))
    row = indicator_result_record(result=row, actual_text="已按时完成", actor=staff)
    assert (row.actual_comparator, row.actual_number, row.flag) == (Comparator.QUALITATIVE, None, Flag.NEEDS_JUDGEMENT)


def test_recording_refuses_what_cannot_be_scored_and_changes_nothing(evaluation, staff):
    row = results(evaluation)["故障响应时间"]
    with pytest.raises(ValidationError, match="单位“人”与目标单位“小时”不一致"):
        indicator_result_record(result=row, actual_text="3人", actor=staff)
    with pytest.raises(ValidationError, match="最多保留 6 位小数"):
        indicator_result_record(result=row, actual_text="1.1234567小时", actor=staff)
    row.refresh_from_db()
    assert (row.actual_text, row.actual_number, row.final_score) == ("", None, None)


def test_explanation_follows_from_the_stored_inputs_and_the_override(evaluation, staff, supervisor):
    row = indicator_result_record(result=results(evaluation)["巡检次数"], actual_text="95%", actor=staff)
    assert result_explanation(row) == "实际 95% 未达目标 ≥98%，按比例得 24.23 分"
    under_review(evaluation)
    row = indicator_score_override(result=row, score=D("20"), reason="抽检发现漏检", actor=supervisor)
    assert row.final_score == D("20.00") and row.computed_score == D("24.23")
    assert result_explanation(row) == "实际 95% 未达目标 ≥98%，按比例得 24.23 分；审核调整为 20.00 分：抽检发现漏检"


def test_a_changed_target_is_rescored_and_an_incomparable_one_flagged(evaluation, staff):
    rows = results(evaluation)
    indicator_result_record(result=rows["巡检次数"], actual_text="95%", actor=staff)
    indicator_result_record(result=rows["故障响应时间"], actual_text="3小时", actor=staff)
    for name, value in (("巡检次数", "≥90%"), ("故障响应时间", "≤5人")):
        indicator = rows[name].indicator
        fields = indicator_fields(level1=indicator.level1_label, level2=indicator.level2_label, name=name, value=value)
        type(indicator).objects.filter(pk=indicator.pk).update(**fields)

    counts = evaluations_rescore_year(year=2021)

    assert counts["changed"] == 2
    rows = results(evaluation)
    assert (rows["巡检次数"].final_score, rows["巡检次数"].flag) == (D("25.00"), Flag.MET)
    mismatch = rows["故障响应时间"]
    assert (mismatch.final_score, mismatch.flag) == (None, Flag.ERROR)
    assert result_explanation(mismatch) == "实际值单位“小时”与目标单位“人”不一致，无法比较"
    evaluation.refresh_from_db()
    assert evaluation.total is None  # a row that cannot be scored leaves the total open
    assert "指标“故障响应时间”无法计分：实际值单位“小时”与目标单位“人”不一致，无法比较" in evaluation_problems(
        evaluation
    )


def test_score_year_command_and_task_recompute_everything(recorded_evaluation, capsys):
    evaluation = recorded_evaluation
    before = (
        evaluation.total,
        evaluation.grade,
        sorted(IndicatorResult.objects.values_list("final_score", "computed_score", "flag")),
    )
    IndicatorResult.objects.update(computed_score=None, flag="")
    Evaluation.objects.update(total=None, grade="")
    call_command("score_year", "--year", "2021")
    assert "完成：1 份自评，4 条指标" in capsys.readouterr().out
    evaluation.refresh_from_db()
    after = (
        evaluation.total,
        evaluation.grade,
        sorted(IndicatorResult.objects.values_list("final_score", "computed_score", "flag")),
    )
    assert after == before
    assert score_year.apply(args=[2021]).get()["results"] == 4
    evaluation.refresh_from_db()
    assert (evaluation.total, evaluation.grade) == before[:2]


def test_rescoring_twice_rewrites_nothing_and_keeps_overrides(recorded_evaluation):
    stored = sorted(IndicatorResult.objects.values_list("id", "computed_score", "flag", "final_score"))
    first = IndicatorResult.objects.get(indicator__name="巡检次数")
    IndicatorResult.objects.filter(pk=first.pk).update(computed_score=None, flag="")

    assert evaluations_rescore_year(year=2021)["changed"] == 1
    assert evaluations_rescore_year(year=2021)["changed"] == 0
    assert sorted(IndicatorResult.objects.values_list("id", "computed_score", "flag", "final_score")) == stored
    # 24.23 + 16.67 + 28 + 9 (the override), and 0 for budget execution: nothing spent yet
    assert Evaluation.objects.get(pk=recorded_evaluation.pk).total == D("77.90")
