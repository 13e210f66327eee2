"""Every URL of the project × every kind of user: the status each gets, and never a 500 nor a page
showing another department's data.

The URL patterns are read from the resolver, so a URL added later is covered automatically: a pattern
without an expectation fails `test_every_url_has_an_expectation` with a message saying where to add
one. Admin pages of a model follow from one line per model in ADMIN_ACCESS (what each role may do
with it); other URLs are listed in PAGES.

The world: 市政府办公厅 (P) with 市信息中心 (A) below it, and 其他区办公室 (B) beside them; staff of A,
staff of B, a supervisor of P (so of A, not of B), an outsider with a staff flag and no membership,
and a superuser. Objects exist in A and in B; each request names the one of A or of B.
"""

import copy
import datetime
import re
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from budgets.audit import audit_record
from budgets.execution import budget_adjust, execution_record_set
from budgets.models import AuditEntry, BudgetLine, BudgetTable, Department, Membership, SourceDocument
from targets.assessment.services import evaluations_prepare
from targets.models import (
    DisclosureImport,
    Evidence,
    ReminderDelivery,
    ReminderDigest,
    ReminderItem,
    ReminderRule,
    ReportBuild,
    ReportFile,
    ReportingPeriod,
)
from targets.monitoring.services import monitoring_reports_prepare
from targets.periods.services import late_entry_grant
from tests.factories import (
    DepartmentFactory,
    FundingFactory,
    IndicatorFactory,
    MembershipFactory,
    ProjectFactory,
    TargetSheetFactory,
    UserFactory,
)

ROLES = ("anonymous", "outsider", "staff", "other_staff", "supervisor", "superuser")
MARKERS = {"A": "甲区专属", "B": "乙区专属"}
# What each member sees, by side: staff of A, staff of B, the supervisor above A.
SEES = {"staff": {"A"}, "other_staff": {"B"}, "supervisor": {"A"}, "superuser": {"A", "B"}}
HOME = {"staff": "A", "other_staff": "B", "supervisor": "A"}


# ---------------------------------------------------------------------------------------------
# Expectations
# ---------------------------------------------------------------------------------------------

V, A, C, D = "view", "add", "change", "delete"


@dataclass(frozen=True)
class Access:
    """What staff and the supervisor may do with a model in the admin (other_staff = staff, on B);
    `scope` says which rows each sees: "department" (its departments), "actor" (rows they wrote),
    "global" (all). Anonymous users are sent to sign in, outsiders refused, superusers may do all
    but what the admin never allows (`never`)."""

    staff: frozenset = frozenset()
    supervisor: frozenset = frozenset()
    scope: str = "department"
    never: frozenset = frozenset()


def access(staff="", supervisor="", scope="department", never=""):
    def perms(text):
        return frozenset({"v": V, "a": A, "c": C, "d": D}[letter] for letter in text)

    return Access(perms(staff), perms(supervisor), scope, perms(never))


ADMIN_ACCESS = {
    "auth.group": access(scope="global"),
    # Beat schedules (reminders, reports, period opening) are run by system administrators only.
    "django_celery_beat.clockedschedule": access(scope="global"),
    "django_celery_beat.crontabschedule": access(scope="global"),
    "django_celery_beat.intervalschedule": access(scope="global"),
    "django_celery_beat.periodictask": access(scope="global"),
    "django_celery_beat.solarschedule": access(scope="global"),
    "auth.user": access(scope="global"),
    "axes.accessattempt": access(scope="global", never="a"),
    "axes.accessfailurelog": access(scope="global", never="ac"),
    "axes.accesslog": access(scope="global", never="a"),
    "budgets.auditentry": access(supervisor="v", scope="actor", never="acd"),
    "budgets.budgetadjustment": access(staff="vac", supervisor="v"),
    "budgets.budgettable": access(staff="v", supervisor="v", never="ac"),
    "budgets.department": access(staff="v", supervisor="v", never="d"),
    "budgets.executionrecord": access(staff="vac", supervisor="v"),
    "budgets.funding": access(staff="vc", supervisor="v", never="a"),
    "budgets.membership": access(supervisor="v"),
    "budgets.project": access(staff="vc", supervisor="v"),
    "budgets.sourcedocument": access(staff="v", supervisor="v", never="ac"),
    "targets.disclosureimport": access(staff="va", supervisor="v", never="c"),
    # Reported records are reviewed, never deleted: a period's records are prepared by opening it.
    "targets.evaluation": access(staff="v", supervisor="vc", never="ad"),
    "targets.indicator": access(staff="v", supervisor="v", never="acd"),
    "targets.indicatorresult": access(staff="v", supervisor="vc", never="ad"),
    "targets.lateentryexception": access(staff="v", supervisor="vac", never="d"),
    "targets.monitoringentry": access(staff="v", supervisor="v", never="ad"),
    "targets.monitoringreport": access(staff="v", supervisor="v", never="ad"),
    "targets.reminderdelivery": access(staff="v", supervisor="v", never="acd"),
    # Both period kinds have their rule (created by the migration), so there is nothing to add.
    "targets.reminderrule": access(supervisor="v", scope="global", never="ad"),
    "targets.reportbuild": access(staff="va", supervisor="va", never="cd"),
    "targets.reportingperiod": access(staff="v", supervisor="v", scope="global", never="d"),
    "targets.ruleprofile": access(staff="v", supervisor="v", scope="global", never="d"),
    "targets.targetsheet": access(staff="vc", supervisor="vc", never="a"),
}


