from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

from budgets.roles import GROUP_NAMES, ROLE_PERMISSIONS


def test_sync_roles_restores_the_permissions_of_every_role(db, capsys):
    group = Group.objects.create(name=GROUP_NAMES["staff"])
    group.permissions.set([Permission.objects.get(codename="view_project")])
    call_command("sync_roles")
    staff = Group.objects.get(name=GROUP_NAMES["staff"])
    codenames = {f"{p.content_type.app_label}.{p.codename}" for p in staff.permissions.select_related("content_type")}
    assert codenames == set(ROLE_PERMISSIONS["staff"])
    assert "财务人员" in capsys.readouterr().out
