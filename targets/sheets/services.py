"""Writers for target sheets: atomic, validated, audited, with field-level history.

Status flow: draft → submitted → approved, or submitted → returned → submitted …; an approved
sheet is revised by copying it into a new draft version, never by editing it. The return reason is
a ReturnNote staff see on the sheet until they submit again.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from budgets.audit import audit_record
from budgets.concurrency import bump
from budgets.history import stamp
from budgets.selectors import user_can_see_department, user_supervises_department

from ..models import Indicator, ReturnNote, TargetSheet

Status = TargetSheet.Status


def _locked(sheet: TargetSheet) -> TargetSheet:
    return TargetSheet.objects.select_for_update(of=("self",)).select_related("department", "project").get(pk=sheet.pk)


def _transition(sheet: TargetSheet, *, allowed_from: set, to: str, actor, action: str, changes: dict | None = None):
    if sheet.status not in allowed_from:
        raise ValidationError(
            _("目标表“%(sheet)s”当前状态为“%(status)s”，不能执行此操作。")
            % {"sheet": sheet, "status": sheet.get_status_display()}
        )
    old = sheet.status
    sheet.status = to
    bump(sheet)
    stamp(sheet, actor=actor, reason=(changes or {}).get("reason", ""))
    sheet.save(update_fields=["status", "updated_at", "revision"])
    audit_record(actor=actor, action=action, subject=sheet, changes={"status": [old, to], **(changes or {})})
    return sheet


@transaction.atomic
def target_sheet_create(*, indicators: list[dict] = (), actor, **fields) -> TargetSheet:
    sheet = TargetSheet(**fields)
    sheet.full_clean()
    sheet.save()
    rows = []
    for order, data in enumerate(indicators, start=1):
        indicator = Indicator(sheet=sheet, order=order, **data)
        indicator.full_clean(exclude=["sheet"])
        rows.append(indicator)
    Indicator.objects.bulk_create(rows)
    audit_record(actor=actor, action="target_sheet.create", subject=sheet, changes={"indicators": len(rows)})
    return sheet


@transaction.atomic
def target_sheet_submit(*, sheet: TargetSheet, actor) -> TargetSheet:
    sheet = _locked(sheet)
    if not user_can_see_department(actor, sheet.department):
        raise PermissionDenied(_("您无权提交该部门的目标表。"))
    if not sheet.indicators.exists():
        raise ValidationError(_("目标表“%(sheet)s”没有绩效指标，不能提交。") % {"sheet": sheet})
    sheet = _transition(
        sheet,
        allowed_from={Status.DRAFT, Status.RETURNED},
        to=Status.SUBMITTED,
        actor=actor,
        action="target_sheet.submit",
    )
    ReturnNote.objects.filter(sheet=sheet, resolved_at__isnull=True).update(resolved_at=timezone.now())
    return sheet


@transaction.atomic
def target_sheet_approve(*, sheet: TargetSheet, actor) -> TargetSheet:
    sheet = _locked(sheet)
    if not user_supervises_department(actor, sheet.department):
        raise PermissionDenied(_("只有该部门的监督审核人员可以审核。"))
    return _transition(
        sheet, allowed_from={Status.SUBMITTED}, to=Status.APPROVED, actor=actor, action="target_sheet.approve"
    )


@transaction.atomic
def target_sheet_return(*, sheet: TargetSheet, reason: str, actor) -> TargetSheet:
    sheet = _locked(sheet)
    if not user_supervises_department(actor, sheet.department):
        raise PermissionDenied(_("只有该部门的监督审核人员可以退回。"))
    if not reason or not reason.strip():
        raise ValidationError(_("退回目标表必须填写退回原因。"))
    sheet = _transition(
        sheet,
        allowed_from={Status.SUBMITTED},
        to=Status.RETURNED,
        actor=actor,
        action="target_sheet.return",
        changes={"reason": reason.strip()},
    )
    ReturnNote.objects.create(
        sheet=sheet, message=reason.strip(), created_by=actor if getattr(actor, "is_authenticated", False) else None
    )
    return sheet


@transaction.atomic
def target_sheet_revise(*, sheet: TargetSheet, actor) -> TargetSheet:
    """Start a new draft version from an approved sheet; the approved one stays as it was."""
    sheet = _locked(sheet)
    if not user_can_see_department(actor, sheet.department):
        raise PermissionDenied(_("您无权修订该部门的目标表。"))
    if sheet.status != Status.APPROVED or not sheet.is_current:
        raise ValidationError(_("只有当前已审核通过的目标表可以修订；其他状态可直接修改。"))
    sheet.is_current = False
    stamp(sheet, actor=actor, reason=_("修订为新版本"))
    sheet.save(update_fields=["is_current", "updated_at"])
    copy = TargetSheet.objects.get(pk=sheet.pk)
    copy.pk = None
    copy.version = sheet.version + 1
    copy.status = Status.DRAFT
    copy.is_current = True
    copy.previous = sheet
    copy.revision = 0
    copy.full_clean()
    copy.save(force_insert=True)
    indicators = list(sheet.indicators.all())
    for indicator in indicators:
        indicator.pk = None
        indicator.sheet = copy
    Indicator.objects.bulk_create(indicators)
    audit_record(actor=actor, action="target_sheet.revise", subject=copy, changes={"from_version": sheet.version})
    return copy
