"""Uploaded disclosures in the admin: upload → preview → confirm → import (in Celery when large).

Each step is a service; the Celery tasks only call `disclosure_upload_preview_run` and
`disclosure_upload_run` with the job id, and both are safe to run twice.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from budgets.audit import audit_record
from budgets.selectors import user_can_see_department

from ..models import DisclosureImport
from .services import DisclosureImportError, disclosure_apply, disclosure_prepare

Status = DisclosureImport.Status


def runs_in_background(job: DisclosureImport) -> bool:
    return job.file.size > settings.IMPORT_SYNC_MAX_BYTES


@transaction.atomic
def disclosure_upload_create(*, uploaded_file, department, year: int | None, actor) -> DisclosureImport:
    if department is None and not actor.is_superuser:
        raise ValidationError(_("请选择部门。"))
    if department is not None and not user_can_see_department(actor, department):
        raise PermissionDenied(_("您无权为该部门导入公开文件。"))
    if uploaded_file.size > settings.IMPORT_MAX_BYTES:
        raise ValidationError(_("文件“%(name)s”超过上传大小限制。") % {"name": uploaded_file.name})
    job = DisclosureImport(original_name=uploaded_file.name[:255], department=department, year=year, created_by=actor)
    job.file.save(uploaded_file.name, uploaded_file, save=False)
    job.full_clean()
    job.save()
    audit_record(actor=actor, action="disclosure_upload.create", subject=job)
    transaction.on_commit(lambda: _start_preview(job))
    return job


def _start_preview(job: DisclosureImport) -> None:
    if runs_in_background(job):
        from ..tasks import preview_disclosure_upload

        preview_disclosure_upload.delay(job.pk)
    else:
        disclosure_upload_preview_run(job_id=job.pk)


def _progress_saver(job: DisclosureImport):
    def save(percent: int, message: str) -> None:
        DisclosureImport.objects.filter(pk=job.pk).update(progress=percent, message=message)

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
        )
    except DisclosureImportError as exc:
        return _finish(job, status=Status.FAILED, message=str(exc))
    job.preview = result.report()
    job.department = job.department or result.department
    job.year = job.year or result.year
    return _finish(job, status=Status.PREVIEWED, message=_("预览完成，请确认后导入。"), done=False)


@transaction.atomic
def disclosure_upload_confirm(*, job: DisclosureImport, actor) -> DisclosureImport:
    job = DisclosureImport.objects.select_for_update().get(pk=job.pk)
    if job.department is not None and not user_can_see_department(actor, job.department):
        raise PermissionDenied(_("您无权为该部门导入公开文件。"))
    if job.status != Status.PREVIEWED:
        raise ValidationError(
            _("只有预览完成的文件可以确认导入（当前状态：%(s)s）。") % {"s": job.get_status_display()}
        )
    job.status, job.progress, job.message = Status.QUEUED, 0, _("已确认，等待导入。")
    job.save(update_fields=["status", "progress", "message"])
    audit_record(actor=actor, action="disclosure_upload.confirm", subject=job)
    actor_id = actor.pk

    def start():
        if runs_in_background(job):
            from ..tasks import run_disclosure_upload

            run_disclosure_upload.delay(job.pk, actor_id)
        else:
            disclosure_upload_run(job_id=job.pk, actor_id=actor_id)

    transaction.on_commit(start)
    return job


def disclosure_upload_run(*, job_id: int, actor_id: int | None) -> DisclosureImport:
    from django.contrib.auth import get_user_model

    with transaction.atomic():
        job = DisclosureImport.objects.select_for_update().get(pk=job_id)
        if job.status != Status.QUEUED:
            return job  # running or finished elsewhere: running twice changes nothing
        job.status = Status.RUNNING
        job.save(update_fields=["status"])
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
        )
        _progress_saver(job)(80, _("写入数据"))
        disclosure_apply(result=result, content=content, actor=actor)
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
