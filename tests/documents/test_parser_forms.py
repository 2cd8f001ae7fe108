"""Documents in the other forms the importer must read, written small and realistic."""

import datetime as dt

import pytest

from documents.parser import ParseError, parse_text
from documents.parser.responsibility import (
    NotResponsibility,
    UnreadableResponsibility,
    parse_responsibility,
)


def roles(task):
    return task.names("lead"), task.names("support"), task.names("responsible")


FULLWIDTH_CRLF = (
    "广州市人民政府办公厅文件\r\n"
    "穗府办〔2023〕5号\r\n"
    "广州市人民政府办公厅关于印发广州市\r\n"
    "养老服务提升行动方案的通知\r\n"
    "\r\n"
    "各区人民政府，市政府各部门、各直属机构：\r\n"
    "\u3000\u3000现将《广州市养老服务提升行动方案》印发给你们，请认真组织实施。\r\n"
    "\u00a0\r\n"
    "广州市人民政府办公厅\r\n"
    "2023年3月1日\r\n"
    "（此件公开发布）\r\n"
    "广州市养老服务提升行动方案\r\n"
    "一、主要任务\r\n"
    "（一）完善服务网络。建设社区嵌入式养老服务设施。（牵头单位：市民政局，配合单位：市财政局、市规划和自然资源局，各区、县级市；2023年12月底前完成）\r\n"
    "（二）加强人才培养。开展养老护理员培训，每年6月底前报送培训情况。（牵头单位：市人力资源社会保障局，配合单位：市民政局）\r\n"
    "二、保障措施\r\n"
    "各区要建立由分管区领导牵头的工作机制，加强统筹。\r\n"
)


def test_fullwidth_punctuation_crlf_and_nbsp():
    doc = parse_text(FULLWIDTH_CRLF).documents[0]
    assert doc.number.whole == "穗府办〔2023〕5号"
    assert doc.title == "广州市人民政府办公厅关于印发广州市养老服务提升行动方案的通知"
    assert doc.issuer == "广州市人民政府办公厅"
    assert doc.signed_on == dt.date(2023, 3, 1) and doc.public is True
    assert doc.enclosure_title == "广州市养老服务提升行动方案"
    first, second = doc.tasks
    assert roles(first) == (["市民政局"], ["市财政局", "市规划和自然资源局", "各区、县级市"], [])
    assert first.deadline.kind == "due" and first.deadline.due == dt.date(2023, 12, 31)
    assert first.path == "一.(一)" and first.text == "建设社区嵌入式养老服务设施。"
    assert roles(second) == (["市人力资源社会保障局"], ["市民政局"], [])
    # no deadline in the parenthetical: the one written in the text counts
    assert second.deadline.kind == "recurring" and second.deadline.by == "06-30"
    assert len(doc.tasks) == 2  # 牵头 in plain prose is not a task


JOINT_TWO_LINE_HEADER = """市财政局
市农业农村局文件
本财发〔2020〕8号
关于做好2020年涉农资金
整合工作的通知

各县（区）财政局、农业农村局：
为做好整合工作，现通知如下。
一、编制方案。各县（区）于2020年3月31日前报送整合方案。（各县区政府负责）
二、加强监督。（市财政局牵头负责；每季度末）
市财政局　　市农业农村局
2020年1月10日
"""


def test_joint_header_on_two_lines_and_two_signatories():
    doc = parse_text(JOINT_TWO_LINE_HEADER).documents[0]
    assert doc.issuer == "市财政局、市农业农村局"
    assert doc.title == "关于做好2020年涉农资金整合工作的通知"
    assert doc.signatories == ["市财政局", "市农业农村局"]
    assert doc.signed_on == dt.date(2020, 1, 10)
    plan, supervise = doc.tasks
    assert roles(plan) == ([], [], ["各县区政府"])
    assert plan.deadline.due == dt.date(2020, 3, 31)  # from the text: 于2020年3月31日前
    assert roles(supervise) == (["市财政局"], [], [])
    assert supervise.deadline.kind == "recurring" and supervise.deadline.every == "quarter"


