"""Splitting printed text into cells by the shapes of values, where no separator survived.

- `parse_line_record`: a row printed on one line with single spaces between cells (names may hold
  spaces too): the name is what is left once the cells after it take the last tokens by shape.
- `parse_run_records`: records printed with no separator at all ("安装坡面水标尺10≥266米≥266米10…"):
  a search over the ways of cutting the run into name + cells, scored by how well the cells fit
  their columns (a target and its actual share a unit, a score is at most its weight, a number is
  never cut from the name beside it).
- `split_budget_values`: a fund row's fused numbers ("202010100.00%10") cut into the budget
  columns so that 执行率 = 执行数 / 预算数 and 得分 ≤ 分值.

Every search is bounded: names, values and runs have maximum lengths, so the work grows linearly
with the document.
"""

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from . import vocabulary as v
from .shapes import (
    fits,
    is_quantity,
    is_unit,
    is_value,
    starts_explanation,
    starts_reason,
    unit_of,
)

MAX_NAME = 60
MAX_VALUE = 24
MAX_RUN = 3000
_CJK = re.compile(r"[\u4e00-\u9fff]")
_BAD_NAME_END = "、，,;；:：(（≥≤><=+-"
_RECORD_SIGN = re.compile(r"[\d≥≤><=%]")
_JUNK = re.compile(r"^[\s.。…·、，,;；:：*＊\-—_|]*$")


def _fits(role: str, text: str) -> bool:
    return fits(role, text, strict=True)


def _number(text: str) -> Decimal | None:
    try:
        return Decimal(text.rstrip("分%"))
    except InvalidOperation:
        return None


# -- one line, single spaces -----------------------------------------------------------------------


def parse_line_record(text: str, roles: list[str]) -> tuple[str, list[str]] | None:
    tokens = text.split()
    if len(tokens) < 2:
        return None
    best = None
    for cut in range(1, len(tokens)):
        cells = _assign_tokens(tokens[cut:], roles)
        if cells is None:
            continue
        strict = sum(1 for role, cell in zip(roles, cells, strict=False) if cell and role not in {"explanation"})
        key = (strict, cut)
        if best is None or key > best[0]:
            best = (key, " ".join(tokens[:cut]), cells)
    return (best[1], best[2]) if best else None


def _assign_tokens(tokens: list[str], roles: list[str]) -> list[str] | None:
    """Tokens to roles in order, each token one role; a role may be left empty. Free-text columns
    take the last tokens only."""
    cells, position = [], 0
    for index, role in enumerate(roles):
        if position >= len(tokens):
            cells.append("")
            continue
        token = tokens[position]
        if role in {"explanation", "reason"} and not _fits(role, token):
            if index == len(roles) - 1:
                cells.append(" ".join(tokens[position:]))
                position = len(tokens)
            else:
                cells.append("")
            continue
        if _fits(role, token):
            cells.append(token)
            position += 1
        elif role == "value":
            return None
        else:
            cells.append("")
    return cells if position == len(tokens) else None


# -- runs with no separators -----------------------------------------------------------------------


def parse_run_records(text: str, roles: list[str]) -> tuple[list[tuple[str, list[str]]], str] | None:
    """The records of a run and the text at its end that could not be read as a record (a row cut
    by the end of the page), or None when nothing in it reads as a record."""
    if not text or len(text) > MAX_RUN or "value" not in roles:
        return None
    parsed = _RunParser(text, tuple(roles)).parse()
    if not parsed or not parsed[0]:
        return None
    return parsed


_VALUE_OPENERS = frozenset(
    "0123456789≥≤><=≧≦⩾⩽﹦＝按不未至达大小高低超"
    + "".join(word[0] for word in (*v.QUALITATIVE_WORDS, *v.QUALITATIVE_ADVERBS, *v.QUALITATIVE_VERBS))
)


def _openers(roles: tuple[str, ...]) -> frozenset:
    """Characters the cells after a name can start with (the first role that must be printed decides)."""
    chars = set()
    for role in roles:
        if role in {"weight", "score"}:
            chars |= set("0123456789")
        elif role in {"value", "actual"}:
            chars |= _VALUE_OPENERS
        elif role == "nature":
            chars |= set("≥≤><=≧≦﹦＝定正反不")
        elif role == "explanation":
            chars |= {cue[0] for cue in v.EXPLANATION_CUES}
        elif role == "reason":
            chars |= {cue[0] for cue in v.REASON_CUES}
        if role == "value":
            break
    return frozenset(chars)


