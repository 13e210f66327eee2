"""Write an import plan: only what differs from what is stored, in the same few queries per document
whatever the number of indicators (COPY for new rows, one UPDATE … FROM per table for changed ones:
budgets.bulk.copy_update), and one audit entry per object created or changed. Called by the
`disclosure_apply` service inside its transaction."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import F
from django.utils import timezone

from budgets.bulk import copy_insert, copy_update_objects, jit_off
from budgets.models import AuditEntry, Funding, Project, SourceDocument
from budgets.services import PROJECT_EDITABLE_FIELDS

from ..models import Indicator, TargetSheet
from .plan import FUND_PARTS, ImportPlan, SheetPlan

ORDER_OFFSET = 1_000_000
# Related rows come from this transaction; checking that each exists would cost a query per object
# (the database's foreign keys and constraints still check every row).
_RELATIONS = ["department", "project", "source_document", "previous"]


class _Audit:
    def __init__(self, actor):
        self.actor = actor if getattr(actor, "is_authenticated", False) else None
        self.entries: list[dict] = []
        self.types: dict[type, ContentType] = {}
        self.now = timezone.now()

    def add(self, action: str, subject, changes: dict) -> None:
        model = type(subject)
        if model not in self.types:
            self.types[model] = ContentType.objects.get_for_model(model)
        self.entries.append(
            {
                "actor_id": self.actor.pk if self.actor else None,
                "action": action,
                "content_type_id": self.types[model].pk,
                "object_id": str(subject.pk),
                "object_repr": str(subject)[:300],
                "changes": changes,
                "created_at": self.now,
            }
        )

    def save(self) -> None:
        copy_insert(AuditEntry, self.entries)


def _project_values(plan, year: int, department) -> dict:
    facts = dict(plan.facts)
    return {"department": department, "year": year, "name": plan.extracted.name[:300], **facts}


def apply_plan(plan: ImportPlan, *, source_document: SourceDocument, actor, allow_removals: bool = False) -> dict:
    """Write what differs from what is stored, nothing else. Indicators the document does not list
    are deleted only with `allow_removals`; otherwise they stay, after the document's own."""
    jit_off()
    audit = _Audit(actor)
    department, year = plan.department, plan.year
    location_of = {id(p): p.extracted.location.describe() for p in plan.projects}

    new_projects, changed_projects = [], []
    for project_plan in plan.projects:
        values = _project_values(project_plan, year, department)
        if project_plan.stored is None:
            project = Project(**values, source_document=source_document, source_location=location_of[id(project_plan)])
            project.full_clean(exclude=_RELATIONS, validate_unique=False, validate_constraints=False)
            new_projects.append(project)
            project_plan.stored = project
        else:
            project = project_plan.stored
            changes = {
                k: [str(getattr(project, k)), str(v)]
                for k, v in values.items()
                if k not in {"department", "year", "name"} and v not in ("", None) and getattr(project, k) != v
            }
            provenance = (source_document.pk, location_of[id(project_plan)])
            if not changes and (project.source_document_id, project.source_location) == provenance:
                continue
            for key in changes:
                setattr(project, key, values[key])
            project.source_document, project.source_location = source_document, provenance[1]
            changed_projects.append((project, changes))
    Project.objects.bulk_create(new_projects)
    for project in new_projects:
        audit.add("project.import", project, {"created": True})
    copy_update_objects(
        Project,
        [p for p, _ in changed_projects],
        [*sorted(PROJECT_EDITABLE_FIELDS - {"name"}), "source_document", "source_location"],
    )
    for project, changes in changed_projects:
        if changes:
            audit.add("project.import", project, changes)

    new_fundings, changed_fundings = [], []
    created_ids = {id(project) for project in new_projects}
    for project_plan in plan.projects:
        is_new = id(project_plan.stored) in created_ids
        stored = {} if is_new else {f.period: f for f in project_plan.stored.fundings.all()}
        for period, values in project_plan.fundings.items():
            funding = stored.get(period)
            if funding is None:
                funding = Funding(project=project_plan.stored, period=period, **values)
                funding.full_clean(exclude=_RELATIONS, validate_unique=False, validate_constraints=False)
                new_fundings.append(funding)
                continue
            changes = {k: [str(getattr(funding, k)), str(v)] for k, v in values.items() if getattr(funding, k) != v}
            if changes:
                for key, value in values.items():
                    setattr(funding, key, value)
                changed_fundings.append((funding, changes))
    Funding.objects.bulk_create(new_fundings)
    for funding in new_fundings:
        audit.add("funding.import", funding, {p: str(getattr(funding, p)) for p in FUND_PARTS})
    copy_update_objects(
        Funding, [f for f, _ in changed_fundings], [*FUND_PARTS, "first_year", "last_year", "source_location"]
    )
    for funding, changes in changed_fundings:
        audit.add("funding.import", funding, changes)

    sheet_plans = [(p.stored, s) for p in plan.projects for s in p.sheets] + [(None, s) for s in plan.department_sheets]
    counts = _apply_sheets(sheet_plans, plan, source_document, audit, allow_removals=allow_removals)
    audit.save()
    counts["rows_written"] += len(new_projects) + len(changed_projects) + len(new_fundings) + len(changed_fundings)
    return {
        "projects_created": len(new_projects),
        "projects_updated": sum(1 for _, changes in changed_projects if changes),
        "fundings_created": len(new_fundings),
        "fundings_updated": len(changed_fundings),
        **counts,
    }


