"""Canonical codes for 一级/二级 indicator labels as printed (see performance-rules.md §1).

Printed labels vary ("产出指标", "产出目标", "产出指标(50分)", "质量 指标", "效果目标"), so a label is
normalised (NFKC, whitespace and point suffixes removed, trailing 指标/目标 dropped) before lookup.
Unknown labels give "" and the printed text is always kept beside the code.
"""

import re
import unicodedata
from functools import lru_cache

from django.db import models
from django.utils.translation import gettext_lazy as _


class Level1(models.TextChoices):
    OUTPUT = "OUTPUT", _("产出")
    BENEFIT = "BENEFIT", _("效益")
    SATISFACTION = "SATISFACTION", _("满意度")
    COST = "COST", _("成本")
    INPUT = "INPUT", _("投入")
    PROCESS = "PROCESS", _("过程")
    IMPACT = "IMPACT", _("影响力")


class Level2(models.TextChoices):
    QUANTITY = "QUANTITY", _("数量")
    QUALITY = "QUALITY", _("质量")
    TIMELINESS = "TIMELINESS", _("时效")
    OUTPUT_COST = "OUTPUT_COST", _("成本（产出）")
    ECONOMIC_COST = "ECONOMIC_COST", _("经济成本")
    SOCIAL_COST = "SOCIAL_COST", _("社会成本")
    ECO_COST = "ECO_COST", _("生态环境成本")
    ECONOMIC_BENEFIT = "ECONOMIC_BENEFIT", _("经济效益")
    SOCIAL_BENEFIT = "SOCIAL_BENEFIT", _("社会效益")
    ECOLOGICAL_BENEFIT = "ECOLOGICAL_BENEFIT", _("生态效益")
    SUSTAINABLE_IMPACT = "SUSTAINABLE_IMPACT", _("可持续影响")
    SERVICE_SATISFACTION = "SERVICE_SATISFACTION", _("服务对象满意度")
    # Local frameworks (投入与目标管理, 过程, 影响力 …)
    GOAL_MANAGEMENT = "GOAL_MANAGEMENT", _("目标管理")
    BUDGET_MANAGEMENT = "BUDGET_MANAGEMENT", _("预算和财务管理")
    PROJECT_MANAGEMENT = "PROJECT_MANAGEMENT", _("项目管理")
    ASSET_MANAGEMENT = "ASSET_MANAGEMENT", _("资产管理")
    HUMAN_RESOURCES = "HUMAN_RESOURCES", _("人力资源")
    COORDINATION = "COORDINATION", _("部门协助")
    FACILITIES = "FACILITIES", _("配套设施")
    INFORMATION_SHARING = "INFORMATION_SHARING", _("信息共享")
    LONG_TERM_MANAGEMENT = "LONG_TERM_MANAGEMENT", _("长效管理")
    DUTY_PERFORMANCE = "DUTY_PERFORMANCE", _("履职目标完成")
    DUTY_BENEFIT = "DUTY_BENEFIT", _("履职效益")
    OTHER = "OTHER", _("其他")


_POINTS_SUFFIX = re.compile(r"[(（]\s*\d+(?:\.\d+)?\s*分\s*[)）]$")
_SUFFIXES = ("指标", "目标")

_LEVEL1_BY_LABEL = {
    "产出": Level1.OUTPUT,
    "效益": Level1.BENEFIT,
    "效果": Level1.BENEFIT,
    "满意度": Level1.SATISFACTION,
    "社会公众或服务对象满意度": Level1.SATISFACTION,
    "服务对象满意度": Level1.SATISFACTION,
    "成本": Level1.COST,
    "投入": Level1.INPUT,
    "投入管理": Level1.INPUT,
    "投入与目标管理": Level1.INPUT,
    "投入和目标管理": Level1.INPUT,
    "过程": Level1.PROCESS,
    "项目管理": Level1.PROCESS,
    "过程管理": Level1.PROCESS,
    "影响力": Level1.IMPACT,
    "项目完成": Level1.OUTPUT,
}