class _RunParser:
    def __init__(self, text: str, roles: tuple[str, ...]):
        self.text, self.roles = text, roles
        self.openers = _openers(roles)
        self.best_memo: dict[int, tuple[float, list] | None] = {}
        self.cells_memo: dict[tuple[int, int], list] = {}

    def parse(self):
        result = self.best(0)
        if result is None:
            return None
        records = [record for record in result[1] if not isinstance(record, str)]
        tail = next((record for record in result[1] if isinstance(record, str)), "")
        return records, tail

    def best(self, start: int):
        if start in self.best_memo:
            return self.best_memo[start]
        self.best_memo[start] = None  # no cycles: every record consumes text
        text = self.text
        if _JUNK.match(text[start:]):
            self.best_memo[start] = (0.0, [])
            return self.best_memo[start]
        found = (-50.0 - 0.2 * (len(text) - start), [text[start:]])  # an unreadable rest, kept to be listed
        for end in range(start + 2, min(len(text), start + MAX_NAME) + 1):
            if end < len(text) and text[end] not in self.openers:
                continue  # no cell can start here
            options = self.cells(end, 0)
            if not options:
                continue
            name = text[start:end]
            name_score = self._name_score(name, start, end)
            if name_score is None:
                continue
            for cell_end, cells, cell_score in options:
                if cell_end < len(text) and text[cell_end - 1].isdigit() and text[cell_end].isdigit():
                    continue
                rest = self.best(cell_end)
                if rest is None or not cells or not cells[self.roles.index("value")]:
                    continue
                score = name_score + cell_score + self._record_score(cells) + rest[0]
                if found is None or score > found[0]:
                    found = (score, [(name, list(cells)), *rest[1]])
        self.best_memo[start] = found
        return found

    def _name_score(self, name: str, start: int, end: int) -> float | None:
        text = self.text
        if not _CJK.search(name) or _JUNK.match(name):
            return None
        if end < len(text) and text[end - 1].isdigit() and text[end].isdigit():
            return None  # a number is never cut from the name beside it
        if start > 0 and name[0].isdigit() and (text[start - 1].isdigit() or text[start - 1] == "%"):
            return None
        if start > 0 and text[start - 1].isdigit() and (is_unit(name[:1]) or is_unit(name[:2])):
            return None  # the unit of the number before it
        if is_value(name) or (is_unit(name[:1]) and name[:1] in "%‰"):
            return None
        score = 0.0
        if name[-1] in _BAD_NAME_END:
            score -= 3
        if name[-1].isdigit():
            score -= 1
        return score

    def cells(self, start: int, index: int) -> list:
        """Ways of reading the cells after a name from `start`: (end, cells, score), best first."""
        key = (start, index)
        if key in self.cells_memo:
            return self.cells_memo[key]
        self.cells_memo[key] = []
        if index == len(self.roles):
            self.cells_memo[key] = [(start, (), 0.0)]
            return self.cells_memo[key]
        role, text, options = self.roles[index], self.text, []
        if role in {"explanation", "reason"}:
            ends = self._free_text_ends(start, role)
        else:
            ends = range(start + 1, min(len(text), start + MAX_VALUE) + 1)
        free = role in {"explanation", "reason"}
        for end in ends:
            cell = text[start:end]
            if not free and not _fits(role, cell):
                continue
            cut = end < len(text) and text[end - 1].isdigit() and text[end].isdigit()
            penalty = -0.5 if cut else 0.0
            if cut and not (
                index + 1 < len(self.roles) and self.roles[index + 1] in {"value", "actual", "weight", "score"}
            ):
                continue
            for rest_end, rest, score in self.cells(end, index + 1):
                options.append((rest_end, (cell, *rest), score + penalty))
        if role != "value":
            for rest_end, rest, score in self.cells(start, index + 1):
                options.append((rest_end, ("", *rest), score - (2.0 if role == "actual" else 0.2)))
        options.sort(key=lambda option: -option[2])
        self.cells_memo[key] = options[:6]
        return self.cells_memo[key]

    def _free_text_ends(self, start: int, role: str) -> list[int]:
        """A reason or explanation runs to a value (explanation) or to the end of the run (reason)."""
        text = self.text
        if role == "reason" and (starts_reason(text[start:]) or not _RECORD_SIGN.search(text, start)):
            return [len(text)]  # the last column: what is left before the next label, if no record hides in it
        if role == "reason" or not starts_explanation(text[start:]):
            return []
        ends = []
        for end in range(start + 2, min(len(text), start + MAX_NAME)):
            if is_value(text[end : end + 2]) or is_quantity(text[end : end + 1]) or text[end] in "≥≤><=":
                ends.append(end)
        return ends[:6]

    def _record_score(self, cells: tuple) -> float:
        values = dict(zip(self.roles, cells, strict=False))
        score = 0.0
        value, actual = values.get("value", ""), values.get("actual")
        if actual:
            if actual == value:
                score += 2
            if unit_of(actual) == unit_of(value) and is_quantity(actual) == is_quantity(value):
                score += 2
        if len(value) == 1 and not value.isdigit():
            score -= 0.5
        weight, points = _number(values.get("weight") or ""), _number(values.get("score") or "")
        if weight is not None and points is not None:
            score += 1 if points <= weight else -3
        return score


