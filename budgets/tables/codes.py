"""Budget classification codes in a row: one code cell (2010301), 类/款/项 split over cells
(201 | 03 | 01), or inside the name ("201 一般公共服务支出", "[30101]基本工资").

功能分类 codes start with 2, 经济分类 with 3 (部门) or 5 (政府); they have 3, 5 or 7 digits. Unit
codes (190004) and procurement item codes (A02010104) are not classification codes."""

import re

from budgets.readers.cleaning import compact

_DIGITS = re.compile(r"^\d+$")
_IN_NAME = re.compile(
    r"^[\[【(（]?(\d{3}(?:\d{2}){0,2})[\]】)）]?\s*(?:[一二三四五六七八九十]+、)?(?=[\u4e00-\u9fff“])"
)


def valid_code(code: str) -> bool:
    return len(code) in (3, 5, 7) and code[0] in "235"


def code_kind(code: str) -> str:
    if not code:
        return ""
    return "functional" if code[0] == "2" else "economic"


def row_code(cells: list[str]) -> tuple[str, int]:
    """The classification code of a row and the index of the first cell after it ("" if none)."""
    index = 0
    while index < len(cells) and not compact(cells[index]):
        index += 1
    parts, position = [], index
    while position < len(cells) and _DIGITS.match(compact(cells[position]) or "x"):
        parts.append(compact(cells[position]))
        position += 1
        if len(parts) == 3:
            break
    if parts:
        code = parts[0]
        for part in parts[1:]:
            if len(part) != 2 or len(code) >= 7:
                break
            code += part
        if valid_code(code):
            return code, position
    embedded = [
        (column, match.group(1))
        for column, cell in enumerate(cells)
        if (match := _IN_NAME.match(compact(cell))) and valid_code(match.group(1))
    ]
    if embedded:
        # "[505]… | [301]…": the 部门 economic code (3xx) carries the hierarchy of the row.
        column, code = next(((c, code) for c, code in embedded if code[0] == "3"), embedded[0])
        return code, column
    return "", index


def strip_code(name: str) -> str:
    match = _IN_NAME.match(compact(name))
    return compact(name)[match.end(1) :].lstrip("]】)）") if match else (name or "").strip()
