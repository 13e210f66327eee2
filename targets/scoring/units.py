"""Comparing an actual value with its target across units: 万元 ↔ 元, 亿次 ↔ 万次, 小时 ↔ 分钟 …

Units are a magnitude (千/万/亿) over a base (元, 次, 人 …) or a member of a fixed family (time).
Values in different bases are not comparable: that is an error for a person to resolve, never a guess.
"""

from decimal import Decimal

MAGNITUDES = {"千": Decimal(10) ** 3, "万": Decimal(10) ** 4, "亿": Decimal(10) ** 8, "百万": Decimal(10) ** 6}
MAGNITUDE_PREFIXES = ("百万", "亿", "万", "千")  # longest first
UNIT_FAMILIES = {
    "秒": ("duration", Decimal(1)),
    "分钟": ("duration", Decimal(60)),
    "分": ("points", Decimal(1)),
    "小时": ("duration", Decimal(3600)),
    "天": ("duration", Decimal(86400)),
    "日": ("duration", Decimal(86400)),
    "周": ("duration", Decimal(604800)),
    "个月": ("months", Decimal(1)),
    "月": ("months", Decimal(1)),
    "年": ("months", Decimal(12)),
    "%": ("percent", Decimal(1)),
    "‰": ("percent", Decimal("0.1")),
}


class UnitMismatch(ValueError):
    def __init__(self, actual_unit: str, target_unit: str):
        super().__init__(f"实际值单位“{actual_unit}”与目标单位“{target_unit}”不一致，无法比较")
        self.actual_unit, self.target_unit = actual_unit, target_unit


def split_unit(unit: str) -> tuple[str, Decimal]:
    if unit in UNIT_FAMILIES:
        family, factor = UNIT_FAMILIES[unit]
        return f"@{family}", factor
    for prefix in MAGNITUDE_PREFIXES:
        if unit.startswith(prefix):
            return unit[len(prefix) :], MAGNITUDES[prefix]
    return unit, Decimal(1)


def scale_factors(*, from_unit: str, to_unit: str) -> tuple[Decimal, Decimal]:
    """Factors that bring a value in `from_unit` and one in `to_unit` to a common base: compare
    value × first with other × second. An empty unit on either side is taken as the other's."""
    if not from_unit or not to_unit or from_unit == to_unit:
        return Decimal(1), Decimal(1)
    base_from, factor_from = split_unit(from_unit)
    base_to, factor_to = split_unit(to_unit)
    if base_from != base_to:
        raise UnitMismatch(from_unit, to_unit)
    return factor_from, factor_to
