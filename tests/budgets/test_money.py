from decimal import Decimal

import pytest

from budgets.money import parse_amount, quantize_wan, yuan_to_wan


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("45,480.19", Decimal("45480.19")),
        ("1623.35", Decimal("1623.35")),
        ("261 万", Decimal("261")),
        ("87万元", Decimal("87")),
        ("13,6", Decimal("13.6")),
        ("320.91\u3000", Decimal("320.91")),
        ("96,619,907", Decimal("96619907")),
        ("0.00", Decimal("0.00")),
        ("", None),
        ("\u3000", None),
        ("-", None),
    ],
)
def test_parse_amount(text, expected):
    assert parse_amount(text) == expected


@pytest.mark.parametrize("text", ["abc", "12a", "NaN", "Infinity"])
def test_parse_amount_rejects_text(text):
    with pytest.raises(ValueError, match="不是金额"):
        parse_amount(text)


def test_yuan_to_wan_is_exact():
    assert yuan_to_wan(Decimal("96619907")) == Decimal("9661.9907")
    assert yuan_to_wan(Decimal("150000.00")) == Decimal("15.0000")
    assert yuan_to_wan(Decimal("1414700.00")) == Decimal("141.4700")


def test_quantize_rounds_half_up():
    assert quantize_wan(Decimal("1.00005")) == Decimal("1.0001")
    assert quantize_wan(Decimal("2.00015")) == Decimal("2.0002")
    assert quantize_wan(Decimal("-1.00005")) == Decimal("-1.0001")


def test_float_is_refused():
    with pytest.raises(TypeError):
        quantize_wan(1.5)


def test_numbers_read_as_people_write_them():
    D = Decimal
    from budgets.money import grouped_number, plain_number

    assert [plain_number(v) for v in (D("12.000000"), D("12.5000"), D("0.9150"), D("-3.10"), None)] == [
        "12",
        "12.5",
        "0.915",
        "-3.1",
        "",
    ]
    assert grouped_number(D("1234567.5000")) == "1,234,567.5" and grouped_number(D("-1000")) == "-1,000"
    assert plain_number("提高") == "提高"
