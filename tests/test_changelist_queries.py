"""Every changelist of budgets/ and targets/ makes the same, small number of queries however many
rows it lists: for each registered ModelAdmin, the page (and its search, and its department filter)
is read at N units of data and at 3N, as a superuser, as staff (a member of every unit's
department, so the department filter grows too) and as a supervisor above them.

A `__str__` reaching a related row, a list filter listing rows, or a column reading a relation the
queryset does not join shows up as a count that grows with the rows."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.contrib import admin
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from budgets.audit import audit_record
from budgets.execution import budget_adjust, execution_record_set
from budgets.models import BudgetLine, BudgetTable, Department, Membership, SourceDocument
from targets.assessment.services import evaluations_prepare
from targets.models import (
    DisclosureImport,
    ReminderDelivery,
    ReminderDigest,
    ReminderItem,
    ReportBuild,
    ReportingPeriod,
)
from targets.monitoring.services import monitoring_reports_prepare
from targets.periods.services import late_entry_grant
from targets.profiles import rule_profile_create
from tests.factories import (
    DepartmentFactory,
    FundingFactory,
    IndicatorFactory,
    MembershipFactory,
    ProjectFactory,
    TargetSheetFactory,
    UserFactory,
)

MAX_QUERIES = 12
UNITS = 2  # then 3 × UNITS; a page shows them all (well below a page of 100)
# Rows that do not grow with the data: one reminder rule per period kind.
FIXED = {"targets.reminderrule"}
ROLES = ("superuser", "staff", "supervisor")


def project_admins():
    """(label, model admin) of every changelist registered by budgets/ or targets/."""
    found = []
    for model, model_admin in admin.site._registry.items():
        if type(model_admin).__module__.split(".")[0] in {"budgets", "targets"}:
            found.append((model._meta.label_lower, model_admin))
    return sorted(found, key=lambda item: item[0])


def _periods():
    self_evaluation = ReportingPeriod.objects.create(
        year=2021,
        kind=ReportingPeriod.Kind.SELF_EVALUATION,
        cut_off_date=datetime.date(2021, 12, 31),
        opens_on=datetime.date(2022, 1, 1),
        due_date=datetime.date(2022, 1, 31),
    )
    monitoring = ReportingPeriod.objects.create(
        year=2021,
        kind=ReportingPeriod.Kind.MONITORING,
        cut_off_date=datetime.date(2021, 7, 31),
        opens_on=datetime.date(2021, 8, 1),
        due_date=datetime.date(2021, 8, 31),
    )
    return self_evaluation, monitoring


def add_unit(index: int, cast: dict, periods) -> None:
    """One of everything, in a new department below the supervisor's, staff a member of it."""
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    period_self, period_monitoring = periods
    staff, supervisor = cast["staff"], cast["supervisor"]
    department = DepartmentFactory(code=f"UNIT{index:03d}", name=f"单位{index:03d}", parent=cast["parent"])
    MembershipFactory(user=staff, department=department, role=Membership.Role.STAFF)
    staff.refresh_from_db()
    project = ProjectFactory(department=department, name=f"运维项目{index:03d}")
    FundingFactory(project=project, total=Decimal("100"))
    document = SourceDocument.objects.create(
        file=f"sources/unit{index}.txt",
        original_name=f"公开{index}.txt",
        format=SourceDocument.Format.TEXT,
        sha256=f"{index:064x}",
        department=department,
        year=2021,
    )
    table = BudgetTable.objects.create(
        department=department,
        year=2021,
        source_document=document,
        order=1,
        title=f"收支总表{index}",
        kind="income_expense_summary",
        unit="万元",
    )
    BudgetLine.objects.create(table=table, order=1, code="201", code_kind="functional", name="一般公共服务")
    execution_record_set(project=project, month=3, spent=Decimal("10"), actor=staff)
    budget_adjust(project=project, full_year_budget=Decimal("120"), reason="调整", actor=staff)
    sheet = TargetSheetFactory(project=project, title=f"目标表{index}")
    IndicatorFactory(sheet=sheet, order=1, name=f"巡检次数{index}", value="≥98%")
    IndicatorFactory(sheet=sheet, order=2, name=f"满意度{index}", value="≥90%")
    (evaluation,) = evaluations_prepare(period=period_self, sheets=[sheet])
    monitoring_reports_prepare(period=period_monitoring, sheets=[sheet])
    DisclosureImport.objects.create(
        file=f"uploads/unit{index}.txt",
        original_name=f"上传{index}.txt",
        department=department,
        created_by=staff,
        status=DisclosureImport.Status.PREVIEWED,
    )
    audit_record(actor=staff, action="project.update", subject=project, changes={"name": ["a", "b"]})
    late_entry_grant(
        period=period_self, department=department, until=datetime.date(2022, 2, 28), reason="延期", actor=supervisor
    )
    digest = ReminderDigest.objects.create(
        recipient=staff,
        day=datetime.date(2022, 1, 1) + datetime.timedelta(days=index),
        kind="due_soon",
        run=uuid.uuid4(),
    )
    ReminderItem.objects.create(
        digest=digest, department=department, period=period_self, sheet=sheet, evaluation=evaluation
    )
    ReminderDelivery.objects.create(digest=digest, channel=ReminderDelivery.Channel.IN_APP)
    ReportBuild.objects.create(
        kind=ReportBuild.Kind.PROJECT,
        department=department,
        year=2021,
        evaluation=evaluation,
        status=ReportBuild.Status.DONE,
        title=f"自评报告{index}",
        snapshot_sha256="0" * 64,
        progress=100,
        requested_by=staff,
    )
    ReportingPeriod.objects.create(
        year=2020,
        kind=ReportingPeriod.Kind.MONITORING,
        cut_off_date=datetime.date(2020, 1, 1) + datetime.timedelta(days=index),
        opens_on=datetime.date(2020, 1, 1) + datetime.timedelta(days=index),
        due_date=datetime.date(2020, 12, 31),
    )
    rule_profile_create(name=f"评分规则{index}", reason="新建", actor=None)
    PeriodicTask.objects.create(
        name=f"unit-{index}",
        task="targets.send_due_reminders",
        crontab=CrontabSchedule.objects.create(minute=str(index % 60), hour="3"),
        enabled=False,
    )


