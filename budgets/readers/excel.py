"""Excel (.xlsx) disclosures through openpyxl in read-only (streaming) mode, after the container and
every XML member have passed the bounded checks. Each sheet is a heading and a table; numbers are
turned into text exactly as stored (never through float arithmetic)."""

import datetime
import io
import zipfile
from decimal import Decimal

import openpyxl

from .cleaning import clean_text
from .container import check_office_container, damaged, scan_members
from .limits import Budget
from .structure import Block, Document, Location, Row


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        text = format(Decimal(repr(value)), "f")
        return text[:-2] if text.endswith(".0") else text
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return clean_text(str(value)).strip()


def read_xlsx(content: bytes, name: str, budget: Budget | None = None) -> Document:
    budget = budget or Budget(name)
    check_office_container(content, name, expected="xlsx")
    try:
        scan_members(zipfile.ZipFile(io.BytesIO(content)), name, "xlsx", budget)
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError, EOFError) as exc:
        raise damaged(name, "xlsx") from exc
    document = Document(name=name, format="xlsx")
    try:
        for sheet in workbook.worksheets:
            document.blocks.append(
                Block(kind="heading", text=sheet.title, level=1, location=Location(sheet=sheet.title))
            )
            table = Block(kind="table", location=Location(line=1, sheet=sheet.title))
            rows = sheet.iter_rows(values_only=True, max_col=budget.columns + 1)
            for row_index, values in enumerate(rows, start=1):
                cells = [_text(value) for value in values]
                while cells and not cells[-1]:
                    cells.pop()
                budget.row(len(cells))
                location = Location(line=row_index, sheet=sheet.title)
                if len([cell for cell in cells if cell]) == 1 and not table.rows:
                    text = next(c for c in cells if c)
                    document.blocks.append(Block(kind="paragraph", text=text, location=location))
                    continue
                if not cells:
                    if table.rows:
                        document.blocks.append(table)
                        table = Block(kind="table", location=Location(line=row_index + 1, sheet=sheet.title))
                    continue
                table.rows.append(Row(cells=cells, location=location))
            if table.rows:
                document.blocks.append(table)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError, EOFError) as exc:
        raise damaged(name, "xlsx") from exc
    finally:
        workbook.close()
    return document
