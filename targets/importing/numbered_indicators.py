"""Indicators printed as numbered free text in one cell, e.g.

    1、巡检次数：(全年巡检的次数)≥12次。2、故障修复率：(修复数/故障数)≥95%。

Each item is "N、name：(definition)value。": the name runs to the first colon outside brackets, a
bracketed definition (brackets may nest) is skipped, and the value runs to the closing 。. Items are
found by their numbers in sequence, so "设备2、3" inside item 6 does not start item 2 again.
"""

import re
from dataclasses import dataclass

from .text_utils import unwrap

_OPEN, _CLOSE = "(（[【", ")）]】"


@dataclass(frozen=True)
class NumberedItem:
    number: int
    name: str
    value: str
    definition: str


def _marker(number: int) -> re.Pattern:
    return re.compile(rf"(?<![\d.．]){number}\s*[、．.](?!\d)")


def split_items(text: str) -> list[tuple[int, str]]:
    text = unwrap(text.replace("\n", ""))
    first = _marker(1).search(text)
    if first is None:
        return []
    items, number, start = [], 1, first.end()
    while True:
        following = _marker(number + 1).search(text, start)
        end = following.start() if following else len(text)
        items.append((number, text[start:end].strip()))
        if following is None:
            return items
        number, start = number + 1, following.end()


def _colon_outside_brackets(text: str) -> int | None:
    depth = 0
    for index, char in enumerate(text):
        if char in _OPEN:
            depth += 1
        elif char in _CLOSE:
            depth = max(0, depth - 1)
        elif char in "：:" and depth == 0:
            return index
    return None


def _skip_bracketed(text: str) -> tuple[str, str]:
    if not text or text[0] not in _OPEN:
        return "", text
    depth = 0
    for index, char in enumerate(text):
        if char in _OPEN:
            depth += 1
        elif char in _CLOSE:
            depth -= 1
            if depth == 0:
                return text[1:index], text[index + 1 :]
    return text[1:], ""


def parse_item(number: int, body: str) -> NumberedItem:
    body = re.sub(r"[。．\s]+$", "", body)
    colon = _colon_outside_brackets(body)
    if colon is None:
        return NumberedItem(number, body.strip(), "", "")
    name = body[:colon].strip()
    definition, value = _skip_bracketed(body[colon + 1 :].strip())
    return NumberedItem(number, name, re.sub(r"。+$", "", value.strip()), definition.strip())


def parse_numbered_indicators(text: str) -> list[NumberedItem]:
    return [parse_item(number, body) for number, body in split_items(text) if body]
