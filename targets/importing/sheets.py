"""Target sheets (绩效目标表) in the document stream: title, project facts, funds, goals, indicators.

A sheet starts at a title such as "…项目绩效目标表" / "项目支出绩效目标申报表" / "…整体绩效目标申报表",
or at a 项目名称 row when the previous sheet already has a project. Fact rows are read as label →
value pairs wherever the cells are; funds printed for 中期 and 年度 side by side are told apart by
the column of their 资金总额 label.
"""

import re
from dataclasses import dataclass

from budgets.readers import Document, Location, Row

from .indicator_table import IndicatorTable
from .labels import DEPARTMENT_SHEET, fund_label, fund_unit, goal_period, is_ignored, is_sheet_title, project_field
from .model import ExtractedSheet, Extraction, Issue
from .text_utils import amount_in_wan, compact, one_line, period_dates, years_in

_YEAR_CAPTION = re.compile(r"^[(（]?\s*(20\d{2})\s*年度?\s*[)）]?$")
_TITLE_YEAR_SUFFIX = re.compile(r"\s*[(（]\s*20\d{2}\s*年度?\s*[)）]\s*$")
_UNIT_LINE = re.compile(r"^(?:金额)?单位[:：]\s*(万元|元)$")


@dataclass
class Line:
    cells: list[str]
    location: Location
    after_break: bool = False
    is_text: bool = False

    @property
    def text(self) -> str:
        return " ".join(cell for cell in self.cells if cell.strip())


def flatten(document: Document) -> list[Line]:
    lines = []
    for block in document.blocks:
        if block.kind == "table":
            lines.extend(Line(row.cells, row.location, row.after_break) for row in block.rows)
        else:
            lines.append(Line([block.text], block.location, is_text=True))
    return lines


