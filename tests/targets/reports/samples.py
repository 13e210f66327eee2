"""A reporting year made from the five sample disclosures, through the services people use: import,
open the periods, enter actuals (every fifth indicator falls short, with reasons), the budget,
submit, approve; and a monitoring round with one project behind schedule.

Actuals follow each target as parsed (a shortfall is 90% of a ≥ target, 150% of a ≤ one), so the
scores are known in advance and nothing here names a document."""

import datetime
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import time_machine
from django.core.exceptions import ValidationError

from budgets.money import plain_number
from targets.assessment.services import evaluation_budget_set, evaluation_submit, indicator_result_record
from targets.importing.services import disclosure_import
from targets.models import Evaluation, IndicatorResult, MonitoringReport
from targets.monitoring.services import monitoring_budget_set, monitoring_entry_record, monitoring_submit
from targets.periods.services import default_dates, reporting_period_create, reporting_period_open
from targets.review.services import submission_approve
from targets.scoring import Flag
from targets.scoring.values import Comparator

SAMPLES = Path(__file__).resolve().parents[3] / "fixtures" / "disclosures"
SHANGHAI = ZoneInfo("Asia/Shanghai")
D = Decimal
SHORT_EVERY = 5


def sample(name_start: str) -> Path:
    return next(SAMPLES.glob(f"{name_start}_*.txt"))


def import_sample(path: Path, department, *, year_from: int | None = None, year_to: int | None = None):
    content = path.read_bytes()
    if year_from is not None:
        content = content.decode("utf-8").replace(str(year_from), str(year_to)).encode("utf-8")
    disclosure_import(content=content, name=path.name, department=department, year=year_to, actor=None)


def entry_day(year: int, kind: str) -> datetime.datetime:
    opens_on = default_dates(year, kind)["opens_on"]
    return datetime.datetime.combine(opens_on + datetime.timedelta(days=5), datetime.time(10), SHANGHAI)


@contextmanager
def entering(year: int, kind: str):
    """Create the period with its defaults and open it, on a working day of its entry window."""
    with time_machine.travel(entry_day(year, kind), tick=True):
        period = reporting_period_create(year=year, kind=kind, actor=None)
        reporting_period_open(period=period)
        yield period


def _actual(indicator, short: bool) -> str | None:
    """The actual for a quantitative target, or None when the target needs a judgement."""
    number, comparator = indicator.target_number, indicator.comparator
    if number is None or comparator in {Comparator.RANGE, Comparator.QUALITATIVE}:
        return None
    if comparator in {Comparator.LE, Comparator.LT}:
        value = number * D("1.5") if short else (number if comparator == Comparator.LE else number * D("0.9"))
    elif comparator == Comparator.GT:
        value = number * D("0.9") if short else number * D("1.05")
    else:
        value = number * D("0.9") if short else number
    if number == 0:
        value = D(1) if short else D(0)
    return f"{plain_number(value.quantize(D('0.01')))}{indicator.unit}"


def record_result(result: IndicatorResult, actor, *, short: bool) -> IndicatorResult:
    reasons = {"deviation_reason": "受疫情影响进度滞后", "improvement": "加强调度，下年度优先保障"} if short else {}
    actual = _actual(result.indicator, short)
    if actual is not None:
        try:
            recorded = indicator_result_record(result=result, actual_text=actual, actor=actor, **reasons)
            if recorded.flag not in {Flag.NEEDS_JUDGEMENT, Flag.OVER_ACHIEVED}:
                return recorded
        except ValidationError:
            pass  # a target the scorer cannot compare: judged instead
    share = D("0.7") if short else D(1)
    return indicator_result_record(
        result=result,
        actual_text=result.indicator.target_text or "已完成",
        assessment_level=IndicatorResult.Level.PARTIAL if short else IndicatorResult.Level.ACHIEVED,
        assessment_points=(result.weight * share).quantize(D("0.01")),
        actor=actor,
        **reasons,
    )


def complete_evaluation(evaluation: Evaluation, staff, supervisor, *, executed_share=None, approve=True):
    executed_share = D("0.95") if executed_share is None else executed_share
    results = list(evaluation.results.select_related("indicator").order_by("indicator__order"))
    for index, result in enumerate(results):
        record_result(result, staff, short=index % SHORT_EVERY == SHORT_EVERY - 2)
    evaluation.refresh_from_db()
    budget = evaluation.budget_full_year or D(100)
    evaluation_budget_set(
        evaluation=evaluation,
        full_year_budget=budget,
        executed=(budget * executed_share).quantize(D("0.0001")),
        explanation="部分采购合同尾款跨年支付" if executed_share < D("0.9") else "",
        actor=staff,
    )
    evaluation_submit(evaluation=evaluation, actor=staff)
    if approve:
        submission_approve(record=evaluation, actor=supervisor)
    evaluation.refresh_from_db()
    return evaluation


def complete_monitoring(report: MonitoringReport, staff, supervisor, *, behind: bool):
    budget = report.budget_full_year or D(100)
    executed = budget * (D("0.2") if behind else D("0.6"))
    explanation = {"reasons": ["funding"], "explanation": "资金拨付滞后", "measure": "adjust_budget"} if behind else {}
    monitoring_budget_set(
        report=report,
        full_year_budget=budget,
        executed_to_date=executed.quantize(D("0.0001")),
        actor=staff,
        **explanation,
    )
    for index, entry in enumerate(report.entries.select_related("indicator").order_by("indicator__order")):
        at_risk = behind and index == 0
        target = entry.indicator.target_text or "已完成"
        monitoring_entry_record(
            entry=entry,
            value_to_date=target,
            expected_value=target,
            likelihood="possible" if at_risk else "certain",
            reasons=["staffing"] if at_risk else [],
            explanation="专业人员不足" if at_risk else "",
            measure="improve_management" if at_risk else "",
            actor=staff,
        )
    monitoring_submit(report=report, actor=staff)
    submission_approve(record=report, actor=supervisor)
    report.refresh_from_db()
    return report
