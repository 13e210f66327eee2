"""`disclosure_import`: the one writer behind the command, the admin upload and the Celery task."""

import hashlib
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.db import transaction

from budgets.audit import audit_record
from budgets.models import BudgetTable, Department, SourceDocument
from budgets.readers import DisclosureReadError, read_document
from budgets.tables.services import budget_tables_replace

from .apply import apply_plan
from .checks import consistency_warnings
from .collector import with_fewer_collections
from .corrections import CorrectionError, apply_corrections, mark_warnings, readings
from .export import extraction_to_json
from .extract import extract
from .model import Extraction
from .plan import ImportPlan, build_plan, name_key
from .results import results_apply, results_preview


class DisclosureImportError(Exception):
    """The file cannot be imported. The message is Chinese, names the file, and nothing was written."""


@dataclass
class ImportResult:
    name: str
    sha256: str
    extraction: Extraction
    plan: ImportPlan
    department: Department | None
    year: int
    dry_run: bool
    source_document: SourceDocument | None = None
    counts: dict = field(default_factory=dict)
    readings: list = field(default_factory=list)  # every indicator as read (and corrected), per sheet
    self_evaluation: dict | None = None  # results.py: what goes (or went) into the year's self-evaluation
    allow_removals: bool = False

    def report(self, *, compact: bool = False) -> dict:
        """What was found, changed, skipped and why. `compact` leaves out the one-line-per-indicator
        creations (kept in the counts), for storing with the document."""
        extraction = self.extraction
        changes = [c for c in self.plan.changes if not (compact and c.kind == "indicator" and c.action == "create")]
        return {
            "file": self.name,
            "sha256": self.sha256,
            "department": self.department.name if self.department else extraction.department,
            "detected_department": extraction.department,
            "year": self.year,
            "dry_run": self.dry_run,
            "found": {
                "budget_tables": len(extraction.budget_tables),
                "projects": len(extraction.projects),
                "department_sheets": len(extraction.department_sheets),
                "indicators": sum(len(sheet.indicators) for sheet in extraction.sheets),
            },
            "summary": self.plan.summary(),
            "counts": self.counts,
            "changes": [change.as_dict() for change in changes],
            "conflicts": [change.as_dict() for change in self.plan.conflicts],
            # Indicators the document does not list: deleted only when confirmed, else kept.
            "removals": len(self.plan.removals),
            "kept": [change.label for change in self.plan.changes if change.action == "keep"],
            "skipped": [issue.describe(self.name) for issue in extraction.skipped],
            "warnings": [issue.describe(self.name) for issue in [*extraction.warnings, *self.plan.warnings]],
            "errors": [issue.describe(self.name) for issue in extraction.errors],
            "self_evaluation": self.self_evaluation,
        }

    def export(self) -> dict:
        data = extraction_to_json(self.extraction, seed=self.name)
        data["report"] = self.report()
        return data


def _department_for(extraction: Extraction, department: Department | None, name: str, *, required: bool):
    if department is not None:
        return department
    if extraction.department:
        key = name_key(extraction.department)
        for candidate in Department.objects.all().only("id", "name", "code", "path", "level"):
            if name_key(candidate.name) == key:
                return candidate
    if required:
        detected = f"“{extraction.department}”" if extraction.department else "（未识别出部门名称）"
        raise DisclosureImportError(f"文件“{name}”：系统中没有部门{detected}，请用 --department 指定部门编码。")
    return None


def _no_progress(percent: int, message: str) -> None:
    return None


@with_fewer_collections
def disclosure_prepare(
    *,
    content: bytes,
    name: str,
    department: Department | None = None,
    year: int | None = None,
    dry_run: bool = True,
    progress=_no_progress,
    corrections: dict | None = None,
    with_readings: bool = True,
) -> ImportResult:
    """Read, extract and plan without writing anything. `progress(percent, message)` hears each stage;
    `corrections` (a job's, see corrections.py) change the readings before they are planned.
    `with_readings` False leaves out `readings` (only a preview shows them)."""
    progress(10, "读取文件")
    try:
        document = read_document(content, name)
    except DisclosureReadError as exc:
        raise DisclosureImportError(str(exc)) from exc
    progress(35, "识别绩效目标表")
    extraction = extract(document)
    if not extraction.sheets:
        raise DisclosureImportError(f"文件“{name}”中没有找到绩效目标表（项目或部门整体绩效目标）。")
    found = readings(extraction, corrections) if with_readings or corrections else []
    try:
        apply_corrections(extraction, corrections or {})
    except CorrectionError as exc:
        raise DisclosureImportError(str(exc)) from exc
    extraction.warnings.extend(consistency_warnings(extraction))
    mark_warnings(found, extraction.warnings)
    target_year = year or extraction.year
    if not target_year:
        raise DisclosureImportError(f"文件“{name}”：无法识别预算年度，请用 --year 指定。")
    resolved = _department_for(extraction, department, name, required=not dry_run)
    progress(60, "与已有数据比对")
    plan = build_plan(extraction, department=resolved, year=target_year)
    return ImportResult(
        name=name,
        sha256=hashlib.sha256(content).hexdigest(),
        extraction=extraction,
        plan=plan,
        department=resolved,
        year=target_year,
        dry_run=dry_run,
        readings=found,
        self_evaluation=results_preview(plan),
    )


