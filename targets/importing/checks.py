"""Consistency warnings on what was extracted: never silent, always with the table row."""

from budgets.tables.checks import TOLERANCE, check_tables
from budgets.tables.kinds import TableKind

from ..levels import Level1, level1_code, level1_for, level2_code
from ..scoring.values import parse_target
from .model import Extraction, Issue
from .plan import name_key
from .text_utils import compact


def consistency_warnings(extraction: Extraction) -> list[Issue]:
    warnings: list[Issue] = [Issue(w.message, w.location) for w in check_tables(extraction.budget_tables)]
    warnings.extend(project_funds_against_tables(extraction))
    for sheet in extraction.sheets:
        owner = sheet.name or sheet.title or "部门整体绩效目标"
        for period, funding in sheet.fundings.items():
            label = "中期" if period == "mid_term" else "年度"
            parts = [value for value in (funding.fiscal, funding.carryover, funding.other) if value is not None]
            if funding.total is not None and parts and sum(parts) != funding.total:
                warnings.append(
                    Issue(
                        f"“{owner}”{label}资金总额 {funding.total} 万元与各来源之和 {sum(parts)} 万元不一致",
                        funding.location,
                    )
                )
        mid, annual = sheet.fundings.get("mid_term"), sheet.fundings.get("annual")
        if mid and annual and mid.total is not None and annual.total is not None and annual.total > mid.total:
            warnings.append(
                Issue(f"“{owner}”年度资金 {annual.total} 万元高于中期资金 {mid.total} 万元", annual.location)
            )
        if sheet.scope == "project" and not sheet.indicators:
            warnings.append(Issue(f"“{owner}”没有识别出绩效指标", sheet.location))
        by_name: dict[str, dict] = {}
        for indicator in sheet.indicators:
            where = f"“{owner}”的指标“{indicator.level3}”"
            if not compact(indicator.value):
                period = "中期" if indicator.period == "mid_term" else "年度"
                warnings.append(Issue(f"{where}没有{period}指标值", indicator.location))
                continue
            target = parse_target(indicator.target_text, unit=indicator.unit)
            if target.is_quantitative and target.comparator != "RANGE" and not target.unit:
                warnings.append(
                    Issue(f"{where}是定量指标，但指标值“{indicator.value}”没有计量单位", indicator.location)
                )
            by_name.setdefault(name_key(indicator.level3), {})[indicator.period] = (indicator, target)
        for periods in by_name.values():
            if len(periods) == 2:
                (_, mid_target), (annual_indicator, annual_target) = periods["mid_term"], periods["annual"]
                if mid_target.unit and annual_target.unit and mid_target.unit != annual_target.unit:
                    warnings.append(
                        Issue(
                            f"“{owner}”的指标“{annual_indicator.level3}”中期单位“{mid_target.unit}”与年度单位"
                            f"“{annual_target.unit}”不一致",
                            annual_indicator.location,
                        )
                    )
        annual = [i for i in sheet.indicators if i.period == "annual"]
        codes = {_weighting_level1(i.level1, i.level2) for i in annual}
        if sheet.scope == "project" and annual and "" not in codes:
            for code, label in ((Level1.OUTPUT, "产出"), (Level1.BENEFIT, "效益")):
                if code not in codes:
                    warnings.append(Issue(f"“{owner}”的年度目标没有{label}指标", sheet.location))
    return warnings


def _weighting_level1(level1: str | None, level2: str | None) -> str:
    code1 = level1_code(level1)
    return level1_for(code1, level2_code(level2, code1))


def _same_project(name: str, text: str) -> bool:
    a, b = name_key(name), name_key(text)
    return len(b) >= 4 and len(a) >= 4 and (a == b or a in b or b in a)


def project_funds_against_tables(extraction: Extraction) -> list[Issue]:
    """A project's annual funds in its target sheet against its row in the project expense table."""
    lines = [
        line
        for table in extraction.budget_tables
        if table.kind == TableKind.PROJECT_EXPENSE
        for line in table.lines
        if not line.is_total and line.amount is not None
    ]
    warnings = []
    for sheet in extraction.projects:
        funding = sheet.fundings.get("annual")
        if funding is None or funding.total is None:
            continue
        matches = [line for line in lines if any(_same_project(sheet.name, text) for text in line.texts)]
        if len(matches) == 1 and abs(matches[0].amount - funding.total) > TOLERANCE:
            warnings.append(
                Issue(
                    f"项目“{sheet.name}”绩效目标表的年度资金 {funding.total} 万元"
                    f"与项目支出表中的 {matches[0].amount} 万元不一致",
                    funding.location,
                )
            )
    return warnings
