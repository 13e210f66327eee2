"""Word (.docx) disclosures, read as a stream from word/document.xml with the bounded parser, in body
order. A merged cell keeps its text in its first row and column; the cells it covers are blank, as
in a printed table. A table inside a cell is read as that cell's text."""

import io
import re
import zipfile

from .cleaning import markup_to_text
from .container import check_office_container, damaged, iter_xml, open_member, release
from .limits import Budget
from .structure import Block, Document, Location, Row

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_HEADING_NAME = re.compile(r"^(?:heading|标题)\s*(\d)?", re.IGNORECASE)


def _style_names(archive: zipfile.ZipFile, name: str, budget: Budget) -> dict[str, str]:
    if "word/styles.xml" not in archive.namelist():
        return {}
    names = {}
    with open_member(archive, "word/styles.xml", name, "docx") as stream:
        for _event, element, _ in iter_xml(stream, name, "docx", budget, events=("end",)):
            if element.tag == f"{W}style":
                label = element.find(f"{W}name")
                if label is not None:
                    names[element.get(f"{W}styleId", "")] = label.get(f"{W}val", "")
                release(element)
    return names


def _heading_level(paragraph, styles: dict[str, str]) -> int:
    style = paragraph.find(f"{W}pPr/{W}pStyle")
    if style is None:
        return 0
    identifier = style.get(f"{W}val", "")
    label = styles.get(identifier, identifier)
    if label.lower() == "title":
        return 1
    match = _HEADING_NAME.match(label) or _HEADING_NAME.match(identifier)
    if not match:
        return 0
    return int(match.group(1)) if match.group(1) else 1


def _paragraph_text(paragraph) -> str:
    parts = []
    for node in paragraph.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}cr"):
        if node.tag == f"{W}t":
            parts.append(node.text or "")
        elif node.tag == f"{W}tab":
            parts.append(" ")
        else:
            parts.append("\n")
    return "".join(parts)


class _Table:
    def __init__(self):
        self.rows: list[list[str]] = []
        self.row: list[str] | None = None
        self.cell: list[str] | None = None
        self.span, self.covered = 1, False


def read_docx(content: bytes, name: str, budget: Budget | None = None) -> Document:
    budget = budget or Budget(name)
    check_office_container(content, name, expected="docx")
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile as exc:
        raise damaged(name, "docx") from exc
    document = Document(name=name, format="docx")
    styles = _style_names(archive, name, budget)
    tables: list[_Table] = []
    position = table_index = 0
    with open_member(archive, "word/document.xml", name, "docx") as stream:
        for event, element, _ in iter_xml(stream, name, "docx", budget):
            tag = element.tag
            if event == "start":
                if tag == f"{W}tbl":
                    tables.append(_Table())
                    if len(tables) == 1:
                        position += 1
                        table_index += 1
                elif tag == f"{W}tr" and tables:
                    tables[-1].row = []
                elif tag == f"{W}tc" and tables:
                    tables[-1].cell, tables[-1].span, tables[-1].covered = [], 1, False
                elif tag == f"{W}p" and not tables and element.getparent() is not None:
                    position += 1
                continue
            if tag == f"{W}tcPr" and tables:
                grid, merge = element.find(f"{W}gridSpan"), element.find(f"{W}vMerge")
                if grid is not None and (grid.get(f"{W}val") or "").isdigit():
                    tables[-1].span = max(1, min(int(grid.get(f"{W}val")), budget.columns))
                tables[-1].covered = merge is not None and merge.get(f"{W}val", "continue") != "restart"
            elif tag == f"{W}p":
                text = markup_to_text(_paragraph_text(element))
                if tables and tables[-1].cell is not None:
                    tables[-1].cell.append(text)
                elif not tables and text:
                    level = _heading_level(element, styles)
                    document.blocks.append(
                        Block(
                            kind="heading" if level else "paragraph",
                            text=text,
                            level=level,
                            location=Location(line=position),
                        )
                    )
                release(element, siblings=not tables)
            elif tag == f"{W}tc" and tables:
                table = tables[-1]
                span, covered = table.span, table.covered
                text = "\n".join(part for part in table.cell or [] if part)
                if table.row is not None:
                    table.row.extend(["" if covered else text] + [""] * (span - 1))
                table.cell = None
                release(element)
            elif tag == f"{W}tr" and tables:
                table = tables[-1]
                if table.row is not None:
                    budget.row(len(table.row))
                    table.rows.append(table.row)
                table.row = None
                release(element)
            elif tag == f"{W}tbl" and tables:
                table = tables.pop()
                if tables:  # a table inside a cell: its text belongs to that cell
                    if tables[-1].cell is not None:
                        tables[-1].cell.append("\n".join(" ".join(c for c in row if c) for row in table.rows))
                else:
                    rows = [
                        Row(cells=cells, location=Location(line=index, sheet=f"表格{table_index}"))
                        for index, cells in enumerate(table.rows, start=1)
                    ]
                    document.blocks.append(Block(kind="table", location=Location(line=position), rows=rows))
                release(element)
    return document
