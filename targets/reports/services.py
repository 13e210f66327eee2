"""Building reports: request (on demand or on schedule), build in the background with progress, store
the files once with their SHA-256 and the snapshot they came from, and e-mail them to the
department's supervisors.

A build is idempotent: running it again after it finished changes nothing, and two workers that
pick up the same build (a redelivered task) end with one set of files. Files are content-addressed,
so the same data built twice is the same file.
"""

import datetime
import hashlib
import logging
import re

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from budgets.audit import audit_record, register_events
from budgets.models import Department, Membership
from budgets.selectors import user_can_see_department

from ..models import Evaluation, MonitoringReport, ReportingPeriod
from .events import EVENTS
from .excel import render_xlsx
from .models import ReportBuild, ReportFile, ReportKind
from .pdf import PdfUnavailable, render_pdf
from .snapshots import as_of_moment, build_snapshot, snapshot_sha256

logger = logging.getLogger(__name__)
register_events(EVENTS)

Status = ReportBuild.Status
DUE_WINDOW = datetime.timedelta(days=400)  # scheduled builds look back this far for deadlines passed
RENDERERS = ((ReportFile.Format.PDF, render_pdf), (ReportFile.Format.XLSX, render_xlsx))
_UNSAFE_FILENAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def build_title(*, kind: str, year: int, period: ReportingPeriod | None, evaluation: Evaluation | None) -> str:
    if kind == ReportKind.PROJECT:
        sheet = evaluation.sheet
        subject = sheet.project.name if sheet.project_id else (sheet.title or sheet.department.name)
        return _("%(subject)s · %(year)d年绩效自评表") % {"subject": subject, "year": year}
    if kind == ReportKind.MONITORING:
        return _("%(year)d年绩效运行监控报告（截至 %(d)s）") % {"year": year, "d": f"{period.cut_off_date:%Y-%m-%d}"}
    return _("%(year)d年度部门绩效评价报告") % {"year": year}


def _validate(*, kind: str, department: Department, year: int, period, evaluation) -> None:
    if kind not in ReportKind.values:
        raise ValidationError(_("请选择报告类型。"))
    if kind == ReportKind.PROJECT:
        if evaluation is None:
            raise ValidationError(_("请选择要生成自评表的项目。"))
        if evaluation.sheet.department_id != department.pk or evaluation.period.year != year:
            raise ValidationError(_("所选绩效自评不属于该部门或该年度。"))
    if kind == ReportKind.MONITORING:
        if period is None or period.kind != ReportingPeriod.Kind.MONITORING:
            raise ValidationError(_("请选择一轮绩效运行监控。"))
        if period.year != year:
            raise ValidationError(_("所选监控轮次不属于该年度。"))


def _targets(*, kind: str, department: Department, year: int, period=None, evaluation=None) -> list[dict]:
    """What to build: one project report per evaluation when none is named, one monitoring report per
    round of the year when none is named."""
    if kind == ReportKind.PROJECT and evaluation is None:
        evaluations = (
            Evaluation.objects.filter(sheet__department=department, sheet__is_current=True, period__year=year)
            .filter(period__kind=ReportingPeriod.Kind.SELF_EVALUATION)
            .select_related("sheet__project", "sheet__department", "period")
            .order_by("sheet__project__name", "sheet__title", "pk")
        )
        return [{"evaluation": e, "period": e.period} for e in evaluations]
    if kind == ReportKind.MONITORING and period is None:
        rounds = ReportingPeriod.objects.filter(
            kind=ReportingPeriod.Kind.MONITORING,
            year=year,
            pk__in=MonitoringReport.objects.filter(sheet__department=department).values("period_id"),
        ).order_by("cut_off_date")
        return [{"period": p, "evaluation": None} for p in rounds]
    if kind == ReportKind.PROJECT:
        period = evaluation.period
    elif kind == ReportKind.DEPARTMENT and period is not None and period.kind != ReportingPeriod.Kind.SELF_EVALUATION:
        period = None  # a department report covers the year; only its self-evaluation period is kept
    return [{"period": period, "evaluation": evaluation}]


def _create(
    *,
    kind,
    department,
    year,
    actor,
    period=None,
    evaluation=None,
    notify=False,
    trigger=ReportBuild.Trigger.ON_DEMAND,
    schedule_key: str = "",
) -> ReportBuild:
    _validate(kind=kind, department=department, year=year, period=period, evaluation=evaluation)
    build = ReportBuild(
        kind=kind,
        department=department,
        year=year,
        period=period,
        evaluation=evaluation,
        trigger=trigger,
        schedule_key=schedule_key,
        notify_supervisors=notify,
        title=build_title(kind=kind, year=year, period=period, evaluation=evaluation)[:300],
        requested_by=_user(actor),
        message=_("等待生成"),
    )
    build.full_clean(exclude=["snapshot"])
    build.save()
    audit_record(actor=actor, action="report.request", subject=build)
    return build


