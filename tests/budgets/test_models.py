import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from budgets.models import Funding, FundingPeriod, Project
from tests.factories import FundingFactory, ProjectFactory


def test_project_name_unique_per_department_and_year(project):
    with pytest.raises(IntegrityError):
        Project.objects.create(department=project.department, year=project.year, name=project.name)


def test_same_project_name_in_another_year_is_fine(project):
    ProjectFactory(department=project.department, year=project.year + 1, name=project.name)


def test_project_dates_ordered(project):
    project.start_date = datetime.date(2021, 12, 31)
    project.end_date = datetime.date(2021, 1, 1)
    with pytest.raises(ValidationError):
        project.full_clean()


def test_funding_one_per_period(project):
    FundingFactory(project=project)
    with pytest.raises(IntegrityError):
        Funding.objects.create(project=project, period=FundingPeriod.ANNUAL, first_year=2021, last_year=2021)


def test_annual_funding_spans_one_year(project):
    funding = Funding(project=project, period=FundingPeriod.ANNUAL, first_year=2021, last_year=2023)
    with pytest.raises(ValidationError):
        funding.full_clean()
    mid_term = Funding(project=project, period=FundingPeriod.MID_TERM, first_year=2021, last_year=2023)
    mid_term.full_clean()


def test_funding_years_ordered_in_the_database(project):
    with pytest.raises(IntegrityError):
        Funding.objects.create(project=project, period=FundingPeriod.MID_TERM, first_year=2023, last_year=2021)


def test_department_cannot_be_its_own_ancestor(parent_department, department):
    parent_department.parent = department
    with pytest.raises(ValidationError):
        parent_department.full_clean()
