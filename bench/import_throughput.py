"""Import throughput, measured honestly: against a COPY of exactly the rows an import writes.

Runs in a throw-away test database (PostgreSQL when DATABASE_URL points at it), with its uploaded
files in a temporary media directory removed afterwards. Each figure is a median of interleaved
rounds (A B A B …; the first round is cold, its figure is shown too); every statement is counted,
COPY included. Targets are printed beside each figure:

- first import of a corpus ≤ 5× a COPY of the rows it writes (indicators, sheets, projects,
  fundings, audit entries, source documents);
- an unchanged re-import ≤ 1× the first import (in practice far less: it writes nothing);
- one document of 10,000 indicators ≤ 25× one of 500, and 5,000 ≤ 11× 500 (linear, not worse).
"""

import shutil
import statistics
import tempfile
import time
import tracemalloc
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext, override_settings

from budgets.bulk import copy_insert
from budgets.models import AuditEntry, Department, Funding, Project, SourceDocument
from budgets.services import department_create
from targets.importing.services import disclosure_import, disclosure_prepare
from targets.models import Indicator, TargetSheet

from .corpus import department_name, indicator_count, make_disclosure

DOCUMENTS = 60
PROJECTS = 5
ROWS = 20
ROUNDS = 3
SIZE_ROUNDS = 5  # single documents are short: more rounds for a steady median
SIZES = (500, 5_000, 10_000)  # indicators in one document
SIZE_ROWS = 50  # indicator rows per table in the size documents (two periods each: 100 per project)
# Parents before children: the order the baseline COPYs them in.
WRITTEN = (SourceDocument, Project, Funding, TargetSheet, Indicator, AuditEntry)


@dataclass
class Runs:
    seconds: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)  # this process only: steadier on a busy machine
    statements: list[int] = field(default_factory=list)

    def add(self, seconds: float, cpu: float, statements: int) -> None:
        self.seconds.append(seconds)
        self.cpu.append(cpu)
        self.statements.append(statements)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    def describe(self) -> str:
        return (
            f"{self.median:.3f} s median of {len(self.seconds)} (cold {self.seconds[0]:.3f} s, "
            f"Python CPU {statistics.median(self.cpu):.3f} s), {statistics.median(self.statements):.0f} statements"
        )


class _Counter:
    def __init__(self, captured: CaptureQueriesContext):
        self.captured, self.copies = captured, 0

    @property
    def total(self) -> int:
        return len(self.captured.captured_queries) + self.copies


@contextmanager
def _statements():
    """Every statement sent: those through Django's cursor, and each COPY (which bypasses it)."""
    with CaptureQueriesContext(connection) as captured:
        counter = _Counter(captured)
        if connection.vendor != "postgresql":
            yield counter
            return
        import psycopg

        original = psycopg.Cursor.copy

        def copy(self, *args, **kwargs):
            counter.copies += 1
            return original(self, *args, **kwargs)

        psycopg.Cursor.copy = copy
        try:
            yield counter
        finally:
            psycopg.Cursor.copy = original


@contextmanager
def _timed(runs: Runs):
    with _statements() as counter:
        start, cpu = time.perf_counter(), time.process_time()
        yield
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    runs.add(elapsed, cpu, counter.total)


def _clear() -> None:
    if connection.vendor == "postgresql":
        tables = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in WRITTEN)
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {tables} CASCADE")
        return
    for model in reversed(WRITTEN):
        model.objects.all().delete()


def _snapshot() -> list[dict]:
    """The rows written, per document (each import is its own transaction, so is its baseline)."""
    rows = {model: list(model.objects.order_by("pk").values()) for model in WRITTEN}
    project_document = {row["id"]: row["source_document_id"] for row in rows[Project]}
    funding_document = {row["id"]: project_document[row["project_id"]] for row in rows[Funding]}
    sheet_document = {row["id"]: row["source_document_id"] for row in rows[TargetSheet]}
    document_of = {  # model → the source document of a row, by the row's id
        SourceDocument: lambda pk: pk,
        Project: project_document.get,
        Funding: funding_document.get,
        TargetSheet: sheet_document.get,
    }
    documents: dict[int, dict] = {row["id"]: {model: [] for model in WRITTEN} for row in rows[SourceDocument]}
    for model, owner in document_of.items():
        for row in rows[model]:
            documents[owner(row["id"])][model].append(row)
    for row in rows[Indicator]:
        documents[sheet_document[row["sheet_id"]]][Indicator].append(row)
    audited = {ContentType.objects.get_for_model(model).pk: model for model in WRITTEN}
    for row in rows[AuditEntry]:
        documents[document_of[audited[row["content_type_id"]]](int(row["object_id"]))][AuditEntry].append(row)
    return list(documents.values())


def _copy_baseline(snapshot: list[dict], per_document: Runs, at_once: Runs) -> None:
    """The same rows (same ids and values) written by one COPY per table: in one transaction per
    document, as the imports commit; and all in one transaction."""
    _clear()
    with _timed(per_document):
        for document in snapshot:
            with transaction.atomic():
                for model in WRITTEN:
                    copy_insert(model, document[model])
    _clear()
    with _timed(at_once), transaction.atomic():
        for model in WRITTEN:
            copy_insert(model, [row for document in snapshot for row in document[model]])


