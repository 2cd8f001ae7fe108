"""Documents of other governments (issue 16): any titled 公文 imports, responsibility conventions
beyond Benxi's, forwarded documents (转发). Fixtures and their sources: fixtures/other_governments/.
"""

import datetime as dt
from pathlib import Path

import pytest

from documents.parser import ParseError, parse_text
from documents.parser.responsibility import parse_responsibility

FIXTURES = Path(__file__).parent / "fixtures" / "other_governments"


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def roles(task) -> list[tuple[str, str]]:
    return [(a.name, a.role) for a in task.assignments]


# --- any titled official text is a document ---------------------------------------------------

TITLES = [
    "关于做好2023年度防汛工作的通知",
    "关于加强农村供水工程管理的意见",
    "关于推进人才工作的实施意见",
    "某某市城市更新行动实施方案",
    "某某市政府投资项目管理办法",
    "某某市住宅专项维修资金管理规定",
    "关于表彰2022年度先进集体的决定",
    "关于2023年第一季度安全生产情况的通报",
    "关于同意设立某某经济开发区的批复",
    "关于商请支持某某项目建设的函",
    "市政府第十二次常务会议纪要",
    "某某市“十四五”生态环境保护规划",
    "某某市2022年政务公开工作要点",
    "某某市公共资源交易管理暂行办法（试行）",
]


@pytest.mark.parametrize("title", TITLES)
def test_a_titled_text_of_any_kind_is_a_document(title):
    text = (
        f"{title}\n"
        "　　为做好相关工作，结合我市实际，制定本文件。\n"
        "　　一、工作任务\n"
        "　　（一）建立工作机制。明确职责分工。（市财政局牵头，市民政局配合）\n"
    )
    (doc,) = parse_text(text).documents
    assert doc.title == title
    assert doc.number is None and not doc.warnings
    assert roles(doc.tasks[0]) == [("市财政局", "lead"), ("市民政局", "support")]
    assert doc.missing() == ["文号", "发文机关标志", "主送机关", "署名", "成文日期"]


def test_a_title_over_two_lines_with_no_number():
    text = (
        "关于进一步加强城市社区嵌入式服务设施\n建设工作的实施意见\n"
        "　　为推动社区服务设施建设，提出如下意见。\n　　一、主要任务\n"
    )
    (doc,) = parse_text(text).documents
    assert doc.title == "关于进一步加强城市社区嵌入式服务设施建设工作的实施意见"
    assert [c.label for c in doc.clauses if c.kind == "part"] == ["一"]


@pytest.mark.parametrize(
    "text",
    [
        "今天天气很好，我们去公园散步。\n",
        "为做好相关工作，现就有关事项说明如下。\n一、总体要求\n做好工作。\n",
        "工作总结\n",  # a word, not the title of a 公文
    ],
)
def test_text_with_no_title_is_refused_with_the_reason(text):
    with pytest.raises(ParseError, match="没有公文标题"):
        parse_text(text)


def test_a_real_points_document_with_no_number_header_or_signatory():
    (doc,) = parse_text(fixture("xianyang_2022_points_excerpt.txt")).documents
    assert doc.title.startswith("咸阳市2022年深化") and doc.title.endswith("工作要点")
    assert doc.number is None and doc.missing()[:2] == ["文号", "发文机关标志"]
    (task,) = doc.tasks
    assert roles(task) == [
        ("市政府办公室", "lead"),
        ("市行政审批制度改革工作领导小组办公室", "lead"),
        ("市级各有关部门", "support"),
        ("各县市区政府", "support"),
    ]
    assert task.deadline.due == dt.date(2022, 10, 31)


def test_real_city_and_provincial_opinions():
    (dongguan,) = parse_text(fixture("dongguan_2021_54_excerpt.txt")).documents
    assert dongguan.number.whole == "东府〔2021〕54号"
    assert dongguan.issuer == "东莞市人民政府"
    assert [roles(t) for t in dongguan.tasks] == [
        [
            ("市人力资源社会保障局", "responsible"),
            ("市医保局", "responsible"),
            ("市财政局", "responsible"),
            ("市税务局", "responsible"),
        ],
        [("市残联", "responsible"), ("市财政局", "responsible"), ("市税务局", "responsible")],
    ]
    (hubei,) = parse_text(fixture("hubei_2018_26_excerpt.txt")).documents
    assert hubei.title == "省人民政府关于进一步优化营商环境的若干意见"
    assert hubei.number.whole == "鄂政发〔2018〕26号"
    (task,) = hubei.tasks
    assert roles(task)[:2] == [("省发展改革委", "lead"), ("省编办", "responsible")]
    assert len(task.assignments) == 5 and not hubei.warnings


