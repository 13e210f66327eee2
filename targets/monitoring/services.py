"""In-year monitoring rounds (绩效运行监控, 双监控): budget execution and target progress side by side.

A report is prepared per target sheet when its period opens, with one entry per indicator; staff
fill in the value to date, the expected full-year value and whether the annual target will be met,
with reasons, an explanation and a corrective measure where the rules require them, then submit.
Writers lock the report row first; a row saved from a stale page is refused (StaleEdit).
"""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from budgets.audit import audit_record
from budgets.concurrency import bump, check_revision
from budgets.execution import execution_rates
from budgets.history import stamp
from budgets.money import money_from_input
from budgets.selectors import user_can_see_department

from ..models import Indicator, MonitoringEntry, MonitoringReport, ReportingPeriod, ReviewStatus, RuleProfile
from ..profiles import current_profile
from ..review.rules import assert_editable, editing_refusal
from ..review.services import mark_submitted
from ..scoring import UnitMismatch, parse_target, scale_factors
from ..scoring.monitoring import (
    DeviationReason,
    Likelihood,
    Measure,
    budget_warning,
    missing_for_deviation,
    months_elapsed,
    time_progress,
)

ENTRY_INPUTS = ("value_to_date", "expected_value", "likelihood", "reasons", "explanation", "measure")


def _staff(actor, sheet) -> None:
    if not user_can_see_department(actor, sheet.department):
        raise PermissionDenied(_("您无权填报该部门的绩效运行监控。"))


def _locked_report(pk: int) -> MonitoringReport:
    return (
        MonitoringReport.objects.select_for_update(of=("self",))
        .select_related("sheet__department", "sheet__project", "period", "profile")
        .get(pk=pk)
    )


def monitoring_reports_prepare(
    *, period: ReportingPeriod, sheets, profile: RuleProfile | None = None
) -> list[MonitoringReport]:
    """Create the report of each sheet for `period`, with an empty entry per indicator and the budget
    to the cut-off month from the execution records; a fixed number of queries."""
    if period.kind != ReportingPeriod.Kind.MONITORING:
        raise ValidationError(_("运行监控须使用“绩效运行监控”填报期。"))
    sheets = list(sheets)
    if not sheets:
        return []
    profile = profile or current_profile()
    rules = profile.as_rules()
    progress = time_progress(period.cut_off_date)
    rates = execution_rates(
        [s.project_id for s in sheets if s.project_id], through_month=months_elapsed(period.cut_off_date)
    )
    reports = []
    for sheet in sheets:
        rate = rates.get(sheet.project_id) if sheet.project_id else None
        reports.append(
            MonitoringReport(
                sheet=sheet,
                period=period,
                profile=profile,
                time_progress=progress,
                budget_full_year=rate.budget if rate else None,
                executed_to_date=rate.spent if rate else Decimal(0),
                execution_rate=rate.rate if rate else None,
                warning=budget_warning(rate.rate if rate else None, progress, rules),
            )
        )
    MonitoringReport.objects.bulk_create(reports)
    report_of = {report.sheet_id: report for report in reports}
    MonitoringEntry.objects.bulk_create(
        (
            MonitoringEntry(report=report_of[indicator.sheet_id], indicator=indicator)
            for indicator in Indicator.objects.filter(sheet__in=sheets).only("id", "sheet_id")
        ),
        batch_size=2000,
    )
    return reports


@transaction.atomic
def monitoring_start(*, sheet, period: ReportingPeriod, actor, profile: RuleProfile | None = None) -> MonitoringReport:
    _staff(actor, sheet)
    if MonitoringReport.objects.filter(sheet=sheet, period=period).exists():
        raise ValidationError(_("该目标表在本填报期已有运行监控。"))
    (report,) = monitoring_reports_prepare(period=period, sheets=[sheet], profile=profile)
    audit_record(actor=actor, action="monitoring.start", subject=report, changes={"warning": report.warning})
    return report


def _reasons(values) -> list[str]:
    reasons = [value for value in (values or []) if value]
    unknown = [value for value in reasons if value not in DeviationReason.values]
    if unknown:
        raise ValidationError(_("偏差原因只能从列出的选项中选择。"))
    return sorted(set(reasons), key=DeviationReason.values.index)


def _measure(value: str) -> str:
    if value and value not in Measure.values:
        raise ValidationError(_("纠偏措施只能从列出的选项中选择。"))
    return value or ""


def _recompute_warning(report: MonitoringReport) -> None:
    rules = report.profile.as_rules()
    rate = None
    if report.budget_full_year:
        rate = (report.executed_to_date / report.budget_full_year).quantize(Decimal("0.0001"))
    report.execution_rate = rate
    report.warning = budget_warning(rate, report.time_progress, rules)


@transaction.atomic
def monitoring_budget_set(
    *,
    report: MonitoringReport,
    full_year_budget,
    executed_to_date,
    reasons: list[str] = (),
    explanation: str = "",
    measure: str = "",
    actor,
    expected_revision: int | None = None,
) -> MonitoringReport:
    """The budget half of 双监控: full-year budget, spending to the cut-off, and (for a red warning)
    reasons, explanation and measure."""
    report = _locked_report(report.pk)
    _staff(actor, report.sheet)
    assert_editable(report)
    check_revision(report, expected_revision)
    values = {
        "budget_full_year": money_from_input(full_year_budget, _("全年预算数")),
        "executed_to_date": money_from_input(executed_to_date, _("截至执行数")) or Decimal("0.0000"),
        "reasons": _reasons(reasons),
        "explanation": (explanation or "").strip(),
        "measure": _measure(measure),
    }
    changes = {f: [str(getattr(report, f)), str(v)] for f, v in values.items() if getattr(report, f) != v}
    if not changes:
        return report
    for field, value in values.items():
        setattr(report, field, value)
    _recompute_warning(report)
    bump(report)
    stamp(report, actor=actor, reason=_("填报预算执行情况"))
    report.save()
    audit_record(actor=actor, action="monitoring.budget", subject=report, changes=changes)
    return report


