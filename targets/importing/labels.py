"""Recognising the printed labels of a target sheet: project facts, funds, goals, indicator headers,
一级/二级 labels, page chrome and table ends. The words themselves are in `vocabulary.py`."""

import re
from functools import lru_cache

from ..levels import is_level1_label, is_level2_label, normalise_label
from . import vocabulary as v
from .text_utils import nfkc_compact

_TRAILING = re.compile(r"[:：]+$")
_UNIT_SUFFIX = re.compile(r"[（(](?:单位[:：])?(万元|元)[）)]")
_STAMP = re.compile(r"[（(](?:盖章|签章|签字|公章)[）)]")
_PINYIN = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüê]{1,7}\)")
_LEADING_NUMBER = re.compile(r"^(?:[（(][一二三四五六七八九十\d]+[）)]|[一二三四五六七八九十]+、)")
_SUBTOTAL = re.compile(r"(?:小计|合计)$")
_POINTS = re.compile(r"[（(]\s*\d+(?:\.\d+)?\s*(?:-\s*\d+(?:\.\d+)?\s*)?分?\s*[)）]\s*分?$")
_GOALS = [(re.compile(pattern), period) for pattern, period in v.GOAL_PATTERNS]
_SIMPLIFIED = str.maketrans(v.TRADITIONAL_FORMS[0::2], v.TRADITIONAL_FORMS[1::2])


@lru_cache(maxsize=65536)
def recognition_key(text: str | None) -> str:
    """NFKC, no whitespace, no pinyin annotations, simplified label characters: for recognising a
    label, never for keeping text."""
    key = nfkc_compact(text)
    if "(" in key:
        key = _PINYIN.sub("", key)
    return key.translate(_SIMPLIFIED)


_HEADERS = [(role, re.compile(pattern)) for role, pattern in v.HEADER_ROLES]
_TABLE_END = [re.compile(pattern) for pattern in v.TABLE_END_PATTERNS]


@lru_cache(maxsize=65536)
def label_key(text: str | None) -> str:
    """The comparable form of a printed label: NFKC, no whitespace, no pinyin annotations of mirror
    sites, no stamp note, no trailing colon, full-width brackets."""
    key = recognition_key(text)
    if "(" in key:
        key = _STAMP.sub("", key)
    key = _TRAILING.sub("", key)
    return key.replace("(", "（").replace(")", "）")


@lru_cache(maxsize=65536)
def project_field(text: str) -> str | None:
    key = _UNIT_SUFFIX.sub("", label_key(text))
    if key in v.PROJECT_LABELS:
        return v.PROJECT_LABELS[key]
    return v.PROJECT_LABELS.get(key.replace("：", ""))


@lru_cache(maxsize=65536)
def fund_label(text: str) -> tuple[str | None, tuple[str, ...]] | None:
    """(period, parts) of a fund label: period None for the block's period, "project" for the
    whole-project amount; parts such as ("total",) or ("total", "fiscal")."""
    key = _UNIT_SUFFIX.sub("", label_key(text))
    if len(key) > 30:
        return None
    if key in v.FUND_LABELS:
        return v.FUND_LABELS[key]
    bare = _SUBTOTAL.sub("", _LEADING_NUMBER.sub("", key))
    among = bare.startswith("其中")
    bare = re.sub(r"^其中[：:]?", "", bare)
    if bare in v.FUND_LABELS:
        return v.FUND_LABELS[bare]
    if among or bare != key:
        for part, words in v.FUND_PART_WORDS:
            if any(word in bare for word in words) and bare.endswith(("资金", "拨款", "款", "金")):
                return (None, (part,))
    return None


@lru_cache(maxsize=65536)
def fund_unit(text: str) -> str | None:
    match = _UNIT_SUFFIX.search(label_key(text))
    return match.group(1) if match else None


