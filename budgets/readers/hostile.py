"""Hostile files of every format, built in memory: for the bomb tests and `make bench`.

Each builder takes a scale (1 = small, for CI) and returns (file name, content)."""

import io
import zipfile

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/></Types>'
)
_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def docx_paragraph_bomb(scale: int = 1) -> tuple[str, bytes]:
    """Millions of empty paragraphs compressing to little (the 441 KB / 275 MiB file of the issue)."""
    body = b"<w:p/>" * (400_000 * scale)
    document = f"<w:document {_W}><w:body>".encode() + body + b"</w:body></w:document>"
    return "炸弹.docx", _zip({"[Content_Types].xml": _CONTENT_TYPES.encode(), "word/document.xml": document})


def docx_deep_xml(scale: int = 1) -> tuple[str, bytes]:
    """Elements nested thousands deep."""
    depth = 5000 * scale
    document = f"<w:document {_W}><w:body>".encode() + b"<w:p>" * depth + b"</w:p>" * depth + b"</w:body></w:document>"
    return "深层.docx", _zip({"[Content_Types].xml": _CONTENT_TYPES.encode(), "word/document.xml": document})


def xlsx_cell_bomb(scale: int = 1) -> tuple[str, bytes]:
    """A workbook of tiny cells beyond the cell limit (written in streaming mode)."""
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("炸弹")
    row = list(range(40))
    for _ in range(30_000 * scale):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return "炸弹.xlsx", buffer.getvalue()


def zip_ratio_bomb(scale: int = 1) -> tuple[str, bytes]:
    """One member that decompresses to hundreds of megabytes of zeros."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(300 * scale):
                member.write(chunk)
    return "解压炸弹.docx", buffer.getvalue()


def html_tag_bomb(scale: int = 1) -> tuple[str, bytes]:
    return "炸弹.html", b"<html><body>" + b"<div><p>x</p></div>" * (200_000 * scale) + b"</body></html>"


def text_cell_bomb(scale: int = 1) -> tuple[str, bytes]:
    """Lines of thousands of tab-separated cells."""
    line = "\t".join(["格"] * 2000)
    return "炸弹.txt", ("\n".join([line] * (600 * scale))).encode()


def pdf_many_pages(scale: int = 1) -> tuple[str, bytes]:
    """A PDF with more pages than the limit (the 3,000-page file of the issue)."""
    pages = 3000 if scale > 1 else 600
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    kids = " ".join(f"{3 + i} 0 R" for i in range(pages))
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode())
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>"] * pages
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return "多页.pdf", out.getvalue()


BUILDERS = {
    "docx": docx_paragraph_bomb,
    "docx-unpacked": zip_ratio_bomb,
    "xml-depth": docx_deep_xml,
    "xlsx": xlsx_cell_bomb,
    "html": html_tag_bomb,
    "text": text_cell_bomb,
    "pdf": pdf_many_pages,
}
