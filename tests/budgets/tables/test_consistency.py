"""The consistency checks report the real inconsistencies of the sample disclosures, and nothing on
the tables that add up."""

from pathlib import Path

import pytest

from budgets.readers import read_document
from budgets.tables.checks import check_tables
from targets.importing.checks import project_funds_against_tables
from targets.importing.extract import extract

SEEDS = Path(__file__).resolve().parents[3] / "fixtures" / "disclosures"


def findings(prefix: str) -> list[tuple[str, str]]:
    path = next(SEEDS.glob(f"{prefix}_*.txt"))
    extraction = extract(read_document(path.read_bytes(), path.name))
    return [(w.location.describe(), w.message) for w in check_tables(extraction.budget_tables)]


def test_rounding_gap_in_the_basic_expense_total_row():
    assert findings("000") == [
        ("第257行", "“一般公共预算基本支出表”合计行“人员经费”为 17160.70 万元，各3位科目之和为 17160.69 万元"),
        ("第257行", "“一般公共预算基本支出表”合计行“公用经费”为 7295.90 万元，各3位科目之和为 7295.91 万元"),
    ]


def test_duplicated_rows_and_a_misprinted_category():
    found = findings("001")
    tables = {message.split("”")[0].lstrip("“") for _, message in found}
    # 表三/表五 repeat three rows; 表四 prints 296.03 for 296.3; 表六 prints 302 29 twice.
    assert tables == {
        "部门支出总体情况表",
        "一般公共预算支出情况表",
        "财政拨款收支预算总体情况表",
        "一般公共预算基本支出情况表",
    }
    assert (
        "第922行",
        "“财政拨款收支预算总体情况表”合计行“第1个金额”为 320.91 万元，各3位科目之和为 320.64 万元",
    ) in found
    assert all("部门收支总体情况表" not in message for _, message in found)


@pytest.mark.parametrize("prefix", ["002", "004"])
def test_tables_that_add_up_raise_nothing(prefix):
    assert findings(prefix) == []


def test_repeated_rows_in_the_county_tables():
    found = findings("003")
    assert (
        "第184行",
        "“2023 年部门一般公共预算基本支出预算表”合计行“预算数”为 1008.35 万元，各3位科目之和为 1092.74 万元",
    ) in found
    assert all("部门收支预算总表" not in message for _, message in found)


def test_project_funds_against_the_project_expense_table():
    path = next(SEEDS.glob("001_*.txt"))
    warnings = project_funds_against_tables(extract(read_document(path.read_bytes(), path.name)))
    assert [w.message for w in warnings] == [
        "项目“昌吉州政府网站和政务云平台运维费项目”绩效目标表的年度资金 170 万元与项目支出表中的 150 万元不一致"
    ]
    path = next(SEEDS.glob("004_*.txt"))
    assert project_funds_against_tables(extract(read_document(path.read_bytes(), path.name))) == []