ARTICLES_ONE_LINE = (
    "某市人民政府关于印发某市应急物资储备管理办法的通知\n"
    "各县、区人民政府，市政府各部门：现将《某市应急物资储备管理办法》印发给你们，请认真贯彻落实。"
    "某市人民政府2023年9月5日（此件公开发布）某市应急物资储备管理办法"
    "第一章\u2002 总\u2002 \u2002 则"
    "第一条\u2002\u2002为加强应急物资储备管理，制定本办法。"
    "第二条\u2002\u2002本办法适用于市级应急物资。"
    "第二章\u2002 储\u2002 \u2002 存"
    "第三条\u2002 承储单位应当具备以下条件：（一）仓储设施完好；（二）管理制度健全。"
    + "第四条\u2002 承储单位应当定期检查储备物资，确保数量真实、质量良好、储存安全。"
    * 40
)


def test_whole_document_on_one_line_with_chapters_and_articles():
    doc = parse_text(ARTICLES_ONE_LINE).documents[0]
    assert doc.title == "某市人民政府关于印发某市应急物资储备管理办法的通知"
    assert doc.signed_on == dt.date(2023, 9, 5) and doc.public is True
    assert doc.enclosure_title == "某市应急物资储备管理办法"
    chapters = [c for c in doc.clauses if c.kind == "chapter"]
    assert [(c.label, c.heading) for c in chapters] == [("第一章", "总则"), ("第二章", "储存")]
    sections = [c.path for c in doc.clauses if c.kind == "section"]
    assert sections == ["第二章.第三条.(一)", "第二章.第三条.(二)"]
    assert doc.tasks == []


CONTINUOUS = """上海市人民政府关于支持某区发展的若干意见
各区人民政府，市政府各委、办、局：
为支持某区发展，提出如下意见。
一、深化改革
（一）简政放权。市政府进一步下放审批事项。
（二）完善体制。明确市、区两级职责。
二、促进产业
（三）推进智能制造。支持创建制造业创新中心。
（四）集聚重大项目。推动重点项目落户。
"""


def test_items_numbered_continuously_across_chapters_and_no_number():
    doc = parse_text(CONTINUOUS).documents[0]
    assert doc.number is None and doc.issuer == "上海市人民政府"
    sections = [(c.path, c.heading) for c in doc.clauses if c.kind == "section"]
    assert sections == [
        ("一.(一)", "简政放权"),
        ("一.(二)", "完善体制"),
        ("二.(三)", "推进智能制造"),
        ("二.(四)", "集聚重大项目"),
    ]
    assert doc.tasks == []


def test_unreadable_parenthetical_is_a_warning_with_its_line_and_raw_text():
    text = (
        "本溪市人民政府文件\n本政发〔2019〕3号\n本溪市人民政府关于测试的通知\n\n各县区人民政府：\n"
        "一、工作任务\n(一)做好解释工作。相关条款的解释按规定办理。(由市财政局负责解释)\n"
        "(二)推进整合。完成整合任务。(市财政局牵头;2019年6月底前)\n"
    )
    doc = parse_text(text).documents[0]
    assert len(doc.tasks) == 1 and doc.tasks[0].deadline.due == dt.date(2019, 6, 30)
    (warning,) = doc.warnings
    assert warning.line == 7 and warning.raw == "(由市财政局负责解释)"
    assert "(由市财政局负责解释)" in doc.unplaced


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            "市财政局牵头,市发展改革委、市国土资源局等部门配合;2019年2月基本完成并逐步完善",
            [("市财政局", "lead"), ("市发展改革委", "support"), ("市国土资源局", "support")],
        ),
        ("各县区政府负责;2018年基本完成", [("各县区政府", "responsible")]),
        (
            "责任单位:市民政局、市工商局,各县区政府",
            [
                ("市民政局", "responsible"),
                ("市工商局", "responsible"),
                ("各县区政府", "responsible"),
            ],
        ),
        (
            "牵头单位:市民政局、市财政局,配合单位:有关部门",
            [("市民政局", "lead"), ("市财政局", "lead"), ("有关部门", "support")],
        ),
        ("市政府相关部门按职责分工牵头负责", [("市政府相关部门", "lead")]),
        (
            "市民政局牵头,市教育局、市人社局按职责分工负责",
            [("市民政局", "lead"), ("市教育局", "support"), ("市人社局", "support")],
        ),
        (
            "牵头单位：市民政局，配合单位：市财政局、市人社局，各区、县级市",
            [
                ("市民政局", "lead"),
                ("市财政局", "support"),
                ("市人社局", "support"),
                ("各区、县级市", "support"),
            ],
        ),
        (
            "市财政局、市民政局等相关部门按职责分工牵头负责",
            [("市财政局", "lead"), ("市民政局", "lead")],
        ),
        ("市财政局牵头,各县区政府落实", [("市财政局", "lead"), ("各县区政府", "support")]),
        (
            "各县区政府,市直有关部门负责",
            [("各县区政府", "responsible"), ("市直有关部门", "responsible")],
        ),
    ],
)
def test_responsibility_forms(content, expected):
    got = parse_responsibility(content, ref_year=2018)
    assert [(a.name, a.role) for a in got.assignments] == expected


