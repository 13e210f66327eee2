"""{% load numbers %}: numbers as people write them ({{ value|plain }}), and percentages of fractions."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template

from budgets.money import plain_number

register = template.Library()


@register.filter
def plain(value):
    return plain_number(value)


@register.filter
def percent(fraction, places: int = 2):
    """0.915 → "91.5%" (rounded half-up to `places`)."""
    if fraction is None or fraction == "":
        return ""
    try:
        value = (Decimal(str(fraction)) * 100).quantize(Decimal(1).scaleb(-int(places)), rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        return ""
    return f"{plain_number(value)}%"
