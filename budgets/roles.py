"""Django auth groups that mirror department roles, so the admin grants the right permissions.

A user's groups follow their memberships: any membership gives admin access (is_staff) and the
group of its role; losing the last membership of a role removes that group.
"""

from django.contrib.auth.models import Group, Permission

from .models import Membership

# Permissions by role, as "app_label.codename".
ROLE_PERMISSIONS = {
    Membership.Role.STAFF: [
        "budgets.view_department",
        "budgets.view_project",
        "budgets.change_project",
        "budgets.view_funding",
        "budgets.add_funding",
        "budgets.change_funding",
        "budgets.view_sourcedocument",
        "budgets.view_budgettable",
        "budgets.view_executionrecord",
        "budgets.add_executionrecord",
        "budgets.change_executionrecord",
        "budgets.view_budgetadjustment",
        "budgets.add_budgetadjustment",
        "budgets.change_budgetadjustment",
        "targets.view_targetsheet",
        "targets.change_targetsheet",
        "targets.view_indicator",
        "targets.view_reportingperiod",
        "targets.add_disclosureimport",
        "targets.view_disclosureimport",
        "targets.view_evaluation",
        "targets.view_indicatorresult",
        "targets.view_monitoringreport",
        "targets.view_monitoringentry",
        "targets.view_ruleprofile",
    ],
    Membership.Role.SUPERVISOR: [
        "budgets.view_department",
        "budgets.view_membership",
        "budgets.view_project",
        "budgets.view_funding",
        "budgets.view_sourcedocument",
        "budgets.view_auditentry",
        "budgets.view_budgettable",
        "budgets.view_executionrecord",
        "budgets.view_budgetadjustment",
        "targets.view_targetsheet",
        "targets.change_targetsheet",
        "targets.view_indicator",
        "targets.view_reportingperiod",
        "targets.view_disclosureimport",
        "targets.view_evaluation",
        "targets.change_evaluation",
        "targets.view_indicatorresult",
        "targets.change_indicatorresult",
        "targets.view_monitoringreport",
        "targets.view_monitoringentry",
        "targets.view_ruleprofile",
        # Review in the admin (approve, return, override): actions declare allowed_permissions = ("review",).
        "targets.review_targetsheet",
        "targets.review_evaluation",
        "targets.review_monitoringreport",
    ],
}
GROUP_NAMES = {Membership.Role.STAFF: "财务人员", Membership.Role.SUPERVISOR: "监督审核人员"}


def role_group(role: str) -> Group:
    group, _ = Group.objects.get_or_create(name=GROUP_NAMES[role])
    wanted = []
    for dotted in ROLE_PERMISSIONS[role]:
        app_label, codename = dotted.split(".")
        wanted.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    group.permissions.set(wanted)
    return group


def sync_role_groups(user) -> None:
    roles = set(Membership.objects.filter(user=user).values_list("role", flat=True))
    for role in Membership.Role.values:
        group = role_group(role)
        if role in roles:
            user.groups.add(group)
        else:
            user.groups.remove(group)
    if roles and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])


def role_groups_sync() -> list[Group]:
    """Bring every role group's permissions up to date (after an upgrade adds permissions)."""
    return [role_group(role) for role in Membership.Role.values]
