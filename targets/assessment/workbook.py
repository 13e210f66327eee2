"""A self-evaluation as an Excel file in the 自评表 layout (performance-rules.md §4), to fill in
offline and import back.

Header: project, 主管部门, 实施单位. Funds block: 年度资金总额 / 其中当年财政拨款 / 上年结转资金 /
其他资金 against 年初预算数, 全年预算数, 全年执行数, 分值, 执行率, 得分. Goal block: 预期目标 vs
实际完成情况. Indicator block: 一级, 二级, 三级, 年度指标值, 实际完成值, 分值, 得分, 偏差原因分析及
改进措施 (two cells: 偏差原因 | 改进措施). Footer: 总分 and grade. A hidden column keeps each row's
number so the import finds its indicator even if rows were sorted; the 三级 name is checked too.

Reading is bounded (size, rows) and every problem names the file, the sheet and the row; a file
with any bad row changes nothing.
"""

import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import openpyxl
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from budgets.money import plain_number
from budgets.readers import DisclosureReadError, check_office_container

from ..models import Evaluation, IndicatorResult
from ..scoring import Comparator

SHEET_TITLE = "自评表"
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
KEY_COLUMN = 11  # K: hidden row numbers
INDICATOR_HEADER = (
    "一级指标",
    "二级指标",
    "三级指标",
    "年度指标值",
    "实际完成值",
    "分值",
    "得分",
    "偏差原因",
    "改进措施",
)
THIN = Side(style="thin", color="888888")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD = PatternFill("solid", fgColor="EEF2F7")
WRAP = Alignment(wrap_text=True, vertical="center")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _put(ws, row, column, value, *, bold=False, fill=False, align=WRAP, number_format=None):
    cell = ws.cell(row=row, column=column, value=value)
    cell.border, cell.alignment = BOX, align
    if bold:
        cell.font = Font(bold=True)
    if fill:
        cell.fill = HEAD
    if number_format:
        cell.number_format = number_format
    return cell


def evaluation_workbook(evaluation: Evaluation, rows: list[IndicatorResult]) -> bytes:
    sheet = evaluation.sheet
    project = sheet.project
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = SHEET_TITLE
    title = _("项目支出绩效自评表（%(year)s年度）") % {"year": evaluation.period.year}
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=9)
    _put(ws, 1, 1, title, bold=True, align=CENTER)
    ws.row_dimensions[1].height = 28
    facts = [
        (_("项目名称"), project.name if project else sheet.title),
        (_("主管部门"), (project.competent_department if project else "") or sheet.department.name),
        (_("实施单位"), (project.implementing_unit if project else "") or sheet.department.name),
    ]
    row = 2
    for label, value in facts:
        _put(ws, row, 1, label, fill=True)
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=9)
        _put(ws, row, 2, value)
        row += 1

    funds_top = row
    heads = ["", _("年初预算数"), _("全年预算数"), _("全年执行数"), _("分值"), _("执行率"), _("得分")]
    for column, text in enumerate(heads, start=1):
        _put(ws, row, column, text, fill=True, align=CENTER)
    annual = next((f for f in project.fundings.all() if f.period == "annual"), None) if project else None
    lines = [
        (_("年度资金总额"), annual.total if annual else None),
        (_("其中：当年财政拨款"), annual.fiscal if annual else None),
        (_("上年结转资金"), annual.carryover if annual else None),
        (_("其他资金"), annual.other if annual else None),
    ]
    for index, (label, initial) in enumerate(lines):
        row += 1
        _put(ws, row, 1, label, fill=True)
        _put(ws, row, 2, initial, number_format="0.0000")
        first = index == 0
        _put(ws, row, 3, evaluation.budget_full_year if first else None, number_format="0.0000")
        _put(ws, row, 4, evaluation.budget_executed if first else None, number_format="0.0000")
        _put(ws, row, 5, evaluation.profile.weight_budget if first else None, number_format="0.##")
        _put(ws, row, 6, evaluation.budget_rate if first else None, number_format="0.00%")
        _put(ws, row, 7, evaluation.budget_score if first else None, number_format="0.00")
    ws.cell(row=funds_top, column=8, value=None)

    row += 1
    _put(ws, row, 1, _("年度总体目标"), fill=True, align=CENTER)
    ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=5)
    _put(ws, row, 2, _("预期目标"), fill=True, align=CENTER)
    ws.merge_cells(start_row=row, start_column=6, end_row=row, end_column=9)
    _put(ws, row, 6, _("实际完成情况"), fill=True, align=CENTER)
    row += 1
    ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=5)
    _put(ws, row, 2, sheet.overall_goal)
    ws.merge_cells(start_row=row, start_column=6, end_row=row, end_column=9)
    _put(ws, row, 6, "")
    ws.row_dimensions[row].height = 60

    row += 1
    header_row = row
    for column, text in enumerate(INDICATOR_HEADER, start=1):
        _put(ws, row, column, text, fill=True, align=CENTER)
    ws.cell(row=row, column=KEY_COLUMN, value="#")
    for number, result in enumerate(rows, start=1):
        row += 1
        indicator = result.indicator
        values = [
            indicator.level1_label,
            indicator.level2_label,
            indicator.name,
            indicator.target_text,
            result.actual_text,
            result.weight,
            result.final_score,
            result.deviation_reason,
            result.improvement,
        ]
        for column, value in enumerate(values, start=1):
            _put(ws, row, column, value, number_format="0.00" if column in (6, 7) else None)
        ws.cell(row=row, column=KEY_COLUMN, value=number)
    row += 1
    _put(ws, row, 1, _("总分"), bold=True, fill=True)
    _put(ws, row, 7, evaluation.total, bold=True, number_format="0.00")
    _put(ws, row, 8, evaluation.grade or "", bold=True)
    ws.column_dimensions[get_column_letter(KEY_COLUMN)].hidden = True
    for column, width in zip("ABCDEFGHI", (12, 14, 28, 16, 16, 8, 8, 24, 24), strict=True):
        ws.column_dimensions[column].width = width
    ws.print_area = f"A1:I{row}"
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@dataclass
class RowUpdate:
    result: IndicatorResult
    line: int
    actual_text: str
    points: Decimal | None
    level: str
    deviation_reason: str
    improvement: str

    def changes(self) -> list[tuple[str, str, str]]:
        """What the import would change in this row: (label, old, new)."""
        result, out = self.result, []
        pairs = [
            (_("实际完成值"), result.actual_text, self.actual_text),
            (_("偏差原因"), result.deviation_reason, self.deviation_reason),
            (_("改进措施"), result.improvement, self.improvement),
        ]
        if self.level:
            pairs.append((_("评定分值"), plain_number(result.assessment_points), plain_number(self.points)))
        for label, old, new in pairs:
            if (old or "") != (new or ""):
                out.append((label, old or "", new or ""))
        return out


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        text = format(Decimal(repr(value)), "f")
        return text[:-2] if text.endswith(".0") else text
    return str(value).replace("\x00", "").strip()


