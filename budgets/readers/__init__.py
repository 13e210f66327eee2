"""Read a disclosure file (text, markdown, HTML, Word, Excel, PDF) into the neutral structure.

Every reader is bounded (`limits.py`): a file over a limit, damaged, encrypted or of another kind is
refused with a Chinese message that names the file, and no library's own (English) message reaches
the user. Control characters never leave a reader.
"""

import io
import zipfile
from pathlib import Path

from .container import check_office_container
from .limits import Budget, check_input_size, limit, size_text
from .structure import Block, DisclosureReadError, Document, Location, Row

__all__ = [
    "Block",
    "DisclosureReadError",
    "Document",
    "Location",
    "Row",
    "check_input_size",
    "check_office_container",
    "detect_format",
    "read_document",
]

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
LABELS = {"text": "文本", "html": "HTML", "docx": "Word（.docx）", "xlsx": "Excel（.xlsx）", "pdf": "PDF"}


def detect_format(name: str, content: bytes) -> str:
    """The format by content first (zip containers, PDF), then by the file name."""
    suffix = Path(name).suffix.lower()
    if content.startswith(b"%PDF"):
        return "pdf"
    if content.startswith(b"PK"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            names = set()
        if "word/document.xml" in names or (suffix == ".docx" and not names):
            return "docx"
        if "xl/workbook.xml" in names or (suffix == ".xlsx" and not names):
            return "xlsx"
        raise DisclosureReadError(f"文件“{name}”是压缩包，但不是 Word（.docx）或 Excel（.xlsx）文件。")
    if suffix in {".docx", ".xlsx"}:
        raise DisclosureReadError(f"文件“{name}”不是有效的 {LABELS[suffix[1:]]} 文件（已损坏或不完整），无法读取。")
    if suffix == ".pdf":
        raise DisclosureReadError(f"文件“{name}”不是有效的 PDF 文件（已损坏或不完整），无法读取。")
    if suffix in {".doc", ".xls", ".wps", ".et"}:
        raise DisclosureReadError(f"文件“{name}”是旧版 Office 格式（{suffix}），请另存为 .docx 或 .xlsx 后再导入。")
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in TEXT_SUFFIXES or suffix == "":
        head = content[:2048].lstrip().lower()
        if head.startswith((b"<!doctype html", b"<html")):
            return "html"
        return "text"
    raise DisclosureReadError(
        f"文件“{name}”的格式（{suffix}）不受支持：请使用 .txt、.md、.html、.docx、.xlsx 或 .pdf。"
    )


_CONTROL_BYTES = bytes([*range(9), *range(14, 32)])


def _decode(content: bytes, name: str) -> str:
    head = content[:8192]
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    if controls * 100 > len(head):  # a stray NUL in a text is stripped later; many control bytes mean binary
        raise DisclosureReadError(f"文件“{name}”是二进制文件，不是文本。")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DisclosureReadError(f"文件“{name}”不是 UTF-8 或 GB18030 编码的文本，无法读取。")


def read_document(content: bytes, name: str) -> Document:
    if not content or not content.strip():
        raise DisclosureReadError(f"文件“{name}”是空文件。")
    check_input_size(len(content), name)
    kind = detect_format(name, content)
    budget = Budget(name)
    try:
        if kind == "text":
            from .text import read_text

            document = read_text(_decode(content, name), name, budget)
        elif kind == "html":
            from .html import read_html

            document = read_html(_decode(content, name), name, budget)
        elif kind == "docx":
            from .word import read_docx

            document = read_docx(content, name, budget)
        elif kind == "xlsx":
            from .excel import read_xlsx

            document = read_xlsx(content, name, budget)
        else:
            from .pdf import read_pdf

            document = read_pdf(content, name, budget)
    except DisclosureReadError:
        raise
    except MemoryError as exc:
        raise DisclosureReadError(f"文件“{name}”过大，读取时超出内存上限，无法导入。") from exc
    except RecursionError as exc:
        raise DisclosureReadError(f"文件“{name}”嵌套过深，无法读取。") from exc
    except Exception as exc:
        raise DisclosureReadError(
            f"文件“{name}”不是有效的 {LABELS[kind]} 文件（已损坏或格式不完整），无法读取。"
        ) from exc
    if not any(block.text.strip() or block.rows for block in document.blocks):
        raise DisclosureReadError(f"文件“{name}”中没有可读取的文字或表格。")
    return document


__all__ += ["limit", "size_text"]
