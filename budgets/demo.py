"""Demo departments and accounts for `make run`: idempotent, so running it twice changes nothing."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from .audit import audit_record
from .models import Department, Membership
from .services import department_create, membership_grant

DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 - printed demo credentials, local use only

# (code, name, level, parent code): a supervising office above the sample disclosures' units.
DEMO_DEPARTMENTS = [
    ("DEMO", "预算绩效管理演示单位", Department.Level.CENTRAL, None),
    ("GOV-OFFICE", "国务院办公厅", Department.Level.CENTRAL, "DEMO"),
    ("CJ-EGOV", "昌吉州人民政府电子政务办公室", Department.Level.CITY, "DEMO"),
    ("ZZ-OFFICE", "郑州市人民政府办公厅", Department.Level.CITY, "DEMO"),
    ("YQ-OFFICE", "埇桥区人民政府办公室", Department.Level.COUNTY, "DEMO"),
    ("GZ-DIGITAL", "广州市数字政府运营中心", Department.Level.CITY, "DEMO"),
]

# (username, display name, superuser, [(department code, role)])
DEMO_USERS = [
    ("admin", "系统管理员", True, []),
    ("staff", "郑州财务人员", False, [("ZZ-OFFICE", Membership.Role.STAFF)]),
    ("supervisor", "监督审核人员", False, [("DEMO", Membership.Role.SUPERVISOR)]),
    ("outsider", "无权限用户", False, []),
]


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    description: str


@transaction.atomic
def demo_data_ensure(*, actor=None) -> list[DemoAccount]:
    for code, name, level, parent_code in DEMO_DEPARTMENTS:
        if not Department.objects.filter(code=code).exists():
            parent = Department.objects.get(code=parent_code) if parent_code else None
            department_create(code=code, name=name, level=level, parent=parent, actor=actor)

    User = get_user_model()
    accounts = []
    for username, display, superuser, roles in DEMO_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, first_name=display, is_staff=superuser, is_superuser=superuser)
            user.set_password(DEMO_PASSWORD)
            user.save()
            audit_record(actor=actor, action="user.create_demo", subject=user)
        for code, role in roles:
            membership_grant(user=user, department=Department.objects.get(code=code), role=role, actor=actor)
        accounts.append(DemoAccount(username, DEMO_PASSWORD, display))
    return accounts
