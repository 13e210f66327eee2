"""Changing targets that can still change: a draft, a 修订 version, or a sheet returned for
correction, as long as none of its self-evaluations or monitoring reports has been submitted.

Indicators are added, edited, reordered and removed; the goal and the project's facts and funds are
edited; a project and its sheet can be created by hand when no disclosure can be imported. After
each change the sheet's open evaluation and monitoring records follow (a row per indicator, weights
spread again, scores recomputed). Every write checks the row's revision (budgets.concurrency).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils.translation import gettext as _

from budgets.audit import audit_record
from budgets.concurrency import bump, check_revision
from budgets.history import stamp
from budgets.models import FundingPeriod
from budgets.selectors import user_can_see_department
from budgets.services import funding_set, project_create, project_update

from ..assessment.services import evaluation_sync_indicators
from ..indicator_fields import indicator_fields
from ..models import (
    Evaluation,
    Indicator,
    IndicatorResult,
    MonitoringEntry,
    MonitoringReport,
    ReviewStatus,
    TargetSheet,
)
from ..monitoring.services import monitoring_sync_indicators

INDICATOR_INPUTS = ("level1", "level2", "name", "value", "unit", "weight")
LOCKED_STATUSES = (ReviewStatus.SUBMITTED, ReviewStatus.APPROVED)
ORDER_SHIFT = 1_000_000  # orders are moved out of the way first: (sheet, order) is unique


def targets_refusal(sheet: TargetSheet) -> str | None:
    """Why the targets of `sheet` cannot be changed, or None."""
    if not sheet.is_current:
        return _("这是历史版本，不能修改。")
    if sheet.status == TargetSheet.Status.SUBMITTED:
        return _("目标表已提交审核，不能修改。")
    if sheet.status == TargetSheet.Status.APPROVED:
        return _("目标表已审核通过；如需调整，请先“修订”生成新版本。")
    if (
        Evaluation.objects.filter(sheet=sheet, status__in=LOCKED_STATUSES).exists()
        or MonitoringReport.objects.filter(sheet=sheet, status__in=LOCKED_STATUSES).exists()
    ):
        return _("该目标表的绩效自评或运行监控已提交，目标不能再修改。")
    return None


def _locked_sheet(sheet: TargetSheet, actor) -> TargetSheet:
    sheet = TargetSheet.objects.select_for_update(of=("self",)).select_related("department", "project").get(pk=sheet.pk)
    if not user_can_see_department(actor, sheet.department):
        raise PermissionDenied(_("您无权修改该部门的目标表。"))
    refusal = targets_refusal(sheet)
    if refusal:
        raise ValidationError(refusal)
    return sheet


def _fields(data: dict) -> dict:
    name = (data.get("name") or "").strip()
    if not name:
        raise ValidationError({"name": _("请填写三级指标名称。")})
    fields = indicator_fields(
        level1=data.get("level1") or "",
        level2=data.get("level2") or "",
        name=name,
        value=data.get("value") or "",
        unit=data.get("unit") or None,
    )
    fields["weight"] = data.get("weight")
    return fields


def _follow(sheet: TargetSheet, actor) -> None:
    for evaluation in Evaluation.objects.filter(sheet=sheet, status__in=(ReviewStatus.DRAFT, ReviewStatus.RETURNED)):
        evaluation_sync_indicators(evaluation=evaluation, actor=actor)
    for report in MonitoringReport.objects.filter(sheet=sheet, status__in=(ReviewStatus.DRAFT, ReviewStatus.RETURNED)):
        monitoring_sync_indicators(report=report, actor=actor)


def _renumber(sheet: TargetSheet, ordered: list[Indicator]) -> None:
    """Number `ordered` 1, 2, 3 …; the rows are moved above every current number first, so no two
    rows ever share a number in between."""
    Indicator.objects.filter(sheet=sheet).update(order=F("order") + ORDER_SHIFT)
    for number, row in enumerate(ordered, start=1):
        row.order = number
    Indicator.objects.bulk_update(ordered, ["order"])


@transaction.atomic
def indicator_add(*, sheet: TargetSheet, actor, position: int | None = None, **data) -> Indicator:
    sheet = _locked_sheet(sheet, actor)
    unknown = set(data) - set(INDICATOR_INPUTS)
    if unknown:
        raise ValidationError(_("不可设置的字段：%(f)s") % {"f": "、".join(sorted(unknown))})
    last = sheet.indicators.aggregate(last=Max("order"))["last"] or 0
    indicator = Indicator(sheet=sheet, order=last + 1, **_fields(data))
    indicator.full_clean()
    stamp(indicator, actor=actor, reason=_("新增指标"))
    indicator.save()
    if position is not None and position <= last:
        _place(sheet, indicator, position)
    _follow(sheet, actor)
    audit_record(actor=actor, action="indicator.add", subject=indicator, changes={"sheet": str(sheet)})
    return indicator


@transaction.atomic
def indicator_update(*, indicator: Indicator, actor, expected_revision: int | None = None, **data) -> Indicator:
    sheet = _locked_sheet(indicator.sheet, actor)
    indicator = Indicator.objects.select_for_update().get(pk=indicator.pk, sheet=sheet)
    check_revision(indicator, expected_revision)
    unknown = set(data) - set(INDICATOR_INPUTS)
    if unknown:
        raise ValidationError(_("不可修改的字段：%(f)s") % {"f": "、".join(sorted(unknown))})
    current = {
        "level1": indicator.level1_label,
        "level2": indicator.level2_label,
        "name": indicator.name,
        "value": indicator.target_text,
        "unit": indicator.unit,
        "weight": indicator.weight,
    }
    merged = {**current, **data}
    fields = _fields(merged)
    changes = {f: [str(getattr(indicator, f)), str(v)] for f, v in fields.items() if getattr(indicator, f) != v}
    if not changes:
        return indicator
    for field, value in fields.items():
        setattr(indicator, field, value)
    indicator.full_clean()
    bump(indicator)
    stamp(indicator, actor=actor, reason=_("修改指标"))
    indicator.save()
    _follow(sheet, actor)
    audit_record(actor=actor, action="indicator.update", subject=indicator, changes=changes)
    return indicator


def _place(sheet: TargetSheet, indicator: Indicator, position: int) -> None:
    ordered = [i for i in sheet.indicators.order_by("order") if i.pk != indicator.pk]
    position = max(1, min(position, len(ordered) + 1))
    ordered.insert(position - 1, indicator)
    _renumber(sheet, ordered)


@transaction.atomic
def indicator_move(*, indicator: Indicator, position: int, actor) -> Indicator:
    sheet = _locked_sheet(indicator.sheet, actor)
    indicator = Indicator.objects.get(pk=indicator.pk, sheet=sheet)
    old = indicator.order
    _place(sheet, indicator, int(position))
    indicator.refresh_from_db()
    if indicator.order != old:
        audit_record(actor=actor, action="indicator.move", subject=indicator, changes={"order": [old, indicator.order]})
    return indicator


@transaction.atomic
def indicator_remove(*, indicator: Indicator, actor) -> None:
    sheet = _locked_sheet(indicator.sheet, actor)
    indicator = Indicator.objects.get(pk=indicator.pk, sheet=sheet)
    IndicatorResult.objects.filter(indicator=indicator).delete()
    MonitoringEntry.objects.filter(indicator=indicator).delete()
    audit_record(actor=actor, action="indicator.remove", subject=indicator, changes={"name": indicator.name})
    stamp(indicator, actor=actor, reason=_("删除指标"))
    indicator.delete()
    _renumber(sheet, list(sheet.indicators.order_by("order")))
    _follow(sheet, actor)


@transaction.atomic
def sheet_goal_update(
    *, sheet: TargetSheet, actor, overall_goal: str, expected_revision: int | None = None
) -> TargetSheet:
    sheet = _locked_sheet(sheet, actor)
    check_revision(sheet, expected_revision)
    goal = (overall_goal or "").strip()
    if goal == sheet.overall_goal:
        return sheet
    old = sheet.overall_goal
    sheet.overall_goal = goal
    sheet.full_clean()
    bump(sheet)
    stamp(sheet, actor=actor, reason=_("修改总体目标"))
    sheet.save(update_fields=["overall_goal", "revision", "updated_at"])
    audit_record(actor=actor, action="target_sheet.goal", subject=sheet, changes={"overall_goal": [old, goal]})
    return sheet


@transaction.atomic
def sheet_project_update(*, sheet: TargetSheet, actor, **facts):
    """The project facts printed on the sheet (实施单位, 主管部门, 负责人, 实施期 …)."""
    sheet = _locked_sheet(sheet, actor)
    if not sheet.project_id:
        raise ValidationError(_("部门整体目标表没有项目信息。"))
    return project_update(project=sheet.project, actor=actor, **facts)


@transaction.atomic
def sheet_funds_set(*, sheet: TargetSheet, actor, period: str, **amounts):
    """The 中期 or 年度 funds of the sheet's project (万元)."""
    sheet = _locked_sheet(sheet, actor)
    if not sheet.project_id:
        raise ValidationError(_("部门整体目标表没有项目资金。"))
    years = (sheet.first_year, sheet.last_year) if period == FundingPeriod.MID_TERM else (sheet.year, sheet.year)
    return funding_set(
        project=sheet.project, period=period, actor=actor, first_year=years[0], last_year=years[1], **amounts
    )


@transaction.atomic
def project_sheet_create(*, department, year: int, name: str, actor, overall_goal: str = "", **facts) -> TargetSheet:
    """A project and its annual target sheet typed in by hand (no disclosure to import). Its targets
    count as set once the sheet is submitted and approved."""
    if not user_can_see_department(actor, department):
        raise PermissionDenied(_("您无权为该部门新建项目。"))
    project = project_create(department=department, year=year, name=name, actor=actor, **facts)
    sheet = TargetSheet(
        scope=TargetSheet.Scope.PROJECT,
        department=department,
        project=project,
        year=year,
        period=FundingPeriod.ANNUAL,
        first_year=year,
        last_year=year,
        title=_("%(name)s绩效目标表") % {"name": project.name},
        overall_goal=(overall_goal or "").strip(),
    )
    sheet.full_clean()
    stamp(sheet, actor=actor, reason=_("手工新建目标表"))
    sheet.save()
    audit_record(actor=actor, action="target_sheet.create", subject=sheet, changes={"indicators": 0})
    return sheet
