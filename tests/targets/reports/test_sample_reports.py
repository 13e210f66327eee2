"""Every report built from the five imported samples with entered actuals: what the PDF says
(pdftotext), which font it embeds (pdffonts), what the Excel cells hold, that the same data gives
the same files, and that no report shows a department to someone outside it."""

import datetime
import subprocess
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from budgets.money import plain_number
from targets.models import Evaluation
from targets.reports import charts, snapshots
from targets.reports.models import ReportBuild, ReportFile
from targets.reports.rendering import render_html
from targets.reports.services import report_build_run, report_builds_request, reports_schedule_due
from targets.reports.tasks import build_report

pytestmark = pytest.mark.django_db


def pdf_text(report_file: ReportFile) -> str:
    return subprocess.run(["pdftotext", report_file.file.path, "-"], capture_output=True, text=True, check=True).stdout


def pdf_fonts(report_file: ReportFile) -> list[list[str]]:
    listing = subprocess.run(["pdffonts", report_file.file.path], capture_output=True, text=True, check=True).stdout
    return [line.split() for line in listing.splitlines()[2:]]


def squeeze(text: str) -> str:
    return "".join(text.split())


def workbook(report_file: ReportFile):
    with report_file.file.open("rb") as handle:
        return load_workbook(BytesIO(handle.read()))


def files_of(build: ReportBuild) -> dict[str, ReportFile]:
    return {f.format: f for f in build.files.all()}


def save_first_page(report_file: ReportFile, name: str) -> None:
    """A PNG of the first page under var/ (for people to look at; the tests read the text)."""
    folder = Path(settings.VAR_DIR) / "report-pages"
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", "-singlefile", report_file.file.path, folder / name],
        check=True,
    )


@pytest.fixture(scope="module")
def built_reports(sample_year_data, django_db_blocker):
    """Built once for the module, inside its transaction: every kind for 郑州, the department report of
    every 2021 sample, the 2023 project."""
    with django_db_blocker.unblock():
        call_command("build_reports", "--year", "2021", "--department", sample_year_data.department.code)
        call_command("build_reports", "--year", "2021", "--kind", "department")
        call_command("build_reports", "--year", "2023", "--kind", "project")


@pytest.fixture
def built(built_reports, sample_year):
    return ReportBuild.objects.select_related("department", "evaluation__sheet__project")


def test_every_report_is_built_from_the_samples(built, sample_year):
    assert built.exclude(status="done").count() == 0
    department_builds = {b.department.code for b in built.filter(kind="department")}
    assert department_builds == {"S-ZZ", "S-GOV", "S-CJ", "S-GZ"}
    assert built.filter(kind="project", department=sample_year.department).count() == 8
    assert built.filter(kind="project", department=sample_year.yongqiao).count() == 1
    assert built.filter(kind="monitoring", department=sample_year.department).count() == 1
    for build in built:
        formats = files_of(build)
        assert set(formats) == {"pdf", "xlsx"}
        assert build.snapshot and len(build.snapshot_sha256) == 64
    for kind in ("project", "department", "monitoring"):
        save_first_page(files_of(built.filter(kind=kind, department=sample_year.department).first())["pdf"], kind)


def test_project_pdf_and_excel_hold_names_scores_and_grade(built, sample_year):
    for build in built.filter(kind="project"):
        evaluation = build.evaluation
        text = squeeze(pdf_text(files_of(build)["pdf"]))
        name = evaluation.sheet.project.name if evaluation.sheet.project_id else evaluation.sheet.title
        assert squeeze(name)[:20] in text
        assert plain_number(evaluation.total) in text and f"自评等级：{evaluation.grade}" in text
        assert "项目支出绩效自评表" in text or "部门整体支出绩效自评表" in text
        sheet = workbook(files_of(build)["xlsx"])["绩效自评表"]
        assert sheet.print_area.startswith("'绩效自评表'!$A$1:$H$")
        assert "A5:A9" in {str(r) for r in sheet.merged_cells.ranges}  # 项目资金 over its five rows
        total_row = next(row for row in sheet.iter_rows() if row[0].value == "总分")
        assert total_row[6].data_type == "n" and Decimal(str(total_row[6].value)) == evaluation.total
        assert Decimal(str(sheet["D6"].value)) == evaluation.budget_full_year
        assert Decimal(str(sheet["G6"].value)) == evaluation.budget_rate and sheet["G6"].number_format == "0.00%"
        weights = [row[5].value for row in sheet.iter_rows(min_row=13) if row[2].value and row[0].value != "总分"]
        assert weights and all(isinstance(w, int | float) for w in weights)
    approved = built.filter(kind="project", department=sample_year.department, evaluation__status="approved").first()
    text = pdf_text(files_of(approved)["pdf"])
    assert "sample-supervisor" in text and "审核通过" in text and "staff-s-zz" in text


