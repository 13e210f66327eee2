"""Target sheets (绩效目标表) in the document stream: title, project facts, funds, goals, indicators.

A sheet starts at a title such as "…项目绩效目标表" / "项目支出绩效目标申报表" / "…整体绩效目标申报表",
or at a 项目名称 row when the previous sheet already has a project. Fact rows are read as label →
value pairs wherever the cells are; funds printed for 中期 and 年度 side by side are told apart by
the column of their 资金总额 label.
"""

import re
from decimal import Decimal, InvalidOperation

from budgets.readers import Document, Location, Row

from .indicator_table import IndicatorTable
from .labels import (
    budget_column,
    fund_label,
    fund_unit,
    goal_period,
    header_role,
    is_department_title,
    is_ignored,
    is_self_evaluation_title,
    is_sheet_title,
    project_field,
)
from .model import BUDGET_AMOUNTS, BudgetLine, ExtractedBudget, ExtractedSheet, Extraction, Issue
from .shapes import is_amount, is_number, is_percent, is_value
from .stream import Line, read_lines
from .text_utils import amount_in_wan, compact, nfkc_compact, one_line, period_dates, years_in

_YEAR_CAPTION = re.compile(r"^[(（]?\s*(20\d{2})\s*年度?\s*[)）]?$")
_TITLE_YEAR_SUFFIX = re.compile(r"\s*[(（]\s*20\d{2}\s*年度?\s*[)）]\s*$")
_UNIT_LINE = re.compile(r"^(?:金额)?单位[:：]\s*(万元|元)$")


AMOUNT_UNCERTAIN = "金额无法识别"
UNIT_ASSUMED = "金额单位未注明，按万元计"


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
        self.budget_columns: list[tuple[int, str]] = []
        self.last_total: str | None = None

    # -- sheets ------------------------------------------------------------------------------------

    def _start(self, title: str, location: Location) -> ExtractedSheet:
        self._close()
        scope = "department" if is_department_title(title) else "project"
        year_match = re.search(r"(20\d{2})\s*年", title)
        self.sheet = ExtractedSheet(
            scope=scope,
            title=_TITLE_YEAR_SUFFIX.sub("", title).strip(),
            location=location,
            year=int(year_match.group(1)) if year_match else None,
            kind="self_evaluation" if is_self_evaluation_title(title) else "target",
        )
        if caption := _TITLE_YEAR_SUFFIX.search(title):
            self.sheet.year = self.sheet.year or int(re.search(r"20\d{2}", caption.group()).group())
        self.fund_columns, self.fund_unit, self.pending_goals = {}, None, []
        self.budget_columns, self.last_total = [], None
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
            _resolve_periods(sheet)
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
        last = None
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
            last = line
        self._flush_paragraphs()
        if lines:
            self._drop_cut_row(last)
        self._close()

    def _drop_cut_row(self, last: Line) -> None:
        """A document cut short (a page saved in part) ends inside its last row: that row is left out
        and listed, unless its value is complete."""
        table = self.table
        if table is None or not table.indicators or table.indicators[-1].location != last.location:
            return
        indicator = table.indicators[-1]
        if is_value(indicator.value):
            return
        table.indicators.pop()
        self.extraction.skipped.append(
            Issue(f"文件在此处截断，最后一行“{indicator.level3}”不完整，未导入", indicator.location)
        )

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
        notes = line.notes
        line = Line(
            _expand_label_values(line.cells), line.location, line.after_break, aligned=line.aligned, notes=notes
        )
        row = Row(line.cells, line.location, line.after_break, aligned=line.aligned, notes=notes)
        if self._budget_header(line):
            return
        if IndicatorTable.is_header(row):
            if self.sheet is None:
                self._start(self.title[0] if self.title else "", line.location)
            if self.table is not None:
                self._store_table()
            periods = self.sheet.periods
            self.table = IndicatorTable(row, periods=periods, default_period="annual")
            self.pending_goals, self.budget_columns = [], []
            if {"actual", "score"} & set(self.table.roles.values()):
                self.sheet.kind = "self_evaluation"
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

    def _budget_header(self, line: Line) -> bool:
        """The column row of a budget block: 年初预算 | 全年预算数 | 全年执行数 | 执行率 | 分值 | 得分."""
        columns = [(i, budget_column(cell)) for i, cell in enumerate(line.cells) if budget_column(cell)]
        if sum(1 for _, role in columns if role in {*BUDGET_AMOUNTS, "rate"}) < 2:
            return False
        if self.sheet is None:
            self._start(self.title[0] if self.title else "", line.location)
        for cell in line.cells:
            if unit := fund_unit(cell):
                self.fund_unit = unit
        self.budget_columns = columns
        self.sheet.kind = "self_evaluation"
        self.sheet.budget = self.sheet.budget or ExtractedBudget(location=line.location)
        return True

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
        project_period = any(p in self.sheet.fundings for p in ("project", "mid_term"))
        part_columns: dict[str, list[int]] = {}
        for i in labels:
            if (fund := fund_label(cells[i])) and fund[0] is None:
                part_columns.setdefault(fund[1][0], []).append(i)
        goal_labels = [i for i in labels if goal_period(cells[i]) and not project_field(cells[i])]
        side_by_side = len(goal_labels) >= 2 and goal_labels == labels[-len(goal_labels) :]
        if side_by_side and all(
            not cells[i].strip() for i in range(goal_labels[0], goal_labels[-1]) if i not in goal_labels
        ):
            self._goal_columns(cells, goal_labels, specific_goals and not project_period)
            labels = labels[: -len(goal_labels)]
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
                if self.budget_columns:
                    self._budget_row(label, fund, cells[index + 1 : end], line)
                    continue
                same = part_columns.get(fund[1][0], [])
                if fund[0] is None and len(same) >= 2 and len(same) == len(self.fund_columns):
                    ordered = sorted(self.fund_columns, key=self.fund_columns.get)
                    fund = (ordered[same.index(index)], fund[1])
                self._fund(fund, index, values, line.location)
            elif period := goal_period(label):
                if period == "overall" and project_period:
                    period = "mid_term"
                elif period == "overall" and specific_goals:
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
            start, end = period_dates(value)
            setattr(sheet, field_name, start if field_name == "start" else (end or start))
        else:
            sheet.fields.setdefault(field_name, one_line(value))

    def _fund(self, fund: tuple, column: int, values: list[str], location: Location) -> None:
        period, parts = fund
        if period and "total" in parts:
            self.fund_columns[period] = column
            self.last_total = period
        if period is None:
            columns = set(self.fund_columns.values())
            if len(columns) >= 2:  # totals side by side: the part belongs to the nearest column
                period = min(self.fund_columns, key=lambda p: (abs(self.fund_columns[p] - column), p != "mid_term"))
            else:  # totals one under the other: the part belongs to the last total printed
                period = self.last_total or "annual"
        amount = self._amount(values[:1], location)
        funding = self.sheet.funding(period)
        for part in parts:
            if part in {"total", "fiscal", "carryover", "other"}:
                funding.set(part, amount, location)
        if amount is not None and not self.fund_unit and not self.extraction.money_unit_printed:
            if UNIT_ASSUMED not in funding.uncertain:
                funding.uncertain.append(UNIT_ASSUMED)

    def _amount(self, values: list[str], location: Location) -> Decimal | None:
        unit = self.fund_unit or self.extraction.money_unit
        for value in values:
            try:
                return amount_in_wan(value, unit)
            except ValueError:
                self.extraction.warnings.append(Issue(f"资金金额“{value}”无法识别，已按空值处理", location))
        return None

    def _budget_row(self, label: str, fund: tuple, cells: list[str], line: Line) -> None:
        """A row of the budget block: one value per column, matched by position and shape."""
        _, parts = fund
        part = parts[0]
        budget = self.sheet.budget
        entry = BudgetLine(label=one_line(label), part="total" if "total" in parts else part, location=line.location)
        offset = len(self.budget_columns) and self.budget_columns[0][0]
        aligned = _align_budget(cells, [role for _, role in self.budget_columns], offset)
        for role, text in aligned.items():
            if role in BUDGET_AMOUNTS:
                setattr(entry, role, self._amount([text], line.location))
            elif role == "rate":
                entry.rate = text
            elif role in {"weight", "score"}:
                setattr(entry, role, _decimal(text))
            elif role == "reason":
                entry.reason = text
        budget.lines.append(entry)
        if line.notes:
            budget.uncertain.extend(note for note in line.notes if note not in budget.uncertain)
        if entry.part in {"total", "fiscal", "carryover", "other"}:
            self.sheet.funding("annual").set(entry.part, entry.budget, line.location)

    def _goal_columns(self, cells: list[str], labels: list[int], skip_overall: bool) -> None:
        """Goal labels side by side (项目总目标 | 年度总体目标, 年度目标 | 年度目标完成情况) and the texts
        after them, paired in order; without texts they wait for the next row."""
        periods = []
        for index in labels:
            period = goal_period(cells[index])
            if period == "overall":
                period = None if skip_overall else "mid_term"
            periods.append((period, index))
        texts = [cell.strip() for cell in cells[labels[-1] + 1 :] if cell.strip()]
        periods = [(p, i) for p, i in periods if p]
        if not texts:
            self.pending_goals.extend(periods)
            return
        for position, (period, _) in enumerate(periods):
            if position < len(texts):
                rest = texts[position:] if position == len(periods) - 1 else [texts[position]]
                self.sheet.goals[period] = "\n".join(rest)

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


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(compact(text).rstrip("分"))
    except InvalidOperation:
        return None


