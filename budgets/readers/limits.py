"""What a reader will read: sizes, counts and time per document, each overridable in settings.

A file over a limit is refused with a Chinese message naming the file and the limit; nothing a
reader does grows without bound. Settings (all optional, defaults below):

    DISCLOSURE_MAX_BYTES             the file itself
    DISCLOSURE_MAX_UNPACKED_BYTES    all members of a .docx/.xlsx once decompressed
    DISCLOSURE_MAX_MEMBER_BYTES      one member once decompressed
    DISCLOSURE_MAX_MEMBERS           members of a .docx/.xlsx
    DISCLOSURE_MAX_RATIO             decompressed / compressed size of one member
    DISCLOSURE_MAX_XML_DEPTH         nesting of XML elements
    DISCLOSURE_MAX_XML_NODES         elements (and HTML tags) in one document
    DISCLOSURE_MAX_NODE_BYTES        text of one XML element or HTML cell
    DISCLOSURE_MAX_PDF_PAGES         pages of a PDF
    DISCLOSURE_MAX_ROWS              table rows and text lines of a document
    DISCLOSURE_MAX_CELLS             table cells of a document
    DISCLOSURE_MAX_COLUMNS           cells of one row
    DISCLOSURE_MAX_SECONDS           wall time to read one document
"""

import time

from django.conf import settings

from .structure import DisclosureReadError

MB = 1024 * 1024
DEFAULTS = {
    "DISCLOSURE_MAX_BYTES": 50 * MB,
    "DISCLOSURE_MAX_UNPACKED_BYTES": 200 * MB,
    "DISCLOSURE_MAX_MEMBER_BYTES": 100 * MB,
    "DISCLOSURE_MAX_MEMBERS": 5000,
    "DISCLOSURE_MAX_RATIO": 200,
    "DISCLOSURE_MAX_XML_DEPTH": 100,
    "DISCLOSURE_MAX_XML_NODES": 1_000_000,
    "DISCLOSURE_MAX_NODE_BYTES": 5 * MB,
    "DISCLOSURE_MAX_PDF_PAGES": 500,
    "DISCLOSURE_MAX_ROWS": 100_000,
    "DISCLOSURE_MAX_CELLS": 1_000_000,
    "DISCLOSURE_MAX_COLUMNS": 500,
    "DISCLOSURE_MAX_SECONDS": 60,
}


def limit(name: str) -> int:
    return int(getattr(settings, name, DEFAULTS[name]))


def size_text(value: int) -> str:
    return f"{value // MB} MB" if value >= MB else f"{value // 1024} KB" if value >= 1024 else f"{value} 字节"


def check_input_size(size: int, name: str) -> None:
    """Refuse a file by its size before it is read (the caller may know it from the upload or os.stat)."""
    if size > limit("DISCLOSURE_MAX_BYTES"):
        raise DisclosureReadError(f"文件“{name}”超过 {size_text(limit('DISCLOSURE_MAX_BYTES'))} 上限，无法导入。")


class Budget:
    """The wall time, rows and cells one document may still use; readers call `tick` as they go."""

    def __init__(self, name: str):
        self.name = name
        self.started = time.monotonic()
        self.seconds = limit("DISCLOSURE_MAX_SECONDS")
        self.rows_left = limit("DISCLOSURE_MAX_ROWS")
        self.cells_left = limit("DISCLOSURE_MAX_CELLS")
        self.columns = limit("DISCLOSURE_MAX_COLUMNS")
        self._ticks = 0

    def check_time(self) -> None:
        if time.monotonic() - self.started > self.seconds:
            raise DisclosureReadError(f"文件“{self.name}”读取超过 {self.seconds} 秒上限，已停止。")

    def tick(self, count: int = 1) -> None:
        """Cheap enough to call per element: the clock is read every 1,000 calls."""
        self._ticks += count
        if self._ticks >= 1000:
            self._ticks = 0
            self.check_time()

    def row(self, cells: int) -> None:
        self.rows_left -= 1
        self.cells_left -= cells
        if self.rows_left < 0:
            raise DisclosureReadError(
                f"文件“{self.name}”的表格行和文字行超过 {limit('DISCLOSURE_MAX_ROWS'):,} 行上限，无法导入。"
            )
        if self.cells_left < 0:
            raise DisclosureReadError(
                f"文件“{self.name}”的表格单元格超过 {limit('DISCLOSURE_MAX_CELLS'):,} 个上限，无法导入。"
            )
        if cells > self.columns:
            raise DisclosureReadError(f"文件“{self.name}”有一行超过 {self.columns} 列上限，无法导入。")
        self.tick()
