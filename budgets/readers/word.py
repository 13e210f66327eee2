"""Word (.docx) disclosures through python-docx, in body order. A merged cell keeps its text in its
first row and column; the cells it covers are blank, as in a printed table."""

import io

import docx
from docx.table import Table
from docx.text.paragraph import Paragraph

from .cleaning import markup_to_text
from .structure import Block, Document, Location, Row


def _heading_level(paragraph: Paragraph) -> int:
    style = (paragraph.style.name if paragraph.style is not None else "") or ""
    for prefix in ("Heading", "标题"):
        if style.startswith(prefix):
            digits = "".join(ch for ch in style if ch.isdigit())
            return int(digits) if digits else 1
    return 0 if style != "Title" else 1


def _table_rows(table: Table, table_index: int) -> list[Row]:
    rows: list[Row] = []
    above: list = []
    for row_index, row in enumerate(table.rows, start=1):
        cells, tcs = [], []
        previous = None
        for column, cell in enumerate(row.cells):
            covered = cell._tc is previous or (column < len(above) and above[column] is cell._tc)
            cells.append("" if covered else markup_to_text(cell.text))
            tcs.append(cell._tc)
            previous = cell._tc
        above = tcs
        rows.append(Row(cells=cells, location=Location(line=row_index, sheet=f"表格{table_index}")))
    return rows


def read_docx(content: bytes, name: str) -> Document:
    document = Document(name=name, format="docx")
    source = docx.Document(io.BytesIO(content))
    table_index = 0
    for position, element in enumerate(source.element.body.iterchildren(), start=1):
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = Paragraph(element, source)
            text = markup_to_text(paragraph.text)
            if text:
                level = _heading_level(paragraph)
                document.blocks.append(
                    Block(
                        kind="heading" if level else "paragraph",
                        text=text,
                        level=level,
                        location=Location(line=position),
                    )
                )
        elif tag == "tbl":
            table_index += 1
            table = Table(element, source)
            document.blocks.append(
                Block(kind="table", location=Location(line=position), rows=_table_rows(table, table_index))
            )
    return document
