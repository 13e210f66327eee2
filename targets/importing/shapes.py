"""Values by their shape: numbers, amounts, percentages, units, comparators, target values and the
qualitative words targets are written in. Used to tell what a cell is when its column is not known,
and to split cells that were printed with no separator between them."""

import re
import unicodedata
from functools import lru_cache

from . import vocabulary as v

NUMBER = r"(?:0|[1-9]\d*)(?:\.\d+)?"
COMPARATOR = (
    r"(?:>=|<=|≥|≤|≧|≦|⩾|⩽|>|<|=|﹦|＝|═"
    r"|不低于|不少于|不小于|不高于|不超过|不大于|不多于|大于|小于|高于|低于|超过|至少|达到)"
)
_UNIT = "|".join(sorted((re.escape(unit) for unit in v.UNITS), key=len, reverse=True))
UNIT_PHRASE = rf"(?:(?:{_UNIT})(?:/(?:{_UNIT}))?|/(?:{_UNIT}))"
_TRAIL = r"(?:以上|及以上|以内|以下|之内|左右)?"
QUANTITY = re.compile(rf"^{COMPARATOR}?{NUMBER}(?:[-~～至]{NUMBER})?{UNIT_PHRASE}?{_TRAIL}$")
_DATE_VALUE = re.compile(r"^(?:\d{4}年)?(?:\d{1,2}月)?(?:\d{1,2}日)?(?:底|末)?(?:前|之前|以前|内)$")
_PLAIN_NUMBER = re.compile(rf"^{NUMBER}分?$")
_AMOUNT = re.compile(r"^(?:0|[1-9]\d{0,2}(?:,\d{3})+|[1-9]\d*)(?:\.\d+)?(?:万元|万|元)?$")
_PERCENT = re.compile(rf"^{NUMBER}%$")
_COMPARATOR_ONLY = re.compile(rf"^{COMPARATOR}$")
_NATURE_WORDS = {"定性", "定量", "正向", "反向", "正向指标", "反向指标", "定性指标", "定量指标"}
_QUALITATIVE_PHRASE = re.compile(
    rf"^(?:{'|'.join(v.QUALITATIVE_ADVERBS)})?(?:{'|'.join(v.QUALITATIVE_VERBS)})$"
    rf"|^按(?:计划|时|期|月|季|年|规定|要求|标准)(?:完成|实施|执行|发放|安排|落实|到位|开展)?$"
    rf"|^(?:不超|未超|不低于|不少于|不高于|不超过)[\u4e00-\u9fff]{{1,2}}$"
)


def _key(text: str | None) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


@lru_cache(maxsize=65536)
def is_number(text: str) -> bool:
    """A weight or a score: "10", "20.00", "10分"."""
    return bool(_PLAIN_NUMBER.match(_key(text)))


@lru_cache(maxsize=65536)
def is_amount(text: str) -> bool:
    return bool(_AMOUNT.match(_key(text)))


@lru_cache(maxsize=65536)
def is_percent(text: str) -> bool:
    return bool(_PERCENT.match(_key(text)))


@lru_cache(maxsize=65536)
def is_unit(text: str) -> bool:
    key = _key(text)
    return bool(key) and (key in v.UNITS or bool(re.fullmatch(UNIT_PHRASE, key)))


@lru_cache(maxsize=65536)
def is_comparator(text: str) -> bool:
    """A 指标性质 / 指标值类型 cell: a comparison sign or 定性/定量/正向/反向."""
    key = _key(text)
    return bool(_COMPARATOR_ONLY.match(key)) or key in _NATURE_WORDS


@lru_cache(maxsize=65536)
def is_quantity(text: str) -> bool:
    key = _key(text)
    return bool(QUANTITY.match(key)) or bool(_DATE_VALUE.match(key) and re.search(r"\d", key))


@lru_cache(maxsize=65536)
def is_qualitative(text: str) -> bool:
    key = _key(text)
    return key in v.QUALITATIVE_WORDS or bool(_QUALITATIVE_PHRASE.match(key))


def is_value(text: str) -> bool:
    """Text shaped like a target or an actual value."""
    return is_quantity(text) or is_qualitative(text)


def is_bare_verb(text: str) -> bool:
    """提高, 下降: a qualitative value only where a cell boundary says so, never cut out of a run."""
    return _key(text) in v.QUALITATIVE_VERBS


@lru_cache(maxsize=65536)
def unit_of(text: str) -> str:
    """The unit a quantity is printed with ("%", "米", ""), for comparing a target with an actual."""
    key = _key(text)
    match = re.search(rf"{NUMBER}((?:{UNIT_PHRASE}))?{_TRAIL}$", key)
    return (match.group(1) or "") if match else ""


def fits(role: str, text: str, *, strict: bool) -> bool:
    """Whether text can be the cell of a column. `strict` (text with no cell boundaries) also asks
    targets, actuals, reasons and explanations to look like one; between cell boundaries any text can."""
    if role in {"weight", "score"}:
        return is_number(text) and (not strict or float(_key(text).rstrip("分")) <= 100)
    if role == "unit":
        return is_unit(text)
    if role == "nature":
        return is_comparator(text)
    if not strict:
        return role in {"value", "actual", "explanation", "reason"}
    if role in {"value", "actual"}:
        return is_value(text) and not is_bare_verb(text)
    if role == "explanation":
        return starts_explanation(text)
    if role == "reason":
        return starts_reason(text)
    return False


def starts_explanation(text: str) -> bool:
    return _key(text).startswith(v.EXPLANATION_CUES)


def starts_reason(text: str) -> bool:
    return _key(text).startswith(v.REASON_CUES)
