"""Year-end self-evaluation (绩效自评): services that record actuals, score them with the evaluation's
rule profile version, accept supervisors' overrides with a reason, and total and grade the sheet."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from budgets.audit import audit_record
from budgets.execution import execution_rate
from budgets.selectors import user_can_see_department, user_supervises_department

from ..levels import level1_for
from ..models import Evaluation, IndicatorResult, ReportingPeriod, RuleProfile, TargetSheet
from ..profiles import current_profile
from ..scoring import Flag, budget_score, grade_for, parse_target, spread_weights, total_score
from .explanation import assess_result

ACTUAL_DECIMALS = 6  # IndicatorResult.actual_number keeps six places


def _staff(actor, sheet: TargetSheet) -> None:
    if not user_can_see_department(actor, sheet.department):
        raise PermissionDenied(_("您无权填报该部门的绩效自评。"))


def _editable(evaluation: Evaluation) -> None:
    if evaluation.status not in {Evaluation.Status.DRAFT, Evaluation.Status.RETURNED}:
        raise ValidationError(_("绩效自评已%(s)s，不能修改。") % {"s": evaluation.get_status_display()})


@transaction.atomic
def evaluation_start(
    *, sheet: TargetSheet, period: ReportingPeriod, actor, profile: RuleProfile | None = None
) -> Evaluation:
    _staff(actor, sheet)
    if period.kind != ReportingPeriod.Kind.SELF_EVALUATION:
        raise ValidationError(_("绩效自评须使用“绩效自评”填报期。"))
    if sheet.period != "annual":
        raise ValidationError(_("绩效自评针对年度目标表。"))
    profile = profile or current_profile()
    evaluation = Evaluation(sheet=sheet, period=period, profile=profile)
    evaluation.full_clean()
    evaluation.save()
    indicators = list(sheet.indicators.order_by("order"))
    rules = profile.as_rules()
    printed = [indicator.weight for indicator in indicators]
    if indicators and all(weight is not None for weight in printed):
        weights = printed
    else:
        weights = spread_weights([level1_for(i.level1_code, i.level2_code) for i in indicators], rules)
    IndicatorResult.objects.bulk_create(
        IndicatorResult(evaluation=evaluation, indicator=indicator, weight=weight)
        for indicator, weight in zip(indicators, weights, strict=True)
    )
    if sheet.project_id:
        rate = execution_rate(sheet.project)
        evaluation.budget_full_year, evaluation.budget_executed = rate.budget, rate.spent
    _recompute(evaluation)
    audit_record(actor=actor, action="evaluation.start", subject=evaluation, changes={"profile": str(profile)})
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
    result.actual_comparator, result.actual_number, result.actual_unit = actual.comparator, actual.number, actual.unit


def _recompute(evaluation: Evaluation) -> None:
    rules = evaluation.profile.as_rules()
    results = list(evaluation.results.all())
    budget = budget_score(
        budget=evaluation.budget_full_year, executed=evaluation.budget_executed or Decimal(0), profile=rules
    )
    evaluation.budget_rate, evaluation.budget_score = budget.rate, budget.score
    applicable = [r for r in results if not r.not_applicable]
    excluded = sum((r.weight for r in results if r.not_applicable), Decimal(0))
    if applicable and all(r.final_score is not None for r in applicable):
        evaluation.total = total_score(
            [r.final_score for r in applicable], budget.score, excluded_weight=excluded, profile=rules
        )
        evaluation.grade = grade_for(evaluation.total, rules)
    else:
        evaluation.total, evaluation.grade = None, ""
    evaluation.scored_at = timezone.now()
    evaluation.save()


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
) -> IndicatorResult:
    result = (
        IndicatorResult.objects.select_related("evaluation__sheet__department", "evaluation__profile", "indicator")
        .select_for_update(of=("self",))
        .get(pk=result.pk)
    )
    evaluation = result.evaluation
    _staff(actor, evaluation.sheet)
    _editable(evaluation)
    before = {"actual_text": result.actual_text, "final_score": str(result.final_score)}
    result.actual_text, result.not_applicable = actual_text.strip(), not_applicable
    _parse_actual(result)
    result.assessment_level, result.assessment_points = assessment_level, assessment_points
    result.deviation_reason, result.improvement = deviation_reason.strip(), improvement.strip()
    score_result(result, evaluation.profile.as_rules())
    result.full_clean()
    result.save()
    result.refresh_from_db(fields=["final_score"])
    _recompute(evaluation)
    audit_record(
        actor=actor,
        action="indicator_result.record",
        subject=result,
        changes={"before": before, "actual_text": result.actual_text, "score": str(result.final_score)},
    )
    return result


@transaction.atomic
def indicator_score_override(*, result: IndicatorResult, score: Decimal, reason: str, actor) -> IndicatorResult:
    result = (
        IndicatorResult.objects.select_related("evaluation__sheet__department", "evaluation__profile", "indicator")
        .select_for_update(of=("self",))
        .get(pk=result.pk)
    )
    if not user_supervises_department(actor, result.evaluation.sheet.department):
        raise PermissionDenied(_("只有监督审核人员可以调整得分。"))
    if not (reason or "").strip():
        raise ValidationError(_("调整得分必须写明理由。"))
    score = Decimal(score)
    if not Decimal(0) <= score <= result.weight:
        raise ValidationError(_("调整后得分应在 0 到 %(w)s 分之间。") % {"w": result.weight})
    old = result.final_score
    result.override_score, result.override_reason = score, reason.strip()
    result.full_clean()
    result.save()
    result.refresh_from_db(fields=["final_score"])
    _recompute(result.evaluation)
    audit_record(
        actor=actor,
        action="indicator_result.override",
        subject=result,
        changes={
            "final_score": [str(old), str(score)],
            "computed": str(result.computed_score),
            "reason": result.override_reason,
        },
    )
    return result


@transaction.atomic
def evaluation_budget_set(
    *, evaluation: Evaluation, full_year_budget: Decimal, executed: Decimal, explanation: str = "", actor
) -> Evaluation:
    _staff(actor, evaluation.sheet)
    _editable(evaluation)
    if full_year_budget < 0 or executed < 0:
        raise ValidationError(_("预算数和执行数不能为负数。"))
    evaluation.budget_full_year, evaluation.budget_executed = full_year_budget, executed
    evaluation.budget_explanation = explanation.strip()
    _recompute(evaluation)
    audit_record(
        actor=actor,
        action="evaluation.budget",
        subject=evaluation,
        changes={"full_year_budget": str(full_year_budget), "executed": str(executed)},
    )
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
            problems.append(_("指标“%(n)s”尚未填报实际完成值或评定分值") % {"n": name})
        elif result.flag in {Flag.NOT_MET, Flag.OVER_ACHIEVED} and not (result.deviation_reason and result.improvement):
            problems.append(_("指标“%(n)s”需填写偏差原因分析及改进措施") % {"n": name})
    if (
        evaluation.budget_rate is not None
        and evaluation.budget_rate < rules.budget_explanation_below
        and not evaluation.budget_explanation
    ):
        problems.append(_("预算执行率低于要求，需说明原因"))
    return problems


@transaction.atomic
def evaluation_submit(*, evaluation: Evaluation, actor) -> Evaluation:
    evaluation = (
        Evaluation.objects.select_for_update().select_related("sheet__department", "profile").get(pk=evaluation.pk)
    )
    _staff(actor, evaluation.sheet)
    _editable(evaluation)
    problems = evaluation_problems(evaluation)
    if problems:
        raise ValidationError(problems)
    evaluation.status = Evaluation.Status.SUBMITTED
    evaluation.save(update_fields=["status"])
    audit_record(actor=actor, action="evaluation.submit", subject=evaluation, changes={"total": str(evaluation.total)})
    return evaluation


@transaction.atomic
def evaluation_review(*, evaluation: Evaluation, approve: bool, reason: str = "", actor) -> Evaluation:
    evaluation = Evaluation.objects.select_for_update().select_related("sheet__department").get(pk=evaluation.pk)
    if not user_supervises_department(actor, evaluation.sheet.department):
        raise PermissionDenied(_("只有监督审核人员可以审核。"))
    if evaluation.status != Evaluation.Status.SUBMITTED:
        raise ValidationError(_("只有已提交的绩效自评可以审核。"))
    if not approve and not reason.strip():
        raise ValidationError(_("退回必须写明原因。"))
    evaluation.status = Evaluation.Status.APPROVED if approve else Evaluation.Status.RETURNED
    evaluation.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="evaluation.approve" if approve else "evaluation.return",
        subject=evaluation,
        changes={"reason": reason.strip()},
    )
    return evaluation
