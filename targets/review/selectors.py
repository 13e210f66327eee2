"""Reads for supervisors: the review queue (submitted self-evaluations and monitoring reports of the
departments they supervise, by deadline), who may review what, and what changed in a record since
it was last approved (django-simple-history)."""

from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import CharField, F, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Greatest, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from budgets.audit import actor_name
from budgets.models import Membership
from budgets.readable import Change, changes_between, related_names, tracked_fields, values_of
from budgets.selectors import department_scope, user_supervises_department
from budgets.templatetags.numbers import percent

from ..models import (
    Evaluation,
    Indicator,
    IndicatorResult,
    LateEntryException,
    MonitoringEntry,
    MonitoringReport,
    ReviewStatus,
)
from ..scoring.monitoring import DeviationReason, Measure

KINDS = {"evaluation": Evaluation, "monitoring": MonitoringReport}
QUEUE_PAGE_SIZE = 50
# How fields are shown where their stored form is not what people read: codes kept outside a field's
# choices by their labels, fractions as percentages.
FIELD_DISPLAYS = {
    "reasons": dict(DeviationReason.choices),
    "measure": dict(Measure.choices),
    "budget_rate": percent,
    "execution_rate": percent,
    "time_progress": percent,
}


def kind_of(record) -> str:
    return "evaluation" if isinstance(record, Evaluation) else "monitoring"


def user_can_review(user, record) -> bool:
    """A supervisor of the record's department (or above it) holding the review permission."""
    permission = f"targets.review_{record._meta.model_name}"
    return user.has_perm(permission) and user_supervises_department(user, record.sheet.department)


def user_reviews_anything(user) -> bool:
    return any(user.has_perm(f"targets.review_{model._meta.model_name}") for model in KINDS.values())


def with_deadline(queryset: QuerySet) -> QuerySet:
    """Annotate each record with its department's deadline (`deadline`: the period's due date, or a
    later late-entry exception) and the day it was submitted (`submitted_on`, local time)."""
    until = LateEntryException.objects.filter(
        period=OuterRef("period"), department=OuterRef("sheet__department")
    ).values("until")[:1]
    return queryset.annotate(
        deadline=Greatest(F("period__due_date"), Coalesce(Subquery(until), F("period__due_date"))),
        submitted_on=TruncDate("submitted_at"),
    )


def reviewable(model, user) -> QuerySet:
    """Records of `model` in the departments `user` supervises (everything for a superuser)."""
    return model.objects.filter(department_scope(user, prefix="sheet__department", roles=(Membership.Role.SUPERVISOR,)))


@dataclass
class QueueFilter:
    status: str = ReviewStatus.SUBMITTED
    kind: str = ""
    department: int | None = None
    late_only: bool = False


def _queue_keys(model, kind: str, user, chosen: QueueFilter) -> QuerySet:
    queryset = with_deadline(reviewable(model, user).filter(status=chosen.status))
    if chosen.department:
        queryset = queryset.filter(sheet__department_id=chosen.department)
    if chosen.late_only:
        queryset = queryset.filter(submitted_on__gt=F("deadline"))
    keys = queryset.annotate(kind=Value(kind, output_field=CharField()), path=F("sheet__department__path"))
    return keys.order_by().values("kind", "pk", "deadline", "path")


def review_queue(user, chosen: QueueFilter, page_number=None):
    """A page of the queue: (page, records). Records of both kinds are ordered together by deadline
    and department in the database; the page's records are then read with what the list shows, in a
    fixed number of queries whatever the page size."""
    kinds = {kind: model for kind, model in KINDS.items() if chosen.kind in ("", kind)} or KINDS
    keys = [_queue_keys(model, kind, user, chosen) for kind, model in kinds.items()]
    combined = keys[0].union(*keys[1:], all=True) if len(keys) > 1 else keys[0]
    page = Paginator(combined.order_by("deadline", "path", "kind", "pk"), QUEUE_PAGE_SIZE).get_page(page_number)
    wanted = [(row["kind"], row["pk"]) for row in page.object_list]
    loaded = {}
    for kind, model in KINDS.items():
        pks = [pk for k, pk in wanted if k == kind]
        if pks:
            queryset = with_deadline(model.objects.filter(pk__in=pks)).select_related(
                "sheet__department", "sheet__project", "period", "submitted_by", "reviewed_by"
            )
            loaded.update({(kind, record.pk): record for record in queryset})
    records = [loaded[key] for key in wanted if key in loaded]
    for record in records:
        record.kind = kind_of(record)
        record.days_late = late_days(record)
    return page, records


def review_counts(user) -> dict:
    """{kind: (submitted, of which late)} for the admin index."""
    counts = {}
    for kind, model in KINDS.items():
        queryset = with_deadline(reviewable(model, user).filter(status=ReviewStatus.SUBMITTED))
        counts[kind] = (queryset.count(), queryset.filter(submitted_on__gt=F("deadline")).count())
    return counts


def late_days(record) -> int:
    """Days the record was submitted after its deadline (0 when on time or not submitted)."""
    if record.submitted_at is None:
        return 0
    return max((timezone.localdate(record.submitted_at) - record.deadline).days, 0)


# What changed since the last approval -------------------------------------------------------------

