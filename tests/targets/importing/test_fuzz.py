"""Mutated sample documents (byte flips, cuts, shuffled lines, other separators, injected HTML and
NUL bytes) are either read or refused with a Chinese message naming the file; nothing raises, and
each stays within bounded time and memory. Short in CI; HYPOTHESIS_PROFILE=long runs many more."""

import itertools
import os
import random
import time
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budgets.readers import DisclosureReadError, read_document
from targets.importing.export import extraction_to_json
from targets.importing.extract import extract
from targets.importing.services import DisclosureImportError, disclosure_prepare
from targets.models import TargetSheet

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "disclosures"
SAMPLES = sorted(FIXTURES.glob("*.txt")) + sorted(p for p in (FIXTURES / "variants").iterdir() if p.suffix != ".json")
EXAMPLES = 400 if os.environ.get("HYPOTHESIS_PROFILE") == "long" else 30
INJECTIONS = ["<script>alert(1)</script>", "\x00", "<table><tr><td>", "|||", "\t\t\t", "=HYPERLINK(1)", "\u202e"]


def _sample(index: int) -> bytes:
    path = SAMPLES[index % len(SAMPLES)]
    content = path.read_bytes()
    if len(content) > 12_000:  # a window of a large sample keeps each example quick
        start = (index * 7919) % (len(content) - 12_000)
        content = content[start : start + 12_000].decode("utf-8", "ignore").encode()
    return content


def mutate(content: bytes, kind: str, seed: int) -> bytes:
    rng = random.Random(seed)
    if kind == "flip":
        data = bytearray(content)
        for _ in range(1 + seed % 40):
            data[rng.randrange(len(data))] = rng.randrange(256)
        return bytes(data)
    if kind == "cut":
        return content[: rng.randrange(1, len(content))]
    text = content.decode("utf-8", "ignore")
    lines = text.split("\n")
    if kind == "shuffle":
        rng.shuffle(lines)
        return "\n".join(lines).encode()
    if kind == "separators":
        old, new = rng.choice([("\t", " | "), ("\t", " "), ("\t", ""), ("\t", "\n"), (" | ", "\t"), ("\n", "")])
        return text.replace(old, new).encode()
    for _ in range(1 + seed % 10):
        at = rng.randrange(len(text) + 1)
        text = text[:at] + rng.choice(INJECTIONS) + text[at:]
    return text.encode()


def _check_message(message: str, name: str) -> None:
    assert f"“{name}”" in message
    assert any("\u4e00" <= char <= "\u9fff" for char in message)
    assert "Traceback" not in message and "Error" not in message


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    index=st.integers(min_value=0, max_value=10_000),
    kind=st.sampled_from(["flip", "cut", "shuffle", "separators", "inject"]),
    seed=st.integers(min_value=0, max_value=2**32),
)
def test_mutated_document_is_read_or_refused(index, kind, seed):
    name = f"变异{index % len(SAMPLES)}.txt"
    content = mutate(_sample(index), kind, seed)
    tracemalloc.start()
    started = time.perf_counter()
    try:
        document = read_document(content, name)
    except DisclosureReadError as error:
        _check_message(str(error), name)
    else:
        export = extraction_to_json(extract(document), seed=name)
        text = repr(export)
        assert "\\x00" not in text and "<script" not in text
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert seconds < 20  # bounded, not a speed target
    assert peak < 200 * 1024 * 1024


@pytest.mark.django_db
@settings(max_examples=max(5, EXAMPLES // 5), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(index=st.integers(min_value=0, max_value=100), kind=st.sampled_from(["flip", "cut", "inject"]))
def test_mutated_import_is_prepared_or_refused_in_chinese(index, kind):
    name = f"变异{index % len(SAMPLES)}.txt"
    try:
        disclosure_prepare(content=mutate(_sample(index), kind, index), name=name, dry_run=True)
    except DisclosureImportError as error:
        _check_message(str(error), name)


_DEPARTMENT_NUMBERS = itertools.count()


def _stored_counts() -> dict:
    from budgets.models import AuditEntry, BudgetTable, Funding, Project, SourceDocument
    from targets.models import Indicator

    models = (AuditEntry, BudgetTable, Funding, Project, SourceDocument, Indicator, TargetSheet)
    return {model.__name__: model.objects.count() for model in models}


@pytest.mark.django_db
@settings(max_examples=max(5, EXAMPLES // 5), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(index=st.integers(min_value=0, max_value=100), kind=st.sampled_from(["flip", "cut", "inject", "separators"]))
def test_a_mutated_import_writes_all_or_nothing(index, kind):
    """Imported for real into a department: either it is written, or it is refused in Chinese naming
    the file and the database holds exactly what it held before (no partial write)."""
    from targets.importing.services import disclosure_import
    from tests.factories import DepartmentFactory

    department = DepartmentFactory(code=f"FUZZ{next(_DEPARTMENT_NUMBERS)}")
    name = f"变异{index % len(SAMPLES)}.txt"
    before = _stored_counts()
    try:
        disclosure_import(
            content=mutate(_sample(index), kind, index), name=name, department=department, year=2021, actor=None
        )
    except DisclosureImportError as error:
        _check_message(str(error), name)
        assert _stored_counts() == before
    else:
        assert TargetSheet.objects.filter(department=department).exists()
