"""Excel (openpyxl) from a snapshot: numbers are numeric cells with number formats, headers are merged
cells, each sheet has its print area, print titles and landscape A4 set. The project report keeps
the 自评表 layout of performance-rules.md §4.

Deterministic: document dates are the snapshot's "as of", and the zip entries carry that date too
(openpyxl's own save stamps the current time on both).
"""

import datetime
from decimal import Decimal
from io import BytesIO
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from .rendering import deviation_text, with_spans
from .snapshots import as_of_moment

MONEY = "#,##0.00##"
SCORE = "0.00"
RATE = "0.00%"
COUNT = "0"
THIN = Side(style="thin", color="8C96A8")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="E9EEF5")
TOTAL_FILL = PatternFill("solid", fgColor="F6F3E8")
WRAP = Alignment(wrap_text=True, vertical="center")
CENTRE = Alignment(wrap_text=True, vertical="center", horizontal="center")
CREATOR = "预算绩效目标管理系统"


def _number(text) -> Decimal | None:
    return None if text in (None, "") else Decimal(str(text))


class Sheet:
    """Writing helpers over one worksheet: cells with a border, merged ranges, number formats."""

    def __init__(self, worksheet, widths: list[float]):
        self.ws = worksheet
        self.columns = len(widths)
        for index, width in enumerate(widths, start=1):
            worksheet.column_dimensions[get_column_letter(index)].width = width

    def cell(self, row: int, column: int, value=None, *, fmt: str | None = None, header=False, bold=False, fill=None):
        cell = self.ws.cell(row=row, column=column)
        if fmt is not None:
            value = _number(value)
            if value is not None:
                cell.number_format = fmt
        cell.value = value
        cell.border = BORDER
        cell.alignment = CENTRE if header else WRAP
        if header or bold:
            cell.font = Font(bold=True)
        if header:
            cell.fill = HEADER_FILL
        if fill is not None:
            cell.fill = fill
        return cell

    def merge(self, row: int, column: int, last_row: int, last_column: int, value=None, **style):
        self.cell(row, column, value, **style)
        for r in range(row, last_row + 1):
            for c in range(column, last_column + 1):
                if (r, c) != (row, column):
                    self.ws.cell(row=r, column=c).border = BORDER
        if (row, column) != (last_row, last_column):
            self.ws.merge_cells(start_row=row, start_column=column, end_row=last_row, end_column=last_column)

    def levels(self, row: int, item: dict) -> None:
        """The 一级 / 二级 cells of an indicator row, merged down over the rows they cover (with_spans)."""
        for column, (span, label) in enumerate(((item["span1"], item["level1"]), (item["span2"], item["level2"])), 1):
            if span:
                self.merge(row, column, row + span - 1, column, label)

    def title(self, row: int, text: str, *, size: int = 14) -> None:
        self.ws.cell(row=row, column=1, value=text).font = Font(bold=True, size=size)
        self.ws.cell(row=row, column=1).alignment = Alignment(horizontal="center", vertical="center")
        self.ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=self.columns)

    def line(self, row: int, text: str) -> None:
        self.ws.cell(row=row, column=1, value=text).alignment = Alignment(horizontal="left", wrap_text=True)
        self.ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=self.columns)

    def headers(self, row: int, labels: list[str]) -> None:
        for column, label in enumerate(labels, start=1):
            self.cell(row, column, label, header=True)

    def finish(self, last_row: int, *, title_rows: str | None = None) -> None:
        ws = self.ws
        ws.print_area = f"A1:{get_column_letter(self.columns)}{max(last_row, 1)}"
        if title_rows:
            ws.print_title_rows = title_rows
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.horizontalCentered = True


def _table(sheet: Sheet, row: int, labels: list[str], rows: list[list], formats: list[str | None]) -> int:
    """A header row and data rows; returns the last row written."""
    sheet.headers(row, labels)
    for values in rows:
        row += 1
        for column, (value, fmt) in enumerate(zip(values, formats, strict=True), start=1):
            sheet.cell(row, column, value, fmt=fmt)
    return row


# --- Project self-evaluation (自评表) ---------------------------------------------------------


