"""How the reminders' audit entries read (registered with budgets.audit in TargetsConfig.ready)."""

from django.utils.translation import gettext_lazy as _

EVENTS = {
    "reminder_rule.update": _("修改了“{object}”"),
    "reminder_mutes.set": _("修改了提醒设置，不再接收：{muted}"),
    "reminder_delivery.retry": _("重新发送了提醒邮件“{object}”（上次失败原因：{error}）"),
}
