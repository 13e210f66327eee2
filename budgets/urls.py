from django.urls import path

from . import views

app_name = "budgets"

urlpatterns = [
    path("", views.BudgetIndexView.as_view(), name="index"),
    path("tables/<int:pk>/", views.BudgetTableView.as_view(), name="table"),
    path("<str:code>/<int:year>/", views.DepartmentBudgetView.as_view(), name="department"),
]
