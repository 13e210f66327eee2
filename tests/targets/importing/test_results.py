"""Importing a 自评表 fills that year's self-evaluation: actuals through the staff service, printed
scores kept beside the computed ones, the budget block, every value with its document and row."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from budgets.models import AuditEntry
from targets.assessment.services import evaluation_budget_set, indicator_result_record
from targets.importing.services import disclosure_import
from targets.models import DisclosureImport, Evaluation, IndicatorResult, ReportingPeriod, ReturnNote, ReviewStatus

DEVSET = Path(__file__).resolve().parents[3].parent / "shared" / "devset" / "docs"
ZHONGJIANG = DEVSET / "02_zhongjiang-water-selfeval-2022.txt"
TARGETS_ONLY = Path(__file__).resolve().parents[3] / "fixtures" / "disclosures" / "000_890aa3d5553b712d.txt"

SYNTHETIC = """2025年度项目支出绩效自评表
| 项目名称 | 社区养老服务补助项目 | ||||||||
| 主管部门 | 市民政局 | 实施单位 | 市信息中心 | ||||||
| 项目资金(万元) | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分 |
| 年度资金总额 | 100 | 120 | 90 | 10 | 75% | 8 |
| 其中:当年财政拨款 | 100 | 120 | 90 | | 75% | |
| 绩效指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施 |
| 一级指标 | 二级指标 | 三级指标 | 指标性质 | 指标值 | 度量单位 | | | | |
| 产出指标 | 数量指标 | 服务老人数 | ≥ | 500 | 人 | 450 | 30 | 30 | 部分老人迁出辖区 |
| 质量指标 | 服务合格率 | ≥ | 95 | % | 98 | 20 | 20 | |
| 效益指标 | 社会效益指标 | 养老服务覆盖率 | ≥ | 80 | % | {coverage} | 30 | 30 | |
| 满意度指标 | 服务对象满意度指标 | 老人满意度 | ≥ | 90 | % | 95 | 10 | 10 | |
"""


def synthetic(coverage: str = "85") -> bytes:
    return SYNTHETIC.format(coverage=coverage).encode()


def run(content: bytes, *, department, actor, name="自评表.txt", **kwargs):
    return disclosure_import(content=content, name=name, department=department, actor=actor, **kwargs)


def results_by_name(evaluation: Evaluation) -> dict[str, IndicatorResult]:
    return {r.indicator.name: r for r in evaluation.results.select_related("indicator", "source_document")}


def test_devset_self_evaluation_lands_in_that_years_evaluation(department, staff):
    result = run(ZHONGJIANG.read_bytes(), department=department, actor=staff, name=ZHONGJIANG.name)
    period = ReportingPeriod.objects.get(year=2022, kind=ReportingPeriod.Kind.SELF_EVALUATION)
    assert (period.cut_off_date.isoformat(), period.due_date.isoformat()) == ("2022-12-31", "2023-01-31")
    evaluation = Evaluation.objects.get(period=period)
    assert evaluation.status == ReviewStatus.DRAFT
    rows = results_by_name(evaluation)
    assert len(rows) == 9
    marker = rows["安装坡面水标尺"]
    assert (marker.actual_text, marker.weight, marker.computed_score, marker.printed_score) == (
        "≥266米",
        Decimal("10.00"),
        Decimal("10.00"),
        Decimal("10.00"),
    )
    assert marker.source_document == result.source_document
    assert marker.source_location == "第1行"
    assert rows["受益脱贫(含监测对象)户满意度"].deviation_reason == ""  # a printed "……" is no reason
    assert (evaluation.budget_full_year, evaluation.budget_executed) == (Decimal("20.0000"), Decimal("20.0000"))
    assert (evaluation.budget_rate, evaluation.budget_score) == (Decimal("1.0000"), Decimal("10.00"))
    assert evaluation.budget_source_document == result.source_document
    section = result.report()["self_evaluation"]
    assert section["evaluations_created"] == 1
    assert section["results"] == 9 and result.counts["self_evaluation_results"] == 9
    assert result.source_document.parse_report["self_evaluation"]["results"] == 9
    assert AuditEntry.objects.filter(action="indicator_result.record", actor=staff).count() == 9
    assert AuditEntry.objects.filter(action="evaluation.import", object_id=str(evaluation.pk)).exists()


def test_synthetic_values_scores_notes_and_budget_block(department, staff):
    result = run(synthetic(), department=department, actor=staff)
    evaluation = Evaluation.objects.get(period__year=2025)
    rows = results_by_name(evaluation)
    people = rows["服务老人数"]
    assert (people.actual_number, people.computed_score, people.printed_score) == (
        Decimal("450.000000"),
        Decimal("27.00"),
        Decimal("30.00"),
    )
    assert people.deviation_reason == "部分老人迁出辖区"
    assert people.source_location == "第9行"
    assert (evaluation.budget_initial, evaluation.budget_full_year, evaluation.budget_executed) == (
        Decimal("100.0000"),
        Decimal("120.0000"),
        Decimal("90.0000"),
    )
    assert (evaluation.budget_rate, evaluation.budget_score, evaluation.budget_printed_score) == (
        Decimal("0.7500"),
        Decimal("7.50"),
        Decimal("8.00"),
    )
    assert evaluation.budget_source_location == "第5行"
    notes = result.report()["self_evaluation"]["notes"]
    assert any("第9行" in n and "服务老人数" in n and "30 分" in n and "27 分" in n for n in notes)
    assert any("第5行" in n and "预算执行得分 8 分" in n and "7.5 分" in n for n in notes)


def test_reimport_changes_nothing(department, staff):
    run(synthetic(), department=department, actor=staff)
    evaluation = Evaluation.objects.get()
    before = list(evaluation.results.order_by("pk").values_list("pk", "revision", "actual_text", "computed_score"))
    history = IndicatorResult.history.count()
    again = run(synthetic(), department=department, actor=staff)
    section = again.report()["self_evaluation"]
    assert (section["results"], section["unchanged"], section["evaluations_created"]) == (0, 4, 0)
    assert Evaluation.objects.count() == 1
    assert ReportingPeriod.objects.filter(kind=ReportingPeriod.Kind.SELF_EVALUATION).count() == 1
    after = list(evaluation.results.order_by("pk").values_list("pk", "revision", "actual_text", "computed_score"))
    assert after == before
    assert IndicatorResult.history.count() == history
    assert Evaluation.objects.get().revision == evaluation.revision


@pytest.mark.parametrize("status", [ReviewStatus.SUBMITTED, ReviewStatus.APPROVED])
def test_submitted_or_approved_evaluation_is_untouched_and_reported(department, staff, status):
    run(synthetic(), department=department, actor=staff)
    Evaluation.objects.update(status=status)
    before = list(IndicatorResult.objects.order_by("pk").values_list("actual_text", "revision"))
    again = run(synthetic(coverage="99"), department=department, actor=staff)
    section = again.report()["self_evaluation"]
    assert section["results"] == 0
    assert len(section["skipped"]) == 1 and "未作修改" in section["skipped"][0]
    assert list(IndicatorResult.objects.order_by("pk").values_list("actual_text", "revision")) == before


def test_unparsable_actual_is_reported_with_its_location_and_others_kept(department, staff):
    result = run(synthetic(coverage="85 人"), department=department, actor=staff)
    section = result.report()["self_evaluation"]
    assert section["results"] == 3
    (problem,) = section["problems"]
    assert "第11行" in problem and "养老服务覆盖率" in problem and "85 人" in problem
    coverage = results_by_name(Evaluation.objects.get())["养老服务覆盖率"]
    assert (coverage.actual_text, coverage.source_document) == ("", None)


def test_dry_run_writes_nothing_but_previews_the_results(department, staff):
    result = run(synthetic(coverage="85 人"), department=department, actor=staff, dry_run=True)
    assert not Evaluation.objects.exists()
    assert not ReportingPeriod.objects.exists()
    section = result.report()["self_evaluation"]
    assert (section["results"], section["evaluations_created"], section["period_created"]) == (3, 1, True)
    assert any("第11行" in p for p in section["problems"])
    assert any("第5行" in n for n in section["notes"])


def test_preview_of_an_existing_evaluation_counts_only_changes(department, staff):
    run(synthetic(), department=department, actor=staff)
    preview = run(synthetic(coverage="99"), department=department, actor=staff, dry_run=True)
    section = preview.report()["self_evaluation"]
    assert (section["results"], section["unchanged"], section["evaluations_created"]) == (1, 3, 0)


def test_outside_the_importers_scope_nothing_is_recorded(department, outsider):
    result = run(synthetic(), department=department, actor=outsider)
    assert not Evaluation.objects.exists()
    assert not ReportingPeriod.objects.exists()
    (skipped,) = result.report()["self_evaluation"]["skipped"]
    assert "无权" in skipped


def test_a_target_document_has_no_self_evaluation_section(department, staff):
    result = run(TARGETS_ONLY.read_bytes(), department=department, actor=staff, name=TARGETS_ONLY.name)
    assert result.report()["self_evaluation"] is None
    assert "self_evaluation_results" not in result.counts
    assert not Evaluation.objects.exists()
    assert not ReportingPeriod.objects.exists()


def test_workspace_preview_lists_what_will_be_written_and_the_done_page_links_the_entry(
    client, staff, department, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("importing:new"), {"text": synthetic("85 人").decode(), "department": department.pk})
    job = DisclosureImport.objects.get()
    url = reverse("importing:detail", args=[job.pk])
    body = client.get(url).content.decode()
    assert "将写入2025年绩效自评" in body and "自评结果 3 条" in body and "新建绩效自评 1 份" in body
    assert "第11行：指标“养老服务覆盖率”实际完成值“85 人”未导入" in body
    assert not Evaluation.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"confirm": "1", "department_confirmed": "1"})
    evaluation = Evaluation.objects.get()
    body = client.get(url).content.decode()
    assert "已写入2025年绩效自评" in body and reverse("assessment:entry", args=[evaluation.pk]) in body
    entry = client.get(reverse("assessment:entry", args=[evaluation.pk])).content.decode()
    assert "450" in entry and "部分老人迁出辖区" in entry
    assert "来源：粘贴的文本.txt 第9行；文件所列得分 30 分" in entry
    assert "粘贴的文本.txt 第5行；年初预算数 100 万元；文件所列得分 8 分" in entry


def test_a_returned_evaluation_takes_only_its_returned_indicators(department, staff, supervisor):
    run(synthetic(), department=department, actor=staff)
    evaluation = Evaluation.objects.get()
    returned = results_by_name(evaluation)["老人满意度"]
    Evaluation.objects.update(status=ReviewStatus.RETURNED)
    ReturnNote.objects.create(
        evaluation=evaluation, indicator=returned.indicator, message="请核对", created_by=supervisor
    )
    changed = synthetic().decode().replace("| 95 | 10 | 10 |", "| 93 | 10 | 10 |").replace("| 98 |", "| 97 |")
    section = run(changed.encode(), department=department, actor=staff).report()["self_evaluation"]
    assert section["results"] == 1
    assert any("服务合格率" in p and "仅退回了部分指标" in p for p in section["problems"])
    rows = results_by_name(evaluation)
    assert (rows["老人满意度"].actual_text, rows["服务合格率"].actual_text) == ("93", "98")


def test_a_printed_score_that_is_no_score_is_reported_not_stored(department, staff):
    misread = synthetic().decode().replace("| 450 | 30 | 30 |", "| 450 | 30 | 3000 |")
    preview = run(misread.encode(), department=department, actor=staff, dry_run=True).report()["self_evaluation"]
    result = run(misread.encode(), department=department, actor=staff).report()["self_evaluation"]
    for section in (preview, result):
        assert any("第9行" in p and "“3000”不是有效的分数" in p for p in section["problems"])
    people = results_by_name(Evaluation.objects.get())["服务老人数"]
    assert (people.actual_text, people.printed_score, people.computed_score) == ("450", None, Decimal("27.00"))


def test_typed_amounts_and_actuals_no_longer_claim_the_document_as_source(department, staff):
    run(synthetic(), department=department, actor=staff)
    ReportingPeriod.objects.update(opens_on="2000-01-01", due_date="2099-12-31")  # entry open for typing
    evaluation = Evaluation.objects.get()
    evaluation_budget_set(evaluation=evaluation, full_year_budget="120", executed="110", actor=staff)
    people = results_by_name(evaluation)["服务老人数"]
    indicator_result_record(result=people, actor=staff, actual_text="480", deviation_reason="部分老人迁出辖区")
    evaluation.refresh_from_db()
    people.refresh_from_db()
    assert (evaluation.budget_source_document, evaluation.budget_source_location, evaluation.budget_initial) == (
        None,
        "",
        None,
    )
    assert (people.source_document, people.source_location) == (None, "")


def test_admin_upload_preview_and_result_show_the_self_evaluation(
    client, staff, department, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    data = {"file": SimpleUploadedFile("自评表.txt", synthetic()), "department": department.pk, "year": ""}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:targets_disclosureimport_add"), data)
    job = DisclosureImport.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert "将写入2025年绩效自评" in page and "自评结果 4 条" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:targets_disclosureimport_confirm", args=[job.pk]), {"department_confirmed": "1"})
    page = client.get(response["Location"]).content.decode()
    assert "已写入2025年绩效自评" in page and "自评结果 4 条" in page
    assert DisclosureImport.objects.get().result["self_evaluation_results"] == 4
