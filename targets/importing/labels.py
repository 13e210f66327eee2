"""Recognising the printed labels of a target sheet: project facts, funds, goals, indicator headers."""

import re
from functools import lru_cache

from .text_utils import nfkc_compact

_TRAILING = re.compile(r"[:：]+$")
_UNIT_SUFFIX = re.compile(r"[(（](万元|元)[)）]")

# Project facts: printed label -> field.
PROJECT_LABELS = {
    "项目名称": "name",
    "项目编码": "code",
    "项目代码": "code",
    "项目编号": "code",
    "主管部门": "competent_department",
    "主管部门及代码": "competent_department",
    "主管单位": "competent_department",
    "实施单位": "implementing_unit",
    "项目实施单位": "implementing_unit",
    "项目承担单位": "implementing_unit",
    "预算单位": "budget_unit",
    "单位名称": "budget_unit",
    "项目负责人": "responsible_person",
    "负责人": "responsible_person",
    "联系人": "contact",
    "联系电话": "phone",
    "电话": "phone",
    "项目类别": "category",
    "项目类型": "category",
    "资金用途": "category",
    "项目属性": "continuity",
    "存续类型": "continuity",
    "项目性质": "continuity",
    "项目起止时间": "period",
    "起止时间": "period",
    "项目期限": "period",
    "实施期限": "period",
    "项目实施期": "period",
    "开始时间": "start",
    "开始日期": "start",
    "起始时间": "start",
    "结束时间": "end",
    "结束日期": "end",
    "完成时间": "end",
    "项目概况": "description",
    "项目简介": "description",
    "单位编码": "unit_code",
    "部门（单位）名称": "budget_unit",
    "部门名称": "budget_unit",
}

# Funds: printed label -> (period or None for "the block's", part).
FUND_LABELS = {
    "中期资金总额": ("mid_term", "total"),
    "实施期资金总额": ("mid_term", "total"),
    "年度资金总额": ("annual", "total"),
    "资金总额": (None, "total"),
    "项目资金总额": (None, "total"),
    "项目本年度金额": ("annual", "total"),
    "本年度金额": ("annual", "total"),
    "年度预算金额": ("annual", "total"),
    "其中：财政拨款": (None, "fiscal"),
    "其中:财政拨款": (None, "fiscal"),
    "财政拨款": (None, "fiscal"),
    "其中：当年财政拨款": (None, "fiscal"),
    "当年财政拨款": (None, "fiscal"),
    "本年财政拨款": (None, "fiscal"),
    "其中：本年财政拨款": (None, "fiscal"),
    "财政资金": (None, "fiscal"),
    "财政性资金": (None, "fiscal"),
    "财政拨款资金": (None, "fiscal"),
    "上年结转": (None, "carryover"),
    "上年结转资金": (None, "carryover"),
    "上年结余结转": (None, "carryover"),
    "其他资金": (None, "other"),
    "其他来源资金": (None, "other"),
    "其他来源": (None, "other"),
    "自筹资金": (None, "other"),
    "单位自筹": (None, "other"),
    "年度资金": ("annual", "total"),
    "中期资金": ("mid_term", "total"),
    "上年结余": (None, "carryover"),
}
# Printed but not funds of a period (kept out of indicators and goals).
IGNORED_LABELS = {
    "项目总金额",
    "上年度项目总金额",
    "项目上年度金额",
    "项目详细信息",
    "立项依据",
    "项目设立的必要性",
    "项目配套制度措施",
    "项目实施计划",
    "备注",
    "项目绩效目标",
    "年度主要任务",
    "任务名称",
    "主要内容",
    "预算情况",
    "绩效指标",
    "项目资金",
    "项目资金（万元）",
    "项目资金（元）",
}

_GOAL_PATTERNS = [
    (re.compile(r"^(?:项目)?(?:中期|实施期|长期)(?:总体|绩效)*目标"), "mid_term"),
    (re.compile(r"^(?:项目)?(?:\d{4}年)?(?:年度|本年度|当年)(?:总体|绩效)*目标"), "annual"),
    (re.compile(r"^(?:项目)?(?:总体|总)(?:绩效)?目标$"), "overall"),
    (re.compile(r"^(?:项目)?绩效目标$"), "overall"),
    (re.compile(r"^(?:年度)?履职目标$"), "annual"),
    (re.compile(r"^部门整体(?:绩效)?目标$"), "annual"),
]


@lru_cache(maxsize=65536)
def label_key(text: str | None) -> str:
    key = _TRAILING.sub("", nfkc_compact(text))
    return key.replace("(", "（").replace(")", "）")


@lru_cache(maxsize=65536)
def project_field(text: str) -> str | None:
    key = label_key(text)
    if key in PROJECT_LABELS:
        return PROJECT_LABELS[key]
    return PROJECT_LABELS.get(key.replace("：", ""))


@lru_cache(maxsize=65536)
def fund_label(text: str) -> tuple[str | None, str] | None:
    key = label_key(text)
    key = _UNIT_SUFFIX.sub("", key)
    return FUND_LABELS.get(key) or FUND_LABELS.get(key.replace("其中", "").lstrip("：:"))


@lru_cache(maxsize=65536)
def fund_unit(text: str) -> str | None:
    match = _UNIT_SUFFIX.search(label_key(text))
    return match.group(1) if match else None


@lru_cache(maxsize=65536)
def goal_period(text: str) -> str | None:
    key = label_key(text)
    if len(key) > 30:
        return None
    for pattern, period in _GOAL_PATTERNS:
        if pattern.search(key):
            return period
    return None


@lru_cache(maxsize=65536)
def is_ignored(text: str) -> bool:
    key = _UNIT_SUFFIX.sub("", label_key(text))
    return key in IGNORED_LABELS or label_key(text) in IGNORED_LABELS


def is_label(text: str) -> bool:
    return bool(project_field(text) or fund_label(text) or goal_period(text) or is_ignored(text))


# Indicator table headers.
_HEADER_ROLES = [
    ("level1", re.compile(r"^一级(?:绩效)?指标")),
    ("level2", re.compile(r"^二级(?:绩效)?指标")),
    ("level3", re.compile(r"^(?:三级(?:绩效)?指标|指标名称|绩效指标名称|三级指标名称)")),
    ("nature", re.compile(r"^(?:指标性质|指标方向|比较方式|计算符号)$")),
    ("unit", re.compile(r"^(?:度量单位|计量单位|单位)$")),
    ("weight", re.compile(r"^(?:分值|权重|指标分值|分值权重)")),
    ("project", re.compile(r"^项目名称$")),
    ("value", re.compile(r"(?:指标值|目标值|预期值|绩效目标值|标准值)")),
]


@lru_cache(maxsize=65536)
def header_role(text: str) -> str | None:
    key = label_key(text)
    if not key or len(key) > 24:
        return None
    for role, pattern in _HEADER_ROLES:
        if pattern.search(key):
            return role
    return None


@lru_cache(maxsize=65536)
def value_period(text: str) -> str | None:
    key = label_key(text)
    if re.search(r"中期|实施期|长期", key):
        return "mid_term"
    if "年度" in key:
        return "annual"
    return None


SHEET_TITLE = re.compile(r"绩效目标(?:申报|申请|批复)?表")
DEPARTMENT_SHEET = re.compile(r"整体(?:支出)?绩效目标|部门绩效目标")


@lru_cache(maxsize=65536)
def is_sheet_title(text: str) -> bool:
    key = nfkc_compact(text)
    if len(key) > 80 or not SHEET_TITLE.search(key):
        return False
    return not re.match(r"^[\d一二三四五六七八九十]+[.、．]", key)
