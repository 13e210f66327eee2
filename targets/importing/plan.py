"""What importing an extraction would change: a diff against what is stored, before anything is written.

Projects match by department, year and code (when printed) or name; sheets by project (or department)
and period; indicators by their 三级 name within a sheet. Reading the stored state takes a fixed
number of queries per document, whatever the number of indicators.
"""

import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Exists, OuterRef, Prefetch, Q

from budgets.models import Department, Funding, Project
from budgets.money import plain_number, quantize_wan

from ..indicator_fields import indicator_fields
from ..models import Indicator, IndicatorResult, MonitoringEntry, TargetSheet
from .model import ExtractedSheet, Extraction, Issue
from .text_utils import compact

PROJECT_FACTS = (
    "code",
    "category",
    "implementing_unit",
    "competent_department",
    "responsible_person",
    "contact",
    "phone",
    "description",
)
INDICATOR_COMPARED = ("level1_label", "level2_label", "target_text", "unit", "weight")
FUND_PARTS = ("total", "fiscal", "carryover", "other")


def name_key(text: str | None) -> str:
    return compact(unicodedata.normalize("NFKC", text or ""))


@dataclass
class Change:
    action: str  # create | update | delete | keep (a delete not confirmed) | conflict
    kind: str  # project | funding | sheet | indicator
    label: str
    changes: dict = field(default_factory=dict)
    location: str = ""

    def as_dict(self) -> dict:
        return {
            "action": self.action,
            "kind": self.kind,
            "label": self.label,
            "changes": self.changes,
            "location": self.location,
        }


@dataclass
class SheetPlan:
    extracted: ExtractedSheet
    period: str
    stored: TargetSheet | None
    indicators: list[dict]  # model fields of every extracted indicator, in order
    conflict: bool = False
    leftovers: list[Indicator] = field(default_factory=list)  # stored, not in the document


@dataclass
class ProjectPlan:
    extracted: ExtractedSheet
    stored: Project | None
    facts: dict
    fundings: dict  # period -> dict of fields
    sheets: list[SheetPlan] = field(default_factory=list)


@dataclass
class ImportPlan:
    department: Department
    year: int
    projects: list[ProjectPlan] = field(default_factory=list)
    department_sheets: list[SheetPlan] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)

    @property
    def conflicts(self) -> list[Change]:
        return [change for change in self.changes if change.action == "conflict"]

    @property
    def removals(self) -> list[Change]:
        """Stored indicators the document does not list: deleted only when the person asks."""
        return [change for change in self.changes if change.action == "delete"]

    def keep_removals(self) -> None:
        for change in self.removals:
            change.action = "keep"

    def summary(self) -> dict:
        counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for change in self.changes:
            counts[change.kind][change.action] += 1
        return {kind: dict(actions) for kind, actions in counts.items()}


def _money(value: Decimal | None) -> Decimal | None:
    return None if value is None else quantize_wan(value)


def _years(sheet: ExtractedSheet, period: str, year: int) -> tuple[int, int]:
    if period == "mid_term":
        if sheet.mid_term_years:
            return sheet.mid_term_years
        return year, year + 2
    return year, year


def _project_facts(sheet: ExtractedSheet) -> dict:
    facts = {name: sheet.fields.get(name, "") for name in PROJECT_FACTS}
    if not facts["implementing_unit"]:
        facts["implementing_unit"] = sheet.fields.get("budget_unit", "")
    continuity = sheet.fields.get("continuity", "")
    facts["continuity"] = _continuity(continuity)
    facts["start_date"], facts["end_date"] = sheet.start, sheet.end
    return facts


def _continuity(text: str) -> str:
    key = compact(text)
    for option, value in (("延续", Project.Continuity.CONTINUING), ("新增", Project.Continuity.NEW)):
        if f"{option}☑" in key or f"☑{option}" in key:
            return value
    if "☑" in key or "☐" in key:
        return ""
    if "延续" in key or "续建" in key:
        return Project.Continuity.CONTINUING
    if "新增" in key or "新建" in key:
        return Project.Continuity.NEW
    return ""


def _indicator_rows(sheet: ExtractedSheet, period: str) -> list[dict]:
    rows = []
    for indicator in sheet.indicators:
        if indicator.period != period:
            continue
        value = indicator.target_text
        fields = indicator_fields(
            level1=indicator.level1, level2=indicator.level2, name=indicator.level3, value=value, unit=indicator.unit
        )
        fields["weight"] = indicator.weight
        fields["source_location"] = indicator.location.describe()
        fields["source_text"] = indicator.source_text
        rows.append(fields)
    return rows


