"""`make bench`: throughput figures, one line each. Benchmarks, never timed tests.

Database benchmarks run in a throw-away test database created from DATABASE_URL (PostgreSQL for
the figures that matter; SQLite works for a quick look) and destroyed afterwards."""

import os
import sys
import time

import django


def bench_parse_target(iterations: int = 200_000) -> list[str]:
    from targets.scoring.values import _parse

    values = ["≥150 亿次", "≦261 元", "≧70个", "1-12月", "不少于 3 家", "=100%", "提高", "≤2 小时", "95%以上", "完备"]
    start = time.perf_counter()
    for index in range(iterations):
        _parse(values[index % len(values)], "")  # uncached: the parser itself
    elapsed = time.perf_counter() - start
    return [f"parse_target (uncached): {iterations / elapsed:,.0f} values/s"]


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment, teardown_test_environment

    from . import admin_lists, hostile_files, import_throughput, reminder_sweep, report_build, scoring_throughput

    database_benches = {
        "import_throughput": import_throughput,
        "scoring_throughput": scoring_throughput,
        "reminder_sweep": reminder_sweep,
        "report_build": report_build,
        "admin_lists": admin_lists,
    }
    chosen = sys.argv[1:]  # `python -m bench scoring_throughput admin_lists`: only those
    unknown = [name for name in chosen if name not in database_benches]
    if unknown:
        print(f"unknown bench: {', '.join(unknown)}; choose from {', '.join(database_benches)}", file=sys.stderr)
        return 2
    if not chosen:
        for line in bench_parse_target():
            print(line, flush=True)
        for line in hostile_files.run():
            print(line, flush=True)
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        for name in chosen or database_benches:
            for line in database_benches[name].run():
                print(line, flush=True)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
    return 0


if __name__ == "__main__":
    sys.exit(main())
