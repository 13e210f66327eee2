"""Who gets what on a day (the reminder plan) and the reads behind the notifications page and the log.

The plan is set-based over every department: a fixed number of queries per open period and record
kind, whatever the number of users, departments, sheets or indicators.

- Staff of a department are reminded of its records that are not submitted (draft) or were returned,
  on the rule's days before the department's deadline (a late-entry exception moves it) and on its
  days after; on those days after, the department's supervisors (on it or any ancestor) get an
  escalation listing the late sheets.
- Supervisors are reminded of submissions that have waited for review longer than the rule allows.
- A muted kind is left out unless the rule of the record's period kind makes it mandatory.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import DateField, Exists, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Greatest
from django.urls import reverse
from django.utils import timezone

from budgets.models import Membership
from budgets.selectors import department_scope

from ..models import (
    Evaluation,
    IndicatorResult,
    LateEntryException,
    MonitoringEntry,
    MonitoringReport,
    ReportingPeriod,
    ReturnNote,
    ReviewStatus,
)
from ..periods.selectors import periods_open_on
from .models import ReminderDelivery, ReminderDigest, ReminderItem, ReminderKind, ReminderMute, ReminderRule

Kind = ReportingPeriod.Kind
STAFF_KINDS = (ReminderKind.DUE_SOON, ReminderKind.OVERDUE)


@dataclass(frozen=True)
class Source:
    """One kind of record staff report in a period: its model, return-note field and pages."""

    model: type
    period_kind: str
    note_field: str
    entry_url: str
    review_url: str

    def empty_rows(self, records: QuerySet) -> QuerySet:
        """(record id, indicator name) of the indicators still without an entry, in sheet order."""
        if self.model is Evaluation:
            rows = IndicatorResult.objects.filter(
                evaluation__in=records, actual_text="", assessment_level="", not_applicable=False
            )
            return rows.order_by("evaluation_id", "indicator__order").values_list("evaluation_id", "indicator__name")
        rows = MonitoringEntry.objects.filter(report__in=records, value_to_date="")
        return rows.order_by("report_id", "indicator__order").values_list("report_id", "indicator__name")


SOURCES = {
    Kind.SELF_EVALUATION: Source(
        Evaluation, Kind.SELF_EVALUATION, "evaluation", "assessment:entry", "admin:targets_evaluation_change"
    ),
    Kind.MONITORING: Source(
        MonitoringReport,
        Kind.MONITORING,
        "monitoring_report",
        "monitoring:entry",
        "admin:targets_monitoringreport_change",
    ),
}
RECORD_FIELDS = (
    "pk",
    "status",
    "period_id",
    "sheet_id",
    "sheet__title",
    "sheet__project__name",
    "sheet__department_id",
    "sheet__department__name",
    "sheet__department__path",
)


@dataclass
class PlannedItem:
    """A record a digest names, with what the message says about it (`content`, JSON-safe)."""

    period_kind: str
    record_id: int
    sheet_id: int
    department_id: int
    department_path: str
    period_id: int
    content: dict

    @property
    def sort_key(self):
        return (
            self.content.get("deadline") or self.content.get("submitted_on", ""),
            self.department_path,
            self.content["sheet"],
        )


@dataclass
class PlannedDigest:
    recipient_id: int
    name: str
    email: str
    kind: str
    items: list[PlannedItem] = field(default_factory=list)


def rules_by_kind() -> dict[str, ReminderRule]:
    """The rule of every period kind; a kind without a saved rule uses the defaults."""
    saved = {rule.period_kind: rule for rule in ReminderRule.objects.all()}
    return {kind: saved.get(kind) or ReminderRule(period_kind=kind) for kind in Kind.values}


def _period_label(year: int, kind: str, cut_off: datetime.date) -> str:
    return str(ReportingPeriod(year=year, kind=kind, cut_off_date=cut_off))


def _sheet_name(row: dict) -> str:
    return row["sheet__project__name"] or row["sheet__title"] or row["sheet__department__name"]


def _item(source: Source, row: dict, url_name: str, content: dict) -> PlannedItem:
    return PlannedItem(
        period_kind=source.period_kind,
        record_id=row["pk"],
        sheet_id=row["sheet_id"],
        department_id=row["sheet__department_id"],
        department_path=row["sheet__department__path"],
        period_id=row["period_id"],
        content={
            "record": source.note_field,
            "id": row["pk"],
            "department": row["sheet__department__name"],
            "sheet": _sheet_name(row),
            "status": row["status"],
            "path": reverse(url_name, args=[row["pk"]]),
            **content,
        },
    )


def _records_due(source: Source, period: ReportingPeriod, deadlines) -> QuerySet:
    """The period's records still with staff (draft or returned) whose department's deadline is one
    of `deadlines`, annotated with that `deadline`."""
    exception = LateEntryException.objects.filter(period=period, department=OuterRef("sheet__department"))
    due = Value(period.due_date, output_field=DateField())
    return (
        source.model.objects.filter(period=period, status__in=[ReviewStatus.DRAFT, ReviewStatus.RETURNED])
        .annotate(
            deadline=Greatest(due, Coalesce(Subquery(exception.values("until")[:1]), due), output_field=DateField())
        )
        .filter(deadline__in=list(deadlines))
    )


def _staff_items(day: datetime.date, rules: dict) -> list[tuple[str, PlannedItem]]:
    """(reminder kind, item) for every record staff must be reminded of today."""
    planned = []
    for period in periods_open_on(day):
        rule, source = rules[period.kind], SOURCES[period.kind]
        if not rule.enabled:
            continue
        kinds = {day + datetime.timedelta(days=n): ReminderKind.DUE_SOON for n in rule.before}
        kinds |= {day - datetime.timedelta(days=n): ReminderKind.OVERDUE for n in rule.after}
        if not kinds:
            continue
        records = _records_due(source, period, kinds)
        empty, notes = defaultdict(list), defaultdict(list)
        for record_id, name in source.empty_rows(records.values("pk")):
            empty[record_id].append(name)
        note_rows = ReturnNote.objects.filter(
            **{f"{source.note_field}__in": records.values("pk")}, resolved_at__isnull=True
        ).order_by("created_at", "id")
        for record_id, indicator, message in note_rows.values_list(
            f"{source.note_field}_id", "indicator__name", "message"
        ):
            notes[record_id].append([indicator or "", message])
        label = str(period)
        for row in records.values(*RECORD_FIELDS, "deadline"):
            content = {
                "period": label,
                "deadline": row["deadline"].isoformat(),
                "empty": empty.get(row["pk"], []),
                "notes": notes.get(row["pk"], []),
            }
            planned.append((kinds[row["deadline"]], _item(source, row, source.entry_url, content)))
    return planned


def _waiting_items(day: datetime.date, rules: dict) -> list[PlannedItem]:
    """Submissions that have waited for review longer than their rule allows, in any period."""
    planned = []
    zone = timezone.get_current_timezone()
    for kind, source in SOURCES.items():
        rule = rules[kind]
        if not rule.enabled:
            continue
        cutoff = datetime.datetime.combine(
            day - datetime.timedelta(days=rule.review_after_days), datetime.time.min, zone
        )
        rows = source.model.objects.filter(status=ReviewStatus.SUBMITTED, submitted_at__lt=cutoff).values(
            *RECORD_FIELDS, "submitted_at", "period__year", "period__kind", "period__cut_off_date"
        )
        for row in rows:
            submitted_on = timezone.localdate(row["submitted_at"], zone)
            content = {
                "period": _period_label(row["period__year"], row["period__kind"], row["period__cut_off_date"]),
                "submitted_on": submitted_on.isoformat(),
                "waiting_days": (day - submitted_on).days,
            }
            planned.append(_item(source, row, source.review_url, content))
    return planned


def _people():
    """Active users' staff departments, supervisors by department path, and how to address them."""
    staff, supervisors, people = defaultdict(list), defaultdict(list), {}
    rows = Membership.objects.filter(user__is_active=True).values_list(
        "role",
        "department_id",
        "department__path",
        "user_id",
        "user__username",
        "user__first_name",
        "user__last_name",
        "user__email",
    )
    for role, department_id, path, user_id, username, first, last, email in rows:
        people[user_id] = (f"{first} {last}".strip() or username, email)
        if role == Membership.Role.SUPERVISOR:
            supervisors[path].append(user_id)
        else:
            staff[department_id].append(user_id)
    return staff, supervisors, people


