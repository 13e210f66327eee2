"""The reporting loop in a real browser (Playwright + system Chromium): staff enter actuals for an
imported sample sheet (a wrong unit gets a message), see the score and submit; a supervisor returns
one indicator with a reason; staff see the reason, fix it and resubmit; the supervisor overrides one
score with a reason and approves; staff can no longer edit. Screenshots go to var/e2e/."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from budgets.execution import execution_record_set
from targets.importing.services import disclosure_import
from targets.models import Evaluation, ReportingPeriod
from targets.periods.services import reporting_period_create, reporting_period_open

SEED = Path(__file__).resolve().parents[2] / "fixtures" / "disclosures" / "000_890aa3d5553b712d.txt"
ACTUALS = ["52亿次", "100%", "99.5%", "3人", "3名", "420万次", "55万次", "是", "92%", "91%"]

# serialized_rollback: a transactional test starts from the migrated data (rule profile, permissions)
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def evaluation(department, staff, supervisor):
    disclosure_import(content=SEED.read_bytes(), name=SEED.name, department=department, actor=None)
    project = department.projects.get()
    execution_record_set(project=project, month=11, spent=project.fundings.get(period="annual").total, actor=staff)
    today = timezone.localdate()
    period = reporting_period_create(
        year=2021,
        kind=ReportingPeriod.Kind.SELF_EVALUATION,
        cut_off_date=datetime.date(2021, 12, 31),
        opens_on=today - datetime.timedelta(days=5),
        due_date=today + datetime.timedelta(days=10),
        actor=supervisor,
    )
    reporting_period_open(period=period)
    return Evaluation.objects.get(period=period, sheet__project__isnull=False)


def staff_fill_and_submit(person, evaluation):
    staff = person("staff")
    page = staff.page
    assert "我的任务" in page.content()
    staff.shot("01-tasks")
    page.click("text=信息化运行维护")
    page.wait_for_load_state()
    first = page.locator("input.actual").first
    first.focus()
    for value in ACTUALS:  # Tab moves down the actuals column
        page.keyboard.type(value)
        page.keyboard.press("Tab")
    page.click("button[name=save]")
    page.wait_for_load_state()
    staff.shot("02-wrong-unit")
    assert "实际值单位“人”与目标单位“小时”不一致" in page.content()
    assert "未保存" in page.content()
    page.fill("input[value='3人']", "1.5小时")
    page.click("button[name=save]")
    page.wait_for_load_state()
    body = page.content()
    assert "已保存 10 项" in body and "实际 52亿次 达到目标 ≥50亿次" in body
    row = page.locator("tr", has=page.locator("text=是否有助于提高网络信息系统和机房安全运行率"))
    row.locator("select").select_option("achieved")
    row.locator("input[placeholder='分值']").fill(row.locator(".number").first.inner_text().strip())
    page.click("button[name=submit]")
    page.wait_for_load_state()
    staff.shot("03-submitted")
    assert "已提交审核" in page.content()
    evaluation.refresh_from_db()
    assert evaluation.status == "submitted" and evaluation.grade == "优"
    return staff


def review_row(page, name: str):
    return page.locator("tbody tr").filter(has_text=name)


def test_the_reporting_loop(person, evaluation):
    staff = staff_fill_and_submit(person, evaluation)

    supervisor = person("supervisor")
    page = supervisor.page
    page.goto(f"{supervisor.base}/admin/targets/evaluation/queue/")
    supervisor.shot("04-review-queue")
    page.click("text=信息化运行维护")
    page.wait_for_load_state()
    row = review_row(page, "网站日均访问人数")
    row.locator("input[type=checkbox]").check()
    row.locator("input[placeholder='此指标的退回原因']").fill("请附上访问量统计报表")
    page.click("input[value='确认退回']")
    page.wait_for_load_state()
    supervisor.shot("05-returned")
    evaluation.refresh_from_db()
    assert evaluation.status == "returned"

    entry = f"{staff.base}/evaluations/{evaluation.pk}/"
    staff.page.goto(entry)
    staff.shot("06-staff-sees-the-reason")
    body = staff.page.content()
    assert "请附上访问量统计报表" in body and "本表仅退回了部分指标" not in body.split("网站日均访问人数")[0]
    assert staff.page.locator("input.actual").count() == 1  # only the returned indicator can change
    staff.page.fill("input.actual", "56万次")
    staff.page.click("button[name=submit]")
    staff.page.wait_for_load_state()
    assert "已提交审核" in staff.page.content()

    page.goto(f"{supervisor.base}/admin/targets/evaluation/{evaluation.pk}/change/")
    assert "自上次审核以来的变化" in page.content()
    row = review_row(page, "网民满意度")
    row.locator("summary").click()
    row.locator("input[name=score]").fill("4")
    row.locator("input[name=reason]").fill("抽样样本偏少，酌情扣分")
    row.locator("button[value=override]").click()
    page.wait_for_load_state()
    assert "抽样样本偏少" in page.content()
    page.click("input[value='审核通过']")
    page.wait_for_load_state()
    supervisor.shot("07-approved")
    evaluation.refresh_from_db()
    assert (evaluation.status, evaluation.total) == ("approved", Decimal("99.00"))

    staff.page.goto(entry)
    staff.shot("08-staff-locked")
    body = staff.page.content()
    assert "已审核通过" in body and "审核调整为 4.00 分：抽样样本偏少，酌情扣分" in body
    assert staff.page.locator("input.actual").count() == 0 and 'name="save"' not in body
