"""The grammar: a document read as a stream of cells in reading order, turned into the rows the
sheet reader reads.

Readers know rows for real tables (HTML, Word, Excel, PDF, tab, pipe or space-separated text);
those rows pass through as they are. Everything else is a stream of cells without rows: one cell
per line (``cell |``), one cell per paragraph, lines whose cells are separated by single spaces,
and runs printed with no separator at all. Those are cut at the labels of the vocabulary and
assembled into rows here:

- a fact or fund label takes the value after it (with explicit empty cells, exactly the next cell);
- goal labels printed side by side take the texts after them, in order;
- the columns of a budget block (年初预算 | 全年预算数 | 执行数 | 执行率 | 分值 | 得分) make a header row,
  and each fund label after it takes one value per column (numbers fused together are split so that
  执行率 = 执行数 / 预算数 and 得分 ≤ 分值 hold);
- indicator header labels make the header row; the header tells which cells follow a name, and the
  records after it (一级/二级 labels, a name, its cells) are assembled into rows aligned to it. A
  record run with no separators is split at value shapes (`records.py`).

Every row assembled by shape carries a note saying so, for the preview to highlight.
"""

import re
from dataclasses import dataclass, field
from functools import lru_cache

from budgets.readers import Document, Location

from ..levels import level1_code, level1_for, level2_code
from . import vocabulary as v
from .labels import (
    budget_column,
    ends_table,
    fund_label,
    goal_period,
    header_role,
    is_budget_block_label,
    is_chrome,
    is_ignored,
    is_sheet_title,
    level1_label,
    level2_label,
    points_suffix,
    project_field,
)
from .records import parse_line_record, parse_run_records, split_budget_values
from .text_utils import nfkc_compact

SPLIT_BY_SHAPE = "单元格按数值形状拆分"
FUSED_NUMBERS = "数字粘连，按列拆分"


@dataclass
class Line:
    """A row for the sheet reader: cells as printed, where it came from, and how it was read."""

    cells: list[str]
    location: Location
    after_break: bool = False
    is_text: bool = False
    is_heading: bool = False
    gap_before: int = 0
    aligned: bool = False  # assembled here, each cell in its header column
    notes: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        return " ".join(cell for cell in self.cells if cell.strip())


# -- kinds of pieces -------------------------------------------------------------------------------

TITLE, FACT, FUND, GOAL, BLOCK, BUDGET, HEADER, L1, L2, L12, POINTS, END, IGNORED, CHROME, TEXT, EMPTY = (
    "TITLE FACT FUND GOAL BLOCK BUDGET HEADER L1 L2 L12 POINTS END IGNORED CHROME TEXT EMPTY".split()
)
_LABEL_KINDS = {FACT, FUND, GOAL, BLOCK, BUDGET, HEADER, L1, L2, L12, END, IGNORED}
_NUMBERED = re.compile(r"^(?:\d+[.、．]|[一二三四五六七八九十]+、|[(（][一二三四五六七八九十\d]+[)）])")
_SECTION = re.compile(r"^(?:第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）])")
_SUBTOTAL = re.compile(r"^[(（][一二三四五六七八九十]+[)）].{2,12}(?:小计|合计)$")


@lru_cache(maxsize=65536)
def classify(text: str) -> str:
    key = nfkc_compact(text)
    if not key:
        return EMPTY
    if len(key) > 40:
        return TEXT
    if is_sheet_title(text):
        return TITLE
    if is_chrome(text):
        return CHROME
    numbered = bool(_NUMBERED.match(key)) and not _SUBTOTAL.match(key)
    if numbered:
        return TEXT
    if points_suffix(text):
        return POINTS
    one, two = level1_label(text), level2_label(text)
    if one and two:
        return L12
    if one:
        return L1
    if two:
        return L2
    if fund_label(text):
        return FUND
    if budget_column(text) in {"initial", "full_year", "adjusted", "executed", "rate"}:
        return BUDGET
    if is_budget_block_label(text):
        return BLOCK
    if header_role(text) and header_role(text) != "project":
        return HEADER
    if project_field(text):
        return FACT
    if ends_table(text):
        return END
    if re.search(r"[(（]\s*\d+\s*分\s*[)）]$", key):  # "绩效指标(90分)", "年度绩效目标(90分)": a section stub
        return IGNORED
    if goal_period(text):
        return GOAL
    if is_ignored(text):
        return IGNORED
    if budget_column(text):
        return BUDGET
    return TEXT


