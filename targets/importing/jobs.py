"""Uploaded disclosures in the admin: upload → preview → confirm → import.

Each step is a service; the Celery tasks only call `disclosure_upload_preview_run` and
`disclosure_upload_run` with the job id, and both are safe to run twice. Only a small plain text
file is read within the web request; anything else is read by the worker. When the broker cannot
take the task, the job says so ("未能加入后台队列") instead of the request failing; a job that is
quiet past IMPORT_JOB_TIMEOUT_MINUTES becomes "处理超时". Both can be retried from the job's page.
"""

import logging
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from budgets.audit import audit_record
from budgets.uploads import upload_kind, vet_upload

from ..models import DisclosureImport
from .corrections import validated
from .preview import department_mismatch
from .selectors import import_departments_for
from .services import DisclosureImportError, disclosure_apply, disclosure_prepare

Status = DisclosureImport.Status
logger = logging.getLogger(__name__)
UPLOAD_KINDS = {"text", "docx", "xlsx", "pdf"}
PLAIN_TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
WAITING = (Status.UPLOADED, Status.QUEUED, Status.RUNNING)


def runs_in_background(job: DisclosureImport) -> bool:
    """Everything but a small plain text file is parsed by the worker, never in the web request."""
    small_text = (
        Path(job.original_name).suffix.lower() in PLAIN_TEXT_SUFFIXES
        and job.file.size <= settings.IMPORT_SYNC_MAX_BYTES
        and upload_kind(job.file, name=job.original_name) == "text"
    )
    return not small_text


def is_stuck(job: DisclosureImport, *, now=None) -> bool:
    """Queued or running with no sign of life for longer than the timeout."""
    if job.status not in WAITING:
        return False
    since = job.last_activity_at or job.created_at
    return since < (now or timezone.now()) - timedelta(minutes=settings.IMPORT_JOB_TIMEOUT_MINUTES)


@transaction.atomic
def disclosure_upload_create(*, uploaded_file, department, year: int | None, actor) -> DisclosureImport:
    if department is None and not actor.is_superuser:
        raise ValidationError(_("请选择部门。"))
    if department is not None and not import_departments_for(actor).filter(pk=department.pk).exists():
        raise PermissionDenied(_("只有该部门的财务人员可以导入公开文件。"))
    vet_upload(uploaded_file, kinds=UPLOAD_KINDS, max_bytes=settings.IMPORT_MAX_BYTES)
    job = DisclosureImport(
        original_name=uploaded_file.name[:255],
        department=department,
        year=year,
        created_by=actor,
        last_activity_at=timezone.now(),
    )
    job.file.save(uploaded_file.name, uploaded_file, save=False)
    job.full_clean()
    job.save()
    audit_record(actor=actor, action="disclosure_upload.create", subject=job)
    transaction.on_commit(lambda: _start_preview(job))
    return job


def _enqueue(job: DisclosureImport, task, *args) -> bool:
    """Queue `task`; when the broker cannot take it, record that on the job (which can then be
    retried from its page) rather than fail the request that asked."""
    try:
        task.delay(*args)
    except Exception:  # kombu and redis raise many kinds of connection errors; all mean "not queued"
        logger.warning("Could not queue %s for upload %s", task.name, job.pk, exc_info=True)
        DisclosureImport.objects.filter(pk=job.pk).update(
            status=Status.QUEUE_FAILED,
            message=_("未能加入后台队列：后台处理服务暂时无法连接。请稍后点击“重新处理”。"),
            last_activity_at=timezone.now(),
        )
        return False
    return True


def _start_preview(job: DisclosureImport) -> None:
    if runs_in_background(job):
        from ..tasks import preview_disclosure_upload

        _enqueue(job, preview_disclosure_upload, job.pk)
    else:
        disclosure_upload_preview_run(job_id=job.pk)


def _progress_saver(job: DisclosureImport):
    def save(percent: int, message: str) -> None:
        DisclosureImport.objects.filter(pk=job.pk).update(
            progress=percent, message=message, last_activity_at=timezone.now()
        )

    return save


def _read(job: DisclosureImport) -> bytes:
    with job.file.open("rb") as handle:
        return handle.read()


