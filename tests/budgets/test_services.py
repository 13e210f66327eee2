from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from budgets.models import AuditEntry, Department, Funding, FundingPeriod, Membership
from budgets.services import (
    department_create,
    department_update,
    funding_set,
    membership_grant,
    membership_revoke,
    project_create,
    project_update,
)
from tests.factories import DepartmentFactory, UserFactory


def test_department_path_follows_the_tree(parent_department, department):
    assert parent_department.path == "/CITY/"
    assert department.path == "/CITY/CITY-IT/"


def test_moving_a_department_moves_its_subtree(superuser, parent_department, department, other_department):
    child = DepartmentFactory(code="CITY-IT-1", parent=department)
    department_update(department=department, parent=other_department, actor=superuser)
    child.refresh_from_db()
    assert child.path == "/OTHER/CITY-IT/CITY-IT-1/"
    entry = AuditEntry.objects.filter(action="department.update").get()
    assert entry.actor == superuser
    assert entry.changes["parent"] == [parent_department.pk, other_department.pk]


def test_department_create_validates_and_writes_nothing_on_error(superuser):
    with pytest.raises(ValidationError):
        department_create(code="A/B", name="坏编码", level=Department.Level.CITY, actor=superuser)
    assert not Department.objects.exists()
    assert not AuditEntry.objects.exists()


def test_membership_grant_gives_admin_access_and_group(department, superuser):
    user = UserFactory(username="newcomer")
    membership_grant(user=user, department=department, role=Membership.Role.STAFF, actor=superuser)
    user.refresh_from_db()
    assert user.is_staff
    assert list(user.groups.values_list("name", flat=True)) == ["财务人员"]
    assert user.has_perm("budgets.view_project")
    membership = membership_grant(user=user, department=department, role=Membership.Role.SUPERVISOR, actor=superuser)
    assert Membership.objects.get().role == Membership.Role.SUPERVISOR
    membership_revoke(membership=membership, actor=superuser)
    assert not user.groups.exists()
    assert list(AuditEntry.objects.order_by("id").values_list("action", flat=True))[-3:] == [
        "membership.grant",
        "membership.change",
        "membership.revoke",
    ]


def test_project_update_audits_changes(project, staff):
    project_update(project=project, implementing_unit="市信息中心", actor=staff)
    entry = AuditEntry.objects.get(action="project.update")
    assert entry.changes == {"implementing_unit": ["", "市信息中心"]}
    assert entry.actor == staff


def test_project_update_refuses_unknown_fields(project, staff):
    with pytest.raises(ValidationError):
        project_update(project=project, department=None, actor=staff)


def test_project_create_is_validated(department, staff):
    project_create(department=department, year=2021, name="数据中心运维", actor=staff)
    with pytest.raises(ValidationError):
        project_create(department=department, year=2021, name="数据中心运维", actor=staff)


def test_funding_set_rounds_half_up_and_updates_in_place(project, staff):
    funding_set(
        project=project,
        period=FundingPeriod.ANNUAL,
        first_year=2021,
        last_year=2021,
        total=Decimal("10006.00005"),
        actor=staff,
    )
    funding = funding_set(
        project=project,
        period=FundingPeriod.ANNUAL,
        first_year=2021,
        last_year=2021,
        total=Decimal("10006.00005"),
        fiscal=Decimal("10006"),
        actor=staff,
    )
    assert Funding.objects.count() == 1
    assert funding.total == Decimal("10006.0001")
    assert funding.parts_sum == Decimal("10006")
    assert list(
        AuditEntry.objects.filter(action__startswith="funding").values_list("action", flat=True).order_by("id")
    ) == [
        "funding.create",
        "funding.update",
    ]