# -- cutting text at labels ------------------------------------------------------------------------


def _forms() -> list[str]:
    levels = {word + suffix for word in v.LEVEL_WORDS for suffix in ("指标", "目标")}
    levels = {form for form in levels if len(form) >= 4}
    headers, goals, ends = set(v.RUN_HEADER_LABELS), set(v.RUN_GOAL_LABELS), set(v.RUN_END_LABELS)
    facts = {key for key in v.PROJECT_LABELS if len(key) >= 4}
    funds = {key for key in v.FUND_LABELS if len(key) >= 4}
    budget = {key for key in v.BUDGET_COLUMNS if len(key) >= 3} | {"分值", "权重", "得分"}
    blocks = {key + "(万元)" for key in v.BUDGET_BLOCK_LABELS} | set(v.BUDGET_BLOCK_LABELS)
    forms = levels | headers | goals | ends | facts | funds | budget | blocks
    return sorted({nfkc_compact(form) for form in forms}, key=len, reverse=True)


_SPACE = r"\s*"


@lru_cache(maxsize=1)
def _label_pattern() -> re.Pattern:
    alternatives = [_SPACE.join(re.escape(char) for char in form) for form in _forms()]
    sub_fund = r"其中[:：]\s*[\u4e00-\u9fff、]{2,16}?(?:资金|拨款)"
    points = r"(?:\s*[(（]\s*\d+(?:\s*-\s*\d+)?\s*分?\s*[)）]\s*分?)?"
    suffix = r"(?:\s*[(（][A-Za-z/]{1,3}[)）]|\s*[(（](?:万元|元|盖章)[)）])?(?:\s*[:：])?"
    return re.compile(rf"(?:{sub_fund}|(?:{'|'.join(alternatives)}){points}){suffix}")


@dataclass
class Piece:
    text: str
    kind: str
    location: Location
    glued: bool = False  # no whitespace between this piece and the one before


def cut_at_labels(text: str, location: Location) -> list[Piece]:
    """A line cut at every label it holds; text between labels is kept as one piece."""
    pieces, position = [], 0
    for match in _label_pattern().finditer(text):
        kind = classify(match.group())
        if kind in {TEXT, EMPTY}:
            continue
        before = text[position : match.start()]
        if before.strip():
            pieces.append(Piece(before.strip(), TEXT, location, glued=_glued(text, position, pieces)))
        glued = match.start() > 0 and not text[match.start() - 1].isspace() and text[match.start() - 1] not in ":："
        pieces.append(Piece(match.group().strip(), kind, location, glued=glued))
        position = match.end()
    rest = text[position:]
    if rest.strip():
        pieces.append(Piece(rest.strip(), TEXT, location, glued=_glued(text, position, pieces)))
    return pieces


def _glued(text: str, position: int, pieces: list) -> bool:
    """Text right after a label with no space or colon between them: a run printed without separators."""
    return bool(pieces) and position < len(text) and not text[position].isspace() and text[position - 1] not in ":："


_TITLE_IN_RUN = re.compile(
    r"[^。；;:：!！?？]{0,40}?绩效(?:目标)?(?:自评|申报|审批|批复)?表(?:\s*[(（]\s*20\d{2}\s*年度?\s*[)）])?"
)
_DATE = re.compile(r"20\d{2}年\d{1,2}月\d{1,2}日")


def _title_in_run(text: str) -> tuple[int, int] | None:
    """Where a sheet title sits inside a run that goes on with labels (a table with no separators)."""
    found = None
    for match in _TITLE_IN_RUN.finditer(text):
        start = match.start()
        dates = list(_DATE.finditer(text, start, match.end()))
        if dates:
            start = dates[-1].end()
        after = text[match.end() : match.end() + 12]
        if any(classify(m.group()) in {FACT, FUND} for m in _label_pattern().finditer(after) if m.start() == 0):
            found = (start, match.end())
    return found


