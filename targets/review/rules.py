"""What staff may still change in a self-evaluation or a monitoring report.

- A draft may be edited while its period's entry window (or the department's late-entry exception)
  is open.
- A returned record may be edited whatever the date: the supervisor asked for the correction. When
  it was returned for chosen indicators only, just those indicators can change; the rest, the budget
  block included, stays locked.
- A submitted record waits for review and an approved one is locked; reopening needs a supervisor.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ..models import Evaluation, MonitoringReport, ReturnNote, ReviewStatus
from ..periods.selectors import entry_closes_on, today


def note_subject_field(record) -> str:
    if isinstance(record, Evaluation):
        return "evaluation"
    if isinstance(record, MonitoringReport):
        return "monitoring_report"
    return "sheet"


def open_notes(record):
    return ReturnNote.objects.filter(**{note_subject_field(record): record}, resolved_at__isnull=True)


def returned_indicator_ids(record) -> set[int] | None:
    """Indicators a returned record may change: None means all of it (returned as a whole)."""
    if record.status != ReviewStatus.RETURNED:
        return None
    notes = list(open_notes(record).values_list("indicator_id", flat=True))
    if not notes or None in notes:
        return None
    return set(notes)


def editing_refusal(record, *, indicator_id: int | None = None, day=None, window: bool = True) -> str | None:
    """Why the record (or one of its indicators; None: the record-level fields) cannot be changed now,
    in plain Chinese, or None when it can. `window=False` leaves out the entry dates: a published
    self-evaluation document brought in later is a dated record, not typing after the deadline."""
    if record.status == ReviewStatus.SUBMITTED:
        return _("已提交，正在等待审核，不能修改。")
    if record.status == ReviewStatus.APPROVED:
        return _("已审核通过，数据已锁定；如需修改，请联系监督审核人员重新打开。")
    if record.status == ReviewStatus.RETURNED:
        allowed = returned_indicator_ids(record)
        if allowed is not None and indicator_id not in allowed:
            return _("本表仅退回了部分指标，其余内容保持锁定。")
        return None
    if not window:
        return None
    closes = entry_closes_on(record.period, record.sheet.department_id)
    day = day or today()
    if day < record.period.opens_on:
        return _("填报期尚未开始（%(d)s 开始）。") % {"d": f"{record.period.opens_on:%Y-%m-%d}"}
    if day > closes:
        return _("填报已于 %(d)s 截止；如需补报，请联系监督审核人员办理延期。") % {"d": f"{closes:%Y-%m-%d}"}
    return None


def assert_editable(record, *, indicator_id: int | None = None, window: bool = True) -> None:
    refusal = editing_refusal(record, indicator_id=indicator_id, window=window)
    if refusal:
        raise ValidationError(refusal)


def row_refusals(record, indicator_ids) -> dict:
    """editing_refusal for every row of a record, in at most two queries (not one per row)."""
    if record.status == ReviewStatus.RETURNED:
        allowed = returned_indicator_ids(record)
        partial = _("本表仅退回了部分指标，其余内容保持锁定。")
        return {pk: (None if allowed is None or pk in allowed else partial) for pk in indicator_ids}
    refusal = editing_refusal(record)
    return dict.fromkeys(indicator_ids, refusal)
