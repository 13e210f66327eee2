"""`score_indicator` as SQL expressions, for scoring a whole year inside PostgreSQL.

The Python function is the reference; these are the same branches and the same arithmetic over the
stored parse of the target (Indicator.comparator/target_number/unit/nature) and of the actual
(IndicatorResult.actual_comparator/actual_number/actual_unit), with each profile's numbers as a
row of `profile_rules`. tests/targets/scoring/test_sql_equivalence.py checks on PostgreSQL that both
give the same score and flag for the same inputs.

Scores are rounded once, half-up to two places (PostgreSQL's round() takes ties away from zero, as
ROUND_HALF_UP does), after one exact division, as the Python function does.
"""

from dataclasses import dataclass

from .indicator import Flag
from .rules import Rules
from .units import MAGNITUDE_PREFIXES, MAGNITUDES, UNIT_FAMILIES
from .values import Comparator, Nature

# What the expressions read, by name; the caller maps each to a column of its query.
INPUTS = (
    "weight",
    "not_applicable",
    "actual_text",
    "actual_comparator",
    "actual_number",
    "actual_unit",
    "assessment_level",
    "assessment_points",
    "target_comparator",
    "target_number",
    "target_unit",
    "target_nature",
)


def _q(text: str) -> str:
    """A string literal for a statement executed with parameters (so a literal % is written %%)."""
    return "'" + text.replace("'", "''").replace("%", "%%") + "'"


def unit_base_sql(column: str) -> str:
    """`units.split_unit(unit)[0]` as SQL, built from the same tables."""
    families = " ".join(f"WHEN {_q(unit)} THEN {_q('@' + family)}" for unit, (family, _) in UNIT_FAMILIES.items())
    prefixes = " ".join(
        f"WHEN left({column}, {len(p)}) = {_q(p)} THEN substr({column}, {len(p) + 1})" for p in MAGNITUDE_PREFIXES
    )
    return f"(CASE {column} {families} ELSE (CASE {prefixes} ELSE {column} END) END)"


def unit_factor_sql(column: str) -> str:
    """`units.split_unit(unit)[1]` as SQL."""
    families = " ".join(f"WHEN {_q(unit)} THEN {factor}" for unit, (_, factor) in UNIT_FAMILIES.items())
    prefixes = " ".join(f"WHEN left({column}, {len(p)}) = {_q(p)} THEN {MAGNITUDES[p]}" for p in MAGNITUDE_PREFIXES)
    return f"(CASE {column} {families} ELSE (CASE {prefixes} ELSE 1 END) END)::numeric"


@dataclass(frozen=True)
class ProfileRules:
    """`profile_rules`, a VALUES list with one row of numbers per rule profile version."""

    sql: str
    params: list
    band_keys: tuple[tuple[str, str], ...]  # (key, label) of each qualitative band, in column order

    @classmethod
    def of(cls, rules_by_profile: dict[int, Rules]) -> "ProfileRules":
        """Profiles scored together must share their band keys (every stored version has the same three)."""
        if not rules_by_profile:
            raise ValueError("no rule profile to score with")
        keys = {tuple((band.key, band.label) for band in rules.bands) for rules in rules_by_profile.values()}
        if len(keys) != 1:
            raise ValueError("rule profiles with different qualitative bands cannot be scored together")
        (band_keys,) = keys
        count = len(band_keys)
        columns = ["profile_id", "over", "linear"] + [f"{n}{k}" for k in range(count) for n in ("low", "high", "incl")]
        types = ["bigint", "numeric", "boolean"] + ["numeric", "numeric", "boolean"] * count
        placeholders = "(" + ", ".join(f"%s::{kind}" for kind in types) + ")"
        rows, params = [], []
        for profile_id, rules in sorted(rules_by_profile.items()):
            rows.append(placeholders)
            params += [profile_id, rules.over_achievement, rules.reverse_formula == "linear"]
            for band in rules.bands:
                params += [band.low, band.high, band.high_inclusive]
        sql = f"profile_rules({', '.join(columns)}) AS (VALUES {', '.join(rows)})"
        return cls(sql, params, band_keys)


def unscored_sql(inputs: dict[str, str]) -> str:
    """The first branch of score_indicator: no score and no flag (not applicable, or nothing entered
    and nothing judged). Every other result gets a non-empty flag."""
    c = inputs
    return f"({c['not_applicable']} OR ({c['actual_text']} = '' AND {c['assessment_level']} = ''))"


