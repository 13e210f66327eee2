from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.ReportIndexView.as_view(), name="index"),
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path("evaluations/<int:pk>/", views.ProjectReportView.as_view(), name="project"),
    path("departments/<str:code>/<int:year>/", views.DepartmentReportView.as_view(), name="department"),
    path("departments/<str:code>/monitoring/<int:period>/", views.MonitoringReportView.as_view(), name="monitoring"),
    path("builds/new/", views.BuildCreateView.as_view(), name="build_create"),
    path("builds/<int:pk>/", views.BuildDetailView.as_view(), name="build"),
    path("builds/<int:pk>/progress/", views.BuildProgressView.as_view(), name="build_progress"),
    path("files/<int:pk>/", views.DownloadView.as_view(), name="download"),
]
