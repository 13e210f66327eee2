import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from targets.periods.selectors import today
from targets.reminders.messages import digest_subject, digest_text
from targets.reminders.models import ReminderKind
from targets.reminders.selectors import reminder_plan
from targets.reminders.services import reminders_run


class Command(BaseCommand):
    help = _(
        "每日任务：向有待办事项的人发送填报提醒、逾期督办和待审核提醒（每人每天每类至多一份）。"
        "--dry-run 只列出谁会收到什么，不发送。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--today", help=_("按这一天运行（YYYY-MM-DD，默认今天）"))
        parser.add_argument("--dry-run", action="store_true", help=_("只列出谁会收到什么，不生成、不发送"))

    def handle(self, *args, today=None, dry_run=False, **options):
        day = self._day(today)
        if dry_run:
            self._show(day)
            return
        result = reminders_run(day=day)
        self.stdout.write(
            _("%(day)s：新生成 %(n)d 份提醒，%(e)d 封邮件已交给发送队列（已发过的不会重发）。")
            % {"day": result["day"], "n": result["digests"], "e": result["emails_queued"]}
        )

    def _day(self, text):
        if not text:
            return today()
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            raise CommandError(_("日期“%(d)s”格式不对，应为 YYYY-MM-DD。") % {"d": text}) from None

    def _show(self, day):
        plan = reminder_plan(day)
        if not plan:
            self.stdout.write(_("%(day)s：没有需要提醒的人。") % {"day": day.isoformat()})
            return
        for digest in plan:
            items = [item.content for item in digest.items]
            address = digest.email or _("无邮箱，仅站内通知")
            self.stdout.write(
                f"→ {digest.name}（{address}）· {ReminderKind(digest.kind).label}：{digest_subject(digest.kind, items)}"
            )
            body = digest_text(kind=digest.kind, day=day, content={"items": items}, name=digest.name)
            for line in body.splitlines()[2:]:
                self.stdout.write(f"    {line}" if line else "")
        self.stdout.write(
            _("%(day)s：共 %(n)d 份提醒（演练，未生成、未发送）。") % {"day": day.isoformat(), "n": len(plan)}
        )
