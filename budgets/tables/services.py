"""Storing a disclosure's budget tables: the department-year's tables are replaced as a whole."""

from django.db import transaction

from budgets.audit import audit_record
from budgets.bulk import copy_insert
from budgets.models import BudgetLine, BudgetTable, Department, SourceDocument
from budgets.money import quantize_wan

from .extract import ExtractedTable


def _money(value):
    return None if value is None else quantize_wan(value)


@transaction.atomic
def budget_tables_replace(
    *, department: Department, year: int, source_document: SourceDocument, tables: list[ExtractedTable], actor
) -> dict:
    previous = BudgetTable.objects.filter(department=department, year=year)
    replaced = previous.count()
    BudgetLine.objects.filter(table__in=previous).delete()
    previous.delete()
    rows = [
        BudgetTable(
            department=department,
            year=year,
            source_document=source_document,
            order=order,
            title=table.title[:200],
            kind=table.kind,
            unit=table.unit,
            columns=table.columns,
            total=_money(table.total),
            empty=table.empty,
            notes="\n".join(table.notes),
            source_location=table.location.describe(),
        )
        for order, table in enumerate(tables, start=1)
    ]
    for row in rows:
        row.full_clean(exclude=["department", "source_document"], validate_unique=False, validate_constraints=False)
    BudgetTable.objects.bulk_create(rows)
    lines = [
        {
            "table_id": stored.pk,
            "order": order,
            "code": line.code,
            "code_kind": line.code_kind,
            "name": line.name[:300],
            "amount": _money(line.amount),
            "amounts": [str(_money(value)) for value in line.amounts],
            "texts": line.texts,
            "is_total": line.is_total,
            "source_location": line.location.describe(),
        }
        for stored, table in zip(rows, tables, strict=True)
        for order, line in enumerate(table.lines, start=1)
    ]
    copy_insert(BudgetLine, lines)
    counts = {"tables": len(rows), "lines": len(lines), "replaced_tables": replaced}
    audit_record(actor=actor, action="budget_tables.replace", subject=source_document, changes=counts)
    return counts
