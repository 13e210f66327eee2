"""Target-value parsing: every value printed in the gold extractions, plus layouts not in the seeds."""

import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from targets.scoring import Comparator, Nature, parse_target

GOLD_DIR = Path(__file__).resolve().parents[2] / "fixtures" / "gold"

# (printed value, separate 度量单位 cell, comparator, number, unit[, upper])
GOLD_VALUES = [
    ("", "", "QUALITATIVE", None, ""),
    ("0", "", "EQ", "0", ""),
    ("1-12月", "", "RANGE", "1", "月", "12"),
    ("10 万元", "", "EQ", "10", "万元"),
    ("10.5 万元", "", "EQ", "10.5", "万元"),
    ("100%", "", "EQ", "100", "%"),
    ("12 万元", "", "EQ", "12", "万元"),
    ("15 万元", "", "EQ", "15", "万元"),
    ("150万元", "", "EQ", "150", "万元"),
    ("1个", "", "EQ", "1", "个"),
    ("1份", "", "EQ", "1", "份"),
    ("2021 年—2023 年", "", "RANGE", "2021", "年", "2023"),
    ("2021-2023 年", "", "RANGE", "2021", "年", "2023"),
    ("2023 年底前", "", "LE", "2023", "年"),
    ("20万元", "", "EQ", "20", "万元"),
    ("21 万元", "", "EQ", "21", "万元"),
    ("22.5 万元", "", "EQ", "22.5", "万元"),
    ("24 万元", "", "EQ", "24", "万元"),
    ("30 万元", "", "EQ", "30", "万元"),
    ("31.5 万元", "", "EQ", "31.5", "万元"),
    ("4 万元", "", "EQ", "4", "万元"),
    ("40%", "", "EQ", "40", "%"),
    ("4000册", "", "EQ", "4000", "册"),
    ("5 万元", "", "EQ", "5", "万元"),
    ("5%", "", "EQ", "5", "%"),
    ("5个功能模块", "", "EQ", "5", "个"),
    ("7 万元", "", "EQ", "7", "万元"),
    ("7.5 万元", "", "EQ", "7.5", "万元"),
    ("8 万元", "", "EQ", "8", "万元"),
    ("90 万元", "", "EQ", "90", "万元"),
    ("90%", "", "EQ", "90", "%"),
    ("95%", "", "EQ", "95", "%"),
    ("=100", "", "EQ", "100", ""),
    ("=100%", "", "EQ", "100", "%"),
    ("=3个", "", "EQ", "3", "个"),
    (">95%", "", "GT", "95", "%"),
    ("≤1", "%", "LE", "1", "%"),
    ("≤2 小时", "", "LE", "2", "小时"),
    ("≤5", "%", "LE", "5", "%"),
    ("≤5 名", "", "LE", "5", "名"),
    ("≤90", "%", "LE", "90", "%"),
    ("≤9次", "", "LE", "9", "次"),
    ("≥100", "%", "GE", "100", "%"),
    ("≥1000篇", "", "GE", "1000", "篇"),
    ("≥100篇", "", "GE", "100", "篇"),
    ("≥10个", "", "GE", "10", "个"),
    ("≥1200 万次", "", "GE", "1200", "万次"),
    ("≥150 亿次", "", "GE", "150", "亿次"),
    ("≥15万", "", "GE", "15", "万"),
    ("≥16万件", "", "GE", "16", "万件"),
    ("≥16万件", "定量指标", "GE", "16", "万件"),
    ("≥2", "", "GE", "2", ""),
    ("≥3份", "", "GE", "3", "份"),
    ("≥400 万次", "", "GE", "400", "万次"),
    ("≥4000册", "定量指标", "GE", "4000", "册"),
    ("≥50 万次", "", "GE", "50", "万次"),
    ("≥50 亿次", "", "GE", "50", "亿次"),
    ("≥5400本", "", "GE", "5400", "本"),
    ("≥5400本", "定量指标", "GE", "5400", "本"),
    ("≥6个月", "", "GE", "6", "个月"),
    ("≥80", "%", "GE", "80", "%"),
    ("≥80%", "", "GE", "80", "%"),
    ("≥8万", "", "GE", "8", "万"),
    ("≥90%", "", "GE", "90", "%"),
    ("≥95%", "", "GE", "95", "%"),
    ("≥98", "%", "GE", "98", "%"),
    ("≥98%", "", "GE", "98", "%"),
    ("≥99", "%", "GE", "99", "%"),
    ("≥99%", "", "GE", "99", "%"),
    ("≥99.9%", "", "GE", "99.9", "%"),
    ("≦261 元", "", "LE", "261", "元"),
    ("≦87 万元", "", "LE", "87", "万元"),
    ("≧12场次", "", "GE", "12", "场次"),
    ("≧1500台", "", "GE", "1500", "台"),
    ("≧70个", "", "GE", "70", "个"),
    ("≧98%", "", "GE", "98", "%"),
    ("一致", "定性指标", "QUALITATIVE", None, ""),
    ("一般性操作≤5秒,一般性统计≤20秒,关键业务处理性能≥6Gbps,日志存储能力≥40TB", "", "QUALITATIVE", None, ""),
    ("不少于3家", "", "GE", "3", "家"),
    ("健全", "", "QUALITATIVE", None, ""),
    ("全年", "", "QUALITATIVE", None, ""),
    ("到位", "", "QUALITATIVE", None, ""),
    ("及时", "", "QUALITATIVE", None, ""),
    ("及时", "定性指标", "QUALITATIVE", None, ""),
    ("及时解决突发故障", "", "QUALITATIVE", None, ""),
    ("可控", "", "QUALITATIVE", None, ""),
    ("合理", "", "QUALITATIVE", None, ""),
    ("合理", "定性指标", "QUALITATIVE", None, ""),
    ("合规", "", "QUALITATIVE", None, ""),
    ("合规", "定性指标", "QUALITATIVE", None, ""),
    ("增加2种图元,1种主题；", "", "QUALITATIVE", None, ""),
    ("大于90分", "", "GT", "90", "分"),
    ("完备", "", "QUALITATIVE", None, ""),
    ("完整", "", "QUALITATIVE", None, ""),
    ("完整", "定性指标", "QUALITATIVE", None, ""),
    ("年底", "", "QUALITATIVE", None, ""),
    ("强", "", "QUALITATIVE", None, ""),
    ("归集和开放的数据增加0.2亿条", "", "GE", "0.2", "亿条"),
    ("影响程度较高", "", "QUALITATIVE", None, ""),
    ("成效明显", "", "QUALITATIVE", None, ""),
    ("成效显著", "", "QUALITATIVE", None, ""),
    ("提供20份以上的数据质量报告", "", "GE", "20", "份"),
    ("提高", "", "QUALITATIVE", None, ""),
    ("是", "", "QUALITATIVE", None, ""),
    ("显著提高", "", "QUALITATIVE", None, ""),
    ("有利于", "", "QUALITATIVE", None, ""),
    ("有效", "", "QUALITATIVE", None, ""),
    ("满意", "", "QUALITATIVE", None, ""),
    ("满意", "定性指标", "QUALITATIVE", None, ""),
    ("目标一致", "定性指标", "QUALITATIVE", None, ""),
    ("知识条数不少于6万条", "", "GE", "6", "万条"),
    ("符合", "定性指标", "QUALITATIVE", None, ""),
    ("虚拟防火墙内具备IDS、流量识别和病毒检测3个能力", "", "EQ", "3", "个"),
    ("规范", "", "QUALITATIVE", None, ""),
    ("规范", "定性指标", "QUALITATIVE", None, ""),
    ("长期", "", "QUALITATIVE", None, ""),
]

