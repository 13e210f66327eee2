"""Plain-text and markdown disclosures, as published or converted from PDF/Word.

Table rows come in several shapes, recognised per line:
- cells separated by TABs (one row per line; a blank line between rows of one table is a page break);
- one cell per line, each line starting with a TAB, rows separated by one blank line (two or more
  blank lines: a page break);
- markdown pipes (``| a | b |``) or cells separated by `` | ``;
- runs of two or more spaces, when that gives three or more cells that are not single letters
  (letter-spaced titles such as ``项  目  支  出`` stay text);
- one cell per line written ``cell |`` (an empty cell is a lone ``|``, and further pipes after a
  cell pad the rest of its row, as web pages flattened to text print them): these lines make a
  "cells" block whose rows are the printed lines, because the table rows themselves are not known.
Everything else is a heading (markdown ``#`` or a short title line) or a paragraph.
"""

import re

from .cleaning import markup_to_text
from .limits import Budget, limit
from .structure import Block, DisclosureReadError, Document, Location, Row

_HEADING = re.compile(r"^(#{1,6})\s*(.*)$")
_PIPE_SEPARATOR = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?$")
_SPACE_RUN = re.compile(r"(?:\s{2,}|\u3000+)")
_CELL_LINE = re.compile(r"^(?P<text>[^|]*?)\s*\|(?P<pad>[\s|]*)$")


def _is_blank(line: str) -> bool:
    return not line.strip()


def _is_single_cell_line(line: str) -> bool:
    return line.startswith("\t") and "\t" not in line[1:]


def _split_pipes(line: str, in_table: bool = False) -> list[str] | None:
    stripped = line.strip()
    if stripped.startswith("|") and stripped.endswith("|") and stripped.count("|") >= 2:
        return [cell.strip() for cell in stripped[1:-1].split("|")]
    if stripped.count(" | ") >= 1 and (stripped.count("|") >= 2 or in_table):
        return [cell.strip() for cell in stripped.split("|")]
    return None


def _split_spaces(line: str) -> list[str] | None:
    cells = [cell for cell in _SPACE_RUN.split(line.strip()) if cell]
    if len(cells) < 3:
        return None
    if sum(1 for cell in cells if len(cell) >= 2) < 2:
        return None
    return cells


def _cells(raw: list[str]) -> list[str]:
    return [markup_to_text(cell) for cell in raw]


def _cell_line(line: str) -> list[str] | None:
    """ "cell |" or "|" or "cell | |||": the cell, then one empty cell per padding pipe."""
    match = _CELL_LINE.match(line.strip())
    if match is None or (line.strip().startswith("|") and match.group("text")):
        return None
    return [match.group("text").strip()] + [""] * match.group("pad").count("|")


class _Builder:
    def __init__(self, name: str):
        self.document = Document(name=name, format="text")
        self.table: Block | None = None
        self.cells: Block | None = None
        self.pending_break = False
        self.blank_lines = 0

    def cell_line(self, cells: list[str], line_no: int):
        self.table = None
        if self.cells is None:
            self.cells = Block(kind="cells", location=Location(line=line_no), gap_before=self.blank_lines)
            self.document.blocks.append(self.cells)
        self.cells.rows.append(Row(cells=_cells(cells), location=Location(line=line_no)))
        self.blank_lines = 0

    def row(self, raw_cells: list[str], line_no: int):
        self.blank_lines = 0
        self.cells = None
        if self.table is None:
            self.table = Block(kind="table", location=Location(line=line_no))
            self.document.blocks.append(self.table)
            self.pending_break = False
        self.table.rows.append(
            Row(cells=_cells(raw_cells), location=Location(line=line_no), after_break=self.pending_break)
        )
        self.pending_break = False

    def text(self, kind: str, text: str, line_no: int, level: int = 0):
        self.table = None
        self.cells = None
        cleaned = markup_to_text(text)
        if cleaned:
            self.document.blocks.append(
                Block(
                    kind=kind, location=Location(line=line_no), text=cleaned, level=level, gap_before=self.blank_lines
                )
            )
        self.blank_lines = 0


def read_text(text: str, name: str, budget: Budget | None = None) -> Document:
    budget = budget or Budget(name)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if len(lines) > budget.rows_left:
        raise DisclosureReadError(f"文件“{name}”超过 {limit('DISCLOSURE_MAX_ROWS'):,} 行上限，无法导入。")
    single_cell_lines = sum(1 for line in lines if _is_single_cell_line(line) and line.strip())
    multi_cell_lines = sum(1 for line in lines if line.count("\t") >= 1 and not _is_single_cell_line(line))
    cell_per_line = single_cell_lines > multi_cell_lines

    builder = _Builder(name)
    index = 0
    while index < len(lines):
        line = lines[index]
        line_no = index + 1
        budget.row(line.count("\t") + line.count("|") + 1)
        if _is_blank(line) and not (cell_per_line and _is_single_cell_line(line)):
            blanks = 0
            while (
                index < len(lines)
                and _is_blank(lines[index])
                and not (cell_per_line and _is_single_cell_line(lines[index]))
            ):
                blanks += 1
                index += 1
            if builder.table is not None:
                # Cell-per-line tables separate rows with one blank line; more is a page break.
                builder.pending_break = blanks >= 2 if cell_per_line else True
            builder.blank_lines = blanks
            continue
        if cell_per_line and _is_single_cell_line(line):
            cells = []
            while index < len(lines) and _is_single_cell_line(lines[index]):
                cells.append(lines[index][1:])
                index += 1
            builder.row(cells, line_no)
            continue
        index += 1
        if "\t" in line:
            builder.row(line.split("\t"), line_no)
            continue
        heading = _HEADING.match(line.strip())
        if heading:
            builder.text("heading", heading.group(2), line_no, level=len(heading.group(1)))
            continue
        if _PIPE_SEPARATOR.match(line.strip()) and builder.table is not None:
            continue
        if (cells := _cell_line(line)) is not None:
            builder.cell_line(cells, line_no)
            continue
        cells = _split_pipes(line, builder.table is not None) or _split_spaces(line)
        if cells:
            builder.row(cells, line_no)
            continue
        builder.text("paragraph", line, line_no)
    return builder.document
