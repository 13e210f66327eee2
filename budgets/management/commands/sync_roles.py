from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from budgets.roles import role_groups_sync


class Command(BaseCommand):
    help = _("按当前版本更新“财务人员”“监督审核人员”用户组的权限（升级后运行）。")

    def handle(self, *args, **options):
        for group in role_groups_sync():
            self.stdout.write(f"{group.name}：{group.permissions.count()} 项权限")
