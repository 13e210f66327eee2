from django.urls import path

from . import views

app_name = "importing"

urlpatterns = [
    path("<int:pk>/file/", views.UploadFileView.as_view(), name="upload_file"),
]
