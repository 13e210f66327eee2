"""Standard budget tables (收支总表, 收入总表 … 政府采购预算表) from the neutral document structure.

A table is the rows that follow its printed title (a heading, paragraph or single-cell row), with
its unit line and notes. A title printed again with the same header continues the table on a new
page. The budget year's amounts are found from the stacked header cells (a "2021 年预算数" group
over "小计"), so tables printing last year's figures or changes beside them keep those too.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from budgets.money import parse_amount, yuan_to_wan
from budgets.readers import Document, Location, Row
from budgets.readers.cleaning import compact

from .codes import code_kind, row_code, strip_code
from .kinds import is_table_title, table_kind

_UNIT = re.compile(r"单位[:：]\s*(万元|元)")
_NOTE = re.compile(r"^(?:注|备注|说明)\s*[:：]?")
_EMPTY_NOTE = re.compile(
    r"无数据|空表|没有.{0,30}(?:支出|预算|收入|计划|数据|项目)|无.{0,20}(?:预算支出|预算收入|支出预算|收入预算)|不涉及"
)
_GRAND_TOTAL = re.compile(r"^(?:收入|支出|收支)?总计$")
_TOTAL = re.compile(r"^(?:合计|总计|本年合计|支出合计|收入合计)$")
_SUM_LABEL = re.compile(r"(?:总额|合计)$")
_SECTION_BREAK = re.compile(r"^(?:第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)")
_NUMBERING = re.compile(r"^\d{1,2}$")
_CODE_HEADER = re.compile(r"^(?:类|款|项|科目编码|编码|代码|单位编码|功能科目编码)$")
_NO_AMOUNT = {"", "-", "—", "－", "/", "无", "——"}


def _amount(text: str) -> Decimal | None:
    """A printed amount, or None for text that is not one (labels, codes with letters, blanks)."""
    key = compact(text).rstrip("%")
    if key in _NO_AMOUNT or not re.match(r"^-?[\d,，]+(?:\.\d+)?$", key):
        return None
    try:
        return parse_amount(key)
    except ValueError:
        return None


@dataclass
class ExtractedLine:
    code: str
    name: str
    amounts: list[Decimal | None]
    amount: Decimal | None
    location: Location
    is_total: bool = False
    texts: list[str] = field(default_factory=list)
    by_column: dict[int, Decimal] = field(default_factory=dict)
    width: int = 0

    @property
    def code_kind(self) -> str:
        return code_kind(self.code)


@dataclass
class ExtractedTable:
    title: str
    kind: str
    unit: str
    location: Location
    header: list[list[str]] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    lines: list[ExtractedLine] = field(default_factory=list)
    total: Decimal | None = None
    empty: bool = False
    notes: list[str] = field(default_factory=list)
    year_column: int | None = None

    @property
    def rows_with_code(self) -> int:
        return sum(1 for line in self.lines if line.code and not line.is_total)


@dataclass
class _Section:
    title: str
    location: Location
    unit: str | None = None
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _sections(document: Document) -> list[_Section]:
    sections: list[_Section] = []
    current: _Section | None = None

    def text_line(text: str, location: Location) -> None:
        nonlocal current
        key = compact(text)
        if is_table_title(text):
            current = _Section(title=re.sub(r"^#+\s*", "", text.strip()), location=location)
            sections.append(current)
            return
        if current is None:
            return
        if match := _UNIT.search(key):
            current.unit = match.group(1)
            return
        if _NOTE.match(key):
            current.notes.append(text.strip())
            return
        if re.fullmatch(r"表\s*\S{1,3}[:：]?|(?:编制)?(?:部门|单位)(?:（单位）)?(?:名称)?[:：].*", key):
            return
        if _SECTION_BREAK.match(key) or len(key) > 40 or current.rows:
            current = None

    for block in document.blocks:
        if block.kind != "table":
            text_line(block.text, block.location)
            continue
        for row in block.rows:
            filled = [cell for cell in row.cells if cell.strip()]
            if not filled:
                continue
            if len(filled) == 1 and (is_table_title(filled[0]) or current is None or not current.rows):
                text_line(filled[0], row.location)
                continue
            joined = compact("".join(filled))
            if current is not None and _NOTE.match(compact(filled[0])):
                current.notes.append(" ".join(filled))
                continue
            if (
                current is not None
                and (match := _UNIT.search(joined))
                and len(filled) <= 3
                and not any(_amount(cell) is not None for cell in filled)
            ):
                current.unit = match.group(1)
                continue
            if current is not None:
                current.rows.append(row)
    return sections


def _header_signature(rows: list[Row]) -> str:
    for row in rows:
        if not any(_amount(cell) is not None for cell in row.cells):
            return compact("".join(row.cells))
    return ""


def _merge_continuations(sections: list[_Section]) -> list[_Section]:
    merged: list[_Section] = []
    for section in sections:
        previous = merged[-1] if merged else None
        if (
            previous is not None
            and compact(previous.title) == compact(section.title)
            and _header_signature(previous.rows) == _header_signature(section.rows)
            and previous.rows
        ):
            signature = _header_signature(section.rows)
            rows = [row for row in section.rows if not _is_header_row(row) or compact("".join(row.cells)) != signature]
            rows = [row for row in rows if not _is_numbering(row)]
            previous.rows.extend(rows)
            previous.notes.extend(section.notes)
            continue
        merged.append(section)
    return merged


def _is_numbering(row: Row) -> bool:
    filled = [compact(cell) for cell in row.cells if cell.strip()]
    return len(filled) >= 3 and all(_NUMBERING.match(cell) for cell in filled) and filled[:2] == ["1", "2"]


def _is_header_row(row: Row) -> bool:
    return not any(_amount(cell) is not None for cell in row.cells)


def _is_total_row(row: Row) -> bool:
    """A 合计/总计 row: its label and, besides, only amounts or blanks (a header row starting with
    合计 has other labels beside it)."""
    label = _label(row)
    if not (_TOTAL.match(label) or _GRAND_TOTAL.match(label)):
        return False
    others = [compact(cell) for cell in row.cells if compact(cell) and compact(cell) != label]
    two_sided = [cell for cell in others if _GRAND_TOTAL.match(cell) or _TOTAL.match(cell)]
    return all(_amount(cell) is not None or cell in _NO_AMOUNT or cell in two_sided for cell in others)


def _label(row: Row) -> str:
    for cell in row.cells:
        key = compact(cell)
        if key and _amount(cell) is None:
            return key
    return ""


def _stacked_headers(header: list[Row], width: int) -> list[str]:
    stacked = [""] * width
    for depth, row in enumerate(header):
        last = depth == len(header) - 1
        carried = ""
        for column in range(width):
            cell = compact(row.cells[column]) if column < len(row.cells) else ""
            if cell:
                carried = cell
            elif not last and carried:
                cell = carried
            if cell:
                stacked[column] = f"{stacked[column]}/{cell}" if stacked[column] else cell
    return stacked


def _year_column(stacked: list[str], amount_columns: list[int], year: int | None) -> int | None:
    """The column holding the budget year's amounts: the first one headed with the year (and not a
    comparison such as "2021 年预算数比 2020 年执行数"), else the first total-like one."""
    if not amount_columns:
        return None
    excluded = re.compile(r"执行|增减|比上年|比\d{4}|上年|变动|%")
    headers = {column: stacked[column] if column < len(stacked) else "" for column in amount_columns}
    totals = re.compile(r"合计|总计|小计")

    def first(condition):
        return next((c for c in amount_columns if condition(headers[c]) and not excluded.search(headers[c])), None)

    found = None
    if year:
        # A year group header may be printed a column off; its 合计/小计 column is the reliable one.
        found = first(lambda h: str(year) in h and totals.search(h)) or first(lambda h: str(year) in h)
    found = found if found is not None else first(lambda h: re.search(r"合计|总计|小计|预算数|金额|本年", h))
    return found if found is not None else amount_columns[0]


def _analyse(section: _Section, *, year: int | None, default_unit: str) -> ExtractedTable:
    unit = section.unit or default_unit
    table = ExtractedTable(
        title=section.title, kind=table_kind(section.title), unit=unit, location=section.location, notes=section.notes
    )
    rows = [row for row in section.rows if not _is_numbering(row)]
    first_data = next(
        (i for i, row in enumerate(rows) if not _is_header_row(row) or _is_total_row(row)),
        len(rows),
    )
    header, data = rows[:first_data], rows[first_data:]
    table.header = [row.cells for row in header]
    width = max((len(row.cells) for row in rows), default=0)
    stacked = _stacked_headers(header, width)
    table.columns = stacked
    amount_columns = sorted({i for row in data for i, cell in enumerate(row.cells) if _amount(cell) is not None})
    code_columns = set()
    for row in data:
        code, after = row_code(row.cells)
        if code:
            code_columns.update(range(after))
    code_columns |= {c for c, text in enumerate(stacked) if _CODE_HEADER.search(text.split("/")[-1])}
    amount_columns = [c for c in amount_columns if c not in code_columns] or amount_columns
    table.year_column = _year_column(stacked, amount_columns, year)

    def convert(value: Decimal | None) -> Decimal | None:
        if value is None:
            return None
        return yuan_to_wan(value) if unit == "元" else value

    total_candidates: list[tuple[int, Decimal | None]] = []
    for row in data:
        label = _label(row)
        code, after = row_code(row.cells)
        amounts = [
            None if i in code_columns or (code and i < after) else convert(_amount(cell))
            for i, cell in enumerate(row.cells)
        ]
        is_total = _is_total_row(row)
        grand = is_total and bool(_GRAND_TOTAL.match(label))
        value = None
        if is_total:
            label_index = next(i for i, cell in enumerate(row.cells) if compact(cell) == label)
            value = next((amounts[i] for i in range(label_index + 1, len(amounts)) if amounts[i] is not None), None)
            if table.year_column is not None and len(row.cells) == width and table.year_column > label_index:
                value = amounts[table.year_column] if table.year_column < len(amounts) else value
            total_candidates.append((0 if grand else 1, value))
        year_amount = (
            amounts[table.year_column] if table.year_column is not None and table.year_column < len(amounts) else None
        )
        texts = [
            cell.strip() for i, cell in enumerate(row.cells) if i >= after and compact(cell) and amounts[i] is None
        ]
        name = strip_code(texts[0]) if texts and not is_total else ""
        # A row's own amounts follow its code or label (a two-sided summary row also prints the other side).
        start = after if code else next((i for i, cell in enumerate(row.cells) if compact(cell) == label), 0)
        own = [a for i, a in enumerate(amounts) if a is not None and i >= start]
        table.lines.append(
            ExtractedLine(
                code=code,
                name=name,
                amounts=own,
                amount=value if is_total else year_amount,
                location=row.location,
                is_total=is_total,
                texts=texts,
                by_column={i: a for i, a in enumerate(amounts) if a is not None},
                width=len(row.cells),
            )
        )
    if total_candidates:
        table.total = sorted(total_candidates, key=lambda item: item[0])[0][1]
    else:
        summed = [line for line in table.lines if _SUM_LABEL.search(compact(line.name)) and line.amount is not None]
        leading = table.lines[0] if table.lines else None
        if summed:
            summed[0].is_total = True
            table.total = summed[0].amount
        elif leading is not None and not leading.code and not leading.name and leading.amount is not None:
            leading.is_total = True  # a total row printed without its label (above the coded rows)
            table.total = leading.amount
    notes = " ".join(section.notes)
    real_lines = [line for line in table.lines if not line.is_total and any(line.amounts)]
    only_zero_totals = all(
        not line.amounts or all(a == 0 for a in line.amounts) for line in table.lines if line.is_total
    )
    table.empty = bool(_EMPTY_NOTE.search(compact(notes))) or (
        not real_lines and only_zero_totals and not any(line.amounts for line in table.lines if not line.is_total)
    )
    if table.empty and table.total is not None and table.total != 0:
        table.empty = False
    return table


def extract_budget_tables(document: Document, *, year: int | None, default_unit: str = "万元") -> list[ExtractedTable]:
    sections = _merge_continuations([s for s in _sections(document) if s.rows or s.notes])
    return [_analyse(section, year=year, default_unit=default_unit) for section in sections]