def _enqueue(build_ids: list[int]) -> None:
    from .tasks import build_report

    for build_id in build_ids:
        build_report.delay(build_id)


@transaction.atomic
def report_builds_request(
    *,
    kind: str,
    department: Department,
    year: int,
    actor,
    period=None,
    evaluation=None,
    notify: bool = False,
    queue: bool = True,
) -> list[ReportBuild]:
    """Ask for reports to be built in the background (Celery; `queue=False` leaves running them to
    the caller); returns the builds. Anyone who may see the department may ask; `actor=None` is the
    system (commands)."""
    if actor is not None and not user_can_see_department(actor, department):
        raise PermissionDenied(_("您无权生成该部门的报告。"))
    targets = _targets(kind=kind, department=department, year=year, period=period, evaluation=evaluation)
    if not targets:
        raise ValidationError(_("该部门在 %(year)d 年没有可生成此类报告的数据。") % {"year": year})
    builds = [
        _create(kind=kind, department=department, year=year, actor=actor, notify=notify, **target) for target in targets
    ]
    if queue:
        transaction.on_commit(lambda: _enqueue([build.pk for build in builds]))
    return builds


def _progress(build: ReportBuild, percent: int, message: str) -> None:
    ReportBuild.objects.filter(pk=build.pk).update(progress=percent, message=message)


def download_name(build: ReportBuild, extension: str) -> str:
    name = _UNSAFE_FILENAME.sub("_", f"{build.department.name}-{build.title}").replace(" · ", "-").strip()
    return f"{name[:200]}.{extension}"


def _store(content: bytes, *, year: int, extension: str) -> tuple[str, str]:
    digest = hashlib.sha256(content).hexdigest()
    name = f"{year}/{digest[:2]}/{digest}.{extension}"
    storage = ReportFile._meta.get_field("file").storage
    if not storage.exists(name):
        name = storage.save(name, ContentFile(content))
    return name, digest


def _claim(build_id: int) -> ReportBuild | None:
    """Mark the build running; None when it is already done."""
    with transaction.atomic():
        build = ReportBuild.objects.select_for_update().select_related("department").get(pk=build_id)
        if build.status == Status.DONE:
            return None
        build.status, build.progress, build.message = Status.RUNNING, 5, _("正在读取数据")
        build.save(update_fields=["status", "progress", "message"])
    return build


def _fail(build: ReportBuild, message: str) -> ReportBuild:
    ReportBuild.objects.filter(pk=build.pk).exclude(status=Status.DONE).update(
        status=Status.FAILED, message=message, finished_at=timezone.now()
    )
    build.refresh_from_db()
    return build


def report_build_run(*, build_id: int) -> ReportBuild:
    """Build the snapshot, the PDF and the Excel file of a queued build and store them; then e-mail
    them when asked to. Safe to run twice."""
    build = _claim(build_id)
    if build is not None:
        try:
            snapshot = build_snapshot(build)
            rendered = []
            for step, (fmt, renderer) in enumerate(RENDERERS):
                _progress(build, 30 + 30 * step, _("正在生成 %(f)s") % {"f": ReportFile.Format(fmt).label})
                rendered.append((fmt, renderer(snapshot)))
        except PdfUnavailable as exc:
            return _fail(build, str(exc))
        except Exception:
            logger.exception("report build %s failed", build_id)
            _fail(build, _("生成失败，系统将自动重试；如仍失败请联系系统管理员。"))
            raise
        _finish(build, snapshot, rendered)
    build = ReportBuild.objects.get(pk=build_id)
    if build.notify_supervisors and build.emailed_at is None and build.status == Status.DONE:
        report_build_notify(build_id=build.pk)
        build.refresh_from_db()
    return build


@transaction.atomic
def _finish(build: ReportBuild, snapshot: dict, rendered: list[tuple[str, bytes]]) -> None:
    build = ReportBuild.objects.select_for_update().select_related("department").get(pk=build.pk)
    if build.status == Status.DONE:
        return  # another worker finished the same build first
    for fmt, content in rendered:
        name, digest = _store(content, year=build.year, extension=fmt)
        ReportFile.objects.create(
            build=build, format=fmt, file=name, name=download_name(build, fmt), sha256=digest, size=len(content)
        )
    build.snapshot, build.snapshot_sha256 = snapshot, snapshot_sha256(snapshot)
    build.data_as_of = as_of_moment(snapshot)
    build.status, build.progress, build.message = Status.DONE, 100, ""
    build.finished_at = timezone.now()
    build.save()
    audit_record(actor=None, action="report.build", subject=build, changes={"snapshot": build.snapshot_sha256})


def department_supervisors(department: Department) -> list:
    """Active users who supervise the department: a supervisor membership of it or of a department
    above it."""
    codes = [code for code in department.path.strip("/").split("/") if code]
    prefixes = ["/" + "/".join(codes[: index + 1]) + "/" for index in range(len(codes))]
    memberships = Membership.objects.filter(
        role=Membership.Role.SUPERVISOR, department__path__in=prefixes, user__is_active=True
    ).select_related("user")
    users = {membership.user.pk: membership.user for membership in memberships}
    return sorted(users.values(), key=lambda user: user.username)


