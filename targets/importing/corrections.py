"""People's corrections of an import preview: a cell fixed, a 一级/二级 label changed, a row dropped.

Each indicator the extractor read is a *reading*, keyed by where it sits in the extraction ("2-5": the
sixth indicator of the third sheet). Reading the same file again gives the same readings, so the
corrections are stored on the upload job by key, together with the name and location they were made
against, and applied to the extraction each time the file is read (for the preview, then for the
import). A corrected indicator keeps what the document printed in `source_text`.
"""

import re

from django.utils.translation import gettext as _

from budgets.money import plain_number

from ..levels import Level1, Level2, level1_accepts, level1_code, level2_code
from ..scoring.values import parse_target
from .model import ExtractedIndicator, Extraction, Issue
from .text_utils import compact

FIELDS = ("level1", "level2", "level3", "value")
FIELD_LABELS = {"level1": "一级指标", "level2": "二级指标", "level3": "三级指标", "value": "指标值"}
MAX_LENGTHS = {"level1": 100, "level2": 100, "level3": 1000, "value": 1000}
PERIOD_LABELS = {"annual": "年度", "mid_term": "中期"}
_KEY = re.compile(r"^\d{1,4}-\d{1,5}$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SHORT_VALUE = 15  # a short printed value with digits that parses to no number is most likely misread


class CorrectionError(Exception):
    """A stored correction no longer matches the file's readings. The message is Chinese."""


def standard_labels() -> dict[str, list[str]]:
    """The labels offered when relabelling (any other label may be typed)."""
    return {
        "level1": [f"{label}指标" for label in Level1.labels],
        "level2": list(
            dict.fromkeys(f"{label.split('（')[0]}指标" for code, label in Level2.choices if code != Level2.OTHER)
        ),
    }


def _original(indicator: ExtractedIndicator) -> dict:
    return {
        "level1": indicator.level1 or "",
        "level2": indicator.level2 or "",
        "level3": indicator.level3,
        "value": indicator.target_text or "",
    }


def value_notes(value: str, unit: str | None) -> list[str]:
    """Why a printed value is uncertain: empty, or short with digits and still no number in it."""
    if not compact(value):
        return [_("指标值为空")]
    target = parse_target(value, unit=unit)
    if not target.is_quantitative and re.search(r"\d", value) and len(compact(value)) <= _SHORT_VALUE:
        return [_("指标值中的数字未能识别，将按定性指标导入")]
    return []


def readings(extraction: Extraction, corrections: dict | None = None) -> list[dict]:
    """Every sheet's indicators as read, with why a reading is uncertain and, where a person corrected
    it, the corrected values beside the original ones. Plain data, for the preview JSON."""
    corrections = corrections or {}
    sheets = []
    for sheet_index, sheet in enumerate(extraction.sheets):
        notes = list(sheet.uncertain)
        for funding in sheet.fundings.values():
            notes.extend(note for note in funding.uncertain if note not in notes)
        if sheet.budget is not None:
            notes.extend(note for note in sheet.budget.uncertain if note not in notes)
        rows = []
        for index, indicator in enumerate(sheet.indicators):
            key = f"{sheet_index}-{index}"
            original = _original(indicator)
            correction = corrections.get(key) or {}
            uncertain = list(indicator.uncertain)
            uncertain.extend(value_notes(original["value"], indicator.unit))
            if not original["level1"]:
                uncertain.append(_("未识别出一级指标"))
            if not original["level2"]:
                uncertain.append(_("未识别出二级指标"))
            changed = correction.get("set") or {}
            rows.append(
                {
                    "key": key,
                    "period": PERIOD_LABELS.get(indicator.period, indicator.period),
                    "original": original,
                    "current": {name: changed.get(name, original[name]) for name in FIELDS},
                    "corrected": sorted(changed),
                    "dropped": bool(correction.get("drop")),
                    "unit": indicator.unit or "",
                    "weight": plain_number(indicator.weight) if indicator.weight is not None else "",
                    "location": indicator.location.describe(),
                    "uncertain": list(dict.fromkeys(uncertain)),
                }
            )
        sheets.append(
            {
                "key": str(sheet_index),
                "title": sheet.title or sheet.name,
                "name": sheet.name,
                "scope": sheet.scope,
                "kind": sheet.kind,
                "location": sheet.location.describe(),
                "uncertain": notes,
                "indicators": rows,
            }
        )
    return sheets


def _find(extraction: Extraction, key: str) -> ExtractedIndicator | None:
    sheet_index, index = (int(part) for part in key.split("-"))
    if sheet_index >= len(extraction.sheets) or index >= len(extraction.sheets[sheet_index].indicators):
        return None
    return extraction.sheets[sheet_index].indicators[index]


def source_text(original: dict, changed: dict) -> str:
    """What the document printed in the corrected cells, as people read it."""
    return "；".join(f"{FIELD_LABELS[name]}“{original[name]}”" for name in FIELDS if name in changed)


def apply_corrections(extraction: Extraction, corrections: dict) -> None:
    """Change the extraction as the person corrected it: before planning, so the preview and the
    import are both the corrected ones. Dropped rows are listed among what was not imported."""
    if not corrections:
        return
    dropped = []
    for key, correction in sorted(corrections.items()):
        indicator = _find(extraction, key) if _KEY.match(key) else None
        if indicator is None or (
            compact(indicator.level3) != compact(correction.get("name", ""))
            or indicator.location.describe() != correction.get("location")
        ):
            raise CorrectionError(
                _("文件“%(file)s”：更正所针对的指标“%(name)s”（%(where)s）在文件中已找不到，请重新上传后再更正。")
                % {
                    "file": extraction.document_name,
                    "name": correction.get("name", ""),
                    "where": correction.get("location", ""),
                }
            )
        original = _original(indicator)
        if correction.get("drop"):
            dropped.append(indicator)
            extraction.skipped.append(
                Issue(_("“%(name)s”已按更正删除，未导入") % {"name": indicator.level3}, indicator.location)
            )
            continue
        changed = correction.get("set") or {}
        if "level1" in changed:
            indicator.level1 = changed["level1"] or None
        if "level2" in changed:
            indicator.level2 = changed["level2"] or None
        if "level3" in changed:
            indicator.level3 = changed["level3"]
        if "value" in changed:
            indicator.value, indicator.comparator_text = changed["value"], None
        indicator.source_text = source_text(original, changed)
    for sheet in extraction.sheets:
        sheet.indicators = [indicator for indicator in sheet.indicators if all(indicator is not d for d in dropped)]


def _clean(text) -> str:
    return re.sub(r"\s+", " ", _CONTROL.sub("", text if isinstance(text, str) else "")).strip()


def validated(submitted: dict, sheets: list[dict]) -> tuple[dict, list[str]]:
    """The corrections a person submitted ({key: {level1, level2, level3, value, drop}}), checked against
    the readings of the preview: returns {key: stored correction or None (back to the original)} and
    the Chinese errors (nothing is stored when there are any)."""
    by_key = {row["key"]: row for sheet in sheets for row in sheet["indicators"]}
    result, errors = {}, []
    if not isinstance(submitted, dict) or not submitted:
        return {}, [_("没有收到任何更正。")]
    for key, values in submitted.items():
        row = by_key.get(key) if isinstance(key, str) else None
        if row is None or not isinstance(values, dict):
            errors.append(_("没有找到要更正的指标，请刷新页面后重试。"))
            continue
        where = _("%(where)s（%(period)s）的“%(name)s”") % {
            "where": row["location"],
            "period": row["period"],
            "name": row["original"]["level3"],
        }
        if values.get("drop") in (True, "1", "on"):
            result[key] = {"drop": True, "name": row["original"]["level3"], "location": row["location"]}
            continue
        new = {name: _clean(values.get(name, row["current"][name])) for name in FIELDS}
        for name in FIELDS:
            if len(new[name]) > MAX_LENGTHS[name]:
                errors.append(
                    _("%(where)s：%(field)s不能超过 %(n)d 个字。")
                    % {"where": where, "field": FIELD_LABELS[name], "n": MAX_LENGTHS[name]}
                )
        if not new["level3"]:
            errors.append(_("%(where)s：三级指标名称不能为空；不需要这一行请选择“删除”。") % {"where": where})
        code1 = level1_code(new["level1"])
        code2 = level2_code(new["level2"], code1)
        if new["level1"] and new["level2"] and code1 and code2 and not level1_accepts(code1, code2):
            errors.append(
                _("%(where)s：二级指标“%(l2)s”不属于一级指标“%(l1)s”。")
                % {"where": where, "l2": new["level2"], "l1": new["level1"]}
            )
        changed = {name: new[name] for name in FIELDS if new[name] != row["original"][name]}
        result[key] = (
            {"set": changed, "name": row["original"]["level3"], "location": row["location"]} if changed else None
        )
    return result, list(dict.fromkeys(errors))


def counts(sheets: list[dict]) -> dict:
    rows = [row for sheet in sheets for row in sheet["indicators"]]
    return {
        "uncertain": sum(1 for row in rows if row["uncertain"]),
        "corrected": sum(1 for row in rows if row["corrected"]),
        "dropped": sum(1 for row in rows if row["dropped"]),
    }


def mark_warnings(sheets: list[dict], warnings: list[Issue]) -> None:
    """A consistency warning about an indicator (no unit, units differing between periods) marks its
    readings as uncertain too, so it is seen where the value can be fixed."""
    by_location: dict[str, list[dict]] = {}
    for sheet in sheets:
        for row in sheet["indicators"]:
            by_location.setdefault(row["location"], []).append(row)
    for issue in warnings:
        if issue.location is None:
            continue
        for row in by_location.get(issue.location.describe(), []):
            quoted = f"“{row['current']['level3']}”"
            if quoted not in issue.message:
                continue
            note = issue.message.split(quoted, 1)[1].lstrip("，,")
            # "没有中期指标值" names one period of the row and is already read as 指标值为空.
            if note and not note.endswith("指标值") and note not in row["uncertain"]:
                row["uncertain"].append(note)
