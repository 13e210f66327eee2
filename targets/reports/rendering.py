"""From a snapshot to HTML: the same templates make the web page and, with the print layout, the PDF."""

from django.template.loader import render_to_string

from . import charts

TEMPLATES = {
    "project": "targets/reports/project.html",
    "department": "targets/reports/department.html",
    "monitoring": "targets/reports/monitoring.html",
}
WEB_LAYOUT = "base.html"
PRINT_LAYOUT = "targets/reports/print.html"


def with_spans(rows: list[dict]) -> list[dict]:
    """Each indicator row with `span1` / `span2`: how many rows its 一级 / 二级 cell covers (0: merged
    into the row above), as the printed 自评表 merges runs of the same label."""
    spanned = [dict(row, span1=0, span2=0) for row in rows]
    start1 = start2 = None
    for index, row in enumerate(spanned):
        if start1 is None or row["level1"] != spanned[start1]["level1"]:
            start1, start2 = index, index
            row["span1"] = row["span2"] = 1
            continue
        spanned[start1]["span1"] += 1
        if row["level2"] != spanned[start2]["level2"]:
            start2 = index
            row["span2"] = 1
        else:
            spanned[start2]["span2"] += 1
    return spanned


def deviation_text(row: dict) -> str:
    parts = []
    if row.get("deviation_reason"):
        parts.append(f"偏差原因：{row['deviation_reason']}")
    if row.get("improvement"):
        parts.append(f"改进措施：{row['improvement']}")
    return "；".join(parts)


def report_context(snapshot: dict) -> dict:
    context = {"s": snapshot}
    if snapshot["kind"] == "project":
        context["rows"] = [dict(row, deviation=deviation_text(row)) for row in with_spans(snapshot["indicators"])]
    elif snapshot["kind"] == "department":
        context["charts"] = charts.department_charts(snapshot)
        context["not_met"] = [dict(row, deviation=deviation_text(row)) for row in snapshot["not_met"]]
    else:
        context["charts"] = charts.monitoring_charts(snapshot)
        context["projects"] = [dict(row, entries=with_spans(row["entries"])) for row in snapshot["rows"]]
    return context


def render_html(snapshot: dict, *, printing: bool, request=None, extra: dict | None = None) -> str:
    context = {
        **report_context(snapshot),
        "layout": PRINT_LAYOUT if printing else WEB_LAYOUT,
        "printing": printing,
        **(extra or {}),
    }
    return render_to_string(TEMPLATES[snapshot["kind"]], context, request=request)
