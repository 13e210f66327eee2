import json
from pathlib import Path

import pytest

from targets.levels import Level1, Level2, level1_code, level1_for, level2_code, normalise_label

GOLD_DIR = Path(__file__).resolve().parents[2] / "fixtures" / "gold"

LEVEL1 = [
    ("产出指标", Level1.OUTPUT),
    ("产出目标", Level1.OUTPUT),
    ("产出指标(50分)", Level1.OUTPUT),
    ("产出指标（50 分）", Level1.OUTPUT),
    ("项目完成指标", Level1.OUTPUT),
    ("效益指标", Level1.BENEFIT),
    ("效果目标", Level1.BENEFIT),
    ("效果指标", Level1.BENEFIT),
    ("满意度指标", Level1.SATISFACTION),
    ("社会公众或服务对象满意度指标", Level1.SATISFACTION),
    ("成本指标", Level1.COST),
    ("投入与目标管理", Level1.INPUT),
    ("投入管理指标", Level1.INPUT),
    ("影响力目标", Level1.IMPACT),
    ("过程指标", Level1.PROCESS),
    ("", ""),
    (None, ""),
    ("其他", ""),
]

LEVEL2 = [
    ("数量指标", "", Level2.QUANTITY),
    ("数量", "", Level2.QUANTITY),
    ("质量 指标", "", Level2.QUALITY),
    ("时效", "", Level2.TIMELINESS),
    ("进度指标", "", Level2.TIMELINESS),
    ("成本指标", Level1.OUTPUT, Level2.OUTPUT_COST),
    ("成本指标", "", Level2.OUTPUT_COST),
    ("成本指标", Level1.COST, Level2.ECONOMIC_COST),
    ("经济成本指标", Level1.COST, Level2.ECONOMIC_COST),
    ("社会成本指标", Level1.COST, Level2.SOCIAL_COST),
    ("生态环境成本指标", Level1.COST, Level2.ECO_COST),
    ("经济效益指标", "", Level2.ECONOMIC_BENEFIT),
    ("社会效益", "", Level2.SOCIAL_BENEFIT),
    ("环境效益", "", Level2.ECOLOGICAL_BENEFIT),
    ("生态效益指标", "", Level2.ECOLOGICAL_BENEFIT),
    ("可持续影响指标", "", Level2.SUSTAINABLE_IMPACT),
    ("服务对象满意度指标", "", Level2.SERVICE_SATISFACTION),
    ("社会公众或服务对象满意度指标", "", Level2.SERVICE_SATISFACTION),
    ("满意度", "", Level2.SERVICE_SATISFACTION),
    ("满意度指标", Level1.SATISFACTION, Level2.SERVICE_SATISFACTION),
    ("预算和财务管理", Level1.INPUT, Level2.BUDGET_MANAGEMENT),
    ("财务管理", "", Level2.BUDGET_MANAGEMENT),
    ("投入管理", "", Level2.BUDGET_MANAGEMENT),
    ("项目管理", "", Level2.PROJECT_MANAGEMENT),
    ("工作目标管理", "", Level2.GOAL_MANAGEMENT),
    ("绩效管理", "", Level2.GOAL_MANAGEMENT),
    ("部门协助", "", Level2.COORDINATION),
    ("配套设施", "", Level2.FACILITIES),
    ("长效管理", "", Level2.LONG_TERM_MANAGEMENT),
    ("履职目标和主要任务完成情况", "", Level2.DUTY_PERFORMANCE),
    ("履职效益", "", Level2.DUTY_BENEFIT),
    ("", "", ""),
]


@pytest.mark.parametrize(("label", "code"), LEVEL1)
def test_level1_code(label, code):
    assert level1_code(label) == code


@pytest.mark.parametrize(("label", "level1", "code"), LEVEL2)
def test_level2_code(label, level1, code):
    assert level2_code(label, level1) == code


def test_every_gold_label_has_a_code():
    for path in GOLD_DIR.glob("*.json"):
        performance = json.loads(path.read_text(encoding="utf-8"))["performance"]
        sheets = performance["department_targets"] + performance["projects"]
        for sheet in sheets:
            for indicator in sheet["indicators"]:
                if indicator["level1"]:
                    assert level1_code(indicator["level1"]), (path.name, indicator["level1"])
                if indicator["level2"]:
                    assert level2_code(indicator["level2"]), (path.name, indicator["level2"])


@pytest.mark.parametrize(
    ("label", "normalised"),
    [
        ("产出指标(50分)", "产出"),
        (" 质量\n指标 ", "质量"),
        ("一、产出指标", "产出"),
        ("指标", "指标"),
        ("目标", "目标"),
    ],
)
def test_normalise_label(label, normalised):
    assert normalise_label(label) == normalised


def test_weighting_level1():
    assert level1_for(Level1.BENEFIT, Level2.SERVICE_SATISFACTION) == Level1.SATISFACTION
    assert level1_for("", Level2.QUALITY) == Level1.OUTPUT
    assert level1_for("", Level2.SUSTAINABLE_IMPACT) == Level1.BENEFIT
    assert level1_for(Level1.INPUT, Level2.BUDGET_MANAGEMENT) == Level1.INPUT
    assert level1_for("", "") == ""