def page(*, anonymous=302, outsider=403, member=200, superuser=None, **roles):
    """A page without an object: the same for every member unless a role is named."""
    statuses = {"anonymous": anonymous, "outsider": outsider, "superuser": member if superuser is None else superuser}
    statuses.update({role: member for role in ("staff", "other_staff", "supervisor")})
    statuses.update(roles)
    return statuses


@dataclass
class Case:
    """Concrete requests for one URL pattern: [(url, method, {role: status})]."""

    requests: list = field(default_factory=list)

    def add(self, url, statuses, method="get"):
        self.requests.append((url, method, statuses))
        return self


def object_statuses(own, foreign, *, anonymous=302, outsider=403, superuser=None, **roles):
    """Statuses for the object of A and for that of B; `own`/`foreign` may be {role: status}."""

    def of(value, role):
        return value.get(role) if isinstance(value, dict) else value

    result = {}
    for side in ("A", "B"):
        statuses = {} if side == "B" else {"anonymous": anonymous, "outsider": outsider}
        for role in ("staff", "other_staff", "supervisor"):
            if side == "B" and role == "other_staff":
                continue
            statuses[role] = of(own if side in SEES[role] else foreign, role)
        if side == "A":
            statuses["superuser"] = of(own, "staff") if superuser is None else superuser
        statuses.update(roles.get(side, {}))
        result[side] = statuses
    return result


def for_objects(url_of, statuses, method="get") -> Case:
    case = Case()
    for side, by_role in statuses.items():
        case.add(url_of(side), by_role, method)
    return case


