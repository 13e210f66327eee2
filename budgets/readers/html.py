"""HTML disclosures: headings, paragraphs and tables (colspan/rowspan expanded to blank cells)."""

import lxml.html
from lxml import etree

from .cleaning import markup_to_text
from .limits import Budget, limit, size_text
from .structure import Block, DisclosureReadError, Document, Location, Row

_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_PARAGRAPHS = {"p", "div", "li", "caption", "title"}


def _inner_html(element) -> str:
    text = element.text or ""
    for child in element:
        text += etree.tostring(child, encoding="unicode", with_tail=True)
    return text


def _table_rows(table, line: int, budget: Budget) -> list[Row]:
    rows: list[Row] = []
    pending: dict[int, int] = {}  # column -> rows still covered by a rowspan from above
    for tr in table.iter("tr"):
        if tr.getparent() is not None and tr.getparent().tag in {"table", "thead", "tbody", "tfoot"}:
            owner = tr.getparent() if tr.getparent().tag == "table" else tr.getparent().getparent()
            if owner is not table:
                continue
        cells: list[str] = []
        column = 0
        for td in tr:
            if td.tag not in {"td", "th"}:
                continue
            while pending.get(column):
                pending[column] -= 1
                cells.append("")
                column += 1
            cells.append(markup_to_text(_inner_html(td)))
            span = int(td.get("colspan", "1") or 1) if str(td.get("colspan", "1")).isdigit() else 1
            rowspan = int(td.get("rowspan", "1") or 1) if str(td.get("rowspan", "1")).isdigit() else 1
            span, rowspan = max(1, min(span, budget.columns)), max(1, min(rowspan, budget.rows_left))
            for offset in range(span):
                if offset:
                    cells.append("")
                if rowspan > 1:
                    pending[column + offset] = rowspan - 1
            column += span
        while pending.get(column):
            pending[column] -= 1
            cells.append("")
            column += 1
        budget.row(len(cells))
        rows.append(Row(cells=cells, location=Location(line=line)))
    return rows


def read_html(content: str, name: str, budget: Budget | None = None) -> Document:
    budget = budget or Budget(name)
    tags = content.count("<")
    if tags > limit("DISCLOSURE_MAX_XML_NODES"):
        raise DisclosureReadError(
            f"文件“{name}”的 HTML 标签超过 {limit('DISCLOSURE_MAX_XML_NODES'):,} 个上限，无法导入。"
        )
    document = Document(name=name, format="html")
    try:
        root = lxml.html.document_fromstring(content, parser=lxml.html.HTMLParser(huge_tree=False))
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise DisclosureReadError(f"文件“{name}”不是有效的 HTML 文件，无法读取。") from exc
    depth_limit = limit("DISCLOSURE_MAX_XML_DEPTH")
    for element in root.iter():
        budget.tick()
        if not isinstance(element.tag, str):
            continue
        if len(element.text or "") > limit("DISCLOSURE_MAX_NODE_BYTES"):
            raise DisclosureReadError(
                f"文件“{name}”有单个文字块超过 {size_text(limit('DISCLOSURE_MAX_NODE_BYTES'))} 上限，无法导入。"
            )
        ancestors = [ancestor.tag for ancestor in element.iterancestors()]
        if len(ancestors) > depth_limit:
            raise DisclosureReadError(f"文件“{name}”的 HTML 嵌套超过 {depth_limit} 层上限，无法导入。")
        if "table" in ancestors:
            continue
        line = element.sourceline or 0
        if element.tag == "table":
            rows = _table_rows(element, line, budget)
            document.blocks.append(Block(kind="table", location=Location(line=line), rows=rows))
        elif element.tag in _HEADINGS:
            text = markup_to_text(_inner_html(element))
            if text:
                document.blocks.append(
                    Block(kind="heading", location=Location(line=line), text=text, level=int(element.tag[1]))
                )
        elif element.tag in _PARAGRAPHS and not any(child.tag in _PARAGRAPHS | {"table"} for child in element):
            text = markup_to_text(_inner_html(element))
            if text:
                budget.row(1)
                document.blocks.append(Block(kind="paragraph", location=Location(line=line), text=text))
    return document
