"""The self-evaluation entry page as staff use it: save a draft, see the score, a wrong unit gets a
message and changes nothing, a stale page cannot overwrite a colleague, submit when complete."""

import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from targets.assessment.services import evaluation_start, indicator_result_record
from targets.models import Evaluation, Evidence, IndicatorResult
from tests.targets.conftest import results

D = Decimal


@pytest.fixture
def evaluation(sheet, period, staff):
    return evaluation_start(sheet=sheet, period=period, actor=staff)


def page_data(response) -> dict:
    """Every input of the entry form as the browser would send it untouched."""
    html = response.content.decode()
    data = {}
    for tag in re.findall(r"<(?:input|textarea|select)\b[^>]*>", html):
        name = re.search(r'name="([^"]+)"', tag)
        if not name or 'type="file"' in tag or 'type="checkbox"' in tag:
            continue
        value = re.search(r'value="([^"]*)"', tag)
        data[name.group(1)] = value.group(1) if value else ""
    for name, value in re.findall(r'<textarea name="([^"]+)"[^>]*>([^<]*)</textarea>', html):
        data[name] = value
    for name, value in re.findall(r'<select name="([^"]+)"[^>]*>.*?<option value="([^"]*)" selected', html, re.S):
        data[name] = value
    return data


def prefix(evaluation, name):
    return f"r{results(evaluation)[name].pk}"


def test_saving_a_draft_scores_rows_and_shows_the_explanation(client, staff, evaluation):
    client.force_login(staff)
    url = reverse("assessment:entry", args=[evaluation.pk])
    data = page_data(client.get(url))
    data[f"{prefix(evaluation, '巡检次数')}-actual"] = "95%"
    data["save"] = "1"
    response = client.post(url, data, follow=True)
    body = response.content.decode()
    assert "已保存 1 项" in body
    assert "实际 95% 未达目标 ≥98%，按比例得 24.23 分" in body and "识别为： 95 %" in body
    assert results(Evaluation.objects.get(pk=evaluation.pk))["巡检次数"].final_score == D("24.23")


def test_a_unit_that_does_not_fit_gets_a_message_and_nothing_changes(client, staff, evaluation):
    client.force_login(staff)
    url = reverse("assessment:entry", args=[evaluation.pk])
    data = page_data(client.get(url))
    data[f"{prefix(evaluation, '巡检次数')}-actual"] = "99%"
    data[f"{prefix(evaluation, '故障响应时间')}-actual"] = "3人"
    response = client.post(url, data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "实际值单位“人”与目标单位“小时”不一致" in body and 'value="3人"' in body
    assert not IndicatorResult.objects.filter(evaluation=evaluation).exclude(actual_text="").exists()


def test_a_stale_page_does_not_overwrite_a_colleagues_change(client, staff, evaluation):
    client.force_login(staff)
    url = reverse("assessment:entry", args=[evaluation.pk])
    data = page_data(client.get(url))
    row = results(evaluation)["巡检次数"]
    indicator_result_record(result=row, actual_text="97%", actor=staff)  # a colleague, meanwhile
    data[f"{prefix(evaluation, '巡检次数')}-actual"] = "99%"
    body = client.post(url, data).content.decode()
    assert "已被 staff 于" in body and "实际完成值：97%" in body and "您的输入尚未保存" in body
    row.refresh_from_db()
    assert row.actual_text == "97%"


def test_an_untouched_stale_row_is_not_a_conflict(client, staff, evaluation):
    client.force_login(staff)
    url = reverse("assessment:entry", args=[evaluation.pk])
    data = page_data(client.get(url))
    indicator_result_record(result=results(evaluation)["巡检次数"], actual_text="97%", actor=staff)
    data[f"{prefix(evaluation, '用户满意度')}-actual"] = "93%"
    response = client.post(url, data, follow=True)
    assert "已保存 1 项" in response.content.decode()
    rows = results(evaluation)
    assert (rows["巡检次数"].actual_text, rows["用户满意度"].actual_text) == ("97%", "93%")


def test_submit_lists_what_is_missing_then_succeeds(client, staff, evaluation):
    client.force_login(staff)
    url = reverse("assessment:entry", args=[evaluation.pk])
    data = page_data(client.get(url))
    data["submit"] = "1"
    body = client.post(url, data, follow=True).content.decode()
    assert "还不能提交" in body and "指标“巡检次数”尚未填报实际完成值" in body
    data = page_data(client.get(url))
    for name, value in (
        ("巡检次数", "99%"),
        ("故障响应时间", "1小时"),
        ("用户满意度", "95%"),
        ("社会影响", "明显提高"),
    ):
        data[f"{prefix(evaluation, name)}-actual"] = value
    data[f"{prefix(evaluation, '社会影响')}-level"] = "achieved"
    data[f"{prefix(evaluation, '社会影响')}-points"] = "28"
    data["budget-executed"] = "190"
    data["submit"] = "1"
    body = client.post(url, data, follow=True).content.decode()
    assert "已提交审核" in body, body[:3000]
    evaluation.refresh_from_db()
    assert evaluation.status == Evaluation.Status.SUBMITTED
    assert 'name="save"' not in client.get(url).content.decode()  # nothing left to save


def test_script_in_a_reason_is_shown_as_text(client, staff, evaluation):
    client.force_login(staff)
    url = reverse("assessment:entry", args=[evaluation.pk])
    data = page_data(client.get(url))
    data[f"{prefix(evaluation, '巡检次数')}-actual"] = "95%"
    data[f"{prefix(evaluation, '巡检次数')}-deviation_reason"] = "<script>alert(1)</script>"
    body = client.post(url, data, follow=True).content.decode()
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_evidence_is_type_checked_and_served_as_an_attachment(client, staff, evaluation, outsider):
    client.force_login(staff)
    url = reverse("assessment:entry", args=[evaluation.pk])
    data = page_data(client.get(url))
    key = prefix(evaluation, "巡检次数")
    data[f"{key}-evidence"] = SimpleUploadedFile("program.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    body = client.post(url, data, follow=True).content.decode()
    assert "不是有效的PDF" in body and not Evidence.objects.exists()
    data = page_data(client.get(url))
    data[f"{key}-evidence"] = SimpleUploadedFile("巡检记录.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    client.post(url, data, follow=True)
    evidence = Evidence.objects.get()
    response = client.get(reverse("assessment:evidence", args=[evidence.pk]))
    assert response["Content-Disposition"].startswith("attachment;") and response["Content-Type"] == "application/pdf"
    client.force_login(outsider)
    assert client.get(reverse("assessment:evidence", args=[evidence.pk])).status_code == 403


def test_tabbing_moves_down_the_actuals_column(client, staff, evaluation):
    client.force_login(staff)
    html = client.get(reverse("assessment:entry", args=[evaluation.pk])).content.decode()
    tabs = [int(t) for t in re.findall(r'class="actual"[^>]*|tabindex="(\d+)" class="actual"', html) if t]
    assert tabs == [1, 2, 3, 4]
