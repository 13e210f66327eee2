"""The upload gate: every refusal names the file and the limit, and nothing unpacks a bomb."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from budgets.uploads import UploadRefused, human_size, upload_kind, vet_upload
from tests import documents

ALL = {"pdf", "png", "jpeg", "docx", "xlsx", "text"}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def upload(name, content):
    return SimpleUploadedFile(name, content)


def refusal(file, **kwargs) -> str:
    kwargs.setdefault("kinds", ALL)
    kwargs.setdefault("max_bytes", 10 * 1024 * 1024)
    with pytest.raises(UploadRefused) as caught:
        vet_upload(file, **kwargs)
    return " ".join(caught.value.messages)


def zip_bytes(members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("公开.docx", documents.docx(), "docx"),
        ("公开.xlsx", documents.xlsx(), "xlsx"),
        ("公开.pdf", documents.pdf(), "pdf"),
        ("佐证.png", PNG, "png"),
        ("佐证.JPG", JPEG, "jpeg"),
        ("公开.txt", "项目支出绩效目标表\n".encode(), "text"),
        ("公开.txt", "项目支出绩效目标表\n".encode("gb18030"), "text"),
        ("公开.html", documents.html(), "text"),
    ],
)
def test_real_files_are_accepted_by_their_content(name, content, kind):
    assert vet_upload(upload(name, content), kinds=ALL, max_bytes=10 * 1024 * 1024) == kind
    assert upload_kind(upload(name, content)) == kind


def test_a_file_over_the_limit_is_refused_with_its_name_and_the_limit():
    message = refusal(upload("大文件.txt", b"a" * 3000), max_bytes=2048)
    assert "大文件.txt" in message and "2 KB" in message and "2.9 KB" in message


def test_an_empty_file_is_refused():
    assert "空文件" in refusal(upload("空.txt", b""))


def test_a_program_renamed_pdf_is_refused():
    message = refusal(upload("报告.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200))
    assert "报告.pdf" in message and "无法识别" in message


def test_a_kind_not_asked_for_is_refused_naming_what_is():
    message = refusal(upload("图.png", PNG), kinds={"pdf", "docx"})
    assert "图.png" in message and "PDF" in message and "Word" in message


def test_a_suffix_that_does_not_match_the_content_is_refused():
    message = refusal(upload("公开.docx", documents.pdf()))
    assert "公开.docx" in message and "扩展名与内容不符" in message and "PDF" in message


def test_a_zip_that_is_neither_word_nor_excel_is_refused():
    assert "不是 Word" in refusal(upload("公开.docx", zip_bytes({"a.txt": b"x"})))


def test_a_damaged_docx_is_refused_as_damaged():
    content = documents.docx()
    message = refusal(upload("坏.docx", content[: len(content) // 2]))
    assert "坏.docx" in message and "已损坏" in message


def test_a_docx_bomb_is_refused_from_its_central_directory():
    # 50 MiB of empty paragraphs in a few tens of KB: refused without unpacking any of it.
    bomb = zip_bytes({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:p/>" * (50 * 1024 * 1024 // 6)})
    assert len(bomb) < 1024 * 1024
    message = refusal(upload("炸弹.docx", bomb))
    assert "炸弹.docx" in message and "压缩比" in message and "100" in message


def test_an_xlsx_that_unpacks_past_the_limit_is_refused(settings):
    members = {"xl/workbook.xml": b"<workbook/>", "xl/worksheets/sheet1.xml": bytes(range(256)) * 8192}
    message = refusal(upload("大表.xlsx", zip_bytes(members, zipfile.ZIP_STORED)), max_unpacked_bytes=1024 * 1024)
    assert "大表.xlsx" in message and "解压后" in message and "1 MB" in message


def test_too_many_members_are_refused(settings):
    settings.UPLOAD_ZIP_MAX_MEMBERS = 10
    members = {"word/document.xml": b"<w:document/>", **{f"word/media/{n}.png": b"x" for n in range(20)}}
    message = refusal(upload("多.docx", zip_bytes(members)))
    assert "多.docx" in message and "21" in message and "10" in message


def test_an_encrypted_member_is_refused():
    content = bytearray(zip_bytes({"word/document.xml": b"<w:document/>"}))
    central = content.rfind(b"PK\x01\x02")
    content[central + 8] |= 0x1  # the general purpose flag of the member: encrypted
    assert "已加密" in refusal(upload("加密.docx", bytes(content)))


def test_old_office_files_are_told_to_save_as_docx_or_xlsx():
    message = refusal(upload("旧.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512))
    assert "旧.doc" in message and ".docx" in message


def test_binary_bytes_are_not_text():
    assert "无法识别" in refusal(upload("数据.txt", b"\x00\x01\x02binary"))


def test_human_sizes():
    assert [human_size(n) for n in (100, 2048, 1536 * 1024, 50 * 1024**2, 3 * 1024**3)] == [
        "100 字节",
        "2 KB",
        "1.5 MB",
        "50 MB",
        "3 GB",
    ]
