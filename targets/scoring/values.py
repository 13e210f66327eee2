"""Parse a target value (指标值) or an actual value as printed into comparator, number and unit.

It never raises: text it cannot read as one quantity is QUALITATIVE, with the text kept.
"""

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from django.db import models
from django.utils.translation import gettext_lazy as _


class Comparator(models.TextChoices):
    GE = "GE", "≥"
    GT = "GT", ">"
    EQ = "EQ", "="
    LE = "LE", "≤"
    LT = "LT", "<"
    RANGE = "RANGE", _("区间")
    QUALITATIVE = "QUALITATIVE", _("定性")


class Nature(models.TextChoices):
    QUANTITATIVE = "quantitative", _("定量")
    QUALITATIVE = "qualitative", _("定性")


POSITIVE = frozenset({Comparator.GE, Comparator.GT, Comparator.EQ})
NEGATIVE = frozenset({Comparator.LE, Comparator.LT})


@dataclass(frozen=True)
class Target:
    text: str
    comparator: str
    number: Decimal | None = None
    unit: str = ""
    nature: str = Nature.QUALITATIVE
    upper: Decimal | None = None

    @property
    def is_quantitative(self) -> bool:
        return self.nature == Nature.QUANTITATIVE

    @property
    def is_negative(self) -> bool:
        return self.comparator in NEGATIVE


# Longest first, so 不低于 wins over 低于 and ≥ over >.
_COMPARATOR_WORDS = [
    ("不低于", Comparator.GE),
    ("不少于", Comparator.GE),
    ("不小于", Comparator.GE),
    ("不高于", Comparator.LE),
    ("不超过", Comparator.LE),
    ("不大于", Comparator.LE),
    ("不多于", Comparator.LE),
    (">=", Comparator.GE),
    ("<=", Comparator.LE),
    ("≥", Comparator.GE),
    ("≧", Comparator.GE),
    ("⩾", Comparator.GE),
    ("≤", Comparator.LE),
    ("≦", Comparator.LE),
    ("⩽", Comparator.LE),
    ("至少", Comparator.GE),
    ("达到", Comparator.GE),
    ("大于", Comparator.GT),
    ("超过", Comparator.GT),
    ("高于", Comparator.GT),
    ("多于", Comparator.GT),
    ("小于", Comparator.LT),
    ("低于", Comparator.LT),
    ("少于", Comparator.LT),
    (">", Comparator.GT),
    ("<", Comparator.LT),
    ("=", Comparator.EQ),
    ("﹦", Comparator.EQ),
    ("═", Comparator.EQ),
]
_TRAILING_WORDS = [
    ("以上", Comparator.GE),
    ("及以上", Comparator.GE),
    ("以内", Comparator.LE),
    ("以下", Comparator.LE),
    ("之内", Comparator.LE),
    ("以前", Comparator.LE),
    ("之前", Comparator.LE),
    ("前", Comparator.LE),
]

# Units are matched longest first; a magnitude (万/亿) before a unit stays part of it ("亿次").
_UNITS = sorted(
    {
        "%",
        "‰",
        "元",
        "万元",
        "亿元",
        "千元",
        "次",
        "万次",
        "亿次",
        "人次",
        "万人次",
        "个",
        "台",
        "套",
        "小时",
        "天",
        "日",
        "个工作日",
        "工作日",
        "周",
        "个月",
        "月",
        "年",
        "季度",
        "名",
        "人",
        "万人",
        "家",
        "户",
        "份",
        "篇",
        "册",
        "本",
        "场",
        "场次",
        "条",
        "万条",
        "亿条",
        "件",
        "万件",
        "项",
        "分",
        "秒",
        "分钟",
        "毫秒",
        "Gbps",
        "Mbps",
        "TB",
        "GB",
        "MB",
        "PB",
        "km",
        "公里",
        "平方米",
        "万平方米",
        "亩",
        "米",
        "吨",
        "辆",
        "部",
        "座",
        "处",
        "张",
        "期",
        "批",
        "所",
        "户次",
        "种",
        "类",
        "轮",
        "门",
        "节",
        "课时",
        "学时",
        "起",
        "例",
        "宗",
        "单",
        "台次",
        "架次",
        "辆次",
        "栋",
        "间",
        "万",
        "亿",
    },
    key=len,
    reverse=True,
)
_NUMBER = r"\d+(?:,\d{3})*(?:\.\d+)?"
_NUMBER_RE = re.compile(_NUMBER)
_RANGE_RE = re.compile(
    rf"^(?P<low>{_NUMBER})\s*(?P<u1>[^\d\s\-—–~至到]*)\s*[-—–~至到]\s*(?P<high>{_NUMBER})\s*(?P<u2>\S*)$"
)


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "")
    # NFKC leaves these as they are; treat them like their plain forms.
    text = text.replace("≧", "≥").replace("≦", "≤").replace("﹦", "=").replace("═", "=")
    return re.sub(r"\s+", "", text)


def _to_decimal(number: str) -> Decimal | None:
    try:
        return Decimal(number.replace(",", ""))
    except InvalidOperation:
        return None


def _unit_after(rest: str) -> str:
    for unit in _UNITS:
        if rest.startswith(unit):
            return unit
    return ""


def _qualitative(text: str) -> Target:
    return Target(text=text, comparator=Comparator.QUALITATIVE, nature=Nature.QUALITATIVE)


def parse_target(text: str | None, *, unit: str | None = None) -> Target:
    """Parse a printed value. `unit` is a separate 度量单位 cell, when the table has one."""
    original = text if isinstance(text, str) else ""
    return _parse_cached(original, unit if isinstance(unit, str) else "")


@lru_cache(maxsize=65536)
def _parse_cached(original: str, unit_column: str) -> Target:
    try:
        return _parse(original, unit_column)
    except Exception:  # noqa: BLE001 - the contract is that bad input never raises
        return _qualitative(original)


def _parse(original: str, unit_column: str) -> Target:
    compact = _normalise(original)
    column = _normalise(unit_column)
    if column in {"定性", "定性指标"}:
        return _qualitative(original)
    if column in {"定量", "定量指标"}:
        column = ""
    if not compact:
        return _qualitative(original)

    range_match = _RANGE_RE.match(compact)
    if range_match:
        low, high = _to_decimal(range_match["low"]), _to_decimal(range_match["high"])
        range_unit = _unit_after(range_match["u2"]) or _unit_after(range_match["u1"]) or column
        if low is not None and high is not None and low <= high:
            return Target(original, Comparator.RANGE, low, range_unit, Nature.QUANTITATIVE, upper=high)

    numbers = _NUMBER_RE.findall(compact)
    if len(numbers) != 1:
        return _qualitative(original)
    number_match = _NUMBER_RE.search(compact)
    before, rest = compact[: number_match.start()], compact[number_match.end() :]
    number = _to_decimal(number_match.group())
    if number is None:
        return _qualitative(original)

    comparator = None
    for word, candidate in _COMPARATOR_WORDS:
        if before.endswith(word) or word in before:
            comparator = candidate
            break
    unit = _unit_after(rest)
    after_unit = rest[len(unit) :]
    if comparator is None:
        for word, candidate in _TRAILING_WORDS:
            if word in after_unit:
                comparator = candidate
                break
    if comparator is None:
        if re.search(r"[增提升]", before):
            comparator = Comparator.GE
        elif re.search(r"[减降]", before):
            comparator = Comparator.LE
        else:
            comparator = Comparator.EQ
    if not unit and column:
        unit = column
    return Target(original, comparator, number, unit, Nature.QUANTITATIVE)
