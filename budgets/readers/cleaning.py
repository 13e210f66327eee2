"""Turn cell and paragraph markup (HTML fragments, markdown emphasis) into plain text.

Imported HTML is never rendered: it is reduced to text here, and templates escape whatever remains.
"""

import html
import re
from functools import lru_cache

_BLOCK_TAGS = re.compile(r"<\s*(?:/\s*)?(?:p|div|br|li|tr|h[1-6])\b[^>]*>", re.IGNORECASE)
_CHECKBOX = re.compile(r"<\s*input\b([^>]*)>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]{0,2000}>")
# Emphasis around words; "**" after a comparison sign is a template placeholder ("(≥**个)"), kept.
_MARKDOWN_EMPHASIS = re.compile(r"(\*\*|__)([^*()≥≤<>=\n]{1,80}?)\1")
_SPACES = re.compile(r"[ \t\u00a0\u3000]+")
# NUL and the other C0/C1 control characters (tabs and line breaks stay): never stored anywhere.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


def clean_text(text: str) -> str:
    return _CONTROL.sub("", text) if text else ""


def _checkbox(match: re.Match) -> str:
    attributes = match.group(1).lower()
    if "checkbox" not in attributes and "radio" not in attributes:
        return ""
    return "☑" if "checked" in attributes else "☐"


def markup_to_text(text: str) -> str:
    """HTML tags removed (block tags become line breaks, checkboxes ☑/☐), entities decoded,
    markdown emphasis removed, spaces folded, empty lines dropped."""
    if not text:
        return ""
    if len(text) <= _CACHED_LENGTH:
        return _short_markup_to_text(text)
    return _markup_to_text(text)


# Cells repeat (labels, units, blanks) row after row; long paragraphs are neither repeated nor kept.
_CACHED_LENGTH = 200


@lru_cache(maxsize=65536)
def _short_markup_to_text(text: str) -> str:
    return _markup_to_text(text)


def _markup_to_text(text: str) -> str:
    text = clean_text(text)
    if "<" in text:
        text = _CHECKBOX.sub(_checkbox, text)
        text = _BLOCK_TAGS.sub("\n", text)
        text = _TAG.sub("", text)
    if "&" in text:
        text = html.unescape(text)
    if "*" in text or "__" in text:
        text = _MARKDOWN_EMPHASIS.sub(r"\2", text)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


def compact(text: str | None) -> str:
    """Text without any whitespace: for comparing labels that wrapping or letter-spacing split."""
    return "".join((text or "").split())
