"""Storing imports: in place on re-import, with history, never over an approved sheet, atomic."""

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from budgets.models import AuditEntry, Funding, Project, SourceDocument
from targets.importing.services import DisclosureImportError, disclosure_import
from targets.models import Indicator, TargetSheet
from tests.factories import DepartmentFactory

SEED = Path(__file__).resolve().parents[3] / "fixtures" / "disclosures" / "000_890aa3d5553b712d.txt"


@pytest.fixture
def office(db):
    return DepartmentFactory(code="OFFICE", name="国务院办公厅")


def run(content: bytes, *, actor=None, name="disclosure.txt", **kwargs):
    return disclosure_import(content=content, name=name, actor=actor, **kwargs)


def counts():
    return (Project.objects.count(), Funding.objects.count(), TargetSheet.objects.count(), Indicator.objects.count())


def test_import_stores_everything_with_provenance(office, staff):
    result = run(SEED.read_bytes(), actor=staff, name=SEED.name)
    assert counts() == (1, 2, 2, 20)
    project = Project.objects.get()
    assert (project.department, project.year, project.name) == (office, 2021, "信息化运行维护")
    assert project.source_document == result.source_document
    assert project.competent_department == "【101】国务院办公厅"
    annual = project.fundings.get(period="annual")
    assert (str(annual.total), str(annual.fiscal), str(annual.carryover), annual.other) == (
        "12088.4600",
        "10006.0000",
        "2082.4600",
        None,
    )
    assert (annual.first_year, annual.last_year) == (2021, 2021)
    mid = project.fundings.get(period="mid_term")
    assert (mid.first_year, mid.last_year) == (2021, 2023)
    sheet = TargetSheet.objects.get(project=project, period="mid_term")
    first = sheet.indicators.order_by("order").first()
    assert (first.name, first.target_text, first.comparator, str(first.target_number), first.unit) == (
        "支撑地方部门政务服务数据共享数量",
        "≥150 亿次",
        "GE",
        "150.000000",
        "亿次",
    )
    assert first.source_location == "第491行"
    assert first.level2_code == "QUANTITY"
    document = SourceDocument.objects.get()
    assert document.parse_report["found"]["indicators"] == 20
    assert document.imported_by == staff
    assert AuditEntry.objects.filter(action="disclosure.import", actor=staff).count() == 1


def test_reimport_twice_creates_no_duplicates(office):
    run(SEED.read_bytes())
    second = run(SEED.read_bytes())
    third = run(SEED.read_bytes())
    assert counts() == (1, 2, 2, 20)
    assert SourceDocument.objects.count() == 1
    assert second.plan.changes == [] and third.counts["indicators_created"] == 0


def test_corrected_document_updates_in_place_and_keeps_history(office, staff):
    run(SEED.read_bytes())
    indicator_ids = set(Indicator.objects.values_list("id", flat=True))
    corrected = (
        SEED.read_text(encoding="utf-8")
        .replace("≥400 万次", "≥450 万次")
        .replace(
            "\t\t可持续影响指标\t是否有助于提高网络信息系统和机房安全运行率\t是\t可持续影响指标\t是否有助于提高网络信息系统和机房安全运行率\t是\n",
            "",
        )
        .replace("12088.46", "12100.00")
    )
    result = run(corrected.encode("utf-8"), actor=staff, name="corrected.txt", allow_removals=True)
    assert counts() == (1, 2, 2, 18)
    assert set(Indicator.objects.values_list("id", flat=True)) < indicator_ids  # updated in place, two removed
    assert Indicator.objects.get(sheet__period="annual", name="客户端下载量").target_text == "≥450 万次"
    assert str(Funding.objects.get(period="annual").total) == "12100.0000"
    actions = {(c.kind, c.action) for c in result.plan.changes}
    assert actions == {("indicator", "update"), ("indicator", "delete"), ("funding", "update")}
    history = AuditEntry.objects.filter(action="target_sheet.import", actor=staff)
    changes = [entry for item in history for entry in item.changes["indicators"]]
    assert ["update", "客户端下载量", {"target_text": ["≥400 万次", "≥450 万次"]}] in [
        [c[0], c[1], {k: v for k, v in c[2].items() if k == "target_text"}] for c in changes if c[0] == "update"
    ]
    assert AuditEntry.objects.filter(action="funding.import", actor=staff).get().changes["total"] == [
        "12088.4600",
        "12100.0000",
    ]


