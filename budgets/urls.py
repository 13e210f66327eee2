from django.urls import path

from . import views

app_name = "budgets"

urlpatterns = [
    path("", views.BudgetIndexView.as_view(), name="index"),
    path("tables/<int:pk>/", views.BudgetTableView.as_view(), name="table"),
    path("documents/<int:pk>/file/", views.SourceDocumentFileView.as_view(), name="source_document_file"),
    path("<str:code>/<int:year>/", views.DepartmentBudgetView.as_view(), name="department"),
]