@pytest.mark.parametrize(
    ("content", "due"),
    [
        ("市财政局负责,2019年底前完成", dt.date(2019, 12, 31)),
        ("责任单位：市财政局　完成时限：2019年6月底", dt.date(2019, 6, 30)),
        ("市财政局牵头；2019年6月底前", dt.date(2019, 6, 30)),
    ],
)
def test_deadline_after_a_comma_or_labelled(content, due):
    got = parse_responsibility(content, ref_year=2018)
    assert [a.name for a in got.assignments] == ["市财政局"]
    assert got.deadline.due == due


def test_first_listed_is_lead_rule():
    got = parse_responsibility("责任部门:市卫生计生委、市发展改革委,列在首位的部门为牵头部门,下同")
    assert got.first_is_lead
    assert [(a.name, a.role) for a in got.assignments] == [
        ("市卫生计生委", "lead"),
        ("市发展改革委", "support"),
    ]
    later = parse_responsibility("责任部门:市卫生计生委、市工商局", first_is_lead=True)
    assert [(a.name, a.role) for a in later.assignments] == [
        ("市卫生计生委", "lead"),
        ("市工商局", "support"),
    ]
    alone = parse_responsibility("责任部门:市卫生计生委、市工商局")
    assert {a.role for a in alone.assignments} == {"responsible"}


@pytest.mark.parametrize(
    "content", ["以下简称“两区”", "含区,下同", "2018—2020年", "市政务公开办", "试行"]
)
def test_prose_parentheticals_are_not_assignments(content):
    with pytest.raises(NotResponsibility):
        parse_responsibility(content)


@pytest.mark.parametrize("content", ["由市财政局负责解释", "市财政局牵头;下个月"])
def test_parentheticals_that_speak_of_duty_but_cannot_be_read(content):
    with pytest.raises(UnreadableResponsibility):
        parse_responsibility(content)


@pytest.mark.parametrize("text", ["你好，世界", "第一行\n第二行\n第三行。", "1\n2\n3"])
def test_text_with_no_document_is_refused(text):
    with pytest.raises(ParseError):
        parse_text(text)


PROVINCE_STYLE = """某某市人民政府办公室文件
某政办发〔2020〕12号
某某市人民政府办公室关于印发某某市优化营商环境
三年行动方案的通知

各区县人民政府，市政府各部门，各有关单位：
\u3000\u3000《某某市优化营商环境三年行动方案》已经市政府同意，现印发给你们，请认真贯彻执行。

某某市人民政府办公室
二〇二〇年六月一日
（此件公开发布）

某某市优化营商环境三年行动方案
一、重点任务
（一）压减审批时限。全面推行承诺制审批。（牵头单位：市发展改革委；责任单位：各区县人民政府；完成时限：2020年底前）
（二）推进数据共享。建设统一数据平台。（市大数据局牵头，市直有关部门和各区县政府按职责分工负责）
（三）优化纳税服务。（市税务局负责，长期坚持）

抄送：市委各部门，市人大常委会办公室，市政协办公室。
某某市人民政府办公室\u3000\u3000\u3000\u30002020年6月1日印发
"""


def test_labelled_segments_chinese_numeral_date_and_imprint():
    doc = parse_text(PROVINCE_STYLE).documents[0]
    assert doc.signed_on == dt.date(2020, 6, 1)  # 二〇二〇年六月一日
    assert doc.enclosure_title == "某某市优化营商环境三年行动方案"
    first, second, third = doc.tasks
    assert roles(first) == (["市发展改革委"], [], ["各区县人民政府"])
    assert first.deadline.due == dt.date(2020, 12, 31)
    assert roles(second) == (["市大数据局"], ["市直有关部门", "各区县政府"], [])
    assert roles(third) == ([], [], ["市税务局"]) and third.deadline.kind == "ongoing"
    assert "抄送" in doc.body and not any("抄送" in c.text for c in doc.clauses)
