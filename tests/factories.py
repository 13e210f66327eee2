import datetime

import factory
from django.contrib.auth import get_user_model

from budgets.models import Department, Funding, FundingPeriod, Membership, Project, SourceDocument
from budgets.services import department_create, membership_grant
from targets.indicator_fields import indicator_fields
from targets.models import Indicator, ReportingPeriod, TargetSheet


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("test-pass-123")


class DepartmentFactory(factory.django.DjangoModelFactory):
    """Created through the service so that the materialised path is right."""

    class Meta:
        model = Department

    code = factory.Sequence(lambda n: f"D{n:04d}")
    name = factory.Sequence(lambda n: f"测试部门{n}")
    level = Department.Level.CITY
    parent = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return department_create(actor=None, **kwargs)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    department = factory.SubFactory(DepartmentFactory)
    role = Membership.Role.STAFF

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return membership_grant(actor=None, **kwargs)


class SourceDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SourceDocument

    file = factory.django.FileField(filename="disclosure.txt", data="公开文件".encode())
    original_name = "disclosure.txt"
    format = SourceDocument.Format.TEXT
    sha256 = factory.Sequence(lambda n: f"{n:064x}")
    department = factory.SubFactory(DepartmentFactory)
    year = 2021


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    department = factory.SubFactory(DepartmentFactory)
    year = 2021
    name = factory.Sequence(lambda n: f"信息化运维项目{n}")


class FundingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Funding

    project = factory.SubFactory(ProjectFactory)
    period = FundingPeriod.ANNUAL
    first_year = factory.SelfAttribute("project.year")
    last_year = factory.SelfAttribute("project.year")


class TargetSheetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TargetSheet

    scope = TargetSheet.Scope.PROJECT
    project = factory.SubFactory(ProjectFactory)
    department = factory.SelfAttribute("project.department")
    year = factory.SelfAttribute("project.year")
    period = FundingPeriod.ANNUAL
    first_year = factory.SelfAttribute("year")
    last_year = factory.SelfAttribute("year")
    overall_goal = "保障系统正常运转"


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator

    level1 = "产出指标"
    level2 = "数量指标"
    value = "≥10个"
    sheet = factory.SubFactory(TargetSheetFactory)
    order = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"维护设备数量{n}")

    @classmethod
    def _create(cls, model_class, *args, level1, level2, value, **kwargs):
        fields = indicator_fields(level1=level1, level2=level2, name=kwargs.pop("name"), value=value)
        return model_class.objects.create(**fields, **kwargs)


class ReportingPeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportingPeriod

    year = 2021
    kind = ReportingPeriod.Kind.MONITORING
    cut_off_date = factory.LazyAttribute(lambda o: datetime.date(o.year, 7, 31))
    opens_on = factory.LazyAttribute(lambda o: o.cut_off_date + datetime.timedelta(days=1))
    due_date = factory.LazyAttribute(lambda o: datetime.date(o.year, 8, 31))
