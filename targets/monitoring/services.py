"""In-year monitoring rounds (绩效运行监控): budget execution and target progress side by side."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from budgets.audit import audit_record
from budgets.execution import execution_rate
from budgets.selectors import user_can_see_department

from ..models import MonitoringEntry, MonitoringReport, ReportingPeriod, RuleProfile, TargetSheet
from ..profiles import current_profile
from ..scoring.monitoring import Likelihood, budget_warning, missing_for_deviation, time_progress


@transaction.atomic
def monitoring_start(
    *, sheet: TargetSheet, period: ReportingPeriod, actor, profile: RuleProfile | None = None
) -> MonitoringReport:
    if not user_can_see_department(actor, sheet.department):
        raise PermissionDenied(_("您无权填报该部门的绩效运行监控。"))
    if period.kind != ReportingPeriod.Kind.MONITORING:
        raise ValidationError(_("运行监控须使用“绩效运行监控”填报期。"))
    profile = profile or current_profile()
    progress = time_progress(period.cut_off_date)
    rate = execution_rate(sheet.project, through_month=int(progress * 12)) if sheet.project_id else None
    report = MonitoringReport(
        sheet=sheet,
        period=period,
        profile=profile,
        time_progress=progress,
        budget_full_year=rate.budget if rate else None,
        executed_to_date=rate.spent if rate else 0,
        execution_rate=rate.rate if rate else None,
        warning=budget_warning(rate.rate if rate else None, progress, profile.as_rules()),
    )
    report.full_clean()
    report.save()
    audit_record(actor=actor, action="monitoring.start", subject=report, changes={"warning": report.warning})
    return report


@transaction.atomic
def monitoring_report_explain(
    *, report: MonitoringReport, reasons: list[str], explanation: str, measure: str, actor
) -> MonitoringReport:
    if not user_can_see_department(actor, report.sheet.department):
        raise PermissionDenied(_("您无权填报该部门的绩效运行监控。"))
    missing = missing_for_deviation(
        likelihood=Likelihood.POSSIBLE,
        warning=report.warning,
        reasons=reasons,
        explanation=explanation,
        measure=measure,
    )
    if missing:
        raise ValidationError(_("请填写：%(m)s") % {"m": "、".join(missing)})
    report.reasons, report.explanation, report.measure = reasons, explanation.strip(), measure
    report.save(update_fields=["reasons", "explanation", "measure"])
    audit_record(actor=actor, action="monitoring.explain", subject=report, changes={"reasons": reasons})
    return report


@transaction.atomic
def monitoring_entry_record(
    *,
    report: MonitoringReport,
    indicator,
    value_to_date: str,
    expected_value: str,
    likelihood: str,
    actor,
    reasons: list[str] = (),
    explanation: str = "",
    measure: str = "",
) -> MonitoringEntry:
    if not user_can_see_department(actor, report.sheet.department):
        raise PermissionDenied(_("您无权填报该部门的绩效运行监控。"))
    if indicator.sheet_id != report.sheet_id:
        raise ValidationError(_("该指标不属于本次监控的目标表。"))
    if likelihood not in Likelihood.values:
        raise ValidationError(_("请选择能否完成年度目标：确定能、有可能或完全不可能。"))
    missing = missing_for_deviation(
        likelihood=likelihood, warning=report.warning, reasons=list(reasons), explanation=explanation, measure=measure
    )
    if missing:
        raise ValidationError(
            _("指标“%(n)s”有可能无法完成或预算为红色预警，请填写：%(m)s")
            % {"n": indicator.name, "m": "、".join(missing)}
        )
    entry, _created = MonitoringEntry.objects.update_or_create(
        report=report,
        indicator=indicator,
        defaults={
            "value_to_date": value_to_date.strip(),
            "expected_value": expected_value.strip(),
            "likelihood": likelihood,
            "reasons": list(reasons),
            "explanation": explanation.strip(),
            "measure": measure,
        },
    )
    audit_record(actor=actor, action="monitoring.entry", subject=entry, changes={"likelihood": likelihood})
    return entry
