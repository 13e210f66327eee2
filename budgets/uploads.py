"""The gate every uploaded file passes before anything opens it: size, type by content, and for Word
and Excel files (zip containers) a look at the zip's central directory for bombs.

`vet_upload(file, name=..., kinds={"pdf", "xlsx"}, max_bytes=...)` returns the kind it found or
raises `UploadRefused`, a ValidationError whose Chinese message names the file and the limit.
Only the central directory and the first few KB are read, so vetting a file costs no more than
its size, whatever it claims to unpack to. Readers that open the file later keep their own limits.
"""

import codecs
import zipfile
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

HEAD_BYTES = 64 * 1024
KINDS = {
    "pdf": ({".pdf"}, gettext_lazy("PDF")),
    "png": ({".png"}, gettext_lazy("PNG 图片")),
    "jpeg": ({".jpg", ".jpeg"}, gettext_lazy("JPEG 图片")),
    "docx": ({".docx"}, gettext_lazy("Word（.docx）")),
    "xlsx": ({".xlsx"}, gettext_lazy("Excel（.xlsx）")),
    "text": ({".txt", ".csv", ".md", ".markdown", ".text", ".html", ".htm"}, gettext_lazy("文本")),
}
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97–2003, Excel 97–2003, WPS
ZIP_MARKERS = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}
TEXT_ENCODINGS = ("utf-8-sig", "gb18030")
# Bytes that never occur in text: C0 controls other than tab, line feed, vertical tab, form feed, CR, ESC.
BINARY_BYTES = bytes(set(range(32)) - {9, 10, 11, 12, 13, 27})


class UploadRefused(ValidationError):
    """The file was not accepted; nothing has opened it. The message names the file and the limit."""


def human_size(size: int) -> str:
    """Bytes as people say them: 512 KB, 2 MB, 1.5 GB."""
    for unit, factor in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if size >= factor:
            value = size / factor
            return f"{value:.1f}".rstrip("0").rstrip(".") + f" {unit}"
    return f"{size} 字节"


def vet_upload(file, *, name: str | None = None, kinds, max_bytes: int, max_unpacked_bytes: int | None = None) -> str:
    """Check `file` (an UploadedFile, a FieldFile or any seekable binary file) and return its kind,
    one of `kinds` ("pdf", "png", "jpeg", "docx", "xlsx", "text"). A .docx/.xlsx may unpack to
    `max_unpacked_bytes` (default settings.UPLOAD_ZIP_MAX_UNPACKED_BYTES)."""
    name = Path(name or getattr(file, "name", "") or _("（未命名）")).name
    size = _size(file)
    if size == 0:
        raise UploadRefused(_("文件“%(name)s”是空文件。") % {"name": name}, code="empty")
    if size > max_bytes:
        raise UploadRefused(
            _("文件“%(name)s”有 %(size)s，超过了 %(limit)s 的上限。")
            % {"name": name, "size": human_size(size), "limit": human_size(max_bytes)},
            code="too_large",
        )
    head = _read_head(file)
    kind = _kind(file, head, name)
    if kind not in kinds:
        allowed = "、".join(str(KINDS[k][1]) for k in KINDS if k in kinds)
        raise UploadRefused(
            _("文件“%(name)s”不是可以接受的文件类型（可接受：%(allowed)s）。") % {"name": name, "allowed": allowed},
            code="kind",
        )
    suffix = Path(name).suffix.lower()
    if suffix not in KINDS[kind][0]:
        raise UploadRefused(
            _("文件“%(name)s”的扩展名与内容不符：内容是%(kind)s。") % {"name": name, "kind": KINDS[kind][1]},
            code="suffix",
        )
    if kind in ZIP_MARKERS:
        _vet_zip(file, name, max_unpacked_bytes or settings.UPLOAD_ZIP_MAX_UNPACKED_BYTES)
    return kind


def upload_kind(file, *, name: str | None = None) -> str | None:
    """The kind of an already vetted file by its content, or None when it is none of the known kinds."""
    name = Path(name or getattr(file, "name", "")).name
    try:
        return _kind(file, _read_head(file), name)
    except UploadRefused:
        return None


def _size(file) -> int:
    size = getattr(file, "size", None)
    if size is None:
        position = file.tell()
        size = file.seek(0, 2)
        file.seek(position)
    return size


def _read_head(file) -> bytes:
    file.seek(0)
    head = file.read(HEAD_BYTES)
    file.seek(0)
    return head


def _kind(file, head: bytes, name: str) -> str:
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(file, name)
    if head.startswith(OLE_MAGIC):
        raise UploadRefused(
            _("文件“%(name)s”是旧版 Office 文件（.doc、.xls 等），请另存为 .docx 或 .xlsx 后再上传。") % {"name": name},
            code="kind",
        )
    if _is_text(head):
        return "text"
    raise UploadRefused(
        _("文件“%(name)s”的内容无法识别（不是 PDF、图片、Word、Excel 或文本文件）。") % {"name": name}, code="kind"
    )


def _is_text(head: bytes) -> bool:
    if any(byte in BINARY_BYTES for byte in head):
        return False
    for encoding in TEXT_ENCODINGS:
        try:
            codecs.getincrementaldecoder(encoding)().decode(head, final=False)
        except UnicodeDecodeError:
            continue
        return True
    return False


def _open_zip(file, name: str) -> zipfile.ZipFile:
    file.seek(0)
    try:
        return zipfile.ZipFile(file)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise UploadRefused(_("文件“%(name)s”已损坏，无法打开。") % {"name": name}, code="damaged") from None


def _zip_kind(file, name: str) -> str:
    archive = _open_zip(file, name)
    try:
        names = set(archive.namelist())
    finally:
        file.seek(0)
    for kind, marker in ZIP_MARKERS.items():
        if marker in names:
            return kind
    raise UploadRefused(
        _("文件“%(name)s”是压缩包，但不是 Word（.docx）或 Excel（.xlsx）文件。") % {"name": name}, code="kind"
    )


def _vet_zip(file, name: str, max_total: int) -> None:
    """Refuse a zip container that declares too many members, too much unpacked data, a member
    that unpacks out of all proportion (a bomb), or encryption. zipfile never unpacks more than a
    member declares, so these declared sizes bound what any reader can be made to unpack."""
    members = _open_zip(file, name).infolist()
    file.seek(0)
    max_members = settings.UPLOAD_ZIP_MAX_MEMBERS
    max_ratio = settings.UPLOAD_ZIP_MAX_RATIO
    if len(members) > max_members:
        raise UploadRefused(
            _("文件“%(name)s”包含 %(count)d 个部件，超过了 %(limit)d 个的上限。")
            % {"name": name, "count": len(members), "limit": max_members},
            code="zip_members",
        )
    total = sum(member.file_size for member in members)
    if total > max_total:
        raise UploadRefused(
            _("文件“%(name)s”解压后有 %(size)s，超过了 %(limit)s 的上限。")
            % {"name": name, "size": human_size(total), "limit": human_size(max_total)},
            code="zip_size",
        )
    for member in members:
        if member.flag_bits & 0x1:
            raise UploadRefused(_("文件“%(name)s”已加密，请去掉密码后再上传。") % {"name": name}, code="zip_encrypted")
        # Small members compress however they like; a large one packed past the ratio is a bomb.
        if member.file_size > 1024 * 1024 and member.file_size > max_ratio * max(member.compress_size, 1):
            raise UploadRefused(
                _("文件“%(name)s”中的部件压缩比超过 %(limit)d 倍，疑似“压缩炸弹”，已拒绝。")
                % {"name": name, "limit": max_ratio},
                code="zip_ratio",
            )