def test_approved_sheet_is_never_silently_changed(office):
    run(SEED.read_bytes())
    TargetSheet.objects.filter(period="annual").update(status=TargetSheet.Status.APPROVED)
    corrected = SEED.read_text(encoding="utf-8").replace("≥400 万次", "≥450 万次")
    result = run(corrected.encode("utf-8"), name="corrected.txt")
    assert Indicator.objects.get(sheet__period="annual", name="客户端下载量").target_text == "≥400 万次"
    (conflict,) = result.plan.conflicts
    assert "已审核通过" in conflict.changes["message"]
    assert result.counts["conflicts"] == 1


def test_dry_run_writes_nothing(office):
    result = run(SEED.read_bytes(), dry_run=True)
    assert counts() == (0, 0, 0, 0)
    assert not SourceDocument.objects.exists()
    assert result.plan.summary()["indicator"] == {"create": 20}


def test_dry_run_works_before_the_department_exists(db):
    result = run(SEED.read_bytes(), dry_run=True)
    assert result.department is None
    assert result.export()["department"] == "国务院办公厅"


def test_unknown_department_is_a_clear_error(db):
    with pytest.raises(DisclosureImportError, match="没有部门“国务院办公厅”"):
        run(SEED.read_bytes(), name=SEED.name)
    assert counts() == (0, 0, 0, 0)


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "empty.txt", "空文件"),
        (b"\x00\x01\x02binary", "data.txt", "二进制"),
        (b"%PDF-1.4 broken", "broken.pdf", "不是有效的 PDF 文件"),
        (b"hello", "notes.exe", "不受支持"),
        (b"PK\x03\x04junk", "archive.docx", "不是有效的 Word"),
        ("第一部分 概况\n本单位没有项目。\n".encode(), "plain.txt", "没有找到绩效目标表"),
    ],
)
def test_bad_files_are_refused_with_the_file_named(office, content, name, message):
    with pytest.raises(DisclosureImportError) as error:
        run(content, name=name, department=office, year=2021)
    assert name in str(error.value) and message in str(error.value)
    assert counts() == (0, 0, 0, 0)


def test_command_json_dry_run(office, capsys):
    call_command("import_disclosure", str(SEED), "--dry-run", "--format", "json")
    import json

    data = json.loads(capsys.readouterr().out)
    assert data["department"] == "国务院办公厅"
    assert len(data["performance"]["projects"][0]["indicators"]) == 20
    assert counts() == (0, 0, 0, 0)


def test_command_refuses_a_bad_file_and_writes_nothing_of_the_batch(office, tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"")
    with pytest.raises(CommandError, match=r"bad\.txt"):
        call_command("import_disclosure", str(SEED), str(bad))
    assert counts() == (0, 0, 0, 0)


def test_command_text_report(office, capsys):
    call_command("import_disclosure", str(SEED), "--department", "OFFICE")
    out = capsys.readouterr().out
    assert "已导入" in out and "指标：新增 20" in out


def test_command_unknown_department_code(office):
    with pytest.raises(CommandError, match="部门编码“NOPE”不存在"):
        call_command("import_disclosure", str(SEED), "--department", "NOPE")


def test_budget_tables_are_stored_and_replaced_on_reimport(office, staff):
    from budgets.models import BudgetLine, BudgetTable

    run(SEED.read_bytes(), actor=staff, name=SEED.name)
    assert BudgetTable.objects.count() == 9
    income = BudgetTable.objects.get(title="部门收入总表")
    assert (income.kind, str(income.total), income.empty, income.unit) == ("income", "68469.3200", False, "万元")
    line = income.lines.get(code="2010301")
    assert (line.name, str(line.amount), line.code_kind, line.source_location) == (
        "行政运行",
        "17727.1400",
        "functional",
        "第108行",
    )
    assert BudgetTable.objects.get(kind="gov_fund").empty
    lines = BudgetLine.objects.count()
    run(SEED.read_bytes(), actor=staff, name=SEED.name)  # the same document: its tables are already stored
    assert AuditEntry.objects.filter(action="budget_tables.replace").count() == 1
    run(SEED.read_bytes() + b"\n", actor=staff, name="again.txt")
    assert (BudgetTable.objects.count(), BudgetLine.objects.count()) == (9, lines)
    assert AuditEntry.objects.filter(action="budget_tables.replace").count() == 2


def test_the_same_file_for_another_department_is_refused_and_stays_where_it_is(office):
    run(SEED.read_bytes(), name=SEED.name)
    other = DepartmentFactory(code="ELSEWHERE", name="另一个单位")
    before = counts()
    with pytest.raises(DisclosureImportError, match=f"“{SEED.name}”已作为“国务院办公厅”的公开文件导入过"):
        run(SEED.read_bytes(), name=SEED.name, department=other)
    assert counts() == before
    assert SourceDocument.objects.get().department == office
    assert not Project.objects.filter(department=other).exists()
