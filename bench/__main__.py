"""`make bench`: throughput figures, printed as one line each. Benchmarks, never timed tests."""

import os
import sys
import time

import django


def bench_parse_target(iterations: int = 200_000) -> str:
    from targets.scoring import parse_target

    values = ["≥150 亿次", "≦261 元", "≧70个", "1-12月", "不少于 3 家", "=100%", "提高", "≤2 小时", "95%以上", "完备"]
    start = time.perf_counter()
    for index in range(iterations):
        parse_target(values[index % len(values)])
    elapsed = time.perf_counter() - start
    return f"parse_target: {iterations / elapsed:,.0f} values/s ({iterations} values in {elapsed:.2f} s)"


BENCHMARKS = [bench_parse_target]


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    for benchmark in BENCHMARKS:
        print(benchmark(), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
