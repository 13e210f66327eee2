"""The admin site: open to superusers and to active staff users with a department membership.

Anybody else who is signed in (a staff flag without a membership, a membership since revoked) gets
the Chinese 403 page on every admin URL instead of the admin's login form; anonymous visitors are
sent to the login page as usual.
"""

from functools import wraps

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext as _

from budgets.selectors import memberships_of


def is_member(user) -> bool:
    return bool(memberships_of(user))  # read once per request, shared with the department scope


class MemberAdminSite(admin.AdminSite):
    def has_permission(self, request):
        user = request.user
        if not (user.is_active and user.is_staff):
            return False
        return user.is_superuser or is_member(user)

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        @wraps(view)
        def members_only(request, *args, **kwargs):
            if (
                request.user.is_authenticated
                and not self.has_permission(request)
                and request.path != reverse("admin:logout", current_app=self.name)
            ):
                raise PermissionDenied(_("您不是任何部门的成员，无权使用管理后台。如需开通，请联系系统管理员。"))
            return inner(request, *args, **kwargs)

        return members_only