RESULT_FIELDS = (
    "weight",
    "actual_text",
    "not_applicable",
    "assessment_level",
    "assessment_points",
    "computed_score",
    "override_score",
    "override_reason",
    "deviation_reason",
    "improvement",
)
ENTRY_FIELDS = ("value_to_date", "expected_value", "likelihood", "reasons", "explanation", "measure")
EVALUATION_FIELDS = ("budget_full_year", "budget_executed", "budget_explanation", "budget_score", "total", "grade")
REPORT_FIELDS = ("budget_full_year", "executed_to_date", "warning", "reasons", "explanation", "measure")
INDICATOR_FIELDS = ("name", "target_text", "weight")


@dataclass
class Baseline:
    """The state a reviewer compares with: the last approval; never approved, the last return the
    staff have answered with a new submission; else nothing (a first submission, or a return still
    waiting for its answer)."""

    kind: str = ""  # "approval", "return", "waiting" (returned, not resubmitted) or "" (first submission)
    at: object = None
    by: str = ""
    record_changes: list[Change] = field(default_factory=list)
    row_changes: dict = field(default_factory=dict)  # indicator id → [Change]
    new_rows: set = field(default_factory=set)  # indicator ids added since
    removed: list = field(default_factory=list)  # names of indicators no longer reported

    @property
    def compared(self) -> bool:
        return self.kind in ("approval", "return")

    @property
    def description(self) -> str:
        when = timezone.localtime(self.at).strftime("%Y-%m-%d %H:%M") if self.at else ""
        if self.kind == "approval":
            return _("与上次审核通过（%(when)s，%(who)s）时相比") % {"when": when, "who": self.by}
        if self.kind == "return":
            return _("尚未审核通过过；与上次退回（%(when)s，%(who)s）时相比") % {"when": when, "who": self.by}
        if self.kind == "waiting":
            return _("尚未审核通过过；已于 %(when)s 退回，等待重新提交。") % {"when": when}
        return _("首次提交审核，此前没有审核通过的版本可比较。")

    @property
    def unchanged(self) -> bool:
        return not (self.record_changes or self.row_changes or self.new_rows or self.removed)


def _fields(model, names):
    return [f for f in tracked_fields(model) if f.name in names]


def _latest_each(records, key: str) -> dict:
    """{key value: latest historical record} of records ordered newest first; deletions dropped."""
    latest = {}
    for record in records:
        latest.setdefault(getattr(record, key), record)
    return {k: r for k, r in latest.items() if r.history_type != "-"}


def changes_since_review(record, rows) -> Baseline:
    """Compare `record` and its `rows` (IndicatorResults or MonitoringEntries, with their indicators)
    with their historical records as of the last approval before the submission under review (or,
    never approved, the last return that submission answered).
    A fixed number of queries: the baseline record, the rows' and indicators' history up to it."""
    # Decisions taken before the submission under review (for a record being corrected: any).
    in_review = record.status in (ReviewStatus.SUBMITTED, ReviewStatus.APPROVED) and record.submitted_at
    history = record.history.select_related("history_user").order_by("-history_date", "-history_id")
    if in_review:
        history = history.filter(history_date__lt=record.submitted_at)
    base, kind = history.filter(status=ReviewStatus.APPROVED).first(), "approval"
    if base is None:
        base, kind = history.filter(status=ReviewStatus.RETURNED).first(), "return" if in_review else "waiting"
    if base is None:
        return Baseline()
    at = base.history_date
    baseline = Baseline(kind=kind, at=at, by=actor_name(base.history_user) if base.history_user_id else _("系统"))
    if kind == "waiting":
        return baseline
    is_evaluation = isinstance(record, Evaluation)
    record_fields = _fields(type(record), EVALUATION_FIELDS if is_evaluation else REPORT_FIELDS)
    baseline.record_changes = changes_between(
        record_fields, values_of(base, record_fields), values_of(record, record_fields), displays=FIELD_DISPLAYS
    )

    row_model = IndicatorResult if is_evaluation else MonitoringEntry
    parent = "evaluation_id" if is_evaluation else "report_id"
    row_fields = _fields(row_model, RESULT_FIELDS if is_evaluation else ENTRY_FIELDS)
    then = _latest_each(
        row_model.history.filter(**{parent: record.pk}, history_date__lte=at).order_by("-history_date", "-history_id"),
        "id",
    )
    indicator_ids = [row.indicator_id for row in rows]
    indicator_fields = _fields(Indicator, INDICATOR_FIELDS)
    targets_then = _latest_each(
        Indicator.history.filter(id__in=indicator_ids, history_date__lte=at).order_by("-history_date", "-history_id"),
        "id",
    )
    for row in rows:
        old = then.get(row.pk)
        if old is None:
            baseline.new_rows.add(row.indicator_id)
            continue
        changes = changes_between(
            row_fields, values_of(old, row_fields), values_of(row, row_fields), displays=FIELD_DISPLAYS
        )
        target = targets_then.get(row.indicator_id)
        if target is not None:
            changes += changes_between(
                indicator_fields, values_of(target, indicator_fields), values_of(row.indicator, indicator_fields)
            )
        if changes:
            baseline.row_changes[row.indicator_id] = changes
    current = {row.pk for row in rows}
    gone = [old.indicator_id for pk, old in then.items() if pk not in current]
    if gone:
        names = related_names(_fields(row_model, ("indicator",)), [{"indicator": pk} for pk in gone])
        baseline.removed = [names.get((Indicator, pk), _("（已删除的指标）")) for pk in gone]
    return baseline
