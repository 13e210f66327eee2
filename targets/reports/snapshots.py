"""The data snapshot a report is built from: plain JSON (numbers as exact decimal text, dates as
text, lists sorted), so the same data always gives the same snapshot, the same files and the same
hashes. The web page, the PDF and the Excel file are all rendered from a snapshot and nothing else.

"as_of" is the moment of the last change to the data the report shows (not the build time); the
files carry it as their creation date.
"""

import datetime
import hashlib
import json
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from budgets.models import Department
from budgets.money import plain_number

from ..assessment.explanation import result_explanation
from ..levels import Level1, Level2, level1_for
from ..models import Evaluation, IndicatorResult, MonitoringReport, ReportingPeriod, ReviewStatus
from ..scoring import Flag
from ..scoring.monitoring import DeviationReason, Likelihood, Measure
from . import selectors

SNAPSHOT_VERSION = 1
GRADES = ("优", "良", "中", "差")
WARNING_ORDER = {"red": 0, "yellow": 1, "green": 2}


def num(value) -> str | None:
    """A number as exact text without trailing zeros ("200", "0.915"), or None."""
    return None if value is None else plain_number(value)


def person(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.username


def moment(value: datetime.datetime | None) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}" if value else ""


def snapshot_sha256(snapshot: dict) -> str:
    return hashlib.sha256(canonical_json(snapshot)).hexdigest()


