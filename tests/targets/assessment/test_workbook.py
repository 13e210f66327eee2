"""The 自评表 as Excel: exported in the layout, filled in offline, imported with a preview; a bad
row is named and nothing is written."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from targets.assessment.services import evaluation_start
from tests.targets.conftest import results


@pytest.fixture
def evaluation(sheet, period, staff):
    return evaluation_start(sheet=sheet, period=period, actor=staff)


def exported(client, evaluation):
    response = client.get(reverse("assessment:sheet-export", args=[evaluation.pk]))
    assert response["Content-Disposition"].startswith("attachment;")
    return openpyxl.load_workbook(io.BytesIO(response.content))


def fill(workbook, values: dict):
    ws = workbook["自评表"]
    for row in ws.iter_rows():
        name = row[2].value
        if name in values:
            for column, value in values[name].items():
                row[column].value = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("自评表.xlsx", buffer.getvalue())


def test_layout_holds_numbers_as_numbers_and_a_print_area(client, staff, evaluation):
    client.force_login(staff)
    ws = exported(client, evaluation)["自评表"]
    texts = {cell.value for row in ws.iter_rows() for cell in row if isinstance(cell.value, str)}
    assert {
        "项目名称",
        "年度资金总额",
        "全年预算数",
        "预期目标",
        "实际完成情况",
        "三级指标",
        "偏差原因",
        "总分",
    } <= texts
    weights = [row[5].value for row in ws.iter_rows() if row[2].value == "巡检次数"]
    assert weights == [Decimal("25.00")] or weights == [25]
    assert ws.print_area and ws.merged_cells.ranges


def test_round_trip_with_preview_then_confirm(client, staff, evaluation):
    client.force_login(staff)
    upload = fill(
        exported(client, evaluation),
        {"巡检次数": {4: "96%", 7: "设备老化", 8: "更新设备"}, "社会影响": {4: "提高", 6: 27}},
    )
    url = reverse("assessment:sheet-import", args=[evaluation.pk])
    preview = client.post(url, {"file": upload})
    body = preview.content.decode()
    assert "确认导入" in body and "96%" in body and results(evaluation)["巡检次数"].actual_text == ""
    token = preview.context["token"]
    response = client.post(url, {"token": token}, follow=True)
    assert "已从自评表导入 2 行" in response.content.decode()
    rows = results(evaluation)
    assert (rows["巡检次数"].actual_text, rows["巡检次数"].deviation_reason) == ("96%", "设备老化")
    assert (rows["社会影响"].assessment_level, rows["社会影响"].final_score) == ("achieved", Decimal("27.00"))


def test_a_bad_row_is_named_and_nothing_is_written(client, staff, evaluation):
    client.force_login(staff)
    upload = fill(exported(client, evaluation), {"巡检次数": {4: "96%"}, "社会影响": {6: "很好"}})
    body = client.post(reverse("assessment:sheet-import", args=[evaluation.pk]), {"file": upload}).content.decode()
    assert "工作表“自评表”第" in body and "得分“很好”不是数字" in body and "没有改变" in body
    assert results(evaluation)["巡检次数"].actual_text == ""


def test_a_file_that_is_not_a_workbook_is_refused(client, staff, evaluation):
    client.force_login(staff)
    upload = SimpleUploadedFile("自评表.xlsx", b"MZ not a zip")
    body = client.post(reverse("assessment:sheet-import", args=[evaluation.pk]), {"file": upload}).content.decode()
    assert "不是有效的 Excel" in body