def test_department_report_lists_projects_risks_and_the_previous_year(built, sample_year):
    build = built.filter(kind="department", department=sample_year.department).first()
    text = squeeze(pdf_text(files_of(build)["pdf"]))
    evaluations = Evaluation.objects.filter(
        period=sample_year.evaluation_2021, sheet__department=sample_year.department
    )
    for evaluation in evaluations.select_related("sheet__project"):
        if evaluation.sheet.project_id:
            assert squeeze(evaluation.sheet.project.name)[:8] in text
        assert plain_number(evaluation.total) in text
    assert "未达成的指标及原因" in text and "受疫情影响进度滞后" in text
    assert "红色预警" in text and "资金拨付滞后" in text  # the project behind schedule in July
    assert "项目自评得分分布" in text and "各一级指标完成情况" in text and "预算执行进度与时间进度" in text
    assert "2020年没有可比的绩效自评数据" in text
    book = workbook(files_of(build)["xlsx"])
    assert book.sheetnames == ["总体情况", "项目得分", "未达成指标", "风险项目", "上年对比"]
    projects = book["项目得分"]
    assert "B2:D2" in {str(r) for r in projects.merged_cells.ranges}
    scores = {row[0].value: row[2].value for row in projects.iter_rows(min_row=4)}
    assert scores and all(isinstance(score, int | float) for score in scores.values())
    changji = squeeze(pdf_text(files_of(built.get(kind="department", department=sample_year.changji))["pdf"]))
    assert "与上年对比" in changji and "2020年得分" in changji and "没有可比" not in changji


def test_monitoring_report_is_the_dual_monitoring_table(built, sample_year):
    build = built.get(kind="monitoring", department=sample_year.department)
    text = squeeze(pdf_text(files_of(build)["pdf"]))
    assert "绩效运行监控（双监控）情况" in text and "时间进度" in text and "58.33%" in text
    assert "有可能" in text and "专业人员不足" in text and "调整预算" in text
    sheet = workbook(files_of(build)["xlsx"])["双监控"]
    rates = [Decimal(str(c.value)) for c in sheet["D"] if isinstance(c.value, int | float)]
    assert Decimal("0.2") in rates and sheet.print_area


def test_the_pdf_embeds_a_cjk_font(built, sample_year):
    build = built.filter(kind="department", department=sample_year.department).first()
    fonts = pdf_fonts(files_of(build)["pdf"])
    cjk = [row for row in fonts if "CJK" in row[0]]
    assert cjk, fonts
    assert all(row[-5] == "yes" for row in cjk)  # emb column
    assert settings.REPORTS_CJK_FONT.replace(" ", "-") in " ".join(row[0] for row in cjk)


def test_the_same_data_gives_the_same_files(sample_year):
    evaluation = Evaluation.objects.filter(sheet__department=sample_year.department, status="approved").first()

    def build(kind, **target):
        (queued,) = report_builds_request(
            kind=kind, department=sample_year.department, year=2021, actor=None, queue=False, **target
        )
        done = report_build_run(build_id=queued.pk)
        return done.snapshot_sha256, {f.format: f.sha256 for f in done.files.all()}

    first = build("project", evaluation=evaluation)
    assert build("project", evaluation=evaluation) == first
    department = build("department")
    assert build("department") == department
    Evaluation.objects.filter(pk=evaluation.pk).update(budget_explanation="补充说明")
    changed = build("project", evaluation=evaluation)
    assert changed[0] != first[0] and changed[1]["pdf"] != first[1]["pdf"] and changed[1]["xlsx"] != first[1]["xlsx"]


