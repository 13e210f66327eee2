from budgets.readers import read_document


def read(text: str):
    return read_document(text.encode("utf-8"), "测试.txt")


def test_tab_rows_and_page_breaks():
    document = read("标题\n\n甲\t乙\t丙\n1\t2\t3\n\n4\t5\t6\n正文段落\n")
    (table,) = document.tables
    assert [row.cells for row in table.rows] == [["甲", "乙", "丙"], ["1", "2", "3"], ["4", "5", "6"]]
    assert [row.after_break for row in table.rows] == [False, False, True]
    assert table.rows[2].location.line == 6
    assert [block.kind for block in document.blocks] == ["paragraph", "table", "paragraph"]


def test_one_cell_per_line_rows_separated_by_blank_lines():
    text = "\t项目名称\n\t网站运维\n\n\t年度资金总额：\n\t20\n\n\n\t一级指标\n\t二级指标\n"
    (table,) = read(text).tables
    assert [row.cells for row in table.rows] == [
        ["项目名称", "网站运维"],
        ["年度资金总额：", "20"],
        ["一级指标", "二级指标"],
    ]
    assert [row.after_break for row in table.rows] == [False, False, True]


def test_pipes_and_space_runs():
    text = (
        "| 一级指标 | 二级指标 | 三级指标 | 指标值 |\n|---|---|---|---|\n| 产出指标 | 数量指标 | 巡检次数 | ≥12次 |\n"
    )
    (table,) = read(text).tables
    assert table.rows[1].cells == ["产出指标", "数量指标", "巡检次数", "≥12次"]
    (spaced,) = read("产出指标    数量指标    巡检次数    ≥12次\n").tables
    assert spaced.rows[0].cells == ["产出指标", "数量指标", "巡检次数", "≥12次"]


def test_letter_spaced_title_stays_text():
    document = read("项  目  支  出  绩  效  目  标  表\n")
    assert document.blocks[0].kind == "paragraph"


def test_markdown_headings_and_html_in_cells():
    document = read(
        '## 表一\n<b>项目名称</b>\t<p style="x">网站</p><p>运维</p>\t延续 <input checked type="checkbox"/>\n'
    )
    assert document.blocks[0].kind == "heading" and document.blocks[0].text == "表一"
    assert document.tables[0].rows[0].cells == ["项目名称", "网站\n运维", "延续 ☑"]


def test_script_is_not_kept():
    document = read("<script>alert(1)</script>说明\t值\n")
    assert "<script>" not in document.tables[0].rows[0].cells[0]


def test_gb18030_text_is_read():
    document = read_document("项目名称\t网站运维\n".encode("gb18030"), "旧编码.txt")
    assert document.tables[0].rows[0].cells == ["项目名称", "网站运维"]
