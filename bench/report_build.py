"""Reports: time and peak memory to build a department report of 500 projects (snapshot, PDF, Excel),
and the supervisor's dashboard of a tree with 5,000 projects against one with 50 (queries must not
grow with the number of projects; time should grow far slower than the data)."""

import datetime
import random
import resource
import statistics
import time
import tracemalloc
from decimal import Decimal
from io import BytesIO

import pdfplumber
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from budgets.models import Department, Funding, Membership, Project
from budgets.services import department_create, membership_grant
from targets.models import (
    Evaluation,
    Indicator,
    IndicatorResult,
    MonitoringEntry,
    MonitoringReport,
    ReportingPeriod,
    TargetSheet,
)
from targets.profiles import current_profile
from targets.reports.excel import render_xlsx
from targets.reports.pdf import render_pdf
from targets.reports.snapshots import department_snapshot

YEAR = 2030
INDICATORS = 15
LEVELS = (
    [("产出指标", "OUTPUT", "数量指标", "QUANTITY")] * 8
    + [("效益指标", "BENEFIT", "社会效益指标", "SOCIAL_BENEFIT")] * 5
    + [("满意度指标", "SATISFACTION", "服务对象满意度指标", "SERVICE_SATISFACTION")] * 2
)
D = Decimal


def _periods():
    evaluation, _ = ReportingPeriod.objects.get_or_create(
        year=YEAR,
        kind=ReportingPeriod.Kind.SELF_EVALUATION,
        cut_off_date=datetime.date(YEAR, 12, 31),
        defaults={"opens_on": datetime.date(YEAR + 1, 1, 1), "due_date": datetime.date(YEAR + 1, 1, 31)},
    )
    monitoring, _ = ReportingPeriod.objects.get_or_create(
        year=YEAR,
        kind=ReportingPeriod.Kind.MONITORING,
        cut_off_date=datetime.date(YEAR, 7, 31),
        defaults={"opens_on": datetime.date(YEAR, 8, 1), "due_date": datetime.date(YEAR, 8, 31)},
    )
    return evaluation, monitoring


def _populate(department: Department, projects: int, rng: random.Random) -> None:
    """A reported year for `projects` projects of `department`: sheets of 15 indicators, scored and
    approved self-evaluations, and a monitoring round, written in bulk."""
    evaluation_period, monitoring_period = _periods()
    profile = current_profile()
    created = Project.objects.bulk_create(
        Project(department=department, year=YEAR, name=f"{department.name}项目{i:05d}") for i in range(projects)
    )
    budgets = {p.pk: D(rng.randint(50, 5000)) for p in created}
    Funding.objects.bulk_create(
        Funding(project=p, period="annual", first_year=YEAR, last_year=YEAR, total=budgets[p.pk], fiscal=budgets[p.pk])
        for p in created
    )
    sheets = TargetSheet.objects.bulk_create(
        TargetSheet(
            scope="project",
            department=department,
            project=p,
            year=YEAR,
            period="annual",
            first_year=YEAR,
            last_year=YEAR,
            status="approved",
            overall_goal="保障项目平稳运行，完成年度任务。",
        )
        for p in created
    )
    weights = {"OUTPUT": D("6.25"), "BENEFIT": D(6), "SATISFACTION": D(5)}
    indicators = Indicator.objects.bulk_create(
        (
            Indicator(
                sheet=sheet,
                order=order + 1,
                level1_label=l1,
                level1_code=c1,
                level2_label=l2,
                level2_code=c2,
                name=f"指标{order + 1:02d}",
                target_text=f"≥{100 + order}个",
                comparator="GE",
                target_number=D(100 + order),
                unit="个",
                nature="quantitative",
                weight=weights[c1],
            )
            for sheet in sheets
            for order, (l1, c1, l2, c2) in enumerate(LEVELS)
        ),
        batch_size=5000,
    )
    submitted = timezone.make_aware(datetime.datetime(YEAR + 1, 1, 20, 10))
    evaluations = []
    for sheet in sheets:
        budget = budgets[sheet.project_id]
        executed = (budget * D(rng.randint(70, 100)) / 100).quantize(D("0.0001"))
        rate = (executed / budget).quantize(D("0.0001"))
        total = D(rng.randint(5500, 9900)) / 100
        grade = "优" if total >= 90 else "良" if total >= 80 else "中" if total >= 60 else "差"
        evaluations.append(
            Evaluation(
                sheet=sheet,
                period=evaluation_period,
                profile=profile,
                budget_full_year=budget,
                budget_executed=executed,
                budget_rate=rate,
                budget_score=(rate * 10).quantize(D("0.01")),
                total=total,
                grade=grade,
                status="approved",
                submitted_at=submitted,
                reviewed_at=submitted,
                scored_at=submitted,
            )
        )
    Evaluation.objects.bulk_create(evaluations, batch_size=2000)
    evaluation_of = {e.sheet_id: e for e in evaluations}
    results = []
    for indicator in indicators:
        short = rng.random() < 0.1
        score = (indicator.weight * D("0.9")).quantize(D("0.01")) if short else indicator.weight
        results.append(
            IndicatorResult(
                evaluation=evaluation_of[indicator.sheet_id],
                indicator=indicator,
                weight=indicator.weight,
                actual_text=f"{90 + indicator.order if short else 100 + indicator.order}个",
                computed_score=score,
                flag="not_met" if short else "met",
                deviation_reason="进度滞后" if short else "",
                improvement="加强调度" if short else "",
            )
        )
    IndicatorResult.objects.bulk_create(results, batch_size=5000)
    reports = []
    for sheet in sheets:
        budget = budgets[sheet.project_id]
        rate = D(rng.randint(20, 80)) / 100
        gap = (D("0.5833") - rate) * 100
        warning = "red" if gap > 20 else "yellow" if gap > 10 else "green"
        reports.append(
            MonitoringReport(
                sheet=sheet,
                period=monitoring_period,
                profile=profile,
                budget_full_year=budget,
                executed_to_date=(budget * rate).quantize(D("0.0001")),
                execution_rate=rate,
                time_progress=D("0.5833"),
                warning=warning,
                status="approved",
                submitted_at=submitted,
            )
        )
    MonitoringReport.objects.bulk_create(reports, batch_size=2000)
    report_of = {r.sheet_id: r for r in reports}
    MonitoringEntry.objects.bulk_create(
        (
            MonitoringEntry(
                report=report_of[i.sheet_id],
                indicator=i,
                value_to_date=f"{60 + i.order}个",
                expected_value=i.target_text,
                likelihood="possible" if rng.random() < 0.05 else "certain",
            )
            for i in indicators
        ),
        batch_size=5000,
    )


