"""Evidence files (佐证材料) for a reported indicator: PDF, images, Word and Excel files, limited in
size and checked by their content, not their name (an .exe renamed .pdf is refused)."""

import hashlib
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from budgets.audit import audit_record
from budgets.readers import DisclosureReadError, check_office_container
from budgets.selectors import user_can_see_department

from ..models import Evidence, IndicatorResult, MonitoringEntry
from ..review.rules import assert_editable

SIGNATURES = {  # suffix → (leading bytes, what people call it)
    ".pdf": (b"%PDF-", "PDF"),
    ".png": (b"\x89PNG\r\n\x1a\n", "PNG 图片"),
    ".jpg": (b"\xff\xd8\xff", "JPEG 图片"),
    ".jpeg": (b"\xff\xd8\xff", "JPEG 图片"),
    ".docx": (b"PK\x03\x04", "Word 文档"),
    ".xlsx": (b"PK\x03\x04", "Excel 表格"),
}
OFFICE_KINDS = {".docx": "docx", ".xlsx": "xlsx"}


def evidence_limit() -> int:
    return int(getattr(settings, "EVIDENCE_MAX_BYTES", 20 * 1024 * 1024))


def vet_evidence(uploaded_file) -> bytes:
    """The file's bytes if it is an allowed kind within the limits; a Chinese refusal naming the file
    otherwise."""
    name = Path(uploaded_file.name or "").name
    suffix = Path(name).suffix.lower()
    if suffix not in SIGNATURES:
        raise ValidationError(
            _("文件“%(n)s”的类型不支持：佐证材料可以是 PDF、PNG/JPEG 图片、Word（.docx）或 Excel（.xlsx）。")
            % {"n": name}
        )
    limit = evidence_limit()
    if uploaded_file.size > limit:
        raise ValidationError(_("文件“%(n)s”超过 %(mb)d MB 的上限。") % {"n": name, "mb": limit // (1024 * 1024)})
    content = uploaded_file.read(limit + 1)
    if len(content) > limit:
        raise ValidationError(_("文件“%(n)s”超过 %(mb)d MB 的上限。") % {"n": name, "mb": limit // (1024 * 1024)})
    signature, kind = SIGNATURES[suffix]
    if not content.startswith(signature):
        raise ValidationError(_("文件“%(n)s”的内容不是有效的%(k)s，请检查后重新上传。") % {"n": name, "k": kind})
    if suffix in OFFICE_KINDS:
        try:
            check_office_container(content, name, expected=OFFICE_KINDS[suffix])
        except DisclosureReadError as exc:
            raise ValidationError(str(exc)) from None
    return content


def _subject(result, entry):
    record = result.evaluation if result is not None else entry.report
    indicator_id = result.indicator_id if result is not None else entry.indicator_id
    return record, indicator_id


def evidence_add(*, uploaded_file, actor, result: IndicatorResult | None = None, entry: MonitoringEntry | None = None):
    """Store the file, then its row in a transaction of its own; if the row cannot be written the
    stored file is deleted again (call it outside any larger transaction)."""
    if (result is None) == (entry is None):
        raise ValidationError(_("佐证材料必须属于一条指标。"))
    record, indicator_id = _subject(result, entry)
    if not user_can_see_department(actor, record.sheet.department):
        raise PermissionDenied(_("您无权为该部门上传佐证材料。"))
    content = vet_evidence(uploaded_file)
    name = Path(uploaded_file.name).name[:255]
    evidence = Evidence(
        result=result,
        entry=entry,
        original_name=name,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    evidence.file.save(name, ContentFile(content), save=False)
    try:
        with transaction.atomic():
            type(record).objects.select_for_update().get(pk=record.pk)
            assert_editable(record, indicator_id=indicator_id)
            evidence.full_clean()
            evidence.save()
            audit_record(actor=actor, action="evidence.add", subject=evidence, changes={"name": name})
    except BaseException:
        evidence.file.storage.delete(evidence.file.name)
        raise
    return evidence


@transaction.atomic
def evidence_remove(*, evidence: Evidence, actor) -> None:
    evidence = Evidence.objects.select_related("result__evaluation__sheet", "entry__report__sheet").get(pk=evidence.pk)
    record, indicator_id = _subject(evidence.result, evidence.entry)
    if not user_can_see_department(actor, record.sheet.department):
        raise PermissionDenied(_("您无权删除该部门的佐证材料。"))
    assert_editable(record, indicator_id=indicator_id)
    audit_record(actor=actor, action="evidence.remove", subject=evidence, changes={"name": evidence.original_name})
    stored = evidence.file.name
    evidence.delete()
    transaction.on_commit(lambda: evidence.file.storage.delete(stored))
