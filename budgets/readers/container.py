"""Office files (.docx, .xlsx) are zip containers of XML. They are vetted from the zip's central
directory before anything is decompressed, members are read as streams with a cap, and their XML is
parsed with a bounded parser (no DTDs or entities, limited depth, element count and text size).

`check_office_container(content, name)` is the check to run before any library opens an uploaded
Office file (the 预算执行 spreadsheet import uses it too).
"""

import io
import zipfile

from lxml import etree

from .limits import Budget, limit, size_text
from .structure import DisclosureReadError

KINDS = {"word/document.xml": "docx", "xl/workbook.xml": "xlsx"}
LABELS = {"docx": "Word（.docx）", "xlsx": "Excel（.xlsx）"}


def damaged(name: str, kind: str) -> DisclosureReadError:
    return DisclosureReadError(
        f"文件“{name}”不是有效的 {LABELS.get(kind, 'Office')} 文件（已损坏或不完整），无法读取。"
    )


def check_office_container(content: bytes, name: str, expected: str | None = None) -> str:
    """The kind ("docx" or "xlsx") of an Office file whose container is within the limits, or a
    DisclosureReadError with a Chinese message naming the file and the limit."""
    kind = expected or "office"
    if len(content) > limit("DISCLOSURE_MAX_BYTES"):
        raise DisclosureReadError(f"文件“{name}”超过 {size_text(limit('DISCLOSURE_MAX_BYTES'))} 上限，无法导入。")
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise damaged(name, kind) from exc
    names = {member.filename for member in members}
    found = next((KINDS[member] for member in KINDS if member in names), None)
    if found is None or (expected and found != expected):
        if expected or any(n.startswith(("word/", "xl/", "[Content_Types]")) for n in names):
            raise damaged(name, expected or "office")
        raise DisclosureReadError(f"文件“{name}”是压缩包，但不是 Word（.docx）或 Excel（.xlsx）文件。")
    if len(members) > limit("DISCLOSURE_MAX_MEMBERS"):
        raise DisclosureReadError(
            f"文件“{name}”包含超过 {limit('DISCLOSURE_MAX_MEMBERS')} 个内部文件的上限，无法导入。"
        )
    total = 0
    for member in members:
        if member.flag_bits & 0x1:
            raise DisclosureReadError(f"文件“{name}”已加密，请去除密码后再导入。")
        total += member.file_size
        if member.file_size > limit("DISCLOSURE_MAX_MEMBER_BYTES") or total > limit("DISCLOSURE_MAX_UNPACKED_BYTES"):
            raise DisclosureReadError(
                f"文件“{name}”解压后超过 {size_text(limit('DISCLOSURE_MAX_UNPACKED_BYTES'))} 上限，无法导入。"
            )
        if member.compress_size and member.file_size / member.compress_size > limit("DISCLOSURE_MAX_RATIO"):
            raise DisclosureReadError(
                f"文件“{name}”的内部文件压缩比超过 {limit('DISCLOSURE_MAX_RATIO')} 倍上限（疑似压缩炸弹），无法导入。"
            )
    return found


def open_member(archive: zipfile.ZipFile, member: str, name: str, kind: str):
    """A member as a stream; zipfile stops at the size the central directory declares (checked above)."""
    try:
        return archive.open(member)
    except KeyError as exc:
        raise damaged(name, kind) from exc


def iter_xml(stream, name: str, kind: str, budget: Budget, events=("start", "end")):
    """(event, element, depth) of a member's XML, bounded in depth, elements and text size. Callers
    clear elements once read, so memory stays flat however long the member is."""
    depth, nodes = 0, 0
    max_depth, max_nodes, max_text = (
        limit("DISCLOSURE_MAX_XML_DEPTH"),
        limit("DISCLOSURE_MAX_XML_NODES"),
        limit("DISCLOSURE_MAX_NODE_BYTES"),
    )
    parser = etree.iterparse(
        stream, events=events, huge_tree=False, resolve_entities=False, load_dtd=False, no_network=True
    )
    try:
        for event, element in parser:
            if event == "start":
                depth += 1
                nodes += 1
                if depth > max_depth:
                    raise DisclosureReadError(f"文件“{name}”的 XML 嵌套超过 {max_depth} 层上限，无法导入。")
                if nodes > max_nodes:
                    raise DisclosureReadError(f"文件“{name}”的 XML 元素超过 {max_nodes:,} 个上限，无法导入。")
                budget.tick()
            yield event, element, depth
            if event == "end":
                if element.text and len(element.text) > max_text:
                    raise DisclosureReadError(f"文件“{name}”有单个文字块超过 {size_text(max_text)} 上限，无法导入。")
                depth -= 1
        if parser.root is not None and parser.root.getroottree().docinfo.doctype:
            raise damaged(name, kind)
    except (etree.XMLSyntaxError, zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
        raise damaged(name, kind) from exc


def release(element, *, siblings: bool = True) -> None:
    """Free an element that has been read, and (by default) the siblings read before it."""
    element.clear(keep_tail=True)
    parent = element.getparent()
    if siblings and parent is not None:
        while element.getprevious() is not None:
            del parent[0]


def scan_members(archive: zipfile.ZipFile, name: str, kind: str, budget: Budget) -> None:
    """Every XML member parsed once with the bounded parser, before another library parses them."""
    for member in archive.infolist():
        if member.filename.endswith((".xml", ".rels")):
            with open_member(archive, member.filename, name, kind) as stream:
                for event, element, _ in iter_xml(stream, name, kind, budget, events=("start", "end")):
                    if event == "end":
                        release(element)
