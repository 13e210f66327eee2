"""Server-drawn SVG charts: labels escaped, output depending on the data only."""

from decimal import Decimal

from targets.reports import charts


def test_labels_are_escaped_and_output_is_repeatable():
    rows = [
        {
            "label": "<script>alert(1)</script>项目",
            "value": Decimal("0.2"),
            "marker": Decimal("0.5833"),
            "colour": "red",
        }
    ]
    first = charts.execution_chart("执行进度", rows, marker_label="时间进度")
    assert "<script>" not in first and "&lt;script&gt;" in first
    assert first == charts.execution_chart("执行进度", rows, marker_label="时间进度")
    assert 'fill="#c0392b"' in first and "20%" in first


def test_histogram_counts_scores_into_bins():
    bins = charts.score_bins([Decimal("59.99"), Decimal(60), Decimal("89.5"), Decimal(90), Decimal(100)])
    assert bins == [("<60", 1), ("60–70", 1), ("70–80", 0), ("80–90", 1), ("≥90", 2)]
    svg = charts.histogram("得分分布", bins)
    assert svg.count("<rect") == 5 and ">2</text>" in svg


def test_execution_chart_lists_the_slowest_first_and_says_what_it_left_out():
    rows = [{"label": f"项目{i:02d}", "value": Decimal(i) / 100, "marker": Decimal("0.5")} for i in range(30)]
    rows.append({"label": "没有预算", "value": None, "marker": Decimal("0.5")})
    svg = charts.execution_chart("执行进度", rows, marker_label="时间进度")
    assert "共 31 项，列出执行进度最落后的 20 项" in svg
    assert svg.index("没有预算") < svg.index("项目00") < svg.index("项目18")
    assert "项目25" not in svg


def test_completion_bars_cap_at_full_and_show_missing_as_dash():
    svg = charts.completion_bars("完成情况", [("产出", Decimal("1.2")), ("效益", None)])
    assert "120%" in svg and "—" in svg
