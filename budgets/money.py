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


def plain_number(value) -> str:
    """A number as people write it: 12.000000 → "12", 12.5000 → "12.5", 0.9150 → "0.915"; never an
    exponent. Text that is not a number is returned as it is; None is ""."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if not number.is_finite():
        return str(value)
    if number == number.to_integral_value():
        return f"{number.quantize(Decimal(1)):f}"
    return f"{number.normalize():f}"


def money_from_input(value, label: str) -> Decimal | None:
    """An amount typed by a person (万元; "1,234.5" allowed), rounded half-up to four places; blank is
    None. Anything else is refused with a Chinese message naming the field."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    if value in (None, ""):
        return None
    if isinstance(value, float):
        raise TypeError("money must not be a float")
    try:
        amount = Decimal(str(value).replace(",", "").replace("，", "").strip())
    except InvalidOperation:
        raise ValidationError(_("%(l)s“%(v)s”不是数字。") % {"l": label, "v": value}) from None
    if not amount.is_finite() or amount < 0:
        raise ValidationError(_("%(l)s必须是不小于 0 的数字。") % {"l": label})
    if amount >= Decimal(10) ** (MONEY_MAX_DIGITS - MONEY_DECIMAL_PLACES):
        raise ValidationError(_("%(l)s超出可记录的范围。") % {"l": label})
    return quantize_wan(amount)


def grouped_number(value) -> str:
    """plain_number with thousands separators: 1234567.5000 → "1,234,567.5"."""
    text = plain_number(value)
    sign, digits = ("-", text[1:]) if text.startswith("-") else ("", text)
    whole, dot, fraction = digits.partition(".")
    if not whole.isdigit():
        return text
    return f"{sign}{int(whole):,}{dot}{fraction}"