_PAGE_MARK = re.compile(r"^(\d{1,3})、")


# -- the assembler ---------------------------------------------------------------------------------


@dataclass
class _Record:
    level1: str = ""
    level2: str = ""
    name: str = ""
    cells: list = field(default_factory=list)
    location: Location | None = None
    notes: list = field(default_factory=list)
    labels: list = field(default_factory=list)  # (kind, text) of the 一级/二级 labels before the name


def _owned_by(level1: str, label: str) -> bool:
    code = level1_code(level1)
    return bool(code) and level1_for("", level2_code(label, code)) == code


class Assembler:
    def __init__(self):
        self.lines: list[Line] = []
        self.mode = "facts"  # facts | budget | header | records
        self.in_sheet = False
        self.row: list[str] | None = None
        self.row_kind = ""  # fact | goal | budget_header | block
        self.row_location: Location | None = None
        self.row_notes: list[str] = []
        self.expect = 0  # cells the open row still takes (explicit-empty streams)
        self.explicit = False  # the stream prints empty cells
        self.budget_columns: list[str] = []
        self.budget_reference: tuple | None = None
        self.header: list[str] = []
        self.header_location: Location | None = None
        self.after_name: list[str] = []  # roles of the cells after a name
        self.layout = "cell"  # how the header came: cell | line | run
        self.record: _Record | None = None
        self.level_memory: dict[str, str] = {}  # "L1-vocabulary" -> level used in this table
        self.current_level1 = ""
        self.only_level2 = False  # the table has printed 二级 labels and no 一级 one
        self.pending_header: Line | None = None
        self.issues: list[tuple[str, Location]] = []  # what could not be read, with where

    # -- output ------------------------------------------------------------------------------------

    def emit(self, line: Line) -> None:
        self.lines.append(line)

    def text_line(self, text: str, location: Location, *, heading=False, gap=0) -> None:
        self.flush()
        if self.mode == "facts" and (len(nfkc_compact(text)) > 40 or _NUMBERED.match(nfkc_compact(text))):
            self.in_sheet = False  # prose or a numbered section: the sheet is over
        self.emit(Line([text], location, is_text=True, is_heading=heading, gap_before=gap))

    def flush(self) -> None:
        self.finish_record()
        if self.mode == "header":
            self.close_header()
        if self.row is not None:
            self.emit(Line(self.row, self.row_location, notes=tuple(self.row_notes)))
        self.row, self.row_kind, self.row_notes, self.expect = None, "", [], 0

    # -- reader rows -------------------------------------------------------------------------------

    def reader_row(self, cells: list[str], location: Location, after_break: bool) -> None:
        filled = [cell for cell in cells if cell.strip()]
        if len(filled) <= 1 and self.mode != "rows":
            kind = classify(filled[0]) if filled else EMPTY
            if kind not in {TEXT, EMPTY} or self.row is not None or self.mode in {"records", "header"}:
                self.piece(Piece(filled[0] if filled else "", kind, location), explicit=True)
                if len(cells) > 1:
                    self.end_of_row()
                return
        self.flush()
        kinds = [classify(cell) for cell in filled]
        roles = [header_role(cell) for cell in filled]
        if self.pending_header is not None:
            merged = _merge_header(self.pending_header.cells, cells)
            self.pending_header = None
            if merged is not None:
                self.emit(Line(merged, location, after_break))
                self._enter_records(merged, "row")
                return
        if sum(1 for role in roles if role) >= 3 and not {"level1", "level2", "level3"} & set(roles):
            if sum(1 for kind in kinds if kind in {HEADER, BUDGET}) >= 3 and any(r == "value" for r in roles):
                self.pending_header = Line(cells, location, after_break)
                return
        self.emit(Line(cells, location, after_break))
        if _is_indicator_header(filled):
            self._enter_records(cells, "row")
        elif any(kind == TITLE for kind in kinds) or any(project_field(cell) == "name" for cell in filled):
            self.in_sheet = True
            self.mode = "facts"

    def _enter_records(self, header: list[str], layout: str) -> None:
        self.mode, self.layout, self.in_sheet = "records" if layout != "row" else "rows", layout, True
        self.level_memory = {}

    def end_of_row(self) -> None:
        if self.record is not None and self.record.name:
            self.finish_record()
        if self.row is not None and self.row_kind not in {"goal"}:
            self.flush()

    # -- pieces ------------------------------------------------------------------------------------

    def piece(self, piece: Piece, *, explicit: bool, source: str = "") -> None:
        """One cell of the stream. `source`: cell (a stream that prints empty cells), para (one
        paragraph is one cell), line (cells separated by single spaces), run (no separators)."""
        source = source or ("cell" if explicit else "line")
        if self.pending_header is not None:
            held, self.pending_header = self.pending_header, None
            self.emit(held)
        kind = piece.kind
        if self.row_kind == "budget_header" and budget_column(piece.text):
            kind = BUDGET
        if self.mode == "header" and kind in {FACT} and header_role(piece.text) == "project":
            kind = HEADER
        if self.mode == "header" and kind not in {HEADER, IGNORED} and not (kind == TEXT and _is_stub(piece.text)):
            if not self.close_header():
                self.mode = "facts"
        if self.mode == "rows" and kind in {TEXT, EMPTY} and self.row is None:
            return  # stray cells after a table read by rows
        if kind == EMPTY:
            self._empty(explicit)
            return
        if kind in {TITLE, CHROME}:
            self.flush()
            self.mode = "facts"
            self.in_sheet = kind == TITLE or self.in_sheet
            self.emit(Line([piece.text], piece.location, is_text=True, is_heading=kind == TITLE))
            return
        if self.mode == "records":
            if self._record_piece(piece, kind, explicit, source):
                return
        if kind == HEADER or (kind == IGNORED and _opens_indicators(piece.text)):
            if self.mode != "header":
                self.flush()
                self.mode, self.header, self.header_location = "header", [], piece.location
                self.layout = "run" if piece.glued else source
            if kind == HEADER:
                self.header.append(piece.text)
            return
        if kind == BLOCK:
            self.flush()
            self.mode, self.budget_columns, self.in_sheet = "budget", [], True
            self.budget_reference = None
            self.row, self.row_kind, self.row_location = [piece.text], "block", piece.location
            return
        if kind == BUDGET:
            if self.row_kind != "budget_header":
                self.flush()
                self.row, self.row_kind, self.row_location = [], "budget_header", piece.location
                self.mode = "budget"
            self.row.append(piece.text)
            self.budget_columns.append(piece.text)
            return
        if kind in {FACT, FUND, IGNORED, END}:
            self.flush()
            if kind == END:
                self.mode = "facts"
                self.emit(Line([piece.text], piece.location, is_text=True))
                return
            if kind != FUND and self.mode == "budget":
                self.mode = "facts"
            self.in_sheet = True
            self.row, self.row_kind, self.row_location = [piece.text], "fact", piece.location
            columns = len(self.budget_columns) if kind == FUND and self.mode == "budget" else 1
            self.expect = columns if explicit else 0
            self.explicit = explicit
            return
        if kind == GOAL:
            if self.row_kind != "goal" or len(self.row) > self._goal_labels():
                self.flush()
                self.row, self.row_kind, self.row_location = [], "goal", piece.location
                self.mode = "facts"
            self.row.append(piece.text)
            return
        if kind in {L1, L2, L12, POINTS}:
            self.flush()
            return  # a level label outside a table
        self._text(piece, explicit)

    def _goal_labels(self) -> int:
        return sum(1 for cell in self.row or [] if classify(cell) == GOAL)

    def _empty(self, explicit: bool) -> None:
        if self.mode == "records" and self.record is not None and self.record.name:
            self.record.cells.append("")
            self._record_complete()
        elif self.row is not None and explicit and self.expect > 0:
            self.row.append("")
            self.expect -= 1
            if self.expect == 0:
                self.flush()

    def _text(self, piece: Piece, explicit: bool) -> None:
        text = piece.text
        if self.row is None:
            self.emit(Line([text], piece.location, is_text=not explicit))
            return
        if self.row_kind == "fact" and self.mode == "budget" and len(self.budget_columns) > 1 and not explicit:
            roles = tuple(budget_column(c) for c in self.budget_columns)
            values = split_budget_values(text, roles, self.budget_reference)
            if values is not None and len(values) > 1:
                self.budget_reference = self.budget_reference or tuple(values)
                self.row.extend(values)
                self.row_notes.append(FUSED_NUMBERS)
                self.flush()
                return
        self.row.append(text)
        if self.expect:
            self.expect -= 1
            if self.expect == 0:
                self.flush()

    # -- the indicator header ----------------------------------------------------------------------

    def close_header(self) -> bool:
        header = _order_header(self.header)
        self.mode = "facts"
        if not _is_indicator_header(header):
            if self.header:
                self.emit(Line(list(self.header), self.header_location))
            self.header = []
            return False
        roles = [header_role(cell) for cell in header]
        name_role = "level3" if "level3" in roles else ("level2" if "level2" in roles else "level1")
        name_at = max(i for i, role in enumerate(roles) if role == name_role)
        self.after_name = [role or "explanation" for role in roles[name_at + 1 :] if role != "project"]
        columns = ["一级指标", "二级指标", "三级指标", *header[name_at + 1 :]]
        self.emit(Line(columns, self.header_location, aligned=True))
        self.header = []
        self.mode, self.level_memory, self.current_level1, self.only_level2 = "records", {}, "", False
        return True

    # -- records -----------------------------------------------------------------------------------

    def _record_piece(self, piece: Piece, kind: str, explicit: bool, source: str) -> bool:
        if kind in {L1, L2, L12}:
            if self.record is not None and self.record.name:
                self.finish_record()
            record = self.record or _Record(location=piece.location)
            self.record = record
            record.labels.append((kind, piece.text))
            return True
        if kind == POINTS:
            record = self.record
            if record is not None and not record.name and record.labels:
                kind, text = record.labels[-1]
                record.labels[-1] = (kind, text + piece.text)
            return True
        if kind == EMPTY:
            return False
        if kind == TEXT:
            self._record_text(piece, source)
            return True
        if kind == END or kind in {FACT, FUND, GOAL, BLOCK, BUDGET, TITLE} or kind == HEADER:
            self.finish_record()
            self.mode = "facts"
            return False
        return True

    def _assign_levels(self, record: _Record) -> None:
        """Which level each printed label fills. Two labels in a row are 一级 then 二级; a table whose
        二级 column holds labels usually printed as 一级 (实施效果指标 | 产出指标) keeps doing so; a
        label that is both (成本指标) is the 二级 of the 一级 in force when that 一级 owns it."""
        labels = record.labels
        if not labels:
            return
        higher = [text for kind, text in labels[:-1] if kind in {L1, L12}]
        if len(labels) >= 2 and higher:
            second_kind, second = labels[-1]
            record.level1, record.level2 = higher[-1], second
            if second_kind in {L1, L12}:
                self.level_memory["L1"] = "level2"
        elif len(labels) >= 2:
            record.level2 = labels[-1][1]  # 二级 labels with no indicator of their own
        else:
            kind, text = labels[0]
            if kind == L2 or (kind == L1 and self.level_memory.get("L1") == "level2"):
                record.level2 = text
            elif kind == L12 and (_owned_by(self.current_level1, text) or self.only_level2):
                record.level2 = text
            else:
                record.level1 = text
        if record.level1:
            self.current_level1 = record.level1
        self.only_level2 = not self.current_level1 and bool(record.level2)

    def _record_text(self, piece: Piece, source: str) -> None:
        record = self.record
        if source == "run" or (self.layout == "run" and source != "cell") or piece.glued:
            self._run_records(piece)
            return
        if source == "line":
            self.finish_record()
            parsed = parse_line_record(piece.text, self.after_name)
            record = self.record or _Record(location=piece.location)
            if parsed is None:
                record.name, record.cells = piece.text, []
            else:
                record.name, record.cells = parsed
                record.notes.append(SPLIT_BY_SHAPE)
            record.location = record.location or piece.location
            self.record = record
            self.finish_record()
            return
        if record is None:
            record = self.record = _Record(location=piece.location)
        if not record.name:
            record.name = piece.text
            record.location = piece.location
            return
        record.cells.append(piece.text)
        self._record_complete()

    def _run_records(self, piece: Piece) -> None:
        self.finish_record()
        parsed = parse_run_records(re.sub(r"\s+", "", piece.text), self.after_name)
        if not parsed:
            self.issues.append((f"无法按指标读取的文字“{_short(piece.text)}”", piece.location))
            self.emit(Line([piece.text], piece.location, is_text=True))
            return
        records, tail = parsed
        if tail:
            self.issues.append((f"无法按指标读取的文字“{_short(tail)}”（可能被截断），未导入", piece.location))
        record = self.record or _Record(location=piece.location)
        for name, cells in records:
            record.name, record.cells = name, cells
            record.location = record.location or piece.location
            record.notes.append(SPLIT_BY_SHAPE)
            self.record = record
            self.finish_record()
            record = _Record(location=piece.location)

    def _record_complete(self) -> None:
        record = self.record
        if record is not None and record.name and len(record.cells) >= len(self.after_name):
            self.finish_record()

    def finish_record(self) -> None:
        record = self.record
        if record is None:
            return
        if not record.name and not record.labels:
            self.record = None
            return
        self._assign_levels(record)
        cells = [record.level1, record.level2, record.name, *record.cells[: len(self.after_name)]]
        cells += [""] * (3 + len(self.after_name) - len(cells))
        self.emit(Line(cells, record.location, aligned=True, notes=tuple(record.notes)))
        self.record = None

    # -- paragraphs --------------------------------------------------------------------------------

    def _held_text(self, piece: Piece, glued: bool, *, last: bool) -> None:
        if not glued and last and self.mode == "records":
            self._record_text(piece, "line")
        else:
            self.piece(piece, explicit=False, source="run" if glued else "line")

    def paragraph(self, text: str, location: Location, *, heading: bool, gap: int) -> None:
        key = nfkc_compact(text)
        if self.mode == "rows":
            self.mode = "facts"
        if gap:
            self.end_of_row()
        pieces = cut_at_labels(text, location)
        labels = [p for p in pieces if p.kind in _LABEL_KINDS | {TITLE}]
        para = "para" if self.layout == "para" or " " not in text.strip() else "line"
        if not labels and self.mode == "records" and _SECTION.match(key):
            self.flush()
            self.mode, self.in_sheet = "facts", False
            self.text_line(text, location, heading=heading, gap=gap)
            return
        if not labels:
            kind = classify(text)
            if kind in {TITLE, CHROME, POINTS} or (self.mode in {"records", "header"} and kind != TEXT):
                self.piece(Piece(text, kind, location), explicit=False, source=para)
                return
            if self.mode == "records" or self.row is not None:
                self.piece(Piece(text, TEXT, location), explicit=False, source=para)
                return
            self.text_line(text, location, heading=heading, gap=gap)
            return
        if len(pieces) == 1 and labels:
            self.piece(pieces[0], explicit=False, source="para")
            return
        title = _title_in_run(text) if len(key) > 60 else None
        if title is not None:
            start, end = title
            if text[:start].strip():
                self.text_line(text[:start].strip(), location)
            self.piece(Piece(text[start:end].strip(), TITLE, location), explicit=False)
            text = text[end:]
            pieces = cut_at_labels(text, location)
        elif not (self.in_sheet or pieces[0].kind == TITLE):
            self.text_line(text, location, heading=heading, gap=gap)
            return
        if _NUMBERED.match(key) and pieces[0].kind == TEXT and self.mode not in {"records"}:
            self.text_line(text, location, heading=heading, gap=gap)
            return
        glued = any(p.glued for p in pieces)
        source = "run" if glued else "line"
        held: Piece | None = None  # text waiting for the label after it, which may belong to it
        for piece in pieces:
            if self.mode == "records" and piece.kind in _NOT_IN_TABLES and (piece.glued or held):
                piece = Piece(piece.text, TEXT, piece.location, piece.glued)  # "严格执行率": part of a name
            if piece.kind == TEXT:
                held = piece if held is None else Piece(held.text + piece.text, TEXT, held.location, held.glued)
                continue
            if held is not None:
                self._held_text(held, glued, last=False)
                held = None
            self.piece(piece, explicit=False, source=source)
        if held is not None:
            self._held_text(held, glued, last=True)
        if not glued and self.mode != "header":
            self.end_of_row()


