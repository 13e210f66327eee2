"""Rescore every self-evaluation of a year, set-based.

One streamed read of all results, scores computed with `score_indicator` (memoised on identical
inputs: the same target, actual, weight and judgement under the same profile score the same), then
on PostgreSQL one COPY into a temporary table and one UPDATE … FROM per table; elsewhere bulk_update.
The number of queries does not grow with the number of results. Overrides are kept.
"""

from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from budgets.audit import audit_record

from .models import Evaluation, IndicatorResult, RuleProfile
from .scoring import Assessment, UnitMismatch, budget_score, grade_for, score_indicator, total_score

RESULT_FIELDS = ("computed_score", "flag", "explanation", "final_score")


def _no_progress(done: int, total: int) -> None:
    return None


class _Scorer:
    def __init__(self):
        self.rules: dict[int, object] = {}
        self.memo: dict[tuple, tuple] = {}
        self.hits = 0

    def rules_for(self, profile_id: int):
        if profile_id not in self.rules:
            self.rules[profile_id] = RuleProfile.objects.get(pk=profile_id).as_rules()
        return self.rules[profile_id]

    def score(self, profile_id, target, actual, weight, level, points, not_applicable):
        key = (profile_id, target, actual, weight, level, points, not_applicable)
        cached = self.memo.get(key)
        if cached is not None:
            self.hits += 1
            return cached
        if not_applicable:
            value = (None, "", "不适用，不计分")
        elif not actual and not level:
            value = (None, "", "")
        else:
            grade = Assessment(level, points) if level else None
            try:
                scored = score_indicator(target, actual, weight, self.rules_for(profile_id), grade)
                value = (scored.score, str(scored.flag), scored.explanation)
            except (UnitMismatch, ValueError) as exc:
                value = (None, "error", str(exc))
        self.memo[key] = value
        return value


def _copy_update(table: str, columns: list[tuple[str, str]], rows) -> None:
    """One COPY into a temporary table and one UPDATE … FROM it (PostgreSQL). Identifiers come from
    model metadata and the fixed column list above, never from input."""
    quote = connection.ops.quote_name
    temp = quote(f"rescore_{table}")
    target = quote(table)
    with connection.cursor() as cursor:
        definition = ", ".join(f"{quote(name)} {kind}" for name, kind in [("id", "bigint"), *columns])
        cursor.execute(f"CREATE TEMPORARY TABLE {temp} ({definition}) ON COMMIT DROP")
        names = ", ".join(quote(name) for name in ["id", *(name for name, _ in columns)])
        with cursor.cursor.copy(f"COPY {temp} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        assignments = ", ".join(f"{quote(name)} = {temp}.{quote(name)}" for name, _ in columns)
        cursor.execute(f"UPDATE {target} SET {assignments} FROM {temp} WHERE {target}.id = {temp}.id")  # noqa: S608
        cursor.execute(f"DROP TABLE {temp}")


@transaction.atomic
def evaluations_rescore_year(*, year: int, actor=None, progress=_no_progress) -> dict:
    results = (
        IndicatorResult.objects.filter(evaluation__period__year=year)
        .values_list(
            "id",
            "evaluation__profile_id",
            "indicator__target_text",
            "actual_text",
            "weight",
            "assessment_level",
            "assessment_points",
            "not_applicable",
            "override_score",
            "computed_score",
            "flag",
            "explanation",
            "final_score",
        )
        .order_by()
    )
    total = results.count()
    scorer = _Scorer()
    updates = []
    for done, (pk, profile_id, target, actual, weight, level, points, na, override, *stored) in enumerate(
        results.iterator(chunk_size=20000), start=1
    ):
        score, flag, explanation = scorer.score(profile_id, target, actual, weight, level, points, na)
        row = (score, flag, explanation, override if override is not None else score)
        if row != tuple(stored):  # unchanged results are not rewritten
            updates.append((pk, *row))
        if done % 100000 == 0:
            progress(done, total)
    progress(total, total)
    if updates and connection.vendor == "postgresql":
        _copy_update(
            IndicatorResult._meta.db_table,
            [
                ("computed_score", "numeric(6,2)"),
                ("flag", "varchar(20)"),
                ("explanation", "text"),
                ("final_score", "numeric(6,2)"),
            ],
            updates,
        )
    elif updates:
        objects = [
            IndicatorResult(id=pk, computed_score=s, flag=f, explanation=e, final_score=fs)
            for pk, s, f, e, fs in updates
        ]
        IndicatorResult.objects.bulk_update(objects, list(RESULT_FIELDS), batch_size=2000)
    evaluations = _totals(year, scorer)
    counts = {
        "year": year,
        "results": total,
        "changed": len(updates),
        "evaluations": evaluations,
        "memo_hits": scorer.hits,
    }
    audit_record(
        actor=actor,
        action="evaluations.rescore_year",
        subject=RuleProfile.objects.filter(is_current=True).first() or RuleProfile.objects.first(),
        changes=counts,
    )
    return counts


def _totals(year: int, scorer: _Scorer) -> int:
    sums = (
        Evaluation.objects.filter(period__year=year)
        .annotate(
            row_sum=Sum("results__final_score", filter=Q(results__not_applicable=False)),
            excluded=Sum("results__weight", filter=Q(results__not_applicable=True)),
            unscored=Count("results", filter=Q(results__not_applicable=False, results__final_score__isnull=True)),
            rows=Count("results", filter=Q(results__not_applicable=False)),
        )
        .values_list(
            "id", "profile_id", "budget_full_year", "budget_executed", "row_sum", "excluded", "unscored", "rows"
        )
    )
    now = timezone.now()
    rows = []
    for pk, profile_id, budget, executed, row_sum, excluded, unscored, count in sums:
        rules = scorer.rules_for(profile_id)
        budget_result = budget_score(budget=budget, executed=executed or Decimal(0), profile=rules)
        total = grade = None
        if count and not unscored:
            # Rows are stored already rounded, so their sum is the sum of rounded rows.
            total = total_score(
                [row_sum or Decimal(0)], budget_result.score, excluded_weight=excluded or Decimal(0), profile=rules
            )
            grade = grade_for(total, rules)
        rows.append((pk, budget_result.rate, budget_result.score, total, grade or "", now))
    if connection.vendor == "postgresql":
        _copy_update(
            Evaluation._meta.db_table,
            [
                ("budget_rate", "numeric(8,4)"),
                ("budget_score", "numeric(6,2)"),
                ("total", "numeric(6,2)"),
                ("grade", "varchar(4)"),
                ("scored_at", "timestamptz"),
            ],
            rows,
        )
    else:
        objects = [
            Evaluation(id=pk, budget_rate=r, budget_score=b, total=t, grade=g, scored_at=s)
            for pk, r, b, t, g, s in rows
        ]
        Evaluation.objects.bulk_update(
            objects, ["budget_rate", "budget_score", "total", "grade", "scored_at"], batch_size=2000
        )
    return len(rows)
