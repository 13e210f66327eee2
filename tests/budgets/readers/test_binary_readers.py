from budgets.readers import read_document
from tests.documents import BUILDERS


def test_html_rowspan_becomes_a_blank_cell_and_scripts_are_dropped():
    build, name = BUILDERS["html"]
    document = read_document(build(), name)
    (table,) = document.tables
    assert table.rows[5].cells == ["", "质量指标", "保洁达标率", "≥95%"]
    assert all("alert" not in block.text for block in document.blocks)


def test_docx_vertical_merge_is_blank_below():
    build, name = BUILDERS["docx"]
    (table,) = read_document(build(), name).tables
    assert table.rows[4].cells[0] == "产出指标"
    assert table.rows[5].cells[0] == ""
    assert table.rows[5].location.sheet == "表格1"


def test_xlsx_numbers_are_text_without_float_noise():
    build, name = BUILDERS["xlsx"]
    document = read_document(build(), name)
    table = document.tables[0]
    assert table.rows[1].cells[:2] == ["年度资金总额", "80"]
    assert table.rows[1].location.describe() == "工作表“绩效目标”第4行"


def test_pdf_table_rows_have_page_locations():
    build, name = BUILDERS["pdf"]
    (table,) = read_document(build(), name).tables
    assert table.rows[0].cells == ["项目名称", "河道保洁", "实施单位", "示例县水利站"]
    assert table.rows[0].location.page == 1
