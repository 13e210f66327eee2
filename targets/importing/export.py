"""The dry-run JSON export: the shape of the gold extractions (fixtures/gold/README.md) plus the
full goal texts, canonical codes, parsed targets and provenance."""

from decimal import Decimal

from ..levels import level1_code, level2_code
from ..scoring.values import parse_target
from .model import ExtractedBudget, ExtractedIndicator, ExtractedSheet, Extraction
from .text_utils import compact


def _money(value: Decimal | None) -> float | None:
    # JSON has no decimal type; the export is for reading and comparison, storage stays Decimal.
    return None if value is None else float(value)


def _decimal_text(value: Decimal | None) -> str | None:
    """A weight or score as people write it: "10", "9.5" (never "10.00")."""
    if value is None:
        return None
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _location(location) -> str | None:
    return location.describe() if location else None


def _indicator(indicator: ExtractedIndicator, *, with_period: bool) -> dict:
    target = parse_target(indicator.target_text, unit=indicator.unit)
    data = {}
    if with_period:
        data["period"] = indicator.period
    code1 = level1_code(indicator.level1)
    data.update(
        {
            "level1": indicator.level1,
            "level2": indicator.level2,
            "level3": indicator.level3,
            "value": indicator.value,
        }
    )
    if not with_period:
        data["unit"] = indicator.unit
    data.update(
        {
            "level1_code": code1,
            "level2_code": level2_code(indicator.level2, code1),
            "comparator": str(target.comparator),
            "number": None if target.number is None else str(target.number),
            "parsed_unit": target.unit,
            "nature": str(target.nature),
            "target_text": indicator.target_text,
            "weight": _decimal_text(indicator.weight),
            "value_operator": indicator.comparator_text,
            "value_unit": indicator.unit,
            "actual": indicator.actual,
            "score": _decimal_text(indicator.score),
            "deviation_reason": indicator.deviation_reason,
            "explanation": indicator.explanation,
            "parent": indicator.parent,
            "uncertain": list(indicator.uncertain),
            "location": _location(indicator.location),
        }
    )
    return data


def _budget(budget: ExtractedBudget | None) -> dict:
    """The budget block of a self-evaluation, in the devset gold's keys plus every row."""
    if budget is None:
        return {}
    total = budget.line("total") or (budget.lines[0] if budget.lines else None)
    data = {}
    if total is not None:
        data = {
            "annual_initial": _money(total.initial),
            "annual_full_year": _money(total.full_year),
            "annual_adjusted": _money(total.adjusted),
            "annual_executed": _money(total.executed),
            "execution_rate": total.rate,
            "budget_weight": _decimal_text(total.weight),
            "budget_score": _decimal_text(total.score),
        }
    data["budget_block"] = {
        "location": _location(budget.location),
        "uncertain": list(budget.uncertain),
        "lines": [
            {
                "label": line.label,
                "part": line.part,
                "initial": _money(line.initial),
                "full_year": _money(line.full_year),
                "adjusted": _money(line.adjusted),
                "executed": _money(line.executed),
                "rate": line.rate,
                "weight": _decimal_text(line.weight),
                "score": _decimal_text(line.score),
                "reason": line.reason,
                "location": _location(line.location),
            }
            for line in budget.lines
        ],
    }
    return data


def _startswith(text: str | None) -> str | None:
    return compact(text)[:15] if text else None


def _project(sheet: ExtractedSheet) -> dict:
    data = {
        "name": sheet.name,
        "implementing_unit": sheet.fields.get("implementing_unit") or sheet.fields.get("budget_unit"),
        "competent_department": sheet.fields.get("competent_department"),
        "start": sheet.start.isoformat() if sheet.start else None,
        "end": sheet.end.isoformat() if sheet.end else None,
    }
    uncertain = list(sheet.uncertain)
    for period in ("mid_term", "annual"):
        funding = sheet.fundings.get(period)
        for part in ("total", "fiscal", "carryover", "other"):
            data[f"{period}_{part}"] = _money(getattr(funding, part)) if funding else None
        if funding is not None:
            uncertain.extend(note for note in funding.uncertain if note not in uncertain)
    mid_goal, annual_goal = sheet.goals.get("mid_term"), sheet.goals.get("annual") or sheet.goals.get("overall")
    data.update(
        {
            "mid_term_goal_startswith": _startswith(mid_goal),
            "annual_goal_startswith": _startswith(annual_goal),
            "mid_term_goal": mid_goal,
            "annual_goal": annual_goal,
            "overall_goal": sheet.goals.get("overall"),
            "title": sheet.title,
            "year": sheet.year,
            "mid_term_years": list(sheet.mid_term_years) if sheet.mid_term_years else None,
            "facts": dict(sheet.fields),
            "kind": sheet.kind,
            "uncertain": uncertain,
            "location": _location(sheet.location),
            "indicators": [_indicator(i, with_period=True) for i in sheet.indicators],
        }
    )
    data.update(_budget(sheet.budget))
    return data


def _budget_table(table) -> dict:
    return {
        "title": table.title,
        "kind": str(table.kind),
        "total": _money(table.total),
        "empty": table.empty,
        "rows_with_code": table.rows_with_code,
        "unit": table.unit,
        "location": _location(table.location),
        "lines": [
            {
                "code": line.code,
                "name": line.name,
                "amount": _money(line.amount),
                "total": line.is_total,
                "location": _location(line.location),
            }
            for line in table.lines
        ],
    }


def extraction_to_json(extraction: Extraction, *, seed: str) -> dict:
    return {
        "seed": seed,
        "department": extraction.department,
        "year": extraction.year,
        "money_unit": extraction.money_unit if extraction.money_unit_printed else None,
        "budget_tables": [_budget_table(table) for table in extraction.budget_tables],
        "performance": {
            "department_targets": [
                {
                    "title": sheet.title,
                    "goal": sheet.goals.get("annual") or sheet.goals.get("overall"),
                    "location": _location(sheet.location),
                    "indicators": [_indicator(i, with_period=False) for i in sheet.indicators],
                }
                for sheet in extraction.department_sheets
            ],
            "projects": [_project(sheet) for sheet in extraction.projects],
        },
        "report": {
            "skipped": [issue.describe(extraction.document_name) for issue in extraction.skipped],
            "warnings": [issue.describe(extraction.document_name) for issue in extraction.warnings],
            "errors": [issue.describe(extraction.document_name) for issue in extraction.errors],
        },
    }
