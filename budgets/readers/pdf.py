"""PDF disclosures through pdfplumber: ruled tables per page plus the text around them, in reading
order. A table that starts a page right after a table that ended the previous page is the same
table continued: its rows are appended, the first marked as coming after a page break.

The page count is read from the document catalogue before any page is parsed; encrypted and damaged
files get their own message, never the library's."""

import io

import pdfplumber
from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import resolve1

from .cleaning import markup_to_text
from .limits import Budget, limit
from .structure import Block, DisclosureReadError, Document, Location, Row


def _inside(obj, boxes) -> bool:
    x = (obj["x0"] + obj["x1"]) / 2
    y = (obj["top"] + obj["bottom"]) / 2
    return any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)


def _damaged(name: str) -> DisclosureReadError:
    return DisclosureReadError(f"文件“{name}”不是有效的 PDF 文件（已损坏或不完整），无法读取。")


def page_count(content: bytes, name: str) -> int:
    try:
        document = PDFDocument(PDFParser(io.BytesIO(content)))
        pages = resolve1(document.catalog.get("Pages"))
        count = resolve1(pages.get("Count")) if isinstance(pages, dict) else None
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise DisclosureReadError(f"文件“{name}”是加密的 PDF，请去除密码后再导入。") from exc
    except Exception as exc:
        raise _damaged(name) from exc
    if not isinstance(count, int) or count < 0:
        raise _damaged(name)
    return count


def read_pdf(content: bytes, name: str, budget: Budget | None = None) -> Document:
    budget = budget or Budget(name)
    pages = page_count(content, name)
    if pages > limit("DISCLOSURE_MAX_PDF_PAGES"):
        raise DisclosureReadError(
            f"文件“{name}”超过 {limit('DISCLOSURE_MAX_PDF_PAGES')} 页上限（共 {pages} 页），无法导入。"
        )
    document = Document(name=name, format="pdf")
    try:
        pdf = pdfplumber.open(io.BytesIO(content))
    except Exception as exc:
        raise _damaged(name) from exc
    with pdf:
        for page_number, page in enumerate(pdf.pages, start=1):
            budget.check_time()
            if page_number > limit("DISCLOSURE_MAX_PDF_PAGES"):
                raise DisclosureReadError(f"文件“{name}”超过 {limit('DISCLOSURE_MAX_PDF_PAGES')} 页上限，无法导入。")
            _read_page(page, page_number, document, budget)
            page.close()
    return document


def _read_page(page, page_number: int, document: Document, budget: Budget) -> None:
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
            budget.row(1)
            text = markup_to_text(payload)
            if text:
                document.blocks.append(Block(kind="paragraph", text=text, location=location))
            continue
        rows = []
        for row in payload.extract():
            budget.row(len(row))
            rows.append(Row(cells=[markup_to_text(cell or "") for cell in row], location=location))
        continues = index == 0 and document.blocks and document.blocks[-1].kind == "table"
        if continues and rows:
            rows[0].after_break = True
            document.blocks[-1].rows.extend(rows)
        else:
            document.blocks.append(Block(kind="table", location=location, rows=rows))