_LEVEL2_BY_LABEL = {
    "数量": Level2.QUANTITY,
    "质量": Level2.QUALITY,
    "时效": Level2.TIMELINESS,
    "进度": Level2.TIMELINESS,
    "经济成本": Level2.ECONOMIC_COST,
    "社会成本": Level2.SOCIAL_COST,
    "生态环境成本": Level2.ECO_COST,
    "生态成本": Level2.ECO_COST,
    "环境成本": Level2.ECO_COST,
    "经济效益": Level2.ECONOMIC_BENEFIT,
    "社会效益": Level2.SOCIAL_BENEFIT,
    "生态效益": Level2.ECOLOGICAL_BENEFIT,
    "环境效益": Level2.ECOLOGICAL_BENEFIT,
    "生态环境效益": Level2.ECOLOGICAL_BENEFIT,
    "可持续影响": Level2.SUSTAINABLE_IMPACT,
    "服务对象满意度": Level2.SERVICE_SATISFACTION,
    "社会公众或服务对象满意度": Level2.SERVICE_SATISFACTION,
    "满意度": Level2.SERVICE_SATISFACTION,
    "工作目标管理": Level2.GOAL_MANAGEMENT,
    "目标管理": Level2.GOAL_MANAGEMENT,
    "绩效管理": Level2.GOAL_MANAGEMENT,
    "预算和财务管理": Level2.BUDGET_MANAGEMENT,
    "预算管理": Level2.BUDGET_MANAGEMENT,
    "财务管理": Level2.BUDGET_MANAGEMENT,
    "投入管理": Level2.BUDGET_MANAGEMENT,
    "资金管理": Level2.BUDGET_MANAGEMENT,
    "项目管理": Level2.PROJECT_MANAGEMENT,
    "资产管理": Level2.ASSET_MANAGEMENT,
    "人力资源": Level2.HUMAN_RESOURCES,
    "部门协助": Level2.COORDINATION,
    "部门协作": Level2.COORDINATION,
    "配套设施": Level2.FACILITIES,
    "信息共享": Level2.INFORMATION_SHARING,
    "长效管理": Level2.LONG_TERM_MANAGEMENT,
    "履职目标和主要任务完成情况": Level2.DUTY_PERFORMANCE,
    "履职效益": Level2.DUTY_BENEFIT,
    "其它": Level2.OTHER,
    "其他": Level2.OTHER,
}

# Which 一级 a 二级 code belongs to when the 一级 label is missing, and for weighting.
_LEVEL1_OF_LEVEL2 = {
    Level2.QUANTITY: Level1.OUTPUT,
    Level2.QUALITY: Level1.OUTPUT,
    Level2.TIMELINESS: Level1.OUTPUT,
    Level2.OUTPUT_COST: Level1.OUTPUT,
    Level2.ECONOMIC_COST: Level1.COST,
    Level2.SOCIAL_COST: Level1.COST,
    Level2.ECO_COST: Level1.COST,
    Level2.ECONOMIC_BENEFIT: Level1.BENEFIT,
    Level2.SOCIAL_BENEFIT: Level1.BENEFIT,
    Level2.ECOLOGICAL_BENEFIT: Level1.BENEFIT,
    Level2.SUSTAINABLE_IMPACT: Level1.BENEFIT,
    Level2.SERVICE_SATISFACTION: Level1.SATISFACTION,
    Level2.DUTY_BENEFIT: Level1.BENEFIT,
    Level2.DUTY_PERFORMANCE: Level1.OUTPUT,
}


@lru_cache(maxsize=65536)
def normalise_label(label: str | None) -> str:
    """NFKC, no whitespace, no "(50分)" suffix, no trailing 指标/目标."""
    if not label:
        return ""
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", label))
    text = _POINTS_SUFFIX.sub("", text)
    text = re.sub(r"^[一二三四五六七八九十\d]+[、.．]", "", text)
    for suffix in _SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix):
            text = text[: -len(suffix)]
            break
    return text


