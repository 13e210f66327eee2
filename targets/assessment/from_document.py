"""Self-evaluation results brought in from a published 自评表: each indicator's 实际完成值 and 偏差原因
through the service staff use when they type an actual (same parsing, scoring and unit checks), and
the budget block (年初预算, 全年/调整后预算, 执行数), every value with its source document and location.

The document's printed 得分 is kept beside the computed score and reported when the two differ; it
never replaces the score the rules give. Evaluations already submitted or approved are left as they
are and reported. `document_results_check` answers the same questions without writing, for the
import preview.
"""

import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from budgets.audit import audit_record
from budgets.concurrency import bump
from budgets.history import stamp
from budgets.money import money_from_input, plain_number
from budgets.selectors import user_can_see_department

from ..models import Evaluation, Indicator, IndicatorResult, ReportingPeriod, ReviewStatus, TargetSheet
from ..profiles import current_profile
from ..review.rules import editing_refusal
from ..scoring import budget_score
from .services import (
    _locked_evaluation,
    _parse_actual,
    evaluation_recompute,
    evaluation_start,
    evaluation_sync_indicators,
    indicator_result_record,
    score_result,
    sheet_weights,
)

MAX_SCORE = Decimal("100")  # a printed 得分 above the whole table's 100 points is a misread number
_MEANINGFUL = re.compile(r"[\w\u4e00-\u9fff]")


@dataclass
class DocumentRow:
    """One indicator row of a 自评表. `actual` None: the table has no such column; "": an empty cell."""

    indicator: Indicator  # stored, or (in a preview of a sheet not stored yet) unsaved
    actual: str | None
    location: str
    printed_weight: Decimal | None = None
    printed_score: Decimal | None = None
    reason: str = ""

    @property
    def has_data(self) -> bool:
        return bool(self.actual) or bool(self.reason) or self.printed_score is not None


@dataclass
class DocumentBudget:
    """The budget block's total row, in 万元."""

    location: str
    initial: Decimal | None = None
    full_year: Decimal | None = None  # 调整后 / 全年预算数: what the execution rate divides by
    executed: Decimal | None = None
    printed_score: Decimal | None = None

    @property
    def has_data(self) -> bool:
        return any(v is not None for v in (self.initial, self.full_year, self.executed))


@dataclass
class SheetOutcome:
    """What importing one sheet's results does (or, in a preview, would do)."""

    label: str
    location: str
    action: str = "update"  # create | update | skip
    reason: str = ""
    written: int = 0
    unchanged: int = 0
    empty: int = 0
    budget: str = ""  # "written" | "unchanged" | "" (none in the document) | a refusal
    evaluation: int | None = None  # the evaluation written (not in a preview)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "label": self.label,
            "location": self.location,
            "action": self.action,
            "reason": self.reason,
            "written": self.written,
            "unchanged": self.unchanged,
            "empty": self.empty,
            "budget": self.budget,
            "evaluation": self.evaluation,
            "problems": self.problems,
            "notes": self.notes,
        }


def clean_reason(text: str | None) -> str:
    """A 偏差原因 cell, or "" for one holding only punctuation (an ellipsis, a dash)."""
    text = (text or "").strip()
    return text if _MEANINGFUL.search(text) else ""


def self_evaluation_period(year: int) -> ReportingPeriod | None:
    return (
        ReportingPeriod.objects.filter(year=year, kind=ReportingPeriod.Kind.SELF_EVALUATION)
        .order_by("-cut_off_date")
        .first()
    )


def _score_notes(outcome: SheetOutcome, row: DocumentRow, result: IndicatorResult) -> None:
    name = row.indicator.name
    if row.printed_weight is not None and row.printed_weight != result.weight:
        outcome.notes.append(
            _("%(w)s：指标“%(n)s”文件所列分值 %(p)s 分，自评按 %(s)s 分计。")
            % {"w": row.location, "n": name, "p": plain_number(row.printed_weight), "s": plain_number(result.weight)}
        )
    if row.printed_score is None or not result.actual_text:
        return
    computed = result.override_score if result.override_score is not None else result.computed_score
    if computed is None:
        outcome.notes.append(
            _("%(w)s：指标“%(n)s”文件所列得分 %(p)s 分；该指标需选择评价等级并给出评定分值后计分。")
            % {"w": row.location, "n": name, "p": plain_number(row.printed_score)}
        )
    elif computed != row.printed_score:
        outcome.notes.append(
            _("%(w)s：指标“%(n)s”文件所列得分 %(p)s 分，按评分规则计算为 %(c)s 分；以计算得分为准，文件得分已记录。")
            % {"w": row.location, "n": name, "p": plain_number(row.printed_score), "c": plain_number(computed)}
        )


