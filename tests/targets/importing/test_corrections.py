"""People correct an import preview before confirming it: fix a value or a name, change a 一级/二级
label, drop a row. The correction is what is stored, the printed text is kept beside it, and what is
refused changes nothing."""

from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.html import escape

from budgets.models import AuditEntry
from budgets.readers import read_document
from targets.importing.corrections import CorrectionError, apply_corrections, readings, value_notes
from targets.importing.extract import extract
from targets.importing.jobs import disclosure_upload_correct
from targets.importing.services import disclosure_prepare
from targets.levels import Level2
from targets.models import DisclosureImport, Indicator
from tests.factories import MembershipFactory, UserFactory

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "disclosures"
SEED = FIXTURES / "000_890aa3d5553b712d.txt"
# Readings of SEED (sheet 0, the 信息化运行维护 project): 1 = 年度 支撑…数据共享数量 "≥50 亿次" (line 491),
# 3 = 年度 平台良好运行率 (质量指标, line 492), 5 = 年度 网站信息发布准确率 (line 493).
VALUE, RELABEL, DROP = "0-1", "0-3", "0-5"


@pytest.fixture
def previewed(client, staff, department, django_capture_on_commit_callbacks):
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("importing:new"), {"text": SEED.read_text(encoding="utf-8"), "department": department.pk})
    job = DisclosureImport.objects.get()
    assert job.status == DisclosureImport.Status.PREVIEWED
    return job


def detail(job):
    return reverse("importing:detail", args=[job.pk])


def correct(client, job, data, capture):
    """Post corrections; the preview is read again once they are committed, then the page is shown."""
    with capture(execute=True):
        response = client.post(detail(job), {"correct": "1", **data})
    return client.get(response["Location"]) if response.status_code == 302 else response


def confirm(client, job, capture):
    with capture(execute=True):
        client.post(detail(job), {"confirm": "1", "department_confirmed": "1"})
    job.refresh_from_db()
    assert job.status == DisclosureImport.Status.DONE, job.message


def annual(name):
    return Indicator.objects.get(sheet__period="annual", sheet__is_current=True, name=name)


def test_the_preview_lists_every_indicator_with_its_location_and_marks_uncertain_ones(client, previewed):
    body = client.get(detail(previewed)).content.decode()
    assert "逐条核对识别出的指标" in body and "信息化运行维护项目绩效目标表" in body
    assert 'name="r0-1-value" value="≥50 亿次"' in body and "第491行" in body
    assert 'aria-label="三级指标">支撑地方部门政务服务数据共享数量</textarea>' in body
    # The 产出 label of the first rows is not printed in the document: those readings are marked.
    assert "待核对" in body and "未识别出一级指标" in body
    assert 'list="level2-options"' in body and '<option value="时效指标">' in body


def test_corrections_are_what_is_stored_and_the_printed_text_is_kept(
    client, staff, previewed, django_capture_on_commit_callbacks
):
    response = correct(
        client,
        previewed,
        {
            f"r{VALUE}-value": "≥60 亿次",
            f"r{VALUE}-level1": "产出指标",
            f"r{RELABEL}-level2": "时效指标",
            f"r{DROP}-drop": "1",
        },
        django_capture_on_commit_callbacks,
    )
    body = response.content.decode()
    previewed.refresh_from_db()
    assert previewed.status == DisclosureImport.Status.PREVIEWED
    assert set(previewed.corrections) == {VALUE, RELABEL, DROP}
    assert "更正已保存" in body and "已更正" in body and "已删除" in body
    assert "原文：一级指标“”；指标值“≥50 亿次”" in body
    assert 'name="r0-1-value" value="≥60 亿次"' in body
    # The preview is planned from the corrected readings, and the dropped row is listed, with its line.
    assert "“网站信息发布准确率”已按更正删除，未导入" in " ".join(previewed.preview["skipped"])
    assert "第493行" in body
    assert AuditEntry.objects.filter(action="disclosure_upload.correct", actor=staff).exists()

    confirm(client, previewed, django_capture_on_commit_callbacks)

    value = annual("支撑地方部门政务服务数据共享数量")
    assert (value.target_text, value.target_number, value.level1_label) == ("≥60 亿次", 60, "产出指标")
    assert value.source_text == "一级指标“”；指标值“≥50 亿次”" and value.source_location == "第491行"
    relabelled = annual("平台良好运行率")
    assert (relabelled.level2_label, relabelled.level2_code) == ("时效指标", Level2.TIMELINESS)
    assert relabelled.source_text == "二级指标“质量指标”"
    assert not Indicator.objects.filter(sheet__period="annual", name="网站信息发布准确率").exists()
    assert Indicator.objects.filter(sheet__period="mid_term", name="网站信息发布准确率").exists()
    untouched = annual("客户端下载量")
    assert untouched.target_text == "≥400 万次" and untouched.source_text == ""


