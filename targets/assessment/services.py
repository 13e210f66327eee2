"""Year-end self-evaluation (绩效自评): services that prepare an evaluation per target sheet, record
actuals and scores them with the evaluation's rule profile version, accept supervisors' overrides
with a reason during review, and total and grade the sheet.

Every writer locks the evaluation row first, so concurrent saves, totals and submission queue up
instead of overwriting each other; a row saved from a page that showed an older revision is refused
(budgets.concurrency.StaleEdit).
"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from budgets.audit import audit_record
from budgets.concurrency import bump, check_revision
from budgets.execution import execution_rates
from budgets.history import stamp
from budgets.money import money_from_input, plain_number
from budgets.selectors import user_can_see_department, user_supervises_department

from ..levels import level1_for
from ..models import Evaluation, Indicator, IndicatorResult, ReportingPeriod, ReviewStatus, RuleProfile, TargetSheet
from ..profiles import current_profile
from ..review.rules import assert_editable, editing_refusal
from ..review.services import mark_submitted
from ..scoring import Flag, budget_score, grade_for, parse_target, spread_weights, total_score
from .explanation import assess_result

ACTUAL_DECIMALS = 6  # IndicatorResult.actual_number keeps six places
RESULT_INPUTS = (
    "actual_text",
    "assessment_level",
    "assessment_points",
    "not_applicable",
    "deviation_reason",
    "improvement",
)


def _staff(actor, sheet: TargetSheet) -> None:
    if not user_can_see_department(actor, sheet.department):
        raise PermissionDenied(_("您无权填报该部门的绩效自评。"))


def _locked_evaluation(pk: int) -> Evaluation:
    return (
        Evaluation.objects.select_for_update(of=("self",))
        .select_related("sheet__department", "sheet__project", "period", "profile")
        .get(pk=pk)
    )


def sheet_weights(indicators: list[Indicator], rules) -> list[Decimal]:
    """The printed 分值 when every indicator has one, else the profile's default spread."""
    printed = [indicator.weight for indicator in indicators]
    if indicators and all(weight is not None for weight in printed):
        return printed
    return spread_weights([level1_for(i.level1_code, i.level2_code) for i in indicators], rules)


def evaluations_prepare(*, period: ReportingPeriod, sheets, profile: RuleProfile | None = None) -> list[Evaluation]:
    """Create the evaluation of each sheet that has none for `period`: results with their weights and
    the budget from the execution records. A fixed number of queries whatever the number of sheets.
    The system does this when a period opens; staff never have to."""
    if period.kind != ReportingPeriod.Kind.SELF_EVALUATION:
        raise ValidationError(_("绩效自评须使用“绩效自评”填报期。"))
    sheets = [s for s in sheets if s.period == "annual"]
    if not sheets:
        return []
    profile = profile or current_profile()
    rules = profile.as_rules()
    rates = execution_rates([s.project_id for s in sheets if s.project_id])
    evaluations = []
    for sheet in sheets:
        evaluation = Evaluation(sheet=sheet, period=period, profile=profile)
        if sheet.project_id:
            rate = rates[sheet.project_id]
            evaluation.budget_full_year, evaluation.budget_executed = rate.budget, rate.spent
        budget = budget_score(
            budget=evaluation.budget_full_year, executed=evaluation.budget_executed or Decimal(0), profile=rules
        )
        evaluation.budget_rate, evaluation.budget_score = budget.rate, budget.score
        evaluation.scored_at = timezone.now()
        evaluations.append(evaluation)
    Evaluation.objects.bulk_create(evaluations)
    by_sheet: dict[int, list[Indicator]] = {}
    for indicator in Indicator.objects.filter(sheet__in=sheets).order_by("sheet_id", "order"):
        by_sheet.setdefault(indicator.sheet_id, []).append(indicator)
    rows = []
    for evaluation in evaluations:
        indicators = by_sheet.get(evaluation.sheet_id, [])
        for indicator, weight in zip(indicators, sheet_weights(indicators, rules), strict=True):
            rows.append(IndicatorResult(evaluation=evaluation, indicator=indicator, weight=weight))
    IndicatorResult.objects.bulk_create(rows, batch_size=2000)
    return evaluations


