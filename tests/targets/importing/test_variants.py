"""Layouts the sample disclosures do not have, in documents we wrote (fixtures/disclosures/variants/)."""

import json
from pathlib import Path

import pytest

from budgets.readers import read_document
from targets.importing.export import extraction_to_json
from targets.importing.extract import extract
from targets.importing.gold import compare
from targets.importing.model import with_comparator

VARIANTS = Path(__file__).resolve().parents[3] / "fixtures" / "disclosures" / "variants"
DOCUMENTS = sorted(path for path in VARIANTS.iterdir() if not path.name.endswith(".json"))


def export_for(path: Path) -> dict:
    return extraction_to_json(extract(read_document(path.read_bytes(), path.name)), seed=path.name)


@pytest.mark.parametrize("path", DOCUMENTS, ids=[path.name for path in DOCUMENTS])
def test_variant_matches_expected(path):
    expected = json.loads(path.with_name(path.name.rsplit(".", 1)[0] + ".expected.json").read_text("utf-8"))
    score = compare(expected, export_for(path))
    assert not score.problems, score.problems


def test_separate_comparator_and_unit_columns_are_combined():
    export = export_for(VARIANTS / "pipes-flat-table.md")
    first = export["performance"]["projects"][0]["indicators"][0]
    assert (first["value"], first["target_text"], first["comparator"], first["number"], first["parsed_unit"]) == (
        "85",
        "≥85",
        "GE",
        "85",
        "个",
    )
    assert first["weight"] == "20"
    qualitative = export["performance"]["projects"][1]["indicators"][2]
    assert (qualitative["target_text"], qualitative["nature"]) == ("明显提高", "qualitative")


def test_codes_for_labels_with_points_and_local_names():
    projects = export_for(VARIANTS / "pipes-flat-table.md")["performance"]["projects"]
    codes = {(i["level1"], i["level1_code"]) for project in projects for i in project["indicators"]}
    assert ("产出指标(50分)", "OUTPUT") in codes
    assert ("项目完成指标", "OUTPUT") in codes
    assert ("效果指标", "BENEFIT") in codes


def test_amounts_in_yuan_are_converted_exactly():
    project = export_for(VARIANTS / "spaces-yuan-long-term.txt")["performance"]["projects"][0]
    assert (project["mid_term_total"], project["annual_fiscal"], project["annual_other"]) == (150.0, 48.0, 2.0)
    assert project["mid_term_years"] == [2025, 2027]


@pytest.mark.parametrize(
    ("value", "comparator", "expected"),
    [
        ("85", "≥", "≥85"),
        ("2", "反向", "≤2"),
        ("95", "正向", "≥95"),
        ("明显提高", "定性", "明显提高"),
        ("≥90", "≥", "≥90"),
        ("", "≥", ""),
    ],
)
def test_with_comparator(value, comparator, expected):
    assert with_comparator(value, comparator) == expected


SELF_EVALUATIONS = ["cell-lines-self-evaluation.txt", "fused-self-evaluation.txt"]
DETAILS = ("value_operator", "value_unit", "actual", "weight", "score", "deviation_reason")


@pytest.mark.parametrize("name", SELF_EVALUATIONS)
def test_self_evaluation_actuals_weights_scores_and_reasons(name):
    path = VARIANTS / name
    expected = json.loads(path.with_name(path.stem + ".expected.json").read_text("utf-8"))
    (project,) = export_for(path)["performance"]["projects"]
    (wanted,) = expected["performance"]["projects"]
    assert [{key: i[key] for key in DETAILS} for i in project["indicators"]] == [
        {key: i[key] for key in DETAILS} for i in wanted["indicators"]
    ]
    for key in ("annual_executed", "execution_rate", "budget_weight", "budget_score"):
        assert project[key] == wanted[key]
    assert project["kind"] == "self_evaluation"
    assert all(line["location"] for line in project["budget_block"]["lines"])


def test_fused_numbers_are_split_by_the_execution_rate_and_marked():
    project = export_for(VARIANTS / "fused-self-evaluation.txt")["performance"]["projects"][0]
    assert (project["annual_total"], project["annual_executed"], project["execution_rate"]) == (60.0, 60.0, "100.00%")
    assert "数字粘连，按列拆分" in project["budget_block"]["uncertain"]
    assert all("单元格按数值形状拆分" in indicator["uncertain"] for indicator in project["indicators"])


def test_single_spaces_with_a_wrapped_range_label():
    project = export_for(VARIANTS / "single-spaces-approval.txt")["performance"]["projects"][0]
    assert {i["level1"] for i in project["indicators"]} >= {"成本指标(0-20)分", "产出指标(40-50)分"}
    assert (project["mid_term_total"], project["annual_total"], project["annual_fiscal"]) == (30.0, 30.0, 28.0)
