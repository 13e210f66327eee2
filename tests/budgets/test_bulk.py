"""Bulk writes: `copy_update` (one UPDATE … FROM on PostgreSQL) stores exactly what
bulk_update would, for every kind of column."""

import datetime
from decimal import Decimal

import pytest
from django.db import transaction

from budgets.audit import audit_record
from budgets.bulk import copy_update, copy_update_objects
from budgets.models import AuditEntry, Funding, Project
from tests.factories import FundingFactory, ProjectFactory, SourceDocumentFactory

FIELDS = ["code", "start_date", "end_date", "source_document", "description"]


@pytest.fixture(params=["values", "copy"], autouse=True)
def way(request, monkeypatch):
    """Both ways PostgreSQL writes: a VALUES list for a few rows, a COPY into a temporary table for more."""
    if request.param == "copy":
        monkeypatch.setattr("budgets.bulk.VALUES_LIMIT", 0)
    return request.param


def _read(project) -> tuple:
    project.refresh_from_db()
    return tuple(getattr(project, f"{name}_id" if name == "source_document" else name) for name in FIELDS)


def test_copy_update_stores_what_bulk_update_stores(db):
    document = SourceDocumentFactory()
    one, two, untouched = ProjectFactory(), ProjectFactory(), ProjectFactory()
    values = {"code": "A-1", "start_date": datetime.date(2024, 3, 1), "end_date": None, "description": "“引号”\t制表"}
    for project in (one, two):
        for key, value in values.items():
            setattr(project, key, value)
        project.source_document = document
    with transaction.atomic():
        assert copy_update_objects(Project, [one], FIELDS) == 1
    Project.objects.bulk_update([two], FIELDS)
    assert _read(one) == _read(two) == ("A-1", datetime.date(2024, 3, 1), None, document.pk, "“引号”\t制表")
    assert _read(untouched)[0] != "A-1"


def test_decimals_nulls_and_json(db):
    funding = FundingFactory()
    with transaction.atomic():
        copy_update(Funding, ["total", "other"], [(funding.pk, Decimal("12088.4600"), None)])
    funding.refresh_from_db()
    assert (funding.total, funding.other) == (Decimal("12088.4600"), None)
    entry = audit_record(actor=None, action="x", subject=funding)
    with transaction.atomic():
        copy_update(AuditEntry, ["changes"], [(entry.pk, {"indicators": [["update", "名称", {"a": [1, None]}]]})])
    entry.refresh_from_db()
    assert entry.changes == {"indicators": [["update", "名称", {"a": [1, None]}]]}


def test_nothing_to_write_issues_no_query(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert copy_update(Project, FIELDS, []) == 0
