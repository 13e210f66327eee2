"""The self-evaluation part of an import: a 自评表's actuals, reasons, printed scores and budget block
go into that year's self-evaluation once its sheets and indicators are stored.

`results_preview` (no writes, for the preview) and `results_apply` (inside `disclosure_apply`'s
transaction) return the same report section; a document without self-evaluation data costs no query.
"""

from collections import defaultdict

from django.utils.translation import gettext as _

from budgets.selectors import user_can_see_department

from ..assessment.from_document import (
    DocumentBudget,
    DocumentRow,
    clean_reason,
    document_results_check,
    document_results_record,
    self_evaluation_period,
)
from ..models import Indicator, ReportingPeriod
from ..periods.services import reporting_period_create
from .model import ExtractedBudget, ExtractedSheet
from .plan import ImportPlan, SheetPlan, name_key


def _has_results(sheet: ExtractedSheet) -> bool:
    if sheet.budget is not None and any(
        line.budget is not None or line.executed is not None for line in sheet.budget.lines
    ):
        return True
    return any(i.actual or i.score is not None for i in sheet.indicators if i.period == "annual")


def result_sheets(plan: ImportPlan) -> list[SheetPlan]:
    """The annual sheets of the plan whose document part carries self-evaluation data."""
    sheets = [s for p in plan.projects for s in p.sheets] + list(plan.department_sheets)
    return [s for s in sheets if s.period == "annual" and _has_results(s.extracted)]


def _label(sheet_plan: SheetPlan) -> str:
    extracted = sheet_plan.extracted
    return extracted.name or extracted.title or _("部门整体绩效目标表")


def _budget(budget: ExtractedBudget | None) -> DocumentBudget | None:
    if budget is None:
        return None
    line = budget.line("total") or next((line for line in budget.lines if line.budget is not None), None)
    if line is None:
        return None
    full_year = line.adjusted if line.adjusted is not None else line.full_year
    return DocumentBudget(
        location=line.location.describe(),
        initial=line.initial,
        full_year=full_year,
        executed=line.executed,
        printed_score=line.score,
    )


def _rows(sheet_plan: SheetPlan, indicators: list[Indicator]) -> tuple[list[DocumentRow], list[str]]:
    """Each extracted annual indicator with the stored indicator of the same name (in order when a
    name repeats); names the sheet does not hold are returned as problems."""
    by_name = defaultdict(list)
    for indicator in indicators:
        by_name[name_key(indicator.name)].append(indicator)
    rows, missing = [], []
    for extracted in (i for i in sheet_plan.extracted.indicators if i.period == "annual"):
        matches = by_name.get(name_key(extracted.level3))
        location = extracted.location.describe()
        if not matches:
            if extracted.actual:
                missing.append(
                    _("%(w)s：指标“%(n)s”不在已锁定的目标表中，实际完成值“%(a)s”未导入。")
                    % {"w": location, "n": extracted.level3, "a": extracted.actual}
                )
            continue
        rows.append(
            DocumentRow(
                indicator=matches.pop(0),
                actual=None if extracted.actual is None else extracted.actual.strip(),
                location=location,
                printed_weight=extracted.weight,
                printed_score=extracted.score,
                reason=clean_reason(extracted.deviation_reason),
            )
        )
    return rows, missing


def _planned_indicators(sheet_plan: SheetPlan) -> list[Indicator]:
    """The indicators the sheet will hold once the plan is applied: stored ones as matched by the
    plan, the others unsaved (a conflicting sheet keeps what is stored)."""
    if sheet_plan.conflict and sheet_plan.stored is not None:
        return list(sheet_plan.stored.indicators.all())
    fields = {f.name for f in Indicator._meta.concrete_fields}
    return [
        row.get("_stored") or Indicator(**{k: v for k, v in row.items() if k in fields})
        for row in sheet_plan.indicators
    ]


def _section(year: int, period, period_created: bool, outcomes) -> dict:
    sheets = [outcome.as_dict() for outcome in outcomes]
    return {
        "year": year,
        "period": str(period) if period else _("%(y)s年绩效自评") % {"y": year},
        "period_created": period_created,
        "results": sum(o.written for o in outcomes),
        "unchanged": sum(o.unchanged for o in outcomes),
        "empty": sum(o.empty for o in outcomes),
        "evaluations_created": sum(o.action == "create" for o in outcomes),
        "sheets": sheets,
        "skipped": [f"{o.label}：{o.reason}" for o in outcomes if o.action == "skip"],
        "problems": [p for o in outcomes for p in o.problems],
        "notes": [n for o in outcomes for n in o.notes],
    }


def results_preview(plan: ImportPlan) -> dict | None:
    sheets = result_sheets(plan)
    if not sheets:
        return None
    outcomes = []
    for sheet_plan in sheets:
        rows, missing = _rows(sheet_plan, _planned_indicators(sheet_plan))
        outcome = document_results_check(
            label=_label(sheet_plan),
            location=sheet_plan.extracted.location.describe(),
            sheet=sheet_plan.stored,
            year=plan.year,
            rows=rows,
            budget=_budget(sheet_plan.extracted.budget),
        )
        outcome.problems[:0] = missing
        outcomes.append(outcome)
    period = self_evaluation_period(plan.year)
    return _section(plan.year, period, period is None, outcomes)


def results_apply(plan: ImportPlan, *, source_document, actor) -> dict | None:
    """After `apply_plan`: every sheet plan holds its stored sheet."""
    sheets = [s for s in result_sheets(plan) if s.stored is not None]
    if not sheets:
        return None
    period = self_evaluation_period(plan.year)
    created = period is None and user_can_see_department(actor, plan.department)
    if created:
        period = reporting_period_create(year=plan.year, kind=ReportingPeriod.Kind.SELF_EVALUATION, actor=actor)
    stored = defaultdict(list)
    for indicator in Indicator.objects.filter(sheet__in=[s.stored for s in sheets]).order_by("sheet_id", "order"):
        stored[indicator.sheet_id].append(indicator)
    outcomes = []
    for sheet_plan in sheets:
        sheet = sheet_plan.stored
        rows, missing = _rows(sheet_plan, stored[sheet.pk])
        for row in rows:
            row.indicator.sheet = sheet
        outcome = document_results_record(
            label=_label(sheet_plan),
            location=sheet_plan.extracted.location.describe(),
            sheet=sheet,
            period=period,
            rows=rows,
            budget=_budget(sheet_plan.extracted.budget),
            source_document=source_document,
            actor=actor,
        )
        outcome.problems[:0] = missing
        outcomes.append(outcome)
    return _section(plan.year, period, created, outcomes)
