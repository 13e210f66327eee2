from django.urls import path

from . import views

app_name = "reminders"

urlpatterns = [
    path("", views.NotificationsView.as_view(), name="notifications"),
    path("read/", views.MarkReadView.as_view(), name="read_all"),
    path("<int:pk>/read/", views.MarkReadView.as_view(), name="read"),
]