class SheetReader:
    def __init__(self, extraction: Extraction):
        self.extraction = extraction
        self.sheet: ExtractedSheet | None = None
        self.title: tuple[str, Location] | None = None
        self.table: IndicatorTable | None = None
        self.fund_columns: dict[str, int] = {}
        self.fund_unit: str | None = None
        self.pending_goals: list[tuple[str, int]] = []

    # -- sheets ------------------------------------------------------------------------------------

    def _start(self, title: str, location: Location) -> ExtractedSheet:
        self._close()
        scope = "department" if DEPARTMENT_SHEET.search(compact(title)) else "project"
        year_match = re.search(r"(20\d{2})\s*年", title)
        self.sheet = ExtractedSheet(
            scope=scope,
            title=_TITLE_YEAR_SUFFIX.sub("", title).strip(),
            location=location,
            year=int(year_match.group(1)) if year_match else None,
        )
        self.fund_columns, self.fund_unit, self.pending_goals = {}, None, []
        return self.sheet

    def _close(self) -> None:
        if self.table is not None and self.sheet is not None:
            self._store_table()
        self.table = None
        if self.sheet is not None and (self.sheet.indicators or self.sheet.name or self.sheet.fundings):
            self.extraction.sheets.append(self.sheet)
        self.sheet = None

    def _store_table(self) -> None:
        table, sheet = self.table, self.sheet
        for message, location in table.skipped:
            self.extraction.skipped.append(Issue(message, location))
        if table.project_column is None:
            sheet.indicators.extend(table.indicators)
            return
        # One flat table for several projects: split by the project column.
        by_project: dict[str, ExtractedSheet] = {}
        for indicator in table.indicators:
            name = getattr(indicator, "project", None) or sheet.name
            target = by_project.get(name)
            if target is None:
                target = sheet if not sheet.indicators and (not sheet.name or sheet.name == name) else None
                if target is None:
                    target = ExtractedSheet(
                        scope="project", title=sheet.title, location=indicator.location, year=sheet.year, name=name
                    )
                    self.extraction.sheets.append(target)
                target.name = target.name or name
                by_project[name] = target
            target.indicators.append(indicator)

    # -- the stream --------------------------------------------------------------------------------

    def read(self, lines: list[Line]) -> None:
        for line in lines:
            filled = [cell for cell in line.cells if cell.strip()]
            if not filled:
                continue
            if line.is_text or (len(filled) == 1 and not self._expects_single_cell(filled[0])):
                self._text(filled[0].strip(), line)
            else:
                self._row(line)
        self._close()

    def _expects_single_cell(self, cell: str) -> bool:
        return bool(self.pending_goals) or (
            self.table is not None and self.sheet is not None and not is_sheet_title(cell)
        )

    def _text(self, text: str, line: Line) -> None:
        key = compact(text)
        if is_sheet_title(text):
            self.title = (text, line.location)
            self._start(text, line.location)
            return
        if self.sheet is None:
            return
        if match := _YEAR_CAPTION.match(key):
            self.sheet.year = self.sheet.year or int(match.group(1))
            return
        if match := _UNIT_LINE.match(key):
            self.fund_unit = match.group(1)
            return
        if self.table is not None and self.table.indicators:
            self._close()

    def _row(self, line: Line) -> None:
        row = Row(line.cells, line.location, line.after_break)
        if IndicatorTable.is_header(row):
            if self.sheet is None:
                self._start(self.title[0] if self.title else "", line.location)
            if self.table is not None:
                self._store_table()
            periods = self.sheet.periods
            self.table = IndicatorTable(row, periods=periods, default_period="annual")
            self.pending_goals = []
            return
        if self._has_fact_labels(line) and not self._is_column_header(line):
            if self.sheet is None and not self._starts_new_project(line):
                return
            if self.table is not None and self._starts_new_project(line):
                self._close()
            self._facts(line)
            return
        if self.pending_goals and self.table is None:
            self._goal_continuation(line)
            return
        if self.table is not None:
            self.table.feed(row)

    @staticmethod
    def _is_column_header(line: Line) -> bool:
        """A budget table's column header ("项目名称 | 总计 | 财政拨款 …") is not a fact row."""
        for index, cell in enumerate(line.cells):
            if project_field(cell) == "name":
                value = next((c for c in line.cells[index + 1 :] if c.strip()), "")
                return not _is_project_name(value)
        return False

    def _has_fact_labels(self, line: Line) -> bool:
        first = next((cell for cell in line.cells if cell.strip()), "")
        return bool(project_field(first) or fund_label(first) or goal_period(first) or is_ignored(first)) or any(
            project_field(cell) == "name" for cell in line.cells
        )

    def _starts_new_project(self, line: Line) -> bool:
        cells = line.cells
        for index, cell in enumerate(cells):
            if project_field(cell) == "name":
                value = next((c for c in cells[index + 1 :] if c.strip()), "")
                return _is_project_name(value)
        return False

    # -- facts -------------------------------------------------------------------------------------

    def _facts(self, line: Line) -> None:
        cells = line.cells
        labels = [
            i
            for i, cell in enumerate(cells)
            if project_field(cell) or fund_label(cell) or goal_period(cell) or is_ignored(cell)
        ]
        if any(project_field(cells[i]) == "name" for i in labels):
            if self.sheet is None or self.sheet.name or self.sheet.indicators:
                title = self.title[0] if self.title else ""
                self._start(title, line.location)
        if self.sheet is None:
            self._start(self.title[0] if self.title else "", line.location)
        specific_goals = any(goal_period(cells[i]) in {"mid_term", "annual"} for i in labels)
        for position, index in enumerate(labels):
            end = labels[position + 1] if position + 1 < len(labels) else len(cells)
            values = [cell.strip() for cell in cells[index + 1 : end] if cell.strip()]
            label = cells[index]
            if unit := fund_unit(label):
                self.fund_unit = unit
            if field_name := project_field(label):
                if values:
                    self._project_fact(field_name, values[0], line.location)
            elif fund := fund_label(label):
                self._fund(fund, index, values, line.location)
            elif period := goal_period(label):
                if period == "overall" and specific_goals:
                    continue
                if period == "mid_term" and (years := years_in(label)) and len(years) >= 2:
                    self.sheet.mid_term_years = (years[0], years[-1])
                if values:
                    self.sheet.goals[period] = "\n".join(values)
                else:
                    self.pending_goals.append((period, index))

    def _project_fact(self, field_name: str, value: str, location: Location) -> None:
        sheet = self.sheet
        if field_name == "name":
            sheet.name = one_line(value)
        elif field_name == "period":
            sheet.start, sheet.end = period_dates(value)
        elif field_name in {"start", "end"}:
            dates = period_dates(value)[0]
            setattr(sheet, field_name, dates)
        else:
            sheet.fields.setdefault(field_name, one_line(value))

    def _fund(self, fund: tuple[str | None, str], column: int, values: list[str], location: Location) -> None:
        period, part = fund
        if period and part == "total":
            self.fund_columns[period] = column
        if period is None:
            if self.fund_columns:
                period = min(self.fund_columns, key=lambda p: (abs(self.fund_columns[p] - column), p != "mid_term"))
            else:
                period = "annual"
        unit = self.fund_unit or self.extraction.money_unit
        amount = None
        for value in values[:1]:
            try:
                amount = amount_in_wan(value, unit)
            except ValueError:
                self.extraction.warnings.append(Issue(f"资金金额“{value}”无法识别，已按空值处理", location))
        self.sheet.funding(period).set(part, amount, location)

    def _goal_continuation(self, line: Line) -> None:
        cells = [(i, cell.strip()) for i, cell in enumerate(line.cells) if cell.strip()]
        columns = self.pending_goals
        if len(cells) == len(columns):
            pairs = [(columns[n][0], text) for n, (_, text) in enumerate(cells)]
        else:
            pairs = [(min(columns, key=lambda c, i=i: abs(c[1] - i))[0], text) for i, text in cells]
        for period, text in pairs:
            existing = self.sheet.goals.get(period)
            self.sheet.goals[period] = f"{existing}\n{text}" if existing else text


_COLUMN_WORDS = re.compile(r"(?:合计|总计|小计|编码|代码|金额|预算数?|名称|类别|类型|单位|科目|资金)$")


def _is_project_name(value: str) -> bool:
    key = compact(value)
    if not key or (_COLUMN_WORDS.search(key) and len(key) <= 8):
        return False
    try:
        amount_in_wan(key, "万元")
        return False
    except ValueError:
        return not (project_field(key) or fund_label(key) or goal_period(key))


def read_sheets(document: Document, extraction: Extraction) -> None:
    SheetReader(extraction).read(flatten(document))
