"""Money is Decimal in 万元 with four places, rounded half-up. Never float."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

MONEY_MAX_DIGITS = 18
MONEY_DECIMAL_PLACES = 4
MONEY_QUANTUM = Decimal(1).scaleb(-MONEY_DECIMAL_PLACES)
YUAN_PER_WAN = Decimal(10000)


def quantize_wan(value: Decimal) -> Decimal:
    if isinstance(value, float):
        raise TypeError("money must not be a float")
    return Decimal(value).quantize(MONEY_QUANTUM, rounding=ROUND_HALF_UP)


def yuan_to_wan(value: Decimal) -> Decimal:
    """元 → 万元. Exact for amounts printed to the 分 or coarser; anything finer rounds half-up."""
    return quantize_wan(Decimal(value) / YUAN_PER_WAN)


def parse_amount(text: str) -> Decimal | None:
    """Parse a printed amount ("45,480.19", "1623.35", "261 万", "13,6") into a Decimal, or None if blank.

    Raises ValueError for text that is not an amount.
    """
    cleaned = (
        text.replace("\u3000", "")
        .replace(" ", "")
        .replace("\xa0", "")
        .replace("，", ",")
        .replace("万元", "")
        .replace("万", "")
        .replace("元", "")
        .strip()
    )
    if cleaned in {"", "-", "—", "－", "/"}:
        return None
    if "," in cleaned:
        head, _, tail = cleaned.rpartition(",")
        # "13,6" uses the comma as decimal separator; "45,480.19" groups thousands.
        if "." not in cleaned and len(tail) != 3 and cleaned.count(",") == 1:
            cleaned = f"{head}.{tail}"
        else:
            cleaned = cleaned.replace(",", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation as exc:
        raise ValueError(f"不是金额：{text!r}") from exc
    if not value.is_finite():
        raise ValueError(f"不是金额：{text!r}")
    return value
