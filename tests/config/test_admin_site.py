"""The admin admits superusers and department members; everybody else signed in gets the Chinese 403."""

import pytest
from django.urls import reverse

from budgets.models import Membership
from budgets.services import membership_revoke
from tests.factories import UserFactory

PAGES = ["admin:index", "admin:budgets_project_changelist", "admin:targets_targetsheet_changelist"]


@pytest.mark.parametrize("name", PAGES)
def test_a_staff_flag_without_membership_is_refused_in_chinese(client, outsider, name):
    client.force_login(outsider)
    response = client.get(reverse(name))
    assert response.status_code == 403
    content = response.content.decode()
    assert "无权访问" in content and "不是任何部门的成员" in content and "Forbidden" not in content


def test_a_revoked_membership_loses_the_admin(client, staff):
    client.force_login(staff)
    assert client.get(reverse("admin:index")).status_code == 200
    membership_revoke(membership=Membership.objects.get(user=staff), actor=None)
    assert client.get(reverse("admin:index")).status_code == 403
    assert client.get(reverse("admin:budgets_project_changelist")).status_code == 403


def test_a_superuser_needs_no_membership(client, superuser):
    client.force_login(superuser)
    assert client.get(reverse("admin:index")).status_code == 200


def test_an_inactive_member_is_not_admitted(client, staff):
    staff.is_active = False
    staff.save()
    client.force_login(staff)
    assert client.get(reverse("admin:index")).status_code == 302


def test_anonymous_visitors_are_sent_to_the_login_page(client, db):
    response = client.get(reverse("admin:budgets_project_changelist"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))


def test_a_refused_user_can_still_sign_in_as_someone_else(client, outsider, db):
    client.force_login(outsider)
    assert client.get(reverse("admin:login")).status_code == 200
    member = UserFactory(username="member2", is_staff=True, is_superuser=True)
    response = client.post(reverse("admin:login"), {"username": member.username, "password": "test-pass-123"})
    assert response.status_code == 302
