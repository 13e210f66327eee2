"""Write an import plan: bulk creates and updates, the same few queries per document whatever the
number of indicators, and one audit entry per object created or changed. Called by the
`disclosure_apply` service inside its transaction."""

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from budgets.bulk import copy_insert
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


def apply_plan(plan: ImportPlan, *, source_document: SourceDocument, actor) -> dict:
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
            for key in changes:
                setattr(project, key, values[key])
            project.source_document, project.source_location = source_document, location_of[id(project_plan)]
            changed_projects.append((project, changes))
    Project.objects.bulk_create(new_projects)
    for project in new_projects:
        audit.add("project.import", project, {"created": True})
    if changed_projects:
        Project.objects.bulk_update(
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
    if changed_fundings:
        Funding.objects.bulk_update(
            [f for f, _ in changed_fundings], [*FUND_PARTS, "first_year", "last_year", "source_location"]
        )
        for funding, changes in changed_fundings:
            audit.add("funding.import", funding, changes)

    sheet_plans = [(p.stored, s) for p in plan.projects for s in p.sheets] + [(None, s) for s in plan.department_sheets]
    counts = _apply_sheets(sheet_plans, plan, source_document, audit)
    audit.save()
    return {"projects_created": len(new_projects), "fundings_created": len(new_fundings), **counts}


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


def _apply_sheets(sheet_plans, plan: ImportPlan, source_document, audit: _Audit) -> dict:
    new_sheets, changed_sheets = [], []
    for project, sheet_plan in sheet_plans:
        if sheet_plan.conflict:
            continue
        fields = _sheet_fields(sheet_plan, project, plan)
        if sheet_plan.stored is None:
            sheet = TargetSheet(**fields, source_document=source_document)
            sheet.full_clean(exclude=_RELATIONS, validate_unique=False, validate_constraints=False)
            sheet_plan.stored = sheet
            new_sheets.append(sheet)
        else:
            sheet = sheet_plan.stored
            changes = {
                k: [getattr(sheet, k), v]
                for k, v in fields.items()
                if k in {"overall_goal", "title", "first_year", "last_year"} and getattr(sheet, k) != v
            }
            for key in ("overall_goal", "title", "first_year", "last_year", "source_location"):
                setattr(sheet, key, fields[key])
            sheet.source_document = source_document
            changed_sheets.append((sheet, changes))
    TargetSheet.objects.bulk_create(new_sheets)
    for sheet in new_sheets:
        audit.add("target_sheet.import", sheet, {"created": True})
    if changed_sheets:
        TargetSheet.objects.bulk_update(
            [s for s, _ in changed_sheets],
            ["overall_goal", "title", "first_year", "last_year", "source_location", "source_document"],
        )

    created, updated, deleted = [], [], []
    new_sheet_ids = {id(sheet) for sheet in new_sheets}
    indicator_changes: dict[int, list] = {}
    for _, sheet_plan in sheet_plans:
        if sheet_plan.conflict:
            continue
        sheet = sheet_plan.stored
        kept = set()
        for order, row in enumerate(sheet_plan.indicators, start=1):
            stored = row.pop("_stored", None)
            if stored is None:
                created.append({"sheet_id": sheet.pk, "order": order, **row})
                indicator_changes.setdefault(id(sheet), []).append(["create", row["name"]])
                continue
            kept.add(stored.pk)
            diff = {k: [str(getattr(stored, k)), str(v)] for k, v in row.items() if getattr(stored, k) != v}
            for key, value in row.items():
                setattr(stored, key, value)
            stored.order = order
            updated.append(stored)
            if diff:
                indicator_changes.setdefault(id(sheet), []).append(["update", row["name"], diff])
        if id(sheet) not in new_sheet_ids:
            for indicator in sheet.indicators.all():
                if indicator.pk not in kept:
                    deleted.append(indicator.pk)
                    indicator_changes.setdefault(id(sheet), []).append(["delete", indicator.name])
    Indicator.objects.filter(pk__in=deleted).delete()
    if updated:
        # Orders move in two steps so that (sheet, order) stays unique at every moment.
        final = {indicator.pk: indicator.order for indicator in updated}
        for indicator in updated:
            indicator.order += ORDER_OFFSET
        Indicator.objects.bulk_update(updated, ["order"])
        for indicator in updated:
            indicator.order = final[indicator.pk]
        Indicator.objects.bulk_update(
            updated,
            [
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
            ],
        )
    copy_insert(Indicator, created)
    for sheet, changes in changed_sheets:
        entries = indicator_changes.get(id(sheet), [])
        if changes or entries:
            audit.add("target_sheet.import", sheet, {**changes, "indicators": entries})
    return {
        "sheets_created": len(new_sheets),
        "sheets_updated": sum(1 for s, c in changed_sheets if c or indicator_changes.get(id(s))),
        "indicators_created": len(created),
        "indicators_updated": sum(len([e for e in v if e[0] == "update"]) for v in indicator_changes.values()),
        "indicators_deleted": len(deleted),
        "conflicts": len(plan.conflicts),
    }
