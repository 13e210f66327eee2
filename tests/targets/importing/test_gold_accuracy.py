"""The importer against the hand-made gold extraction of each sample disclosure."""

import json
from pathlib import Path

import pytest

from budgets.readers import read_document
from targets.importing.export import extraction_to_json
from targets.importing.extract import extract
from targets.importing.gold import compare
from targets.levels import is_level1_label, is_level2_label

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures"
SEEDS = sorted((FIXTURES / "disclosures").glob("*.txt"))


def export_for(path: Path) -> dict:
    document = read_document(path.read_bytes(), path.name)
    return extraction_to_json(extract(document), seed=path.name)


@pytest.mark.parametrize("path", SEEDS, ids=[path.stem for path in SEEDS])
def test_seed_matches_gold(path):
    gold = json.loads((FIXTURES / "gold" / f"{path.stem}.json").read_text(encoding="utf-8"))
    export = export_for(path)
    score = compare(gold, export)
    assert score.f1 >= 0.98, score.problems
    assert not score.problems, score.problems


def test_export_has_the_gold_shape():
    export = export_for(SEEDS[0])
    gold = json.loads((FIXTURES / "gold" / f"{SEEDS[0].stem}.json").read_text(encoding="utf-8"))
    assert set(gold) - {"notes"} <= set(export)
    project, gold_project = export["performance"]["projects"][0], gold["performance"]["projects"][0]
    assert set(gold_project) <= set(project)
    assert set(gold_project["indicators"][0]) <= set(project["indicators"][0])
    assert project["mid_term_goal"].startswith("确保办公网络")
    assert project["indicators"][0]["location"] == "第491行"


def test_all_37_department_indicators_of_the_city_sheet():
    export = export_for(next(path for path in SEEDS if path.name.startswith("002")))
    (sheet,) = export["performance"]["department_targets"]
    assert len(sheet["indicators"]) == 37
    units = {indicator["unit"] for indicator in sheet["indicators"]}
    assert units == {"定性指标", "定量指标", "%"}


def test_importer_holds_no_names_from_the_seeds():
    """No name of a sample is written into the importer; the standard 一级/二级 labels are vocabulary."""
    source = "\n".join(
        path.read_text(encoding="utf-8")
        for folder in ("targets/importing", "budgets/readers")
        for path in (FIXTURES.parent / folder).glob("*.py")
    )
    for path in SEEDS:
        gold = json.loads((FIXTURES / "gold" / f"{path.stem}.json").read_text(encoding="utf-8"))
        names = [gold["department"]] + [project["name"] for project in gold["performance"]["projects"]]
        names += [i["level3"] for p in gold["performance"]["projects"] for i in p["indicators"] if len(i["level3"]) > 6]
        for name in names:
            if is_level1_label(name) or is_level2_label(name):
                continue
            assert name not in source, name