def canonical_json(snapshot: dict) -> bytes:
    return json.dumps(snapshot, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def as_of_moment(snapshot: dict) -> datetime.datetime:
    return datetime.datetime.fromisoformat(snapshot["as_of"])


def _as_of(changed: datetime.datetime | None, period: ReportingPeriod | None) -> dict:
    if changed is None:
        day = period.cut_off_date if period else datetime.date(2000, 1, 1)
        changed = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    local = timezone.localtime(changed).replace(microsecond=0)
    return {"as_of": local.isoformat(), "as_of_display": f"{local:%Y-%m-%d %H:%M}"}


def _department(department: Department) -> dict:
    return {"code": department.code, "name": department.name}


def _period(period: ReportingPeriod | None) -> dict | None:
    if period is None:
        return None
    return {
        "label": str(period),
        "kind": period.kind,
        "year": period.year,
        "cut_off": f"{period.cut_off_date:%Y-%m-%d}",
        "due": f"{period.due_date:%Y-%m-%d}",
    }


def _subject(sheet) -> str:
    return sheet.project.name if sheet.project_id else (sheet.title or sheet.department.name)


def _level_labels(indicator) -> tuple[str, str]:
    level1 = indicator.level1_label or (Level1(indicator.level1_code).label if indicator.level1_code else "")
    level2 = indicator.level2_label or (Level2(indicator.level2_code).label if indicator.level2_code else "")
    return str(level1), str(level2)


def _target(indicator) -> str:
    text = indicator.target_text
    if indicator.unit and indicator.unit not in text:
        text = f"{text} {indicator.unit}".strip()
    return text


def _not_met(result: IndicatorResult) -> bool:
    if result.not_applicable:
        return False
    return result.flag == Flag.NOT_MET or result.assessment_level in {
        IndicatorResult.Level.PARTIAL,
        IndicatorResult.Level.NOT_ACHIEVED,
    }


def _actual(result: IndicatorResult) -> str:
    if result.not_applicable:
        return _("不适用")
    if result.assessment_level:
        level = result.get_assessment_level_display()
        return f"{result.actual_text}（{level}）" if result.actual_text else str(level)
    return result.actual_text


def _result_fields(result: IndicatorResult) -> dict:
    level1, level2 = _level_labels(result.indicator)
    return {
        "level1": level1,
        "level2": level2,
        "name": result.indicator.name,
        "target": _target(result.indicator),
        "actual": _actual(result),
        "weight": num(result.weight),
        "score": num(result.final_score),
        "deviation_reason": result.deviation_reason,
        "improvement": result.improvement,
    }


def _indicator_row(result: IndicatorResult, rules) -> dict:
    return {
        **_result_fields(result),
        "flag": result.flag,
        "flag_label": str(result.get_flag_display()) if result.flag else "",
        "not_met": _not_met(result),
        "not_applicable": result.not_applicable,
        "explanation": result_explanation(result, rules),
    }


def percent_text(fraction) -> str:
    if fraction in (None, ""):
        return ""
    value = (Decimal(str(fraction)) * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{plain_number(value)}%"


def achievement_summary(rows: list[dict], budget_rate) -> str:
    """实际完成情况, from the indicators as reported: how many were met, which fell short."""
    counted = [row for row in rows if not row["not_applicable"]]
    scored = [row for row in counted if row["score"] is not None]
    short = [row["name"] for row in scored if row["not_met"]]
    parts = [_("年度绩效指标共 %(n)d 项，已达成 %(met)d 项") % {"n": len(counted), "met": len(scored) - len(short)}]
    if short:
        names = "、".join(short[:5]) + (_("等") if len(short) > 5 else "")
        parts.append(_("未达成 %(n)d 项（%(names)s）") % {"n": len(short), "names": names})
    if len(counted) > len(scored):
        parts.append(_("尚未评价 %(n)d 项") % {"n": len(counted) - len(scored)})
    if len(rows) > len(counted):
        parts.append(_("不适用 %(n)d 项") % {"n": len(rows) - len(counted)})
    text = "，".join(parts)
    if budget_rate is not None:
        text += _("；预算执行率 %(rate)s") % {"rate": percent_text(budget_rate)}
    return text + "。"


def _review(record) -> dict:
    approved = record.status == ReviewStatus.APPROVED
    return {
        "status": record.status,
        "status_label": str(record.get_status_display()),
        "submitted_by": person(record.submitted_by),
        "submitted_at": moment(record.submitted_at),
        "approved_by": person(record.reviewed_by) if approved else "",
        "approved_at": moment(record.reviewed_at) if approved else "",
    }


# --- Project self-evaluation (自评表) ---------------------------------------------------------


def project_snapshot(evaluation_id: int) -> dict:
    evaluation = selectors.evaluation_for_report(evaluation_id)
    sheet, rules = evaluation.sheet, evaluation.profile.as_rules()
    project = sheet.project
    rows = [_indicator_row(result, rules) for result in selectors.evaluation_results(evaluation)]
    funding = selectors.annual_funding(evaluation)
    initial = (lambda field: num(getattr(funding, field))) if funding else (lambda field: None)
    funds = [
        {
            "label": _("年度资金总额"),
            "initial": initial("total"),
            "full_year": num(evaluation.budget_full_year),
            "executed": num(evaluation.budget_executed),
            "weight": num(rules.budget_weight),
            "rate": num(evaluation.budget_rate),
            "score": num(evaluation.budget_score),
        },
        *(
            {"label": label, "initial": initial(field), "full_year": None, "executed": None}
            for label, field in (
                (_("其中：当年财政拨款"), "fiscal"),
                (_("上年结转资金"), "carryover"),
                (_("其他资金"), "other"),
            )
        ),
    ]
    weights = [Decimal(row["weight"]) for row in rows if row["weight"] is not None and not row["not_applicable"]]
    return {
        "version": SNAPSHOT_VERSION,
        "kind": "project",
        "title": _("项目支出绩效自评表") if project else _("部门整体支出绩效自评表"),
        "year": evaluation.period.year,
        **_as_of(selectors.evaluations_changed_at([evaluation.pk]), evaluation.period),
        "department": _department(sheet.department),
        "period": _period(evaluation.period),
        "subject": _subject(sheet),
        "project": {
            "name": _subject(sheet),
            "code": project.code if project else "",
            "competent_department": (project.competent_department if project else "") or sheet.department.name,
            "implementing_unit": (project.implementing_unit if project else "") or sheet.department.name,
            "responsible_person": project.responsible_person if project else "",
        },
        "review": _review(evaluation),
        "funds": funds,
        "budget_explanation": evaluation.budget_explanation,
        "goal": {"expected": sheet.overall_goal, "achieved": achievement_summary(rows, evaluation.budget_rate)},
        "indicators": rows,
        "weight_total": num(sum(weights, Decimal(0)) + rules.budget_weight),
        "total": num(evaluation.total),
        "grade": evaluation.grade,
    }


# --- Department report -----------------------------------------------------------------------


def _average(values: list[Decimal]) -> str | None:
    if not values:
        return None
    return num((sum(values, Decimal(0)) / len(values)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _rate(part, whole) -> str | None:
    if not whole:
        return None
    return num((Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP))


def _project_rows(evaluations: list[Evaluation]) -> list[dict]:
    return [
        {
            "name": _subject(evaluation.sheet),
            "status_label": str(evaluation.get_status_display()),
            "total": num(evaluation.total),
            "grade": evaluation.grade,
            "budget": num(evaluation.budget_full_year),
            "executed": num(evaluation.budget_executed),
            "rate": num(evaluation.budget_rate),
            "budget_score": num(evaluation.budget_score),
        }
        for evaluation in evaluations
    ]


def _summary(evaluations: list[Evaluation]) -> dict:
    totals = [e.total for e in evaluations if e.total is not None]
    budget = sum((e.budget_full_year for e in evaluations if e.budget_full_year is not None), Decimal(0))
    executed = sum((e.budget_executed for e in evaluations if e.budget_executed is not None), Decimal(0))
    grades = Counter(e.grade or "" for e in evaluations)
    return {
        "projects": len(evaluations),
        "scored": len(totals),
        "submitted": sum(e.status in {ReviewStatus.SUBMITTED, ReviewStatus.APPROVED} for e in evaluations),
        "approved": sum(e.status == ReviewStatus.APPROVED for e in evaluations),
        "average": _average(totals),
        "budget": num(budget),
        "executed": num(executed),
        "rate": _rate(executed, budget),
        "grades": [{"grade": grade, "count": grades.get(grade, 0)} for grade in GRADES],
        "unscored": grades.get("", 0),
    }


def _levels(evaluations: list[Evaluation]) -> list[dict]:
    sums: dict[str, list[Decimal]] = {}
    for row in selectors.completion_by_level(evaluations):
        code = level1_for(row["indicator__level1_code"], row["indicator__level2_code"]) or ""
        weight, score = sums.setdefault(code, [Decimal(0), Decimal(0)])
        sums[code] = [weight + row["weight"], score + row["score"]]
    order = {code: index for index, code in enumerate(Level1.values)}
    return [
        {
            "code": code,
            "label": str(Level1(code).label) if code else _("其他"),
            "weight": num(weight),
            "score": num(score),
            "rate": _rate(score, weight),
        }
        for code, (weight, score) in sorted(sums.items(), key=lambda item: order.get(item[0], len(order)))
    ]


def _not_met_rows(evaluations: list[Evaluation]) -> list[dict]:
    return [
        {"project": _subject(result.evaluation.sheet), **_result_fields(result)}
        for result in selectors.results_not_met(evaluations)
    ]


def _labels(values, choices) -> str:
    known = dict(choices)
    return "、".join(str(known.get(value, value)) for value in values or [])


def _choice(value, choices) -> str:
    return str(dict(choices).get(value, value)) if value else ""


def _monitoring_row(report: MonitoringReport, entries: list) -> dict:
    level_entries = []
    for entry in entries:
        level1, level2 = _level_labels(entry.indicator)
        level_entries.append(
            {
                "level1": level1,
                "level2": level2,
                "name": entry.indicator.name,
                "target": _target(entry.indicator),
                "value_to_date": entry.value_to_date,
                "expected": entry.expected_value,
                "likelihood": entry.likelihood,
                "likelihood_label": _choice(entry.likelihood, Likelihood.choices),
                "reasons": _labels(entry.reasons, DeviationReason.choices),
                "explanation": entry.explanation,
                "measure": _choice(entry.measure, Measure.choices),
            }
        )
    at_risk = report.warning != "green" or any(e["likelihood"] in selectors.AT_RISK_LIKELIHOODS for e in level_entries)
    return {
        "name": _subject(report.sheet),
        **_review(report),
        "budget": num(report.budget_full_year),
        "executed": num(report.executed_to_date),
        "rate": num(report.execution_rate),
        "time_progress": num(report.time_progress),
        "warning": report.warning,
        "warning_label": _choice(report.warning, MonitoringReport.Warning.choices),
        "reasons": _labels(report.reasons, DeviationReason.choices),
        "explanation": report.explanation,
        "measure": _choice(report.measure, Measure.choices),
        "at_risk": at_risk,
        "entries": level_entries,
    }


def _monitoring_summary(rows: list[dict]) -> dict:
    warnings = Counter(row["warning"] for row in rows)
    likelihoods = Counter(entry["likelihood"] for row in rows for entry in row["entries"])
    return {
        "reports": len(rows),
        "submitted": sum(row["status"] in {ReviewStatus.SUBMITTED, ReviewStatus.APPROVED} for row in rows),
        "approved": sum(row["status"] == ReviewStatus.APPROVED for row in rows),
        "warnings": {colour: warnings.get(colour, 0) for colour in ("green", "yellow", "red")},
        "at_risk": sum(row["at_risk"] for row in rows),
        "likelihoods": {value: likelihoods.get(value, 0) for value in Likelihood.values},
    }


def _monitoring_block(department: Department, period: ReportingPeriod, *, at_risk_only: bool) -> dict:
    reports = selectors.monitoring_reports(department, period)
    entries = selectors.monitoring_entries(reports, at_risk_only=at_risk_only)
    rows = [_monitoring_row(report, entries.get(report.pk, [])) for report in reports]
    return {
        "period": _period(period),
        "time_progress": num(reports[0].time_progress) if reports else None,
        "rows": rows,
        "summary": _monitoring_summary(rows),
        "changed": selectors.monitoring_changed_at([report.pk for report in reports]),
    }


def _previous_year(department: Department, year: int, current: list[dict]) -> dict | None:
    period = selectors.self_evaluation_period(department, year - 1)
    if period is None:
        return None
    evaluations = selectors.department_evaluations(department, period)
    if not evaluations:
        return None
    previous = {row["name"]: row for row in _project_rows(evaluations)}
    matched = []
    for row in current:
        before = previous.get(row["name"])
        if before is None:
            continue
        change = None
        if row["total"] is not None and before["total"] is not None:
            change = num(Decimal(row["total"]) - Decimal(before["total"]))
        matched.append(
            {
                "name": row["name"],
                "previous_total": before["total"],
                "previous_grade": before["grade"],
                "total": row["total"],
                "grade": row["grade"],
                "change": change,
            }
        )
    return {"year": year - 1, "period": _period(period), "summary": _summary(evaluations), "matched": matched}


def department_snapshot(department_id: int, year: int) -> dict:
    department = Department.objects.get(pk=department_id)
    period = selectors.self_evaluation_period(department, year)
    evaluations = selectors.department_evaluations(department, period) if period else []
    projects = _project_rows(evaluations)
    monitoring_period = selectors.latest_monitoring_period(department, year)
    monitoring = _monitoring_block(department, monitoring_period, at_risk_only=True) if monitoring_period else None
    changed = [selectors.evaluations_changed_at([e.pk for e in evaluations]) if evaluations else None]
    if monitoring:
        changed.append(monitoring.pop("changed"))
        monitoring["execution"] = [
            {"name": row["name"], "rate": row["rate"], "time_progress": row["time_progress"], "warning": row["warning"]}
            for row in monitoring["rows"]
        ]
        monitoring["rows"] = [row for row in monitoring["rows"] if row["at_risk"]]
    present = [moment for moment in changed if moment is not None]
    return {
        "version": SNAPSHOT_VERSION,
        "kind": "department",
        "title": _("%(year)d年度部门绩效评价报告") % {"year": year},
        "year": year,
        **_as_of(max(present) if present else None, period or monitoring_period),
        "department": _department(department),
        "period": _period(period),
        "summary": _summary(evaluations),
        "projects": projects,
        "levels": _levels(evaluations),
        "not_met": _not_met_rows(evaluations),
        "monitoring": monitoring,
        "previous": _previous_year(department, year, projects),
    }


# --- Monitoring report of a round ------------------------------------------------------------


def monitoring_snapshot(department_id: int, period_id: int) -> dict:
    department = Department.objects.get(pk=department_id)
    period = ReportingPeriod.objects.get(pk=period_id)
    block = _monitoring_block(department, period, at_risk_only=False)
    changed = block.pop("changed")
    return {
        "version": SNAPSHOT_VERSION,
        "kind": "monitoring",
        "title": _("%(year)d年绩效运行监控报告") % {"year": period.year},
        "year": period.year,
        **_as_of(changed, period),
        "department": _department(department),
        **block,
    }


def build_snapshot(build) -> dict:
    if build.kind == "project":
        return project_snapshot(build.evaluation_id)
    if build.kind == "department":
        return department_snapshot(build.department_id, build.year)
    return monitoring_snapshot(build.department_id, build.period_id)