def _project(workbook: Workbook, s: dict) -> None:
    sheet = Sheet(workbook.active, [12, 14, 30, 16, 22, 8, 10, 40])
    sheet.ws.title = "绩效自评表"
    sheet.title(1, s["title"], size=16)
    sheet.merge(2, 1, 2, 8, f"（{s['year']}年度） {s['department']['name']}")
    sheet.ws.cell(row=2, column=1).alignment = CENTRE
    sheet.cell(3, 1, "项目名称", header=True)
    sheet.merge(3, 2, 3, 8, s["project"]["name"])
    sheet.cell(4, 1, "主管部门", header=True)
    sheet.merge(4, 2, 4, 4, s["project"]["competent_department"])
    sheet.cell(4, 5, "实施单位", header=True)
    sheet.merge(4, 6, 4, 8, s["project"]["implementing_unit"])
    sheet.merge(5, 1, 9, 1, "项目资金（万元）", header=True)
    sheet.cell(5, 2, None, header=True)
    for column, label in enumerate(["年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"], start=3):
        sheet.cell(5, column, label, header=True)
    for offset, fund in enumerate(s["funds"]):
        row = 6 + offset
        sheet.cell(row, 2, fund["label"], header=True)
        sheet.cell(row, 3, fund["initial"], fmt=MONEY)
        sheet.cell(row, 4, fund["full_year"], fmt=MONEY)
        sheet.cell(row, 5, fund["executed"], fmt=MONEY)
        sheet.cell(row, 6, fund.get("weight"), fmt=SCORE)
        sheet.cell(row, 7, fund.get("rate"), fmt=RATE)
        sheet.cell(row, 8, fund.get("score"), fmt=SCORE)
    sheet.merge(10, 1, 11, 1, "年度总体目标", header=True)
    sheet.merge(10, 2, 10, 5, "预期目标", header=True)
    sheet.merge(10, 6, 10, 8, "实际完成情况", header=True)
    achieved = s["goal"]["achieved"]
    if s["budget_explanation"]:
        achieved += f"\n执行率偏低原因：{s['budget_explanation']}"
    sheet.merge(11, 2, 11, 5, s["goal"]["expected"])
    sheet.merge(11, 6, 11, 8, achieved)
    sheet.ws.row_dimensions[11].height = 90
    sheet.headers(
        12, ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"]
    )
    row = 12
    for indicator in with_spans(s["indicators"]):
        row += 1
        sheet.levels(row, indicator)
        sheet.cell(row, 3, indicator["name"])
        sheet.cell(row, 4, indicator["target"])
        sheet.cell(row, 5, indicator["actual"])
        sheet.cell(row, 6, indicator["weight"], fmt=SCORE)
        sheet.cell(row, 7, indicator["score"], fmt=SCORE)
        sheet.cell(row, 8, deviation_text(indicator))
    row += 1
    sheet.merge(row, 1, row, 5, "总分", header=True, fill=TOTAL_FILL)
    sheet.cell(row, 6, s["weight_total"], fmt=SCORE, bold=True, fill=TOTAL_FILL)
    sheet.cell(row, 7, s["total"], fmt=SCORE, bold=True, fill=TOTAL_FILL)
    sheet.cell(row, 8, f"自评等级：{s['grade']}" if s["grade"] else "尚未完成评分", bold=True, fill=TOTAL_FILL)
    review = s["review"]
    people = [f"状态：{review['status_label']}"]
    if review["submitted_by"]:
        people.append(f"填报人 {review['submitted_by']}，{review['submitted_at']} 提交")
    if review["approved_by"]:
        people.append(f"审核人 {review['approved_by']}，{review['approved_at']} 审核通过")
    people.append(f"数据截至 {s['as_of_display']}")
    row += 1
    sheet.merge(row, 1, row, 8, " · ".join(people))
    sheet.finish(row, title_rows="12:12")


# --- Department report -----------------------------------------------------------------------