# --- responsibility conventions -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("国家发展改革委会同有关部门负责", [("国家发展改革委", "lead"), ("有关部门", "support")]),
        (
            "财政部会同税务总局、人民银行负责",
            [("财政部", "lead"), ("税务总局", "support"), ("人民银行", "support")],
        ),
        ("省发展改革委牵头负责", [("省发展改革委", "lead")]),
        (
            "教育部、人力资源社会保障部按职责分工负责",
            [("教育部", "responsible"), ("人力资源社会保障部", "responsible")],
        ),
        (
            "人力资源社会保障部等有关部门和单位按职责分工负责",
            [("人力资源社会保障部", "responsible"), ("有关部门和单位", "responsible")],
        ),
        (
            "牵头单位：市发展改革委，配合单位：市委组织部、市人力资源和社会保障局，各区、县级市",
            [
                ("市发展改革委", "lead"),
                ("市委组织部", "support"),
                ("市人力资源和社会保障局", "support"),
                ("各区、县级市", "support"),
            ],
        ),
        (
            "牵头单位：省发展改革委；配合单位：省财政厅；时间进度：2021年6月底前",
            [("省发展改革委", "lead"), ("省财政厅", "support")],
        ),
        (
            "国家发展改革委和国家能源局负责",
            [("国家发展改革委", "responsible"), ("国家能源局", "responsible")],
        ),
    ],
)
def test_responsibility_conventions_of_other_governments(content, expected):
    got = parse_responsibility(content, ref_year=2021)
    assert [(a.name, a.role) for a in got.assignments] == expected
    assert not any("会同" in a.name or "等" in a.name for a in got.assignments)


def test_a_list_ending_in_etc_is_noted_not_guessed():
    got = parse_responsibility("国家发展改革委、科技部等负责")
    assert [a.name for a in got.assignments] == ["国家发展改革委", "科技部"]
    (note,) = got.notes
    assert "科技部" in note and "等" in note
    assert not parse_responsibility("国家发展改革委会同有关部门负责").notes
    assert not parse_responsibility("人力资源社会保障部等有关部门和单位按职责分工负责").notes


@pytest.mark.parametrize(
    "declaration",
    [
        "列第一位者为牵头单位，下同",
        "排在第一位的部门为牵头部门，下同",
        "排在首位的为牵头单位，下同",
        "列在首位的部门为牵头部门，下同",
    ],
)
def test_the_first_listed_lead_declaration_holds_from_its_task_on(declaration):
    text = (
        "国务院办公厅关于推进某某工作的意见\n"
        "　　一、重点任务\n"
        f"　　（一）完善制度。制定配套政策。（国家发展改革委、财政部负责，{declaration}）\n"
        "　　（二）加强监管。建立监测机制。（市场监管总局、工业和信息化部、商务部负责）\n"
        "　　（三）强化协调。研究解决问题。（国家发展改革委会同有关部门负责）\n"
    )
    (doc,) = parse_text(text).documents
    assert not doc.warnings and len(doc.tasks) == 3
    first, second, third = doc.tasks
    assert roles(first) == [("国家发展改革委", "lead"), ("财政部", "support")]
    assert roles(second) == [
        ("市场监管总局", "lead"),
        ("工业和信息化部", "support"),
        ("商务部", "support"),
    ]
    assert roles(third) == [("国家发展改革委", "lead"), ("有关部门", "support")]


def test_a_declaration_without_below_holds_for_its_own_task_only():
    text = (
        "关于推进某某工作的意见\n　　一、重点任务\n"
        "　　（一）完善制度。制定政策。（财政部、税务总局负责，列第一位者为牵头单位）\n"
        "　　（二）加强监管。建立机制。（市场监管总局、商务部负责）\n"
    )
    first, second = parse_text(text).documents[0].tasks
    assert roles(first) == [("财政部", "lead"), ("税务总局", "support")]
    assert {a.role for a in second.assignments} == {"responsible"}


def test_a_declaration_in_prose_holds_for_the_tasks_after_it():
    text = (
        "关于推进某某工作的实施方案\n"
        "　　各项任务中，排在第一位的部门为牵头部门。\n"
        "　　一、重点任务\n"
        "　　（一）完善制度。制定政策。（省财政厅、省税务局负责）\n"
    )
    (task,) = parse_text(text).documents[0].tasks
    assert roles(task) == [("省财政厅", "lead"), ("省税务局", "support")]


