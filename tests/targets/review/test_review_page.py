"""The review page of a self-evaluation in the admin: what the supervisor sees and does."""

from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from budgets.models import AuditEntry
from targets.assessment.services import evaluation_submit, indicator_result_record, indicator_score_override
from targets.models import Evaluation, Evidence, IndicatorResult, ReturnNote
from targets.review.rules import editing_refusal
from targets.review.services import submission_approve, submission_reopen
from tests.factories import IndicatorFactory
from tests.targets.conftest import results

D = Decimal


def page_url(evaluation):
    return reverse("admin:targets_evaluation_change", args=[evaluation.pk])


def post(client, evaluation, action, **data):
    return client.post(page_url(evaluation), {"review_action": action, **data})


def messages_of(response):
    return [str(m) for m in response.wsgi_request._messages]


def test_page_shows_every_row_with_its_target_actual_score_and_reasons(client, supervisor, submitted):
    row = results(submitted)["故障响应时间"]
    IndicatorResult.objects.filter(pk=row.pk).update(deviation_reason="夜间值守人员不足", improvement="增设值班")
    Evidence.objects.create(
        result=row, file=ContentFile(b"x", name="log.pdf"), original_name="巡检记录.pdf", size=1, sha256="0" * 64
    )
    client.force_login(supervisor)
    body = client.get(page_url(submitted)).content.decode()
    assert "≥98%" in body and "99%" in body and "识别为 99%" in body
    assert "实际 1小时 达到目标 ≤2小时" in body  # the explanation of the score
    assert "夜间值守人员不足" in body and "增设值班" in body
    assert "巡检记录.pdf" in body  # evidence by name (a download link where the project has one)
    assert "全年预算数（万元）" in body and ">200<" in body and ">95%<" in body  # the budget block
    assert "首次提交审核，此前没有审核通过的版本可比较" in body
    assert 'id="approve-form"' in body and 'id="return-form"' in body
    assert "保存" not in body  # nothing here is a form to save


def test_approve_locks_the_record(client, supervisor, staff, submitted):
    client.force_login(supervisor)
    response = post(client, submitted, "approve")
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert (submitted.status, submitted.reviewed_by) == (Evaluation.Status.APPROVED, supervisor)
    assert "已审核通过" in messages_of(response)[0]
    body = client.get(page_url(submitted)).content.decode()
    assert "数据已锁定" in body and 'id="approve-form"' not in body and 'id="reopen-form"' in body
    assert editing_refusal(submitted) is not None


