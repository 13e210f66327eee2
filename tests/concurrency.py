"""Run service calls at the same moment from several threads, each with its own database connection,
for the concurrency tests. They need PostgreSQL (row locks): in CI its absence fails them, elsewhere
they are skipped when the suite runs on SQLite."""

import threading

import pytest
from django.db import connection, connections

from tests.conftest import running_in_ci


def require_postgresql() -> None:
    if connection.vendor == "postgresql":
        return
    message = "concurrency tests need PostgreSQL: set DATABASE_URL=postgres://..."
    if running_in_ci():
        pytest.fail(message)
    pytest.skip(message)


def run_together(*calls, timeout: float = 120) -> list[tuple[str, object]]:
    """Start every call at once (a barrier); return ("ok", result) or ("error", exception) for each."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[tuple[str, object] | None] = [None] * len(calls)

    def work(index, call):
        try:
            barrier.wait(timeout=timeout)
            outcomes[index] = ("ok", call())
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test asserts on
            outcomes[index] = ("error", exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(i, call), daemon=True) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(thread.is_alive() for thread in threads), "a concurrent call did not finish"
    return outcomes


def errors(outcomes) -> list[Exception]:
    return [value for kind, value in outcomes if kind == "error"]