def _level_for(points: Decimal, weight: Decimal, rules) -> str:
    fraction = points / weight if weight else Decimal(0)
    for band in rules.bands:
        if band.contains(fraction):
            return band.key
    return ""


def _check_container(content: bytes, name: str) -> None:
    """An .xlsx is a zip: its directory is vetted before anything is unpacked, so a bomb is refused."""
    try:
        check_office_container(content, name, expected="xlsx")
    except DisclosureReadError as exc:
        raise ValidationError(str(exc)) from None


def read_evaluation_workbook(evaluation: Evaluation, rows: list[IndicatorResult], content: bytes, name: str):
    """The row updates a filled-in 自评表 asks for. Raises ValidationError listing every bad row."""
    if len(content) > MAX_BYTES:
        raise ValidationError(
            _("文件“%(n)s”超过 %(mb)d MB，无法导入。") % {"n": name, "mb": MAX_BYTES // (1024 * 1024)}
        )
    _check_container(content, name)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any failure to open is the same message for a person
        raise ValidationError(_("文件“%(n)s”不是有效的 Excel（.xlsx）文件，无法打开。") % {"n": name}) from None
    if SHEET_TITLE not in workbook.sheetnames:
        raise ValidationError(_("文件“%(n)s”中没有名为“%(s)s”的工作表。") % {"n": name, "s": SHEET_TITLE})
    ws = workbook[SHEET_TITLE]
    by_number = dict(enumerate(rows, start=1))
    rules = evaluation.profile.as_rules()
    updates, problems, header_seen = [], [], False
    where = _("文件“%(n)s”工作表“%(s)s”第%(r)d行：")
    for line, values in enumerate(ws.iter_rows(values_only=True, max_col=KEY_COLUMN), start=1):
        if line > MAX_ROWS:
            problems.append(_("文件“%(n)s”超过 %(m)d 行，无法导入。") % {"n": name, "m": MAX_ROWS})
            break
        cells = [_text(v) for v in values] + [""] * (KEY_COLUMN - len(values))
        if not header_seen:
            header_seen = tuple(cells[: len(INDICATOR_HEADER)]) == INDICATOR_HEADER
            continue
        key = cells[KEY_COLUMN - 1]
        if not key:
            continue
        prefix = where % {"n": name, "s": SHEET_TITLE, "r": line}
        result = by_number.get(int(key)) if key.isdigit() else None
        if result is None:
            problems.append(prefix + _("找不到对应的指标（请不要修改隐藏的序号列）。"))
            continue
        if "".join(cells[2].split()) != "".join(result.indicator.name.split()):
            problems.append(
                prefix
                + _("三级指标“%(got)s”与系统中的“%(want)s”不一致。") % {"got": cells[2], "want": result.indicator.name}
            )
            continue
        points, level = None, ""
        judged = result.indicator.comparator in (Comparator.QUALITATIVE, Comparator.RANGE)
        if judged and cells[6]:
            try:
                points = Decimal(cells[6])
            except InvalidOperation:
                problems.append(prefix + _("得分“%(v)s”不是数字。") % {"v": cells[6]})
                continue
            if not Decimal(0) <= points <= result.weight:
                problems.append(prefix + _("得分应在 0 到 %(w)s 之间。") % {"w": plain_number(result.weight)})
                continue
            level = _level_for(points, result.weight, rules)
        if len(cells[4]) > 300 or len(cells[7]) > 2000 or len(cells[8]) > 2000:
            problems.append(prefix + _("内容过长。"))
            continue
        updates.append(RowUpdate(result, line, cells[4], points, level, cells[7], cells[8]))
    if not header_seen:
        problems.append(_("文件“%(n)s”中找不到指标表头（一级指标、二级指标、三级指标……）。") % {"n": name})
    if problems:
        raise ValidationError(problems)
    return [update for update in updates if update.changes()]
