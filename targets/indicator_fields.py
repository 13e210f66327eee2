"""Turn an indicator as printed into the model fields: labels, canonical codes, parsed target."""

from .levels import level1_code, level2_code
from .scoring.values import parse_target


def indicator_fields(
    *, level1: str | None, level2: str | None, name: str, value: str | None, unit: str | None = None
) -> dict:
    target = parse_target(value or "", unit=unit)
    code1 = level1_code(level1)
    return {
        "level1_label": (level1 or "").strip(),
        "level1_code": code1,
        "level2_label": (level2 or "").strip(),
        "level2_code": level2_code(level2, code1),
        "name": name.strip(),
        "target_text": (value or "").strip(),
        "comparator": target.comparator,
        "target_number": target.number,
        "target_upper": target.upper,
        "unit": target.unit,
        "nature": target.nature,
    }
