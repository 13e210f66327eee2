"""Admin and site lists at 1,000 and at 100,000 indicators (with as many results and monitoring
entries, a project, target sheet, evaluation and monitoring report per ten of them, and 20 then
1,000 departments): the median time of each page and its number of queries, as a superuser and as
staff of the department holding the rows. Target: at most 1.5× the time at 1,000, constant queries.

Each round requests every page once, in turn, at both sizes (on PostgreSQL the 1,000-indicator data
stays in a copy of the database), so that a slow moment of the machine is spread over all pages and
both sizes instead of landing on one; the figure is the median over the rounds. Beside the time,
the CPU time of this process (Python's share of the page, which other processes' load disturbs
less) is shown.

Python's full garbage collection is not left to land where it will: a round allocates about the
same each time, so the collection that falls due once a round lands on the same request every
round, and that page's median then carries a pause of 100–300 ms that belongs to the whole process
(at one size the superuser's 预算表, at the other staff's /budgets/). Each size is measured in the
same state instead: after its load and warm-up, whatever is alive is collected and frozen
(gc.freeze(), as a pre-forking server does), and the young garbage is collected, untimed, before
each request; the time of each page is then its own work, young-generation collections included."""

import datetime
import gc
import os
import statistics
import time
from decimal import Decimal

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from budgets.bulk import copy_insert
from budgets.models import BudgetTable, Department, ExecutionRecord, Funding, Membership, Project, SourceDocument
from budgets.services import department_create, membership_grant
from targets.indicator_fields import indicator_fields
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

PER_SHEET = 10
ROUNDS = 9
SIZES = (1_000, 100_000)
DEPARTMENTS = (20, 1_000)  # below the department filter's list, then well above it
if os.environ.get("BENCH_QUICK"):  # a look at the output, not figures
    SIZES, ROUNDS = (100, 1_000), 2
YEAR = 2080


def _periods():
    self_evaluation, _ = ReportingPeriod.objects.get_or_create(
        year=YEAR,
        kind=ReportingPeriod.Kind.SELF_EVALUATION,
        cut_off_date=datetime.date(YEAR, 12, 31),
        defaults={"opens_on": datetime.date(YEAR + 1, 1, 1), "due_date": datetime.date(YEAR + 1, 1, 31)},
    )
    monitoring, _ = ReportingPeriod.objects.get_or_create(
        year=YEAR,
        kind=ReportingPeriod.Kind.MONITORING,
        cut_off_date=datetime.date(YEAR, 6, 30),
        defaults={"opens_on": datetime.date(YEAR, 7, 1), "due_date": datetime.date(YEAR, 7, 31)},
    )
    return self_evaluation, monitoring


def _grow(home: Department, indicators: int) -> None:
    """Add rows until the bench department holds `indicators` indicators (and the rest in proportion)."""
    have = Indicator.objects.filter(sheet__department=home).count()
    sheets_needed = (indicators - have) // PER_SHEET
    if sheets_needed <= 0:
        return
    start = Project.objects.filter(department=home).count()
    period_self, period_monitoring = _periods()
    profile = current_profile()
    projects = Project.objects.bulk_create(
        Project(department=home, year=YEAR - (i % 5), name=f"列表基准项目{start + i:06d}") for i in range(sheets_needed)
    )
    Funding.objects.bulk_create(
        Funding(project=p, period="annual", first_year=p.year, last_year=p.year, total=Decimal(100)) for p in projects
    )
    ExecutionRecord.objects.bulk_create(ExecutionRecord(project=p, month=6, spent=Decimal(40)) for p in projects)
    sheets = TargetSheet.objects.bulk_create(
        TargetSheet(
            scope="project",
            department=home,
            project=p,
            year=p.year,
            period="annual",
            first_year=p.year,
            last_year=p.year,
        )
        for p in projects
    )
    rows = []
    for sheet in sheets:
        for order in range(1, PER_SHEET + 1):
            row = indicator_fields(level1="产出指标", level2="数量指标", name=f"巡检设备数量{order}", value="≥10台")
            row.update(sheet_id=sheet.pk, order=order, weight=Decimal("5"), source_location="")
            rows.append(row)
    copy_insert(Indicator, rows)
    evaluations = Evaluation.objects.bulk_create(
        Evaluation(sheet=s, period=period_self, profile=profile) for s in sheets
    )
    reports = MonitoringReport.objects.bulk_create(
        MonitoringReport(
            sheet=s, period=period_monitoring, profile=profile, time_progress=Decimal("0.5"), warning="green"
        )
        for s in sheets
    )
    evaluation_of = {e.sheet_id: e.pk for e in evaluations}
    report_of = {r.sheet_id: r.pk for r in reports}
    indicator_ids = Indicator.objects.filter(sheet__in=sheets).values_list("id", "sheet_id")
    results, entries = [], []
    for indicator_id, sheet_id in indicator_ids.iterator(chunk_size=20_000):
        results.append(
            {
                "evaluation_id": evaluation_of[sheet_id],
                "indicator_id": indicator_id,
                "weight": Decimal("5"),
                "actual_text": "12台",
                "actual_comparator": "eq",
                "actual_number": Decimal(12),
                "actual_unit": "台",
                "not_applicable": False,
                "assessment_level": "",
                "assessment_points": None,
                "computed_score": Decimal("5"),
                "flag": "met",
                "override_score": None,
                "override_reason": "",
                "deviation_reason": "",
                "improvement": "",
            }
        )
        entries.append(MonitoringEntry(report_id=report_of[sheet_id], indicator_id=indicator_id, value_to_date="6台"))
    copy_insert(IndicatorResult, results)
    MonitoringEntry.objects.bulk_create(entries, batch_size=5_000)
    # Budget tables of the year-by-department index (/budgets/): one per ten indicators, spread over
    # the departments and five years.
    document = SourceDocument.objects.create(
        file="bench/lists.txt", original_name="lists.txt", format="text", sha256=f"{start:064x}", department=home
    )
    departments = [home, *Department.objects.filter(parent=home.parent).exclude(pk=home.pk)]
    BudgetTable.objects.bulk_create(
        BudgetTable(
            department=departments[k % len(departments)],
            year=YEAR - k % 5,
            source_document=document,
            order=k,
            title=f"收支总表{k}",
            kind="income_expense_summary",
        )
        for k in range(sheets_needed)
    )


