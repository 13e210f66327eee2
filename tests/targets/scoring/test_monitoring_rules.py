import datetime
from decimal import Decimal

import pytest

from targets.scoring.monitoring import budget_warning, missing_for_deviation, time_progress

D = Decimal


@pytest.mark.parametrize(
    ("cut_off", "progress"),
    [
        (datetime.date(2021, 7, 31), D("0.5833")),
        (datetime.date(2021, 6, 30), D("0.5000")),
        (datetime.date(2021, 8, 15), D("0.5833")),
        (datetime.date(2021, 12, 31), D("1.0000")),
    ],
)
def test_time_progress(cut_off, progress):
    assert time_progress(cut_off) == progress


@pytest.mark.parametrize(
    ("rate", "colour"),
    [
        (D("0.60"), "green"),
        (D("0.4833"), "green"),
        (D("0.4832"), "yellow"),
        (D("0.3833"), "yellow"),
        (D("0.38"), "red"),
        (None, "red"),
    ],
)
def test_budget_warning_against_july_progress(rate, colour):
    assert budget_warning(rate, D("0.5833")) == colour


def test_reasons_explanation_and_measure_are_required_when_at_risk():
    assert missing_for_deviation(likelihood="certain", warning="green", reasons=[], explanation="", measure="") == []
    assert missing_for_deviation(likelihood="possible", warning="green", reasons=[], explanation="", measure="") == [
        "偏差原因",
        "原因说明",
        "纠偏措施",
    ]
    assert (
        missing_for_deviation(
            likelihood="certain", warning="red", reasons=["funding"], explanation="资金未到位", measure="adjust_budget"
        )
        == []
    )
    assert missing_for_deviation(
        likelihood="impossible", warning="green", reasons=["nonsense"], explanation="x", measure="suspend_project"
    ) == ["偏差原因"]
