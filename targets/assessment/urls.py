from django.urls import path

from ..history.views import TimelineView
from . import views

app_name = "assessment"

urlpatterns = [
    path("<int:pk>/", views.EvaluationEntryView.as_view(), name="entry"),
    path("<int:pk>/history/", TimelineView.as_view(kind="evaluation"), name="history"),
    path("<int:pk>/export/", views.SheetExportView.as_view(), name="sheet-export"),
    path("<int:pk>/import/", views.SheetImportView.as_view(), name="sheet-import"),
    path("evidence/<int:pk>/", views.EvidenceDownloadView.as_view(), name="evidence"),
    path("evidence/<int:pk>/remove/", views.EvidenceRemoveView.as_view(), name="evidence-remove"),
]
