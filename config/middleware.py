"""Limits every request meets before a view sees it.

- A body larger than UPLOAD_REQUEST_MAX_BYTES (by its Content-Length) is refused before any of it
  is read; Django never reads past the Content-Length, so nothing larger can arrive.
- A NUL character anywhere in the path, the query string or the form fields is refused: PostgreSQL
  cannot store it, and no person types one. Other invisible control characters (pasted from other
  programs) are removed from query strings and form fields; vertical tab and form feed become line
  breaks. Tab, line feed and carriage return stay.
Both refusals are the Chinese 400 page with a message saying what to do; nothing is changed.
"""

import re

from django.conf import settings
from django.http import QueryDict
from django.shortcuts import render
from django.utils.translation import gettext as _

from budgets.uploads import human_size

NUL = "\x00"
LINE_BREAKS = re.compile(r"[\x0b\x0c]")
INVISIBLE = re.compile(r"[\x01-\x08\x0e-\x1f\x7f]")


def clean_typed_text(value: str) -> str:
    """Typed text without invisible control characters (NUL is refused before this is used)."""
    return INVISIBLE.sub("", LINE_BREAKS.sub("\n", value))


def _has_nul(query: QueryDict) -> bool:
    return any(NUL in key or any(NUL in value for value in values) for key, values in query.lists())


def _cleaned(query: QueryDict) -> QueryDict:
    if not any(INVISIBLE.search(v) or LINE_BREAKS.search(v) for _k, values in query.lists() for v in values):
        return query
    cleaned = QueryDict(mutable=True, encoding=query.encoding)
    for key, values in query.lists():
        cleaned.setlist(clean_typed_text(key), [clean_typed_text(value) for value in values])
    cleaned._mutable = False
    return cleaned


def _refuse(request, message: str, status: int):
    return render(request, "400.html", {"message": message}, status=status)


class RequestLimitsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.UPLOAD_REQUEST_MAX_BYTES
        if length > limit:
            message = _("提交的内容有 %(size)s，超过了 %(limit)s 的上限，未被接收。请缩小文件后重试。")
            return _refuse(request, message % {"size": human_size(length), "limit": human_size(limit)}, 413)
        if NUL in request.path or _has_nul(request.GET) or (request.method == "POST" and _has_nul(request.POST)):
            message = _(
                "提交的内容中含有不可见的空字符（NUL，常见于从其他软件复制的文字），系统无法保存。"
                "请删除这些字符后重新填写，本次没有保存任何内容。"
            )
            return _refuse(request, message, 400)
        request.GET = _cleaned(request.GET)
        if request.method == "POST":
            request.POST = _cleaned(request.POST)
        return self.get_response(request)
