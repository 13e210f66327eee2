"""Build the same small disclosure as HTML, Word, Excel and PDF, for reader and importer tests.

A row cell of None is covered by the merged cell above it (rowspan / vertical merge)."""

import io

COVER = "示例县水利站2025年部门预算"
TITLE = "项目支出绩效目标表"
ROWS = [
    ["项目名称", "河道保洁", "实施单位", "示例县水利站"],
    ["年度资金总额", "80", "其中：财政拨款", "80"],
    ["年度目标", "全年河道保洁无死角。", "", ""],
    ["一级指标", "二级指标", "三级指标", "指标值"],
    ["产出指标", "数量指标", "保洁河道长度", "≥120公里"],
    [None, "质量指标", "保洁达标率", "≥95%"],
    ["效益指标", "生态效益指标", "水质改善", "明显"],
    ["满意度指标", "服务对象满意度指标", "群众满意度", "≥90%"],
]
EXPECTED = [
    ("产出指标", "数量指标", "保洁河道长度", "≥120公里"),
    ("产出指标", "质量指标", "保洁达标率", "≥95%"),
    ("效益指标", "生态效益指标", "水质改善", "明显"),
    ("满意度指标", "服务对象满意度指标", "群众满意度", "≥90%"),
]


def html() -> bytes:
    rows = []
    for index, row in enumerate(ROWS):
        cells = []
        for column, cell in enumerate(row):
            if cell is None:
                continue
            span = ' rowspan="2"' if index + 1 < len(ROWS) and column == 0 and ROWS[index + 1][0] is None else ""
            cells.append(f"<td{span}><p>{cell}</p></td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    body = f"<h1>{COVER}</h1><h2>{TITLE}</h2><p>（2025年度）</p><table>{''.join(rows)}</table>"
    return f"<!DOCTYPE html><html><body>{body}<script>alert(1)</script></body></html>".encode()


def docx() -> bytes:
    import docx as python_docx

    document = python_docx.Document()
    document.add_paragraph(COVER)
    document.add_heading(TITLE, level=1)
    table = document.add_table(rows=len(ROWS), cols=4)
    for r, row in enumerate(ROWS):
        for c, cell in enumerate(row):
            if cell is not None:
                table.cell(r, c).text = cell
    for r, row in enumerate(ROWS):
        if row[0] is None:
            table.cell(r - 1, 0).merge(table.cell(r, 0))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def xlsx() -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "绩效目标"
    sheet.append([COVER])
    sheet.append([TITLE])
    for row in ROWS:
        sheet.append([cell if cell is not None else None for cell in row])
    for r, row in enumerate(ROWS, start=3):
        if row[0] is None:
            sheet.merge_cells(start_row=r - 1, start_column=1, end_row=r, end_column=1)
    sheet["B4"] = 80  # a number cell, not text
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def pdf() -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("cn", fontName="STSong-Light", fontSize=11)
    table = Table([[cell or "" for cell in row] for row in ROWS])
    commands = [("FONTNAME", (0, 0), (-1, -1), "STSong-Light"), ("GRID", (0, 0), (-1, -1), 0.5, "black")]
    for r, row in enumerate(ROWS):
        if row[0] is None:
            commands.append(("SPAN", (0, r - 1), (0, r)))
    table.setStyle(TableStyle(commands))
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4).build([Paragraph(COVER, style), Paragraph(TITLE, style), table])
    return buffer.getvalue()


BUILDERS = {
    "html": (html, "公开.html"),
    "docx": (docx, "公开.docx"),
    "xlsx": (xlsx, "公开.xlsx"),
    "pdf": (pdf, "公开.pdf"),
}
