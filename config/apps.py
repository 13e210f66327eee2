from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    """django.contrib.admin whose default site admits department members only (config/admin.py)."""

    default_site = "config.admin.MemberAdminSite"

    def ready(self):
        super().ready()  # discovers every app's admin.py
        from django.contrib import admin

        from .admin_axes import replace_third_party_admins

        replace_third_party_admins(admin.site)
