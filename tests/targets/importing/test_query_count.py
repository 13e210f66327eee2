"""Importing a document costs the same number of queries whatever its number of indicators."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.corpus import department_name, make_disclosure
from targets.importing.services import disclosure_import
from targets.models import Indicator
from tests.factories import DepartmentFactory


def _queries(department, index, projects, rows) -> int:
    content = make_disclosure(index, projects=projects, rows=rows)
    with CaptureQueriesContext(connection) as captured:
        disclosure_import(content=content, name=f"synthetic-{index}.txt", department=department, actor=None)
    return len(captured.captured_queries)


def test_queries_do_not_grow_with_indicators(db):
    _queries(DepartmentFactory(code="S0", name=department_name(0)), 0, projects=1, rows=1)  # warms caches
    small = DepartmentFactory(code="S1", name=department_name(1))
    large = DepartmentFactory(code="S2", name=department_name(2))
    few = _queries(small, 1, projects=1, rows=5)
    many = _queries(large, 2, projects=3, rows=10)
    assert Indicator.objects.count() == 2 + 10 + 60
    assert few == many


def test_reimport_reads_a_fixed_number_of_queries_too(db):
    department = DepartmentFactory(code="S3", name=department_name(3))
    _queries(department, 3, projects=2, rows=10)
    again_small = _queries(department, 3, projects=2, rows=10)
    other = DepartmentFactory(code="S4", name=department_name(4))
    _queries(other, 4, projects=3, rows=10)
    again_large = _queries(other, 4, projects=3, rows=10)
    assert again_small == again_large
