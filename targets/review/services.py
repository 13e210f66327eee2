"""Review of what staff submit (self-evaluations and monitoring reports): approve, return with a
reason (the whole record or chosen indicators), reopen an approved record. Each transition locks the
record, checks the supervisor's right, writes the return notes staff will see, and is audited."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from budgets.audit import audit_record
from budgets.concurrency import bump
from budgets.history import stamp
from budgets.selectors import user_supervises_department

from ..models import Evaluation, Indicator, ReturnNote, ReviewStatus
from .rules import note_subject_field, open_notes


def _kind(record) -> str:
    return "evaluation" if isinstance(record, Evaluation) else "monitoring"


def _locked(record):
    return (
        type(record)
        .objects.select_for_update(of=("self",))
        .select_related("sheet__department", "sheet__project", "period")
        .get(pk=record.pk)
    )


def _supervisor(actor, record) -> None:
    if not user_supervises_department(actor, record.sheet.department):
        raise PermissionDenied(_("只有该部门的监督审核人员可以审核。"))


def _save(record, *, actor, reason: str, fields: list[str]) -> None:
    bump(record)
    stamp(record, actor=actor, reason=reason)
    record.save(update_fields=[*fields, "revision"])


def mark_submitted(record, *, actor) -> None:
    """Called by the submit services once their own checks pass; the record is locked by the caller.
    Open return notes are resolved by the resubmission."""
    record.status = ReviewStatus.SUBMITTED
    record.submitted_at, record.submitted_by = timezone.now(), _user(actor)
    _save(record, actor=actor, reason=_("提交审核"), fields=["status", "submitted_at", "submitted_by"])
    open_notes(record).update(resolved_at=timezone.now())


@transaction.atomic
def submission_approve(*, record, actor):
    record = _locked(record)
    _supervisor(actor, record)
    if record.status != ReviewStatus.SUBMITTED:
        raise ValidationError(_("只有已提交的内容可以审核通过（当前：%(s)s）。") % {"s": record.get_status_display()})
    record.status = ReviewStatus.APPROVED
    record.reviewed_at, record.reviewed_by = timezone.now(), _user(actor)
    _save(record, actor=actor, reason=_("审核通过"), fields=["status", "reviewed_at", "reviewed_by"])
    audit_record(actor=actor, action=f"{_kind(record)}.approve", subject=record)
    return record


@transaction.atomic
def submission_return(*, record, message: str = "", indicator_messages: dict | None = None, actor):
    """Return the whole record with `message`, or only the indicators of `indicator_messages`
    ({indicator id: reason}; an empty reason takes `message`). The rest stays locked."""
    record = _locked(record)
    _supervisor(actor, record)
    if record.status != ReviewStatus.SUBMITTED:
        raise ValidationError(_("只有已提交的内容可以退回（当前：%(s)s）。") % {"s": record.get_status_display()})
    message = (message or "").strip()
    chosen = {int(pk): (text or "").strip() or message for pk, text in (indicator_messages or {}).items()}
    if not chosen and not message:
        raise ValidationError(_("退回必须写明原因。"))
    subject = {note_subject_field(record): record}
    if chosen:
        if any(not text for text in chosen.values()):
            raise ValidationError(_("请为每个退回的指标写明原因。"))
        indicators = {i.pk: i for i in Indicator.objects.filter(sheet=record.sheet, pk__in=chosen)}
        if len(indicators) != len(chosen):
            raise ValidationError(_("退回的指标不属于这张目标表。"))
        ReturnNote.objects.bulk_create(
            ReturnNote(**subject, indicator=indicators[pk], message=text, created_by=_user(actor))
            for pk, text in chosen.items()
        )
        names = "、".join(indicators[pk].name for pk in chosen)
        summary = _("退回指标：%(names)s") % {"names": names}
    else:
        ReturnNote.objects.create(**subject, message=message, created_by=_user(actor))
        summary = message
    record.status = ReviewStatus.RETURNED
    record.reviewed_at, record.reviewed_by = timezone.now(), _user(actor)
    _save(record, actor=actor, reason=summary, fields=["status", "reviewed_at", "reviewed_by"])
    audit_record(
        actor=actor,
        action=f"{_kind(record)}.return",
        subject=record,
        changes={"reason": summary, "indicators": sorted(chosen)},
    )
    return record


@transaction.atomic
def submission_reopen(*, record, reason: str, actor):
    """An approved record is opened again for correction, as a whole, with the supervisor's reason."""
    record = _locked(record)
    _supervisor(actor, record)
    if record.status != ReviewStatus.APPROVED:
        raise ValidationError(_("只有已审核通过的内容需要重新打开。"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("重新打开必须写明理由。"))
    ReturnNote.objects.create(**{note_subject_field(record): record}, message=reason, created_by=_user(actor))
    record.status = ReviewStatus.RETURNED
    record.reviewed_at, record.reviewed_by = timezone.now(), _user(actor)
    _save(record, actor=actor, reason=reason, fields=["status", "reviewed_at", "reviewed_by"])
    audit_record(actor=actor, action=f"{_kind(record)}.reopen", subject=record, changes={"reason": reason})
    return record


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None