_NOT_IN_TABLES = {BUDGET, FUND, BLOCK, GOAL}


def _short(text: str, size: int = 30) -> str:
    text = " ".join(text.split())
    return text if len(text) <= size else text[:size] + "…"


def _is_stub(text: str) -> bool:
    """The first letter of a vertical merged label ("绩", "总") left alone by a flattened table."""
    return len(nfkc_compact(text)) == 1


def _opens_indicators(text: str) -> bool:
    return nfkc_compact(text).startswith("绩效指标")


def _is_indicator_header(cells: list[str]) -> bool:
    roles = {header_role(cell) for cell in cells}
    return ("value" in roles and bool({"level3", "level2"} & roles)) or {"level1", "level2", "level3"} <= roles


def _order_header(labels: list[str]) -> list[str]:
    """A header printed over two rows: the first row names the value group and the columns after it
    (年度指标值 | 实际完成值 | 分值 | 得分), the second the level columns and the parts of the value
    group (一级 | 二级 | 三级 | 指标性质 | 指标值 | 度量单位). Read as one row: levels, parts, the rest."""
    roles = [header_role(label) for label in labels]
    levels = [i for i, role in enumerate(roles) if role in {"level1", "level2", "level3"}]
    if not levels:
        return labels
    first = levels[0]
    before, after = labels[:first], labels[first:]
    if before and roles[0] == "value" and "value" in roles[first:]:
        return after + before[1:]
    return [label for label, role in zip(before, roles[:first], strict=False) if role == "project"] + after


