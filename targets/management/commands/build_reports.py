import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils.translation import gettext as _

from budgets.models import Department
from targets.reports.models import ReportBuild, ReportKind
from targets.reports.services import report_build_run, report_builds_request, reports_schedule_due


class Command(BaseCommand):
    help = _(
        "生成评价报告（PDF 和 Excel）并存档：某年度各部门的项目自评表、部门报告和运行监控报告；"
        "--due 运行定时任务（截止日期已过、尚未生成的报告），与 Celery beat 的任务相同。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, help=_("年度"))
        parser.add_argument("--department", help=_("部门编码（默认：该年度有数据的所有部门）"))
        parser.add_argument(
            "--kind", action="append", choices=ReportKind.values, help=_("报告类型，可重复（默认：全部）")
        )
        parser.add_argument("--due", action="store_true", help=_("运行定时任务：生成截止日期已过的报告并发送邮件"))
        parser.add_argument("--today", help=_("与 --due 一起使用：按这一天运行（YYYY-MM-DD）"))

    def handle(self, *args, year=None, department=None, kind=None, due=False, today=None, **options):
        if due:
            builds = reports_schedule_due(day=self._day(today))
        elif year is None:
            raise CommandError(_("请用 --year 指定年度，或用 --due 运行定时任务。"))
        else:
            builds = self._request(year, department, kind or list(ReportKind.values))
        if not builds:
            self.stdout.write(_("没有需要生成的报告。"))
        for build in builds:
            build = report_build_run(build_id=build.pk)
            if build.status != ReportBuild.Status.DONE:
                self.stderr.write(_("%(title)s：%(message)s") % {"title": build.title, "message": build.message})
                continue
            hashes = "，".join(f"{f.get_format_display()} {f.sha256}" for f in build.files.order_by("format"))
            self.stdout.write(f"{build.department.name} · {build.title}：{hashes}")

    def _day(self, text):
        if not text:
            return None
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            raise CommandError(_("日期“%(d)s”格式不对，应为 YYYY-MM-DD。") % {"d": text}) from None

    def _request(self, year, code, kinds):
        departments = Department.objects.filter(
            Q(target_sheets__evaluations__period__year=year) | Q(target_sheets__monitoring_reports__period__year=year)
        ).distinct()
        if code:
            departments = Department.objects.filter(code=code)
            if not departments.exists():
                raise CommandError(_("没有编码为“%(c)s”的部门。") % {"c": code})
        builds = []
        for department in departments.order_by("path"):
            for kind in kinds:
                try:
                    builds += report_builds_request(
                        kind=kind, department=department, year=year, actor=None, queue=False
                    )
                except ValidationError as exc:
                    self.stderr.write(f"{department.name}：{'；'.join(exc.messages)}")
        return builds