@transaction.atomic
def evaluation_start(
    *, sheet: TargetSheet, period: ReportingPeriod, actor, profile: RuleProfile | None = None
) -> Evaluation:
    _staff(actor, sheet)
    if sheet.period != "annual":
        raise ValidationError(_("绩效自评针对年度目标表。"))
    if Evaluation.objects.filter(sheet=sheet, period=period).exists():
        raise ValidationError(_("该目标表在本填报期已有绩效自评。"))
    (evaluation,) = evaluations_prepare(period=period, sheets=[sheet], profile=profile)
    audit_record(
        actor=actor, action="evaluation.start", subject=evaluation, changes={"profile": str(evaluation.profile)}
    )
    return evaluation


def score_result(result: IndicatorResult, rules) -> None:
    """Set the computed score and flag of a result from its actual and assessment; a result that
    cannot be scored (units that do not compare, points outside their band) is refused."""
    assessed = assess_result(result, rules)
    if assessed.flag == Flag.ERROR:
        raise ValidationError(assessed.explanation)
    result.computed_score, result.flag = assessed.score, assessed.flag


def _parse_actual(result: IndicatorResult) -> None:
    actual = parse_target(result.actual_text)
    if actual.number is not None and actual.number.as_tuple().exponent < -ACTUAL_DECIMALS:
        raise ValidationError(
            _("实际完成值“%(v)s”最多保留 %(n)s 位小数。") % {"v": result.actual_text, "n": ACTUAL_DECIMALS}
        )
    if actual.number is not None and abs(actual.number) >= Decimal(10) ** 17:
        raise ValidationError(_("实际完成值“%(v)s”超出可记录的范围。") % {"v": result.actual_text})
    result.actual_comparator, result.actual_number, result.actual_unit = actual.comparator, actual.number, actual.unit


