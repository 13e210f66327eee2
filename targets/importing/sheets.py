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
from .labels import (
    DEPARTMENT_SHEET,
    fund_label,
    fund_unit,
    goal_period,
    header_role,
    is_ignored,
    is_sheet_title,
    project_field,
)
from .model import ExtractedSheet, Extraction, Issue
from .text_utils import amount_in_wan, compact, nfkc_compact, one_line, period_dates, years_in

_YEAR_CAPTION = re.compile(r"^[(（]?\s*(20\d{2})\s*年度?\s*[)）]?$")
_TITLE_YEAR_SUFFIX = re.compile(r"\s*[(（]\s*20\d{2}\s*年度?\s*[)）]\s*$")
_UNIT_LINE = re.compile(r"^(?:金额)?单位[:：]\s*(万元|元)$")


@dataclass
class Line:
    cells: list[str]
    location: Location
    after_break: bool = False
    is_text: bool = False
    is_heading: bool = False
    gap_before: int = 0

    @property
    def text(self) -> str:
        return " ".join(cell for cell in self.cells if cell.strip())


def flatten(document: Document) -> list[Line]:
    lines = []
    for block in document.blocks:
        if block.kind == "table":
            lines.extend(Line(row.cells, row.location, row.after_break) for row in block.rows)
        else:
            lines.append(
                Line(
                    [block.text],
                    block.location,
                    is_text=True,
                    is_heading=block.kind == "heading",
                    gap_before=block.gap_before,
                )
            )
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
        self.paragraph_cells: list[str] = []
        self.paragraph_location: Location | None = None
        self.paragraph_mode = False
        self.rows_seen = 0
        self.broken = False

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
        self.paragraph_mode, self.rows_seen = False, 0
        return self.sheet

    def _close(self) -> None:
        if self.table is not None and self.sheet is not None:
            self._store_table()
        self.table = None
        sheet = self.sheet
        if sheet is not None and sheet.scope == "project" and not sheet.name and sheet.indicators:
            self.extraction.errors.append(
                Issue(f"绩效目标表“{sheet.title or '（无标题）'}”没有项目名称，整张表未导入", sheet.location)
            )
            sheet = self.sheet = None
        if sheet is not None and (sheet.indicators or sheet.name or sheet.fundings):
            if sheet.mid_term_years is None and sheet.start and sheet.end and sheet.end.year > sheet.start.year:
                sheet.mid_term_years = (sheet.start.year, sheet.end.year)
            self.extraction.sheets.append(sheet)
        self.sheet = None

    def _store_table(self) -> None:
        table, sheet = self.table, self.sheet
        for message, location in table.skipped:
            self.extraction.skipped.append(Issue(message, location))
        if table.project_column is None:
            sheet.indicators.extend(table.indicators)
            return
        # One flat table for several projects: each row goes to the sheet of its project, which may
        # have been printed before the table (facts and funds) or exist only in this table.
        known = {nfkc_compact(s.name): s for s in [*self.extraction.sheets, sheet] if s.name}
        for indicator in table.indicators:
            name = indicator.project or sheet.name
            target = known.get(nfkc_compact(name))
            if target is None:
                if not sheet.name and not sheet.indicators:
                    target, sheet.name = sheet, name
                else:
                    target = ExtractedSheet(
                        scope="project", title=sheet.title, location=indicator.location, year=sheet.year, name=name
                    )
                    self.extraction.sheets.append(target)
                known[nfkc_compact(name)] = target
            target.indicators.append(indicator)

    # -- the stream --------------------------------------------------------------------------------

    def read(self, lines: list[Line]) -> None:
        for line in lines:
            filled = [cell for cell in line.cells if cell.strip()]
            if not filled:
                continue
            if self.broken and not (line.is_text and is_sheet_title(filled[0])) and not self._names_project(line):
                continue
            self.broken = False
            try:
                self._line(line, filled)
            except Exception as exc:  # noqa: BLE001 - one unreadable table must not sink the document
                self._drop_sheet(line.location, exc)
        self._flush_paragraphs()
        self._close()

    def _line(self, line: Line, filled: list[str]) -> None:
        if line.is_text and self._paragraph_cell(filled[0].strip(), line):
            return
        self._flush_paragraphs()
        if line.is_text or (len(filled) == 1 and not self._expects_single_cell(filled[0])):
            self._text(filled[0].strip(), line)
        else:
            self.rows_seen += 1
            self._row(line)

    def _names_project(self, line: Line) -> bool:
        return not line.is_text and self._starts_new_project(Line(_expand_label_values(line.cells), line.location))

    def _drop_sheet(self, location: Location, exc: Exception) -> None:
        title = self.sheet.name or self.sheet.title if self.sheet else ""
        self.extraction.errors.append(
            Issue(f"表格“{title or '（无标题）'}”无法解析（{exc}），整张表未导入，其余内容照常导入", location)
        )
        self.sheet, self.table, self.pending_goals = None, None, []
        self.paragraph_cells, self.paragraph_location, self.paragraph_mode = [], None, False
        self.broken = True

    # A sheet printed with no separators at all: one cell per paragraph, rows between blank lines.
    def _paragraph_cell(self, text: str, line: Line) -> bool:
        key = compact(text)
        if self.sheet is None or self.rows_seen or line.is_heading or is_sheet_title(text):
            return False
        if _YEAR_CAPTION.match(key) or _UNIT_LINE.match(key):
            return False
        if not self.paragraph_mode:
            first = _expand_label_values([text])[0]
            if not (
                project_field(first)
                or fund_label(first)
                or goal_period(first)
                or is_ignored(first)
                or header_role(first)
            ):
                return False
            self.paragraph_mode = True
        if _SECTION.match(key):
            self._flush_paragraphs()
            self._close()
            return True
        if line.gap_before and self.paragraph_cells:
            self._flush_paragraphs()
        self.paragraph_cells.append(text)
        self.paragraph_location = self.paragraph_location or line.location
        return True

    def _flush_paragraphs(self) -> None:
        if self.paragraph_cells and self.sheet is not None:
            self._row(Line(self.paragraph_cells, self.paragraph_location))
        self.paragraph_cells, self.paragraph_location = [], None

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
        cells = _SPACE_RUN.split(text.strip())
        if len(cells) < 2 and (match := re.match(r"^(\S+?)[\s:：]+(\S.*)$", text.strip())) and project_field(match[1]):
            cells = [match[1], match[2]]
        if len(_expand_label_values(cells)) >= 2 and self._has_fact_labels(
            Line(_expand_label_values(cells), line.location)
        ):
            self._row(Line(cells, line.location))
            return
        if self.table is not None and self.table.indicators:
            self._close()

    def _row(self, line: Line) -> None:
        line = Line(_expand_label_values(line.cells), line.location, line.after_break)
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
        part_columns: dict[str, list[int]] = {}
        for i in labels:
            if (fund := fund_label(cells[i])) and fund[0] is None:
                part_columns.setdefault(fund[1], []).append(i)
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
                same = part_columns.get(fund[1], [])
                if fund[0] is None and len(same) >= 2 and len(same) == len(self.fund_columns):
                    ordered = sorted(self.fund_columns, key=self.fund_columns.get)
                    fund = (ordered[same.index(index)], fund[1])
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


_SECTION = re.compile(r"^(?:第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)")
_SPACE_RUN = re.compile(r"\s{2,}|\u3000+")
_LABEL_VALUE = re.compile(r"^\s*([^:：]{2,20}?)\s*[:：]\s*(\S.*)$", re.S)


def _expand_label_values(cells: list[str]) -> list[str]:
    """ "项目名称：网站运维" in one cell is the label and its value."""
    expanded = []
    for cell in cells:
        match = _LABEL_VALUE.match(cell)
        label = match.group(1) if match else ""
        if match and not fund_label(cell) and (project_field(label) or fund_label(label) or goal_period(label)):
            expanded.extend([label, match.group(2).strip()])
        else:
            expanded.append(cell)
    return expanded


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
