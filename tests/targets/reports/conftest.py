"""The sample year, built once per test module (it takes a while through the services) inside a
transaction that is rolled back after the module; each test runs in a savepoint inside it.

Its own cast, like the shared one: a supervising office (`supervisor`) with three departments
below it and one outside (`other`, with its own supervisor); staff of each department.

- `department` (郑州市人民政府办公厅 sample): seven projects and a department-wide sheet, a monitoring
  round with one project behind schedule, one evaluation left under review;
- 国务院办公厅 and 昌吉州 (with a 2020 copy, for the comparison with the previous year) samples below
  the same supervisor; 埇桥区 (2023) too;
- `other`, outside the supervisor's tree, holds the 广州 sample.
"""

from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.db import transaction

from budgets.models import Department, Membership
from budgets.roles import sync_role_groups
from targets.models import Evaluation, MonitoringReport, ReportingPeriod
from tests.factories import DepartmentFactory, MembershipFactory, UserFactory

from .samples import complete_evaluation, complete_monitoring, entering, import_sample, sample

Kind = ReportingPeriod.Kind


@dataclass
class SampleYear:
    department: Department
    changji: Department
    guowuyuan: Department
    yongqiao: Department
    other: Department
    monitoring: ReportingPeriod
    evaluation_2021: ReportingPeriod
    supervisor: object
    other_supervisor: object
    outsider: object
    staff_of: dict = field(default_factory=dict)

    @property
    def staff(self):
        return self.staff_of[self.department.pk]


def _member(username: str, department, role=Membership.Role.STAFF):
    user = UserFactory(username=username, email=f"{username}@example.cn")
    MembershipFactory(user=user, department=department, role=role)
    sync_role_groups(user)
    user.refresh_from_db()
    return user


def _complete(period, departments, reviewers, staff_of, **options):
    evaluations = Evaluation.objects.filter(period=period, sheet__department__in=departments)
    for evaluation in evaluations.select_related("sheet").order_by("sheet__project__name", "pk"):
        department_id = evaluation.sheet.department_id
        complete_evaluation(evaluation, staff_of[department_id], reviewers[department_id], **options)


def build_sample_year() -> SampleYear:
    office = DepartmentFactory(code="S-OFFICE", name="市政府办公厅（样本）", level=Department.Level.CITY)
    department = DepartmentFactory(code="S-ZZ", name="郑州市人民政府办公厅", parent=office)
    guowuyuan = DepartmentFactory(code="S-GOV", name="国务院办公厅", parent=office)
    changji = DepartmentFactory(code="S-CJ", name="昌吉州人民政府电子政务办公室", parent=office)
    yongqiao = DepartmentFactory(code="S-YQ", name="埇桥区人民政府办公室", parent=office)
    other = DepartmentFactory(code="S-GZ", name="广州市数字政府运营中心", level=Department.Level.CITY)
    import_sample(sample("002"), department)
    import_sample(sample("000"), guowuyuan)
    import_sample(sample("001"), changji)
    import_sample(sample("001"), changji, year_from=2021, year_to=2020)
    import_sample(sample("003"), yongqiao)
    import_sample(sample("004"), other)
    staff_of = {
        unit.pk: _member(f"staff-{unit.code.lower()}", unit)
        for unit in (department, guowuyuan, changji, yongqiao, other)
    }
    supervisor = _member("sample-supervisor", office, Membership.Role.SUPERVISOR)
    other_supervisor = _member("other-supervisor", other, Membership.Role.SUPERVISOR)
    reviewers = {pk: supervisor for pk in staff_of} | {other.pk: other_supervisor}
    outsider = UserFactory(username="sample-outsider", is_staff=True)

    with entering(2020, Kind.SELF_EVALUATION) as period:
        _complete(period, [changji], reviewers, staff_of, executed_share=Decimal("0.8"))
    with entering(2021, Kind.MONITORING) as monitoring:
        reports = MonitoringReport.objects.filter(period=monitoring, sheet__department__in=[department, guowuyuan])
        for index, report in enumerate(reports.select_related("sheet").order_by("sheet__project__name", "pk")):
            complete_monitoring(report, staff_of[report.sheet.department_id], supervisor, behind=index == 1)
    with entering(2021, Kind.SELF_EVALUATION) as evaluation_2021:
        _complete(evaluation_2021, [department, guowuyuan, changji, other], reviewers, staff_of)
        under_review = (
            Evaluation.objects.filter(period=evaluation_2021, sheet__department=department)
            .order_by("-sheet__project__name")
            .first()
        )
        Evaluation.objects.filter(pk=under_review.pk).update(status="submitted", reviewed_at=None, reviewed_by=None)
    with entering(2023, Kind.SELF_EVALUATION) as period:
        _complete(period, [yongqiao], reviewers, staff_of)
    return SampleYear(
        department=department,
        changji=changji,
        guowuyuan=guowuyuan,
        yongqiao=yongqiao,
        other=other,
        monitoring=monitoring,
        evaluation_2021=evaluation_2021,
        supervisor=supervisor,
        other_supervisor=other_supervisor,
        outsider=outsider,
        staff_of=staff_of,
    )


@pytest.fixture(scope="module")
def sample_year_data(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield build_sample_year()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def sample_year(sample_year_data, db):
    return sample_year_data
