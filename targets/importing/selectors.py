from budgets.models import Department, Membership
from budgets.selectors import department_scope

from ..models import DisclosureImport


def disclosure_imports_for(user):
    """Uploads of the departments `user` may see (a superuser: all, including those without one)."""
    return DisclosureImport.objects.filter(department_scope(user, prefix="department")).select_related(
        "department", "created_by", "source_document"
    )


def import_departments_for(user):
    """Departments `user` may import disclosures into: those where they are finance staff (a
    superuser: all). Supervisors review imports; they do not make them."""
    return Department.objects.filter(department_scope(user, roles=(Membership.Role.STAFF,)))