def _corrected(content: bytes) -> bytes:
    """The same document with three target values corrected."""
    return content.decode("utf-8").replace("≥1", "≥9", 3).encode("utf-8")


def _import(documents, departments) -> None:
    for (name, content), department in zip(documents, departments, strict=True):
        disclosure_import(content=content, name=name, department=department, actor=None)


def _department(index: int) -> Department:
    return Department.objects.filter(name=department_name(index)).first() or department_create(
        code=f"SYN{index:04d}", name=department_name(index), level=Department.Level.COUNTY, actor=None
    )


def _corpus_figures() -> list[str]:
    departments = [_department(i) for i in range(DOCUMENTS)]
    corpus = [(f"syn-{i:04d}.txt", make_disclosure(i, projects=PROJECTS, rows=ROWS)) for i in range(DOCUMENTS)]
    corrected = [(f"fix-{name}", _corrected(content)) for name, content in corpus]
    first, baseline, at_once, unchanged, fixed, reading = Runs(), Runs(), Runs(), Runs(), Runs(), Runs()
    written = {}
    for _ in range(ROUNDS):  # A B C D E, A B C D E, …
        _clear()
        with _timed(reading):  # what the first import spends before writing: read, extract, plan
            for (name, content), department in zip(corpus, departments, strict=True):
                disclosure_prepare(content=content, name=name, department=department, dry_run=False)
        with _timed(first):
            _import(corpus, departments)
        snapshot = _snapshot()
        written = {model: sum(len(document[model]) for document in snapshot) for model in WRITTEN}
        assert sum(written.values()) == sum(model.objects.count() for model in WRITTEN)
        _copy_baseline(snapshot, baseline, at_once)
        with _timed(unchanged):
            _import(corpus, departments)
        with _timed(fixed):
            _import(corrected, departments)
    indicators = written[Indicator]
    assert indicators == DOCUMENTS * indicator_count(projects=PROJECTS, rows=ROWS), indicators
    rows = sum(written.values())
    ratio = first.median / baseline.median
    return [
        f"import corpus: {DOCUMENTS} documents, {indicators:,} indicators, {rows:,} rows written "
        f"({', '.join(f'{m._meta.model_name} {n:,}' for m, n in written.items())}) on {connection.vendor}",
        f"  first import:        {first.describe()} — {indicators / first.median:,.0f} indicators/s",
        f"  COPY of those rows, one transaction per document (as imported): {baseline.describe()}",
        f"  COPY of those rows, all in one transaction: {at_once.describe()}",
        f"  first import / COPY per document = {ratio:.2f}× (target ≤ 5×) {'ok' if ratio <= 5 else 'MISSED'}; "
        f"/ COPY at once = {first.median / at_once.median:.2f}×",
        f"    of which reading, extracting and planning (no writes): {reading.describe()}; "
        f"the writing alone = {(first.median - reading.median) / baseline.median:.2f}× COPY",
        f"  unchanged re-import: {unchanged.describe()} = {unchanged.median / first.median:.2f}× first import "
        f"(target ≤ 1×) {'ok' if unchanged.median <= first.median else 'MISSED'}",
        f"  corrected re-import (3 values per document): {fixed.describe()} = "
        f"{fixed.median / first.median:.2f}× first import",
    ]


def _size_document(indicators: int) -> bytes:
    projects = indicators // indicator_count(projects=1, rows=SIZE_ROWS)
    return make_disclosure(9000, projects=projects, rows=SIZE_ROWS)


def _size_figures() -> list[str]:
    department = _department(9000)
    documents = {size: _size_document(size) for size in SIZES}
    runs = {size: Runs() for size in SIZES}
    for _ in range(SIZE_ROUNDS):
        for size in SIZES:  # interleaved: 500, 5,000, 10,000, 500, …
            _clear()
            with _timed(runs[size]):
                disclosure_import(content=documents[size], name=f"size-{size}.txt", department=department, actor=None)
            assert Indicator.objects.count() == size
    peaks = {}
    for size in SIZES:  # a pass of its own: tracing allocations slows the code it measures
        _clear()
        tracemalloc.start()
        disclosure_import(content=documents[size], name=f"size-{size}.txt", department=department, actor=None)
        peaks[size] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    smallest = SIZES[0]
    lines = ["import one document (fresh):"]
    for size in SIZES:
        lines.append(
            f"  {size:>6,} indicators: {runs[size].describe()}, peak Python memory {peaks[size] / 2**20:,.1f} MiB"
        )
    for size in SIZES[1:]:
        ratio = runs[size].median / runs[smallest].median
        target = 25 if size >= 10_000 else 11  # linear (×size/500) with a little room
        cpu = statistics.median(runs[size].cpu) / statistics.median(runs[smallest].cpu)
        lines.append(
            f"  {size:,} / {smallest:,} indicators: time {ratio:.1f}× (target ≤ {target}×) "
            f"{'ok' if ratio <= target else 'MISSED'}, Python CPU {cpu:.1f}×, "
            f"peak memory {peaks[size] / peaks[smallest]:.1f}×"
        )
    return lines


def run() -> list[str]:
    media = tempfile.mkdtemp(prefix="bench-media-")
    try:
        with override_settings(MEDIA_ROOT=media):
            lines = _corpus_figures() + _size_figures()
            _clear()
    finally:
        shutil.rmtree(media, ignore_errors=True)
    return lines
