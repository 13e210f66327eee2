"""What the extractor finds in a document, before anything is stored."""

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal

from budgets.readers import Location


@dataclass
class Issue:
    message: str
    location: Location | None = None

    def describe(self, document_name: str) -> str:
        where = self.location.describe() if self.location else ""
        return f"{document_name} {where}：{self.message}" if where else f"{document_name}：{self.message}"


@dataclass
class ExtractedIndicator:
    period: str
    level1: str | None
    level2: str | None
    level3: str
    value: str
    location: Location
    unit: str | None = None
    weight: Decimal | None = None
    comparator_text: str | None = None
    project: str | None = None  # from a project-name column of a table holding several projects
    # A self-evaluation's columns, as printed: actual "" is an empty cell, None no such column.
    actual: str | None = None
    score: Decimal | None = None
    deviation_reason: str | None = None
    explanation: str | None = None  # 指标解释 / 指标值内容 / 绩效标准 / 评分标准 text
    parent: str | None = None  # a generic name printed before the indicator's own (prose tables)
    uncertain: list[str] = field(default_factory=list)  # short Chinese reasons, for the preview
    source_text: str = ""  # what the document printed in the cells a person corrected

    @property
    def target_text(self) -> str:
        """The value to parse: a separate 指标性质 cell (≥, 不低于, 正向/反向) joined to the 指标值."""
        return with_comparator(self.value, self.comparator_text)


_SPACES = re.compile(r"\s+")
_DIRECTIONS = {"正向": "≥", "反向": "≤", "正向指标": "≥", "反向指标": "≤"}
_COMPARATOR_WORDS = {
    "≥",
    "≤",
    ">",
    "<",
    "=",
    "＝",
    ">=",
    "<=",
    "≧",
    "≦",
    "不低于",
    "不少于",
    "不高于",
    "不超过",
    "大于",
    "小于",
    "高于",
    "低于",
    "超过",
    "至少",
    "等于",
}


def with_comparator(value: str, comparator: str | None) -> str:
    if not comparator:
        return value
    key = _SPACES.sub("", comparator)
    symbol = _DIRECTIONS.get(key, key if key in _COMPARATOR_WORDS else "")
    if not symbol or not value or value.lstrip().startswith(symbol):
        return value
    return f"{symbol}{value.strip()}"


@dataclass
class ExtractedFunding:
    period: str
    total: Decimal | None = None
    fiscal: Decimal | None = None
    carryover: Decimal | None = None
    other: Decimal | None = None
    location: Location | None = None
    uncertain: list[str] = field(default_factory=list)

    def set(self, part: str, value: Decimal | None, location: Location) -> None:
        if value is None and getattr(self, part) is not None:
            return  # a blank repeat never clears an amount printed before
        setattr(self, part, value)
        self.location = self.location or location


BUDGET_AMOUNTS = ("initial", "full_year", "adjusted", "executed")


@dataclass
class BudgetLine:
    """One row of a self-evaluation's budget block (年度资金总额, 其中：财政拨款, 其他资金 …)."""

    label: str
    part: str  # total | fiscal | carryover | other | special_account | unit_funds
    location: Location
    initial: Decimal | None = None  # 年初预算数
    full_year: Decimal | None = None  # 全年预算数
    adjusted: Decimal | None = None  # 调整后预算数
    executed: Decimal | None = None  # 全年执行数 / 预算执行数
    rate: str | None = None  # 执行率 as printed ("100.00%")
    weight: Decimal | None = None  # 分值 / 权重
    score: Decimal | None = None  # 得分
    reason: str | None = None

    @property
    def budget(self) -> Decimal | None:
        """The budget the targets were set against: 年初预算 where printed, else 全年 / 调整后."""
        for value in (self.initial, self.full_year, self.adjusted):
            if value is not None:
                return value
        return None


@dataclass
class ExtractedBudget:
    lines: list[BudgetLine] = field(default_factory=list)
    location: Location | None = None
    uncertain: list[str] = field(default_factory=list)

    def line(self, part: str) -> BudgetLine | None:
        return next((line for line in self.lines if line.part == part), None)


@dataclass
class ExtractedSheet:
    """A project's target sheet (with project facts) or a department-wide one."""

    scope: str  # "project" | "department"
    title: str
    location: Location
    year: int | None = None
    name: str = ""
    fields: dict = field(default_factory=dict)
    start: datetime.date | None = None
    end: datetime.date | None = None
    goals: dict = field(default_factory=dict)  # "mid_term" | "annual" | "overall" -> text
    mid_term_years: tuple[int, int] | None = None
    fundings: dict = field(default_factory=dict)  # period -> ExtractedFunding
    indicators: list[ExtractedIndicator] = field(default_factory=list)
    kind: str = "target"  # "target" | "self_evaluation" (a 自评表: actuals, scores, budget block)
    budget: ExtractedBudget | None = None  # a self-evaluation's budget block
    uncertain: list[str] = field(default_factory=list)

    def funding(self, period: str) -> ExtractedFunding:
        return self.fundings.setdefault(period, ExtractedFunding(period=period))

    @property
    def periods(self) -> list[str]:
        found = {indicator.period for indicator in self.indicators} | set(self.fundings)
        if self.goals.get("mid_term"):
            found.add("mid_term")
        return [period for period in ("mid_term", "annual") if period in found] or ["annual"]


@dataclass
class Extraction:
    document_name: str
    format: str = "text"
    department: str | None = None
    year: int | None = None
    money_unit: str = "万元"
    money_unit_printed: bool = True  # False: no 单位 printed, 万元 assumed
    sheets: list[ExtractedSheet] = field(default_factory=list)
    skipped: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    errors: list[Issue] = field(default_factory=list)
    budget_tables: list = field(default_factory=list)  # budgets.tables.extract.ExtractedTable

    @property
    def projects(self) -> list[ExtractedSheet]:
        return [sheet for sheet in self.sheets if sheet.scope == "project"]

    @property
    def department_sheets(self) -> list[ExtractedSheet]:
        return [sheet for sheet in self.sheets if sheet.scope == "department"]