def test_a_state_council_style_text_reads_every_convention():
    (doc,) = parse_text(fixture("state_council_style.txt")).documents
    assert doc.number.whole == "国发〔2019〕99号" and doc.signatories == ["国务院"]
    assert not doc.warnings and not doc.unplaced
    assert [roles(t) for t in doc.tasks] == [
        [("市场监管总局", "lead"), ("工业和信息化部", "support")],
        [("财政部", "lead"), ("税务总局", "support")],
        [("国家发展改革委", "lead"), ("有关部门", "support")],
        [("人力资源社会保障部", "lead"), ("有关部门和单位", "support")],
        [("国家发展改革委", "lead"), ("科技部", "support")],
        [("各省级人民政府", "lead")],
    ]
    assert doc.tasks[0].deadline.due == dt.date(2020, 12, 31)
    assert doc.tasks[4].notes and not doc.tasks[3].notes
    names = {a.name for t in doc.tasks for a in t.assignments}
    assert not any("牵头单位" in n or "下同" in n for n in names)


def test_labelled_fields_on_their_own_lines_or_ending_a_paragraph():
    (doc,) = parse_text(fixture("labelled_lines.txt")).documents
    assert doc.number is None and not doc.warnings
    first, second, third = doc.tasks
    assert first.heading == "建设一体化政务服务平台"
    assert first.text == "整合各部门业务系统，实现政务服务事项网上可办。"
    assert roles(first) == [
        ("市政务服务数据管理局", "lead"),
        ("市发展改革委", "support"),
        ("市财政局", "support"),
        ("各区、县级市", "support"),
    ]
    assert first.deadline.due == dt.date(2021, 12, 31)
    assert roles(second) == [
        ("市政务服务数据管理局", "responsible"),
        ("市各有关部门", "responsible"),
    ]
    assert second.deadline.due == dt.date(2021, 6, 30)
    assert roles(third) == [("市委网信办", "responsible"), ("市公安局", "responsible")]
    assert third.text == "落实网络安全等级保护制度。"
    assert all(t.origin == "parenthetical" for t in doc.tasks)


# --- forwarded documents (转发) -------------------------------------------------------------


def test_a_real_forwarding_notice_and_the_forwarded_text_are_two_documents():
    notice, forwarded = parse_text(fixture("shandong_2010_21_forward_excerpt.txt")).documents
    assert notice.number.whole == "鲁政办发〔2010〕21号"
    assert notice.signatories == ["山东省人民政府办公厅"]
    assert notice.signed_on == dt.date(2010, 4, 30)  # 二○一○年四月三十日
    assert notice.forwards == "关于做好2010年普通高校毕业生就业工作的意见"
    assert notice.missing() == []
    assert forwarded.forwarded_by == 0
    assert forwarded.title == "关于做好2010年普通高校毕业生就业工作的意见"
    assert forwarded.issuer == (
        "省人力资源社会保障厅、省教育厅、省财政厅、省地税局、省工商局、人民银行济南分行"
    )
    assert forwarded.signed_on == dt.date(2010, 4, 26)
    assert forwarded.body.startswith("为全面落实我省促进")
    assert "现转发给你们" not in forwarded.body and "为全面落实" not in notice.body


def test_a_city_notice_forwarding_a_state_council_text_marks_its_tasks():
    notice, forwarded = parse_text(fixture("city_forwards_state_council.txt")).documents
    assert notice.number.whole == "本政办发〔2019〕40号" and notice.tasks == []
    assert forwarded.forwarded_by == 0 and forwarded.issuer == "国务院"
    assert len(forwarded.tasks) == 3 and all(t.forwarded for t in forwarded.tasks)
    # kept as written: the ministries, with the first-listed lead
    assert roles(forwarded.tasks[0]) == [("市场监管总局", "lead"), ("工业和信息化部", "support")]


def test_a_forwarded_text_with_its_own_number_is_linked_too():
    text = fixture("city_forwards_state_council.txt").replace(
        "国务院关于推进某某产业高质量发展的意见\n　　为推进",
        "国务院关于推进某某产业高质量发展的意见\n国发〔2019〕99号\n　　为推进",
    )
    notice, forwarded = parse_text(text).documents
    assert forwarded.number.whole == "国发〔2019〕99号"
    assert forwarded.forwarded_by == 0 and all(t.forwarded for t in forwarded.tasks)
    assert notice.tasks == []