def _department(workbook: Workbook, s: dict) -> None:
    summary = s["summary"]
    overview = Sheet(workbook.active, [22, 16, 16, 16, 16, 16])
    overview.ws.title = "总体情况"
    overview.title(1, f"{s['department']['name']} {s['title']}")
    overview.line(2, f"{s['period']['label'] if s['period'] else ''} 数据截至 {s['as_of_display']}")
    row = _table(
        overview,
        4,
        ["参评项目", "已提交", "已审核通过", "平均得分", "全年预算数（万元）", "全年执行数（万元）"],
        [
            [
                summary["projects"],
                summary["submitted"],
                summary["approved"],
                summary["average"],
                summary["budget"],
                summary["executed"],
            ]
        ],
        [COUNT, COUNT, COUNT, SCORE, MONEY, MONEY],
    )
    row = _table(
        overview,
        row + 2,
        ["预算执行率", *[g["grade"] for g in summary["grades"]], "未评分"],
        [[summary["rate"], *[g["count"] for g in summary["grades"]], summary["unscored"]]],
        [RATE, COUNT, COUNT, COUNT, COUNT, COUNT],
    )
    row = _table(
        overview,
        row + 2,
        ["一级指标", "分值合计", "得分合计", "完成率", "", ""],
        [[level["label"], level["weight"], level["score"], level["rate"], None, None] for level in s["levels"]],
        [None, SCORE, SCORE, RATE, None, None],
    )
    overview.finish(row)

    projects = Sheet(workbook.create_sheet("项目得分"), [40, 14, 10, 8, 16, 16, 10, 12])
    projects.title(1, f"{s['department']['name']} 项目得分与预算执行")
    projects.merge(2, 1, 3, 1, "项目", header=True)
    projects.merge(2, 2, 2, 4, "绩效自评", header=True)
    projects.merge(2, 5, 2, 8, "预算执行", header=True)
    for column, label in enumerate(
        ["状态", "总分", "等级", "全年预算数（万元）", "全年执行数（万元）", "执行率", "得分"], 2
    ):
        projects.cell(3, column, label, header=True)
    row = 3
    for project in s["projects"]:
        row += 1
        values = [
            project["name"],
            project["status_label"],
            project["total"],
            project["grade"],
            project["budget"],
            project["executed"],
            project["rate"],
            project["budget_score"],
        ]
        for column, (value, fmt) in enumerate(
            zip(values, [None, None, SCORE, None, MONEY, MONEY, RATE, SCORE], strict=True), 1
        ):
            projects.cell(row, column, value, fmt=fmt)
    projects.finish(row, title_rows="2:3")

    not_met = Sheet(workbook.create_sheet("未达成指标"), [30, 12, 14, 30, 16, 18, 8, 8, 40])
    not_met.title(1, "未达成的指标及原因")
    row = _table(
        not_met,
        2,
        [
            "项目",
            "一级指标",
            "二级指标",
            "三级指标",
            "年度指标值",
            "实际完成值",
            "分值",
            "得分",
            "偏差原因分析及改进措施",
        ],
        [
            [
                r["project"],
                r["level1"],
                r["level2"],
                r["name"],
                r["target"],
                r["actual"],
                r["weight"],
                r["score"],
                deviation_text(r),
            ]
            for r in s["not_met"]
        ],
        [None, None, None, None, None, None, SCORE, SCORE, None],
    )
    not_met.finish(row, title_rows="2:2")

    risks = Sheet(workbook.create_sheet("风险项目"), [34, 10, 10, 10, 40, 40])
    monitoring = s["monitoring"]
    risks.title(1, f"运行监控中的风险项目（{monitoring['period']['label']}）" if monitoring else "运行监控中的风险项目")
    rows = []
    for r in (monitoring or {}).get("rows", []):
        indicators = "\n".join(f"{e['name']}：{e['likelihood_label']}" for e in r["entries"])
        measures = "；".join(part for part in (r["reasons"], r["explanation"], r["measure"]) if part)
        rows.append([r["name"], r["rate"], r["time_progress"], r["warning_label"], indicators, measures])
    row = _table(
        risks,
        2,
        ["项目", "执行进度", "时间进度", "预警", "可能无法完成的指标", "原因及纠偏措施"],
        rows,
        [None, RATE, RATE, None, None, None],
    )
    risks.finish(row, title_rows="2:2")

    previous = s["previous"]
    comparison = Sheet(workbook.create_sheet("上年对比"), [40, 12, 8, 12, 8, 10])
    comparison.title(1, "与上年对比")
    if previous:
        comparison.headers(2, ["", f"{previous['year']}年", "", f"{s['year']}年", "", ""])
        row = 2
        for label, key, fmt in (
            ("参评项目", "projects", COUNT),
            ("平均得分", "average", SCORE),
            ("预算执行率", "rate", RATE),
        ):
            row += 1
            values = [label, previous["summary"][key], None, summary[key], None, None]
            for column, value in enumerate(values, start=1):
                comparison.cell(row, column, value, fmt=fmt if column in (2, 4) else None)
        row = _table(
            comparison,
            row + 2,
            ["项目", f"{previous['year']}年得分", "等级", f"{s['year']}年得分", "等级", "变化"],
            [
                [m["name"], m["previous_total"], m["previous_grade"], m["total"], m["grade"], m["change"]]
                for m in previous["matched"]
            ],
            [None, SCORE, None, SCORE, None, SCORE],
        )
    else:
        comparison.line(2, f"{s['year'] - 1}年没有可比的绩效自评数据。")
        row = 2
    comparison.finish(row)