def scoring_sql(inputs: dict[str, str], rules_alias: str, band_keys) -> tuple[str, str]:
    """The score and the flag of one result as two SQL expressions over `inputs` (name → SQL) and
    the `profile_rules` row aliased `rules_alias`."""
    c = inputs
    p = rules_alias
    same_unit = f"({c['target_unit']} = '' OR {c['actual_unit']} = '' OR {c['target_unit']} = {c['actual_unit']})"
    v = f"({c['actual_number']} * (CASE WHEN {same_unit} THEN 1 ELSE {unit_factor_sql(c['actual_unit'])} END))"
    g = f"({c['target_number']} * (CASE WHEN {same_unit} THEN 1 ELSE {unit_factor_sql(c['target_unit'])} END))"
    w, pts, cmp, level = c["weight"], c["assessment_points"], c["target_comparator"], c["assessment_level"]

    def band(part: str) -> str:
        """low, high or incl of the band the evaluator chose."""
        choices = " ".join(
            f"WHEN {level} IN ({_q(key)}, {_q(label)}) THEN {p}.{part}{k}" for k, (key, label) in enumerate(band_keys)
        )
        return f"(CASE {choices} END)"

    known_band = f"({level} IN ({', '.join(_q(x) for pair in band_keys for x in pair)}))"
    in_band = (
        f"({w} > 0 AND {pts} >= {band('low')} * {w} AND ({pts} < {band('high')} * {w} "
        f"OR ({band('incl')} AND {pts} = {band('high')} * {w})))"
    )
    quantitative = (
        f"({c['target_nature']} = {_q(Nature.QUANTITATIVE)} AND {cmp} <> {_q(Comparator.RANGE)} "
        f"AND {c['actual_comparator']} NOT IN ({_q(Comparator.QUALITATIVE)}, {_q(Comparator.RANGE)}))"
    )
    comparable = f"({same_unit} OR {unit_base_sql(c['target_unit'])} = {unit_base_sql(c['actual_unit'])})"
    negative = f"{cmp} IN ({_q(Comparator.LE)}, {_q(Comparator.LT)})"
    negative_met = f"(({cmp} = {_q(Comparator.LT)} AND {v} < {g}) OR ({cmp} = {_q(Comparator.LE)} AND {v} <= {g}))"
    positive_met = f"(({cmp} = {_q(Comparator.GT)} AND {v} > {g}) OR ({cmp} <> {_q(Comparator.GT)} AND {v} >= {g}))"
    zero = f"({c['target_number']} = 0 AND {cmp} = {_q(Comparator.EQ)})"
    full = f"round({w}, 2)"
    # The branches of score_indicator, in its order.
    none = unscored_sql(inputs)
    score = f"""(CASE
        WHEN {none} THEN NULL
        WHEN NOT {quantitative} THEN
            (CASE WHEN {known_band} AND {pts} IS NOT NULL AND {in_band} THEN round({pts}, 2) END)
        WHEN NOT {comparable} THEN NULL
        WHEN {negative} THEN (CASE
            WHEN {negative_met} THEN {full}
            WHEN {p}.linear THEN
                (CASE WHEN {g} = 0 THEN 0 ELSE round({w} * greatest(0, 2 * {g} - {v}) / {g}, 2) END)
            WHEN {v} = 0 THEN 0
            ELSE round({w} * {g} / {v}, 2) END)
        WHEN {zero} THEN (CASE WHEN {v} = 0 THEN {full} ELSE 0 END)
        WHEN {positive_met} THEN {full}
        WHEN {g} = 0 THEN 0
        ELSE least(round({w} * greatest({v}, 0) / {g}, 2), {full})
    END)"""
    flag = f"""(CASE
        WHEN {none} THEN ''
        WHEN NOT {quantitative} THEN (CASE
            WHEN {level} = '' THEN {_q(Flag.NEEDS_JUDGEMENT)}
            WHEN NOT {known_band} THEN {_q(Flag.ERROR)}
            WHEN {pts} IS NULL THEN {_q(Flag.NEEDS_JUDGEMENT)}
            WHEN {in_band} THEN {_q(Flag.JUDGED)}
            ELSE {_q(Flag.ERROR)} END)
        WHEN NOT {comparable} THEN {_q(Flag.ERROR)}
        WHEN {negative} THEN (CASE WHEN {negative_met} THEN {_q(Flag.MET)} ELSE {_q(Flag.NOT_MET)} END)
        WHEN {zero} THEN (CASE WHEN {v} = 0 THEN {_q(Flag.MET)} ELSE {_q(Flag.NOT_MET)} END)
        WHEN NOT {positive_met} THEN {_q(Flag.NOT_MET)}
        WHEN {g} > 0 AND {v} > {g} * (1 + {p}.over) THEN {_q(Flag.OVER_ACHIEVED)}
        ELSE {_q(Flag.MET)}
    END)"""
    return score, flag