def test_web_page_and_pdf_share_template_and_charts(client, sample_year):
    snapshot = snapshots.department_snapshot(sample_year.department.pk, 2021)
    chart = charts.department_charts(snapshot)["execution"]
    assert chart in render_html(snapshot, printing=True, extra={"font": "x"})
    client.force_login(sample_year.staff)
    page = client.get(reverse("reports:department", args=[sample_year.department.code, 2021])).content.decode()
    assert chart in page and "<svg" in page and "生成 PDF 和 Excel" in page
    (Path(settings.VAR_DIR) / "report-pages").mkdir(parents=True, exist_ok=True)
    (Path(settings.VAR_DIR) / "report-pages" / "department.html").write_text(page)  # for a look in a browser
    evaluation = Evaluation.objects.filter(sheet__department=sample_year.department).first()
    page = client.get(reverse("reports:project", args=[evaluation.pk])).content.decode()
    assert "偏差原因分析及改进措施" in page and plain_number(evaluation.total) in page
    page = client.get(reverse("reports:monitoring", args=[sample_year.department.code, sample_year.monitoring.pk]))
    assert page.status_code == 200 and "双监控" in page.content.decode()


def test_reports_never_show_a_department_to_someone_outside_it(client, sample_year):
    (build,) = report_builds_request(
        kind="department", department=sample_year.department, year=2021, actor=None, queue=False
    )
    build = report_build_run(build_id=build.pk)
    pdf = build.files.get(format="pdf")
    evaluation = Evaluation.objects.filter(sheet__department=sample_year.department).first()
    urls = [
        reverse("reports:department", args=[sample_year.department.code, 2021]),
        reverse("reports:monitoring", args=[sample_year.department.code, sample_year.monitoring.pk]),
        reverse("reports:project", args=[evaluation.pk]),
        reverse("reports:build", args=[build.pk]),
        reverse("reports:build_progress", args=[build.pk]),
        reverse("reports:download", args=[pdf.pk]),
    ]
    outside = [
        sample_year.staff_of[sample_year.other.pk],
        sample_year.other_supervisor,
        sample_year.staff_of[sample_year.changji.pk],
    ]
    for user in outside:
        client.force_login(user)
        assert [client.get(url).status_code for url in urls] == [404] * len(urls), user
        listing = client.get(reverse("reports:index")).content.decode()
        assert reverse("reports:build", args=[build.pk]) not in listing and sample_year.department.name not in listing
        dashboard = client.get(reverse("reports:dashboard"), {"department": sample_year.department.code}).content
        assert sample_year.department.name not in dashboard.decode()
    client.force_login(sample_year.outsider)
    assert client.get(urls[0]).status_code == 403 and "不是任何部门的成员" in client.get(urls[0]).content.decode()
    client.logout()
    assert client.get(urls[-1]).status_code == 302
    for user in (sample_year.staff, sample_year.supervisor):
        client.force_login(user)
        response = client.get(urls[-1])
        assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
        assert b"".join(response.streaming_content)[:5] == b"%PDF-"
    other = squeeze(pdf_text(pdf))
    assert "广州" not in other and "昌吉" not in other