# Non-admin pages and the admin's own views, by URL name (or route, for unnamed patterns).
PAGES = {
    "workspace:tasks": lambda w: Case().add(reverse("workspace:tasks"), page()),
    "assessment:entry": lambda w: for_objects(
        lambda side: reverse("assessment:entry", args=[w.objects["targets.evaluation"][side].pk]),
        object_statuses(200, 404),
    ),
    "monitoring:entry": lambda w: for_objects(
        lambda side: reverse("monitoring:entry", args=[w.objects["targets.monitoringreport"][side].pk]),
        object_statuses(200, 404),
    ),
    "importing:upload_file": lambda w: for_objects(
        lambda side: reverse("importing:upload_file", args=[w.objects["targets.disclosureimport"][side].pk]),
        object_statuses(200, 404, outsider=404),
    ),
    **{
        f"{app}:{name}": (
            lambda w, app=app, name=name, label=label, method=method, own=own, foreign=foreign: for_objects(
                lambda side: reverse(f"{app}:{name}", args=[w.objects[label][side].pk]),
                object_statuses(own, foreign),
                method,
            )
        )
        for app, name, label, method, own, foreign in (
            ("assessment", "history", "targets.evaluation", "get", 200, 404),
            ("assessment", "sheet-export", "targets.evaluation", "get", 200, 404),
            ("assessment", "sheet-import", "targets.evaluation", "get", 200, 404),
            ("assessment", "evidence", "targets.evidence", "get", 200, 404),
            ("assessment", "evidence-remove", "targets.evidence", "post", 302, 404),
            ("monitoring", "history", "targets.monitoringreport", "get", 200, 404),
            ("importing", "detail", "targets.disclosureimport", "get", 200, 404),
            ("reports", "project", "targets.evaluation", "get", 200, 404),
            ("reports", "build", "targets.reportbuild", "get", 200, 404),
            ("reports", "build_progress", "targets.reportbuild", "get", 200, 404),
            ("reports", "download", "targets.reportfile", "get", 200, 404),
            ("sheets", "detail", "targets.targetsheet", "get", 200, 404),
            ("sheets", "history", "targets.targetsheet", "get", 200, 404),
            ("sheets", "submit", "targets.targetsheet", "post", 302, 404),
            ("sheets", "revise", "targets.targetsheet", "post", 302, 404),
            ("sheets", "move", "targets.indicator", "post", 302, 404),
        )
    },
    "importing:list": lambda w: Case().add(reverse("importing:list"), page()),
    "importing:new": lambda w: Case().add(reverse("importing:new"), page(supervisor=403)),
    "sheets:list": lambda w: Case().add(reverse("sheets:list"), page()),
    "sheets:new": lambda w: Case().add(reverse("sheets:new"), page()),
    "reports:index": lambda w: Case().add(reverse("reports:index"), page()),
    "reports:dashboard": lambda w: Case().add(reverse("reports:dashboard"), page()),
    "reports:build_create": lambda w: Case().add(reverse("reports:build_create"), page(member=302), "post"),
    "reports:department": lambda w: for_objects(
        lambda side: reverse("reports:department", args=[w.departments[side].code, 2021]),
        object_statuses(200, 404),
    ),
    "reports:monitoring": lambda w: for_objects(
        lambda side: reverse(
            "reports:monitoring", args=[w.departments[side].code, w.objects["targets.reportingperiod"]["B"].pk]
        ),
        object_statuses(200, 404),
    ),
    # A person's own notifications: signed-in users only, and nothing of anyone else's.
    "reminders:notifications": lambda w: Case().add(reverse("reminders:notifications"), page(outsider=200)),
    "reminders:read_all": lambda w: Case().add(reverse("reminders:read_all"), page(outsider=302, member=302), "post"),
    "reminders:read": lambda w: for_objects(
        lambda side: reverse("reminders:read", args=[w.objects["targets.reminderdelivery"][side].digest_id]),
        object_statuses(302, 302, outsider=302),
        "post",
    ),
    "admin:targets_review_queue": lambda w: Case().add(
        reverse("admin:targets_review_queue"), page(staff=403, other_staff=403)
    ),
    "admin:targets_reportingperiod_open": lambda w: for_objects(
        lambda side: reverse(
            "admin:targets_reportingperiod_open", args=[w.objects["targets.reportingperiod"][side].pk]
        ),
        object_statuses(403, 403, superuser=302),
        "post",
    ),
    "admin:targets_lateentryexception_revoke": lambda w: for_objects(
        lambda side: reverse(
            "admin:targets_lateentryexception_revoke", args=[w.objects["targets.lateentryexception"][side].pk]
        ),
        object_statuses({"staff": 403, "supervisor": 200}, 302, superuser=200),
    ),
    "login": lambda w: Case().add(reverse("login"), page(anonymous=200, outsider=302, member=302)),
    "logout": lambda w: Case().add(reverse("logout"), page(anonymous=302, outsider=302, member=302), "post"),
    "healthz": lambda w: Case().add(reverse("healthz"), page(anonymous=200, outsider=200, member=200)),
    "budgets:index": lambda w: Case().add(reverse("budgets:index"), page()),
    "budgets:table": lambda w: for_objects(
        lambda side: reverse("budgets:table", args=[w.objects["budgets.budgettable"][side].pk]),
        object_statuses(200, 403),
    ),
    "budgets:source_document_file": lambda w: for_objects(
        lambda side: reverse("budgets:source_document_file", args=[w.objects["budgets.sourcedocument"][side].pk]),
        object_statuses(200, 404),
    ),
    "budgets:department": lambda w: for_objects(
        lambda side: reverse("budgets:department", args=[w.departments[side].code, 2021]),
        object_statuses(200, 403),
    ),
    "admin:index": lambda w: Case().add(reverse("admin:index"), page()),
    "admin:login": lambda w: Case().add(reverse("admin:login"), page(anonymous=200, outsider=200, member=302)),
    "admin:logout": lambda w: Case().add(
        reverse("admin:logout"), page(anonymous=302, outsider=302, member=302), "post"
    ),
    "admin:password_change": lambda w: Case().add(reverse("admin:password_change"), page()),
    "admin:password_change_done": lambda w: Case().add(reverse("admin:password_change_done"), page()),
    "admin:autocomplete": lambda w: (
        Case()
        .add(reverse("admin:autocomplete"), page(member=403))
        .add(
            reverse("admin:autocomplete") + "?app_label=budgets&model_name=membership&field_name=department&term=区",
            page(),
        )
    ),
    "admin:jsi18n": lambda w: Case().add(reverse("admin:jsi18n"), page()),
    "admin:view_on_site": lambda w: Case().add(
        reverse("admin:view_on_site", args=[ContentType.objects.get_for_model(SourceDocument).pk, 1]),
        page(member=404),
    ),
    "admin:app_list": lambda w: (
        Case()
        .add(reverse("admin:app_list", args=["budgets"]), page())
        .add(reverse("admin:app_list", args=["auth"]), page(member=404, superuser=200))
    ),
    "admin/(?P<url>.*)$": lambda w: Case().add("/admin/no-such-page/", page(member=404)),
    "admin:targets_disclosureimport_change": lambda w: for_objects(  # its own page: 404 outside the scope
        lambda side: reverse(
            "admin:targets_disclosureimport_change", args=[w.objects["targets.disclosureimport"][side].pk]
        ),
        object_statuses(200, 404),
    ),
    "admin:budgets_executionrecord_import": lambda w: Case().add(
        reverse("admin:budgets_executionrecord_import"), page(supervisor=403)
    ),
    "admin:budgets_executionrecord_process_import": lambda w: Case().add(
        reverse("admin:budgets_executionrecord_process_import"), page(member=302, supervisor=403), "post"
    ),
    "admin:budgets_executionrecord_export": lambda w: Case().add(
        reverse("admin:budgets_executionrecord_export"), page()
    ),
    "admin:auth_user_password_change": lambda w: for_objects(
        lambda side: reverse("admin:auth_user_password_change", args=[w.users[HOME_USER[side]].pk]),
        object_statuses(403, 403, superuser=200),
    ),
    **{
        f"admin:targets_disclosureimport_{name}": (
            lambda w, name=name, method=method, own=own: for_objects(
                lambda side: reverse(
                    f"admin:targets_disclosureimport_{name}", args=[w.objects["targets.disclosureimport"][side].pk]
                ),
                object_statuses(
                    own, {"staff": 404, "other_staff": 404, "supervisor": 404 if name == "progress" else 403}
                ),
                method,
            )
        )
        for name, method, own in (
            ("progress", "get", 200),
            ("confirm", "post", {"staff": 302, "supervisor": 403}),
            ("correct", "post", {"staff": 200, "supervisor": 403}),  # nothing posted: the page says so
            ("retry", "post", {"staff": 302, "supervisor": 403}),
        )
    },
}
HOME_USER = {"A": "staff", "B": "other_staff"}
ADMIN_MODEL_URL = re.compile(
    r"^admin:(?P<app>[a-z_]+?)_(?P<model>[a-z]+)_(?P<kind>changelist|add|history|delete|change)$"
)
ADMIN_OBJECT_REDIRECT = re.compile(r"^admin/(?P<app>[a-z_]+)/(?P<model>[a-z]+)/<path:object_id>/$")


