"""Fewer garbage-collector passes while a document is read and written.

Reading a document builds many small objects that all stay alive until the import ends (cells,
rows, indicators, plans), and few of them form cycles. At the default threshold the collector
runs every 700 new objects, and every tenth pass sweeps the older generation, which by then holds
the whole document: the larger the document, the more often it sweeps and the more it sweeps each
time, so a document of 10,000 indicators spent about half its time in the collector. A higher
first threshold during an import keeps that cost in proportion to the document; the thresholds
come back when the last import running in the process ends.
"""

import gc
import threading
from contextlib import contextmanager
from functools import wraps

IMPORT_THRESHOLD = 100_000  # new objects between passes (the default is 700)

_lock = threading.Lock()
_running = 0
_saved: tuple[int, int, int] | None = None


@contextmanager
def fewer_collections():
    global _running, _saved
    with _lock:
        if _running == 0:
            _saved = gc.get_threshold()
            gc.set_threshold(max(IMPORT_THRESHOLD, _saved[0]), *_saved[1:])
        _running += 1
    try:
        yield
    finally:
        with _lock:
            _running -= 1
            if _running == 0 and _saved is not None:
                gc.set_threshold(*_saved)
                _saved = None


def with_fewer_collections(function):
    @wraps(function)
    def wrapper(*args, **kwargs):
        with fewer_collections():
            return function(*args, **kwargs)

    return wrapper