def test_a_correction_set_back_to_the_printed_value_is_withdrawn(client, previewed, django_capture_on_commit_callbacks):
    correct(
        client, previewed, {f"r{VALUE}-value": "≥60 亿次", f"r{DROP}-drop": "1"}, django_capture_on_commit_callbacks
    )
    correct(
        client,
        previewed,
        {f"r{VALUE}-value": "≥50 亿次", f"r{DROP}-level3": "网站信息发布准确率"},
        django_capture_on_commit_callbacks,
    )
    previewed.refresh_from_db()
    assert previewed.corrections == {} and previewed.status == DisclosureImport.Status.PREVIEWED
    assert not any("已按更正删除" in line for line in previewed.preview["skipped"])


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({f"r{VALUE}-level3": "  "}, "三级指标名称不能为空"),
        (
            {f"r{VALUE}-level1": "产出指标", f"r{VALUE}-level2": "社会效益指标"},
            "二级指标“社会效益指标”不属于一级指标“产出指标”",
        ),
        ({f"r{VALUE}-value": "9" * 1001}, "指标值不能超过 1000 个字"),
        ({f"r{VALUE}-level2": "质" * 101}, "二级指标不能超过 100 个字"),
        ({"r99-0-level3": "x"}, "没有找到要更正的指标"),
        ({}, "没有收到任何更正"),
    ],
)
def test_invalid_corrections_are_refused_in_chinese_and_change_nothing(
    client, previewed, data, message, django_capture_on_commit_callbacks
):
    before = previewed.preview
    response = correct(
        client, previewed, {**data, f"r{DROP}-drop": "1"} if data else data, django_capture_on_commit_callbacks
    )
    assert response.status_code == 200 and message in response.content.decode()
    previewed.refresh_from_db()
    assert previewed.corrections == {} and previewed.preview == before
    assert not AuditEntry.objects.filter(action="disclosure_upload.correct").exists()


def test_typed_html_is_shown_as_text(client, previewed, django_capture_on_commit_callbacks):
    body = correct(
        client, previewed, {f"r{VALUE}-level3": "<script>alert(1)</script>"}, django_capture_on_commit_callbacks
    ).content.decode()
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_a_refused_form_keeps_what_was_typed(client, previewed, django_capture_on_commit_callbacks):
    body = correct(
        client, previewed, {f"r{VALUE}-level3": "", f"r{RELABEL}-value": "99.5%"}, django_capture_on_commit_callbacks
    ).content.decode()
    assert "第491行（年度）的“支撑地方部门政务服务数据共享数量”：三级指标名称不能为空" in body
    assert 'name="r0-3-value" value="99.5%"' in body


def test_a_supervisor_only_looks_and_others_get_404(
    client, previewed, supervisor, other_department, django_capture_on_commit_callbacks
):
    client.force_login(supervisor)
    body = client.get(detail(previewed)).content.decode()
    assert "逐条核对识别出的指标" in body and 'name="r0-1-value"' not in body and "保存本表更正" not in body
    response = correct(client, previewed, {f"r{VALUE}-value": "1"}, django_capture_on_commit_callbacks)
    assert "您无权更正该部门的导入内容" in response.content.decode()
    assert client.post(reverse("admin:targets_disclosureimport_correct", args=[previewed.pk])).status_code == 403
    with pytest.raises(PermissionDenied):
        disclosure_upload_correct(job=previewed, corrections={VALUE: {"value": "1"}}, actor=supervisor)
    other_staff = UserFactory(username="other-staff")
    MembershipFactory(user=other_staff, department=other_department)
    client.force_login(other_staff)
    assert client.post(detail(previewed), {"correct": "1", f"r{VALUE}-value": "1"}).status_code == 404
    previewed.refresh_from_db()
    assert previewed.corrections == {}