def _with_reported(indicators):
    """`reported`: a self-evaluation or monitoring result exists for the indicator, so it stays even
    when a re-import that may remove indicators no longer lists it (its results keep their target)."""
    return indicators.annotate(
        reported=Exists(IndicatorResult.objects.filter(indicator=OuterRef("pk")))
        | Exists(MonitoringEntry.objects.filter(indicator=OuterRef("pk")))
    )


def _diff_indicators(plan: SheetPlan, changes: list[Change], label: str) -> None:
    stored = list(plan.stored.indicators.all()) if plan.stored else []
    by_name = defaultdict(list)
    for indicator in stored:
        by_name[name_key(indicator.name)].append(indicator)
    for row in plan.indicators:
        matches = by_name.get(name_key(row["name"]))
        if not matches:
            changes.append(
                Change(
                    "create",
                    "indicator",
                    f"{label} · {row['name']}",
                    {"target_text": [None, row["target_text"]]},
                    row["source_location"],
                )
            )
            continue
        indicator = matches.pop(0)
        row["_stored"] = indicator
        diff = {
            name: [_plain(getattr(indicator, name)), _plain(row[name])]
            for name in INDICATOR_COMPARED
            if getattr(indicator, name) != row[name]
        }
        if diff:
            changes.append(Change("update", "indicator", f"{label} · {row['name']}", diff, row["source_location"]))
    for leftovers in by_name.values():
        plan.leftovers.extend(leftovers)
    plan.leftovers.sort(key=lambda indicator: indicator.order)
    for indicator in plan.leftovers:
        changes.append(
            Change(
                "keep" if indicator.reported else "delete",
                "indicator",
                f"{label} · {indicator.name}",
                {"target_text": [indicator.target_text, None]},
                indicator.source_location,
            )
        )


# A fund that grows or shrinks about ten-thousandfold was almost surely read in 元 where 万元 was
# meant (or the reverse); the band leaves room for a real change on top of the slip.
UNIT_SLIP = (Decimal(5000), Decimal(20000))


def _unit_slips(old: Funding, values: dict, label: str, location) -> list[Issue]:
    issues = []
    for part in FUND_PARTS:
        before, after = getattr(old, part), values[part]
        if not before or not after:
            continue
        ratio = max(before, after) / min(before, after)
        if UNIT_SLIP[0] <= ratio <= UNIT_SLIP[1]:
            name = Funding._meta.get_field(part).verbose_name
            issues.append(
                Issue(
                    f"{label}：{name}由 {plain_number(before)} 万元变为 {plain_number(after)} 万元，相差约一万倍，"
                    "可能把“元”和“万元”弄混了，请核对单位后再导入。",
                    location,
                )
            )
    return issues


def _plain(value):
    return value if value is None or isinstance(value, str | int) else str(value)


def _sheet_changes(plan: SheetPlan, goal: str, title: str, label: str) -> list[Change]:
    changes: list[Change] = []
    if plan.stored is None:
        changes.append(
            Change("create", "sheet", label, {"indicators": len(plan.indicators)}, plan.extracted.location.describe())
        )
        _diff_indicators(plan, changes, label)
        return changes
    diff = {}
    if plan.stored.overall_goal != goal:
        diff["overall_goal"] = [plan.stored.overall_goal, goal]
    if title and plan.stored.title != title:
        diff["title"] = [plan.stored.title, title]
    if diff:
        changes.append(Change("update", "sheet", label, diff, plan.extracted.location.describe()))
    _diff_indicators(plan, changes, label)
    locked = {TargetSheet.Status.APPROVED: "已审核通过", TargetSheet.Status.SUBMITTED: "正在审核中"}
    if changes and plan.stored.status in locked:
        plan.conflict = True
        message = (
            f"该目标表{locked[plan.stored.status]}，导入内容与之不同（{len(changes)} 处），未作修改；"
            "如需更新，请在审核后修订生成新版本，或由审核人员退回后重新导入。"
        )
        return [
            Change(
                "conflict",
                "sheet",
                label,
                {"message": message, "differences": [c.as_dict() for c in changes]},
                plan.extracted.location.describe(),
            )
        ]
    return changes


def _goal_for(sheet: ExtractedSheet, period: str) -> str:
    if period == "mid_term":
        return sheet.goals.get("mid_term", "")
    return sheet.goals.get("annual") or sheet.goals.get("overall", "")


