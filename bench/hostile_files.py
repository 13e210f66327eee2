"""Hostile files of every format (budgets/readers/hostile.py at bench size): peak memory and time
of reading each in a child process, against the targets (< 500 MB, < 30 s). Also the extraction of
documents of 500 and 5,000 indicators in the layouts without rows, to show it stays linear."""

import json
import statistics
import subprocess
import sys
import time

CHILD = """
import json, os, resource, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
import django
django.setup()
from budgets.readers import DisclosureReadError, read_document
from budgets.readers.hostile import BUILDERS
name, content = BUILDERS[sys.argv[1]](int(sys.argv[2]))
start = time.perf_counter()
try:
    read_document(content, name)
    outcome = "read"
except DisclosureReadError as error:
    outcome = str(error)
print(json.dumps({"bytes": len(content), "outcome": outcome, "seconds": time.perf_counter() - start,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""
SCALE = 4
TARGET_MB, TARGET_SECONDS = 500, 30


def _cells_document(count: int) -> bytes:
    lines = ["示例单位项目支出绩效目标申报表 |", "项目名称 |", "示例项目 |", "年度资金总额: |", "100 |"]
    lines += ["一级指标 |", "二级指标 |", "三级指标 |", "指标值 |"]
    for index in range(count):
        if index % 50 == 0:
            lines.append("产出指标 |")
        if index % 10 == 0:
            lines.append("数量指标 |")
        lines += [f"巡检站点数量第{index}项 |", f"≥{index + 1}个 | |||"]
    return "\n".join(lines).encode()


def _space_document(count: int) -> bytes:
    lines = [
        "示例单位项目支出绩效目标申报表",
        "项目名称 示例项目",
        "年度资金总额: 100",
        "一级指标 二级指标 三级指标 指标值 备注",
    ]
    for index in range(count):
        lines.append(("产出指标 数量指标 " if index % 10 == 0 else "") + f"巡检站点数量第{index}项 ≥{index + 1}个")
    return "\n".join(lines).encode()


def _extraction_lines() -> list[str]:
    from budgets.readers import read_document
    from targets.importing.collector import fewer_collections
    from targets.importing.extract import extract

    lines = []
    for label, build in (("one cell per line", _cells_document), ("single spaces", _space_document)):
        extract(read_document(build(50), "warm.txt"))
        times = {500: [], 5000: []}
        for _ in range(5):  # interleaved rounds, medians: one small run is a few hundredths of a second
            for count in times:
                content = build(count)
                start = time.perf_counter()
                with fewer_collections():  # as the import service reads and extracts (disclosure_prepare)
                    extraction = extract(read_document(content, f"{count}.txt"))
                times[count].append(time.perf_counter() - start)
                found = sum(len(sheet.indicators) for sheet in extraction.sheets)
                assert found == count, (label, count, found)
        seconds = {count: statistics.median(values) for count, values in times.items()}
        ratio = seconds[5000] / seconds[500]
        lines.append(
            f"extraction ({label}): 500 indicators {seconds[500]:.2f} s, 5,000 {seconds[5000]:.2f} s, "
            f"ratio {ratio:.1f}× (target ≤ 11×)"
        )
    return lines


def run() -> list[str]:
    from budgets.readers.hostile import BUILDERS

    lines = []
    for kind in BUILDERS:
        done = subprocess.run(
            [sys.executable, "-c", CHILD, kind, str(SCALE)], capture_output=True, text=True, timeout=600
        )
        if done.returncode:
            lines.append(f"hostile {kind}: child failed: {done.stderr.strip().splitlines()[-1:]}")
            continue
        result = json.loads(done.stdout.strip().splitlines()[-1])
        ok = result["peak_mb"] < TARGET_MB and result["seconds"] < TARGET_SECONDS and result["outcome"] != "read"
        lines.append(
            f"hostile {kind} ({result['bytes'] / 1024 / 1024:.1f} MB file): peak {result['peak_mb']:.0f} MB, "
            f"{result['seconds']:.2f} s {'ok' if ok else 'OVER TARGET'} (< {TARGET_MB} MB, < {TARGET_SECONDS} s) "
            f"→ {result['outcome'][:60]}"
        )
    return lines + _extraction_lines()