def _ancestor_paths(path: str) -> list[str]:
    """ "/01/0103/" → ["/01/", "/01/0103/"]: the department and every department above it."""
    codes = [code for code in path.split("/") if code]
    return ["/" + "/".join(codes[: depth + 1]) + "/" for depth in range(len(codes))]


def reminder_plan(day: datetime.date) -> list[PlannedDigest]:
    """Every digest due on `day` (who, which kind, which records and what about them), ordered by
    recipient and kind. Reads only; the same for any number of runs on the same data."""
    rules = rules_by_kind()
    muted = set(ReminderMute.objects.values_list("user_id", "kind"))
    staff, supervisors, people = _people()
    wanted: dict[tuple[int, str], list[PlannedItem]] = defaultdict(list)

    def supervisors_of(item: PlannedItem) -> set[int]:
        return {user for path in _ancestor_paths(item.department_path) for user in supervisors.get(path, ())}

    for kind, item in _staff_items(day, rules):
        for user in staff.get(item.department_id, ()):
            wanted[(user, kind)].append(item)
        if kind == ReminderKind.OVERDUE:
            for user in supervisors_of(item):
                wanted[(user, ReminderKind.ESCALATION)].append(item)
    for item in _waiting_items(day, rules):
        for user in supervisors_of(item):
            wanted[(user, ReminderKind.REVIEW)].append(item)

    digests = []
    for (user, kind), items in sorted(wanted.items()):
        if (user, kind) in muted:
            items = [item for item in items if rules[item.period_kind].is_mandatory(kind)]
        if items:
            name, email = people[user]
            digests.append(PlannedDigest(user, name, email, kind, sorted(items, key=lambda item: item.sort_key)))
    return digests