# -- budget rows -----------------------------------------------------------------------------------

_AMOUNT = re.compile(r"(?:0|[1-9]\d*)(?:\.\d+)?")
_RATE = re.compile(r"(?:0|[1-9]\d*)(?:\.\d+)?%")
_POINTS = re.compile(r"(?:0|[1-9]\d?|100)(?:\.\d{1,2})?")


def _budget_shape(role: str) -> re.Pattern | None:
    if role in {"initial", "full_year", "adjusted", "executed"}:
        return _AMOUNT
    if role == "rate":
        return _RATE
    if role in {"weight", "score"}:
        return _POINTS
    return None


@lru_cache(maxsize=4096)
def split_budget_values(text: str, roles: tuple | list, reference: tuple | None = None) -> list[str] | None:
    """The cells of a fund row whose numbers were printed with nothing between them."""
    roles = tuple(roles)
    key = re.sub(r"[\s,，]", "", text)
    if not key or len(key) > 40 or not re.fullmatch(r"[\d.%]+", key):
        return None
    shapes = [_budget_shape(role) for role in roles]
    best: tuple | None = None
    for cells in _splits(key, tuple(shape.pattern if shape else "" for shape in shapes)):
        score = _budget_score(dict(zip(roles, cells, strict=False)), reference, roles)
        if best is None or score > best[0]:
            best = (score, cells)
    return list(best[1]) if best else None


def _splits(text: str, patterns: tuple[str, ...]):
    """Every way to cut `text` into consecutive cells matching the patterns (trailing ones may be missing)."""
    if not text:
        yield ()
        return
    if not patterns:
        return
    pattern, rest = patterns[0], patterns[1:]
    if not pattern:
        yield from (("", *tail) for tail in _splits(text, rest))
        return
    for end in range(1, len(text) + 1):
        if re.fullmatch(pattern, text[:end]):
            for tail in _splits(text[end:], rest):
                yield (text[:end], *tail)


def _budget_score(values: dict, reference: tuple | None, roles: tuple) -> float:
    score = 0.5 * sum(1 for cell in values.values() if cell)
    budget = next((values[r] for r in ("initial", "full_year", "adjusted") if values.get(r)), "")
    executed, rate = values.get("executed", ""), values.get("rate", "")
    if budget and executed:
        if budget == executed:
            score += 1
        try:
            expected = Decimal(executed) / Decimal(budget) * 100 if Decimal(budget) else None
        except InvalidOperation:
            expected = None
        if rate and expected is not None:
            score += 3 if abs(expected - Decimal(rate.rstrip("%"))) <= Decimal("0.6") else -3
    weight, points = _number(values.get("weight", "") or ""), _number(values.get("score", "") or "")
    if weight is not None and points is not None:
        score += 1 if points <= weight else -3
    if reference:
        for role, cell in values.items():
            ref = dict(zip(roles, reference, strict=False)).get(role)
            if cell and ref and role in {"initial", "full_year", "adjusted", "executed"}:
                try:
                    score += 2 if Decimal(cell) == Decimal(ref) else (-5 if Decimal(cell) > Decimal(ref) else 0)
                except InvalidOperation:
                    pass
    return score
