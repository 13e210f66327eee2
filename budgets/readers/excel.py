"""Excel (.xlsx) disclosures through openpyxl. Each sheet is a heading and a table; numbers are
turned into text exactly as stored (never through float arithmetic)."""

import datetime
import io
from decimal import Decimal

import openpyxl

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
    return str(value).strip()


def read_xlsx(content: bytes, name: str) -> Document:
    document = Document(name=name, format="xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(content), data_only=True)
    for sheet in workbook.worksheets:
        document.blocks.append(Block(kind="heading", text=sheet.title, level=1, location=Location(sheet=sheet.title)))
        table = Block(kind="table", location=Location(line=1, sheet=sheet.title))
        for row_index, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [_text(value) for value in values]
            while cells and not cells[-1]:
                cells.pop()
            location = Location(line=row_index, sheet=sheet.title)
            if len([cell for cell in cells if cell]) == 1 and not table.rows:
                document.blocks.append(Block(kind="paragraph", text=next(c for c in cells if c), location=location))
                continue
            if not cells:
                if table.rows:
                    document.blocks.append(table)
                    table = Block(kind="table", location=Location(line=row_index + 1, sheet=sheet.title))
                continue
            table.rows.append(Row(cells=cells, location=location))
        if table.rows:
            document.blocks.append(table)
    return document