def admin_case(world, label: str, kind: str) -> Case:
    spec = ADMIN_ACCESS[label]
    app, model = label.split(".")
    case = Case()

    def perms(role):
        if role == "superuser":
            return frozenset({V, A, C, D}) - spec.never
        return (spec.staff if role in ("staff", "other_staff") else spec.supervisor) - spec.never

    def visible(role, side):
        if role == "superuser" or spec.scope == "global":
            return True
        if spec.scope == "actor":
            return HOME.get(role) == side and role in ("staff", "other_staff")
        return side in SEES[role]

    def status(role, side):
        if role == "anonymous":
            return 302
        if role == "outsider":
            return 403
        granted = perms(role)
        can_see = bool(granted & {V, C})
        if kind == "changelist":
            return 200 if can_see else 403
        if kind == "add":
            return 200 if A in granted else 403
        if kind == "delete":
            return 403 if D not in granted else (200 if visible(role, side) else 302)
        if kind == "history":
            return 302 if not visible(role, side) else (200 if can_see else 403)
        if kind == "redirect":
            return 302
        return 403 if not can_see else (200 if visible(role, side) else 302)  # change

    if kind in ("changelist", "add"):
        url = reverse(f"admin:{app}_{model}_{kind}")
        return case.add(url, {role: status(role, "A") for role in ROLES})
    for side in ("A", "B"):
        obj = world.objects[label][side]
        if kind == "redirect":
            url = f"/admin/{app}/{model}/{obj.pk}/"
        else:
            url = reverse(f"admin:{app}_{model}_{kind}", args=[obj.pk])
        roles = ROLES if side == "A" else ("staff", "supervisor")
        case.add(url, {role: status(role, side) for role in roles})
    return case


