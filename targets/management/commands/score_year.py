from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from targets.assessment.rescoring import evaluations_rescore_year


class Command(BaseCommand):
    help = _("按各自的评分规则版本重新计算某一年度全部绩效自评的得分（可重复执行，结果相同）。")

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help=_("年度"))

    def handle(self, *args, year, **options):
        def progress(done, total):
            self.stdout.write(_("已计算 %(done)d / %(total)d 条") % {"done": done, "total": total})

        counts = evaluations_rescore_year(year=year, progress=progress)
        self.stdout.write(_("完成：%(e)d 份自评，%(r)d 条指标") % {"e": counts["evaluations"], "r": counts["results"]})
