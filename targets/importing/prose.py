"""Targets written as prose in a public notice instead of a table:

    一、产出指标
    数量指标：补助种植数量，葡萄种植数量（≥**株）>=17600株；成活率（≥**%）>=85；时效指标：完成及时率>=100%。

A numbered heading or a leading "效益指标：" names the 一级; each "二级指标：" (or "二级指标，") opens the
items after it; an item is a phrase ending in a value with a comparison or a number, and items are
separated by ；。 or by a comma right after a value. A phrase before the item's own name (up to its last
comma) is kept as the item's parent. A phrase with no such value states no target and is listed.
The project is the one the notice is about ("关于…项目绩效目标…的公示").
"""

import re

from budgets.readers import Document

from . import vocabulary as v
from .labels import level1_label, level2_label
from .model import ExtractedIndicator, ExtractedSheet, Extraction, Issue
from .shapes import COMPARATOR, NUMBER, UNIT_PHRASE
from .text_utils import nfkc_compact

_LEVEL = "|".join(sorted({re.escape(w + s) for w in v.LEVEL_WORDS for s in ("指标", "目标")}, key=len, reverse=True))
_OPENER = re.compile(rf"({_LEVEL})\s*[:：,，]")
_VALUE = re.compile(rf"(?:{COMPARATOR}\s*{NUMBER}\s*{UNIT_PHRASE}?|{NUMBER}\s*{UNIT_PHRASE})$")
_HEADING = re.compile(rf"^[一二三四五六七八九十]+、\s*({_LEVEL})\s*$")
_NOTICE_PROJECT = re.compile(r"关于(.{4,60}?项目)(?:绩效目标|的绩效)")
_ITEM_END = re.compile(r"[；;。]")


def _items(text: str) -> list[str]:
    """Items of one label's text: split at ；。 and at commas that follow a value."""
    items = []
    for part in _ITEM_END.split(text):
        start = 0
        for match in re.finditer(r"[,，]", part):
            if _VALUE.search(part[start : match.start()].strip()):
                items.append(part[start : match.start()])
                start = match.end()
        items.append(part[start:])
    return [item.strip(" ,，:：") for item in items if item.strip(" ,，:：")]


def read_prose_targets(document: Document, extraction: Extraction) -> None:
    if any(sheet.indicators for sheet in extraction.sheets):
        return
    paragraphs = [block for block in document.blocks if block.kind in {"paragraph", "heading"}]
    found: list[ExtractedIndicator] = []
    level1 = None
    for block in paragraphs:
        text = block.text.strip()
        if heading := _HEADING.match(nfkc_compact(text)):
            level1 = heading.group(1)
            continue
        openers = list(_OPENER.finditer(text))
        if not openers:
            continue
        for index, opener in enumerate(openers):
            label = opener.group(1)
            end = openers[index + 1].start() if index + 1 < len(openers) else len(text)
            body = text[opener.end() : end]
            if level1_label(label) and not level2_label(label):
                level1 = label
                continue
            for item in _items(body):
                match = _VALUE.search(item)
                if match is None:
                    extraction.skipped.append(Issue(f"“{item}”没有可识别的指标值，未作为指标导入", block.location))
                    continue
                name = item[: match.start()].strip()
                parent = None
                if re.search(r"[,，]", name):
                    parent, name = (part.strip() for part in re.split(r"[,，](?=[^,，]*$)", name))
                if not re.search(r"[\u4e00-\u9fff]", name):
                    continue
                indicator = ExtractedIndicator(
                    period="annual",
                    level1=level1,
                    level2=label,
                    level3=name,
                    value=match.group().strip(),
                    location=block.location,
                    parent=parent or None,
                )
                indicator.uncertain.append("由文字段落中识别的指标")
                found.append(indicator)
    if len(found) < 2:
        return
    titles = [block.text for block in document.blocks if block.kind != "table"]
    titles += [cell for table in document.tables for row in table.rows for cell in row.cells]
    name = next((m.group(1) for text in titles if (m := _NOTICE_PROJECT.search(nfkc_compact(text)))), None)
    if name is None:
        extraction.errors.append(Issue("文字段落中有绩效指标，但没有找到项目名称，未导入", found[0].location))
        return
    sheet = ExtractedSheet(scope="project", title=name, location=found[0].location, year=extraction.year, name=name)
    sheet.indicators = found
    sheet.uncertain.append("项目名称取自公告标题")
    extraction.sheets.append(sheet)