# ---------------------------------------------------------------------------------------------
# URL patterns from the resolver
# ---------------------------------------------------------------------------------------------


def url_patterns(patterns=None, prefix="", namespace=None):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            space = pattern.namespace and (f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace)
            yield from url_patterns(pattern.url_patterns, prefix + str(pattern.pattern), space or namespace)
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            yield (f"{namespace}:{pattern.name}" if namespace else pattern.name) if pattern.name else route


def case_for(key: str, world) -> Case | None:
    if key in PAGES:
        return PAGES[key](world)
    match = ADMIN_MODEL_URL.match(key) or ADMIN_OBJECT_REDIRECT.match(key)
    if match:
        label = f"{match['app']}.{match['model']}"
        if label in ADMIN_ACCESS:
            return admin_case(world, label, match.groupdict().get("kind", "redirect"))
    return None


ALL_PATTERNS = sorted(set(url_patterns()))


def test_every_url_has_an_expectation():
    missing = [key for key in ALL_PATTERNS if key not in PAGES and not _admin_model_known(key)]
    assert not missing, (
        "These URL patterns have no expected status per role in tests/test_permission_matrix.py: "
        f"{missing}. Add the model to ADMIN_ACCESS (admin pages of a registered model) or the URL to "
        "PAGES (anything else), saying what anonymous users, outsiders, staff of the department, staff "
        "of another department, the supervisor and a superuser should get."
    )


def _admin_model_known(key: str) -> bool:
    match = ADMIN_MODEL_URL.match(key) or ADMIN_OBJECT_REDIRECT.match(key)
    return bool(match) and f"{match['app']}.{match['model']}" in ADMIN_ACCESS


def test_every_registered_admin_model_is_in_the_matrix():
    registered = {model._meta.label_lower for model in admin.site._registry}
    assert registered == set(ADMIN_ACCESS), f"ADMIN_ACCESS differs from the admin: {registered ^ set(ADMIN_ACCESS)}"


# ---------------------------------------------------------------------------------------------
# The world, built once for the module (rolled back at its end), and one signed-in client per role
# ---------------------------------------------------------------------------------------------


@dataclass
class World:
    departments: dict
    users: dict
    objects: dict
    clients: dict