def _points(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        points = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValidationError(_("评定分值“%(v)s”不是数字。") % {"v": value}) from None
    if not points.is_finite() or points < 0:
        raise ValidationError(_("评定分值“%(v)s”不是有效的分数。") % {"v": value})
    return points.quantize(Decimal("0.01"))


def evaluation_recompute(evaluation: Evaluation) -> None:
    """Budget score, total and grade from the stored rows. Computed fields only, so it never
    overwrites what a concurrent writer changed; the caller holds the evaluation's lock."""
    rules = evaluation.profile.as_rules()
    results = list(evaluation.results.only("weight", "not_applicable", "final_score"))
    budget = budget_score(
        budget=evaluation.budget_full_year, executed=evaluation.budget_executed or Decimal(0), profile=rules
    )
    applicable = [r for r in results if not r.not_applicable]
    excluded = sum((r.weight for r in results if r.not_applicable), Decimal(0))
    total, grade = None, ""
    if applicable and all(r.final_score is not None for r in applicable):
        total = total_score([r.final_score for r in applicable], budget.score, excluded_weight=excluded, profile=rules)
        grade = grade_for(total, rules)
    evaluation.budget_rate, evaluation.budget_score = budget.rate, budget.score
    evaluation.total, evaluation.grade, evaluation.scored_at = total, grade, timezone.now()
    Evaluation.objects.filter(pk=evaluation.pk).update(
        budget_rate=budget.rate, budget_score=budget.score, total=total, grade=grade, scored_at=evaluation.scored_at
    )


@transaction.atomic
def indicator_result_record(
    *,
    result: IndicatorResult,
    actor,
    actual_text: str = "",
    assessment_level: str = "",
    assessment_points: Decimal | None = None,
    not_applicable: bool = False,
    deviation_reason: str = "",
    improvement: str = "",
    expected_revision: int | None = None,
    source_document=None,
    source_location: str = "",
    entry_window: bool = True,
) -> IndicatorResult:
    """`entry_window=False` (a document import) still refuses submitted, approved and locked rows,
    but not the period's dates."""
    evaluation = _locked_evaluation(result.evaluation_id)
    _staff(actor, evaluation.sheet)
    result = IndicatorResult.objects.select_related("indicator").select_for_update(of=("self",)).get(pk=result.pk)
    result.evaluation = evaluation
    assert_editable(evaluation, indicator_id=result.indicator_id, window=entry_window)
    check_revision(result, expected_revision)
    values = {
        "actual_text": (actual_text or "").strip(),
        "assessment_level": assessment_level or "",
        "assessment_points": _points(assessment_points),
        "not_applicable": bool(not_applicable),
        "deviation_reason": (deviation_reason or "").strip(),
        "improvement": (improvement or "").strip(),
    }
    if values["assessment_level"] and values["assessment_level"] not in IndicatorResult.Level.values:
        raise ValidationError(_("请选择评价等级。"))
    before = {field: getattr(result, field) for field in RESULT_INPUTS}
    if before == values:
        return result
    for field, value in values.items():
        setattr(result, field, value)
    _parse_actual(result)
    score_result(result, evaluation.profile.as_rules())
    if source_document is not None:
        result.source_document, result.source_location = source_document, source_location[:200]
    elif before["actual_text"] != values["actual_text"]:
        result.source_document, result.source_location = None, ""
    result.full_clean(exclude=["evaluation", "indicator"])
    bump(result)
    stamp(result, actor=actor, reason=_("填报实际完成值"))
    result.save()
    result.refresh_from_db(fields=["final_score"])
    evaluation_recompute(evaluation)
    audit_record(
        actor=actor,
        action="indicator_result.record",
        subject=result,
        changes={
            "actual_text": [before["actual_text"], result.actual_text],
            "score": str(result.final_score) if result.final_score is not None else "",
        },
    )
    return result


@transaction.atomic
def indicator_score_override(*, result: IndicatorResult, score: Decimal | None, reason: str, actor) -> IndicatorResult:
    """A supervisor sets (or, with `score=None`, clears) the score of a row while the evaluation is
    under review; the reason is required either way and kept in the history."""
    evaluation = _locked_evaluation(result.evaluation_id)
    result = IndicatorResult.objects.select_related("indicator").select_for_update(of=("self",)).get(pk=result.pk)
    result.evaluation = evaluation
    if not user_supervises_department(actor, evaluation.sheet.department):
        raise PermissionDenied(_("只有监督审核人员可以调整得分。"))
    if evaluation.status != ReviewStatus.SUBMITTED:
        raise ValidationError(
            _("只有在审核中的绩效自评可以调整得分（当前：%(s)s）。") % {"s": evaluation.get_status_display()}
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("调整得分必须写明理由。"))
    if score is not None:
        try:
            score = Decimal(str(score).strip()).quantize(Decimal("0.01"))
        except InvalidOperation:
            raise ValidationError(_("调整后得分“%(v)s”不是数字。") % {"v": score}) from None
        if not Decimal(0) <= score <= result.weight:
            raise ValidationError(_("调整后得分应在 0 到 %(w)s 分之间。") % {"w": plain_number(result.weight)})
    elif result.override_score is None:
        raise ValidationError(_("该指标没有调整过得分，无需清除。"))
    old = result.final_score
    result.override_score = score
    result.override_reason = reason if score is not None else ""
    result.full_clean(exclude=["evaluation", "indicator"])
    bump(result)
    stamp(result, actor=actor, reason=reason)
    result.save()
    result.refresh_from_db(fields=["final_score"])
    evaluation_recompute(evaluation)
    audit_record(
        actor=actor,
        action="indicator_result.override" if score is not None else "indicator_result.override_clear",
        subject=result,
        changes={
            "final_score": [str(old) if old is not None else "", str(result.final_score)],
            "computed": str(result.computed_score),
            "reason": reason,
        },
    )
    return result


@transaction.atomic
def evaluation_budget_set(
    *,
    evaluation: Evaluation,
    full_year_budget,
    executed,
    explanation: str = "",
    actor,
    expected_revision: int | None = None,
) -> Evaluation:
    evaluation = _locked_evaluation(evaluation.pk)
    _staff(actor, evaluation.sheet)
    assert_editable(evaluation)
    check_revision(evaluation, expected_revision)
    values = {
        "budget_full_year": money_from_input(full_year_budget, _("全年预算数")),
        "budget_executed": money_from_input(executed, _("全年执行数")) or Decimal("0.0000"),
        "budget_explanation": (explanation or "").strip(),
    }
    changes = {f: [str(getattr(evaluation, f)), str(v)] for f, v in values.items() if getattr(evaluation, f) != v}
    if not changes:
        return evaluation
    for field, value in values.items():
        setattr(evaluation, field, value)
    provenance = []
    if {"budget_full_year", "budget_executed"} & set(changes) and evaluation.budget_source_document_id:
        # Typed amounts no longer come from the imported document (targets/assessment/from_document.py).
        evaluation.budget_source_document, evaluation.budget_source_location = None, ""
        evaluation.budget_initial = evaluation.budget_printed_score = None
        provenance = ["budget_source_document", "budget_source_location", "budget_initial", "budget_printed_score"]
    bump(evaluation)
    stamp(evaluation, actor=actor, reason=_("填报预算执行情况"))
    evaluation.save(update_fields=[*values, *provenance, "revision"])
    evaluation_recompute(evaluation)
    audit_record(actor=actor, action="evaluation.budget", subject=evaluation, changes=changes)
    return evaluation


def evaluation_problems(evaluation: Evaluation) -> list[str]:
    """What still stops the evaluation from being submitted, in plain Chinese."""
    rules = evaluation.profile.as_rules()
    problems = []
    for result in evaluation.results.select_related("indicator").order_by("indicator__order"):
        name = result.indicator.name
        if result.not_applicable:
            continue
        if result.flag == Flag.ERROR:
            reason = assess_result(result, rules).explanation
            problems.append(_("指标“%(n)s”无法计分：%(r)s") % {"n": name, "r": reason})
        elif result.final_score is None:
            if result.flag == Flag.NEEDS_JUDGEMENT:
                problems.append(_("指标“%(n)s”需选择评价等级并给出评定分值") % {"n": name})
            else:
                problems.append(_("指标“%(n)s”尚未填报实际完成值") % {"n": name})
        elif result.flag in {Flag.NOT_MET, Flag.OVER_ACHIEVED} and not (result.deviation_reason and result.improvement):
            problems.append(_("指标“%(n)s”需填写偏差原因分析及改进措施") % {"n": name})
    if evaluation.budget_full_year is None and evaluation.sheet.project_id:
        problems.append(_("请填写全年预算数"))
    elif (
        evaluation.budget_rate is not None
        and evaluation.budget_rate < rules.budget_explanation_below
        and not evaluation.budget_explanation
    ):
        problems.append(_("预算执行率低于要求，需说明原因"))
    return problems


@transaction.atomic
def evaluation_submit(*, evaluation: Evaluation, actor) -> Evaluation:
    evaluation = _locked_evaluation(evaluation.pk)
    _staff(actor, evaluation.sheet)
    if evaluation.status == ReviewStatus.DRAFT:
        assert_editable(evaluation)
    elif evaluation.status != ReviewStatus.RETURNED:
        raise ValidationError(editing_refusal(evaluation))
    problems = evaluation_problems(evaluation)
    if problems:
        raise ValidationError(problems)
    mark_submitted(evaluation, actor=actor)
    audit_record(
        actor=actor,
        action="evaluation.submit",
        subject=evaluation,
        changes={"total": str(evaluation.total), "grade": evaluation.grade},
    )
    return evaluation


@transaction.atomic
def evaluation_sync_indicators(*, evaluation: Evaluation, actor) -> Evaluation:
    """After the targets of a sheet changed: a result for every indicator, none for removed ones,
    default weights spread again. Only while the evaluation is being filled in."""
    evaluation = _locked_evaluation(evaluation.pk)
    if not evaluation.is_open:
        raise ValidationError(editing_refusal(evaluation))
    indicators = list(evaluation.sheet.indicators.order_by("order"))
    weights = dict(
        zip((i.pk for i in indicators), sheet_weights(indicators, evaluation.profile.as_rules()), strict=True)
    )
    existing = {r.indicator_id: r for r in evaluation.results.all()}
    stored_weights = {pk: r.weight for pk, r in existing.items()}
    IndicatorResult.objects.filter(evaluation=evaluation).exclude(indicator_id__in=weights).delete()
    IndicatorResult.objects.bulk_create(
        IndicatorResult(evaluation=evaluation, indicator_id=pk, weight=weight)
        for pk, weight in weights.items()
        if pk not in existing
    )
    rules = evaluation.profile.as_rules()
    by_pk = {indicator.pk: indicator for indicator in indicators}
    for pk, result in existing.items():
        if pk not in weights:
            continue
        result.evaluation, result.indicator, result.weight = evaluation, by_pk[pk], weights[pk]
        assessed = assess_result(result, rules)  # a changed target may no longer fit the actual: flagged
        if (result.computed_score, result.flag) == (assessed.score, assessed.flag) and stored_weights[pk] == weights[
            pk
        ]:
            continue
        result.computed_score, result.flag = assessed.score, assessed.flag
        if result.override_score is not None and result.override_score > result.weight:
            result.override_score, result.override_reason = None, ""
        bump(result)
        stamp(result, actor=actor, reason=_("目标调整后重新计分"))
        result.save()
    evaluation_recompute(evaluation)
    return evaluation


@transaction.atomic
def evaluation_rows_import(*, evaluation: Evaluation, rows: list[dict], actor, source: str = "") -> int:
    """Apply the rows of a filled-in 自评表 (each: result id, actual, level, points, reasons, and the
    revision it was read against), all or nothing. A row changed since the preview is refused."""
    results = {
        r.pk: r for r in IndicatorResult.objects.filter(evaluation=evaluation, pk__in=[row["result"] for row in rows])
    }
    for row in rows:
        result = results.get(row["result"])
        if result is None:
            raise ValidationError(_("导入的行不属于这份绩效自评，请重新上传。"))
        try:
            indicator_result_record(
                result=result,
                actor=actor,
                actual_text=row["actual"],
                assessment_level=row["level"],
                assessment_points=row["points"],
                not_applicable=result.not_applicable,
                deviation_reason=row["reason"],
                improvement=row["improvement"],
                expected_revision=row["revision"],
            )
        except ValidationError as exc:
            raise ValidationError(
                [
                    _("%(where)s%(n)s：%(e)s") % {"where": source, "n": result.indicator.name, "e": m}
                    for m in exc.messages
                ]
            ) from exc
    return len(rows)


@transaction.atomic
def evaluation_budget_refresh(*, evaluation: Evaluation, actor) -> Evaluation:
    """Take the full-year budget and spending again from the budget execution records (预算执行)."""
    evaluation = _locked_evaluation(evaluation.pk)
    _staff(actor, evaluation.sheet)
    assert_editable(evaluation)
    if not evaluation.sheet.project_id:
        raise ValidationError(_("部门整体目标表没有项目预算执行记录。"))
    rate = execution_rates([evaluation.sheet.project_id])[evaluation.sheet.project_id]
    return evaluation_budget_set(
        evaluation=evaluation,
        full_year_budget=rate.budget,
        executed=rate.spent,
        explanation=evaluation.budget_explanation,
        actor=actor,
    )
