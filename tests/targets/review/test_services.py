from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from budgets.audit import event_sentence
from budgets.models import AuditEntry
from targets.assessment.services import (
    evaluation_submit,
    indicator_result_record,
)
from targets.models import Evaluation, ReturnNote
from targets.review.rules import editing_refusal, returned_indicator_ids
from targets.review.services import submission_approve, submission_reopen, submission_return
from tests.targets.conftest import results

D = Decimal


def test_return_of_chosen_indicators_keeps_the_rest_locked(submitted, supervisor, staff):
    rows = results(submitted)
    evaluation = submission_return(
        record=submitted, indicator_messages={rows["巡检次数"].indicator_id: "请附巡检记录"}, actor=supervisor
    )
    assert evaluation.status == Evaluation.Status.RETURNED
    assert returned_indicator_ids(evaluation) == {rows["巡检次数"].indicator_id}
    note = ReturnNote.objects.get(evaluation=evaluation)
    assert (note.message, note.indicator_id, note.created_by) == (
        "请附巡检记录",
        rows["巡检次数"].indicator_id,
        supervisor,
    )
    indicator_result_record(result=rows["巡检次数"], actual_text="98.5%", actor=staff)
    with pytest.raises(ValidationError, match="仅退回了部分指标"):
        indicator_result_record(result=rows["故障响应时间"], actual_text="1.5小时", actor=staff)
    evaluation = evaluation_submit(evaluation=evaluation, actor=staff)
    assert ReturnNote.objects.get(evaluation=evaluation).resolved_at is not None


def test_return_needs_a_reason_and_a_supervisor(submitted, staff, supervisor):
    with pytest.raises(PermissionDenied):
        submission_return(record=submitted, message="自己退回", actor=staff)
    with pytest.raises(ValidationError, match="写明原因"):
        submission_return(record=submitted, message="  ", actor=supervisor)
    evaluation = submission_return(record=submitted, message="<script>alert(1)</script>口径不一致", actor=supervisor)
    assert editing_refusal(evaluation) is None  # a whole return opens every row, whatever the date
    entry = AuditEntry.objects.get(action="evaluation.return")
    assert event_sentence(entry) == "退回了绩效自评，原因：<script>alert(1)</script>口径不一致"


def test_approval_locks_and_reopening_needs_a_reason(submitted, supervisor, staff):
    evaluation = submission_approve(record=submitted, actor=supervisor)
    assert (evaluation.status, evaluation.reviewed_by) == (Evaluation.Status.APPROVED, supervisor)
    with pytest.raises(ValidationError):
        submission_approve(record=evaluation, actor=supervisor)
    with pytest.raises(ValidationError, match="写明理由"):
        submission_reopen(record=evaluation, reason="", actor=supervisor)
    evaluation = submission_reopen(record=evaluation, reason="审计发现数据错误", actor=supervisor)
    assert evaluation.status == Evaluation.Status.RETURNED
    assert evaluation.history.first().history_change_reason == "审计发现数据错误"
    assert (
        event_sentence(AuditEntry.objects.get(action="evaluation.reopen"))
        == "重新打开了绩效自评，理由：审计发现数据错误"
    )


def test_supervisor_of_another_tree_is_refused(submitted, other_department):
    from tests.factories import MembershipFactory, UserFactory

    stranger = UserFactory(username="elsewhere")
    MembershipFactory(user=stranger, department=other_department, role="supervisor")
    with pytest.raises(PermissionDenied):
        submission_approve(record=submitted, actor=stranger)
