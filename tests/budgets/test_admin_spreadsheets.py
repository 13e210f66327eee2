"""The 预算执行 spreadsheet import and export in the admin: who may, what is opened, what comes out."""

import csv
import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from budgets.execution import execution_record_set
from budgets.models import ExecutionRecord, FundingPeriod, Membership
from budgets.services import membership_revoke
from tests.factories import FundingFactory, ProjectFactory

IMPORT = reverse("admin:budgets_executionrecord_import")
PROCESS = reverse("admin:budgets_executionrecord_process_import")
EXPORT = reverse("admin:budgets_executionrecord_export")
CHANGELIST = reverse("admin:budgets_executionrecord_changelist")


@pytest.fixture
def funded(project):
    FundingFactory(project=project, period=FundingPeriod.ANNUAL, total=Decimal("200"))
    return project


def csv_file(project, spent="40", name="执行.csv"):
    rows = f"部门编码,年度,项目,月份,支出金额（万元）\nCITY-IT,2021,{project.name},3,{spent}\n"
    return SimpleUploadedFile(name, rows.encode())


def preview(client, upload, fmt=0):
    return client.post(IMPORT, {"resource": 0, "format": fmt, "import_file": upload})


def confirmation(response) -> dict:
    form = response.context["confirm_form"]
    return {
        name: field.initial if field.initial is not None else form.initial.get(name)
        for name, field in form.fields.items()
    }


def messages_of(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def test_a_supervisor_who_may_only_view_cannot_import(client, staff, supervisor, funded):
    client.force_login(staff)
    confirm = confirmation(preview(client, csv_file(funded)))
    client.force_login(supervisor)
    assert client.get(IMPORT).status_code == 403
    response = client.post(PROCESS, confirm)
    assert response.status_code == 403
    assert "无权访问" in response.content.decode()
    assert not ExecutionRecord.objects.exists()
    assert IMPORT not in client.get(CHANGELIST).content.decode()


def test_a_revoked_member_reaches_neither_import_nor_export(client, staff, funded):
    client.force_login(staff)
    confirm = confirmation(preview(client, csv_file(funded)))
    membership_revoke(membership=Membership.objects.get(user=staff), actor=None)
    for response in (client.get(IMPORT), client.post(PROCESS, confirm), client.get(EXPORT), client.get(CHANGELIST)):
        assert response.status_code == 403
        assert "不是任何部门的成员" in response.content.decode()
    assert not ExecutionRecord.objects.exists()


def test_staff_export_as_the_supervisor_can(client, staff, supervisor, funded):
    execution_record_set(project=funded, month=1, spent=Decimal(5), actor=staff)
    for user in (staff, supervisor):
        client.force_login(user)
        assert client.get(EXPORT).status_code == 200


@pytest.mark.parametrize("bad", [{"format": "abc"}, {"format": "9"}, {"import_file_name": "no-such-file"}, {}])
def test_a_tampered_confirmation_gets_a_chinese_message_and_writes_nothing(client, staff, funded, bad):
    client.force_login(staff)
    confirm = confirmation(preview(client, csv_file(funded)))
    confirm = {**confirm, **bad} if bad else {"format": "0"}
    response = client.post(PROCESS, confirm)
    assert response.status_code == 302 and response["Location"] == IMPORT
    assert any(word in messages_of(response) for word in ("重新上传", "不完整"))
    assert not ExecutionRecord.objects.exists()


@pytest.mark.parametrize("query", ["format=0", "year=abc", "project__year=abc", "month__gt=x", "o=99"])
def test_bad_export_parameters_get_a_chinese_message(client, staff, funded, query):
    execution_record_set(project=funded, month=1, spent=Decimal(5), actor=staff)
    client.force_login(staff)
    response = client.get(f"{EXPORT}?{query}")
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        assert response["Location"] == CHANGELIST
        assert "导出条件无效" in messages_of(response)


def test_a_file_over_the_limit_is_refused_before_it_is_read(client, staff, funded, settings):
    settings.SPREADSHEET_IMPORT_MAX_BYTES = 100
    client.force_login(staff)
    response = preview(client, csv_file(funded, name="很大.csv"))
    content = response.content.decode()
    assert "很大.csv" in content and "100 字节" in content
    assert response.context.get("confirm_form") is None


def test_an_xlsx_bomb_is_refused_without_opening_it(client, staff, funded):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", b"<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<row/>" * (2 * 1024 * 1024))  # 12 MiB in ~12 KB
    client.force_login(staff)
    response = preview(client, SimpleUploadedFile("执行.xlsx", buffer.getvalue()), fmt=1)
    assert "执行.xlsx" in response.content.decode() and "压缩比" in response.content.decode()
    assert not ExecutionRecord.objects.exists()


def test_a_file_that_is_not_the_chosen_format_is_named(client, staff, funded):
    client.force_login(staff)
    response = preview(client, csv_file(funded, name="执行.csv"), fmt=1)
    assert "执行.csv" in response.content.decode() and "与所选格式不符" in response.content.decode()


def test_missing_columns_are_named_in_chinese(client, staff, funded):
    client.force_login(staff)
    response = preview(client, SimpleUploadedFile("执行.csv", "项目,金额\n某项目,3\n".encode()))
    content = response.content.decode()
    assert "表格缺少这些列" in content and "部门编码" in content and "import_id_fields" not in content
    assert not ExecutionRecord.objects.exists()


def test_an_unreadable_file_gets_a_chinese_message(client, staff, funded):
    client.force_login(staff)
    response = preview(client, SimpleUploadedFile("执行.csv", '部门编码,年度\n"未闭合\n'.encode()), fmt=0)
    assert response.status_code == 200
    assert "encountered" not in response.content.decode()


FORMULAS = ['=HYPERLINK("http://example.com","点我")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


@pytest.mark.parametrize("fmt", [0, 1])
def test_exports_neutralise_formulas(client, staff, department, fmt):
    for number, name in enumerate(FORMULAS, start=1):
        project = ProjectFactory(department=department, name=name)
        execution_record_set(project=project, month=number, spent=Decimal("-0") + number, actor=staff)
    client.force_login(staff)
    response = client.post(EXPORT, {"format": fmt, "resource": 0, "executionresource_project": True})
    assert response.status_code == 200
    assert "filename*=utf-8''" in response["Content-Disposition"]
    if fmt == 0:
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        names = [row[rows[0].index("项目")] for row in rows[1:]]
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        header = [cell.value for cell in sheet[1]]
        names = [row[header.index("项目")] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert sorted(names) == sorted("'" + name for name in FORMULAS)