MORE_VALUES = [
    ("不少于 3 家", "", "GE", "3", "家"),
    ("≥ 98 %", "", "GE", "98", "%"),
    (">=90%", "", "GE", "90", "%"),
    ("<=3天", "", "LE", "3", "天"),
    ("＝100％", "", "EQ", "100", "%"),
    ("不超过5个工作日", "", "LE", "5", "个工作日"),
    ("不低于95%", "", "GE", "95", "%"),
    ("小于1%", "", "LT", "1", "%"),
    ("95%以上", "", "GE", "95", "%"),
    ("3小时以内", "", "LE", "3", "小时"),
    ("≥1,200 万次", "", "GE", "1200", "万次"),
    ("=0起", "", "EQ", "0", "起"),
    ("98", "%", "EQ", "98", "%"),
    ("100", "定量指标", "EQ", "100", ""),
    ("2021年1月-12月", "", "QUALITATIVE", None, ""),
]


def _check(value, unit_column, comparator, number, unit, upper=None):
    target = parse_target(value, unit=unit_column)
    assert target.text == value
    assert target.comparator == comparator
    assert target.number == (Decimal(number) if number is not None else None)
    assert target.unit == unit
    assert target.upper == (Decimal(upper) if upper is not None else None)
    expected_nature = Nature.QUALITATIVE if comparator == Comparator.QUALITATIVE else Nature.QUANTITATIVE
    assert target.nature == expected_nature


@pytest.mark.parametrize("row", GOLD_VALUES, ids=[repr(row[0]) for row in GOLD_VALUES])
def test_gold_value(row):
    _check(*row)


@pytest.mark.parametrize("row", MORE_VALUES, ids=[repr(row[0]) for row in MORE_VALUES])
def test_value_layouts_beyond_the_seeds(row):
    _check(*row)


def test_table_covers_every_gold_value():
    covered = {(row[0], row[1]) for row in GOLD_VALUES}
    for path in GOLD_DIR.glob("*.json"):
        performance = json.loads(path.read_text(encoding="utf-8"))["performance"]
        for sheet in performance["department_targets"]:
            for indicator in sheet["indicators"]:
                assert (indicator["value"], indicator.get("unit") or "") in covered, path.name
        for project in performance["projects"]:
            for indicator in project["indicators"]:
                assert (indicator["value"], "") in covered, path.name


def test_direction():
    assert parse_target("≤2 小时").is_negative
    assert not parse_target("≥98%").is_negative
    assert not parse_target("提高").is_quantitative


@given(st.text(max_size=60), st.one_of(st.none(), st.text(max_size=8)))
def test_never_raises_and_keeps_text(text, unit):
    target = parse_target(text, unit=unit)
    assert target.text == text
    if target.nature == Nature.QUALITATIVE:
        assert target.number is None
    else:
        assert target.number is not None


@pytest.mark.parametrize("bad", [None, 12, b"\xff", object()])
def test_non_text_input_is_qualitative(bad):
    target = parse_target(bad)
    assert target.comparator == Comparator.QUALITATIVE
    assert target.text == ""
