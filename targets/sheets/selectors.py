from django.db.models import QuerySet

from budgets.selectors import department_scope

from ..models import Indicator, TargetSheet


def target_sheets_for(user) -> QuerySet[TargetSheet]:
    return TargetSheet.objects.filter(department_scope(user, prefix="department")).select_related(
        "department", "project", "source_document"
    )


def indicators_for(user) -> QuerySet[Indicator]:
    return Indicator.objects.filter(department_scope(user, prefix="sheet__department")).select_related(
        "sheet", "sheet__department", "sheet__project"
    )