# Notifications page and log ----------------------------------------------------------------------


def notifications_for(user) -> QuerySet[ReminderDigest]:
    return ReminderDigest.objects.filter(recipient=user).order_by("-day", "-id")


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return ReminderDigest.objects.filter(recipient=user, read_at__isnull=True).count()


def mandatory_everywhere(rules: dict | None = None) -> set[str]:
    """Kinds no user can mute because every enabled rule makes them mandatory (escalation always)."""
    rules = rules or rules_by_kind()
    enabled = [rule for rule in rules.values() if rule.enabled] or list(rules.values())
    return {kind for kind in ReminderKind.values if all(rule.is_mandatory(kind) for rule in enabled)}


def muted_kinds(user) -> set[str]:
    return set(ReminderMute.objects.filter(user=user).values_list("kind", flat=True))


def deliveries_visible_to(user) -> QuerySet[ReminderDelivery]:
    """The log a user may read: their own reminders, and those naming a department they supervise."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return ReminderDelivery.objects.none()
    deliveries = ReminderDelivery.objects.all()
    if user.is_superuser:
        return deliveries
    supervised = ReminderItem.objects.filter(
        department_scope(user, prefix="department", roles=(Membership.Role.SUPERVISOR,)), digest=OuterRef("digest")
    )
    return deliveries.filter(Q(digest__recipient=user) | Q(Exists(supervised)))


def email_deliveries_to_recover(now: datetime.datetime, *, since: datetime.date) -> list[int]:
    """E-mails of digests from `since` on still unsent whose turn has come: never picked up (a lost
    task), or claimed by a worker that died mid-send and whose claim has run out."""
    return list(
        ReminderDelivery.objects.filter(
            channel=ReminderDelivery.Channel.EMAIL,
            status__in=[ReminderDelivery.Status.PENDING, ReminderDelivery.Status.SENDING],
            digest__day__gte=since,
        )
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