def _problem(row: DocumentRow, messages) -> str:
    return _("%(w)s：指标“%(n)s”实际完成值“%(a)s”未导入：%(e)s") % {
        "w": row.location,
        "n": row.indicator.name,
        "a": row.actual or "",
        "e": "；".join(messages),
    }


def _budget_note(outcome: SheetOutcome, budget: DocumentBudget, score: Decimal | None) -> None:
    if budget.printed_score is not None and score is not None and budget.printed_score != score:
        outcome.notes.append(
            _("%(w)s：文件所列预算执行得分 %(p)s 分，按评分规则计算为 %(c)s 分；以计算得分为准，文件得分已记录。")
            % {"w": budget.location, "p": plain_number(budget.printed_score), "c": plain_number(score)}
        )


def _locked_reason(evaluation: Evaluation) -> str | None:
    if evaluation.status in {ReviewStatus.SUBMITTED, ReviewStatus.APPROVED}:
        return _("该绩效自评%(s)s，未作修改：%(r)s") % {
            "s": evaluation.get_status_display(),
            "r": editing_refusal(evaluation, window=False),
        }
    return None


def document_results_check(
    *, label: str, location: str, sheet: TargetSheet | None, year: int, rows: list[DocumentRow], budget
) -> SheetOutcome:
    """The preview: what `document_results_record` would write, refuse and note. Writes nothing."""
    outcome = SheetOutcome(label=label, location=location)
    period = self_evaluation_period(year)
    evaluation = None
    if sheet is not None and sheet.pk and period is not None:
        evaluation = Evaluation.objects.filter(sheet=sheet, period=period).select_related("profile").first()
    if evaluation is None:
        outcome.action = "create"
    elif reason := _locked_reason(evaluation):
        outcome.action, outcome.reason = "skip", reason
        return outcome
    try:
        profile = evaluation.profile if evaluation else current_profile()
    except ValidationError as exc:
        outcome.action, outcome.reason = "skip", "；".join(exc.messages)
        return outcome
    rules = profile.as_rules()
    stored = {}
    if evaluation is not None:
        stored = {r.indicator_id: r for r in evaluation.results.all()}
    weights = sheet_weights([row.indicator for row in rows], rules)
    for row, weight in zip(rows, weights, strict=True):
        if not row.has_data:
            outcome.empty += row.actual == ""
            continue
        row.printed_score = _printed_score(row.printed_score, row.location, outcome)
        before = stored.get(row.indicator.pk) if row.indicator.pk else None
        actual = row.actual or (before.actual_text if before else "")
        reason = row.reason or (before.deviation_reason if before else "")
        if before is not None and (before.actual_text, before.deviation_reason) == (actual, reason):
            outcome.unchanged += 1
            _score_notes(outcome, row, before)
            continue
        weight = before.weight if before is not None else weight
        result = IndicatorResult(indicator=row.indicator, weight=weight, actual_text=actual, deviation_reason=reason)
        if before is not None:
            result.assessment_level, result.assessment_points = before.assessment_level, before.assessment_points
        try:
            _parse_actual(result)
            score_result(result, rules)
        except ValidationError as exc:
            outcome.problems.append(_problem(row, exc.messages))
            continue
        outcome.written += 1
        _score_notes(outcome, row, result)
    if budget is not None and budget.has_data:
        budget.printed_score = _printed_score(budget.printed_score, budget.location, outcome)
        outcome.budget = "written"
        score = budget_score(budget=budget.full_year, executed=budget.executed or Decimal(0), profile=rules).score
        _budget_note(outcome, budget, score if budget.full_year else None)
    return outcome


