import pytest

from budgets.tables.codes import row_code, strip_code
from budgets.tables.kinds import TableKind, is_table_title, table_kind


@pytest.mark.parametrize(
    ("cells", "code"),
    [
        (["2010301", "行政运行", "17,727.14"], "2010301"),
        (["", "201", "03", "99", "其他政府办公厅事务", "150"], "2010399"),
        (["302", "29", "福利费", "1.2"], "30229"),
        (["301", "01", "501", "01", "基本工资", "3"], "30101"),
        (["一、一般公共预算拨款收入", "320.91", "201 一般公共服务支出", "296.3"], "201"),
        (["", "210卫生健康支出", "12"], "210"),
        (["[50501]工资福利支出", "[30101]基本工资", "100"], "30101"),
        (["[50501]工资福利支出", "100"], "50501"),
        (["201", "一、一般公共服务支出", "56.2"], "201"),
        (["190004", "示例中心", "5544.59"], ""),
        (["A02010104", "台式计算机", "12"], ""),
        (["", "合计", "68,469.32"], ""),
        (["2021", "年度", "3"], ""),
    ],
)
def test_row_code(cells, code):
    assert row_code(cells)[0] == code


def test_strip_code():
    assert strip_code("[30101]基本工资") == "基本工资"
    assert strip_code("201 一般公共服务支出") == "一般公共服务支出"
    assert strip_code("行政运行") == "行政运行"


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("部门收支总表", TableKind.INCOME_EXPENSE_SUMMARY),
        ("2023 年部门收支预算总表", TableKind.INCOME_EXPENSE_SUMMARY),
        ("部门收入总体情况表", TableKind.INCOME),
        ("部门支出预算总表", TableKind.EXPENSE),
        ("财政拨款收支预算总体情况表", TableKind.FISCAL_SUMMARY),
        ("一般公共预算支出预算表（按功能分类科目）", TableKind.GENERAL_PUBLIC_EXPENSE),
        ("一般公共预算基本支出情况表（按支出经济分类科目）", TableKind.GENERAL_PUBLIC_BASIC_EXPENSE),
        ("一般公共预算“三公”经费支出表", TableKind.THREE_PUBLIC),
        ("财政拨款安排的行政经费及“三公”经费预算表", TableKind.THREE_PUBLIC),
        ("政府性基金预算支出情况表", TableKind.GOV_FUND),
        ("2023 部门国有资本经营收支预算表", TableKind.STATE_CAPITAL),
        ("政府采购预算表", TableKind.PROCUREMENT),
        ("一般公共预算项目支出情况表", TableKind.PROJECT_EXPENSE),
        ("部门预算项目支出预算表", TableKind.PROJECT_EXPENSE),
        ("非税收入预算表", TableKind.OTHER),
        ("部门预算基本支出预算表", TableKind.OTHER),
        ("政府购买服务预算表", TableKind.OTHER),
    ],
)
def test_kind(title, kind):
    assert is_table_title(title)
    assert table_kind(title) == kind


@pytest.mark.parametrize(
    "text",
    [
        "信息化运行维护项目绩效目标表",
        "11. 部门（单位）整体绩效目标表",
        "部门收支总表.....",
        "一、关于 2021 年收支预算总体情况说明",
        "按照规定编制了本部门的收支预算表并按时公开，请各单位认真做好相关工作。",
    ],
)
def test_not_a_budget_table_title(text):
    assert not is_table_title(text)
