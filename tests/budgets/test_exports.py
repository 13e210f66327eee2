"""Exported cells never run as formulas, and a value an .xlsx cannot hold never breaks an export."""

import csv
import io
from decimal import Decimal
from urllib.parse import quote

import openpyxl
import pytest
from django.urls import reverse

from budgets.exports import safe_cell
from budgets.models import FundingPeriod
from tests.factories import FundingFactory, ProjectFactory


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("\x01=cmd", "'=cmd"),
        ("-12.5", "-12.5"),
        ("+3", "+3"),
        ("-5%", "-5%"),
        ("政务云平台", "政务云平台"),
        ("a\x0bb", "ab"),
        (Decimal("-3"), Decimal("-3")),
        (None, None),
    ],
)
def test_safe_cell(value, written):
    assert safe_cell(value) == written


def test_department_page_exports_are_neutralised(client, staff, department):
    project = ProjectFactory(department=department, name='=HYPERLINK("http://example.com","点我")\x01')
    FundingFactory(project=project, period=FundingPeriod.ANNUAL, total=Decimal("10"))
    client.force_login(staff)
    url = reverse("budgets:department", args=[department.code, project.year])
    response = client.get(url, {"table": "execution", "_export": "csv"})
    assert response["Content-Disposition"].endswith(quote("市信息中心-2021-项目预算执行.csv"))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][0] == '\'=HYPERLINK("http://example.com","点我")'
    response = client.get(url, {"table": "execution", "_export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(row=2, column=1).value == '\'=HYPERLINK("http://example.com","点我")'
    assert sheet.cell(row=2, column=1).data_type == "s"