@transaction.atomic
def document_results_record(
    *,
    label: str,
    location: str,
    sheet: TargetSheet,
    period: ReportingPeriod,
    rows: list[DocumentRow],
    budget,
    source_document,
    actor,
) -> SheetOutcome:
    """Record a sheet's results from a document into its evaluation for `period` (prepared when it
    has none). A row that cannot be recorded is reported with its location; the others are kept."""
    outcome = SheetOutcome(label=label, location=location)
    if not user_can_see_department(actor, sheet.department):
        outcome.action, outcome.reason = "skip", _("您无权填报该部门的绩效自评。")
        return outcome
    # Two imports of the same sheet queue up here rather than both preparing its evaluation.
    list(TargetSheet.objects.select_for_update().filter(pk=sheet.pk).order_by().values_list("pk", flat=True))
    evaluation = Evaluation.objects.filter(sheet=sheet, period=period).first()
    if evaluation is not None and (reason := _locked_reason(evaluation)):
        outcome.action, outcome.reason = "skip", reason
        return outcome
    try:
        if evaluation is None:
            evaluation = evaluation_start(sheet=sheet, period=period, actor=actor)
            outcome.action = "create"
        else:
            evaluation = evaluation_sync_indicators(evaluation=evaluation, actor=actor)
    except (ValidationError, PermissionDenied) as exc:
        outcome.action, outcome.reason = "skip", "；".join(_messages(exc))
        return outcome
    outcome.evaluation = evaluation.pk
    results = {r.indicator_id: r for r in evaluation.results.select_related("indicator")}
    for row in rows:
        if not row.has_data:
            outcome.empty += row.actual == ""
            continue
        row.printed_score = _printed_score(row.printed_score, row.location, outcome)
        result = results[row.indicator.pk]
        revision = result.revision
        try:
            result = indicator_result_record(
                result=result,
                actor=actor,
                actual_text=row.actual or result.actual_text,
                assessment_level=result.assessment_level,
                assessment_points=result.assessment_points,
                not_applicable=result.not_applicable,
                deviation_reason=row.reason or result.deviation_reason,
                improvement=result.improvement,
                source_document=source_document,
                source_location=row.location,
                entry_window=False,
            )
        except (ValidationError, PermissionDenied) as exc:
            outcome.problems.append(_problem(row, _messages(exc)))
            continue
        if result.printed_score != row.printed_score:
            result.printed_score = row.printed_score
            stamp(result, actor=actor, reason=_("导入自评表得分"))
            result.save(update_fields=["printed_score"])
        if result.revision != revision:
            outcome.written += 1
        else:
            outcome.unchanged += 1
        _score_notes(outcome, row, result)
    if budget is not None and budget.has_data:
        budget.printed_score = _printed_score(budget.printed_score, budget.location, outcome)
        outcome.budget = _budget_record(evaluation, budget, source_document, actor, outcome)
    audit_record(
        actor=actor,
        action="evaluation.import",
        subject=evaluation,
        changes={
            "source_document": source_document.pk,
            "written": outcome.written,
            "unchanged": outcome.unchanged,
            "budget": outcome.budget,
            "problems": outcome.problems,
            "notes": outcome.notes,
        },
    )
    return outcome


def _budget_record(evaluation: Evaluation, budget: DocumentBudget, source_document, actor, outcome) -> str:
    evaluation = _locked_evaluation(evaluation.pk)
    refusal = editing_refusal(evaluation, window=False)
    if refusal:
        outcome.problems.append(_("%(w)s：预算执行情况未导入：%(r)s") % {"w": budget.location, "r": refusal})
        return refusal
    try:
        values = {
            "budget_initial": money_from_input(budget.initial, _("年初预算数")),
            "budget_full_year": money_from_input(
                budget.full_year if budget.full_year is not None else budget.initial, _("全年预算数")
            ),
            "budget_executed": money_from_input(budget.executed, _("全年执行数")) or Decimal("0.0000"),
        }
    except ValidationError as exc:
        refusal = "；".join(exc.messages)
        outcome.problems.append(_("%(w)s：预算执行情况未导入：%(r)s") % {"w": budget.location, "r": refusal})
        return refusal
    values.update(
        budget_printed_score=budget.printed_score,
        budget_source_document=source_document,
        budget_source_location=budget.location[:200],
    )
    changes = {f: [str(getattr(evaluation, f)), str(v)] for f, v in values.items() if getattr(evaluation, f) != v}
    if changes:
        for name, value in values.items():
            setattr(evaluation, name, value)
        bump(evaluation)
        stamp(evaluation, actor=actor, reason=_("导入自评表预算执行情况"))
        evaluation.save(update_fields=[*values, "revision"])
        evaluation_recompute(evaluation)
        changes["budget_source_document"] = [None, source_document.pk]
        audit_record(actor=actor, action="evaluation.budget_import", subject=evaluation, changes=changes)
    _budget_note(outcome, budget, evaluation.budget_score if evaluation.budget_full_year else None)
    return "written" if changes else "unchanged"


def _messages(exc) -> list[str]:
    return exc.messages if isinstance(exc, ValidationError) else [str(exc)]


def _printed_score(value: Decimal | None, location: str, outcome: SheetOutcome) -> Decimal | None:
    """A printed 得分 as stored (two places), or None with a problem when it is no score at all."""
    if value is None:
        return None
    if value.is_finite() and Decimal(0) <= value <= MAX_SCORE:
        return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    outcome.problems.append(
        _("%(w)s：文件所列得分“%(v)s”不是有效的分数，未记录。") % {"w": location, "v": plain_number(value)}
    )
    return None
