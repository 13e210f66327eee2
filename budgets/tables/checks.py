"""Consistency of budget tables: parents against children, totals against top-level lines, and the
same grand total in the summary, income and expense tables. Each finding names table and row."""

from dataclasses import dataclass
from decimal import Decimal

from budgets.readers import Location

from .extract import ExtractedTable
from .kinds import TableKind

TOLERANCE = Decimal("0.005")


@dataclass(frozen=True)
class TableWarning:
    message: str
    location: Location | None


def _differs(a: Decimal, b: Decimal) -> bool:
    return abs(a - b) > TOLERANCE


def _coded(table: ExtractedTable):
    return [line for line in table.lines if line.code and not line.is_total and line.amount is not None]


def check_table(table: ExtractedTable) -> list[TableWarning]:
    warnings: list[TableWarning] = []
    coded = _coded(table)
    if not coded:
        return warnings
    by_kind: dict[str, list] = {}
    for line in coded:
        by_kind.setdefault(line.code_kind, []).append(line)
    for lines in by_kind.values():
        codes = {line.code for line in lines}
        for index, parent in enumerate(lines):
            children = []
            for child in lines[index + 1 :]:
                if not child.code.startswith(parent.code):
                    break
                if len(child.code) == len(parent.code) + 2:
                    children.append(child)
            if children and _differs(parent.amount, sum(c.amount for c in children)):
                warnings.append(
                    TableWarning(
                        f"“{table.title}”科目 {parent.code} {parent.name} 为 {parent.amount} 万元，其下级科目合计"
                        f" {sum(c.amount for c in children)} 万元",
                        parent.location,
                    )
                )
        if len(by_kind) == 1:
            warnings.extend(_total_against_top_level(table, lines, codes))
    return warnings


def _total_against_top_level(table: ExtractedTable, lines, codes) -> list[TableWarning]:
    """The 合计 row against the sum of the top-level coded lines: column by column when the rows line
    up, else by the position of the amounts, else only each row's first amount (its own total)."""
    shortest = min(len(code) for code in codes)
    top = [line for line in lines if len(line.code) == shortest]
    total_row = next((line for line in table.lines if line.is_total and line.by_column), None)
    if total_row is None:
        return []
    rows = [*top, total_row]
    if len({line.width for line in rows}) == 1:
        keyed = [dict(line.by_column) for line in rows]
        aligned = bool(table.header) and all(len(cells) == total_row.width for cells in table.header)
        headings = {
            c: (table.columns[c].split("/")[-1] if aligned and c < len(table.columns) else "")
            for c in total_row.by_column
        }
    elif len({len(line.amounts) for line in rows}) == 1:
        keyed = [dict(enumerate(line.amounts)) for line in rows]
        headings = {}
    else:
        keyed = [{0: line.amounts[0]} if line.amounts else {} for line in rows]
        headings = {}
    *top_values, total_values = keyed
    found = []
    for key, total in sorted(total_values.items()):
        if "%" in headings.get(key, ""):
            continue
        summed = sum(values.get(key, Decimal(0)) for values in top_values)
        if _differs(total, summed):
            heading = headings.get(key) or f"第{_position(total_values, key)}个金额"
            found.append(
                TableWarning(
                    f"“{table.title}”合计行“{heading}”为 {total} 万元，各{shortest}位科目之和为 {summed} 万元",
                    total_row.location,
                )
            )
    return found


def check_tables(tables: list[ExtractedTable]) -> list[TableWarning]:
    warnings = [warning for table in tables for warning in check_table(table)]
    grand = [
        (table.title, table.total, table.location)
        for table in tables
        if table.kind in {TableKind.INCOME_EXPENSE_SUMMARY, TableKind.INCOME, TableKind.EXPENSE}
        and table.total is not None
    ]
    if grand and any(_differs(total, grand[0][1]) for _, total, _ in grand):
        listing = "、".join(f"“{title}”{total} 万元" for title, total, _ in grand)
        warnings.append(TableWarning(f"收支总表、收入总表和支出总表的总计不一致：{listing}", grand[0][2]))
    return warnings


def _position(values: dict, key) -> int:
    return sorted(values).index(key) + 1