def _email(build: ReportBuild, recipients: list[str]) -> EmailMessage:
    files = list(build.files.order_by("format"))
    lines = [
        _("%(department)s：%(title)s 已生成。") % {"department": build.department.name, "title": build.title},
        _("数据截至 %(d)s。") % {"d": f"{timezone.localtime(build.data_as_of):%Y-%m-%d %H:%M}"},
    ]
    snapshot = build.snapshot
    if build.kind == ReportKind.PROJECT and snapshot.get("total"):
        lines.append(_("总分 %(t)s，等级 %(g)s。") % {"t": snapshot["total"], "g": snapshot["grade"]})
    elif build.kind == ReportKind.DEPARTMENT:
        summary = snapshot["summary"]
        lines.append(
            _("参评项目 %(n)d 个，平均得分 %(a)s。") % {"n": summary["projects"], "a": summary["average"] or "—"}
        )
    attach = sum(f.size for f in files) <= settings.REPORTS_EMAIL_ATTACH_MAX_BYTES
    for report_file in files:
        line = f"{report_file.get_format_display()}：{report_file.name}（SHA-256 {report_file.sha256}）"
        if settings.SITE_URL:
            line += f" {settings.SITE_URL}{reverse('reports:download', args=[report_file.pk])}"
        lines.append(line)
    if not attach:
        lines.append(_("文件较大，未作为附件发送，请登录系统下载。"))
    message = EmailMessage(
        subject=_("【绩效评价报告】%(department)s %(title)s")
        % {"department": build.department.name, "title": build.title},
        body="\n".join(lines),
        to=recipients,
    )
    if attach:
        content_types = {
            "pdf": "application/pdf",
            "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
        for report_file in files:
            with report_file.file.open("rb") as handle:
                message.attach(report_file.name, handle.read(), content_types[report_file.format])
    return message


@transaction.atomic
def report_build_notify(*, build_id: int) -> ReportBuild:
    """E-mail a finished build to the department's supervisors, once."""
    build = ReportBuild.objects.select_for_update().select_related("department").get(pk=build_id)
    if build.status != Status.DONE or build.emailed_at is not None:
        return build
    recipients = sorted({user.email for user in department_supervisors(build.department) if user.email})
    if recipients:
        _email(build, recipients).send(fail_silently=False)
    build.emailed_at, build.emailed_to = timezone.now(), ", ".join(recipients)
    build.save(update_fields=["emailed_at", "emailed_to"])
    audit_record(actor=None, action="report.email", subject=build, changes={"recipients": recipients})
    return build


def _scheduled(kind: str, department: Department, period: ReportingPeriod, evaluation=None) -> ReportBuild | None:
    key = f"{kind}:{period.pk}:{evaluation.pk if evaluation else department.pk}"
    if ReportBuild.objects.filter(schedule_key=key).exists():
        return None
    try:
        with transaction.atomic():
            return _create(
                kind=kind,
                department=department,
                year=period.year,
                actor=None,
                period=period,
                evaluation=evaluation,
                notify=True,
                trigger=ReportBuild.Trigger.SCHEDULED,
                schedule_key=key,
            )
    except IntegrityError:  # another run scheduled it meanwhile
        return None


def reports_schedule_due(*, day: datetime.date | None = None) -> list[ReportBuild]:
    """The scheduled job: the monitoring report of every department from the day after a round's
    deadline, and the year-end reports (department report and every project's 自评表) from the day
    after the self-evaluation deadline. Each is scheduled once (its schedule key); returns the new
    builds, which the caller runs or queues."""
    day = day or timezone.localdate()
    periods = ReportingPeriod.objects.filter(due_date__lt=day, due_date__gte=day - DUE_WINDOW).order_by("due_date")
    created = []
    for period in periods:
        if period.kind == ReportingPeriod.Kind.MONITORING:
            departments = Department.objects.filter(target_sheets__monitoring_reports__period=period).distinct()
            created += [_scheduled(ReportKind.MONITORING, department, period) for department in departments]
            continue
        evaluations = list(
            Evaluation.objects.filter(period=period, sheet__is_current=True)
            .select_related("sheet__department", "sheet__project", "period")
            .order_by("sheet__department__path", "sheet__project__name", "pk")
        )
        for department in sorted({e.sheet.department for e in evaluations}, key=lambda d: d.path):
            created.append(_scheduled(ReportKind.DEPARTMENT, department, period))
        created += [_scheduled(ReportKind.PROJECT, e.sheet.department, period, e) for e in evaluations]
    return [build for build in created if build is not None]


def reports_build_due(*, day: datetime.date | None = None) -> list[ReportBuild]:
    """The Celery beat job: schedule what is due and queue it (each build is its own task)."""
    builds = reports_schedule_due(day=day)
    _enqueue([build.pk for build in builds])
    return builds