@lru_cache(maxsize=65536)
def level1_code(label: str | None) -> str:
    key = normalise_label(label)
    if not key:
        return ""
    if key in _LEVEL1_BY_LABEL:
        return _LEVEL1_BY_LABEL[key]
    for fragment, code in (
        ("满意", Level1.SATISFACTION),
        ("产出", Level1.OUTPUT),
        ("效益", Level1.BENEFIT),
        ("效果", Level1.BENEFIT),
        ("成本", Level1.COST),
        ("投入", Level1.INPUT),
        ("影响力", Level1.IMPACT),
        ("过程", Level1.PROCESS),
    ):
        if fragment in key:
            return code
    return ""


@lru_cache(maxsize=65536)
def level2_code(label: str | None, level1: str = "") -> str:
    """The 二级 code; 成本 means OUTPUT_COST under 产出 (pre-2021) and ECONOMIC_COST under 成本."""
    key = normalise_label(label)
    if not key:
        return ""
    if key == "成本":
        return Level2.ECONOMIC_COST if level1 == Level1.COST else Level2.OUTPUT_COST
    if key in _LEVEL2_BY_LABEL:
        return _LEVEL2_BY_LABEL[key]
    for fragment, code in (
        ("满意", Level2.SERVICE_SATISFACTION),
        ("可持续", Level2.SUSTAINABLE_IMPACT),
        ("经济效益", Level2.ECONOMIC_BENEFIT),
        ("社会效益", Level2.SOCIAL_BENEFIT),
        ("生态", Level2.ECOLOGICAL_BENEFIT),
        ("环境效益", Level2.ECOLOGICAL_BENEFIT),
        ("数量", Level2.QUANTITY),
        ("质量", Level2.QUALITY),
        ("时效", Level2.TIMELINESS),
        ("进度", Level2.TIMELINESS),
    ):
        if fragment in key:
            return code
    return ""


def level1_for(level1: str, level2: str) -> str:
    """The 一级 an indicator counts under for weighting: a 满意度 二级 counts as SATISFACTION wherever
    it is printed, and a missing 一级 is inferred from the 二级."""
    if level2 == Level2.SERVICE_SATISFACTION:
        return Level1.SATISFACTION
    if level1:
        return level1
    return _LEVEL1_OF_LEVEL2.get(level2, "")


@lru_cache(maxsize=65536)
def is_level1_label(label: str | None) -> bool:
    return normalise_label(label) in _LEVEL1_BY_LABEL


@lru_cache(maxsize=65536)
def is_level2_label(label: str | None) -> bool:
    key = normalise_label(label)
    return key == "成本" or key in _LEVEL2_BY_LABEL


_LABEL_FORMS = {form for key in [*_LEVEL2_BY_LABEL, "成本"] for form in (key, key + "指标", key + "目标")}
_LABEL_PIECES = {
    piece for form in _LABEL_FORMS for size in range(2, len(form)) for piece in (form[:size], form[-size:])
}


@lru_cache(maxsize=65536)
def is_level2_fragment(text: str | None) -> bool:
    """A piece of a 二级 label broken by a page break ("可持续影" / "响指标", "时效" / "指标")."""
    compact = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))
    if compact == "指标":
        return True
    if not compact or len(compact) > 6 or is_level2_label(compact):
        return False
    return compact in _LABEL_PIECES


def joined_level2(first: str, second: str) -> str | None:
    """The label two fragments make together, or None when they do not make a known label."""
    joined = re.sub(r"\s+", "", (first or "") + (second or ""))
    return joined if is_level2_label(joined) else None


def level1_accepts(level1: str, level2: str) -> bool:
    """Whether a carried-down 一级 can stand above this 二级 (satisfaction may sit under benefit)."""
    expected = _LEVEL1_OF_LEVEL2.get(level2)
    if not level1 or not expected or expected == level1:
        return True
    if expected == Level1.SATISFACTION and level1 == Level1.BENEFIT:
        return True
    return expected == Level1.OUTPUT and level2 == Level2.OUTPUT_COST and level1 == Level1.COST
