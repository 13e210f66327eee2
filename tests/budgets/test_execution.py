from decimal import Decimal

import pytest
import tablib
from django.core.exceptions import PermissionDenied, ValidationError

from budgets.execution import budget_adjust, execution_rate, execution_record_set
from budgets.models import AuditEntry, ExecutionRecord, FundingPeriod
from budgets.resources import import_execution, row_messages
from tests.factories import FundingFactory

HEADERS = ["部门编码", "年度", "项目", "月份", "支出金额（万元）"]


@pytest.fixture
def funded(project):
    FundingFactory(project=project, period=FundingPeriod.ANNUAL, total=Decimal("200"))
    return project


def test_rate_to_date_uses_adjusted_budget_when_set(funded, staff):
    execution_record_set(project=funded, month=1, spent=Decimal("80"), actor=staff)
    execution_record_set(project=funded, month=6, spent=Decimal("103"), actor=staff)
    execution_record_set(project=funded, month=9, spent=Decimal("10"), actor=staff)
    rate = execution_rate(funded, through_month=7)
    assert (rate.spent, rate.budget, rate.rate, rate.percent) == (
        Decimal("183.0000"),
        Decimal("200.0000"),
        Decimal("0.9150"),
        Decimal("91.50"),
    )
    budget_adjust(project=funded, full_year_budget=Decimal("250"), reason="追加预算", actor=staff)
    funded.refresh_from_db()
    assert execution_rate(funded, through_month=7).percent == Decimal("73.20")


def test_setting_a_month_twice_updates_it_and_audits(funded, staff):
    execution_record_set(project=funded, month=3, spent=Decimal("10"), actor=staff)
    execution_record_set(project=funded, month=3, spent=Decimal("12.5"), actor=staff)
    assert ExecutionRecord.objects.get().spent == Decimal("12.5000")
    assert list(
        AuditEntry.objects.filter(action__startswith="execution").values_list("action", flat=True).order_by("id")
    ) == ["execution.create", "execution.update"]


@pytest.mark.parametrize(("month", "spent"), [(0, Decimal(1)), (13, Decimal(1)), (3, Decimal(-1))])
def test_bad_values_are_refused(funded, staff, month, spent):
    with pytest.raises(ValidationError):
        execution_record_set(project=funded, month=month, spent=spent, actor=staff)
    assert not ExecutionRecord.objects.exists()


def test_outsider_cannot_record(funded, outsider):
    with pytest.raises(PermissionDenied):
        execution_record_set(project=funded, month=3, spent=Decimal(1), actor=outsider)


def test_adjustment_needs_a_reason(funded, staff):
    with pytest.raises(ValidationError):
        budget_adjust(project=funded, full_year_budget=Decimal("250"), reason=" ", actor=staff)


def dataset(*rows):
    return tablib.Dataset(*rows, headers=HEADERS)


def test_spreadsheet_import_with_preview(funded, staff):
    data = dataset(["CITY-IT", 2021, funded.name, 1, "30.5"], ["CITY-IT", 2021, funded.name, "2021-02", "1,200"])
    preview = import_execution(data, user=staff, dry_run=True)
    assert not preview.has_errors() and not preview.has_validation_errors()
    assert preview.totals["new"] == 2
    assert not ExecutionRecord.objects.exists()
    result = import_execution(data, user=staff, dry_run=False)
    assert not result.has_errors()
    assert list(ExecutionRecord.objects.values_list("month", "spent", "source").order_by("month")) == [
        (1, Decimal("30.5000"), "import"),
        (2, Decimal("1200.0000"), "import"),
    ]
    assert AuditEntry.objects.filter(action="execution.create", actor=staff).count() == 2


def test_bad_rows_are_rejected_each_with_a_message_and_nothing_is_written(funded, staff, other_project):
    data = dataset(
        ["CITY-IT", 2021, funded.name, 1, "30"],
        ["CITY-IT", 2021, "不存在的项目", 2, "10"],
        ["CITY-IT", 2021, funded.name, 3, "-5"],
        ["CITY-IT", 2021, funded.name, 4, "abc"],
        ["CITY-IT", 2021, funded.name, "2022-05", "1"],
        ["CITY-IT", 2021, funded.name, 13, "1"],
        ["OTHER", 2021, other_project.name, 6, "1"],
    )
    result = import_execution(data, user=staff, dry_run=False)
    messages = row_messages(result)
    assert not ExecutionRecord.objects.exists()
    joined = "\n".join(messages)
    assert "第2行" in joined and "未知项目“不存在的项目”" in joined
    assert "第3行" in joined and "不能为负数" in joined
    assert "第4行" in joined and "“abc”不是数字" in joined
    assert "第5行" in joined and "不在 2021 年度内" in joined
    assert "第6行" in joined and "不在 1 到 12 之间" in joined
    assert "第7行" in joined and "未知项目" in joined  # another department's project is unknown to this user
    assert "第1行" not in joined


def test_admin_import_previews_then_confirms(client, staff, funded):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    client.force_login(staff)
    csv = f"部门编码,年度,项目,月份,支出金额（万元）\nCITY-IT,2021,{funded.name},3,40\n".encode()
    response = client.post(
        reverse("admin:budgets_executionrecord_import"),
        {"resource": 0, "format": 0, "import_file": SimpleUploadedFile("执行.csv", csv)},
    )
    assert response.status_code == 200
    assert "确认导入" in response.content.decode() or "Confirm import" in response.content.decode()
    assert not ExecutionRecord.objects.exists()
    form = response.context["confirm_form"]
    confirm = {
        name: field.initial if field.initial is not None else form.initial.get(name)
        for name, field in form.fields.items()
    }
    response = client.post(reverse("admin:budgets_executionrecord_process_import"), confirm)
    assert response.status_code == 302
    assert ExecutionRecord.objects.get().spent == Decimal("40.0000")


def test_admin_import_with_a_bad_row_shows_it_and_writes_nothing(client, staff, funded):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    client.force_login(staff)
    csv = f"部门编码,年度,项目,月份,支出金额（万元）\nCITY-IT,2021,{funded.name},3,-40\n".encode()
    response = client.post(
        reverse("admin:budgets_executionrecord_import"),
        {"resource": 0, "format": 0, "import_file": SimpleUploadedFile("执行.csv", csv)},
    )
    assert "不能为负数" in response.content.decode()
    assert "confirm_form" not in response.context or response.context["confirm_form"] is None
    assert not ExecutionRecord.objects.exists()
