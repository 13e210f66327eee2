from django.urls import path

from ..history.views import TimelineView
from . import views

app_name = "monitoring"

urlpatterns = [
    path("<int:pk>/", views.MonitoringEntryView.as_view(), name="entry"),
    path("<int:pk>/history/", TimelineView.as_view(kind="monitoring"), name="history"),
]
