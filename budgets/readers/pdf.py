"""PDF disclosures through pdfplumber: ruled tables per page plus the text around them, in reading
order. A table that starts a page right after a table that ended the previous page is the same
table continued: its rows are appended, the first marked as coming after a page break."""

import io

import pdfplumber

from .cleaning import markup_to_text
from .structure import Block, Document, Location, Row


def _inside(obj, boxes) -> bool:
    x = (obj["x0"] + obj["x1"]) / 2
    y = (obj["top"] + obj["bottom"]) / 2
    return any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)


def read_pdf(content: bytes, name: str) -> Document:
    document = Document(name=name, format="pdf")
    with pdfplumber.open(io.BytesIO(content)) as pdf:
        for page_number, page in enumerate(pdf.pages, start=1):
            tables = page.find_tables()
            boxes = [table.bbox for table in tables]
            items = []
            outside = page.filter(lambda obj, boxes=boxes: obj.get("object_type") != "char" or not _inside(obj, boxes))
            for line in outside.extract_text_lines():
                items.append((line["top"], "text", line["text"]))
            for table in tables:
                items.append((table.bbox[1], "table", table))
            items.sort(key=lambda item: item[0])
            for index, (top, kind, payload) in enumerate(items):
                location = Location(page=page_number, line=int(top))
                if kind == "text":
                    text = markup_to_text(payload)
                    if text:
                        document.blocks.append(Block(kind="paragraph", text=text, location=location))
                    continue
                rows = [
                    Row(cells=[markup_to_text(cell or "") for cell in row], location=location)
                    for row in payload.extract()
                ]
                continues = index == 0 and document.blocks and document.blocks[-1].kind == "table"
                if continues and rows:
                    rows[0].after_break = True
                    document.blocks[-1].rows.extend(rows)
                else:
                    document.blocks.append(Block(kind="table", location=location, rows=rows))
    return document
