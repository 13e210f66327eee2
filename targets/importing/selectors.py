from budgets.selectors import department_scope

from ..models import DisclosureImport


def disclosure_imports_for(user):
    """Uploads of the departments `user` may see (a superuser: all, including those without one)."""
    return DisclosureImport.objects.filter(department_scope(user, prefix="department")).select_related(
        "department", "created_by", "source_document"
    )
