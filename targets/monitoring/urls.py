from django.urls import path

from . import views

app_name = "monitoring"

urlpatterns = [
    path("<int:pk>/", views.MonitoringEntryView.as_view(), name="entry"),
]
