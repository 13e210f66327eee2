from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from targets.demo import reporting_demo_ensure


class Command(BaseCommand):
    help = _("演示数据：为导入的示例目标表开启一个绩效自评填报期（含填报中、已提交、已退回各一份）。可重复执行。")

    def handle(self, *args, **options):
        period = reporting_demo_ensure()
        if period is None:
            self.stdout.write(_("没有可用于演示的目标表（请先导入示例公开文件）。"))
        else:
            self.stdout.write(_("演示填报期：%(p)s，截止 %(d)s") % {"p": period, "d": f"{period.due_date:%Y-%m-%d}"})
