"""How report events read in history pages (registered with budgets.audit by the services)."""

from django.utils.translation import gettext_lazy as _

EVENTS = {
    "report.request": _("申请生成“{object}”"),
    "report.build": _("生成了“{object}”"),
    "report.email": _("把“{object}”发送给了监督审核人员：{recipients}"),
}
