"""The staff workspace as the database grows: 我的任务 and a sheet's entry page for one member of one
department, with 1,000 and then 100,000 indicators (and their self-evaluation results) in the
database. The queries must stay the same (≤ 15) and the median time grow ≤ 1.5×. Also the entry
page of one sheet of 200 indicators."""

import datetime
import statistics
import time

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from budgets.bulk import copy_insert
from budgets.models import Department, Membership, Project
from budgets.services import department_create
from targets.assessment.services import evaluations_prepare
from targets.indicator_fields import indicator_fields
from targets.models import Evaluation, Indicator, ReportingPeriod, TargetSheet

YEAR = 2079
PER_SHEET = 10
OWN_SHEETS = 20
ROUNDS = 15
VALUES = [
    ("产出指标", "数量指标", "≥{n}个"),
    ("产出指标", "质量指标", "≥95%"),
    ("产出指标", "时效指标", "≤4小时"),
    ("效益指标", "社会效益指标", "提高"),
    ("满意度指标", "服务对象满意度指标", "≥90%"),
]


def _sheets(department: Department, count: int, per_sheet: int, prefix: str) -> list[TargetSheet]:
    projects = Project.objects.bulk_create(
        Project(department=department, year=YEAR, name=f"{prefix}{i:06d}") for i in range(count)
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
        )
        for p in projects
    )
    rows = []
    for sheet in sheets:
        for order in range(1, per_sheet + 1):
            level1, level2, value = VALUES[order % len(VALUES)]
            row = indicator_fields(level1=level1, level2=level2, name=f"指标{order}", value=value.format(n=order * 10))
            row.update(sheet_id=sheet.pk, order=order, weight=None, source_location="")
            rows.append(row)
    copy_insert(Indicator, rows)
    return sheets


def _grow(period: ReportingPeriod, indicators: int) -> None:
    """Other departments' sheets (10 indicators each) until the database holds `indicators`."""
    missing = indicators - Indicator.objects.count()
    index = Department.objects.filter(code__startswith="WSB-").count()
    while missing > 0:
        department = department_create(
            code=f"WSB-{index:04d}", name=f"工作台基准其他单位{index:04d}", level=Department.Level.COUNTY, actor=None
        )
        count = min(100, -(-missing // PER_SHEET))
        evaluations_prepare(period=period, sheets=_sheets(department, count, PER_SHEET, f"其他{index:04d}-"))
        missing -= count * PER_SHEET
        index += 1
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _measure(client: Client, url: str) -> tuple[float, int]:
    client.get(url)  # warm: templates, caches, the session
    times, queries = [], set()
    for _ in range(ROUNDS):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
        queries.add(len(captured.captured_queries))
    return statistics.median(times), max(queries)


def run() -> list[str]:
    from django.contrib.auth import get_user_model

    from budgets.roles import sync_role_groups

    today = datetime.date.today()
    with transaction.atomic():
        home = department_create(code="WS-HOME", name="工作台基准单位", level=Department.Level.CITY, actor=None)
        user = get_user_model().objects.create_user(username="bench-staff")
        Membership.objects.create(user=user, department=home, role=Membership.Role.STAFF)
        sync_role_groups(user)
        period = ReportingPeriod.objects.create(
            year=YEAR,
            kind=ReportingPeriod.Kind.SELF_EVALUATION,
            cut_off_date=today - datetime.timedelta(days=30),
            opens_on=today - datetime.timedelta(days=10),
            due_date=today + datetime.timedelta(days=30),
        )
        own = _sheets(home, OWN_SHEETS, PER_SHEET, "工作台项目")
        (large,) = _sheets(home, 1, 200, "二百条指标项目")
        evaluations_prepare(period=period, sheets=[*own, large])
        _grow(period, 1_000)
    client = Client()
    client.force_login(user)
    evaluation = Evaluation.objects.get(sheet=own[0], period=period)
    pages = {
        "我的任务": reverse("workspace:tasks"),
        "填报页（10 条指标）": reverse("assessment:entry", args=[evaluation.pk]),
    }
    small = {name: _measure(client, url) for name, url in pages.items()}
    with transaction.atomic():
        _grow(period, 100_000)
    big = {name: _measure(client, url) for name, url in pages.items()}
    lines = []
    for name in pages:
        (t1, q1), (t2, q2) = small[name], big[name]
        ok = q1 == q2 and q2 <= 15 and t2 <= 1.5 * t1
        lines.append(
            f"workspace {name}: {t1 * 1000:.0f} ms / {q1} queries at 1,000 indicators, "
            f"{t2 * 1000:.0f} ms / {q2} queries at 100,000: {t2 / t1:.2f}× "
            f"(target ≤ 1.5×, same queries ≤ 15){'' if ok else ' — MISSED'}"
        )
    large_evaluation = Evaluation.objects.get(sheet=large, period=period)
    t, q = _measure(client, reverse("assessment:entry", args=[large_evaluation.pk]))
    lines.append(f"workspace 填报页（200 条指标）: {t * 1000:.0f} ms, {q} queries")
    return lines