def _departments(parent: Department, count: int) -> None:
    have = Department.objects.filter(parent=parent).count()
    for index in range(have, count):
        department_create(
            code=f"LIST{index:05d}", name=f"列表基准下属单位{index:05d}", level=parent.level, parent=parent, actor=None
        )


def _pages(home: Department) -> list[tuple[str, str]]:
    def changelist(label: str) -> str:
        return reverse(f"admin:{label}_changelist")

    return [
        ("部门", changelist("budgets_department")),
        ("项目", changelist("budgets_project")),
        ("项目（按部门筛选）", changelist("budgets_project") + f"?department={home.pk}"),
        ("项目（搜索）", changelist("budgets_project") + "?q=列表基准项目0000"),
        ("资金", changelist("budgets_funding")),
        ("执行记录", changelist("budgets_executionrecord")),
        ("预算表", changelist("budgets_budgettable")),
        ("目标表", changelist("targets_targetsheet")),
        ("绩效指标", changelist("targets_indicator")),
        ("绩效指标（搜索）", changelist("targets_indicator") + "?q=巡检设备数量1"),
        ("绩效指标（按年度）", changelist("targets_indicator") + f"?sheet__year={YEAR}"),
        ("绩效自评", changelist("targets_evaluation")),
        ("指标完成情况", changelist("targets_indicatorresult")),
        ("绩效运行监控", changelist("targets_monitoringreport")),
        ("指标监控", changelist("targets_monitoringentry")),
        ("部门预算首页 /budgets/", reverse("budgets:index")),
    ]


def _measure(clients: dict, pages, databases: dict) -> tuple[dict, int]:
    """The medians of each (size, role, page) and the number of full collections inside timed
    requests; `databases` maps each size to the database holding it (None: the current one)."""
    times: dict = {}
    for database in databases.values():
        _use(database)
        for client in clients.values():
            for _, url in pages:
                client.get(url)  # warm: templates, content types, permissions, the database's cache
    gc.collect()
    gc.freeze()  # what is alive now (the load's survivors, caches) is not rescanned by later collections
    full = 0
    try:
        for _ in range(ROUNDS):
            for size, database in databases.items():
                if _use(database):
                    for client in clients.values():
                        client.get(pages[0][1])  # untimed: opens the connection
                full += _round(size, clients, pages, times)
    finally:
        gc.unfreeze()
    medians = {
        key: (statistics.median(walls), statistics.median(cpus), queries)
        for key, (walls, cpus, queries) in times.items()
    }
    return medians, full


def _use(database: str | None) -> bool:
    """Point the connection at `database`; True when it changed."""
    if database is None or connection.settings_dict["NAME"] == database:
        return False
    connection.close()
    connection.settings_dict["NAME"] = database
    return True


