"""`make bench`: throughput figures, one line each. Benchmarks, never timed tests.

Database benchmarks run in a throw-away test database created from DATABASE_URL (PostgreSQL for
the figures that matter; SQLite works for a quick look) and destroyed afterwards.
`python -m bench import scoring` runs only the benchmarks named (import, scoring, reminders,
reports, parse, hostile)."""

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


def main(names: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment, teardown_test_environment

    from . import (
        admin_lists,
        hostile_files,
        import_throughput,
        reminder_sweep,
        report_build,
        scoring_throughput,
        workspace_pages,
    )

    plain = {"parse": bench_parse_target, "hostile": hostile_files.run}
    in_database = {
        "import": import_throughput.run,
        "scoring": scoring_throughput.run,
        "workspace": workspace_pages.run,
        "reminders": reminder_sweep.run,
        "reports": report_build.run,
        "lists": admin_lists.run,
    }
    unknown = set(names) - set(plain) - set(in_database)
    if unknown:
        print(f"unknown benchmark(s): {', '.join(sorted(unknown))}; known: {', '.join([*plain, *in_database])}")
        return 2
    wanted = set(names) or {*plain, *in_database}
    for name, bench in plain.items():
        if name in wanted:
            for line in bench():
                print(line, flush=True)
    if not wanted & set(in_database):
        return 0
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        for name, bench in in_database.items():
            if name in wanted:
                for line in bench():
                    print(line, flush=True)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
