from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from targets.importing.jobs import disclosure_uploads_time_out


class Command(BaseCommand):
    help = _("定时任务：把排队或处理中超过时限仍无进展的公开文件上传标记为“处理超时”，以便重新处理。")

    def handle(self, *args, **options):
        count = disclosure_uploads_time_out()
        self.stdout.write(_("%(n)d 个上传处理超时。") % {"n": count})