def disclosure_upload_preview_run(*, job_id: int) -> DisclosureImport:
    with transaction.atomic():
        job = DisclosureImport.objects.select_for_update().get(pk=job_id)
        if job.status != Status.UPLOADED:
            return job  # already previewed (a task may run twice)
    try:
        result = disclosure_prepare(
            content=_read(job),
            name=job.original_name,
            department=job.department,
            year=job.year,
            dry_run=False,
            progress=_progress_saver(job),
            corrections=job.corrections,
        )
    except DisclosureImportError as exc:
        return _finish(job, status=Status.FAILED, message=str(exc))
    job.preview = {**result.report(), "readings": result.readings}
    job.department = job.department or result.department
    job.year = job.year or result.year
    return _finish(job, status=Status.PREVIEWED, message=_("预览完成，请确认后导入。"), done=False)


@transaction.atomic
def disclosure_upload_confirm(
    *, job: DisclosureImport, actor, department_confirmed: bool = False, allow_removals: bool = False
) -> DisclosureImport:
    """Queue the import of a previewed upload. A document that names another unit than the department
    it goes to is imported only when the person confirms that department. Stored indicators the
    document does not list are deleted only with `allow_removals` (the person ticked it)."""
    job = DisclosureImport.objects.select_for_update(of=("self",)).select_related("department").get(pk=job.pk)
    if not user_may_import(actor, job):
        raise PermissionDenied(_("只有该部门的财务人员可以确认导入公开文件。"))
    if job.status != Status.PREVIEWED:
        raise ValidationError(
            _("只有预览完成的文件可以确认导入（当前状态：%(s)s）。") % {"s": job.get_status_display()}
        )
    other = department_mismatch(job)
    if other and not department_confirmed:
        raise ValidationError(
            _("文件中的单位是“%(doc)s”，与所选部门“%(dept)s”不一致；确认无误请勾选确认后再导入。")
            % {"doc": other, "dept": job.department.name}
        )
    job.status, job.progress, job.message = Status.QUEUED, 0, _("已确认，等待导入。")
    job.last_activity_at = timezone.now()
    job.allow_removals = bool(allow_removals and (job.preview or {}).get("removals"))
    job.save(update_fields=["status", "progress", "message", "last_activity_at", "allow_removals"])
    audit_record(
        actor=actor, action="disclosure_upload.confirm", subject=job, changes={"allow_removals": job.allow_removals}
    )
    transaction.on_commit(lambda: _start_import(job, actor.pk))
    return job


