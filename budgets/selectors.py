"""Reads, scoped to what a user may see. Staff see their own departments; a supervisor also sees
every department below theirs; a superuser sees everything; anybody else sees nothing."""

from django.db.models import Q, QuerySet

from .models import Department, Membership, Project, SourceDocument


def department_scope(user, *, prefix: str = "", roles: tuple[str, ...] | None = None) -> Q:
    """A filter on `{prefix}` (a Department relation, or "" for Department itself) for `user`."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Q(pk__in=[])
    if user.is_superuser:
        return Q()
    lookup = f"{prefix}__" if prefix else ""
    memberships = Membership.objects.filter(user=user).select_related("department")
    if roles is not None:
        memberships = memberships.filter(role__in=roles)
    condition = Q(pk__in=[])
    for membership in memberships:
        if membership.role == Membership.Role.SUPERVISOR:
            condition |= Q(**{f"{lookup}path__startswith": membership.department.path})
        else:
            condition |= Q(**{f"{lookup}pk": membership.department_id})
    return condition


def departments_for(user) -> QuerySet[Department]:
    return Department.objects.filter(department_scope(user)).select_related("parent")


def supervised_departments_for(user) -> QuerySet[Department]:
    return Department.objects.filter(department_scope(user, roles=(Membership.Role.SUPERVISOR,)))


def user_can_see_department(user, department: Department) -> bool:
    return departments_for(user).filter(pk=department.pk).exists()


def user_supervises_department(user, department: Department) -> bool:
    return supervised_departments_for(user).filter(pk=department.pk).exists()


def projects_for(user) -> QuerySet[Project]:
    return (
        Project.objects.filter(department_scope(user, prefix="department"))
        .select_related("department", "source_document")
        .prefetch_related("fundings")
    )


def source_documents_for(user) -> QuerySet[SourceDocument]:
    return SourceDocument.objects.filter(department_scope(user, prefix="department")).select_related(
        "department", "imported_by"
    )
