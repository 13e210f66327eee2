"""PDF from the report's own template (print layout) with WeasyPrint. The CJK font comes from the
system (Debian: fonts-noto-cjk; .ci/run installs it) and is embedded as a subset.

Deterministic: the creation date is the snapshot's "as of" (meta tags in the print layout), and the
font subset carries no timestamp (HarfBuzz subsetting; with the fontTools fallback SOURCE_DATE_EPOCH
pins the font's own date).
"""

import os
import subprocess
import threading
from functools import lru_cache

from django.conf import settings
from django.utils.translation import gettext as _

from .rendering import render_html
from .snapshots import as_of_moment

_environment_lock = threading.Lock()


class PdfUnavailable(Exception):
    """The machine lacks what the PDF needs; the message says what to install."""


@lru_cache(maxsize=4)
def cjk_font_available(family: str) -> bool:
    """Whether fontconfig knows `family` and it covers Chinese."""
    try:
        listed = subprocess.run(
            ["fc-list", f"{family}:lang=zh", "family"], capture_output=True, text=True, timeout=20, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return bool(listed.strip())


def render_pdf(snapshot: dict) -> bytes:
    family = settings.REPORTS_CJK_FONT
    if not cjk_font_available(family):
        raise PdfUnavailable(
            _("服务器没有安装中文字体“%(font)s”，无法生成 PDF（Debian/Ubuntu：apt-get install fonts-noto-cjk）。")
            % {"font": family}
        )
    try:
        from weasyprint import HTML
        from weasyprint.urls import URLFetcher
    except OSError as exc:  # Pango/HarfBuzz missing
        raise PdfUnavailable(_("服务器缺少生成 PDF 所需的系统库（Pango）：%(e)s") % {"e": exc}) from exc
    html = render_html(snapshot, printing=True, extra={"font": family})
    epoch = str(int(as_of_moment(snapshot).timestamp()))
    with _environment_lock:
        previous = os.environ.get("SOURCE_DATE_EPOCH")
        os.environ["SOURCE_DATE_EPOCH"] = epoch
        try:
            # Reports load nothing from outside: no file or network URL is fetched.
            return HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=("data",))).write_pdf()
        finally:
            if previous is None:
                os.environ.pop("SOURCE_DATE_EPOCH", None)
            else:
                os.environ["SOURCE_DATE_EPOCH"] = previous
