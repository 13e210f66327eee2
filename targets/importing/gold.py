"""Comparing an export with a gold extraction, by the rules in fixtures/gold/README.md. Used by the
accuracy tests and by `import_disclosure --compare`."""

import unicodedata
from dataclasses import dataclass, field

from .text_utils import compact

FUND_FIELDS = [
    f"{period}_{part}" for period in ("mid_term", "annual") for part in ("total", "fiscal", "carryover", "other")
]


def _norm(text) -> str:
    return compact(unicodedata.normalize("NFKC", text or ""))


@dataclass
class Score:
    true_positive: int = 0
    expected: int = 0
    found: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def f1(self) -> float:
        if not self.expected and not self.found:
            return 1.0
        precision = self.true_positive / self.found if self.found else 0.0
        recall = self.true_positive / self.expected if self.expected else 0.0
        return 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)


def _match_indicators(expected: list[dict], found: list[dict], score: Score, where: str, with_period: bool) -> None:
    def key(item):
        return (item.get("period") if with_period else None, _norm(item["level3"]), _norm(item["value"]))

    remaining = list(found)
    score.expected += len(expected)
    score.found += len(found)
    for item in expected:
        match = next((candidate for candidate in remaining if key(candidate) == key(item)), None)
        if match is None:
            score.problems.append(f"{where}: missing {key(item)}")
            continue
        remaining.remove(match)
        score.true_positive += 1
        for level in ("level1", "level2"):
            if _norm(item[level]) != _norm(match[level]):
                score.problems.append(f"{where}: {level} {match[level]!r} != {item[level]!r} for {key(item)}")
    for extra in remaining:
        score.problems.append(f"{where}: unexpected {key(extra)}")


def compare(gold: dict, export: dict) -> Score:
    score = Score()
    for field_name in ("department", "year", "money_unit"):
        if gold[field_name] != export[field_name]:
            score.problems.append(f"{field_name}: {export[field_name]!r} != {gold[field_name]!r}")
    expected_projects = gold["performance"]["projects"]
    found_projects = {_norm(p["name"]): p for p in export["performance"]["projects"]}
    for project in expected_projects:
        found = found_projects.pop(_norm(project["name"]), None)
        where = project["name"]
        if found is None:
            score.problems.append(f"project missing: {where}")
            _match_indicators(project["indicators"], [], score, where, True)
            continue
        for field_name in FUND_FIELDS:
            a, b = project[field_name], found[field_name]
            if (a is None) != (b is None) or (a is not None and abs(a - b) > 0.005):
                score.problems.append(f"{where}: {field_name} {b!r} != {a!r}")
        for field_name in (
            "implementing_unit",
            "competent_department",
            "start",
            "end",
            "mid_term_goal_startswith",
            "annual_goal_startswith",
        ):
            if _norm(project[field_name]) != _norm(found[field_name]):
                score.problems.append(f"{where}: {field_name} {found[field_name]!r} != {project[field_name]!r}")
        _match_indicators(project["indicators"], found["indicators"], score, where, True)
    for name in found_projects:
        score.problems.append(f"unexpected project: {name}")
    _compare_tables(gold.get("budget_tables", []), export.get("budget_tables", []), score)
    expected_sheets = gold["performance"]["department_targets"]
    found_sheets = export["performance"]["department_targets"]
    for index, sheet in enumerate(expected_sheets):
        found = found_sheets[index] if index < len(found_sheets) else {"title": None, "indicators": []}
        if _norm(found["title"]) != _norm(sheet["title"]):
            score.problems.append(f"department sheet title {found['title']!r} != {sheet['title']!r}")
        _match_indicators(sheet["indicators"], found["indicators"], score, sheet["title"], False)
    if len(found_sheets) > len(expected_sheets):
        score.problems.append(f"unexpected department sheets: {len(found_sheets) - len(expected_sheets)}")
    return score


def _compare_tables(expected: list[dict], found: list[dict], score: Score) -> None:
    remaining = list(found)
    for table in expected:
        candidates = [t for t in remaining if _norm(t["title"]) == _norm(table["title"])]
        match = None
        for candidate in candidates:
            total_ok = (candidate["total"] is None) == (table["total"] is None) and (
                table["total"] is None or abs(candidate["total"] - table["total"]) <= 0.005
            )
            if (candidate["kind"], candidate["empty"], candidate["rows_with_code"]) == (
                table["kind"],
                table["empty"],
                table["rows_with_code"],
            ) and total_ok:
                match = candidate
                break
        if match is None:
            got = [(c["kind"], c["total"], c["empty"], c["rows_with_code"]) for c in candidates] or "missing"
            score.problems.append(
                f"budget table {table['title']}: expected "
                f"{(table['kind'], table['total'], table['empty'], table['rows_with_code'])}, got {got}"
            )
            continue
        remaining.remove(match)
    for extra in remaining:
        score.problems.append(f"unexpected budget table: {extra['title']}")
