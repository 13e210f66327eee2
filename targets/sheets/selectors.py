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


def current_sheets_for(user) -> QuerySet[TargetSheet]:
    """The current version of every sheet the user may see, for the sheet list."""
    return target_sheets_for(user).filter(is_current=True)


def sheet_indicators(sheet: TargetSheet) -> list[Indicator]:
    return list(sheet.indicators.order_by("order"))