def _round(size: int, clients: dict, pages, times: dict) -> int:
    full = 0
    for role, client in clients.items():
        for name, url in pages:
            gc.collect()  # every request starts from the same heap, not from the previous pages' garbage
            full_before = _full_collections()
            with CaptureQueriesContext(connection) as captured:
                start, cpu_start = time.perf_counter(), time.process_time()
                response = client.get(url)
                elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
            full += _full_collections() != full_before
            if response.status_code != 200:
                raise RuntimeError(f"{role} {url}: {response.status_code}")
            walls, cpus, _ = times.setdefault((size, role, name), ([], [], None))
            walls.append(elapsed)
            cpus.append(cpu)
            times[(size, role, name)] = (walls, cpus, captured.captured_queries)
    return full


def _full_collections() -> int:
    return gc.get_stats()[2]["collections"]


def _slowest(queries) -> str:
    slowest = max(queries, key=lambda query: float(query["time"]))
    return f"{float(slowest['time']) * 1000:.0f} ms: {' '.join(slowest['sql'].split())[:160]}"


def _load(parent: Department, home: Department, size: int, departments: int) -> str:
    start = time.perf_counter()
    with transaction.atomic():
        _departments(parent, departments)
        _grow(home, size)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # as autoanalyze would after a load this size; not timed
    load = time.perf_counter() - start
    rows = IndicatorResult.objects.count()
    departments = Department.objects.count()
    return f"admin lists: {size:,} indicators, {rows:,} results, {departments:,} departments (loaded in {load:.0f} s)"


def _copy_database(size: int) -> str:
    """A copy of the database as it is (CREATE DATABASE … TEMPLATE, statistics included), so that
    this size can be measured in the same rounds as the next one."""
    connection.close()  # a template database must have no other session
    connection.creation.clone_test_db(suffix=f"lists{size}", verbosity=0, autoclobber=True)
    return connection.creation.get_test_db_clone_settings(f"lists{size}")["NAME"]


def _drop_database(name: str, *, back_to: str) -> None:
    _use(back_to)
    connection.close()
    connection.creation._destroy_test_db(name, verbosity=0)


def run() -> list[str]:
    from django.contrib.auth import get_user_model

    with transaction.atomic():
        parent = department_create(code="LISTBENCH", name="列表基准部门", level=Department.Level.CITY, actor=None)
        home = department_create(
            code="LISTHOME", name="列表基准本单位", level=Department.Level.CITY, parent=parent, actor=None
        )
        users = get_user_model().objects
        root = users.create(username="list-bench-root", is_staff=True, is_superuser=True)
        staff = users.create(username="list-bench-staff")
        membership_grant(user=staff, department=home, role=Membership.Role.STAFF, actor=None)
    clients = {}
    for role, user in (("superuser", root), ("staff", staff)):
        clients[role] = Client()
        clients[role].force_login(user)
    pages = _pages(home)
    small, large = SIZES
    loads = [_load(parent, home, small, DEPARTMENTS[0])]
    main = connection.settings_dict["NAME"]
    copy = _copy_database(small) if connection.vendor == "postgresql" else None
    try:
        if copy is None:  # SQLite: one size after the other
            measured, full = _measure(clients, pages, {small: None})
        loads.append(_load(parent, home, large, DEPARTMENTS[1]))
        if copy is None:
            more, full_large = _measure(clients, pages, {large: None})
            measured, full = {**measured, **more}, full + full_large
        else:
            measured, full = _measure(clients, pages, {small: copy, large: main})
    finally:
        if copy is not None:
            _drop_database(copy, back_to=main)
    lines = [*loads, f"admin lists: full garbage collections inside timed requests: {full}"]
    worst = worst_cpu = 0.0
    constant = True
    for role in clients:
        for name, _ in pages:
            t_small, cpu_small, small_queries = measured[(small, role, name)]
            t_large, cpu_large, large_queries = measured[(large, role, name)]
            q_small, q_large = len(small_queries), len(large_queries)
            ratio, cpu_ratio = t_large / t_small, cpu_large / cpu_small
            worst, worst_cpu = max(worst, ratio), max(worst_cpu, cpu_ratio)
            constant &= q_small == q_large and q_large <= 12
            lines.append(
                f"admin lists: {role:9} {name}: {t_small * 1000:.0f} ms → {t_large * 1000:.0f} ms ({ratio:.2f}×), "
                f"CPU {cpu_small * 1000:.0f} → {cpu_large * 1000:.0f} ms ({cpu_ratio:.2f}×), "
                f"queries {q_small} → {q_large}"
            )
            if ratio > 1.5:
                lines.append(f"admin lists:   slowest query at {large:,}: {_slowest(large_queries)}")
    lines.append(
        f"admin lists: worst ratio {worst:.2f}× (target ≤ 1.5×; CPU {worst_cpu:.2f}×), queries "
        + ("constant and ≤ 12" if constant else "NOT constant or above 12")
        + f"; medians of {ROUNDS} rounds on {connection.vendor}"
        + (", both sizes in each round" if connection.vendor == "postgresql" else ", one size after the other")
    )
    return lines
