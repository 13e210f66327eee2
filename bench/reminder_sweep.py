"""The daily reminder sweep over 10,000 users and 200,000 indicators, against one over 100 users and
2,000 indicators: its time, and its queries, which must not grow with the number of users.

Each population: parent departments with a supervisor, 20 sub-departments each with 5 staff members
and one project sheet of 100 indicators in a self-evaluation period. On the sweep day (the day before
the deadline) 60% of the evaluations are drafts with a third of their indicators still empty, 20% were
returned with a reason for two indicators, and 20% are submitted; every staff member of a draft or
returned department gets a digest. The sweep is the service the daily job calls (plan, then digests,
sheets and deliveries); sending the e-mails is the workers' job and is not timed here."""

import datetime
import time
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from budgets.bulk import copy_insert
from budgets.models import Department, Membership, Project
from targets.indicator_fields import indicator_fields
from targets.models import Evaluation, Indicator, IndicatorResult, ReportingPeriod, ReturnNote, TargetSheet
from targets.profiles import current_profile
from targets.reminders.models import ReminderDigest, ReminderItem
from targets.reminders.selectors import reminder_plan
from targets.reminders.services import reminder_digests_create
from targets.scoring.values import Comparator

CHILDREN, STAFF, INDICATORS = 20, 5, 100


def _populate(year: int, parents: int) -> datetime.date:
    """A population of `parents` × 20 departments; returns its sweep day."""
    User = get_user_model()
    tag = f"R{year}"
    tops = Department.objects.bulk_create(
        Department(code=f"{tag}-{p:03d}", name=f"提醒基准{year}主管{p:03d}", level="city", path=f"/{tag}-{p:03d}/")
        for p in range(parents)
    )
    children = Department.objects.bulk_create(
        Department(
            code=f"{top.code}-{c:02d}",
            name=f"{top.name}下属{c:02d}",
            level="county",
            parent=top,
            path=f"{top.path}{top.code}-{c:02d}/",
        )
        for top in tops
        for c in range(CHILDREN)
    )
    unusable = make_password(None)
    users = User.objects.bulk_create(
        User(username=f"{tag}-u{n:05d}", email=f"{tag.lower()}-u{n:05d}@example.cn", password=unusable)
        for n in range(parents * (CHILDREN * STAFF + 1))
    )
    people = iter(users)
    memberships = [Membership(user=next(people), department=top, role="supervisor") for top in tops]
    memberships += [Membership(user=next(people), department=d, role="staff") for d in children for _ in range(STAFF)]
    Membership.objects.bulk_create(memberships)

    due = datetime.date(year + 1, 3, 31)
    period = ReportingPeriod.objects.create(
        year=year,
        kind="self_evaluation",
        cut_off_date=datetime.date(year, 12, 31),
        opens_on=datetime.date(year + 1, 1, 1),
        due_date=due,
    )
    projects = Project.objects.bulk_create(Project(department=d, year=year, name=f"{d.name}运维项目") for d in children)
    sheets = TargetSheet.objects.bulk_create(
        TargetSheet(
            scope="project",
            department_id=p.department_id,
            project=p,
            year=year,
            period="annual",
            first_year=year,
            last_year=year,
        )
        for p in projects
    )
    row = indicator_fields(level1="产出指标", level2="数量指标", name="x", value="≥10个")
    copy_insert(
        Indicator,
        [
            {
                **row,
                "name": f"巡检数量{order:03d}",
                "sheet_id": sheet.pk,
                "order": order,
                "weight": Decimal("0.90"),
                "source_location": "",
            }
            for sheet in sheets
            for order in range(1, INDICATORS + 1)
        ],
    )
    profile = current_profile()
    statuses = ["draft", "draft", "draft", "returned", "submitted"]
    submitted_at = datetime.datetime(year + 1, 3, 28, 9, tzinfo=datetime.UTC)
    evaluations = Evaluation.objects.bulk_create(
        Evaluation(
            sheet=sheet,
            period=period,
            profile=profile,
            status=statuses[n % len(statuses)],
            submitted_at=submitted_at if statuses[n % len(statuses)] != "draft" else None,
        )
        for n, sheet in enumerate(sheets)
    )
    by_sheet = {e.sheet_id: e for e in evaluations}
    results, notes = [], []
    for indicator_id, sheet_id, order in Indicator.objects.filter(sheet__in=sheets).values_list(
        "id", "sheet_id", "order"
    ):
        evaluation = by_sheet[sheet_id]
        empty = evaluation.status == "draft" and order % 3 == 0
        results.append(
            {
                "evaluation_id": evaluation.pk,
                "indicator_id": indicator_id,
                "weight": Decimal("0.90"),
                "actual_text": "" if empty else "12个",
                "actual_comparator": Comparator.QUALITATIVE if empty else Comparator.EQ,
                "actual_number": None if empty else Decimal(12),
                "actual_unit": "" if empty else "个",
                "not_applicable": False,
                "assessment_level": "",
                "assessment_points": None,
                "computed_score": None,
                "flag": "",
                "override_score": None,
                "override_reason": "",
                "deviation_reason": "",
                "improvement": "",
            }
        )
        if evaluation.status == "returned" and order <= 2:
            notes.append(
                ReturnNote(evaluation=evaluation, indicator_id=indicator_id, message="口径与目标不一致，请核实")
            )
    copy_insert(IndicatorResult, results)
    ReturnNote.objects.bulk_create(notes)
    return due - datetime.timedelta(days=1)


