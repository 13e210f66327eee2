from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    """django.contrib.admin whose default site admits department members only (config/admin.py)."""

    default_site = "config.admin.MemberAdminSite"