def _side(department, side, staff, granter, period_self, period_monitoring):
    mark = MARKERS[side]
    project = ProjectFactory(department=department, name=f"{mark}政务云运维项目")
    funding = FundingFactory(project=project, total=Decimal("100"))
    document = SourceDocument.objects.create(
        original_name=f"{mark}预算公开.txt",
        format=SourceDocument.Format.TEXT,
        sha256=f"{side}" * 64,
        department=department,
        year=2021,
    )
    document.file.save("matrix.txt", ContentFile(f"{mark}公开文件".encode()))
    table = BudgetTable.objects.create(
        department=department,
        year=2021,
        source_document=document,
        order=1,
        title=f"{mark}收支总表",
        kind="income_expense_summary",
        unit="万元",
    )
    BudgetLine.objects.create(table=table, order=1, code="201", code_kind="functional", name=f"{mark}一般公共服务")
    record = execution_record_set(project=project, month=3, spent=Decimal("10"), actor=staff)
    adjustment = budget_adjust(project=project, full_year_budget=Decimal("120"), reason=f"{mark}调整", actor=staff)
    sheet = TargetSheetFactory(project=project, title=f"{mark}绩效目标表")
    indicator = IndicatorFactory(sheet=sheet, name=f"{mark}巡检次数", value="≥98%")
    (evaluation,) = evaluations_prepare(period=period_self, sheets=[sheet])
    (report,) = monitoring_reports_prepare(period=period_monitoring, sheets=[sheet])
    job = DisclosureImport(
        original_name=f"{mark}上传.txt",
        department=department,
        created_by=staff,
        status=DisclosureImport.Status.PREVIEWED,
        preview={"file": f"{mark}上传.txt", "changes": [], "found": {}},
        last_activity_at=datetime.datetime(2021, 1, 1, tzinfo=datetime.UTC),
    )
    job.file.save("matrix-upload.txt", ContentFile(f"{mark}上传内容".encode()), save=False)
    job.save()
    entry = audit_record(actor=staff, action="project.update", subject=project, changes={"name": [mark, mark]})
    result = evaluation.results.get()
    evidence = Evidence(result=result, original_name=f"{mark}证明.png", size=8, sha256="0" * 64, uploaded_by=staff)
    evidence.file.save(f"matrix-{side}.png", ContentFile(b"\x89PNG\r\n\x1a\n"), save=False)
    evidence.save()
    exception = late_entry_grant(
        period=period_self, department=department, until=datetime.date(2022, 2, 28), reason=f"{mark}延期", actor=granter
    )
    digest = ReminderDigest.objects.create(
        recipient=staff, day=datetime.date(2022, 1, 24), kind="due_soon", subject=f"{mark}提醒", run=uuid.uuid4()
    )
    ReminderItem.objects.create(
        digest=digest, department=department, period=period_self, sheet=sheet, evaluation=evaluation
    )
    delivery = ReminderDelivery.objects.create(digest=digest, channel=ReminderDelivery.Channel.IN_APP)
    build = ReportBuild.objects.create(
        kind=ReportBuild.Kind.PROJECT,
        department=department,
        year=2021,
        evaluation=evaluation,
        status=ReportBuild.Status.DONE,
        title=f"{mark}自评报告",
        snapshot_sha256="0" * 64,
        progress=100,
        requested_by=staff,
    )
    report_file = ReportFile(build=build, format=ReportFile.Format.PDF, name=f"{mark}.pdf", sha256="0" * 64, size=8)
    report_file.file.save(f"matrix-{side}.pdf", ContentFile(b"%PDF-1.4"), save=False)
    report_file.save()
    return {
        "budgets.project": project,
        "budgets.funding": funding,
        "budgets.sourcedocument": document,
        "budgets.budgettable": table,
        "budgets.executionrecord": record,
        "budgets.budgetadjustment": adjustment,
        "budgets.auditentry": entry,
        "targets.targetsheet": sheet,
        "targets.indicator": indicator,
        "targets.evaluation": evaluation,
        "targets.indicatorresult": evaluation.results.get(),
        "targets.monitoringreport": report,
        "targets.monitoringentry": report.entries.get(),
        "targets.disclosureimport": job,
        "targets.evidence": evidence,
        "targets.lateentryexception": exception,
        "targets.reminderdelivery": delivery,
        "targets.reportbuild": build,
        "targets.reportfile": report_file,
    }


def beat_schedules() -> dict:
    from django_celery_beat.models import (
        ClockedSchedule,
        CrontabSchedule,
        IntervalSchedule,
        PeriodicTask,
        SolarSchedule,
    )

    objects = {
        "django_celery_beat.clockedschedule": {
            side: ClockedSchedule.objects.create(clocked_time=datetime.datetime(2030, 1, day, tzinfo=datetime.UTC))
            for side, day in (("A", 1), ("B", 2))
        },
        "django_celery_beat.crontabschedule": {
            side: CrontabSchedule.objects.create(minute=minute, hour="3") for side, minute in (("A", "7"), ("B", "8"))
        },
        "django_celery_beat.intervalschedule": {
            side: IntervalSchedule.objects.create(every=every, period=IntervalSchedule.MINUTES)
            for side, every in (("A", 17), ("B", 19))
        },
        "django_celery_beat.solarschedule": {
            side: SolarSchedule.objects.create(event="sunrise", latitude=latitude, longitude=116)
            for side, latitude in (("A", 39), ("B", 31))
        },
    }
    objects["django_celery_beat.periodictask"] = {
        side: PeriodicTask.objects.create(
            name=f"matrix-{side}",
            task="targets.send_due_reminders",
            crontab=objects["django_celery_beat.crontabschedule"][side],
            enabled=False,
        )
        for side in ("A", "B")
    }
    return objects


