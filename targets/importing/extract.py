"""From the neutral document to everything the importer stores: the single entry point."""

from budgets.readers import Document
from budgets.tables.extract import extract_budget_tables

from .metadata import detect_department_and_year, detect_money_unit, sheet_unit, sheet_year
from .model import Extraction, Issue
from .project_budget_table import read_project_budget_tables
from .prose import read_prose_targets
from .sheets import read_sheets

_SOURCES = {
    "reporting_unit": "填报单位",
    "budget_unit": "预算单位",
    "using_unit": "用款单位",
    "signature": "落款单位",
    "publisher": "发布来源",
    "implementing_unit": "实施单位",
    "competent_department": "主管部门",
}


def extract(document: Document) -> Extraction:
    department, year = detect_department_and_year(document)
    unit = detect_money_unit(document)
    extraction = Extraction(
        document_name=document.name,
        format=document.format,
        department=department,
        year=year,
        money_unit=unit or "万元",
        money_unit_printed=unit is not None,
    )
    read_sheets(document, extraction)
    read_project_budget_tables(document, extraction)
    read_prose_targets(document, extraction)
    _drop_unnamed_projects(extraction)
    if extraction.department is None and extraction.sheets:
        extraction.department, source = sheet_unit(document, extraction.sheets)
        if extraction.department:
            extraction.warnings.append(
                Issue(f"填报单位按“{_SOURCES[source]}”识别为“{extraction.department}”，请核对", None)
            )
    if extraction.year is None:
        extraction.year = sheet_year(extraction.sheets)
    extraction.budget_tables = extract_budget_tables(document, year=year, default_unit=extraction.money_unit)
    return extraction


def _drop_unnamed_projects(extraction: Extraction) -> None:
    """A project table whose name could not be read cannot be matched or stored: it is listed as not
    imported, with its place, rather than dropped silently or stored nameless."""
    kept = []
    for sheet in extraction.sheets:
        if sheet.scope == "project" and not sheet.name.strip():
            extraction.errors.append(Issue("项目绩效目标表没有可识别的项目名称，未导入", sheet.location))
        else:
            kept.append(sheet)
    extraction.sheets = kept
