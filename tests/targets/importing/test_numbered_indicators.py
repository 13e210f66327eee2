import pytest

from targets.importing.numbered_indicators import parse_numbered_indicators, split_items


def test_items_in_sequence_with_nested_definitions():
    text = (
        "1、接口调用成功率：(成功率=(成功次数/总次数)*100%)≥99%。2、巡检报告：(每月一份)12 份。"
        "3、防护设备的功能(设备1、2) : (具备入侵检测)具备 2 个能力。4、响应时间:(工作日)≤2 小时。"
    )
    items = parse_numbered_indicators(text)
    assert [(i.number, i.name, i.value) for i in items] == [
        (1, "接口调用成功率", "≥99%"),
        (2, "巡检报告", "12份"),
        (3, "防护设备的功能(设备1、2)", "具备2个能力"),
        (4, "响应时间", "≤2小时"),
    ]
    assert items[0].definition == "成功率=(成功次数/总次数)*100%"


def test_wrapped_text_is_joined():
    text = "1、用户 数：(关注 用户 数)≥3 万。2、满意\n度：(问卷)不低于 90%；。"
    assert [(i.name, i.value) for i in parse_numbered_indicators(text)] == [
        ("用户数", "≥3万"),
        ("满意度", "不低于90%；"),
    ]


def test_a_number_inside_an_item_does_not_restart_the_list():
    assert [n for n, _ in split_items("1、甲：(乙2、3)5个。2、丙：6个。")] == [1, 2]


@pytest.mark.parametrize("text", ["", "没有编号的文字", "2、从二开始"])
def test_no_items(text):
    assert parse_numbered_indicators(text) == []


def test_item_without_colon_keeps_text_as_name():
    (item,) = parse_numbered_indicators("1、全年无重大事故。")
    assert (item.name, item.value) == ("全年无重大事故", "")
