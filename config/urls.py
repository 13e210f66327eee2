from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from .health import healthz

admin.site.site_header = settings.ADMIN_SITE_HEADER
admin.site.site_title = settings.ADMIN_SITE_HEADER
admin.site.index_title = settings.ADMIN_SITE_HEADER
admin.site.site_url = "/"

urlpatterns = [
    path("", include("targets.workspace.urls")),
    path("evaluations/", include("targets.assessment.urls")),
    path("monitoring/", include("targets.monitoring.urls")),
    path("sheets/", include("targets.sheets.urls")),
    path("notifications/", include("targets.reminders.urls")),
    path("imports/", include("targets.importing.urls")),
    path("reports/", include("targets.reports.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("budgets/", include("budgets.urls")),
]
