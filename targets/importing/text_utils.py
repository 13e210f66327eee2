"""Small text helpers shared by the extractors."""

import calendar
import datetime
import re
import unicodedata
from decimal import Decimal
from functools import lru_cache

from budgets.money import parse_amount, yuan_to_wan
from budgets.readers.cleaning import compact

_CJK = r"\u3400-\u9fff\uff00-\uffef\u3000-\u303f"
_LINE_BREAK = re.compile(r"\s*\n\s*")
_WRAP_SPACE = re.compile(rf"(?<=[{_CJK}])\s+|\s+(?=[{_CJK}])")


@lru_cache(maxsize=65536)
def nfkc_compact(text: str | None) -> str:
    return compact(unicodedata.normalize("NFKC", text or ""))


def unwrap(text: str | None) -> str:
    """Remove the spaces that line wrapping leaves next to CJK characters; keep "Alexa 排名"-style
    spaces between Latin words."""
    return _WRAP_SPACE.sub("", (text or "").strip())


def one_line(text: str | None) -> str:
    text = (text or "").strip()
    return _LINE_BREAK.sub("", text) if "\n" in text else text


def amount_in_wan(text: str, unit: str) -> Decimal | None:
    """A printed amount in 万元. `unit` is the unit in force ("万元" or "元"); a "万" suffix on the
    value itself wins. Raises ValueError for text that is not an amount."""
    cleaned = (text or "").strip()
    if re.search(r"万元?\s*$", cleaned):
        unit = "万元"
    elif re.search(r"(?<!万)元\s*$", cleaned):
        unit = "元"
    value = parse_amount(cleaned)
    if value is None:
        return None
    return yuan_to_wan(value) if unit == "元" else value


_DATE = re.compile(r"(\d{4})\s*[年\-/.]\s*(\d{1,2})\s*(?:[月\-/.]\s*(?:(\d{1,2})\s*日?)?)?")


def dates_in(text: str) -> list[tuple[datetime.date, bool]]:
    """Dates in the text with whether the day was printed: "2023 年 1 月 1 日至 2023 年 12 月 31 日"."""
    found = []
    for match in _DATE.finditer(text or ""):
        year, month = int(match.group(1)), int(match.group(2))
        if not 1 <= month <= 12:
            continue
        day = int(match.group(3)) if match.group(3) else None
        try:
            found.append((datetime.date(year, month, day or 1), day is not None))
        except ValueError:
            continue
    return found


_YEARS = re.compile(r"(?<!\d)(20\d{2})\s*年?(?:度)?\s*(?:[-~～—至到]+\s*(20\d{2})\s*年?)?(?!\d)")


def period_dates(text: str) -> tuple[datetime.date | None, datetime.date | None]:
    """Start and end of a printed period; a period given in years only ("2020年-2022年", "2025年")
    runs from the first day of its first year to the last day of its last."""
    dates = dates_in(text)
    if not dates:
        match = _YEARS.search(text or "")
        if match is None:
            return None, None
        first, last = int(match.group(1)), int(match.group(2) or match.group(1))
        return datetime.date(first, 1, 1), datetime.date(last, 12, 31)
    start = dates[0][0]
    if len(dates) < 2:
        return start, None
    end, has_day = dates[1]
    if not has_day:
        end = end.replace(day=calendar.monthrange(end.year, end.month)[1])
    return start, end


def years_in(text: str) -> list[int]:
    return [int(year) for year in re.findall(r"(?<!\d)(20\d{2}|19\d{2})(?!\d)", text or "")]