def test_a_notice_that_issues_its_own_plan_is_not_a_forward():
    text = (
        "某某市人民政府办公室关于印发某某市数字政府建设工作方案的通知\n"
        "各区人民政府，市政府各部门：\n"
        "　　《某某市数字政府建设工作方案》已经市政府同意，现印发给你们，请认真贯彻执行。\n"
        "某某市人民政府办公室\n2021年3月1日\n"
        "某某市数字政府建设工作方案\n　　一、重点任务\n"
        "　　（一）建设平台。整合系统。（市政务服务数据管理局负责）\n"
    )
    (doc,) = parse_text(text).documents
    assert doc.enclosure_title == "某某市数字政府建设工作方案"
    assert doc.forwarded_by is None and not doc.forwards
    assert not doc.tasks[0].forwarded


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            "牵头单位：市农业局，配合单位：市科协，各有关区、县级市",
            [("市农业局", "lead"), ("市科协", "support"), ("各有关区、县级市", "support")],
        ),
        ("各市、县人民政府负责", [("各市、县人民政府", "responsible")]),
        (
            "牵头单位：市委组织部，配合单位：市财政局、平山区、桓仁满族自治县",
            [
                ("市委组织部", "lead"),
                ("市财政局", "support"),
                ("平山区", "support"),
                ("桓仁满族自治县", "support"),
            ],
        ),
        (
            "市经贸委牵头，市工商联、市侨联配合",
            [("市经贸委", "lead"), ("市工商联", "support"), ("市侨联", "support")],
        ),
    ],
)
def test_departments_of_every_level(content, expected):
    got = parse_responsibility(content)
    assert [(a.name, a.role) for a in got.assignments] == expected


def test_the_issuer_of_a_forwarding_notice_is_the_body_that_forwards():
    text = (
        "某某省人民政府办公厅转发省发展改革委关于推进某某工作意见的通知\n"
        "各市人民政府，省政府各部门：\n"
        "　　省发展改革委《关于推进某某工作的意见》已经省政府同意，现转发给你们，请认真贯彻执行。\n"
        "关于推进某某工作的意见\n　　一、重点任务\n"
        "　　（一）完善制度。制定政策。（省发展改革委牵头，各市人民政府负责）\n"
    )
    notice, forwarded = parse_text(text).documents
    assert notice.issuer == "某某省人民政府办公厅"
    assert forwarded.issuer == "省发展改革委" and forwarded.tasks[0].forwarded


def test_labelled_lines_with_the_leader_named_beside_the_departments():
    text = (
        "某某市人民政府关于2021年重点工作及责任分解的通知\n"
        "各县区人民政府，市政府各部门：\n"
        "　　现将市政府2021年重点工作任务分解下达给你们，请认真组织实施。\n"
        "　　一、确保完成全年主要预期目标\n"
        "　　1. 一般公共预算收入增长6%左右。\n"
        "　　牵头负责领导：张某。\n"
        "　　牵头责任单位：市财政局。\n"
        "　　协同责任单位：市税务局、某某海关、市人行等，各县、市、区政府。\n"
        "　　2.实施富民行动，加快构建共同富裕的发展格局。\n"
        "　　牵头市领导：李某\n"
        "　　责任单位：市发改委、市农业农村局\n"
    )
    (doc,) = parse_text(text).documents
    first, second = doc.tasks
    assert first.text == "一般公共预算收入增长6%左右"
    assert roles(first) == [
        ("市财政局", "lead"),
        ("市税务局", "support"),
        ("某某海关", "support"),
        ("市人行", "support"),
        ("各县、市、区政府", "support"),
    ]
    assert first.notes  # 市人行等, — the unnamed rest
    assert second.text == "实施富民行动，加快构建共同富裕的发展格局"
    assert roles(second) == [("市发改委", "responsible"), ("市农业农村局", "responsible")]
    names = {a.name for t in doc.tasks for a in t.assignments}
    assert not any("张某" in n or "李某" in n for n in names) and not doc.warnings


def test_etc_in_a_list_that_waits_for_the_verb_is_noted():
    got = parse_responsibility("区发改局牵头，区财政局、区水务局等部门，各街道办事处配合")
    assert [(a.name, a.role) for a in got.assignments] == [
        ("区发改局", "lead"),
        ("区财政局", "support"),
        ("区水务局", "support"),
        ("各街道办事处", "support"),
    ]
    (note,) = got.notes
    assert "区水务局" in note
