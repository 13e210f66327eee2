"""django-axes' admin of login attempts, fixed: its clean-up action failed (it needs a time axes sets
only during a login) and was offered to anyone who could see the list."""

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class SafeAccessAttemptAdmin(AccessAttemptAdmin):
    actions = ["cleanup_expired_attempts"]

    @admin.action(description=gettext_lazy("清理已过期的登录尝试"), permissions=["delete"])
    def cleanup_expired_attempts(self, request, queryset):
        request.axes_attempt_time = timezone.now()
        count = self.handler.clean_expired_user_attempts(request=request)
        self.message_user(request, _("已清理 %(n)d 条过期的登录尝试。") % {"n": count})


def replace_third_party_admins(site: admin.AdminSite) -> None:
    """Called once every app's admin is registered (config.apps.AdminConfig.ready)."""
    if site.is_registered(AccessAttempt):
        site.unregister(AccessAttempt)
    site.register(AccessAttempt, SafeAccessAttemptAdmin)
