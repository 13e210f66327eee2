"""Import throughput on a synthetic corpus, against a raw bulk insert of the same rows.

Runs in a throw-away test database (PostgreSQL when DATABASE_URL points at it)."""

import statistics
import time

from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext

from budgets.models import Department, Funding, Project, SourceDocument
from budgets.services import department_create
from targets.importing.services import disclosure_import
from targets.models import Indicator, TargetSheet

from .corpus import department_name, indicator_count, make_disclosure

DOCUMENTS = 300
PROJECTS = 5
ROWS = 20


def _clear(*, documents: bool = True):
    Indicator.objects.all().delete()
    TargetSheet.objects.all().delete()
    Funding.objects.all().delete()
    Project.objects.all().delete()
    if documents:
        SourceDocument.objects.all().delete()


def _snapshot():
    models = (Project, Funding, TargetSheet, Indicator)
    return {model: list(model.objects.order_by("pk")) for model in models}


def _raw_insert(snapshot) -> float:
    """The same rows (same ids and values) written with one bulk insert per table."""
    _clear(documents=False)
    start = time.perf_counter()
    for model in (Project, Funding, TargetSheet, Indicator):
        model.objects.bulk_create(snapshot[model], batch_size=5000)
    return time.perf_counter() - start


def run() -> list[str]:
    departments = [
        Department.objects.filter(name=department_name(i)).first()
        or department_create(code=f"SYN{i:04d}", name=department_name(i), level=Department.Level.COUNTY, actor=None)
        for i in range(DOCUMENTS)
    ]
    corpus = [(f"syn-{i:04d}.txt", make_disclosure(i, projects=PROJECTS, rows=ROWS)) for i in range(DOCUMENTS)]

    def import_all() -> float:
        _clear()
        start = time.perf_counter()
        for (name, content), department in zip(corpus, departments, strict=True):
            disclosure_import(content=content, name=name, department=department, actor=None)
        return time.perf_counter() - start

    # Medians of three on both sides: single runs on a small shared machine vary by a third.
    elapsed = statistics.median(import_all() for _ in range(3))
    indicators = Indicator.objects.count()
    assert indicators == DOCUMENTS * indicator_count(projects=PROJECTS, rows=ROWS), indicators
    snapshot = _snapshot()
    raw = statistics.median(_raw_insert(snapshot) for _ in range(3))

    # Queries per document: a small and a large document, each imported fresh.
    counts = []
    for projects, rows in ((1, 5), (PROJECTS, ROWS), (10, 40)):
        _clear()
        content = make_disclosure(9999, projects=projects, rows=rows)
        department = departments[0]
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            disclosure_import(content=content, name="count.txt", department=department, actor=None)
        counts.append((indicator_count(projects=projects, rows=rows), len(captured.captured_queries)))
    constant = len({queries for _, queries in counts}) == 1
    return [
        f"import: {DOCUMENTS} documents, {indicators} indicators in {elapsed:.2f} s on {connection.vendor} "
        "(median of 3)",
        f"import: {DOCUMENTS / elapsed:.1f} documents/s, {indicators / elapsed:,.0f} indicators/s",
        f"raw bulk insert of the same rows (median of 3): {raw:.2f} s",
        f"import / raw = {elapsed / raw:.2f}x (target ≤ 3x)",
        "queries per document (indicators → queries): "
        + ", ".join(f"{n} → {q}" for n, q in counts)
        + (" — constant" if constant else " — NOT constant"),
    ]
