"""The dashboards: one department, or a supervisor's tree. Every figure is aggregated in the
database (a fixed number of grouped queries, whatever the number of projects); only the few rows
shown (the projects at risk, the slowest executions) are read one by one.

The scope is always the user's own (budgets.selectors.department_scope) intersected with the
department or tree asked for, so a dashboard never counts a department the user may not see.
"""

from decimal import Decimal

from django.db.models import Avg, Case, Count, Exists, F, IntegerField, Max, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce, Greatest

from budgets.models import Department
from budgets.selectors import department_scope

from ..levels import Level1, level1_for
from ..models import Evaluation, IndicatorResult, LateEntryException, MonitoringEntry, MonitoringReport, ReportingPeriod
from ..profiles import current_profile
from ..scoring.monitoring import budget_warning
from . import charts
from .selectors import AT_RISK_LIKELIHOODS
from .snapshots import GRADES, num

DONE = ("submitted", "approved")
SHOWN_AT_RISK = 20


def record_scope(user, department: Department, *, tree: bool) -> Q:
    """Records (evaluations, monitoring reports) of the department, or of its tree, that the user may see."""
    allowed = department_scope(user, prefix="sheet__department")
    if tree:
        return allowed & Q(sheet__department__path__startswith=department.path)
    return allowed & Q(sheet__department=department)


def _rate(part, whole) -> Decimal | None:
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001")) if whole else None


def period_rates(scope: Q, year: int) -> list[dict]:
    """Per period of the year: records, submitted (completion) and submitted by the deadline (a
    late-entry exception moves a department's deadline)."""
    rows = []
    for model in (MonitoringReport, Evaluation):
        exception = LateEntryException.objects.filter(
            period=OuterRef("period"), department=OuterRef("sheet__department")
        ).values("until")[:1]
        grouped = (
            model.objects.filter(scope, period__year=year, sheet__is_current=True)
            .annotate(deadline=Greatest("period__due_date", Coalesce(Subquery(exception), "period__due_date")))
            .values("period")
            .annotate(
                records=Count("pk"),
                completed=Count("pk", filter=Q(status__in=DONE)),
                on_time=Count("pk", filter=Q(status__in=DONE, submitted_at__date__lte=F("deadline"))),
            )
            .order_by("period")
        )
        rows += list(grouped)
    periods = ReportingPeriod.objects.in_bulk([row["period"] for row in rows])
    result = [
        {
            "period": periods[row["period"]],
            "records": row["records"],
            "completed": row["completed"],
            "on_time": row["on_time"],
            "completion_rate": _rate(row["completed"], row["records"]),
            "on_time_rate": _rate(row["on_time"], row["records"]),
        }
        for row in rows
    ]
    return sorted(result, key=lambda row: (row["period"].cut_off_date, row["period"].pk))


SCORE_FILTERS = (
    ("<60", Q(total__lt=60)),
    ("60–70", Q(total__gte=60, total__lt=70)),
    ("70–80", Q(total__gte=70, total__lt=80)),
    ("80–90", Q(total__gte=80, total__lt=90)),
    ("≥90", Q(total__gte=90)),
)


def _evaluations(scope: Q, year: int):
    return Evaluation.objects.filter(
        scope, period__year=year, period__kind=ReportingPeriod.Kind.SELF_EVALUATION, sheet__is_current=True
    )


def scores(scope: Q, year: int) -> dict:
    """Score distribution and grades of the year's self-evaluations, in one query."""
    aggregates = {
        "count": Count("pk"),
        "scored": Count("total"),
        "average": Avg("total"),
        **{f"bin{index}": Count("pk", filter=condition) for index, (_label, condition) in enumerate(SCORE_FILTERS)},
        **{f"grade{index}": Count("pk", filter=Q(grade=grade)) for index, grade in enumerate(GRADES)},
    }
    row = _evaluations(scope, year).aggregate(**aggregates)
    average = row["average"]
    return {
        "count": row["count"],
        "scored": row["scored"],
        "average": num(Decimal(average).quantize(Decimal("0.01"))) if average is not None else None,
        "bins": [(label, row[f"bin{index}"]) for index, (label, _condition) in enumerate(SCORE_FILTERS)],
        "grades": [{"grade": grade, "count": row[f"grade{index}"]} for index, grade in enumerate(GRADES)],
        "unscored": row["count"] - row["scored"],
    }


def levels(scope: Q, year: int) -> list[tuple[str, Decimal | None]]:
    """Completion by 一级 (score over weight of the scored rows), one grouped query."""
    grouped = (
        IndicatorResult.objects.filter(
            evaluation__in=_evaluations(scope, year), not_applicable=False, final_score__isnull=False
        )
        .values("indicator__level1_code", "indicator__level2_code")
        .annotate(weight=Sum("weight"), score=Sum("final_score"))
        .order_by()
    )
    sums: dict[str, list[Decimal]] = {}
    for row in grouped:
        code = level1_for(row["indicator__level1_code"], row["indicator__level2_code"]) or ""
        weight, score = sums.get(code, [Decimal(0), Decimal(0)])
        sums[code] = [weight + row["weight"], score + row["score"]]
    order = {code: index for index, code in enumerate(Level1.values)}
    return [
        (str(Level1(code).label) if code else "其他", _rate(score, weight))
        for code, (weight, score) in sorted(sums.items(), key=lambda item: order.get(item[0], len(order)))
    ]