def _fits_budget(role: str, text: str) -> bool:
    if role in BUDGET_AMOUNTS:
        return is_amount(text)
    if role == "rate":
        return is_percent(text)
    if role in {"weight", "score"}:
        return is_number(text)
    return True


def _align_budget(cells: list[str], roles: list[str], offset: int = 0) -> dict[str, str]:
    """Cells to budget columns in order; a cell that does not fit its column moves to the next column
    it fits (a merged 分值 cell leaves the 执行率 one place to the left)."""
    found, position = {}, 0
    for cell in cells:
        text = cell.strip()
        if position >= len(roles):
            break
        if not text or compact(text) in {"/", "-", "—"}:
            position += 1
            continue
        while position < len(roles) and not _fits_budget(roles[position], text):
            position += 1
        if position < len(roles):
            found[roles[position]] = text
            position += 1
    return found


def _resolve_periods(sheet: ExtractedSheet) -> None:
    """A whole-project amount (项目资金总额, 项目总预算) is the mid-term funding when an annual amount is
    printed beside it, else the annual one."""
    project = sheet.fundings.pop("project", None)
    if project is None:
        return
    target = "mid_term" if "annual" in sheet.fundings else "annual"
    existing = sheet.fundings.get(target)
    if existing is None:
        project.period = target
        sheet.fundings[target] = project
        return
    for part in ("total", "fiscal", "carryover", "other"):
        if getattr(existing, part) is None:
            setattr(existing, part, getattr(project, part))


def read_sheets(document: Document, extraction: Extraction) -> None:
    lines, issues = read_lines(document)
    extraction.skipped.extend(Issue(message, location) for message, location in issues)
    SheetReader(extraction).read(lines)
