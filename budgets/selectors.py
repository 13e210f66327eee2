"""Reads, scoped to what a user may see. Staff see their own departments; a supervisor also sees
every department below theirs; a superuser sees everything; anybody else sees nothing."""

from decimal import Decimal

from django.db.models import Count, DecimalField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from .models import (
    BudgetLine,
    BudgetTable,
    Department,
    ExecutionRecord,
    Funding,
    FundingPeriod,
    Membership,
    Project,
    SourceDocument,
)
from .money import MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS

MONEY = DecimalField(max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES)


MEMBERSHIP_CACHE = "_department_memberships"


def memberships_of(user) -> list[Membership]:
    """The user's memberships, read once per user object (a request's user lives for one request;
    the membership services drop the cached list when they change it)."""
    cached = getattr(user, MEMBERSHIP_CACHE, None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user).select_related("department"))
        setattr(user, MEMBERSHIP_CACHE, cached)
    return cached


def department_scope(user, *, prefix: str = "", roles: tuple[str, ...] | None = None) -> Q:
    """A filter on `{prefix}` (a Department relation, or "" for Department itself) for `user`."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Q(pk__in=[])
    if user.is_superuser:
        return Q()
    lookup = f"{prefix}__" if prefix else ""
    memberships = [m for m in memberships_of(user) if roles is None or m.role in roles]
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


def budget_tables_for(user, *, department, year):
    return (
        BudgetTable.objects.filter(department_scope(user, prefix="department"), department=department, year=year)
        .select_related("department", "source_document")
        .annotate(coded_rows=Count("lines", filter=Q(lines__is_total=False) & ~Q(lines__code="")))
        .order_by("order")
    )


def budget_years_for(user, *, search: str = ""):
    """Each department and year with budget tables, with how many. Grouped and ordered along the
    (department, year, kind) index read backwards, so a page of them is read without grouping
    every table first."""
    return (
        _budget_tables_seen(user, search)
        .values("department_id", "year")
        .annotate(tables=Count("id"))
        .values("department__code", "department__name", "department_id", "year", "tables")
        .order_by("-department_id", "-year")
    )


def budget_year_keys_for(user, *, search: str = ""):
    """The departments and years of budget_years_for alone, as many rows: what its pages are
    counted on, without joining departments or counting tables."""
    return _budget_tables_seen(user, search).values("department_id", "year").distinct()


def _budget_tables_seen(user, search: str):
    tables = BudgetTable.objects.filter(department_scope(user, prefix="department"))
    if search:
        tables = tables.filter(department__name__icontains=search)
    return tables


def budget_lines_for(user, *, table_id):
    return BudgetLine.objects.filter(department_scope(user, prefix="table__department"), table_id=table_id).order_by(
        "order"
    )


def project_execution_for(user, *, department, year, through_month: int = 12):
    """Projects with their full-year budget and spending to date, in one query."""
    spent = (
        ExecutionRecord.objects.filter(project=OuterRef("pk"), month__lte=through_month)
        .values("project")
        .annotate(total=Sum("spent"))
        .values("total")
    )
    annual = Funding.objects.filter(project=OuterRef("pk"), period=FundingPeriod.ANNUAL).values("total")[:1]
    return (
        Project.objects.filter(department_scope(user, prefix="department"), department=department, year=year)
        .annotate(
            spent_to_date=Coalesce(Subquery(spent), Value(Decimal(0)), output_field=DecimalField()),
            full_year_budget=Coalesce(
                "budget_adjustment__full_year_budget", Subquery(annual), output_field=DecimalField()
            ),
        )
        .order_by("name")
    )
