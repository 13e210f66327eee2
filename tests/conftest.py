"""The shared cast: a department tree, staff of one department, their supervisor, an outsider."""

import os

import pytest

from budgets.models import Department, Membership

from .factories import DepartmentFactory, MembershipFactory, ProjectFactory, UserFactory


def running_in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@pytest.fixture
def parent_department(db):
    return DepartmentFactory(code="CITY", name="市政府办公厅", level=Department.Level.CITY)


@pytest.fixture
def department(parent_department):
    return DepartmentFactory(code="CITY-IT", name="市信息中心", level=Department.Level.CITY, parent=parent_department)


@pytest.fixture
def other_department(db):
    return DepartmentFactory(code="OTHER", name="其他区办公室", level=Department.Level.COUNTY)


@pytest.fixture
def staff(department):
    user = UserFactory(username="staff")
    MembershipFactory(user=user, department=department, role=Membership.Role.STAFF)
    user.refresh_from_db()
    return user


@pytest.fixture
def supervisor(parent_department):
    user = UserFactory(username="supervisor")
    MembershipFactory(user=user, department=parent_department, role=Membership.Role.SUPERVISOR)
    user.refresh_from_db()
    return user


@pytest.fixture
def outsider(db):
    return UserFactory(username="outsider", is_staff=True)


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def project(department):
    return ProjectFactory(department=department, name="政务云平台运维项目")


@pytest.fixture
def other_project(other_department):
    return ProjectFactory(department=other_department, name="其他区网站运维项目")


@pytest.fixture(autouse=True)
def _fresh_content_types():
    """Transactional tests flush every table, content types included: nothing may keep using the
    ids cached by an earlier test."""
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
    yield
    ContentType.objects.clear_cache()