# --- Monitoring report -----------------------------------------------------------------------


def _monitoring(workbook: Workbook, s: dict) -> None:
    sheet = Sheet(workbook.active, [12, 14, 30, 16, 16, 16, 12, 16, 30, 14])
    sheet.ws.title = "双监控"
    sheet.title(1, f"{s['department']['name']} {s['title']}")
    summary = s["summary"]
    sheet.line(
        2,
        f"{s['period']['label']} · 数据截至 {s['as_of_display']} · 监控项目 {summary['reports']} 个，"
        f"红色预警 {summary['warnings']['red']} 个，黄色预警 {summary['warnings']['yellow']} 个",
    )
    row = 3
    for index, project in enumerate(s["rows"], start=1):
        row += 1
        sheet.merge(row, 1, row, 10, f"{index}. {project['name']}（{project['status_label']}）", header=True)
        row += 1
        labels = [
            (1, 2, "全年预算数（万元）"),
            (3, 3, "截至执行数（万元）"),
            (4, 4, "执行进度"),
            (5, 5, "时间进度"),
            (6, 6, "预警"),
            (7, 10, "偏差原因、说明及纠偏措施"),
        ]
        for first, last, label in labels:
            sheet.merge(row, first, row, last, label, header=True)
        row += 1
        sheet.merge(row, 1, row, 2, _number(project["budget"]))
        sheet.ws.cell(row=row, column=1).number_format = MONEY
        sheet.cell(row, 3, project["executed"], fmt=MONEY)
        sheet.cell(row, 4, project["rate"], fmt=RATE)
        sheet.cell(row, 5, project["time_progress"], fmt=RATE)
        sheet.cell(row, 6, project["warning_label"])
        explanation = "；".join(
            part for part in (project["reasons"], project["explanation"], project["measure"]) if part
        )
        sheet.merge(row, 7, row, 10, explanation)
        row += 1
        sheet.headers(
            row,
            [
                "一级指标",
                "二级指标",
                "三级指标",
                "年度指标值",
                "截至目前完成值",
                "全年预计完成值",
                "能否完成年度目标",
                "偏差原因",
                "原因说明",
                "纠偏措施",
            ],
        )
        for entry in with_spans(project["entries"]):
            row += 1
            sheet.levels(row, entry)
            for column, key in enumerate(
                [
                    "name",
                    "target",
                    "value_to_date",
                    "expected",
                    "likelihood_label",
                    "reasons",
                    "explanation",
                    "measure",
                ],
                start=3,
            ):
                sheet.cell(row, column, entry[key])
        row += 1
    sheet.finish(row)


BUILDERS = {"project": _project, "department": _department, "monitoring": _monitoring}


class _FixedTimeZip(ZipFile):
    """A zip whose entries all carry one date (openpyxl writes entries by name, stamped with now, and
    worksheets from temporary files, stamped with their time)."""

    def __init__(self, file, *, date_time: tuple):
        super().__init__(file, "w", ZIP_DEFLATED)
        self._date_time = date_time

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):
        if isinstance(zinfo_or_arcname, str):
            info = ZipInfo(zinfo_or_arcname, date_time=self._date_time)
            info.compress_type = ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            zinfo_or_arcname = info
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):
        with open(filename, "rb") as handle:
            self.writestr(arcname or str(filename), handle.read())


def render_xlsx(snapshot: dict) -> bytes:
    workbook = Workbook()
    BUILDERS[snapshot["kind"]](workbook, snapshot)
    moment = as_of_moment(snapshot)
    utc = moment.astimezone(datetime.UTC).replace(tzinfo=None)
    workbook.properties.created = workbook.properties.modified = utc
    workbook.properties.creator = workbook.properties.lastModifiedBy = CREATOR
    workbook.properties.title = snapshot["title"]
    buffer = BytesIO()
    archive = _FixedTimeZip(buffer, date_time=moment.timetuple()[:6])
    ExcelWriter(workbook, archive).save()
    return buffer.getvalue()