def build_world() -> World:
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    parent = DepartmentFactory(code="CITY", name="市政府办公厅")
    departments = {
        "A": DepartmentFactory(code="CITY-IT", name="市信息中心", parent=parent),
        "B": DepartmentFactory(code="OTHER", name="其他区办公室", level=Department.Level.COUNTY),
    }
    users = {
        "outsider": UserFactory(username="outsider", is_staff=True),
        "staff": UserFactory(username="staff"),
        "other_staff": UserFactory(username="other_staff"),
        "supervisor": UserFactory(username="supervisor"),
        "superuser": UserFactory(username="root", is_staff=True, is_superuser=True),
    }
    memberships = {
        "A": MembershipFactory(user=users["staff"], department=departments["A"], role=Membership.Role.STAFF),
        "B": MembershipFactory(user=users["other_staff"], department=departments["B"], role=Membership.Role.STAFF),
    }
    MembershipFactory(user=users["supervisor"], department=parent, role=Membership.Role.SUPERVISOR)
    period_self = ReportingPeriod.objects.create(
        year=2021,
        kind=ReportingPeriod.Kind.SELF_EVALUATION,
        cut_off_date=datetime.date(2021, 12, 31),
        opens_on=datetime.date(2022, 1, 1),
        due_date=datetime.date(2022, 1, 31),
    )
    period_monitoring = ReportingPeriod.objects.create(
        year=2021,
        kind=ReportingPeriod.Kind.MONITORING,
        cut_off_date=datetime.date(2021, 7, 31),
        opens_on=datetime.date(2021, 8, 1),
        due_date=datetime.date(2021, 8, 31),
    )
    sides = {
        side: _side(
            departments[side],
            side,
            users[HOME_USER[side]],
            users["supervisor" if side == "A" else "superuser"],
            period_self,
            period_monitoring,
        )
        for side in ("A", "B")
    }
    objects = {label: {side: sides[side][label] for side in sides} for label in sides["A"]}
    objects["budgets.department"] = departments
    objects["budgets.membership"] = memberships
    objects["auth.user"] = {"A": users["staff"], "B": users["other_staff"]}
    groups = list(Group.objects.order_by("name")[:2])
    objects["auth.group"] = {"A": groups[0], "B": groups[1]}
    objects["targets.reportingperiod"] = {"A": period_self, "B": period_monitoring}
    from targets.models import RuleProfile

    profile = RuleProfile.objects.get(is_current=True)
    objects["targets.ruleprofile"] = {"A": profile, "B": profile}
    objects["targets.reminderrule"] = {
        "A": ReminderRule.objects.get(period_kind=ReportingPeriod.Kind.SELF_EVALUATION),
        "B": ReminderRule.objects.get(period_kind=ReportingPeriod.Kind.MONITORING),
    }
    objects.update(beat_schedules())
    common = {"user_agent": "matrix", "http_accept": "*/*", "path_info": "/admin/login/"}
    objects["axes.accessattempt"] = {
        side: AccessAttempt.objects.create(
            username=f"guess-{side}", ip_address="10.0.0.1", get_data="", post_data="", failures_since_start=3, **common
        )
        for side in ("A", "B")
    }
    objects["axes.accesslog"] = {
        side: AccessLog.objects.create(username=f"log-{side}", ip_address="10.0.0.2", **common) for side in ("A", "B")
    }
    objects["axes.accessfailurelog"] = {
        side: AccessFailureLog.objects.create(username=f"fail-{side}", ip_address="10.0.0.3", **common)
        for side in ("A", "B")
    }
    clients = {"anonymous": Client()}
    for role, user in users.items():
        clients[role] = Client()
        clients[role].force_login(user)
    return World(departments=departments, users=users, objects=objects, clients=clients)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


# ---------------------------------------------------------------------------------------------
# The matrix
# ---------------------------------------------------------------------------------------------


def unseen_markers(role: str) -> list[str]:
    if role in ("anonymous", "outsider"):
        return list(MARKERS.values())
    return [MARKERS[side] for side in MARKERS if side not in SEES[role]]


def check_page(response, role: str) -> list[str]:
    problems = []
    if response.get("Content-Type", "").startswith("text/html"):
        content = response.content.decode()
        problems += [f"shows {marker} data" for marker in unseen_markers(role) if marker in content]
        if f'href="/{settings.MEDIA_URL}' in content:
            problems.append("links to a file under MEDIA_URL instead of a checked download")
        if response.status_code in (400, 403, 404) and "<html" in content and 'lang="zh-hans"' not in content:
            problems.append("an error page that is not the Chinese one")
    return problems