def _sweep(day: datetime.date) -> dict:
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        plan = reminder_plan(day)
        planned = time.perf_counter()
        created = reminder_digests_create(day=day, plan=plan)
        done = time.perf_counter()
    reads = sum(1 for q in queries.captured_queries if q["sql"].lstrip().upper().startswith("SELECT"))
    return {
        "plan_s": planned - start,
        "create_s": done - planned,
        "digests": created["digests"],
        "queries": len(queries.captured_queries),
        "reads": reads,
    }


def run() -> list[str]:
    with transaction.atomic():
        small_day = _populate(2093, parents=1)
    small = _sweep(small_day)
    start = time.perf_counter()
    with transaction.atomic():
        large_day = _populate(2094, parents=100)
    loaded = time.perf_counter() - start
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    users = get_user_model().objects.filter(username__startswith="R2094").count()
    indicators = Indicator.objects.filter(sheet__year=2094).count()
    large = _sweep(large_day)
    repeat = _sweep(large_day)
    items = ReminderItem.objects.filter(digest__day=large_day).count()
    constant = small["queries"] == large["queries"]
    took, again = large["plan_s"] + large["create_s"], repeat["plan_s"] + repeat["create_s"]
    lines = [
        f"reminder sweep: loaded {users:,} users, {indicators:,} indicators in {loaded:.1f} s (then VACUUM ANALYZE)",
        f"reminder sweep on {connection.vendor}: {large['digests']:,} digests naming {items:,} sheets in "
        f"{took:.2f} s (plan {large['plan_s']:.2f} s, writing {large['create_s']:.2f} s)",
        f"reminder sweep repeated the same day: {repeat['digests']} new digests, {again:.2f} s",
        f"reminder sweep queries: {small['queries']} for {small['digests']} digests (101 users, 2,000 indicators), "
        f"{large['queries']} for {large['digests']:,} digests ({users:,} users) — "
        + ("constant" if constant else "NOT constant")
        + f" (reads {small['reads']} and {large['reads']}"
        + ("; sheets and deliveries go in as two COPY streams besides)" if connection.vendor == "postgresql" else ")"),
    ]
    if not constant and connection.vendor == "sqlite":
        lines.append("reminder sweep: SQLite splits bulk inserts into batches of 999 values; run with PostgreSQL")
    assert ReminderDigest.objects.filter(day=large_day).count() == large["digests"]
    return lines