def understood_unit_problem(indicator: Indicator, text: str) -> str | None:
    """A value whose unit cannot be compared with the target's is named, never guessed."""
    value = parse_target(text)
    if value.number is None or not value.unit or not indicator.unit:
        return None
    try:
        scale_factors(from_unit=value.unit, to_unit=indicator.unit)
    except UnitMismatch as exc:
        return str(exc)
    return None


@transaction.atomic
def monitoring_entry_record(
    *,
    entry: MonitoringEntry,
    actor,
    value_to_date: str = "",
    expected_value: str = "",
    likelihood: str = "",
    reasons: list[str] = (),
    explanation: str = "",
    measure: str = "",
    expected_revision: int | None = None,
) -> MonitoringEntry:
    report = _locked_report(entry.report_id)
    _staff(actor, report.sheet)
    entry = MonitoringEntry.objects.select_related("indicator").select_for_update(of=("self",)).get(pk=entry.pk)
    assert_editable(report, indicator_id=entry.indicator_id)
    check_revision(entry, expected_revision)
    if likelihood and likelihood not in Likelihood.values:
        raise ValidationError(_("请选择能否完成年度目标：确定能、有可能或完全不可能。"))
    values = {
        "value_to_date": (value_to_date or "").strip(),
        "expected_value": (expected_value or "").strip(),
        "likelihood": likelihood or "",
        "reasons": _reasons(reasons),
        "explanation": (explanation or "").strip(),
        "measure": _measure(measure),
    }
    if all(getattr(entry, field) == value for field, value in values.items()):
        return entry
    name = entry.indicator.name
    for text in (values["value_to_date"], values["expected_value"]):
        problem = understood_unit_problem(entry.indicator, text)
        if problem:
            raise ValidationError(_("指标“%(n)s”：%(p)s") % {"n": name, "p": problem})
    for field, value in values.items():
        setattr(entry, field, value)
    parsed = parse_target(entry.value_to_date)
    entry.value_comparator, entry.value_number, entry.value_unit = parsed.comparator, parsed.number, parsed.unit
    entry.full_clean(exclude=["report", "indicator"])
    bump(entry)
    stamp(entry, actor=actor, reason=_("填报监控情况"))
    entry.save()
    audit_record(actor=actor, action="monitoring.entry", subject=entry, changes={"likelihood": entry.likelihood})
    return entry


def monitoring_problems(report: MonitoringReport) -> list[str]:
    """What still stops the report from being submitted, in plain Chinese."""
    problems = []
    for entry in report.entries.select_related("indicator").order_by("indicator__order"):
        name = entry.indicator.name
        if not entry.value_to_date:
            problems.append(_("指标“%(n)s”尚未填写截至目前完成值") % {"n": name})
        if not entry.likelihood:
            problems.append(_("指标“%(n)s”尚未选择能否完成年度目标") % {"n": name})
            continue
        missing = missing_for_deviation(
            likelihood=entry.likelihood,
            warning="green",
            reasons=entry.reasons,
            explanation=entry.explanation,
            measure=entry.measure,
        )
        if missing:
            problems.append(_("指标“%(n)s”需填写：%(m)s") % {"n": name, "m": "、".join(missing)})
    if report.sheet.project_id and report.budget_full_year is None:
        problems.append(_("请填写全年预算数"))
    missing = missing_for_deviation(
        likelihood=Likelihood.CERTAIN,
        warning=report.warning,
        reasons=report.reasons,
        explanation=report.explanation,
        measure=report.measure,
    )
    if missing and report.sheet.project_id:
        problems.append(_("预算执行为红色预警，需填写：%(m)s") % {"m": "、".join(missing)})
    return problems


@transaction.atomic
def monitoring_submit(*, report: MonitoringReport, actor) -> MonitoringReport:
    report = _locked_report(report.pk)
    _staff(actor, report.sheet)
    if report.status == ReviewStatus.DRAFT:
        assert_editable(report)
    elif report.status != ReviewStatus.RETURNED:
        raise ValidationError(editing_refusal(report))
    problems = monitoring_problems(report)
    if problems:
        raise ValidationError(problems)
    mark_submitted(report, actor=actor)
    audit_record(actor=actor, action="monitoring.submit", subject=report, changes={"warning": report.warning})
    return report


@transaction.atomic
def monitoring_sync_indicators(*, report: MonitoringReport, actor) -> MonitoringReport:
    """After the targets of a sheet changed: one entry per indicator, none for removed ones."""
    report = _locked_report(report.pk)
    if not report.is_open:
        raise ValidationError(editing_refusal(report))
    indicator_ids = set(report.sheet.indicators.values_list("pk", flat=True))
    MonitoringEntry.objects.filter(report=report).exclude(indicator_id__in=indicator_ids).delete()
    existing = set(report.entries.values_list("indicator_id", flat=True))
    MonitoringEntry.objects.bulk_create(
        MonitoringEntry(report=report, indicator_id=pk) for pk in sorted(indicator_ids - existing)
    )
    return report