def build_plan(extraction: Extraction, *, department: Department | None, year: int) -> ImportPlan:
    """`department` None plans against nothing stored (a dry run for a department not set up yet)."""
    plan = ImportPlan(department=department, year=year)
    current_sheets = TargetSheet.objects.filter(is_current=True).prefetch_related(
        Prefetch("indicators", queryset=_with_reported(Indicator.objects.order_by("order")))
    )
    stored_projects = Project.objects.none()
    if department and extraction.projects:
        names = {sheet.name for sheet in extraction.projects}
        codes = {sheet.fields["code"] for sheet in extraction.projects if sheet.fields.get("code")}
        # Stored names may differ in spacing only; those are found through the name index too.
        names |= {compact(name) for name in names}
        stored_projects = Project.objects.filter(department=department, year=year).filter(
            Q(name__in=names) | Q(code__in=codes)
        )
    projects = {
        name_key(project.name): project
        for project in stored_projects.prefetch_related(
            Prefetch("fundings", queryset=Funding.objects.all()),
            Prefetch(
                "target_sheets",
                queryset=current_sheets.filter(scope=TargetSheet.Scope.PROJECT),
                to_attr="current_sheets",
            ),
        )
    }
    by_code = {project.code: project for project in projects.values() if project.code}
    for extracted in extraction.projects:
        facts = _project_facts(extracted)
        stored = by_code.get(facts["code"]) if facts["code"] else None
        stored = stored or projects.get(name_key(extracted.name))
        project_plan = ProjectPlan(extracted=extracted, stored=stored, facts=facts, fundings={})
        location = extracted.location.describe()
        if stored is None:
            plan.changes.append(Change("create", "project", extracted.name, {}, location))
        else:
            diff = {
                name: [_plain(getattr(stored, name)), _plain(value)]
                for name, value in facts.items()
                if value not in ("", None) and getattr(stored, name) != value
            }
            if diff:
                plan.changes.append(Change("update", "project", extracted.name, diff, location))
        stored_fundings = {f.period: f for f in stored.fundings.all()} if stored else {}
        for period, funding in extracted.fundings.items():
            first, last = _years(extracted, period, year)
            values = {part: _money(getattr(funding, part)) for part in FUND_PARTS}
            values.update(
                first_year=first,
                last_year=last,
                source_location=funding.location.describe() if funding.location else location,
            )
            project_plan.fundings[period] = values
            old = stored_fundings.get(period)
            label = f"{extracted.name} · {'中期' if period == 'mid_term' else '年度'}资金"
            if old is None:
                plan.changes.append(
                    Change(
                        "create",
                        "funding",
                        label,
                        {p: [None, _plain(values[p])] for p in FUND_PARTS},
                        values["source_location"],
                    )
                )
            else:
                diff = {
                    p: [_plain(getattr(old, p)), _plain(values[p])]
                    for p in (*FUND_PARTS, "first_year", "last_year")
                    if getattr(old, p) != values[p]
                }
                if diff:
                    plan.changes.append(Change("update", "funding", label, diff, values["source_location"]))
                    plan.warnings.extend(_unit_slips(old, values, label, funding.location or extracted.location))
        stored_sheets = {sheet.period: sheet for sheet in stored.current_sheets} if stored else {}
        for period in extracted.periods:
            sheet_plan = SheetPlan(
                extracted=extracted,
                period=period,
                stored=stored_sheets.get(period),
                indicators=_indicator_rows(extracted, period),
            )
            label = f"{extracted.name} · {'中期' if period == 'mid_term' else '年度'}目标表"
            plan.changes.extend(_sheet_changes(sheet_plan, _goal_for(extracted, period), extracted.title, label))
            project_plan.sheets.append(sheet_plan)
        plan.projects.append(project_plan)
    stored_department_sheets = {
        sheet.period: sheet
        for sheet in (
            current_sheets.filter(scope=TargetSheet.Scope.DEPARTMENT, department=department, year=year)
            if department and extraction.department_sheets
            else []
        )
    }
    for extracted in extraction.department_sheets:
        period = "annual"
        sheet_plan = SheetPlan(
            extracted=extracted,
            period=period,
            stored=stored_department_sheets.get(period),
            indicators=_indicator_rows(extracted, period),
        )
        plan.changes.extend(
            _sheet_changes(
                sheet_plan, _goal_for(extracted, period), extracted.title, extracted.title or "部门整体绩效目标表"
            )
        )
        plan.department_sheets.append(sheet_plan)
    return plan
