"""Writers for departments, memberships and projects. Each is atomic, validates, and audits."""

from django.core.exceptions import ValidationError
from django.db import transaction

from .audit import audit_record, diff_fields
from .models import Department, Funding, Membership, Project
from .money import quantize_wan
from .roles import sync_role_groups
from .selectors import MEMBERSHIP_CACHE


def _forget_memberships(user) -> None:
    user.__dict__.pop(MEMBERSHIP_CACHE, None)


def _department_path(*, code: str, parent: Department | None) -> str:
    return f"{parent.path if parent else '/'}{code}/"


@transaction.atomic
def department_create(*, code: str, name: str, level: str, parent: Department | None = None, actor) -> Department:
    department = Department(code=code.strip(), name=name.strip(), level=level, parent=parent)
    department.path = _department_path(code=department.code, parent=parent)
    department.full_clean()
    department.save()
    audit_record(actor=actor, action="department.create", subject=department, changes={"code": department.code})
    return department


@transaction.atomic
def department_update(*, department: Department, actor, **data) -> Department:
    allowed = {"code", "name", "level", "parent"}
    unknown = set(data) - allowed
    if unknown:
        raise ValidationError(f"不可修改的字段：{', '.join(sorted(unknown))}")
    department = Department.objects.select_for_update().get(pk=department.pk)
    changes = diff_fields(department, data)
    if not changes:
        return department
    old_path = department.path
    for field, value in data.items():
        setattr(department, field, value)
    department.path = _department_path(code=department.code, parent=department.parent)
    department.full_clean()
    department.save()
    if department.path != old_path:
        for child in Department.objects.filter(path__startswith=old_path).exclude(pk=department.pk):
            child.path = department.path + child.path[len(old_path) :]
            child.save(update_fields=["path"])
    audit_record(actor=actor, action="department.update", subject=department, changes=changes)
    return department


@transaction.atomic
def membership_grant(*, user, department: Department, role: str, actor) -> Membership:
    membership = Membership.objects.filter(user=user, department=department).first()
    if membership is None:
        membership = Membership(user=user, department=department, role=role)
        membership.full_clean()
        membership.save()
        audit_record(actor=actor, action="membership.grant", subject=membership, changes={"role": role})
        _forget_memberships(user)
        sync_role_groups(user)
    elif membership.role != role:
        changes = diff_fields(membership, {"role": role})
        membership.role = role
        membership.full_clean()
        membership.save(update_fields=["role"])
        audit_record(actor=actor, action="membership.change", subject=membership, changes=changes)
        _forget_memberships(user)
        sync_role_groups(user)
    return membership


@transaction.atomic
def membership_revoke(*, membership: Membership, actor) -> None:
    audit_record(actor=actor, action="membership.revoke", subject=membership, changes={"role": membership.role})
    user = membership.user
    membership.delete()
    _forget_memberships(user)
    sync_role_groups(user)


PROJECT_EDITABLE_FIELDS = {
    "name",
    "code",
    "category",
    "implementing_unit",
    "competent_department",
    "continuity",
    "responsible_person",
    "contact",
    "phone",
    "start_date",
    "end_date",
    "description",
}


@transaction.atomic
def project_update(*, project: Project, actor, **data) -> Project:
    unknown = set(data) - PROJECT_EDITABLE_FIELDS
    if unknown:
        raise ValidationError(f"不可修改的字段：{', '.join(sorted(unknown))}")
    project = Project.objects.select_for_update().get(pk=project.pk)
    changes = diff_fields(project, data)
    if not changes:
        return project
    for field, value in data.items():
        setattr(project, field, value)
    project.full_clean()
    project.save()
    audit_record(actor=actor, action="project.update", subject=project, changes=changes)
    return project


@transaction.atomic
def project_create(*, department: Department, year: int, name: str, actor, **data) -> Project:
    unknown = set(data) - PROJECT_EDITABLE_FIELDS
    if unknown:
        raise ValidationError(f"不可设置的字段：{', '.join(sorted(unknown))}")
    project = Project(department=department, year=year, name=name.strip(), **data)
    project.full_clean()
    project.save()
    audit_record(actor=actor, action="project.create", subject=project)
    return project


FUNDING_FIELDS = ("first_year", "last_year", "total", "fiscal", "carryover", "other", "source_location")


@transaction.atomic
def funding_set(*, project: Project, period: str, actor, **data) -> Funding:
    """Create or update the funds of one period of a project (amounts in 万元, rounded half-up)."""
    unknown = set(data) - set(FUNDING_FIELDS)
    if unknown:
        raise ValidationError(f"不可设置的字段：{', '.join(sorted(unknown))}")
    for field in ("total", "fiscal", "carryover", "other"):
        if data.get(field) is not None:
            data[field] = quantize_wan(data[field])
    funding = Funding.objects.select_for_update().filter(project=project, period=period).first()
    creating = funding is None
    if creating:
        funding = Funding(project=project, period=period)
    changes = diff_fields(funding, data) if not creating else {k: str(v) for k, v in data.items()}
    for field, value in data.items():
        setattr(funding, field, value)
    funding.full_clean()
    if creating or changes:
        funding.save()
        audit_record(
            actor=actor, action="funding.create" if creating else "funding.update", subject=funding, changes=changes
        )
    return funding


@transaction.atomic
def funding_delete(*, funding: Funding, actor) -> None:
    audit_record(actor=actor, action="funding.delete", subject=funding)
    funding.delete()
