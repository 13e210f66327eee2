from django.urls import path

from . import views

app_name = "importing"

urlpatterns = [
    path("", views.UploadListView.as_view(), name="list"),
    path("new/", views.UploadCreateView.as_view(), name="new"),
    path("<int:pk>/", views.UploadDetailView.as_view(), name="detail"),
    path("<int:pk>/file/", views.UploadFileView.as_view(), name="upload_file"),
]
