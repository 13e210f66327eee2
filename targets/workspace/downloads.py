"""Files people uploaded are served only through views that check the user, as attachments with a
safe type, never inline from /media/."""

from pathlib import Path
from urllib.parse import quote

from django.http import FileResponse, Http404

SAFE_TYPES = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def attachment_response(fieldfile, filename: str) -> FileResponse:
    try:
        handle = fieldfile.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    name = Path(filename).name or "file"
    content_type = SAFE_TYPES.get(Path(name).suffix.lower(), "application/octet-stream")
    response = FileResponse(handle, content_type=content_type)
    ascii_name = name.encode("ascii", "replace").decode().replace('"', "_").replace("?", "_")
    response["Content-Disposition"] = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
