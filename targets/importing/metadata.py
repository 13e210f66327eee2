"""The disclosing department, budget year and money unit of a document, from its cover and titles."""

import re
from collections import Counter

from budgets.readers import Document

from .text_utils import compact

_SUFFIX = r"(?:公开|说明|情况说明|表|公开说明|编制说明)?"
_YEAR_FIRST = re.compile(rf"^(20\d{{2}})年度?(.+?)(?:部门|单位)预算{_SUFFIX}$")
_NAME_FIRST = re.compile(rf"^(.+?)(20\d{{2}})年度?(?:部门|单位)?预算{_SUFFIX}$")
_NAME_ONLY = re.compile(r"^(.+?)(?:部门|单位)预算(?:公开)?$")
_BARE_TITLE = re.compile(r"^(20\d{2})年度?(?:部门|单位)预算(?:公开)?$")
_PART_ONE = re.compile(r"^(.+?)(?:单位|部门)?(?:基本)?概况$")
_NAME_LABEL = re.compile(r"^(?:部门|单位|预算单位|部门（单位）)名称[:：](.+)$")
_UNIT = re.compile(r"单位[:：]\s*(万元|元)")
_UNIT_IN_LABEL = re.compile(r"(?:资金|金额|预算|资金情况|投资)[（(](万元|元)[)）]")
_LEADING_NOISE = re.compile(r"^(?:[#*]+|\d{1,2}[.、]|第[一二三四五六七八九十]+部分)+")


def _clean_name(name: str) -> str:
    return name.strip(" ：:·-—()（）")


def _plausible(name: str) -> bool:
    return 2 <= len(name) <= 40 and not re.search(r"[，。；,;]", name)


def detect_department_and_year(document: Document) -> tuple[str | None, int | None]:
    lines = [_LEADING_NOISE.sub("", compact(text)) for text in document.text_lines(limit=40)]
    lines += [compact(row.filled[0]) for table in document.tables[:3] for row in table.rows[:3] if len(row.filled) == 1]
    department = year = None
    for index, line in enumerate(lines):
        if (match := _YEAR_FIRST.match(line)) and _plausible(_clean_name(match.group(2))):
            return _clean_name(match.group(2)), int(match.group(1))
        if (match := _NAME_FIRST.match(line)) and _plausible(_clean_name(match.group(1))):
            return _clean_name(match.group(1)), int(match.group(2))
        if _BARE_TITLE.match(line) and index > 0 and _plausible(lines[index - 1]):
            return _clean_name(lines[index - 1]), int(line[:4])
        if department is None and (match := _NAME_ONLY.match(line)) and _plausible(_clean_name(match.group(1))):
            department = _clean_name(match.group(1))
        if year is None and re.fullmatch(r"(20\d{2})年度?", line):
            year = int(line[:4])
    if department is None:
        for line in lines:
            if (match := _PART_ONE.match(line) or _NAME_LABEL.match(line)) and _plausible(_clean_name(match.group(1))):
                department = _clean_name(match.group(1))
                break
    if department is None:
        for block in document.blocks:
            cells = [block.text] if block.kind != "table" else [c for r in block.rows for c in r.cells[:2]]
            for cell in cells:
                if match := _NAME_LABEL.match(compact(cell)):
                    department = _clean_name(match.group(1))
                    break
            if department:
                break
    if year is None:
        counts = Counter(
            int(found) for text in document.text_lines(limit=60) for found in re.findall(r"(20\d{2})\s*年", text)
        )
        year = counts.most_common(1)[0][0] if counts else None
    return department, year


def detect_money_unit(document: Document) -> str | None:
    """The unit amounts are printed in ("万元" or "元"), or None when the document prints none."""
    counts = Counter()
    for block in document.blocks:
        if block.kind == "paragraph" or block.kind == "heading":
            texts = [block.text]
        else:
            texts = [cell for row in block.rows[: 4 if block.kind == "table" else None] for cell in row.cells]
        for text in texts:
            key = compact(text)
            for unit in _UNIT.findall(key) + _UNIT_IN_LABEL.findall(key):
                counts[unit] += 1
    return counts.most_common(1)[0][0] if counts else None


# -- the unit and year of a target sheet, when the document is not a whole disclosure ---------------

_UNIT_LIKE = re.compile(
    r"(?:局|厅|委|委员会|办|办公室|政府|中心|院|所|站|室|处|部|会|队|馆|学校|学院|大学|医院|公司|镇|乡|街道|团|署|社|台)$"
)
_SIGNATURE = re.compile(r"([^\s:：,，。；;]{3,30}?)\s*(20\d{2})\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$")
_PUBLISHER = re.compile(r"(?:^|[^信])(?:来源|信息来源|发布机构|发布单位|发文机关)\s*[:：|]\s*\|?\s*([^\s|]+)")
_OWN_LEVEL = re.compile(r"本级$")
# Facts that name the unit a sheet belongs to, best first.
UNIT_FACTS = ("reporting_unit", "budget_unit", "using_unit")


def unit_like(name: str | None) -> bool:
    key = compact(name or "")
    return 3 <= len(key) <= 40 and bool(_UNIT_LIKE.search(key)) and not re.search(r"[，。；,;:：]", key)


def _clean_unit(name: str) -> str:
    return _OWN_LEVEL.sub("", re.sub(r"^\[[^\]]*\]", "", compact(name)))


def sheet_unit(document: Document, sheets: list) -> tuple[str | None, str]:
    """The unit a document of target sheets belongs to and where it was read: a 填报/预算/申报单位 or
    部门（单位）名称 fact, the signature of a notice (unit, then date), the publisher line of a web
    page, the 实施单位, the 主管部门."""
    for field in UNIT_FACTS:
        for sheet in sheets:
            if unit_like(sheet.fields.get(field)):
                return _clean_unit(sheet.fields[field]), field
    lines = [block.text for block in document.blocks if block.kind != "table" and block.text]
    lines += [" | ".join(row.filled) for table in document.tables for row in table.rows if row.filled]
    for index, line in enumerate(lines):
        line = compact(line)
        if (match := _SIGNATURE.search(line)) and unit_like(match.group(1)):
            return _clean_unit(match.group(1)), "signature"
        if re.fullmatch(r"20\d{2}年\d{1,2}月\d{1,2}日", line) and index and unit_like(lines[index - 1]):
            return _clean_unit(lines[index - 1]), "signature"
    lines = [" ".join(line.split()) for line in lines]
    for line in lines:
        if (match := _PUBLISHER.search(line)) and unit_like(match.group(1)):
            return _clean_unit(match.group(1)), "publisher"
    for field in ("implementing_unit", "competent_department"):
        for sheet in sheets:
            if unit_like(sheet.fields.get(field)):
                return _clean_unit(sheet.fields[field]), field
    return None, ""


def sheet_year(sheets: list) -> int | None:
    for sheet in sheets:
        if sheet.year:
            return sheet.year
    for sheet in sheets:
        if sheet.start:
            return sheet.start.year
    return None
