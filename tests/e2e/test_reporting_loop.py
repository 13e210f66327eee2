"""The reporting loop in a real browser (Playwright + system Chromium): staff enter actuals for an
imported sample sheet (a wrong unit gets a message), see the score and submit; a supervisor returns
one indicator with a reason; staff see the reason, fix it and resubmit; the supervisor overrides one
score with a reason and approves; staff can no longer edit. Screenshots go to var/e2e/."""

import datetime
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


def test_staff_enter_actuals_see_the_score_and_submit(person, evaluation):
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
