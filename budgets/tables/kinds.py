"""Which standard budget table a printed title names."""

import re

from django.db import models
from django.utils.translation import gettext_lazy as _


class TableKind(models.TextChoices):
    INCOME_EXPENSE_SUMMARY = "income_expense_summary", _("收支总表")
    INCOME = "income", _("收入总表")
    EXPENSE = "expense", _("支出总表")
    FISCAL_SUMMARY = "fiscal_summary", _("财政拨款收支总表")
    GENERAL_PUBLIC_EXPENSE = "general_public_expense", _("一般公共预算支出表")
    GENERAL_PUBLIC_BASIC_EXPENSE = "general_public_basic_expense", _("一般公共预算基本支出表")
    THREE_PUBLIC = "three_public", _("“三公”经费支出表")
    GOV_FUND = "gov_fund", _("政府性基金预算支出表")
    STATE_CAPITAL = "state_capital", _("国有资本经营预算支出表")
    PROCUREMENT = "procurement", _("政府采购预算表")
    PROJECT_EXPENSE = "project_expense", _("项目支出表")
    OTHER = "other", _("其他")


# Checked in order: the first pattern that matches the compacted title decides.
_RULES = [
    (r"三公", TableKind.THREE_PUBLIC),
    (r"政府性基金", TableKind.GOV_FUND),
    (r"国有资本经营", TableKind.STATE_CAPITAL),
    (r"政府采购", TableKind.PROCUREMENT),
    (r"政府购买服务|转移支付|非税收入|部门预算基本支出|单位基本支出", TableKind.OTHER),
    (r"财政拨款.*收支", TableKind.FISCAL_SUMMARY),
    (r"一般公共预算.*基本支出", TableKind.GENERAL_PUBLIC_BASIC_EXPENSE),
    (r"项目支出", TableKind.PROJECT_EXPENSE),
    (r"一般公共预算.*支出", TableKind.GENERAL_PUBLIC_EXPENSE),
    (r"收支", TableKind.INCOME_EXPENSE_SUMMARY),
    (r"收入", TableKind.INCOME),
    (r"支出", TableKind.EXPENSE),
]
_TITLE = re.compile(r"(?:预算|收支|收入|支出|经费|采购|服务|转移支付)[^。，；]{0,20}表(?:[(（][^)）]{0,20}[)）])?$")
_NOT_TITLE = re.compile(r"绩效|目标|说明$|^[\d一二三四五六七八九十]+[.、．]|\.{3,}|…")


def is_table_title(text: str) -> bool:
    key = re.sub(r"\s+", "", text or "")
    return 4 <= len(key) <= 60 and bool(_TITLE.search(key)) and not _NOT_TITLE.search(key)


def table_kind(title: str) -> str:
    key = re.sub(r"\s+", "", title or "")
    for pattern, kind in _RULES:
        if re.search(pattern, key):
            return kind
    return TableKind.OTHER