def _sheet_fields(sheet_plan: SheetPlan, project, plan: ImportPlan) -> dict:
    extracted = sheet_plan.extracted
    period = sheet_plan.period
    if period == "mid_term":
        first, last = extracted.mid_term_years or (plan.year, plan.year + 2)
        goal = extracted.goals.get("mid_term", "")
    else:
        first = last = plan.year
        goal = extracted.goals.get("annual") or extracted.goals.get("overall", "")
    return {
        "scope": TargetSheet.Scope.PROJECT if project else TargetSheet.Scope.DEPARTMENT,
        "department": plan.department,
        "project": project,
        "year": plan.year,
        "period": period,
        "first_year": first,
        "last_year": last,
        "title": extracted.title[:300],
        "overall_goal": goal,
        "source_location": extracted.location.describe(),
    }


SHEET_WRITTEN = ("overall_goal", "title", "first_year", "last_year", "source_location", "source_document")
SHEET_AUDITED = {"overall_goal", "title", "first_year", "last_year"}
INDICATOR_WRITTEN = (
    "order",
    "level1_label",
    "level1_code",
    "level2_label",
    "level2_code",
    "name",
    "target_text",
    "comparator",
    "target_number",
    "target_upper",
    "unit",
    "nature",
    "weight",
    "source_location",
    "source_text",
)


def _apply_sheets(sheet_plans, plan: ImportPlan, source_document, audit: _Audit, *, allow_removals: bool) -> dict:
    new_sheets, stored_sheets, written_sheets = [], [], []
    for project, sheet_plan in sheet_plans:
        if sheet_plan.conflict:
            continue
        fields = _sheet_fields(sheet_plan, project, plan)
        if sheet_plan.stored is None:
            sheet = TargetSheet(**fields, source_document=source_document)
            sheet.full_clean(exclude=_RELATIONS, validate_unique=False, validate_constraints=False)
            sheet_plan.stored = sheet
            new_sheets.append(sheet)
            continue
        sheet = sheet_plan.stored
        changes = {k: [getattr(sheet, k), fields[k]] for k in SHEET_AUDITED if getattr(sheet, k) != fields[k]}
        moved = (sheet.source_document_id, sheet.source_location) != (source_document.pk, fields["source_location"])
        if changes or moved:
            for key in (*SHEET_AUDITED, "source_location"):
                setattr(sheet, key, fields[key])
            sheet.source_document = source_document
            written_sheets.append(sheet)
        stored_sheets.append((sheet, changes))
    TargetSheet.objects.bulk_create(new_sheets)
    for sheet in new_sheets:
        audit.add("target_sheet.import", sheet, {"created": True})
    copy_update_objects(TargetSheet, written_sheets, list(SHEET_WRITTEN))

    created, written, deleted, kept = [], [], [], 0
    indicator_changes: dict[int, list] = {}
    for _, sheet_plan in sheet_plans:
        if sheet_plan.conflict:
            continue
        sheet = sheet_plan.stored
        entries = indicator_changes.setdefault(id(sheet), [])
        order = 0
        for order, row in enumerate(sheet_plan.indicators, start=1):
            stored = row.get("_stored")
            values = {k: v for k, v in row.items() if k != "_stored"}
            if stored is None:
                created.append({"sheet_id": sheet.pk, "order": order, **values})
                entries.append(["create", values["name"]])
                continue
            diff = {k: [str(getattr(stored, k)), str(v)] for k, v in values.items() if getattr(stored, k) != v}
            if diff or stored.order != order:
                written.append((stored, {**values, "order": order}))
            diff.pop("source_location", None)  # where a row is printed moves with every edit above it
            if diff:
                entries.append(["update", values["name"], diff])
        for indicator in sheet_plan.leftovers:
            if allow_removals and not getattr(indicator, "reported", False):
                deleted.append(indicator.pk)
                entries.append(["delete", indicator.name])
                continue
            kept += 1
            order += 1  # kept after the document's own indicators, in their stored order
            if indicator.order != order:
                written.append((indicator, {"order": order}))
    Indicator.objects.filter(pk__in=deleted).delete()
    # Orders move in two steps so that (sheet, order) stays unique at every moment: the rows that
    # change place step aside first; rows staying in place already hold their final order.
    moving = [indicator.pk for indicator, values in written if indicator.order != values["order"]]
    if moving:
        Indicator.objects.filter(pk__in=moving).update(order=F("order") + ORDER_OFFSET)
    for indicator, values in written:
        for key, value in values.items():
            setattr(indicator, key, value)
    copy_update_objects(Indicator, [indicator for indicator, _ in written], list(INDICATOR_WRITTEN))
    copy_insert(Indicator, created)
    for sheet, changes in stored_sheets:
        entries = indicator_changes.get(id(sheet), [])
        if changes or entries:
            audit.add("target_sheet.import", sheet, {**changes, "indicators": entries})
    return {
        "sheets_created": len(new_sheets),
        "sheets_updated": sum(1 for s, c in stored_sheets if c or indicator_changes.get(id(s))),
        "indicators_created": len(created),
        "indicators_updated": sum(len([e for e in v if e[0] == "update"]) for v in indicator_changes.values()),
        "indicators_deleted": len(deleted),
        "indicators_kept": kept,
        "conflicts": len(plan.conflicts),
        "rows_written": len(new_sheets) + len(written_sheets) + len(created) + len(written) + len(deleted),
    }
