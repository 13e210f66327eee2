"""Uploaded and generated files go to people only through views that check who is asking, and only
as downloads: `attachment_response(fieldfile, filename)` is the one way to send one.

The response is an attachment (an RFC 5987 `filename*` for Chinese names), its type is a known safe
one or application/octet-stream (never text/html, whatever the file holds), browsers may not guess
another type (nosniff), and a sandboxing Content-Security-Policy stops a file opened in the browser
from running anything on the site's origin. MEDIA_URL is never served.
"""

import re
from pathlib import Path

from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

SAFE_TYPES = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".txt": "text/plain; charset=utf-8",
    ".md": "text/plain; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
}
UNSAFE_IN_NAMES = re.compile(r"[\x00-\x1f\x7f/\\]")


def safe_content_type(filename: str) -> str:
    return SAFE_TYPES.get(Path(filename).suffix.lower(), "application/octet-stream")


def download_name(filename: str, fallback: str = "download") -> str:
    name = UNSAFE_IN_NAMES.sub("", Path(str(filename)).name).strip() or fallback
    return name[:200]


def attachment_response(fieldfile, filename: str) -> FileResponse:
    """`fieldfile` (a FieldFile or any binary file object) as a download named `filename`."""
    if not fieldfile:
        raise Http404(_("文件不存在。"))
    try:
        handle = fieldfile.open("rb") if hasattr(fieldfile, "open") else fieldfile
    except (FileNotFoundError, OSError):
        raise Http404(_("文件已不存在。")) from None
    name = download_name(filename)
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=safe_content_type(name))
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
