"""Projects whose targets sit in the department's project expense table (项目支出预算表) itself:
columns such as 项目内容 / 绩效目标 / 项目主要绩效指标 beside the amounts.

A project is a row with a name, an amount and target text; the rows that follow with no name and
no amounts continue its text (the table goes on over several pages, each repeating the header).
"""

import re

from budgets.readers import Document, Row

from .model import ExtractedIndicator, ExtractedSheet, Extraction, Issue
from .numbered_indicators import parse_numbered_indicators
from .text_utils import amount_in_wan, compact, unwrap

_ROLES = [
    ("name", re.compile(r"^项目名称")),
    ("total", re.compile(r"^(?:总计|合计|项目金额|金额合计)$")),
    ("fiscal", re.compile(r"^(?:财政拨款|一般公共预算)")),
    ("carryover", re.compile(r"^上年(?:预)?结[转余]")),
    ("other", re.compile(r"^其他资?金")),
    ("content", re.compile(r"^(?:项目内容|项目概况|主要内容)")),
    ("goal", re.compile(r"^(?:绩效目标|年度绩效目标|项目绩效目标)$")),
    ("indicators", re.compile(r"绩效指标$")),
]
_NUMBERED = re.compile(r"^\s*1\s*[、.．]")


def _header_roles(row: Row) -> dict[str, int] | None:
    if not any("绩效" in cell for cell in row.cells):
        return None
    roles: dict[str, int] = {}
    for column, cell in enumerate(row.cells):
        key = compact(cell)
        for role, pattern in _ROLES:
            if role not in roles and pattern.search(key):
                roles[role] = column
                break
    if {"name", "goal", "indicators"} <= set(roles) or {"name", "indicators", "total"} <= set(roles):
        return roles
    return None


def _is_numbering(row: Row) -> bool:
    filled = [compact(cell) for cell in row.cells if cell.strip()]
    return len(filled) >= 3 and all(cell.isdigit() for cell in filled)


class _Project:
    def __init__(self, sheet: ExtractedSheet):
        self.sheet = sheet
        self.text = {"content": [], "goal": [], "indicators": []}


def _cell(row: Row, column: int | None) -> str:
    if column is None or column >= len(row.cells):
        return ""
    return row.cells[column].strip()


def read_project_budget_tables(document: Document, extraction: Extraction) -> None:
    roles: dict[str, int] | None = None
    current: _Project | None = None
    projects: list[_Project] = []
    amount_columns: list[int] = []
    for table in document.tables:
        roles = None
        for row in table.rows:
            header = _header_roles(row)
            if header:
                roles = header
                amount_columns = [header[r] for r in ("total", "fiscal", "carryover", "other") if r in header]
                continue
            if roles is None or _is_numbering(row):
                continue
            name = unwrap(_cell(row, roles["name"]))
            amounts = [_cell(row, column) for column in amount_columns]
            texts = {role: _cell(row, roles.get(role)) for role in ("content", "goal", "indicators")}
            if name and any(amounts):
                current = None
                if any(texts.values()):
                    current = _start_project(row, name, roles, extraction, texts)
                    projects.append(current)
                continue
            if not name and not any(amounts) and current is not None and any(texts.values()):
                for role, text in texts.items():
                    if text:
                        current.text[role].append(text)
    for project in projects:
        _finish(project, extraction)


def _start_project(row: Row, name: str, roles: dict[str, int], extraction: Extraction, texts: dict) -> _Project:
    sheet = ExtractedSheet(
        scope="project", title="项目支出预算表", location=row.location, year=extraction.year, name=name
    )
    funding = sheet.funding("annual")
    for part in ("total", "fiscal", "carryover", "other"):
        value = _cell(row, roles.get(part))
        if value:
            try:
                funding.set(part, amount_in_wan(value, extraction.money_unit), row.location)
            except ValueError:
                extraction.warnings.append(Issue(f"项目“{name}”的金额“{value}”无法识别", row.location))
    project = _Project(sheet)
    if not texts["indicators"] and _NUMBERED.match(re.sub(r"^\W+", "", texts["goal"]) or texts["goal"]):
        # The 项目内容 and 绩效目标 cells were merged: the indicators moved one column left.
        paragraphs = [p for p in texts["content"].split("\n") if p.strip()]
        texts = {
            "content": "\n".join(paragraphs[:-1]) if len(paragraphs) > 1 else texts["content"],
            "goal": paragraphs[-1] if len(paragraphs) > 1 else "",
            "indicators": texts["goal"],
        }
    for role, text in texts.items():
        if text:
            project.text[role].append(text)
    return project


def _finish(project: _Project, extraction: Extraction) -> None:
    sheet = project.sheet
    content = unwrap("".join(project.text["content"]).replace("\n", ""))
    goal = unwrap("".join(project.text["goal"]).replace("\n", ""))
    if content:
        sheet.fields["description"] = content
    if goal:
        sheet.goals["annual"] = goal
    for item in parse_numbered_indicators("".join(project.text["indicators"])):
        if not item.name:
            extraction.skipped.append(Issue(f"项目“{sheet.name}”第{item.number}项指标没有名称", sheet.location))
            continue
        sheet.indicators.append(
            ExtractedIndicator(
                period="annual", level1=None, level2=None, level3=item.name, value=item.value, location=sheet.location
            )
        )
    if not sheet.indicators:
        extraction.warnings.append(Issue(f"项目“{sheet.name}”有绩效目标文字，但没有识别出编号指标", sheet.location))
    extraction.sheets.append(sheet)