def test_supervisor_dashboard_covers_the_tree_in_a_fixed_number_of_queries(
    client, sample_year, django_assert_max_num_queries
):
    client.force_login(sample_year.supervisor)
    with django_assert_max_num_queries(30):
        response = client.get(reverse("reports:dashboard"), {"year": 2021})
    body = response.content.decode()
    assert response.status_code == 200 and "含下级单位" in body
    assert f'<option value="{sample_year.department.parent.code}" selected>' in body
    (Path(settings.VAR_DIR) / "report-pages").mkdir(parents=True, exist_ok=True)
    (Path(settings.VAR_DIR) / "report-pages" / "dashboard.html").write_text(body)
    for name in ("郑州市人民政府办公厅", "国务院办公厅", "昌吉州人民政府电子政务办公室"):
        assert name in body
    assert "广州市数字政府运营中心" not in body
    context = response.context
    self_evaluation = next(row for row in context["periods"] if row["period"].kind == "self_evaluation")
    in_tree = Evaluation.objects.filter(
        period=sample_year.evaluation_2021, sheet__department__path__startswith=sample_year.department.parent.path
    ).count()
    assert self_evaluation["records"] == self_evaluation["completed"] == in_tree == 11
    assert self_evaluation["on_time_rate"] == Decimal(1)
    assert context["scores"]["count"] == 11 and sum(g["count"] for g in context["scores"]["grades"]) == 11
    assert context["risk"]["red"] >= 1 and context["risk"]["rows"]
    assert "项目自评得分分布" in body and "预算执行进度与时间进度" in body
    monitoring = next(row for row in context["periods"] if row["period"].kind == "monitoring")
    assert monitoring["completed"] < monitoring["records"]  # 昌吉州 has not reported its round


def test_on_demand_build_in_the_workspace_runs_in_the_background(
    client, sample_year, django_capture_on_commit_callbacks
):
    client.force_login(sample_year.staff)
    data = {"kind": "department", "department": sample_year.department.code, "year": 2021, "notify_supervisors": "1"}
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(reverse("reports:build_create"), data)
    build = ReportBuild.objects.get(
        kind="department", department=sample_year.department, requested_by=sample_year.staff
    )
    assert len(queued) == 1 and response["Location"] == reverse("reports:build", args=[build.pk])
    page = client.get(response["Location"]).content.decode()
    assert "排队中" in page and 'http-equiv="refresh"' in page
    assert build_report.apply(args=[build.pk]).get() == "done"
    assert client.get(reverse("reports:build_progress", args=[build.pk])).json()["progress"] == 100
    page = client.get(response["Location"]).content.decode()
    assert "SHA-256" in page and reverse("reports:download", args=[build.files.get(format="xlsx").pk]) in page
    (message,) = mail.outbox
    assert message.to == ["sample-supervisor@example.cn"] and len(message.attachments) == 2
    assert build_report.apply(args=[build.pk]).get() == "done" and len(mail.outbox) == 1  # idempotent
    response = client.post(reverse("reports:build_create"), {"kind": "monitoring", "department": "S-GZ", "year": 2021})
    refused = ReportBuild.objects.filter(department__code="S-GZ", requested_by=sample_year.staff)
    assert response.status_code == 302 and not refused.exists()


def test_scheduled_builds_follow_the_deadlines_and_go_to_the_supervisors(sample_year):
    due = sample_year.monitoring.due_date
    assert not [b for b in reports_schedule_due(day=due) if b.kind == "monitoring"]  # not on the deadline itself
    call_command("build_reports", "--due", "--today", (due + datetime.timedelta(days=1)).isoformat())
    monitoring = ReportBuild.objects.filter(kind="monitoring", trigger="scheduled")
    assert {b.department.code for b in monitoring} == {"S-ZZ", "S-GOV", "S-CJ", "S-GZ"}
    assert all(b.status == "done" and b.emailed_at and b.notify_supervisors for b in monitoring)
    gz = [m for m in mail.outbox if "广州" in m.subject]
    assert gz and all(m.to == ["other-supervisor@example.cn"] for m in gz)
    zz = [m for m in mail.outbox if "郑州" in m.subject]
    assert zz and all(m.to == ["sample-supervisor@example.cn"] for m in zz)
    assert reports_schedule_due(day=due + datetime.timedelta(days=2)) == []  # each round once
    year_end = reports_schedule_due(day=sample_year.evaluation_2021.due_date + datetime.timedelta(days=1))
    assert {b.kind for b in year_end} == {"department", "project"}
    expected = Evaluation.objects.filter(period=sample_year.evaluation_2021).count()
    assert sum(b.kind == "project" for b in year_end) == expected
