"""Target sheets on the staff side: correct a misread target, add, remove and reorder indicators,
edit funds; locked sheets have no 保存; a project typed in by hand."""

import pytest
from django.urls import reverse

from targets.assessment.services import evaluation_start
from targets.models import Indicator, IndicatorResult, TargetSheet
from tests.targets.assessment.test_views import page_data


@pytest.fixture
def url(sheet):
    return reverse("sheets:detail", args=[sheet.pk])


def test_correcting_a_target_adding_and_removing_rows_follow_the_open_evaluation(client, staff, sheet, period, url):
    evaluation = evaluation_start(sheet=sheet, period=period, actor=staff)
    client.force_login(staff)
    data = page_data(client.get(url))
    first, second = sheet.indicators.order_by("order")[:2]
    data[f"i{first.pk}-value"] = "≥95%"
    data[f"i{second.pk}-remove"] = "on"
    data["new0-level1"], data["new0-level2"], data["new0-name"], data["new0-value"] = (
        "产出指标",
        "数量指标",
        "培训人次",
        "≥200人次",
    )
    data["funds-annual-total"] = "210.5"
    response = client.post(url, data, follow=True)
    assert "已保存 4 项" in response.content.decode()
    first.refresh_from_db()
    assert (first.target_text, first.target_number) == ("≥95%", 95)
    assert not Indicator.objects.filter(pk=second.pk).exists()
    names = list(sheet.indicators.order_by("order").values_list("name", flat=True))
    assert names[-1] == "培训人次" and list(sheet.indicators.order_by("order").values_list("order", flat=True)) == [
        1,
        2,
        3,
        4,
    ]
    assert IndicatorResult.objects.filter(evaluation=evaluation).count() == 4
    assert sheet.project.fundings.get(period="annual").total == 210.5
    history = client.get(reverse("sheets:history", args=[sheet.pk])).content.decode()
    assert "≥98% → ≥95%" in history and "新增了指标“培训人次" in history


def test_reordering(client, staff, sheet):
    client.force_login(staff)
    last = sheet.indicators.order_by("order").last()
    client.post(reverse("sheets:move", args=[last.pk]), {"position": "1"})
    assert sheet.indicators.order_by("order").first() == last


def test_a_bad_row_saves_nothing(client, staff, sheet, url):
    client.force_login(staff)
    data = page_data(client.get(url))
    first = sheet.indicators.order_by("order").first()
    data[f"i{first.pk}-value"] = "≥90%"
    data[f"i{first.pk}-weight"] = "abc"
    response = client.post(url, data)
    assert response.status_code == 200 and "未保存" in response.content.decode()
    first.refresh_from_db()
    assert first.target_text == "≥98%"


def test_an_approved_sheet_is_read_only_and_can_be_revised(client, staff, sheet, url):
    TargetSheet.objects.filter(pk=sheet.pk).update(status=TargetSheet.Status.APPROVED)
    client.force_login(staff)
    body = client.get(url).content.decode()
    assert "修订（生成新版本）" in body and ">保存<" not in body
    response = client.post(reverse("sheets:revise", args=[sheet.pk]), follow=True)
    assert "已生成新的修订版本" in response.content.decode()
    assert TargetSheet.objects.get(project=sheet.project, is_current=True).version == 2


def test_a_project_typed_in_by_hand(client, staff, department):
    client.force_login(staff)
    response = client.post(
        reverse("sheets:new"),
        {
            "department": department.pk,
            "year": 2022,
            "name": "乡村道路养护",
            "implementing_unit": "",
            "overall_goal": "",
        },
        follow=True,
    )
    assert "已新建项目和目标表" in response.content.decode()
    sheet = TargetSheet.objects.get(project__name="乡村道路养护")
    assert (sheet.year, sheet.status, sheet.source_document) == (2022, "draft", None)


def test_other_departments_sheets_are_not_found(client, sheet, other_department):
    from tests.factories import MembershipFactory, UserFactory

    other = UserFactory(username="other-staff")
    MembershipFactory(user=other, department=other_department)
    client.force_login(other)
    assert client.get(reverse("sheets:detail", args=[sheet.pk])).status_code == 404
    assert "政务云平台运维项目" not in client.get(reverse("sheets:list")).content.decode()