def test_staff_correct_in_the_admin_too(client, previewed, django_capture_on_commit_callbacks):
    url = reverse("admin:targets_disclosureimport_change", args=[previewed.pk])
    assert 'name="r0-1-value"' in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:targets_disclosureimport_correct", args=[previewed.pk]), {f"r{RELABEL}-level2": "时效指标"}
        )
    assert response["Location"] == url and "已更正" in client.get(url).content.decode()
    previewed.refresh_from_db()
    assert previewed.corrections[RELABEL]["set"] == {"level2": "时效指标"}


def test_corrections_after_confirming_are_refused(client, staff, previewed, django_capture_on_commit_callbacks):
    confirm(client, previewed, django_capture_on_commit_callbacks)
    response = correct(client, previewed, {f"r{VALUE}-value": "1"}, django_capture_on_commit_callbacks)
    assert "只有预览完成、尚未确认的文件可以更正" in response.content.decode()
    with pytest.raises(ValidationError):
        disclosure_upload_correct(job=previewed, corrections={VALUE: {"value": "1"}}, actor=staff)
    previewed.refresh_from_db()
    assert previewed.corrections == {} and annual("支撑地方部门政务服务数据共享数量").target_text == "≥50 亿次"


def test_a_correction_that_no_longer_matches_the_file_stops_the_import():
    extraction = extract(read_document(SEED.read_bytes(), SEED.name))
    with pytest.raises(CorrectionError, match="在文件中已找不到"):
        apply_corrections(extraction, {VALUE: {"set": {"value": "1"}, "name": "别的指标", "location": "第491行"}})
    with pytest.raises(CorrectionError):
        apply_corrections(extraction, {"7-0": {"drop": True, "name": "x", "location": "第1行"}})


def test_uncertain_values_are_marked():
    assert value_notes("", None) == ["指标值为空"]
    assert value_notes("约3-5个", None) == value_notes("1O0%", None) == ["指标值中的数字未能识别，将按定性指标导入"]
    assert value_notes("≥95%", None) == [] and value_notes("按时完成年度任务", None) == []


def test_labels_carried_over_a_page_break_are_marked():
    name = FIXTURES / "002_9a63ace6530c0c39.txt"
    sheets = readings(extract(read_document(name.read_bytes(), name.name)))
    carried = [row for sheet in sheets for row in sheet["indicators"] if "一级、二级指标沿用上一页" in row["uncertain"]]
    assert carried and all(row["current"]["level2"] for row in carried)


def test_a_consistency_warning_marks_the_reading_it_is_about(db):
    name = FIXTURES / "003_638e0d246034f851.txt"
    result = disclosure_prepare(content=name.read_bytes(), name=name.name)
    rows = [row for sheet in result.readings for row in sheet["indicators"] if row["location"] == "第494行"]
    assert [row["current"]["value"] for row in rows] == ["≦261 元", "≦87 万元"]
    assert all("中期单位“元”与年度单位“万元”不一致" in row["uncertain"] for row in rows)


@pytest.mark.parametrize("name", sorted(path.name for path in FIXTURES.glob("*.txt")))
def test_nothing_read_is_left_off_the_page(client, staff, department, name, django_capture_on_commit_callbacks):
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("importing:new"),
            {"text": (FIXTURES / name).read_text(encoding="utf-8"), "department": department.pk},
        )
    job = DisclosureImport.objects.get()
    body = client.get(detail(job)).content.decode()
    report = job.preview
    for line in report["skipped"] + report["warnings"] + report["errors"]:
        assert escape(line) in body
    for sheet in report["readings"]:
        for row in sheet["indicators"]:
            assert f'id="reading-{row["key"]}"' in body
