"""A synthetic corpus of disclosures in the side-by-side 中期/年度 layout, for benchmarks and for the
query-count test. Deterministic for a given seed."""

import random

LEVELS = [
    ("产出指标", ["数量指标", "质量指标", "时效指标", "成本指标"]),
    ("效益指标", ["社会效益指标", "经济效益指标", "可持续影响指标"]),
    ("满意度指标", ["服务对象满意度指标"]),
]
UNITS = ["个", "次", "%", "万元", "小时", "人", "台", "篇"]
NOUNS = ["巡检", "维护", "培训", "服务", "发布", "监测", "整改", "接入", "备份", "响应"]
OBJECTS = ["站点", "系统", "设备", "平台", "课程", "报告", "网络", "数据", "终端", "窗口"]


def department_name(index: int) -> str:
    return f"合成测试单位{index:04d}"


def make_disclosure(index: int, *, projects: int = 5, rows: int = 20, year: int = 2024, seed: int = 7) -> bytes:
    rng = random.Random(seed * 100_003 + index)
    lines = [department_name(index), f"{year} 年部门预算", "", "单位：万元", ""]
    for p in range(projects):
        total = rng.randint(100, 90000)
        annual = rng.randint(10, total)
        lines += [
            f"第{p + 1}号项目绩效目标表",
            "",
            f"({year} 年度)",
            "",
            f"项目名称\t\t合成项目{index:04d}-{p:02d}\t\t\t\t\t",
            f"主管部门及代码\t\t{department_name(index)}\t\t实施单位\t\t{department_name(index)}\t",
            f"项目资金 (万元)\t中期资金总额:\t{total}.00\t\t年度资金总额:\t{annual}.00\t\t",
            f"\t其中:财政拨款\t{total}.00\t\t其中:财政拨款\t{annual}.00\t\t",
            "\t上年结转\t0.00\t\t上年结转\t0.00\t\t",
            "\t其他资金\t0.00\t\t其他资金\t\t\t",
            f"总体目标\t中期目标({year}年—{year + 2}年)\t\t\t\t年度目标\t\t",
            f"\t保障合成项目{p}平稳运行，完成各项任务。\t\t\t\t本年度完成合成项目{p}的年度任务。\t\t",
            "绩效指标\t一级指标\t二级指标\t三级指标\t指标值\t二级指标\t三级指标\t指标值",
        ]
        for r in range(rows):
            level1, level2s = LEVELS[min(r * len(LEVELS) // rows, len(LEVELS) - 1)]
            level2 = level2s[r % len(level2s)]
            first_of_group = r == 0 or LEVELS[min((r - 1) * len(LEVELS) // rows, len(LEVELS) - 1)][0] != level1
            name = f"{rng.choice(NOUNS)}{rng.choice(OBJECTS)}{r:02d}数量"
            unit = rng.choice(UNITS)
            mid, annual_value = rng.randint(50, 5000), rng.randint(10, 1000)
            label = level1 if first_of_group else ""
            lines.append(f"\t{label}\t{level2}\t{name}\t≥{mid} {unit}\t{level2}\t{name}\t≥{annual_value} {unit}")
        lines.append("")
    return "\n".join(lines).encode("utf-8")


def indicator_count(*, projects: int = 5, rows: int = 20) -> int:
    return projects * rows * 2