def user_may_import(user, job: DisclosureImport) -> bool:
    """Staff of the job's department (and superusers) correct and confirm a preview; a supervisor only
    looks."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return True
    return job.department_id is not None and import_departments_for(user).filter(pk=job.department_id).exists()


@transaction.atomic
def disclosure_upload_correct(*, job: DisclosureImport, corrections: dict, actor) -> DisclosureImport:
    """Store a person's corrections of a previewed upload ({reading key: {level1, level2, level3, value,
    drop}}) and read the file again with them, so the preview shown is the corrected one; the import
    applies the same corrections. Refused, changing nothing, unless every correction is valid."""
    job = DisclosureImport.objects.select_for_update(of=("self",)).select_related("department").get(pk=job.pk)
    if not user_may_import(actor, job):
        raise PermissionDenied(_("您无权更正该部门的导入内容。"))
    if job.status != Status.PREVIEWED:
        raise ValidationError(
            _("只有预览完成、尚未确认的文件可以更正（当前状态：%(s)s）。") % {"s": job.get_status_display()}
        )
    checked, errors = validated(corrections, (job.preview or {}).get("readings") or [])
    if errors:
        raise ValidationError(errors)
    merged = dict(job.corrections or {})
    for key, correction in checked.items():
        if correction is None:
            merged.pop(key, None)
        else:
            merged[key] = correction
    if merged == (job.corrections or {}):
        return job
    job.corrections = merged
    job.preview, job.status, job.progress = {}, Status.UPLOADED, 0
    job.message = _("已保存更正，正在按更正重新生成预览。")
    job.last_activity_at = timezone.now()
    job.save(update_fields=["corrections", "preview", "status", "progress", "message", "last_activity_at"])
    audit_record(actor=actor, action="disclosure_upload.correct", subject=job, changes={"corrections": checked})
    transaction.on_commit(lambda: _start_preview(job))
    return job


def _start_import(job: DisclosureImport, actor_id: int) -> None:
    if runs_in_background(job):
        from ..tasks import run_disclosure_upload

        _enqueue(job, run_disclosure_upload, job.pk, actor_id)
    else:
        disclosure_upload_run(job_id=job.pk, actor_id=actor_id)


@transaction.atomic
def disclosure_upload_retry(*, job: DisclosureImport, actor) -> DisclosureImport:
    """Start again a job that could not be queued, or that timed out (or is stuck past the timeout):
    its preview when it never got one, else its import."""
    job = DisclosureImport.objects.select_for_update().get(pk=job.pk)
    if not user_may_import(actor, job):
        raise PermissionDenied(_("只有该部门的财务人员可以重新处理导入。"))
    if not (job.can_retry or is_stuck(job)):
        raise ValidationError(
            _("只有未能加入后台队列或处理超时的文件可以重新处理（当前状态：%(s)s）。") % {"s": job.get_status_display()}
        )
    importing = bool(job.preview)
    job.status = Status.QUEUED if importing else Status.UPLOADED
    job.progress, job.finished_at, job.last_activity_at = 0, None, timezone.now()
    job.message = _("已重新加入后台队列。")
    job.save(update_fields=["status", "progress", "message", "finished_at", "last_activity_at"])
    audit_record(actor=actor, action="disclosure_upload.retry", subject=job)
    if importing:
        transaction.on_commit(lambda: _start_import(job, actor.pk))
    else:
        transaction.on_commit(lambda: _start_preview(job))
    return job


def disclosure_uploads_time_out(*, now=None) -> int:
    """Mark every job stuck past IMPORT_JOB_TIMEOUT_MINUTES as "处理超时" (the periodic sweeper and
    `manage.py time_out_stuck_uploads`); returns how many. A job being worked on is skipped."""
    now = now or timezone.now()
    since = now - timedelta(minutes=settings.IMPORT_JOB_TIMEOUT_MINUTES)
    count = 0
    with transaction.atomic():
        stuck = (
            DisclosureImport.objects.select_for_update(skip_locked=True)
            .filter(status__in=WAITING)
            .exclude(last_activity_at__gte=since)
            .filter(created_at__lt=since)
        )
        for job in stuck:
            job.status, job.finished_at = Status.TIMED_OUT, now
            job.message = _("处理超时：后台处理超过 %(minutes)d 分钟没有进展。可以点击“重新处理”。") % {
                "minutes": settings.IMPORT_JOB_TIMEOUT_MINUTES
            }
            job.save(update_fields=["status", "message", "finished_at"])
            audit_record(actor=None, action="disclosure_upload.time_out", subject=job)
            count += 1
    return count


def disclosure_upload_run(*, job_id: int, actor_id: int | None) -> DisclosureImport:
    from django.contrib.auth import get_user_model

    with transaction.atomic():
        job = DisclosureImport.objects.select_for_update().get(pk=job_id)
        if job.status != Status.QUEUED:
            return job  # running or finished elsewhere: running twice changes nothing
        job.status, job.last_activity_at = Status.RUNNING, timezone.now()
        job.save(update_fields=["status", "last_activity_at"])
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    content = _read(job)
    try:
        result = disclosure_prepare(
            content=content,
            name=job.original_name,
            department=job.department,
            year=job.year,
            dry_run=False,
            progress=_progress_saver(job),
            corrections=job.corrections,
        )
        _progress_saver(job)(80, _("写入数据"))
        disclosure_apply(result=result, content=content, actor=actor, allow_removals=job.allow_removals)
    except DisclosureImportError as exc:
        return _finish(job, status=Status.FAILED, message=str(exc))
    job.result = {**result.counts, "report": result.report()}
    job.source_document = result.source_document
    return _finish(job, status=Status.DONE, message=_("导入完成。"))


def _finish(job: DisclosureImport, *, status: str, message: str, done: bool = True) -> DisclosureImport:
    job.status, job.message = status, message
    job.progress = 100 if done or status == Status.PREVIEWED else job.progress
    job.finished_at = timezone.now() if done else None
    job.save()
    return job