def latest_round(scope: Q, year: int) -> ReportingPeriod | None:
    cut_off = MonitoringReport.objects.filter(scope, period__year=year).aggregate(last=Max("period__cut_off_date"))
    if cut_off["last"] is None:
        return None
    return ReportingPeriod.objects.filter(
        kind=ReportingPeriod.Kind.MONITORING, year=year, cut_off_date=cut_off["last"]
    ).first()


def _risky():
    return Exists(MonitoringEntry.objects.filter(report=OuterRef("pk"), likelihood__in=AT_RISK_LIKELIHOODS))


RISK = Q(warning__in=["red", "yellow"]) | Q(risky=True)


def at_risk(scope: Q, period: ReportingPeriod) -> dict:
    """Counts of the round's warnings and risks (one query) and the projects most at risk."""
    reports = MonitoringReport.objects.filter(scope, period=period, sheet__is_current=True).annotate(risky=_risky())
    counts = reports.aggregate(
        reports=Count("pk"),
        red=Count("pk", filter=Q(warning="red")),
        yellow=Count("pk", filter=Q(warning="yellow")),
        green=Count("pk", filter=Q(warning="green")),
        at_risk=Count("pk", filter=RISK),
    )
    severity = Case(
        When(warning="red", then=Value(0)),
        When(warning="yellow", then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    shown = (
        reports.filter(RISK)
        .select_related("sheet__project", "sheet__department")
        .annotate(
            severity=severity, risky_entries=Count("entries", filter=Q(entries__likelihood__in=AT_RISK_LIKELIHOODS))
        )
        .order_by("severity", F("execution_rate").asc(nulls_first=True), "sheet__project__name", "pk")[:SHOWN_AT_RISK]
    )
    return {**counts, "rows": list(shown), "period": period}


def execution_rows(scope: Q, period: ReportingPeriod, *, by_department: bool) -> list[dict]:
    """Chart rows of execution against time progress: per department for a tree (sums), else the
    projects furthest behind (the chart shows at most charts.EXECUTION_ROWS)."""
    reports = MonitoringReport.objects.filter(scope, period=period, sheet__is_current=True)
    if by_department:
        rules = current_profile().as_rules()
        grouped = (
            reports.values("sheet__department__name")
            .annotate(budget=Sum("budget_full_year"), executed=Sum("executed_to_date"), progress=Max("time_progress"))
            .order_by("sheet__department__name")
        )
        rows = []
        for row in grouped:
            rate = _rate(row["executed"], row["budget"]) if row["budget"] else None
            rows.append(
                {
                    "label": row["sheet__department__name"],
                    "value": rate,
                    "marker": row["progress"],
                    "colour": budget_warning(rate, row["progress"], rules),
                }
            )
        return rows
    slowest = reports.select_related("sheet__project").order_by(
        F("execution_rate").asc(nulls_first=True), "sheet__project__name", "pk"
    )[: charts.EXECUTION_ROWS]
    return [
        {
            "label": report.sheet.project.name if report.sheet.project_id else (report.sheet.title or ""),
            "value": report.execution_rate,
            "marker": report.time_progress,
            "colour": report.warning,
        }
        for report in slowest
    ]


def departments_table(scope: Q, year: int) -> list[dict]:
    """Per department of a tree: evaluations, submitted, average score and budget execution."""
    grouped = (
        _evaluations(scope, year)
        .values("sheet__department__name", "sheet__department__code", "sheet__department__path")
        .annotate(
            records=Count("pk"),
            completed=Count("pk", filter=Q(status__in=DONE)),
            average=Avg("total"),
            budget=Sum("budget_full_year"),
            executed=Sum("budget_executed"),
        )
        .order_by("sheet__department__path")
    )
    return [
        {
            "name": row["sheet__department__name"],
            "code": row["sheet__department__code"],
            "records": row["records"],
            "completed": row["completed"],
            "average": Decimal(row["average"]).quantize(Decimal("0.01")) if row["average"] is not None else None,
            "rate": _rate(row["executed"], row["budget"]) if row["budget"] else None,
        }
        for row in grouped
    ]


def dashboard(user, department: Department, year: int, *, tree: bool) -> dict:
    scope = record_scope(user, department, tree=tree)
    score = scores(scope, year)
    period = latest_round(scope, year)
    risk = at_risk(scope, period) if period else None
    if period:
        execution = charts.execution_chart(
            f"预算执行进度与时间进度（截至 {period.cut_off_date:%Y-%m-%d}）",
            execution_rows(scope, period, by_department=tree),
            marker_label="时间进度",
        )
    else:
        execution = None
    return {
        "periods": period_rates(scope, year),
        "scores": score,
        "risk": risk,
        "units": departments_table(scope, year) if tree else [],
        "charts": {
            "scores": charts.histogram("项目自评得分分布", score["bins"], unit="个项目"),
            "levels": charts.completion_bars(
                "各一级指标完成情况（得分 / 分值）", levels(scope, year), empty_text="暂无已评分的指标"
            ),
            "execution": execution,
        },
    }
