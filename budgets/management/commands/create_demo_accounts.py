from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from budgets.demo import demo_data_ensure


class Command(BaseCommand):
    help = _("创建演示部门和演示账号（可重复执行）。")

    def handle(self, *args, **options):
        accounts = demo_data_ensure(actor=None)
        self.stdout.write(_("演示账号（`make run` 启动后显示登录地址）："))
        for account in accounts:
            self.stdout.write(f"  {account.username:<12} {account.password:<16} {account.description}")
