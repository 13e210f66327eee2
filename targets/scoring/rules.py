"""The numbers of a scoring rule profile, as an immutable value the pure functions take.

Defaults are those of performance-rules.md; a stored RuleProfile version turns into one of these."""

from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType

D = Decimal


@dataclass(frozen=True)
class QualitativeBand:
    key: str
    label: str
    low: Decimal  # fraction of the weight, inclusive
    high: Decimal  # fraction of the weight
    high_inclusive: bool

    def contains(self, fraction: Decimal) -> bool:
        return self.low <= fraction and (fraction <= self.high if self.high_inclusive else fraction < self.high)


BUDGET_WEIGHT, EXPLAIN_BELOW, OVER_ACHIEVEMENT = D(10), D("0.9"), D("0.2")
YELLOW_GAP, RED_GAP = D(10), D(20)
GRADE_BANDS = ((D(90), "优"), (D(80), "良"), (D(60), "中"))

DEFAULT_BANDS = (
    QualitativeBand("achieved", "达成年度指标", D("0.8"), D("1"), True),
    QualitativeBand("partial", "部分达成年度指标并具有一定效果", D("0.6"), D("0.8"), False),
    QualitativeBand("not_achieved", "未达成年度指标且效果较差", D("0"), D("0.6"), False),
)


@dataclass(frozen=True)
class Rules:
    version_label: str = "默认规则"
    level1_weights: MappingProxyType = field(
        default_factory=lambda: MappingProxyType({"OUTPUT": D(50), "BENEFIT": D(30), "SATISFACTION": D(10)})
    )
    # A 一级 without a weight of its own counts under another (成本 and local frameworks).
    level1_fallback: MappingProxyType = field(
        default_factory=lambda: MappingProxyType(
            {"COST": "OUTPUT", "INPUT": "OUTPUT", "PROCESS": "OUTPUT", "IMPACT": "BENEFIT", "": "OUTPUT"}
        )
    )
    budget_weight: Decimal = BUDGET_WEIGHT
    budget_explanation_below: Decimal = EXPLAIN_BELOW
    reverse_formula: str = "ratio"  # ratio | linear
    over_achievement: Decimal = OVER_ACHIEVEMENT  # more than 20% above target is flagged
    bands: tuple[QualitativeBand, ...] = DEFAULT_BANDS
    grade_bands: tuple[tuple[Decimal, str], ...] = GRADE_BANDS
    lowest_grade: str = "差"
    rescale_not_applicable: bool = True
    yellow_gap: Decimal = YELLOW_GAP  # percentage points execution may trail time progress before yellow
    red_gap: Decimal = RED_GAP

    def band(self, key: str) -> QualitativeBand:
        for band in self.bands:
            if key in (band.key, band.label):
                return band
        raise ValueError(f"未知的定性评价等级：{key}")

    def weight_group(self, level1_code: str) -> str:
        if level1_code in self.level1_weights:
            return level1_code
        return self.level1_fallback.get(level1_code, "OUTPUT")


DEFAULT_RULES = Rules()
