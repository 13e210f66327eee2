"""The history of a target sheet, a self-evaluation or a monitoring report, as people read it: who
changed what and when, old → new, with the reason, and the business events (submit, return,
approve, override, reopen) as Chinese sentences.

Field changes come from django-simple-history (one query per tracked model of the record); business
events from the audit trail (one query). Technical fields (revision numbers, parsed copies of typed
values, timestamps) are left out.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils.translation import gettext as _

from budgets.audit import actor_name, event_sentence
from budgets.models import AuditEntry
from budgets.money import plain_number

from ..models import Evaluation, Indicator, IndicatorResult, MonitoringEntry, MonitoringReport, TargetSheet

HIDDEN = {
    "id",
    "revision",
    "updated_at",
    "created_at",
    "scored_at",
    "actual_comparator",
    "actual_number",
    "actual_unit",
    "value_comparator",
    "value_number",
    "value_unit",
    "comparator",
    "target_number",
    "target_upper",
    "nature",
    "level1_code",
    "level2_code",
    "computed_score",
    "flag",
    "budget_rate",
    "budget_score",
    "total",
    "grade",
    "execution_rate",
    "warning",
    "source_location",
    "source_document",
    "profile",
    "sheet",
    "evaluation",
    "report",
    "indicator",
    "period",
    "project",
    "department",
    "previous",
    "order",
    "is_current",
    "status",
    "submitted_at",
    "submitted_by",
    "reviewed_at",
    "reviewed_by",
}
LIMIT = 300


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class Event:
    when: datetime
    who: str
    what: str
    subject: str = ""
    reason: str = ""
    changes: list[Change] = field(default_factory=list)


def _shown(model, name, value) -> str:
    if value is None or value == "":
        return _("（空）")
    field_ = model._meta.get_field(name)
    if field_.choices:
        return str(dict(field_.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, list):
        return "、".join(str(item) for item in value) or _("（空）")
    return plain_number(value) if not isinstance(value, str) else value


def _field_events(model, history, subject) -> list[Event]:
    """Events from the historical rows of `model`; each row compared with the one before it."""
    rows = list(history.select_related("history_user").order_by("id", "history_id"))
    names = [f.name for f in model._meta.concrete_fields if f.name not in HIDDEN]
    events, previous = [], {}
    for row in rows:
        before = previous.get(row.id)
        previous[row.id] = row
        if row.history_type == "+" and before is None:
            what = _("新建")
            changes = []
        elif row.history_type == "-":
            what, changes = _("删除"), []
        else:
            what = _("修改")
            changes = [
                Change(
                    str(model._meta.get_field(n).verbose_name),
                    _shown(model, n, getattr(before, n)),
                    _shown(model, n, getattr(row, n)),
                )
                for n in names
                if before is not None and getattr(before, n) != getattr(row, n)
            ]
            if not changes:
                continue
        events.append(
            Event(
                when=row.history_date,
                who=actor_name(row.history_user),
                what=what,
                subject=subject(row),
                reason=row.history_change_reason or "",
                changes=changes,
            )
        )
    return events


def _audit_events(pairs) -> list[Event]:
    condition = Q(pk__in=[])
    for model, ids in pairs:
        content_type = ContentType.objects.get_for_model(model)
        condition |= Q(content_type=content_type, object_id__in=[str(pk) for pk in ids])
    entries = AuditEntry.objects.filter(condition).select_related("actor").order_by("-created_at")[:LIMIT]
    return [Event(when=e.created_at, who=actor_name(e.actor), what=event_sentence(e)) for e in entries]


def _names(ids) -> dict:
    return dict(Indicator.objects.filter(pk__in=ids).values_list("pk", "name"))


def evaluation_timeline(evaluation: Evaluation) -> list[Event]:
    results = IndicatorResult.history.filter(evaluation_id=evaluation.pk)
    result_ids = set(results.values_list("id", flat=True)) | set(evaluation.results.values_list("pk", flat=True))
    names = _names(IndicatorResult.objects.filter(pk__in=result_ids).values_list("indicator_id", flat=True))
    events = _field_events(Evaluation, Evaluation.history.filter(id=evaluation.pk), lambda row: _("绩效自评"))
    events += _field_events(IndicatorResult, results, lambda row: names.get(row.indicator_id, ""))
    events += _audit_events([(Evaluation, [evaluation.pk]), (IndicatorResult, result_ids)])
    return _sorted(events)


def monitoring_timeline(report: MonitoringReport) -> list[Event]:
    entries = MonitoringEntry.history.filter(report_id=report.pk)
    entry_ids = set(entries.values_list("id", flat=True)) | set(report.entries.values_list("pk", flat=True))
    names = _names(MonitoringEntry.objects.filter(pk__in=entry_ids).values_list("indicator_id", flat=True))
    events = _field_events(MonitoringReport, MonitoringReport.history.filter(id=report.pk), lambda row: _("运行监控"))
    events += _field_events(MonitoringEntry, entries, lambda row: names.get(row.indicator_id, ""))
    events += _audit_events([(MonitoringReport, [report.pk]), (MonitoringEntry, entry_ids)])
    return _sorted(events)


def sheet_timeline(sheet: TargetSheet) -> list[Event]:
    from budgets.models import Funding, Project

    indicators = Indicator.history.filter(sheet_id=sheet.pk)
    indicator_ids = set(indicators.values_list("id", flat=True))
    events = _field_events(TargetSheet, TargetSheet.history.filter(id=sheet.pk), lambda row: _("目标表"))
    events += _field_events(Indicator, indicators, lambda row: row.name)
    pairs = [(TargetSheet, [sheet.pk]), (Indicator, indicator_ids)]
    if sheet.project_id:
        events += _field_events(Project, Project.history.filter(id=sheet.project_id), lambda row: _("项目信息"))
        fundings = Funding.history.filter(project_id=sheet.project_id)
        events += _field_events(
            Funding,
            fundings,
            lambda row: str(dict(Funding._meta.get_field("period").flatchoices).get(row.period, "")) + _("资金"),
        )
        pairs += [(Project, [sheet.project_id]), (Funding, set(fundings.values_list("id", flat=True)))]
    events += _audit_events(pairs)
    return _sorted(events)


def _sorted(events: list[Event]) -> list[Event]:
    return sorted(events, key=lambda event: event.when, reverse=True)[:LIMIT]