def _tree(code: str, departments: int, projects_each: int, rng: random.Random):
    root = department_create(code=code, name=f"看板基准{code}", level=Department.Level.CITY, actor=None)
    for index in range(departments):
        unit = department_create(
            code=f"{code}-{index:03d}", name=f"{code}单位{index:03d}", level="county", parent=root, actor=None
        )
        _populate(unit, projects_each, rng)
    user = get_user_model().objects.create_user(username=f"bench-{code.lower()}")
    membership_grant(user=user, department=root, role=Membership.Role.SUPERVISOR, actor=None)
    return root, user


def _megabytes(value: float) -> str:
    return f"{value / 1024 / 1024:,.0f} MB"


def _department_report(rng) -> list[str]:
    department = department_create(code="BENCH-REPORT", name="报告基准单位", level=Department.Level.CITY, actor=None)
    _populate(department, 500, rng)
    lines = []
    tracemalloc.start()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    timings = {}
    start = time.perf_counter()
    snapshot = department_snapshot(department.pk, YEAR)
    timings["snapshot"] = time.perf_counter() - start
    start = time.perf_counter()
    pdf = render_pdf(snapshot)
    timings["PDF"] = time.perf_counter() - start
    start = time.perf_counter()
    xlsx = render_xlsx(snapshot)
    timings["Excel"] = time.perf_counter() - start
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    with pdfplumber.open(BytesIO(pdf)) as document:
        pages = len(document.pages)
    lines.append(
        "department report, 500 projects (7,500 indicators, "
        f"{len(snapshot['not_met'])} not met): snapshot {timings['snapshot']:.2f} s, PDF {timings['PDF']:.2f} s "
        f"({len(pdf) / 1024:,.0f} KB, {pages} pages), Excel {timings['Excel']:.2f} s ({len(xlsx) / 1024:,.0f} KB); "
        f"peak Python memory {_megabytes(peak)}, process peak RSS grew {_megabytes(max(rss_after - rss_before, 0))}"
    )
    return lines


def _dashboard(user, root, runs: int = 3) -> tuple[int, float]:
    client = Client()
    client.force_login(user)
    url = reverse("reports:dashboard")
    params = {"department": root.code, "year": YEAR, "tree": "1"}
    client.get(url, params)  # warm
    times = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(url, params)
            times.append(time.perf_counter() - start)
        assert response.status_code == 200, response.status_code
    return len(queries), statistics.median(times)


def run() -> list[str]:
    rng = random.Random(20)
    lines = _department_report(rng)
    small_root, small_user = _tree("DS", 5, 10, rng)
    large_root, large_user = _tree("DL", 50, 100, rng)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE")
    small_queries, small_time = _dashboard(small_user, small_root)
    large_queries, large_time = _dashboard(large_user, large_root)
    same = "equal" if small_queries == large_queries else "DIFFER"
    lines.append(
        f"dashboard, supervisor's tree: 50 projects {small_queries} queries {small_time * 1000:,.0f} ms; "
        f"5,000 projects {large_queries} queries {large_time * 1000:,.0f} ms "
        f"(×{large_time / small_time:.1f} time for ×100 projects; queries {same})"
    )
    return lines
