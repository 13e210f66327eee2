"""Concurrent writers of execution records on PostgreSQL: one record per project and month, always."""

from decimal import Decimal

import pytest

from budgets.execution import execution_record_set, execution_record_update
from budgets.models import ExecutionRecord
from tests.concurrency import errors, require_postgresql, run_together

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture(autouse=True)
def _postgresql(transactional_db):
    require_postgresql()


def test_twenty_first_saves_of_one_month_make_one_record_and_no_error(project, staff):
    calls = [
        lambda n=n: execution_record_set(project=project, month=4, spent=Decimal(n), actor=staff) for n in range(20)
    ]
    outcomes = run_together(*calls)
    assert errors(outcomes) == []
    record = ExecutionRecord.objects.get(project=project)
    assert record.month == 4 and record.spent in {Decimal(n) for n in range(20)}


def test_moving_two_records_onto_one_month_keeps_one(project, staff):
    march = execution_record_set(project=project, month=3, spent=Decimal(1), actor=staff)
    may = execution_record_set(project=project, month=5, spent=Decimal(2), actor=staff)
    outcomes = run_together(
        lambda: execution_record_update(record=march, month=4, spent=Decimal(1), actor=staff),
        lambda: execution_record_update(record=may, month=4, spent=Decimal(2), actor=staff),
        lambda: execution_record_set(project=project, month=4, spent=Decimal(3), actor=staff),
    )
    assert ExecutionRecord.objects.filter(project=project, month=4).count() == 1
    assert ExecutionRecord.objects.filter(project=project).count() == 2 + (1 if len(errors(outcomes)) == 2 else 0)
    assert all("已有支出记录" in " ".join(error.messages) for error in errors(outcomes))