@lru_cache(maxsize=65536)
def budget_column(text: str) -> str | None:
    """A column of the budget block (年初预算 | 全年预算数 | 执行数 | 执行率 | 分值 | 得分 …)."""
    key = re.sub(r"[（(][A-Za-z/]+[)）]$", "", _UNIT_SUFFIX.sub("", label_key(text)))
    return v.BUDGET_COLUMNS.get(key)


@lru_cache(maxsize=65536)
def is_budget_block_label(text: str) -> bool:
    key = _POINTS.sub("", _UNIT_SUFFIX.sub("", label_key(text)))
    return key in v.BUDGET_BLOCK_LABELS


@lru_cache(maxsize=65536)
def goal_period(text: str) -> str | None:
    key = label_key(text)
    if len(key) > 30:
        return None
    for pattern, period in _GOALS:
        if pattern.search(key):
            return period
    return None


@lru_cache(maxsize=65536)
def is_ignored(text: str) -> bool:
    key = label_key(text)
    bare = _POINTS.sub("", _UNIT_SUFFIX.sub("", key))
    return key in v.IGNORED_LABELS or bare in v.IGNORED_LABELS


def is_label(text: str) -> bool:
    return bool(project_field(text) or fund_label(text) or goal_period(text) or is_ignored(text))


@lru_cache(maxsize=65536)
def header_role(text: str) -> str | None:
    key = label_key(text)
    if not key or len(key) > 24:
        return None
    for role, pattern in _HEADERS:
        if pattern.search(key):
            return role
    return None


@lru_cache(maxsize=65536)
def value_period(text: str) -> str | None:
    key = label_key(text)
    if re.search(r"中期|实施期|长期|实施周期|项目期", key):
        return "mid_term"
    if re.search(r"年度|当年", key):
        return "annual"
    return None


def _level_key(text: str) -> str:
    return normalise_label(recognition_key(text))


def _is_level(text: str | None, known, extra: set[str]) -> bool:
    key = recognition_key(text)
    if not key or len(key) > 20:
        return False
    bare = _POINTS.sub("", key)
    return known(key) or known(bare) or _level_key(bare) in extra


@lru_cache(maxsize=65536)
def level1_label(text: str | None) -> bool:
    """A 一级 label as printed: 产出指标, 效益指标(30分), 成本指标(0-20)分, 项目完成指标, 实施效果指标 …"""
    return _is_level(text, is_level1_label, v.LEVEL1_EXTRA)


@lru_cache(maxsize=65536)
def level2_label(text: str | None) -> bool:
    return _is_level(text, is_level2_label, v.LEVEL2_EXTRA)


@lru_cache(maxsize=65536)
def points_suffix(text: str) -> bool:
    """A weight or range printed on its own line under a 一级 label: "(40-50)分", "(50分)"."""
    key = recognition_key(text)
    return bool(key) and bool(_POINTS.fullmatch(key))


@lru_cache(maxsize=65536)
def ends_table(text: str) -> bool:
    key = label_key(text)
    return any(pattern.search(key) for pattern in _TABLE_END)


@lru_cache(maxsize=65536)
def is_chrome(text: str) -> bool:
    key = label_key(text)
    return key.startswith(v.CHROME_PREFIXES)


SHEET_TITLE = re.compile(r"绩效(?:目标|自评)(?:申报|申请|批复|审批|设定|自评)?表|绩效自评表|绩效目标表")
DEPARTMENT_SHEET = re.compile(r"整体(?:支出)?绩效|部门绩效目标")


@lru_cache(maxsize=65536)
def is_sheet_title(text: str) -> bool:
    key = recognition_key(text)
    if len(key) > 80 or not SHEET_TITLE.search(key):
        return False
    return not re.match(r"^[\d一二三四五六七八九十]+[.、．]", key)


@lru_cache(maxsize=65536)
def is_self_evaluation_title(text: str) -> bool:
    return "自评" in recognition_key(text)


def is_department_title(text: str) -> bool:
    return bool(DEPARTMENT_SHEET.search(recognition_key(text)))
