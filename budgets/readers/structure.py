"""The neutral structure every reader produces: headings, paragraphs and tables of rows of cells.

Cells are plain text (HTML removed, paragraphs joined by newlines). Every block and row knows where
it came from (line of a text file, page of a PDF, sheet of a workbook) so that values keep their
provenance, and a row knows whether a page break came right before it.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Location:
    line: int | None = None
    page: int | None = None
    sheet: str | None = None

    def describe(self) -> str:
        parts = []
        if self.sheet:
            parts.append(f"工作表“{self.sheet}”")
        if self.page is not None:
            parts.append(f"第{self.page}页")
        if self.line is not None:
            parts.append(f"第{self.line}行")
        return "".join(parts) or "文件开头"


@dataclass
class Row:
    cells: list[str]
    location: Location
    after_break: bool = False
    aligned: bool = False  # cells placed in their header's columns by the extraction grammar
    notes: tuple = ()  # uncertain readings of the row (e.g. cells split by shape)

    @property
    def filled(self) -> list[str]:
        return [cell for cell in self.cells if cell.strip()]


@dataclass
class Block:
    kind: str  # "heading" | "paragraph" | "table"
    location: Location
    text: str = ""
    level: int = 0
    rows: list[Row] = field(default_factory=list)
    gap_before: int = 0  # blank lines before this block in a text file


@dataclass
class Document:
    name: str
    format: str
    blocks: list[Block] = field(default_factory=list)

    @property
    def tables(self) -> list[Block]:
        return [block for block in self.blocks if block.kind == "table"]

    def text_lines(self, limit: int | None = None) -> list[str]:
        """Headings and paragraphs in order (the cover, titles, notes), for metadata detection."""
        lines = [block.text for block in self.blocks if block.kind != "table" and block.text.strip()]
        return lines[:limit] if limit else lines


class DisclosureReadError(Exception):
    """A file that cannot be read as a disclosure. The message is Chinese and names the file."""
