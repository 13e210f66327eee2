"""Charts drawn by the server as inline SVG: the same markup in the browser and in the PDF
(WeasyPrint renders inline SVG). Three shapes cover the reports and dashboards: a histogram (score
distribution, likelihoods), horizontal progress bars against a marker (execution against time
progress) and completion bars (completion by 一级).

Hand-drawn on purpose: chart libraries that emit SVG add random element ids, scripts or CSS that
WeasyPrint does not apply, and a report's bytes must depend on its data only. Every label is escaped.
"""

from decimal import Decimal

from django.conf import settings
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 500
BAR = "#3b6ea5"
MUTED = "#8a94a6"
WARNING_COLOURS = {"green": "#3c8d4f", "yellow": "#d4a017", "red": "#c0392b"}
LABEL_CHARS = 11


def _n(value: float) -> str:
    """Coordinates with at most one decimal, so output never depends on float noise."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _text_width(text: str) -> int:
    """Approximate width at font-size 12: CJK characters are square, others about half."""
    return sum(12 if ord(char) >= 0x2E80 else 7 for char in text)


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def _svg(title: str, height: float, body: list[str]) -> SafeString:
    font = escape(f"{settings.REPORTS_CJK_FONT}, sans-serif")
    return mark_safe(  # noqa: S308 - every label inside is escaped
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="{WIDTH}" height="{_n(height)}" '
        f'viewBox="0 0 {WIDTH} {_n(height)}" font-family="{font}" font-size="12">'
        f"<title>{escape(title)}</title>"
        f'<text x="0" y="16" font-size="14" font-weight="bold" fill="#222">{escape(title)}</text>'
        + "".join(body)
        + "</svg>"
    )


def _percent(fraction: Decimal) -> str:
    value = (Decimal(fraction) * 100).quantize(Decimal("0.1"))
    text = f"{value:f}"
    return (text[:-2] if text.endswith(".0") else text) + "%"


def histogram(title: str, bins: list[tuple[str, int]], *, colour: str = BAR, unit: str = "") -> SafeString:
    """Vertical bars with their counts; `bins` are (label, count)."""
    top, bottom, left = 36, 30, 10
    plot_height = 170
    height = top + plot_height + bottom
    peak = max((count for _label, count in bins), default=0) or 1
    slot = (WIDTH - left * 2) / max(len(bins), 1)
    body = [
        f'<line x1="{left}" y1="{top + plot_height}" x2="{WIDTH - left}" y2="{top + plot_height}" stroke="{MUTED}"/>'
    ]
    for index, (label, count) in enumerate(bins):
        bar_height = plot_height * count / peak
        x = left + slot * index + slot * 0.15
        y = top + plot_height - bar_height
        body.append(
            f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(slot * 0.7)}" height="{_n(bar_height)}" fill="{colour}">'
            f"<title>{escape(label)}：{count}{escape(unit)}</title></rect>"
        )
        centre = _n(x + slot * 0.35)
        body.append(f'<text x="{centre}" y="{_n(y - 4)}" text-anchor="middle" fill="#222">{count}</text>')
        body.append(
            f'<text x="{centre}" y="{_n(top + plot_height + 18)}" text-anchor="middle" fill="#444">'
            f"{escape(label)}</text>"
        )
    return _svg(title, height, body)


def progress_bars(
    title: str, rows: list[dict], *, marker_label: str, empty_text: str = "", note: str = ""
) -> SafeString:
    """One horizontal bar per row: `value` (a fraction, or None when unknown) coloured by `colour`,
    with a marker line at `marker` (a fraction; time progress). The scale runs to 100% or the largest
    value. `note` is a line under the title (what was left out)."""
    top, row_height, label_width, right = 44 if note else 30, 22, 150, 50
    plot_width = WIDTH - label_width - right
    values = [Decimal(row["value"]) for row in rows if row.get("value") is not None]
    markers = [Decimal(row["marker"]) for row in rows if row.get("marker") is not None]
    scale = max([Decimal(1), *values, *markers])
    height = top + row_height * max(len(rows), 1) + 28
    body = []
    if note:
        body.append(f'<text x="0" y="34" fill="#666">{escape(note)}</text>')
    if not rows:
        body.append(f'<text x="0" y="{top + 14}" fill="#666">{escape(empty_text)}</text>')
    for index, row in enumerate(rows):
        y = top + row_height * index
        label = row["label"]
        body.append(
            f'<text x="{label_width - 6}" y="{y + 15}" text-anchor="end" fill="#222">{escape(_short(label))}'
            f"<title>{escape(label)}</title></text>"
        )
        body.append(f'<rect x="{label_width}" y="{y + 4}" width="{plot_width}" height="14" fill="#eef2f7"/>')
        if row.get("value") is not None:
            value = Decimal(row["value"])
            width = float(plot_width * min(value, scale) / scale)
            colour = WARNING_COLOURS.get(row.get("colour", ""), BAR)
            body.append(f'<rect x="{label_width}" y="{y + 4}" width="{_n(width)}" height="14" fill="{colour}"/>')
            text = _percent(value)
        else:
            text = "—"
        body.append(f'<text x="{label_width + plot_width + 6}" y="{y + 15}" fill="#222">{text}</text>')
        if row.get("marker") is not None:
            x = label_width + float(plot_width * Decimal(row["marker"]) / scale)
            body.append(f'<line x1="{_n(x)}" y1="{y + 1}" x2="{_n(x)}" y2="{y + 21}" stroke="#222" stroke-width="2"/>')
    legend_y = top + row_height * max(len(rows), 1) + 18
    body.append(
        f'<line x1="4" y1="{legend_y - 9}" x2="4" y2="{legend_y + 3}" stroke="#222" stroke-width="2"/>'
        f'<text x="10" y="{legend_y + 2}" fill="#444">{escape(marker_label)}</text>'
    )
    x = 10 + _text_width(marker_label) + 18
    for colour, label in (("green", "正常"), ("yellow", "黄色预警"), ("red", "红色预警")):
        body.append(
            f'<rect x="{x}" y="{legend_y - 8}" width="10" height="10" fill="{WARNING_COLOURS[colour]}"/>'
            f'<text x="{x + 14}" y="{legend_y + 2}" fill="#444">{label}</text>'
        )
        x += 14 + _text_width(label) + 16
    return _svg(title, height, body)


def completion_bars(title: str, rows: list[tuple[str, Decimal | None]], *, empty_text: str = "") -> SafeString:
    """Horizontal bars 0–100% for (label, fraction) rows."""
    bars = [{"label": label, "value": value} for label, value in rows]
    top, row_height, label_width, right = 30, 24, 100, 50
    plot_width = WIDTH - label_width - right
    height = top + row_height * max(len(bars), 1) + 10
    body = []
    if not bars:
        body.append(f'<text x="0" y="{top + 14}" fill="#666">{escape(empty_text)}</text>')
    for index, bar in enumerate(bars):
        y = top + row_height * index
        body.append(
            f'<text x="{label_width - 6}" y="{y + 16}" text-anchor="end" fill="#222">{escape(bar["label"])}</text>'
            f'<rect x="{label_width}" y="{y + 4}" width="{plot_width}" height="16" fill="#eef2f7"/>'
        )
        if bar["value"] is not None:
            value = min(Decimal(bar["value"]), Decimal(1))
            body.append(
                f'<rect x="{label_width}" y="{y + 4}" width="{_n(float(plot_width * value))}" height="16" '
                f'fill="{BAR}"/>'
            )
            text = _percent(Decimal(bar["value"]))
        else:
            text = "—"
        body.append(f'<text x="{label_width + plot_width + 6}" y="{y + 16}" fill="#222">{text}</text>')
    return _svg(title, height, body)


# --- The charts of each report, from its snapshot --------------------------------------------

SCORE_BINS = (
    ("<60", None, Decimal(60)),
    ("60–70", Decimal(60), Decimal(70)),
    ("70–80", Decimal(70), Decimal(80)),
    ("80–90", Decimal(80), Decimal(90)),
    ("≥90", Decimal(90), None),
)
EXECUTION_ROWS = 20


def score_bins(totals) -> list[tuple[str, int]]:
    counts = []
    for label, low, high in SCORE_BINS:
        counts.append((label, sum(1 for t in totals if (low is None or t >= low) and (high is None or t < high))))
    return counts


def _behind_first(rows: list[dict]) -> list[dict]:
    """Rows furthest behind their marker first (no value counts as furthest), by name within ties."""

    def gap(row):
        if row.get("value") is None:
            return Decimal(-100)
        return Decimal(row["value"]) - Decimal(row.get("marker") or 0)

    return sorted(rows, key=lambda row: (gap(row), row["label"]))


def execution_chart(title: str, rows: list[dict], *, marker_label: str) -> SafeString:
    ordered = _behind_first(rows)
    note = ""
    if len(ordered) > EXECUTION_ROWS:
        note = f"共 {len(ordered)} 项，列出执行进度最落后的 {EXECUTION_ROWS} 项"
        ordered = ordered[:EXECUTION_ROWS]
    return progress_bars(title, ordered, marker_label=marker_label, empty_text="暂无预算执行数据", note=note)


def department_charts(snapshot: dict) -> dict[str, SafeString]:
    totals = [Decimal(row["total"]) for row in snapshot["projects"] if row["total"] is not None]
    monitoring = snapshot.get("monitoring")
    if monitoring:
        cut_off = monitoring["period"]["cut_off"]
        execution = execution_chart(
            f"预算执行进度与时间进度（截至 {cut_off}）",
            [
                {"label": row["name"], "value": row["rate"], "marker": row["time_progress"], "colour": row["warning"]}
                for row in monitoring["execution"]
            ],
            marker_label="时间进度",
        )
    else:
        execution = execution_chart(
            "全年预算执行率",
            [{"label": row["name"], "value": row["rate"], "marker": "1"} for row in snapshot["projects"]],
            marker_label="全年（100%）",
        )
    return {
        "scores": histogram("项目自评得分分布", score_bins(totals), unit="个项目"),
        "execution": execution,
        "levels": completion_bars(
            "各一级指标完成情况（得分 / 分值）",
            [(row["label"], row["rate"]) for row in snapshot["levels"]],
            empty_text="暂无已评分的指标",
        ),
    }


def monitoring_charts(snapshot: dict) -> dict[str, SafeString]:
    likelihoods = snapshot["summary"]["likelihoods"]
    return {
        "execution": execution_chart(
            f"预算执行进度与时间进度（截至 {snapshot['period']['cut_off']}）",
            [
                {"label": row["name"], "value": row["rate"], "marker": row["time_progress"], "colour": row["warning"]}
                for row in snapshot["rows"]
            ],
            marker_label="时间进度",
        ),
        "likelihoods": histogram(
            "能否完成年度目标（指标数）",
            [
                ("确定能", likelihoods["certain"]),
                ("有可能", likelihoods["possible"]),
                ("完全不可能", likelihoods["impossible"]),
            ],
            unit="项",
        ),
    }
