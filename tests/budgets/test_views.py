"""The department budget pages as each member of the cast sees them."""

from decimal import Decimal
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.urls import reverse

from budgets.execution import execution_record_set
from budgets.models import BudgetTable, FundingPeriod
from targets.importing.services import disclosure_import
from tests.factories import FundingFactory

SEED = Path(__file__).resolve().parents[2] / "fixtures" / "disclosures" / "000_890aa3d5553b712d.txt"


@pytest.fixture
def imported(department):
    disclosure_import(content=SEED.read_bytes(), name=SEED.name, department=department, actor=None)
    return department


def test_staff_sees_tables_and_execution(client, staff, imported, django_assert_max_num_queries):
    project = imported.projects.get()
    execution_record_set(project=project, month=1, spent=Decimal("6044.23"), actor=staff)
    client.force_login(staff)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("budgets:department", args=[imported.code, 2021]))
    content = response.content.decode()
    assert response.status_code == 200
    assert "部门收入总表" in content and "68,469.32" in content
    assert "信息化运行维护" in content and "50.00%" in content


def test_drill_down_by_code(client, staff, imported):
    table = BudgetTable.objects.get(title="部门收入总表")
    client.force_login(staff)
    content = client.get(reverse("budgets:table", args=[table.pk]), {"parent": "201"}).content.decode()
    assert "20103" in content and "20111" in content
    assert "2010301" not in content
    assert '<a href="?parent=20103">20103</a>' in content


def test_export_csv_and_excel(client, staff, imported):
    table = BudgetTable.objects.get(title="部门收入总表")
    client.force_login(staff)
    csv = client.get(reverse("budgets:table", args=[table.pk]), {"_export": "csv"})
    assert csv["Content-Type"].startswith("text/csv")
    assert "2010301,行政运行,17727.1400" in csv.content.decode("utf-8")
    xlsx = client.get(reverse("budgets:department", args=[imported.code, 2021]), {"_export": "xlsx"})
    assert xlsx.content[:2] == b"PK"


def test_outsider_is_refused(client, outsider, imported):
    client.force_login(outsider)
    assert client.get(reverse("budgets:department", args=[imported.code, 2021])).status_code == 403
    table = BudgetTable.objects.first()
    assert client.get(reverse("budgets:table", args=[table.pk])).status_code == 403
    assert client.get(reverse("budgets:index")).status_code == 403


def test_anonymous_goes_to_login(client, imported):
    response = client.get(reverse("budgets:index"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_supervisor_sees_the_sub_department(client, supervisor, imported):
    client.force_login(supervisor)
    assert client.get(reverse("budgets:department", args=[imported.code, 2021])).status_code == 200
    assert imported.name in client.get(reverse("budgets:index")).content.decode()


def test_execution_rate_uses_annual_funds_without_adjustment(client, staff, project):
    FundingFactory(project=project, period=FundingPeriod.ANNUAL, total=Decimal("200"))
    execution_record_set(project=project, month=2, spent=Decimal("183"), actor=staff)
    client.force_login(staff)
    content = client.get(reverse("budgets:department", args=[project.department.code, 2021])).content.decode()
    assert "91.50%" in content


def test_exports_are_named_by_department_and_table_hold_numbers_and_csv_has_a_bom(client, staff, imported):
    import io

    import openpyxl

    client.force_login(staff)
    table = BudgetTable.objects.filter(department=imported, kind="income").first()
    url = reverse("budgets:table", args=[table.pk])
    response = client.get(url + "?_export=xlsx")
    assert f"{imported.name}-2021-" in unquote(response["Content-Disposition"])
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    numbers = [cell.value for row in sheet.iter_rows(min_row=2) for cell in row if cell.value is not None]
    assert any(isinstance(value, int | float) for value in numbers)
    csv = client.get(url + "?_export=csv").content
    assert csv.startswith("\ufeff".encode())


def test_index_counts_departments_and_years_not_tables(client, staff, imported):
    client.force_login(staff)
    page = client.get(reverse("budgets:index")).context["page"]
    assert BudgetTable.objects.filter(department=imported).count() > 1
    assert page.paginator.count == 1 == len(page.object_list)
    assert page.object_list[0]["tables"] == BudgetTable.objects.filter(department=imported).count()
    searched = client.get(reverse("budgets:index"), {"q": "不存在的部门"}).context["page"]
    assert searched.paginator.count == 0
