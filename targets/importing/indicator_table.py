"""Rows of an indicator table (一级/二级/三级指标 + 指标值) into indicators, one per period.

Printed tables are irregular, so a row is read by what its cells are, guided by the header:
- cells are classed as 一级 labels, 二级 labels (or pieces of one cut by a page break), "指标 N"
  sub-labels, or text (names and values);
- a table with two 三级 columns prints 中期 and 年度 side by side; a row is split into its two
  halves at the second 二级 label or "指标 N", else by which text repeats the first name;
- blank label cells carry down from the row above, but a carried 一级 is dropped when the new
  二级 cannot belong to it (a 社会效益 二级 under a carried 产出 means the 效益 label was not printed);
- a row right after a page break with no labels and no value continues the names above it, and a
  二级 piece after a page break completes the label above ("可持续影" + "响指标").
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from difflib import SequenceMatcher
from functools import lru_cache

from budgets.readers import Location, Row

from ..levels import (
    is_level1_label,
    is_level2_fragment,
    is_level2_label,
    joined_level2,
    level1_accepts,
    level1_code,
    level2_code,
)
from ..scoring.values import parse_target
from .labels import header_role, level1_label, level2_label, value_period
from .model import ExtractedIndicator
from .shapes import fits
from .text_utils import compact, one_line

_INDEX_LABEL = re.compile(r"^指标\s*\d+$")
_INDEX_PREFIX = re.compile(r"^指标\s*\d+\s*[:：]")
_TERMINAL = re.compile(r"[。．.；;！!）)”\"]$")
_SKIP_NAMES = {"", "/", "／", "-", "—", "无", "——"}

L1, L2, FRAGMENT, INDEX, TEXT = "L1", "L2", "FRAGMENT", "INDEX", "TEXT"
CARRIED_OVER_BREAK = "一级、二级指标沿用上一页"  # labels not printed after a page break, carried from above


@dataclass
class Token:
    column: int
    kind: str
    text: str


@dataclass
class Group:
    """A 二级 label and the indicators under it, so a label completed later updates them all."""

    label: str
    indicators: list = field(default_factory=list)


def classify(text: str, column: int, roles: dict[int, str], aligned: bool = False) -> Token:
    kind, token_text = _kind(text, roles.get(column), aligned)
    return Token(column, kind, token_text)


@lru_cache(maxsize=65536)  # the same labels and values come back row after row
def _kind(text: str, role: str | None, aligned: bool) -> tuple[str, str]:
    key = compact(text)
    if _INDEX_LABEL.match(key):
        return INDEX, key
    level1, level2 = is_level1_label(key) or level1_label(key), is_level2_label(key) or level2_label(key)
    if aligned and (level1 or level2) and role in {"level1", "level2"}:
        kind = L1 if role == "level1" else L2
    elif aligned and role not in {"level1", "level2"}:
        kind = TEXT
    elif level1 and level2:
        kind = L1 if role == "level1" else L2
    elif level1:
        kind = L1
    elif level2:
        kind = L2
    elif is_level2_fragment(key):
        kind = FRAGMENT
    else:
        kind = TEXT
    return kind, text.strip()


def similar(first: str, second: str) -> bool:
    a, b = compact(first), compact(second)
    if not a or not b:
        return False
    prefix_a, prefix_b = _INDEX_PREFIX.match(a), _INDEX_PREFIX.match(b)
    if prefix_a and prefix_b:
        return prefix_a.group() == prefix_b.group()
    return SequenceMatcher(None, a, b).ratio() >= 0.6


def value_like(text: str) -> bool:
    key = compact(text)
    if not key or len(key) > 30:
        return False
    return parse_target(key).is_quantitative or len(key) <= 8


class IndicatorTable:
    def __init__(self, header: Row, *, periods: list[str], default_period: str):
        self.roles: dict[int, str] = {}
        self.value_periods: dict[int, str] = {}
        self.width = max((i + 1 for i, cell in enumerate(header.cells) if cell.strip()), default=0)
        for column, cell in enumerate(header.cells):
            role = header_role(cell)
            if role:
                self.roles[column] = role
                if role == "value" and value_period(cell):
                    self.value_periods[column] = value_period(cell)
        self.level3_columns = [c for c, r in self.roles.items() if r == "level3"]
        self.value_columns = [c for c, r in self.roles.items() if r == "value"]
        self.unit_column = next((c for c, r in self.roles.items() if r == "unit"), None)
        self.weight_column = next((c for c, r in self.roles.items() if r == "weight"), None)
        self.nature_column = next((c for c, r in self.roles.items() if r == "nature"), None)
        self.project_column = next((c for c, r in self.roles.items() if r == "project"), None)
        levels = [c for c, r in self.roles.items() if r in {"level1", "level2", "level3"}]
        name_column = max(self.level3_columns or levels or [-1])
        self.after_name = [(c, r) for c, r in sorted(self.roles.items()) if c > name_column and r != "project"]
        self.has_actuals = any(r == "actual" for r in self.roles.values())
        if len(self.level3_columns) >= 2:
            self.halves = ["mid_term", "annual"]
        elif len(self.value_columns) >= 2 and len(set(self.value_periods.values())) == 2:
            self.halves = None  # one name, a 中期 value and a 年度 value
        else:
            self.halves = [default_period if default_period in periods else periods[-1]]
        self.level1: str | None = None
        self.groups: dict[str, Group | None] = {}
        self.last: dict[str, ExtractedIndicator] = {}
        self.indicators: list[ExtractedIndicator] = []
        self.skipped: list[tuple[str, Location]] = []
        self.project: str | None = None
        self._row_labels = False

    @staticmethod
    def is_header(row: Row) -> bool:
        roles = {header_role(cell) for cell in row.cells}
        return {"level3", "value"} <= roles or {"level1", "level2", "level3"} <= roles or {"level2", "value"} <= roles

    # -- labels ------------------------------------------------------------------------------------

    def _set_level1(self, label: str) -> None:
        self.level1 = label
        self.groups = {}

    def _set_level2(self, half: str, token: Token, after_break: bool) -> None:
        group = self.groups.get(half)
        if token.kind == FRAGMENT and group is not None:
            joined = joined_level2(group.label, token.text)
            if joined and (after_break or not is_level2_label(group.label)):
                group.label = joined
                for indicator in group.indicators:
                    indicator.level2 = joined
                self._check_level1(joined)
                return
        self.groups[half] = Group(label=token.text)
        self._check_level1(token.text)

    def _check_level1(self, level2: str) -> None:
        if self.level1 and not level1_accepts(level1_code(self.level1), level2_code(level2, level1_code(self.level1))):
            self.level1 = None

    # -- rows --------------------------------------------------------------------------------------

    def _roles_for(self, row: Row) -> dict[int, str]:
        """A row with fewer cells than the header lost cells on the left (a merged or dropped
        leading cell), so its cells are matched to the header's columns from the right."""
        filled = [i for i, cell in enumerate(row.cells) if cell.strip()]
        if not filled or filled[0] != 0:
            return self.roles
        shift = self.width - (filled[-1] + 1)
        if shift <= 0:
            return self.roles
        return {column - shift: role for column, role in self.roles.items() if column - shift >= 0}

    def feed(self, row: Row) -> None:
        aligned = self.aligned = row.aligned
        self.notes = row.notes
        roles = self.roles if aligned else self._roles_for(row)
        tokens = [classify(cell, column, roles, aligned) for column, cell in enumerate(row.cells) if cell.strip()]
        if not tokens:
            return
        if self.project_column is not None and row.cells[self.project_column : self.project_column + 1]:
            name = row.cells[self.project_column].strip()
            if name:
                self.project = name
            tokens = [token for token in tokens if token.column != self.project_column]
        extras = {}
        single = self.halves is not None and len(self.halves) == 1
        for role_column, role in (
            (self.unit_column, "unit"),
            (self.weight_column, "weight"),
            (self.nature_column, "nature"),
        ):
            if role_column is not None and not single:
                match = [token for token in tokens if token.column == role_column and token.kind == TEXT]
                if match and len(tokens) > 2:
                    extras[role] = match[0].text
                    tokens.remove(match[0])
        if self._continues_names(row, tokens):
            return
        leading = []
        while tokens and tokens[0].kind in {L1, L2, FRAGMENT}:
            leading.append(tokens.pop(0))
        self._row_labels = bool(leading)
        if self.halves is None:
            self._feed_shared_name(row, leading, tokens, extras)
            return
        self._apply_leading_labels(leading, row.after_break)
        halves = self._split(tokens)
        for half, half_tokens in zip(self.halves, halves, strict=False):
            self._emit_half(half, half_tokens, row, extras)

    def _apply_leading_labels(self, leading: list[Token], after_break: bool) -> None:
        first_half = self.halves[0]
        if not leading:
            return
        if len(leading) >= 2 and leading[0].kind in {L1, L2} and self.roles.get(leading[0].column) != "level2":
            if leading[0].kind == FRAGMENT:
                self._set_level2(first_half, leading[0], after_break)
            else:
                self._set_level1(leading[0].text)
            for token in leading[1:]:
                self._set_level2(first_half, token, after_break)
            return
        token = leading[0]
        if token.kind == L1 and (not is_level2_label(token.text) or self.roles.get(token.column) == "level1"):
            self._set_level1(token.text)
        else:
            self._set_level2(first_half, token, after_break)
        for token in leading[1:]:
            self._set_level2(first_half, token, after_break)

    def _split(self, tokens: list[Token]) -> list[list[Token]]:
        if len(self.halves) == 1:
            return [tokens]
        first_text = next((i for i, t in enumerate(tokens) if t.kind == TEXT), None)
        if first_text is None:
            return [tokens, []]
        for index in range(first_text + 1, len(tokens) - 1):
            if tokens[index].kind in {L2, FRAGMENT, INDEX, L1}:
                return [tokens[:index], tokens[index:]]
        texts = tokens[first_text:]
        head = tokens[:first_text]
        if len(texts) >= 4:
            return [head + texts[:2], texts[2:]]
        if len(texts) == 3:
            name, second, third = texts
            if similar(name.text, second.text) and not similar(name.text, third.text):
                return [[*head, name], [second, third]]
            if value_like(second.text) and not value_like(third.text):
                return [[*head, name, second], [third]]
            if similar(name.text, third.text) or value_like(second.text):
                return [[*head, name, second], [third]]
            return [[*head, name], [second, third]]
        if len(texts) == 2:
            name, second = texts
            if similar(name.text, second.text) or not value_like(second.text):
                return [[*head, name], [second]]
            return [head + texts, []]
        return [tokens, []]

    def _emit_half(self, half: str, tokens: list[Token], row: Row, extras: dict) -> None:
        first_text = next((i for i, t in enumerate(tokens) if t.kind in {TEXT, INDEX}), len(tokens))
        labels = [t for t in tokens[:first_text] if t.kind in {L1, L2, FRAGMENT}]
        tokens = tokens[:first_text] + [
            Token(t.column, TEXT, t.text) if t.kind != INDEX else t for t in tokens[first_text:]
        ]
        for token in labels:
            if token.kind == L1 and not is_level2_label(token.text):
                self._set_level1(token.text)
            else:
                self._set_level2(half, token, row.after_break)
        texts = [t for t in tokens if t.kind == TEXT]
        if not texts:
            return
        name = one_line(texts[0].text)
        details = self._details(texts[1:]) if len(self.halves) == 1 else None
        if details is not None:
            value = one_line(details.get("value", ""))
        else:
            value = one_line(texts[1].text) if len(texts) > 1 else ""
        if compact(name) in _SKIP_NAMES:
            if labels or value:
                self.skipped.append(("三级指标为空或为“/”，不是指标", row.location))
            return
        group = self.groups.get(half)
        indicator = ExtractedIndicator(
            period=half,
            level1=self.level1,
            level2=group.label if group else None,
            level3=name,
            value=value,
            location=row.location,
            unit=extras.get("unit"),
        )
        if details is not None:
            self._apply_details(indicator, details)
        else:
            if extras.get("weight"):
                indicator.weight = _weight(extras["weight"])
            if extras.get("nature"):
                indicator.comparator_text = extras["nature"]
        indicator.project = self.project
        indicator.uncertain.extend(self.notes)
        if row.after_break and not labels and not self._row_labels and (indicator.level1 or indicator.level2):
            indicator.uncertain.append(CARRIED_OVER_BREAK)
        if group is not None:
            group.indicators.append(indicator)
        self.last[half] = indicator
        self.indicators.append(indicator)

    def _details(self, tokens: list[Token]) -> dict[str, str]:
        """The cells after a name, to the header's columns after the name column: by column where
        the row is aligned, else in order, a cell moving on to the next column its shape fits (a
        row that lost its 度量单位 cell still puts its 指标值内容 under the right column)."""
        if self.aligned:
            return {role: t.text for t in tokens if (role := self.roles.get(t.column)) and role != "project"}
        found, position = {}, 0
        for token in tokens:
            while position < len(self.after_name):
                column, role = self.after_name[position]
                if token.column == column or fits(role, token.text, strict=False):
                    break
                position += 1
            if position == len(self.after_name):
                break
            found.setdefault(self.after_name[position][1], token.text)
            position += 1
        return found

    def _apply_details(self, indicator: ExtractedIndicator, details: dict) -> None:
        indicator.unit = one_line(details["unit"]) if details.get("unit") else None
        if details.get("nature"):
            indicator.comparator_text = one_line(details["nature"])
        if details.get("weight"):
            indicator.weight = _weight(details["weight"])
        if self.has_actuals:
            indicator.actual = one_line(details.get("actual", ""))
        if details.get("score"):
            indicator.score = _weight(details["score"])
        if details.get("reason"):
            indicator.deviation_reason = one_line(details["reason"])
        if details.get("explanation"):
            indicator.explanation = one_line(details["explanation"])
        for role in ("weight", "score"):
            if details.get(role) and getattr(indicator, role) is None:
                indicator.uncertain.append(f"{'分值' if role == 'weight' else '得分'}“{details[role]}”无法识别")

    def _feed_shared_name(self, row: Row, leading: list[Token], tokens: list[Token], extras: dict) -> None:
        """One name with a value per period in separate columns (实施期指标值 | 年度指标值)."""
        self.halves = ["annual"]
        try:
            self._apply_leading_labels(leading, row.after_break)
        finally:
            self.halves = None
        texts = [t for t in tokens if t.kind == TEXT]
        if not texts or compact(texts[0].text) in _SKIP_NAMES:
            return
        name = one_line(texts[0].text)
        group = self.groups.get("annual")
        values = [one_line(t.text) for t in texts[1:]]
        for position, (_, period) in enumerate(sorted(self.value_periods.items())):
            indicator = ExtractedIndicator(
                period=period,
                level1=self.level1,
                level2=group.label if group else None,
                level3=name,
                value=values[position] if position < len(values) else "",
                location=row.location,
                unit=extras.get("unit"),
                project=self.project,
            )
            indicator.uncertain.extend(self.notes)
            if row.after_break and not leading and (indicator.level1 or indicator.level2):
                indicator.uncertain.append(CARRIED_OVER_BREAK)
            if group is not None:
                group.indicators.append(indicator)
            self.indicators.append(indicator)

    def _continues_names(self, row: Row, tokens: list[Token]) -> bool:
        """A row after a page break that only carries the rest of the names above it."""
        if not row.after_break or not self.last:
            return False
        if any(t.kind != TEXT for t in tokens) or any(value_like(t.text) for t in tokens):
            return False
        halves = [h for h in (self.halves or ["annual"]) if h in self.last]
        if any(_TERMINAL.search(compact(self.last[h].level3)) for h in halves):
            return False
        if any(_INDEX_PREFIX.match(compact(t.text)) for t in tokens):
            return False
        for half, token in zip(halves, tokens, strict=False):
            self.last[half].level3 = one_line(self.last[half].level3 + token.text)
        return True


def _weight(text: str):
    try:
        return Decimal(compact(text).rstrip("分"))
    except InvalidOperation:
        return None