@pytest.mark.parametrize("key", ALL_PATTERNS)
def test_url_as_each_role(key, world, db):
    case = case_for(key, world)
    if case is None:
        pytest.skip("no expectation (test_every_url_has_an_expectation fails for it)")
    failures = []
    for url, method, statuses in case.requests:
        for role, expected in statuses.items():
            client = world.clients[role]
            cookies = client.cookies
            client.cookies = copy.deepcopy(cookies)
            response = getattr(client, method)(url)
            client.cookies = cookies  # a logout or a login replaces the session; the next request keeps it
            if response.status_code != expected:
                failures.append(f"{method.upper()} {url} as {role}: {response.status_code}, expected {expected}")
            failures += [f"{method.upper()} {url} as {role}: {p}" for p in check_page(response, role)]
    assert not failures, "\n".join(failures)


HOSTILE_QUERY = "?p=abc&o=zz.-1&e=1&q=%E2%80%AE%EF%BC%87&year=abc&department__id__exact=x&_export=zip&format=9"


@pytest.mark.parametrize("key", [key for key in ALL_PATTERNS if not key.startswith("admin/(")])
def test_hostile_query_strings_never_break_a_page(key, world, db):
    case = case_for(key, world)
    if case is None:
        pytest.skip("no expectation")
    for url, method, _statuses in case.requests[:1]:
        if method != "get":
            continue
        for role in ("staff", "superuser"):
            response = world.clients[role].get(url + HOSTILE_QUERY)
            assert response.status_code in (200, 302, 400, 403, 404), f"{url} as {role}: {response.status_code}"
            assert not check_page(response, role)


# ---------------------------------------------------------------------------------------------
# Admin actions
# ---------------------------------------------------------------------------------------------


def declared_actions():
    for model, model_admin in admin.site._registry.items():
        for action in model_admin.actions or ():
            function = action if callable(action) else getattr(model_admin, action)
            yield model._meta.label_lower, function.__name__, function


def test_every_admin_action_declares_who_may_use_it():
    missing = sorted(
        f"{label}.{name}"
        for label, name, function in declared_actions()
        if not getattr(function, "allowed_permissions", None)
    )
    assert not missing, f"Admin actions without allowed_permissions (offered to anyone who sees the list): {missing}"


ACTIONS = sorted(
    (label, name)
    for model, model_admin in admin.site._registry.items()
    for label in [model._meta.label_lower]
    for name in ["delete_selected", *[getattr(a, "__name__", a) for a in model_admin.actions or ()]]
)


@pytest.mark.parametrize(("label", "action"), ACTIONS)
def test_actions_by_post_never_reach_rows_the_user_cannot_see(label, action, world, db):
    app, model = label.split(".")
    url = reverse(f"admin:{app}_{model}_changelist")
    target = world.objects[label]["A"]
    before = AuditEntry.objects.count()
    failures = []
    for role in ("anonymous", "outsider", "other_staff"):
        response = world.clients[role].post(url, {"action": action, "_selected_action": [target.pk]})
        expected = {"anonymous": (302,), "outsider": (403,)}.get(role, (200, 302, 403))
        if response.status_code not in expected:
            failures.append(f"{action} as {role}: {response.status_code}")
        failures += [f"{action} as {role}: {p}" for p in check_page(response, role)]
    assert AuditEntry.objects.count() == before, "an action changed something for a user who cannot see the row"
    assert type(target).objects.filter(pk=target.pk).exists()
    for role in ("staff", "supervisor", "superuser"):
        response = world.clients[role].post(url, {"action": action, "_selected_action": [target.pk]})
        if response.status_code not in (200, 302, 403):
            failures.append(f"{action} as {role}: {response.status_code}")
        failures += [f"{action} as {role}: {p}" for p in check_page(response, role)]
    assert not failures, "\n".join(failures)


def test_autocomplete_lists_only_departments_the_user_may_see(world, db):
    url = reverse("admin:autocomplete") + "?app_label=budgets&model_name=membership&field_name=department"
    seen = {
        role: {item["text"] for item in world.clients[role].get(url).json()["results"]}
        for role in ("staff", "other_staff", "supervisor")
    }
    assert seen == {
        "staff": {"市信息中心"},
        "other_staff": {"其他区办公室"},
        "supervisor": {"市政府办公厅", "市信息中心"},
    }
