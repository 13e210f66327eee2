"""Hostile files: one bomb per format is refused with a Chinese message naming the file and the
limit, within bounded time and memory (measured in a child process: ru_maxrss is per process).
The sizes here are small for CI; `make bench` builds the larger ones (bench/hostile_files.py)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from budgets.readers import DisclosureReadError, check_office_container, read_document
from budgets.readers.hostile import BUILDERS, docx_deep_xml

ROOT = Path(__file__).resolve().parents[3]
CHILD = """
import json, os, resource, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
import django
django.setup()
from budgets.readers import DisclosureReadError, read_document
from budgets.readers.hostile import BUILDERS
name, content = BUILDERS[sys.argv[1]](1)
start = time.perf_counter()
try:
    read_document(content, name)
    message = None
except DisclosureReadError as error:
    message = str(error)
print(json.dumps({"name": name, "message": message, "seconds": time.perf_counter() - start,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""
LIMIT_WORDS = ("上限", "压缩炸弹")


def run_child(kind: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, kind], cwd=ROOT, capture_output=True, text=True, timeout=300, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("kind", sorted(BUILDERS))
def test_bomb_is_refused_in_bounded_time_and_memory(kind):
    result = run_child(kind)
    assert result["message"], f"{kind} was read instead of refused"
    assert f"“{result['name']}”" in result["message"]
    assert any(word in result["message"] for word in LIMIT_WORDS), result["message"]
    # Bounds, not speed targets (those are in make bench): nothing may run away.
    assert result["seconds"] < 60
    assert result["peak_mb"] < 1024


def test_deep_xml_is_refused_by_its_depth_limit(settings):
    settings.DISCLOSURE_MAX_RATIO = 100_000
    name, content = docx_deep_xml()
    with pytest.raises(DisclosureReadError, match=r"深层\.docx.*嵌套超过 100 层上限"):
        read_document(content, name)


def test_element_and_member_limits_name_the_limit(settings):
    settings.DISCLOSURE_MAX_RATIO = 100_000
    settings.DISCLOSURE_MAX_XML_NODES = 1000
    name, content = BUILDERS["docx"]()
    with pytest.raises(DisclosureReadError, match=r"炸弹\.docx.*XML 元素超过 1,000 个上限"):
        read_document(content, name)
    settings.DISCLOSURE_MAX_MEMBERS = 1
    with pytest.raises(DisclosureReadError, match="内部文件的上限"):
        check_office_container(content, name)


def test_office_check_for_other_libraries():
    name, content = BUILDERS["xlsx"]()
    assert check_office_container(content, name) == "xlsx"
    with pytest.raises(DisclosureReadError, match="不是有效的 Word"):
        check_office_container(content, name, expected="docx")
    with pytest.raises(DisclosureReadError, match="已损坏或不完整"):
        check_office_container(b"PK\x03\x04 broken", "预算执行.xlsx")


def test_billion_laughs_is_not_expanded(settings):
    import io
    import zipfile

    entities = "".join(f'<!ENTITY e{i} "&e{i - 1};&e{i - 1};&e{i - 1};&e{i - 1};">' for i in range(1, 12))
    document = (
        f'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY e0 "哈哈">{entities}]>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
        "<w:p><w:r><w:t>&e11;</w:t></w:r></w:p></w:body></w:document>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", document)
    with pytest.raises(DisclosureReadError, match=r"笑话\.docx"):
        read_document(buffer.getvalue(), "笑话.docx")


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"%PDF-1.7\n" + b"\x00" * 200, "坏.pdf", "不是有效的 PDF 文件"),
        (b"PK\x03\x04" + b"\x00" * 100, "坏.docx", "不是有效的 Word（.docx） 文件"),
        (b"PK\x03\x04" + b"\x00" * 100, "坏.xlsx", "不是有效的 Excel（.xlsx） 文件"),
        (b"not a zip at all", "坏.docx", "不是有效的 Word（.docx） 文件"),
    ],
)
def test_damaged_files_get_a_precise_chinese_message(content, name, message):
    with pytest.raises(DisclosureReadError) as error:
        read_document(content, name)
    assert message in str(error.value) and f"“{name}”" in str(error.value)
    assert not any(word in str(error.value) for word in ("Error", "error", "zip", "PDF syntax"))


def test_control_characters_never_leave_a_reader():
    text = "示例单位2025年部门预算\n" + "说明文字。" * 40 + "\n项目名称\t网站\x00运维\x07\n"
    document = read_document(text.encode(), "控制字符.txt")
    assert document.tables[0].rows[0].cells == ["项目名称", "网站运维"]
    with pytest.raises(DisclosureReadError, match="二进制"):
        read_document(b"\x00\x01binary", "二进制.txt")
