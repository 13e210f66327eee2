"""Writing an import: what the document does not list stays unless removals are confirmed; only rows
that differ are written (a COPY and one UPDATE … FROM per table on PostgreSQL), in a stable order."""

from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from budgets.models import AuditEntry, Funding, Project
from targets.importing.services import disclosure_import
from targets.models import Indicator, TargetSheet
from tests.factories import DepartmentFactory

SEED = Path(__file__).resolve().parents[3] / "fixtures" / "disclosures" / "000_890aa3d5553b712d.txt"
TEXT = SEED.read_text(encoding="utf-8")
CUT_AT = "\t\t社会效益指标\t"  # the document stops halfway through its indicator table


@pytest.fixture
def office(db):
    return DepartmentFactory(code="OFFICE", name="国务院办公厅")


def run(text: str, *, name="disclosure.txt", **kwargs):
    return disclosure_import(content=text.encode("utf-8"), name=name, actor=None, **kwargs)


def stored():
    return {
        (sheet, order): (name, target)
        for sheet, order, name, target in Indicator.objects.values_list("sheet__period", "order", "name", "target_text")
    }


def cut_document() -> str:
    return TEXT[: TEXT.index(CUT_AT)]


def test_a_cut_document_keeps_what_it_does_not_show_and_says_so(office):
    run(TEXT)
    before = stored()
    result = run(cut_document(), name="cut.txt")
    assert stored() == before  # same indicators, same order
    report = result.report()
    missing = len(before) - sum(len(sheet.indicators) for sheet in result.extraction.sheets)
    assert missing > 0
    assert result.counts["indicators_deleted"] == 0 and result.counts["indicators_kept"] == missing
    assert report["removals"] == 0 and len(report["kept"]) == missing
    assert {c["action"] for c in report["changes"] if c["kind"] == "indicator"} == {"keep"}
    entries = [
        e for a in AuditEntry.objects.filter(action="target_sheet.import") for e in a.changes.get("indicators", [])
    ]
    assert not [e for e in entries if e[0] == "delete"]


def test_removals_happen_only_when_allowed(office):
    run(TEXT)
    preview = run(cut_document(), name="cut.txt", dry_run=True)
    planned = preview.report()["removals"]
    assert planned > 0 and not preview.report()["kept"]
    result = run(cut_document(), name="cut.txt", allow_removals=True)
    assert result.counts["indicators_deleted"] == planned and result.counts["indicators_kept"] == 0
    assert Indicator.objects.count() == sum(len(sheet.indicators) for sheet in result.extraction.sheets)
    entries = [
        e for a in AuditEntry.objects.filter(action="target_sheet.import") for e in a.changes.get("indicators", [])
    ]
    assert len([e for e in entries if e[0] == "delete"]) == planned


def test_kept_indicators_follow_the_documents_own_in_their_order(office):
    run(TEXT)
    annual = TargetSheet.objects.get(period="annual")
    names = list(annual.indicators.order_by("order").values_list("name", flat=True))
    # The first row is gone from the document and a new one comes first: it takes order 1, the rest
    # follow, and the row no longer listed is kept at the end.
    first_line = next(line for line in TEXT.splitlines() if names[0] in line and "\t" in line)
    new_line = first_line.replace(names[0], "新增的指标")
    run(TEXT.replace(first_line, new_line), name="reordered.txt")
    after = list(annual.indicators.order_by("order").values_list("name", "order"))
    assert after[0] == ("新增的指标", 1)
    assert [name for name, _ in after] == ["新增的指标", *names[1:], names[0]]
    assert [order for _, order in after] == list(range(1, len(names) + 2))


def _indicator_writes(captured) -> list[str]:
    table = Indicator._meta.db_table
    return [q["sql"] for q in captured if q["sql"].startswith("UPDATE") and table in q["sql"]]


def test_an_unchanged_reimport_writes_nothing(office):
    run(TEXT)
    audit = AuditEntry.objects.count()
    with CaptureQueriesContext(connection) as captured:
        result = run(TEXT)
    writes = [q["sql"] for q in captured if q["sql"].split()[0] in {"INSERT", "UPDATE", "DELETE", "COPY", "CREATE"}]
    assert writes == [] and _indicator_writes(captured) == []
    assert AuditEntry.objects.count() == audit
    assert result.counts["rows_written"] == 0


def test_a_new_copy_of_the_same_content_moves_provenance_only(office):
    run(TEXT)
    with CaptureQueriesContext(connection) as captured:
        result = run(TEXT.replace("\n", "\r\n"), name="copy.txt")
    assert _indicator_writes(captured) == []
    assert (result.counts["indicators_updated"], result.counts["projects_updated"]) == (0, 0)
    entries = AuditEntry.objects.filter(action__in=["target_sheet.import", "project.import"])
    assert [a.changes for a in entries if "created" not in a.changes] == []
    assert set(Project.objects.values_list("source_document", flat=True)) == {result.source_document.pk}


def test_a_corrected_reimport_writes_exactly_the_changed_rows(office):
    run(TEXT)
    before = {i.pk: (i.target_text, i.source_location, i.order) for i in Indicator.objects.all()}
    corrected = TEXT.replace("≥400 万次", "≥450 万次")
    with CaptureQueriesContext(connection) as captured:
        result = run(corrected, name="corrected.txt")
    changed = {i.pk for i in Indicator.objects.all() if (i.target_text, i.source_location, i.order) != before[i.pk]}
    assert len(changed) == 1 and Indicator.objects.get(pk=changed.pop()).target_text == "≥450 万次"
    assert result.counts["indicators_updated"] == 1
    assert len(_indicator_writes(captured)) == 1  # one UPDATE of the indicators, whatever the number
    (entry,) = [a for a in AuditEntry.objects.filter(action="target_sheet.import") if "created" not in a.changes]
    assert [e[0] for e in entry.changes["indicators"]] == ["update"]
    assert Funding.objects.count() == 2


def test_indicators_with_reported_results_stay_even_when_removals_are_allowed(office):
    from targets.assessment.services import evaluations_prepare
    from tests.factories import ReportingPeriodFactory

    run(TEXT)
    annual = TargetSheet.objects.get(period="annual")
    evaluations_prepare(period=ReportingPeriodFactory(year=2021, kind="self_evaluation"), sheets=[annual])
    before = Indicator.objects.count()
    preview = run(cut_document(), name="cut.txt", dry_run=True).report()
    result = run(cut_document(), name="cut.txt", allow_removals=True)
    reported = [c for c in preview["changes"] if c["kind"] == "indicator" and c["action"] == "keep"]
    assert reported  # the annual sheet's missing rows hold results: kept, and the preview says so
    assert preview["removals"] > 0  # the mid-term sheet's missing rows hold none: they may go
    assert result.counts["indicators_deleted"] == preview["removals"]
    assert Indicator.objects.count() == before - preview["removals"]
    assert Indicator.objects.filter(sheet=annual).count() == annual.evaluations.get().results.count()
