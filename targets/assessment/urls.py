from django.urls import path

from . import views

app_name = "assessment"

urlpatterns = [
    path("<int:pk>/", views.EvaluationEntryView.as_view(), name="entry"),
]