def test_return_of_chosen_indicators_writes_a_note_for_each(client, supervisor, submitted):
    rows = results(submitted)
    first, second = rows["巡检次数"].indicator_id, rows["用户满意度"].indicator_id
    client.force_login(supervisor)
    response = post(
        client,
        submitted,
        "return",
        message="请补充佐证",
        **{f"indicator_{first}": "1", f"reason_{first}": "请附巡检记录", f"indicator_{second}": "1"},
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == Evaluation.Status.RETURNED
    notes = {n.indicator_id: n.message for n in ReturnNote.objects.filter(evaluation=submitted)}
    assert notes == {first: "请附巡检记录", second: "请补充佐证"}
    assert editing_refusal(submitted, indicator_id=first) is None
    assert "其余内容保持锁定" in editing_refusal(submitted, indicator_id=rows["社会影响"].indicator_id)


def test_a_reason_typed_for_an_indicator_returns_it_without_ticking(client, supervisor, submitted):
    indicator = results(submitted)["巡检次数"].indicator_id
    client.force_login(supervisor)
    post(client, submitted, "return", **{f"reason_{indicator}": "口径不一致"})
    assert list(ReturnNote.objects.filter(evaluation=submitted).values_list("indicator_id", "message")) == [
        (indicator, "口径不一致")
    ]


def test_whole_return_needs_a_reason_and_changes_nothing_without(client, supervisor, submitted):
    client.force_login(supervisor)
    response = post(client, submitted, "return", message="   ")
    assert response.status_code == 200
    assert "退回必须写明原因" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == Evaluation.Status.SUBMITTED and not ReturnNote.objects.exists()
    response = post(client, submitted, "return", message="<script>alert(1)</script>数据口径不一致")
    submitted.refresh_from_db()
    assert submitted.status == Evaluation.Status.RETURNED
    note = ReturnNote.objects.get(evaluation=submitted)
    assert (note.indicator_id, note.message) == (None, "<script>alert(1)</script>数据口径不一致")
    body = client.get(page_url(submitted)).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;数据口径不一致" in body and "<script>alert(1)" not in body


def test_return_for_an_indicator_of_another_sheet_is_refused(client, supervisor, submitted, other_project):
    stranger = IndicatorFactory(sheet__project=other_project)
    client.force_login(supervisor)
    response = post(client, submitted, "return", **{f"indicator_{stranger.pk}": "1", f"reason_{stranger.pk}": "x"})
    # a field the page does not know is ignored: with no reason for the whole record, nothing happens
    assert response.status_code == 200 and "退回必须写明原因" in response.content.decode()
    assert not ReturnNote.objects.exists()


def test_override_with_a_reason_and_clearing_it(client, supervisor, submitted):
    row = results(submitted)["用户满意度"]
    client.force_login(supervisor)
    response = post(client, submitted, "override", result=row.pk, score="8.5", reason="抽样偏少")
    assert response.status_code == 302, response.content.decode()[:2000]
    row.refresh_from_db()
    assert (row.override_score, row.override_reason, row.final_score) == (D("8.50"), "抽样偏少", D("8.50"))
    body = client.get(page_url(submitted)).content.decode()
    assert "审核调整为 8.50 分：抽样偏少" in body and "取消调整" in body
    response = post(client, submitted, "clear_override", result=row.pk, reason="复核后按计算得分")
    row.refresh_from_db()
    assert (row.override_score, row.final_score) == (None, row.computed_score)
    assert row.history.first().history_change_reason == "复核后按计算得分"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"score": "50", "reason": "过高"}, "调整后得分应在 0 到 10 分之间"),
        ({"score": "8", "reason": ""}, "这个字段是必填项"),
        ({"score": "abc", "reason": "x"}, "输入一个数字"),
        ({"score": "", "reason": "x"}, "请填写调整后得分"),
    ],
)
def test_bad_overrides_are_named_and_change_nothing(client, supervisor, submitted, data, message):
    row = results(submitted)["用户满意度"]
    client.force_login(supervisor)
    response = post(client, submitted, "override", result=row.pk, **data)
    assert response.status_code == 200
    assert message in response.content.decode()
    row.refresh_from_db()
    assert row.override_score is None


def test_clearing_when_nothing_was_adjusted_is_named(client, supervisor, submitted):
    row = results(submitted)["用户满意度"]
    client.force_login(supervisor)
    response = post(client, submitted, "clear_override", result=row.pk, reason="x")
    assert response.status_code == 200 and "没有调整过得分" in response.content.decode()


def test_reopen_needs_a_reason(client, supervisor, submitted):
    submission_approve(record=submitted, actor=supervisor)
    client.force_login(supervisor)
    response = post(client, submitted, "reopen", reason="")
    assert response.status_code == 200 and "这个字段是必填项" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == Evaluation.Status.APPROVED
    post(client, submitted, "reopen", reason="审计发现数据错误")
    submitted.refresh_from_db()
    assert submitted.status == Evaluation.Status.RETURNED
    assert ReturnNote.objects.get(evaluation=submitted).message == "审计发现数据错误"


def test_what_changed_since_the_last_approval(client, supervisor, staff, submitted):
    submission_approve(record=submitted, actor=supervisor)
    evaluation = submission_reopen(record=submitted, reason="满意度调查样本不足", actor=supervisor)
    row = results(evaluation)["用户满意度"]
    indicator_result_record(
        result=row, actual_text="85%", deviation_reason="样本扩大后下降", improvement="改进服务", actor=staff
    )
    evaluation_submit(evaluation=evaluation, actor=staff)
    client.force_login(supervisor)
    body = client.get(page_url(evaluation)).content.decode()
    assert "与上次审核通过（" in body
    assert "指标“用户满意度”有" in body
    assert "实际完成值：95% → 85%" in body
    assert "偏差原因分析：（空） → 样本扩大后下降" in body
    assert "总分：" in body  # the total moved with the row
    assert "指标“巡检次数”有" not in body  # untouched rows are not listed
    submission_approve(record=evaluation, actor=supervisor)
    body = client.get(page_url(evaluation)).content.decode()
    assert "实际完成值：95% → 85%" in body  # once approved again: what this round changed


