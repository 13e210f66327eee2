"""Planning a re-import: a fund that moves about ten-thousandfold (元 read as 万元, or the reverse)
is flagged before anything is written."""

from pathlib import Path

import pytest

from targets.importing.services import disclosure_import
from tests.factories import DepartmentFactory

SEED = Path(__file__).resolve().parents[3] / "fixtures" / "disclosures" / "000_890aa3d5553b712d.txt"
TEXT = SEED.read_text(encoding="utf-8")


@pytest.fixture
def office(db):
    return DepartmentFactory(code="OFFICE", name="国务院办公厅")


def run(text: str, **kwargs):
    return disclosure_import(content=text.encode("utf-8"), name="again.txt", actor=None, **kwargs)


def slips(result) -> list[str]:
    return [line for line in result.report()["warnings"] if "一万倍" in line]


@pytest.mark.parametrize("printed", ["120884600.00", "1.208846"])
def test_a_fund_ten_thousand_times_off_is_flagged(office, printed):
    run(TEXT)
    result = run(TEXT.replace("12088.46", printed), dry_run=True)
    (warning,) = slips(result)
    assert warning.startswith("again.txt 第") and "信息化运行维护 · 年度资金：资金总额由 12088.46 万元" in warning
    assert "“元”和“万元”" in warning


@pytest.mark.parametrize("printed", ["12100.00", "1208.846", "120884.6"])
def test_an_ordinary_change_is_not_flagged(office, printed):
    run(TEXT)
    assert slips(run(TEXT.replace("12088.46", printed), dry_run=True)) == []


def test_a_first_import_has_nothing_to_compare_with(office):
    assert slips(run(TEXT.replace("12088.46", "120884600.00"))) == []
