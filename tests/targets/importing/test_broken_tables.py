"""One broken table is reported and left out; the rest of the document imports."""

import pytest

from targets.importing.indicator_table import IndicatorTable
from targets.importing.services import disclosure_import
from targets.models import Indicator
from tests.factories import DepartmentFactory

DOCUMENT = """示例镇文化站2024年部门预算

项目支出绩效目标表
一级指标\t二级指标\t三级指标\t指标值
产出指标\t数量指标\t放映场次\t≥24场

项目支出绩效目标表
项目名称\t农家书屋更新\t实施单位\t示例镇文化站
年度资金总额\t8\t其中：财政拨款\t8
一级指标\t二级指标\t三级指标\t指标值
产出指标\t数量指标\t更新图书册数\t≥2000册
满意度指标\t服务对象满意度指标\t读者满意度\t≥90%
"""


@pytest.fixture
def station(db):
    return DepartmentFactory(code="TOWN", name="示例镇文化站")


def test_sheet_without_project_name_is_reported_and_the_rest_imports(station):
    result = disclosure_import(content=DOCUMENT.encode(), name="文化站.txt", actor=None)
    assert list(Indicator.objects.values_list("name", flat=True).order_by("order")) == ["更新图书册数", "读者满意度"]
    (error,) = result.report()["errors"]
    assert error.startswith("文化站.txt 第3行") and "没有项目名称" in error


def test_a_table_that_fails_to_parse_is_isolated(station, monkeypatch):
    original = IndicatorTable.feed

    def feed(self, row):
        if "放映场次" in row.cells:
            raise ValueError("意外的单元格")
        return original(self, row)

    monkeypatch.setattr(IndicatorTable, "feed", feed)
    broken = DOCUMENT.replace("项目支出绩效目标表\n一级指标", "项目支出绩效目标表\n项目名称\t电影放映\n一级指标", 1)
    result = disclosure_import(content=broken.encode(), name="文化站.txt", actor=None)
    assert set(Indicator.objects.values_list("name", flat=True)) == {"更新图书册数", "读者满意度"}
    (error,) = result.report()["errors"]
    assert "第6行" in error and "电影放映" in error and "无法解析" in error