def test_a_return_waiting_for_its_answer_is_said_so(client, supervisor, submitted):
    client.force_login(supervisor)
    post(client, submitted, "return", message="请核对")
    body = client.get(page_url(submitted)).content.decode()
    assert "尚未审核通过过；已于" in body and "退回，等待重新提交" in body and "没有变化" not in body


def test_staff_see_their_record_read_only_and_cannot_act(client, staff, submitted):
    client.force_login(staff)
    response = client.get(page_url(submitted))
    body = response.content.decode()
    assert response.status_code == 200 and "≥98%" in body
    assert "approve-form" not in body and "return-form" not in body and "调整得分" not in body
    assert post(client, submitted, "approve").status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == Evaluation.Status.SUBMITTED


def test_other_departments_and_outsiders_do_not_see_it(client, other_staff, outsider, submitted):
    client.force_login(other_staff)
    assert client.get(page_url(submitted)).status_code == 302  # as for any record outside the scope
    assert post(client, submitted, "approve").status_code == 302
    client.force_login(outsider)
    assert client.get(page_url(submitted)).status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == Evaluation.Status.SUBMITTED


def test_an_unknown_action_or_id_is_refused_without_a_500(client, supervisor, submitted):
    client.force_login(supervisor)
    assert post(client, submitted, "delete_everything").status_code == 403
    assert client.get(reverse("admin:targets_evaluation_change", args=["abc"])).status_code == 302
    response = post(client, submitted, "override", result="999999", score="1", reason="x")
    assert response.status_code == 200 and "不属于这份绩效自评" in response.content.decode()


def test_the_page_reads_a_fixed_number_of_queries(client, supervisor, staff, submitted):
    submission_approve(record=submitted, actor=supervisor)
    evaluation = submission_reopen(record=submitted, reason="复核", actor=supervisor)
    indicator_result_record(result=results(evaluation)["巡检次数"], actual_text="98.5%", actor=staff)
    evaluation_submit(evaluation=evaluation, actor=staff)
    indicator_score_override(result=results(evaluation)["用户满意度"], score=D(9), reason="抽样偏少", actor=supervisor)
    client.force_login(supervisor)
    url = page_url(evaluation)
    client.get(url)  # permissions and sessions cached as on any later page
    with CaptureQueriesContext(connection) as four_rows:
        assert client.get(url).status_code == 200
    for order in range(100, 106):
        indicator = IndicatorFactory(sheet=evaluation.sheet, order=order, value="≥10个")
        result = IndicatorResult.objects.create(evaluation=evaluation, indicator=indicator, weight=1, actual_text="5个")
        Evidence.objects.create(
            result=result, file=ContentFile(b"x", name="a.pdf"), original_name=f"{order}.pdf", size=1, sha256="0" * 64
        )
    with CaptureQueriesContext(connection) as ten_rows:
        body = client.get(url).content.decode()
    assert "105.pdf" in body and "新增" in body
    assert len(ten_rows.captured_queries) == len(four_rows.captured_queries)


def test_business_events_of_the_review_read_as_sentences(client, supervisor, submitted):
    client.force_login(supervisor)
    post(client, submitted, "override", result=results(submitted)["用户满意度"].pk, score="9", reason="抽样偏少")
    post(client, submitted, "approve")
    body = client.get(reverse("admin:targets_evaluation_history", args=[submitted.pk])).content.decode()
    assert "审核通过了绩效自评" in body and "理由：抽样偏少" in body and "提交了绩效自评（总分" in body
    assert '状态</strong>：<span class="old">已提交</span> → 已审核通过' in body
    for code in ("evaluation.approve", "indicator_result.override", "submitted", "approved"):
        assert code not in body
    assert AuditEntry.objects.filter(action="evaluation.approve").count() == 1
