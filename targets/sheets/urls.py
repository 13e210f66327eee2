from django.urls import path

from ..history.views import TimelineView
from . import views

app_name = "sheets"

urlpatterns = [
    path("", views.SheetListView.as_view(), name="list"),
    path("new/", views.ProjectSheetCreateView.as_view(), name="new"),
    path("<int:pk>/", views.SheetView.as_view(), name="detail"),
    path("<int:pk>/history/", TimelineView.as_view(kind="sheet"), name="history"),
    path("<int:pk>/submit/", views.SheetActionView.as_view(action="submit"), name="submit"),
    path("<int:pk>/revise/", views.SheetActionView.as_view(action="revise"), name="revise"),
    path("indicators/<int:pk>/move/", views.IndicatorMoveView.as_view(), name="move"),
]
