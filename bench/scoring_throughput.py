"""Rescoring throughput: 1,000,000 indicator results of one year, against a target of 100,000/s, and
the queries it takes compared with a year of 2,000 results (they must not grow with the count)."""

import datetime
import random
import time
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from budgets.bulk import copy_insert
from budgets.models import Department, Project
from budgets.services import department_create
from targets.assessment.rescoring import evaluations_rescore_year
from targets.indicator_fields import indicator_fields
from targets.models import Evaluation, Indicator, IndicatorResult, ReportingPeriod, TargetSheet
from targets.profiles import current_profile
from targets.scoring import parse_target

PER_SHEET = 100
TEMPLATES = [
    ("产出指标", "数量指标", "≥{n}个", lambda r, n: f"{r.randint(n // 2, n * 2)}个"),
    ("产出指标", "质量指标", "≥{p}%", lambda r, n: f"{r.randint(850, 1000) / 10}%"),
    ("产出指标", "时效指标", "≤{h}小时", lambda r, n: f"{r.randint(1, 12) / 2}小时"),
    ("效益指标", "社会效益指标", "提高", lambda r, n: "明显提高"),
    ("满意度指标", "服务对象满意度指标", "≥{p}%", lambda r, n: f"{r.randint(800, 1000) / 10}%"),
]


def _populate(year: int, results: int, seed: int = 11) -> None:
    rng = random.Random(seed)
    department = Department.objects.filter(code=f"BENCH{year}").first() or department_create(
        code=f"BENCH{year}", name=f"评分基准单位{year}", level=Department.Level.CITY, actor=None
    )
    period = ReportingPeriod.objects.create(
        year=year,
        kind=ReportingPeriod.Kind.SELF_EVALUATION,
        cut_off_date=datetime.date(year, 12, 31),
        opens_on=datetime.date(year + 1, 1, 1),
        due_date=datetime.date(year + 1, 3, 31),
    )
    sheets_needed = results // PER_SHEET
    projects = Project.objects.bulk_create(
        Project(department=department, year=year, name=f"基准项目{year}-{i:06d}") for i in range(sheets_needed)
    )
    sheets = TargetSheet.objects.bulk_create(
        TargetSheet(
            scope="project",
            department=department,
            project=p,
            year=year,
            period="annual",
            first_year=year,
            last_year=year,
        )
        for p in projects
    )
    indicator_rows = []
    for sheet in sheets:
        for order in range(1, PER_SHEET + 1):
            level1, level2, target, _ = TEMPLATES[order % len(TEMPLATES)]
            text = target.format(n=rng.choice([10, 20, 50, 100]), p=rng.choice([90, 95, 98]), h=rng.choice([2, 4]))
            row = indicator_fields(level1=level1, level2=level2, name=f"指标{order}", value=text)
            row.update(sheet_id=sheet.pk, order=order, weight=Decimal("0.90"), source_location="")
            indicator_rows.append(row)
    copy_insert(Indicator, indicator_rows)
    profile = current_profile()
    evaluations = Evaluation.objects.bulk_create(
        Evaluation(
            sheet=sheet,
            period=period,
            profile=profile,
            budget_full_year=Decimal(100),
            budget_executed=Decimal(rng.randint(70, 100)),
        )
        for sheet in sheets
    )
    by_sheet = {e.sheet_id: e.pk for e in evaluations}
    result_rows = []
    for indicator_id, sheet_id, order, target in (
        Indicator.objects.filter(sheet__in=sheets)
        .values_list("id", "sheet_id", "order", "target_text")
        .iterator(chunk_size=50000)
    ):
        _, _, _, actual = TEMPLATES[order % len(TEMPLATES)]
        number = int("".join(ch for ch in target if ch.isdigit()) or 10)
        judged = target == "提高"
        text = actual(rng, number)
        parsed = parse_target(text)  # as indicator_result_record stores it
        result_rows.append(
            {
                "evaluation_id": by_sheet[sheet_id],
                "indicator_id": indicator_id,
                "weight": Decimal("0.90"),
                "actual_text": text,
                "actual_comparator": parsed.comparator,
                "actual_number": parsed.number,
                "actual_unit": parsed.unit,
                "not_applicable": False,
                "assessment_level": "achieved" if judged else "",
                "assessment_points": Decimal("0.80") if judged else None,
                "computed_score": None,
                "flag": "",
                "override_score": None,
                "override_reason": "",
                "deviation_reason": "",
                "improvement": "",
            }
        )
    copy_insert(IndicatorResult, result_rows)


def run() -> list[str]:
    from django.db import transaction

    lines = []
    with transaction.atomic():
        _populate(2092, 500)
        _populate(2091, 2000)
    evaluations_rescore_year(year=2092)  # warms per-process caches (content types)
    with CaptureQueriesContext(connection) as small:
        evaluations_rescore_year(year=2091)  # a first scoring, like the large one below
    start = time.perf_counter()
    with transaction.atomic():
        _populate(2090, 1_000_000)
    # Timed straight after the load, as a first scoring after an import is: no VACUUM or ANALYZE in
    # between (the freshly written rows' hint bits and statistics are the scoring's own cost).
    lines.append(f"scoring: loaded 1,000,000 results in {time.perf_counter() - start:.1f} s (no VACUUM after)")
    start = time.perf_counter()
    with CaptureQueriesContext(connection) as large:
        counts = evaluations_rescore_year(year=2090)
    elapsed = time.perf_counter() - start
    scored = IndicatorResult.objects.filter(evaluation__period__year=2090, final_score__isnull=False).count()
    start = time.perf_counter()
    again = evaluations_rescore_year(year=2090)
    repeat = time.perf_counter() - start
    lines += [
        f"scoring: {counts['results']:,} results in {elapsed:.2f} s on {connection.vendor}: "
        f"{counts['results'] / elapsed:,.0f} results/s (target ≥ 100,000/s); {scored:,} scored",
        f"rescoring the same year again (nothing changed, {again['changed']} rows rewritten): {repeat:.2f} s, "
        f"{again['results'] / repeat:,.0f} results/s",
        f"scoring queries: {len(small.captured_queries)} for 2,000 results, {len(large.captured_queries)} for "
        f"1,000,000 — "
        + ("constant" if len(small.captured_queries) == len(large.captured_queries) else "NOT constant"),
    ]
    return lines
