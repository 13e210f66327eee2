import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from targets.models import ReportingPeriod
from targets.periods.services import reporting_periods_run


class Command(BaseCommand):
    help = _("每日任务：创建本年度和上年度的默认填报期，并为已开始的填报期准备各目标表的填报记录。")

    def add_arguments(self, parser):
        parser.add_argument("--today", help=_("按这一天运行（YYYY-MM-DD，默认今天）"))

    def handle(self, *args, today=None, **options):
        day = None
        if today:
            try:
                day = datetime.date.fromisoformat(today)
            except ValueError:
                raise CommandError(_("日期“%(d)s”格式不对，应为 YYYY-MM-DD。") % {"d": today}) from None
        opened = reporting_periods_run(day=day)
        periods = ReportingPeriod.objects.in_bulk([row["period"] for row in opened])
        if not opened:
            self.stdout.write(_("今天没有开放中的填报期。"))
        for row in opened:
            self.stdout.write(
                _("%(period)s：新准备 %(n)d 份填报记录") % {"period": periods[row["period"]], "n": row["created"]}
            )
