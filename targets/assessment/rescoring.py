"""Rescore every self-evaluation of a year, set-based, each with its own rule profile version.

On PostgreSQL the scores are computed inside the database by the SQL form of `score_indicator`
(targets.scoring.sql) over the stored parse of targets and actuals, in one UPDATE that rewrites
only the results whose score or flag changed (every update fits on its page: HOT). Elsewhere
(SQLite) the Python function scores each result. Either way the number of queries does not grow
with the number of results, unchanged results are not rewritten, and overrides are kept
(final_score is a generated column: the override if any, else the computed score).
"""

from contextlib import contextmanager
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from budgets.audit import audit_record
from budgets.bulk import copy_update

from ..models import Evaluation, Indicator, IndicatorResult, RuleProfile
from ..scoring import Rules, budget_score, grade_for, total_score
from ..scoring.sql import INPUTS, ProfileRules, scoring_sql, unscored_sql
from .explanation import assess_result

INDICATOR_INPUTS = {  # scoring input → Indicator field
    "target_comparator": "comparator",
    "target_number": "target_number",
    "target_unit": "unit",
    "target_nature": "nature",
}
RESULT_INPUTS = [name for name in INPUTS if name not in INDICATOR_INPUTS]  # IndicatorResult fields


def _no_progress(done: int, total: int) -> None:
    return None


@transaction.atomic
def evaluations_rescore_year(*, year: int, actor=None, progress=_no_progress) -> dict:
    results = IndicatorResult.objects.filter(evaluation__period__year=year)
    total = results.count()
    progress(0, total)
    profiles = {
        profile.pk: profile.as_rules()
        for profile in RuleProfile.objects.filter(
            pk__in=Evaluation.objects.filter(period__year=year).values("profile_id")
        )
    }
    if not total:
        changed = 0
    elif connection.vendor == "postgresql":
        changed = _rescore_in_database(year, profiles, total)
    else:
        changed = _rescore_in_python(results, profiles)
    progress(total, total)
    evaluations = _totals(year, profiles)
    counts = {"year": year, "results": total, "changed": changed, "evaluations": evaluations}
    audit_record(
        actor=actor,
        action="evaluations.rescore_year",
        subject=RuleProfile.objects.filter(is_current=True).first() or RuleProfile.objects.first(),
        changes=counts,
    )
    return counts


def _rescore_in_python(results, profiles: dict[int, Rules]) -> int:
    changed = []
    for result in results.select_related("indicator", "evaluation").order_by().iterator(chunk_size=2000):
        assessed = assess_result(result, profiles[result.evaluation.profile_id])
        if (assessed.score, assessed.flag) != (result.computed_score, result.flag):
            result.computed_score, result.flag = assessed.score, assessed.flag
            changed.append(result)
    IndicatorResult.objects.bulk_update(changed, ["computed_score", "flag"], batch_size=2000)
    return len(changed)


@contextmanager
def _session_settings(**values: str):
    """Settings for this transaction only, put back afterwards. JIT compilation costs more than it
    saves on these wide CASE expressions; enough work_mem keeps the indicator hash in memory."""
    with connection.cursor() as cursor:
        previous = {}
        for name, value in values.items():
            cursor.execute("SELECT current_setting(%s), set_config(%s, %s, true)", [name, name, value])
            previous[name] = cursor.fetchone()[0]
        try:
            yield cursor
        finally:
            for name, value in previous.items():
                cursor.execute("SELECT set_config(%s, %s, true)", [name, value])


def _refresh_statistics(cursor, rows: dict) -> None:
    """A year written in bulk just now (an import) leaves the planner's statistics behind: it would
    plan the scoring for the few rows it knows of (nested loops, a million index look-ups). Where a
    table is known to hold fewer rows than this year alone has (`rows`: model → the year's count),
    ANALYZE it first, as autoanalyze would later (it samples the table; no VACUUM). One statement
    whether or not any table needs it, so the scoring's queries stay the same in number."""
    checks = " ".join(
        f"IF (SELECT reltuples < {int(count)} FROM pg_class WHERE oid = '{model._meta.db_table}'::regclass) "  # noqa: S608 - names from model metadata, counts are integers
        f"THEN ANALYZE {connection.ops.quote_name(model._meta.db_table)}; END IF;"
        for model, count in rows.items()
    )
    cursor.execute(f"DO $$ BEGIN {checks} END $$")


def _rescore_in_database(year: int, profiles: dict[int, Rules], total: int) -> int:
    quote = connection.ops.quote_name

    def table(model) -> str:
        return quote(model._meta.db_table)

    def column(model, name: str) -> str:
        return quote(model._meta.get_field(name).column)

    rules = ProfileRules.of(profiles)
    inputs = {name: f"r.{column(IndicatorResult, name)}" for name in RESULT_INPUTS}
    inputs.update({name: f"i.{column(Indicator, field)}" for name, field in INDICATOR_INPUTS.items()})
    score, flag = scoring_sql(inputs, "pr", rules.band_keys)
    computed, stored_flag = (column(IndicatorResult, n) for n in ("computed_score", "flag"))
    period = Evaluation._meta.get_field("period").related_model
    # One UPDATE, the scores computed in it. A result never scored (no flag yet) that gets a flag
    # changes for certain, so the filter does not compute its score and flag a first time only for
    # SET to compute them again; a scored result is compared and rewritten only if they changed.
    never_scored = f"(r.{stored_flag} = '' AND r.{computed} IS NULL AND NOT {unscored_sql(inputs)})"
    update = f"""
        WITH {rules.sql}
        UPDATE {table(IndicatorResult)} r SET {computed} = {score}, {stored_flag} = {flag}
        FROM {table(Evaluation)} e, {table(period)} pe, profile_rules pr, {table(Indicator)} i
        WHERE e.{column(Evaluation, "id")} = r.{column(IndicatorResult, "evaluation")}
            AND pe.{column(period, "id")} = e.{column(Evaluation, "period")}
            AND pr.profile_id = e.{column(Evaluation, "profile")}
            AND i.{column(Indicator, "id")} = r.{column(IndicatorResult, "indicator")}
            AND pe.{column(period, "year")} = %s
            AND ({never_scored} OR (r.{computed}, r.{stored_flag}) IS DISTINCT FROM ({score}, {flag}))
    """  # noqa: S608 - identifiers from model metadata, values as parameters
    with _session_settings(jit="off", work_mem="256MB") as cursor:
        evaluations = Evaluation.objects.filter(period__year=year).count()
        _refresh_statistics(cursor, {IndicatorResult: total, Indicator: total, Evaluation: evaluations})
        cursor.execute(update, [*rules.params, year])
        return cursor.rowcount


def _totals(year: int, profiles: dict[int, Rules]) -> int:
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
        rules = profiles[profile_id]
        budget_result = budget_score(budget=budget, executed=executed or Decimal(0), profile=rules)
        total = grade = None
        if count and not unscored:
            # Rows are stored already rounded, so their sum is the sum of rounded rows.
            total = total_score(
                [row_sum or Decimal(0)], budget_result.score, excluded_weight=excluded or Decimal(0), profile=rules
            )
            grade = grade_for(total, rules)
        rows.append((pk, budget_result.rate, budget_result.score, total, grade or "", now))
    # Always through COPY: a year's rescoring makes the same statements for 20 evaluations or 10,000.
    copy_update(Evaluation, ["budget_rate", "budget_score", "total", "grade", "scored_at"], rows, values_limit=0)
    return len(rows)