@with_fewer_collections
@transaction.atomic(savepoint=False)
def disclosure_apply(*, result: ImportResult, content: bytes, actor, allow_removals: bool = False) -> ImportResult:
    """Write a prepared (not dry-run) import: the source document, then the plan, then the audit entry.
    Stored indicators the document does not list are deleted only with `allow_removals`; otherwise
    they are kept and the report says so. Re-importing what is already stored writes nothing."""
    source = SourceDocument.objects.select_related("department").filter(sha256=result.sha256).first()
    if source is not None and source.department_id not in (None, result.department.pk):
        raise DisclosureImportError(
            f"文件“{result.name}”已作为“{source.department.name}”的公开文件导入过，"
            f"同一份文件不能再导入到“{result.department.name}”。"
        )
    known_document = source is not None
    if source is None:
        source = SourceDocument(
            original_name=result.name[:255],
            format=result.extraction.format,
            sha256=result.sha256,
            department=result.department,
            year=result.year,
            imported_by=_user(actor),
        )
        source.file.save(result.name, ContentFile(content), save=False)
        # Its fingerprint was looked up just above and its department and importer are stored rows
        # (the unique index and foreign keys still check): no query per document to check again.
        source.full_clean(exclude=["department", "imported_by"], validate_unique=False)
        source.save()
    result.source_document = source
    result.allow_removals = allow_removals
    result.counts = apply_plan(result.plan, source_document=source, actor=actor, allow_removals=allow_removals)
    if not allow_removals:
        result.plan.keep_removals()
    written = result.counts["rows_written"]
    if result.extraction.budget_tables and not (known_document and _tables_from(source, result)):
        tables = budget_tables_replace(
            department=result.department,
            year=result.year,
            source_document=source,
            tables=result.extraction.budget_tables,
            actor=actor,
        )
        result.counts["budget_tables"] = tables["tables"]
        result.counts["budget_lines"] = tables["lines"]
        written += tables["tables"] + tables["lines"] + tables["replaced_tables"]
    _apply_self_evaluation(result, source, actor)
    written += result.counts.get("self_evaluation_results", 0)
    if known_document and not written:
        return result  # the same document again, and nothing differs: nothing to write or record
    source.parse_report = result.report(compact=True)
    source.department, source.year = result.department, result.year
    source.save(update_fields=["parse_report", "department", "year"])
    audit_record(actor=actor, action="disclosure.import", subject=source, changes=result.counts)
    return result


@with_fewer_collections
@transaction.atomic
def disclosure_import(
    *,
    content: bytes,
    name: str,
    department: Department | None = None,
    year: int | None = None,
    dry_run: bool = False,
    allow_removals: bool = False,
    actor,
) -> ImportResult:
    result = disclosure_prepare(
        content=content, name=name, department=department, year=year, dry_run=dry_run, with_readings=False
    )
    if dry_run:
        return result
    return disclosure_apply(result=result, content=content, actor=actor, allow_removals=allow_removals)


def _tables_from(source: SourceDocument, result: ImportResult) -> bool:
    """The department-year's budget tables were stored from this very document (so are the same)."""
    stored = BudgetTable.objects.filter(department=result.department, year=result.year)
    return set(stored.values_list("source_document_id", flat=True).distinct()) == {source.pk}


def _apply_self_evaluation(result: ImportResult, source: SourceDocument, actor) -> None:
    """A 自评表's actuals and budget block into the year's self-evaluation (results.py)."""
    section = results_apply(result.plan, source_document=source, actor=actor)
    if section is not None:
        result.self_evaluation = section
        result.counts["self_evaluation_results"] = section["results"]
        result.counts["evaluations_created"] = section["evaluations_created"]


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None
