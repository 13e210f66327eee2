"""The admin of rule profiles, self-evaluations and indicator results (score adjustments)."""

from decimal import Decimal as D
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from targets.models import Evaluation, IndicatorResult
from tests.factories import IndicatorFactory
from tests.targets.conftest import results


def test_editing_a_rule_profile_in_the_admin_makes_a_new_version(client, superuser):
    from targets.models import RuleProfile
    from targets.profiles import EDITABLE, current_profile

    profile = current_profile()
    client.force_login(superuser)
    data = {field: getattr(profile, field) for field in EDITABLE}
    data.update(reverse_formula="linear", reason="本市采用线性扣分")
    data = {k: ("on" if v is True else v) for k, v in data.items() if v is not False}
    response = client.post(reverse("admin:targets_ruleprofile_change", args=[profile.pk]), data)
    assert response.status_code == 302, response.content.decode()[:1500]
    revised = current_profile()
    assert (revised.version, revised.reverse_formula, revised.previous_id) == (2, "linear", profile.pk)
    assert RuleProfile.objects.get(pk=profile.pk).reverse_formula == "ratio"


def test_evaluation_page_explains_every_row_with_a_fixed_number_of_queries(client, supervisor, recorded_evaluation):
    client.force_login(supervisor)
    url = reverse("admin:targets_evaluation_change", args=[recorded_evaluation.pk])
    with CaptureQueriesContext(connection) as four_rows:
        page = client.get(url).content.decode()
    assert "实际 95% 未达目标 ≥98%，按比例得 24.23 分" in page
    assert "实际 3小时 未达目标 ≤2小时，按比例得 16.67 分" in page
    assert "审核调整为 9.00 分：抽样偏少" in page
    for order in range(100, 106):
        indicator = IndicatorFactory(sheet=recorded_evaluation.sheet, order=order, value="≥10个")
        IndicatorResult.objects.create(
            evaluation=recorded_evaluation,
            indicator=indicator,
            weight=1,
            actual_text="5个",
            actual_comparator="EQ",
            actual_number=5,
            actual_unit="个",
            computed_score=D("0.50"),
        )
    with CaptureQueriesContext(connection) as ten_rows:
        assert "实际 5个 未达目标 ≥10个，按比例得 0.50 分" in client.get(url).content.decode()
    assert len(ten_rows.captured_queries) == len(four_rows.captured_queries)


def test_outsider_cannot_open_an_evaluation(client, outsider, recorded_evaluation):
    client.force_login(outsider)
    response = client.get(reverse("admin:targets_evaluation_change", args=[recorded_evaluation.pk]))
    assert response.status_code == 403


# The 指标完成情况 admin: adjusting a score never ends in a 500 -------------------------------------


def result_url(result):
    return reverse("admin:targets_indicatorresult_change", args=[result.pk])


def save(client, result, **data):
    return client.post(result_url(result), {"score": "", "reason": "", **data})


@pytest.fixture
def satisfaction(recorded_evaluation):
    return results(recorded_evaluation)["用户满意度"]  # weight 10, adjusted to 9 by the supervisor


@pytest.fixture
def inspection(recorded_evaluation):
    return results(recorded_evaluation)["巡检次数"]  # not adjusted


@pytest.mark.parametrize(
    ("row", "data", "message"),
    [
        ("inspection", {}, "请填写调整后得分"),  # saved without an adjustment
        ("inspection", {"reason": "x"}, "该指标没有调整过得分，无需取消"),
        ("inspection", {"score": "50", "reason": "过高"}, "调整后得分应在 0 到"),
        ("inspection", {"score": "20"}, "这个字段是必填项"),
        ("inspection", {"score": "两分", "reason": "x"}, "输入一个数字"),
        ("satisfaction", {"score": "", "reason": ""}, "这个字段是必填项"),  # clearing without a reason
    ],
)
def test_bad_adjustments_are_named_on_the_form_and_change_nothing(client, request, supervisor, row, data, message):
    result = request.getfixturevalue(row)
    before = (result.override_score, result.override_reason, result.revision)
    client.force_login(supervisor)
    response = save(client, result, **data)
    assert response.status_code == 200
    assert message in response.content.decode()
    result.refresh_from_db()
    assert (result.override_score, result.override_reason, result.revision) == before


def test_adjusting_and_clearing_a_score(client, supervisor, inspection, satisfaction):
    client.force_login(supervisor)
    response = save(client, inspection, score="20", reason="现场核查后认定")
    assert response.status_code == 302
    inspection.refresh_from_db()
    assert (inspection.override_score, inspection.override_reason) == (D("20.00"), "现场核查后认定")
    response = save(client, satisfaction, reason="样本已补足")
    assert response.status_code == 302
    satisfaction.refresh_from_db()
    assert (satisfaction.override_score, satisfaction.final_score) == (None, satisfaction.computed_score)
    assert satisfaction.history.first().history_change_reason == "样本已补足"
    evaluation = Evaluation.objects.get(pk=satisfaction.evaluation_id)
    assert evaluation.total == sum(r.final_score for r in evaluation.results.all()) + evaluation.budget_score


def test_pages_that_cannot_be_changed_have_no_save_button(client, staff, supervisor, recorded_evaluation, inspection):
    client.force_login(staff)
    body = client.get(result_url(inspection)).content.decode()
    assert 'name="_save"' not in body
    assert save(client, inspection, score="1", reason="x").status_code == 403
    Evaluation.objects.filter(pk=recorded_evaluation.pk).update(status=Evaluation.Status.APPROVED)
    client.force_login(supervisor)
    body = client.get(result_url(inspection)).content.decode()
    assert 'name="_save"' not in body and "24.23" in body
    assert save(client, inspection, score="1", reason="x").status_code == 403
    inspection.refresh_from_db()
    assert inspection.override_score is None


def test_the_grade_filter_offers_every_grade_and_reads_no_evaluation_for_them(client, superuser, recorded_evaluation):
    client.force_login(superuser)
    url = reverse("admin:targets_evaluation_changelist")
    with CaptureQueriesContext(connection) as captured:
        body = client.get(url).content.decode()
    assert all(f"?grade={quote(grade)}" in body for grade in ("优", "良", "中", "差"))
    assert not any("DISTINCT" in query["sql"] and "grade" in query["sql"] for query in captured.captured_queries)
    grade = recorded_evaluation.grade
    other = next(g for g in ("优", "良", "中", "差") if g != grade)
    assert client.get(url, {"grade": grade}).context["cl"].result_count == 1
    assert client.get(url, {"grade": other}).context["cl"].result_count == 0
    refused = client.get(url, {"grade": "甲"}, follow=True).content.decode()
    assert "筛选条件或页码无法使用" in refused