def requests_of(label: str, model_admin) -> list[str]:
    """The changelist, its search (if any) and its department filter (if any) with a choice made."""
    url = reverse(f"admin:{label.replace('.', '_')}_changelist")
    urls = [url]
    if model_admin.search_fields:
        urls.append(f"{url}?q=1")
    parameter = department_parameter(model_admin)
    if parameter:
        department = Department.objects.get(code="UNIT000")
        urls.append(f"{url}?{parameter}={department.pk}")
    return urls


def department_parameter(model_admin) -> str | None:
    """The query parameter of the changelist's filter by department, if it has one."""
    for list_filter in model_admin.list_filter:
        if isinstance(list_filter, tuple):
            list_filter = list_filter[0]
        if isinstance(list_filter, str):
            if list_filter.split("__")[-1] == "department":
                return f"{list_filter}__id__exact"
        elif getattr(list_filter, "parameter_name", None) == "department":
            return "department"
        elif getattr(list_filter, "department_lookup", None):
            return list_filter.parameter_name
    return None


def measure(client: Client, url: str, role: str) -> tuple[int, int | None] | None:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    if response.status_code == 403 and role != "superuser":
        return None  # not this role's page (tests/test_permission_matrix.py says whose it is)
    assert response.status_code == 200, (role, url, response.status_code)
    changelist = response.context_data.get("cl") if hasattr(response, "context_data") else None
    return len(queries.captured_queries), (len(changelist.result_list) if changelist else None)


@pytest.fixture
def cast(db):
    parent = DepartmentFactory(code="CITY", name="市政府办公厅", level=Department.Level.CITY)
    staff = UserFactory(username="staff")
    MembershipFactory(user=staff, department=DepartmentFactory(code="HOME", name="本单位", parent=parent), role="staff")
    supervisor = UserFactory(username="supervisor")
    MembershipFactory(user=supervisor, department=parent, role=Membership.Role.SUPERVISOR)
    superuser = UserFactory(username="root", is_staff=True, is_superuser=True)
    for user in (staff, supervisor):
        user.refresh_from_db()
    return {"parent": parent, "staff": staff, "supervisor": supervisor, "superuser": superuser}


def counts_for(cast, targets) -> dict:
    counts = {}
    for role in ROLES:
        client = Client()
        client.force_login(cast[role])
        for label, url in targets:
            client.get(url)  # per-process caches (content types, permissions) are not the page's cost
            counts[(role, label, url)] = measure(client, url, role)
    return counts


def test_changelists_make_the_same_few_queries_at_three_times_the_rows(cast):
    periods = _periods()
    for index in range(UNITS):
        add_unit(index, cast, periods)
    targets = [(label, url) for label, model_admin in project_admins() for url in requests_of(label, model_admin)]
    assert len({label for label, _ in targets}) >= 20, "the registry lost changelists"
    small = counts_for(cast, targets)
    for index in range(UNITS, 3 * UNITS):
        add_unit(index, cast, periods)
    large = counts_for(cast, targets)

    problems = []
    for key, measured in small.items():
        role, label, url = key
        if measured is None:
            continue
        (queries, rows), (more_queries, more_rows) = measured, large[key]
        if more_queries != queries or more_queries > MAX_QUERIES:
            problems.append(f"{role} {url}: {queries} queries at {rows} rows, {more_queries} at {more_rows}")
        plain = "?" not in url
        if plain and role == "superuser" and label not in FIXED and not (rows and more_rows and more_rows > rows):
            problems.append(f"{role} {url}: the rows did not grow ({rows} → {more_rows}), so nothing was measured")
    assert not problems, "\n".join(problems)