def _merge_header(first: list[str], second: list[str]) -> list[str] | None:
    merged = _order_header([c for c in first if c.strip() and header_role(c)] + [c for c in second if c.strip()])
    return merged if _is_indicator_header(merged) else None


# -- the document ----------------------------------------------------------------------------------


def _join_page_marks(texts: list[tuple[str, Location, bool, int]]) -> list[tuple[str, Location, bool, int]]:
    """Sharing sites number the pages of a document they show as text ("1、" "2、" "3、" at line
    starts). Lines that carry such consecutive numbers and run on into each other are one run."""
    joined: list[tuple[str, Location, bool, int]] = []
    expected = 1
    for text, location, heading, gap in texts:
        match = _PAGE_MARK.match(text.strip())
        if match and int(match.group(1)) == expected and len(text) > 60:
            body = text.strip()[match.end() :]
            if expected > 1 and joined:
                previous = joined[-1]
                joined[-1] = (previous[0] + body, previous[1], previous[2], previous[3])
            else:
                joined.append((body, location, heading, gap))
            expected += 1
            continue
        joined.append((text, location, heading, gap))
    return joined


def read_lines(document: Document) -> tuple[list[Line], list[tuple[str, Location]]]:
    """The rows of the document for the sheet reader, and what could not be read (message, where)."""
    assembler = Assembler()
    pending: list[tuple[str, Location, bool, int]] = []

    def flush_paragraphs():
        for text, location, heading, gap in _join_page_marks(pending):
            assembler.paragraph(text, location, heading=heading, gap=gap)
        pending.clear()

    for block in document.blocks:
        if block.kind == "table":
            flush_paragraphs()
            for row in block.rows:
                assembler.reader_row(row.cells, row.location, row.after_break)
        elif block.kind == "cells":
            flush_paragraphs()
            for row in block.rows:
                first, padding = row.cells[0], len(row.cells) - 1
                assembler.piece(Piece(first, classify(first), row.location), explicit=True)
                if padding:
                    assembler.end_of_row()
        else:
            pending.append((block.text, block.location, block.kind == "heading", block.gap_before))
    flush_paragraphs()
    assembler.flush()
    return assembler.lines, assembler.issues
