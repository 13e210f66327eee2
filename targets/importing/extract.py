"""From the neutral document to everything the importer stores: the single entry point."""

from budgets.readers import Document
from budgets.tables.extract import extract_budget_tables

from .metadata import detect_department_and_year, detect_money_unit
from .model import Extraction
from .project_budget_table import read_project_budget_tables
from .prose import read_prose_targets
from .sheets import read_sheets


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
    extraction.budget_tables = extract_budget_tables(document, year=year, default_unit=extraction.money_unit)
    return extraction
