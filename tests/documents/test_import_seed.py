"""The seed issue (2018年第6号) imported through the real importer, checked in detail."""

import datetime as dt

import pytest

from departments.models import Department
from documents.models import Clause, Document, GazetteIssue

pytestmark = pytest.mark.django_db


def test_issue_header(seed_export):
    assert seed_export["title"] == "本溪市人民政府公报2018年第6号"
    assert (seed_export["year"], seed_export["number"], seed_export["total_number"]) == (
        2018,
        6,
        102,
    )
    assert seed_export["published_on"] == "2018-12-21"
    issue = GazetteIssue.objects.get()
    assert [e["number"] for e in issue.toc] == [
        "本政发〔2018〕13号",
        "本政发〔2018〕15号",
        "本政办发〔2018〕51号",
        "本政办发〔2018〕58号",
        "本政办发〔2018〕68号",
        "本政办发〔2018〕69号",
    ]
    assert issue.toc[0]["section"] == "本溪市人民政府文件"
    assert issue.toc[2]["section"] == "本溪市人民政府办公厅文件"


EXPECTED_DOCUMENTS = [
    (
        "本政发〔2018〕13号",
        "本溪市人民政府",
        "本溪市人民政府关于印发本溪市探索建立涉农资金统筹整合长效机制实施方案的通知",
        "2018-09-12",
        21,
    ),
    (
        "本政发〔2018〕15号",
        "本溪市人民政府",
        "本溪市人民政府关于印发本溪市促进中医药发展实施方案(2018—2020年)的通知",
        "2018-09-12",
        23,
    ),
    (
        "本政办发〔2018〕51号",
        "本溪市人民政府办公厅",
        "本溪市人民政府办公厅关于印发本溪市粮食生产功能区和重要农产品生产保护区划定工作方案的通知",
        "2018-07-17",
        0,
    ),
    (
        "本政办发〔2018〕58号",
        "本溪市人民政府办公厅",
        "本溪市人民政府办公厅关于本溪市全面放开养老服务市场提升养老服务质量的实施意见",
        "2018-08-27",
        25,
    ),
    (
        "本政办发〔2018〕68号",
        "本溪市人民政府办公厅",
        "本溪市人民政府办公厅关于印发本溪市推进社会公益事业建设领域政府信息公开实施方案的通知",
        "2018-09-04",
        18,
    ),
    (
        "本政办发〔2018〕69号",
        "本溪市人民政府办公厅",
        "本溪市人民政府办公厅关于印发本溪市推进公共资源配置领域政府信息公开实施方案的通知",
        "2018-09-04",
        0,
    ),
]


def test_each_document(seed_export):
    got = [
        (
            d["number"],
            d["issuer"],
            d["title"],
            d["signed_on"],
            len([t for t in d["tasks"] if t["origin"] == "parenthetical"]),
        )
        for d in seed_export["documents"]
    ]
    assert got == EXPECTED_DOCUMENTS
    assert all(d["public"] is True for d in seed_export["documents"])


def test_document_parts_are_stored(imported_seed):
    doc = Document.objects.get(number="本政发〔2018〕13号")
    assert (doc.issuer_code, doc.number_year, doc.number_seq) == ("本政发", 2018, 13)
    assert doc.addressees == "各自治县、区人民政府,市政府各委办局、直属机构"
    assert doc.signatories == "本溪市人民政府"
    assert doc.public_marking == "此件公开发布"
    assert doc.enclosure_title == "本溪市探索建立涉农资金统筹整合长效机制实施方案"
    assert (
        Document.objects.get(number="本政发〔2018〕15号").enclosure_title
        == "本溪市促进中医药发展实施方案(2018—2020年)"
    )
    assert Document.objects.get(number="本政办发〔2018〕58号").enclosure_title == ""
    roster = Document.objects.get(number="本政办发〔2018〕51号").attachments
    assert (
        roster[0]["title"] == "本溪市粮食生产功能区和重要农产品生产保护区建设工作领导小组成员名单"
    )
    assert "隋显利" in roster[0]["text"] and "人民银行本溪市中心支行副行长" in roster[0]["text"]
    assert Document.objects.get(number="本政办发〔2018〕69号").attachments[0]["title"] == (
        "公共资源配置领域政府信息主动公开目录清单"
    )
    assert all(not d.warnings for d in Document.objects.all())


def test_citations_are_found_with_their_titles(seed_export, imported_seed):
    by_number = {d["number"]: d["citations"] for d in seed_export["documents"]}
    assert by_number["本政发〔2018〕13号"] == ["辽政发〔2018〕21号"]
    assert by_number["本政办发〔2018〕51号"] == [
        "国发〔2017〕24号",
        "农计发〔2017〕99号",
        "辽政办发〔2017〕133号",
    ]
    assert by_number["本政办发〔2018〕58号"] == ["国办发〔2016〕91号", "辽政办发〔2017〕94号"]
    citation = Document.objects.get(number="本政发〔2018〕13号").citations.get()
    assert citation.title == "辽宁省人民政府关于探索建立涉农资金统筹整合长效机制的实施意见"
    assert citation.cited_document is None  # not in the system: listed, not linked


def test_outline_tree(imported_seed):
    doc = Document.objects.get(number="本政发〔2018〕13号")
    part = Clause.objects.get(document=doc, path="二", kind="part")
    assert part.heading == "主要任务"
    section = Clause.objects.get(document=doc, path="二.(一)", kind="section")
    assert section.parent == part and section.heading == "统筹谋划涉农资金整合政策"
    item = Clause.objects.get(document=doc, path="二.(一).2", kind="item")
    assert item.parent == section and item.heading == "归并涉农资金"
    paragraphs = list(item.children.filter(kind="paragraph").order_by("order"))
    assert len(paragraphs) == 3 and paragraphs[0].text.startswith("对各级财政涉农专项转移支付资金")
    goal = Clause.objects.get(document=doc, path="一.(三)")
    assert goal.heading == "主要目标" and not goal.tasks.exists()


def _task(export, number, path, index=0):
    doc = next(d for d in export["documents"] if d["number"] == number)
    return [t for t in doc["tasks"] if t["path"] == path][index]


@pytest.mark.parametrize(
    ("number", "path", "index", "lead", "support", "responsible", "deadline"),
    [
        (
            "本政发〔2018〕13号",
            "二.(一).1",
            0,
            ["各县区政府"],
            ["市财政局", "市发展改革委", "市国土资源局", "市农委", "市水务局", "市林业局"],
            [],
            {"kind": "ongoing", "start": "2018-07-01", "text": "2018年7月起持续推进"},
        ),
        (
            "本政发〔2018〕13号",
            "二.(一).2",
            0,
            ["市财政局", "市发展改革委"],
            ["市国土资源局", "市农委", "市水务局", "市林业局"],
            [],
            {"kind": "due", "due": "2019-02-28", "text": "2019年2月基本完成并逐步完善"},
        ),
        (
            "本政发〔2018〕13号",
            "二.(一).2",
            3,
            [],
            [],
            ["各县区政府"],
            {"kind": "due", "due": "2019-02-28"},
        ),
        (
            "本政发〔2018〕13号",
            "二.(二).2",
            1,
            ["各县区政府"],
            ["市财政局", "市发展改革委", "市国土资源局", "市水务局", "市林业局"],
            [],
            {"kind": "due", "due": "2019-12-31", "text": "2019年基本完成并逐步完善"},
        ),
        (
            "本政发〔2018〕13号",
            "三.(一)",
            0,
            [],
            [],
            ["各县区政府"],
            {"kind": "due", "due": "2018-12-31", "text": "2018年基本完成"},
        ),
        (
            "本政发〔2018〕15号",
            "二.(一).1",
            0,
            ["市卫生计生委"],
            ["市发展改革委"],
            [],
            {"kind": None},
        ),
        (
            "本政发〔2018〕15号",
            "二.(二).2",
            0,
            ["市卫生计生委"],
            ["市工商局", "市食品药品监管局", "市保险行业协会"],
            [],
            {"kind": None},
        ),
        ("本政发〔2018〕15号", "三.(一)", 0, ["市卫生计生委"], ["各县区政府"], [], {"kind": None}),
        (
            "本政发〔2018〕15号",
            "三.(八)",
            0,
            ["市委宣传部"],
            ["市卫生计生委", "市文化广电局"],
            [],
            {"kind": None},
        ),
        (
            "本政办发〔2018〕58号",
            "二.(一)",
            0,
            [],
            [],
            ["市民政局", "市工商局", "市食品药品监管局", "市环保局", "各县区政府"],
            {"kind": None},
        ),
        (
            "本政办发〔2018〕58号",
            "二.(一)",
            1,
            [],
            ["有关部门"],
            ["市民政局", "市发展改革委", "市商务局"],
            {"kind": None},
        ),
        (
            "本政办发〔2018〕58号",
            "二.(一)",
            2,
            [],
            ["有关部门"],
            ["市民政局", "市住房城乡建设委", "市消防局", "市食品药品监管局", "市环保局"],
            {"kind": None},
        ),
        (
            "本政办发〔2018〕58号",
            "二.(八)",
            0,
            ["市民政局", "市财政局", "市科技产权局", "市税务局"],
            ["有关部门"],
            [],
            {"kind": None},
        ),
        (
            "本政办发〔2018〕58号",
            "三.(八)",
            0,
            ["市老龄办", "市民政局"],
            ["相关部门"],
            [],
            {"kind": None},
        ),
        ("本政办发〔2018〕68号", "二.(一)", 0, ["市政府相关部门"], [], [], {"kind": None}),
        (
            "本政办发〔2018〕68号",
            "二.(二)",
            1,
            ["市发展改革委", "市财政局"],
            [],
            [],
            {"kind": None},
        ),
        (
            "本政办发〔2018〕68号",
            "二.(三)",
            2,
            ["市财政局", "市民政局", "市体育发展委"],
            [],
            [],
            {"kind": "recurring", "every": "year", "by": "06-30", "text": "每年6月底前"},
        ),
        (
            "本政办发〔2018〕68号",
            "三.(二)",
            0,
            ["市民政局"],
            ["市教育局", "市人社局", "市住房城乡建设委", "市卫生计生委", "市残联"],
            [],
            {"kind": None},
        ),
        (
            "本政办发〔2018〕68号",
            "三.(四)",
            0,
            ["市卫生计生委"],
            [],
            [],
            {"kind": "relative", "n": 5, "unit": "hours", "from": "重大突发公共卫生事件"},
        ),
    ],
)
def test_sample_tasks(seed_export, number, path, index, lead, support, responsible, deadline):
    task = _task(seed_export, number, path, index)
    assert (task["lead"], task["support"], task["responsible"]) == (lead, support, responsible)
    for key, value in deadline.items():
        assert task["deadline"][key] == value, key


def test_task_text_runs_from_the_previous_parenthetical(seed_export):
    tasks = [t for t in _doc_tasks(seed_export, "本政办发〔2018〕68号") if t["path"] == "二.(二)"]
    assert [t["text"][:8] for t in tasks] == [
        "重点公开从事社会",
        "全面公开基本公共",
        "推动公开城乡社区",
    ]
    assert all("(" not in t["text"] for t in tasks)
    first = _task(seed_export, "本政发〔2018〕13号", "二.(一).1")
    assert first["heading"] == "加强规划引领"
    assert first["text"].startswith("市有关部门要做好行业总体规划") and first["text"].endswith(
        "统一考核验收。"
    )


def _doc_tasks(export, number):
    return next(d for d in export["documents"] if d["number"] == number)["tasks"]


def test_aliases_merge_into_one_department(imported_seed):
    dept = Department.objects.get(name="市住房城乡建设委")
    numbers = set(dept.assignments.values_list("task__document__number", flat=True))
    assert numbers == {"本政办发〔2018〕58号", "本政办发〔2018〕68号"}
    assert not Department.objects.filter(name="市住房和城乡建设委").exists()
    assert imported_seed.departments_created == []
    groups = set(
        Department.objects.filter(kind="group", assignments__isnull=False).values_list(
            "name", flat=True
        )
    )
    assert groups == {"各县区政府", "有关部门", "相关部门", "市政府相关部门"}


# (seq, area, item, rule kind, n, from, by, period, owner) for every catalogue row
EXPECTED_CATALOGUE = [
    (
        "1",
        "住房保障领域信息",
        "住房保障领域信息",
        "working_days",
        20,
        "文件制发之日",
        None,
        "长期",
        "市住房城乡建设委",
    ),
    (
        "2",
        "住房保障领域信息",
        "建设信息",
        "working_days",
        20,
        "确定年度目标计划",
        None,
        "长期",
        "市、县(区)政府部门",
    ),
    (
        "3",
        "住房保障领域信息",
        "分配和退出信息(不含棚改货币化安置项目)",
        "working_days",
        20,
        "每批次分配报名申请",
        None,
        "长期",
        "市、县(区)政府部门",
    ),
    (
        "4",
        "住房保障领域信息",
        "住房保障领域信息",
        "working_days",
        20,
        "制定发布",
        None,
        "长期",
        "市、县(区)政府部门",
    ),
    (
        "5",
        "住房保障领域信息",
        "农村危房改造政策",
        "working_days",
        20,
        "文件制定发布",
        None,
        "农村危房改造政策:长期。\n对象认定过程、补助资金分配、改造结果:7天。",
        "各级住房城乡建设部门",
    ),
    (
        "6",
        "国有土地使用权出让",
        "土地供应计划",
        "annual",
        None,
        None,
        "03-31",
        "1年",
        "市、县(区)政府",
    ),
    (
        "7",
        "国有土地使用权出让",
        "出让公告",
        "days",
        20,
        "招标拍卖挂牌活动开始前",
        None,
        "20日",
        "市、县(区)国土资源部门",
    ),
    (
        "8",
        "国有土地使用权出让",
        "成交公示",
        "working_days",
        10,
        "地块成交",
        None,
        "长期",
        "市、县(区)国土资源部门",
    ),
    (
        "9",
        "国有土地使用权出让",
        "供应结果",
        "working_days",
        10,
        "招标拍卖挂牌活动结束",
        None,
        "10日",
        "市、县(区)国土资源部门",
    ),
    (
        "10",
        "矿业权出让",
        "出让公告",
        "working_days",
        20,
        "招标拍卖挂牌活动开始前",
        None,
        "20个工作日",
        "市、县(区)国土资源部门\n市、县(区)公共资源交易中心",
    ),
    (
        "11",
        "矿业权出让",
        "成交结果公示",
        "working_days",
        5,
        "发出中标通知书或者签订成交确认书",
        None,
        "不少于10个工作日",
        "市、县(区)国土资源部门\n市、县(区)公共资源交易中心",
    ),
    (
        "12",
        "政府集中采购项目信息",
        "采购公告",
        "days",
        20,
        "公告发布之日",
        None,
        "长期",
        "市政府采购中心、市公共资源交易中心、市政府各部门",
    ),
    (
        "13",
        "政府集中采购项目信息",
        "中标公告",
        "working_days",
        1,
        "公告发布之日",
        None,
        "长期",
        "市政府采购中心、市公共资源交易中心、市政府各部门",
    ),
    (
        "14",
        "政府集中采购项目信息",
        "更正公告",
        "days",
        15,
        "公告发布之日",
        None,
        "长期",
        "市政府采购中心、市公共资源交易中心、市政府各部门",
    ),
    (
        "15",
        "国有产权交易",
        "产权交易公告",
        "working_days",
        10,
        "收到",
        None,
        "转让行为不少于20个工作日;增资行为不少于40个工作日",
        "市国资委",
    ),
    (
        "16",
        "国有产权交易",
        "受让增资方候选人",
        "working_days",
        10,
        "收到",
        None,
        "转让行为不少于20个工作日;增资行为不少于40个工作日",
        "市国资委",
    ),
    (
        "17",
        "国有产权交易",
        "产权交易结果",
        "working_days",
        10,
        "收到",
        None,
        "转让行为不少于20个工作日;增资行为不少于40个工作日",
        "市国资委",
    ),
    (
        "18",
        "工程建设项目招标投标",
        "资格预审公告和招标公告",
        "hours",
        12,
        "收到",
        None,
        "3年",
        "市发展改革委",
    ),
    ("19", "工程建设项目招标投标", "中标候选人", "hours", 12, "收到", None, "3年", "市发展改革委"),
    ("20", "工程建设项目招标投标", "中标结果", "hours", 12, "收到", None, "3年", "市发展改革委"),
    (
        "21",
        "工程建设项目招标投标",
        "招标投标报告备案",
        "hours",
        12,
        "收到",
        None,
        "3年",
        "市发展改革委",
    ),
    (
        "22",
        "公共资源配置“黑名单”",
        "失信“黑名单”",
        "working_days",
        7,
        "作出行政决定之日",
        None,
        "5年",
        "市级行业管理部门",
    ),
    (
        "23",
        "市内公路重点建设项目招标投标",
        "市场主体信用信息",
        "annual",
        None,
        None,
        "03-31",
        "长期",
        "市交通运输局",
    ),
    (
        "24",
        "市内公路重点建设项目招标投标",
        "资格预审公告",
        "hours",
        12,
        "收到",
        None,
        "3年",
        "市交通运输局",
    ),
    (
        "25",
        "市内公路重点建设项目招标投标",
        "中标候选人",
        "hours",
        12,
        "收到",
        None,
        "3年",
        "市交通运输局",
    ),
    (
        "26",
        "市内公路重点建设项目招标投标",
        "中标结果",
        "hours",
        12,
        "收到",
        None,
        "3年",
        "市交通运输局",
    ),
    (
        "27",
        "省际、市际、县际、县内客运班线经营许可",
        "省际、市际、县际、县内客运班线经营许可",
        "working_days",
        7,
        "许可之日",
        None,
        "5个工作日",
        "市交通运输局",
    ),
    (
        "28",
        "工程建设项目使用林地",
        "工程建设项目使用林地",
        "working_days",
        20,
        "信息形成或制发之日",
        None,
        "长期",
        "县(区)林业主管部门",
    ),
    (
        "29",
        "市重要沼泽湿地建设项目",
        "市重要沼泽湿地建设项目",
        "working_days",
        20,
        "信息形成或制发之日",
        None,
        "3年",
        "市林业局",
    ),
    (
        "30",
        "取水许可",
        "取水许可公告",
        "working_days",
        7,
        "取水许可行政审批做出决定之日",
        None,
        "3年",
        "市水务局",
    ),
    (
        "30",
        "取水许可",
        "入河排污口设置",
        "working_days",
        7,
        "入河排污口设置行政审批做出决定之日",
        None,
        "3年",
        "市水务局",
    ),
    (
        "31",
        "洪水影响评价等涉水事项",
        "洪水影响评价等涉水事项",
        "working_days",
        7,
        "审批结果决定之日",
        None,
        "3年",
        "市水务局",
    ),
    (
        "32",
        "水利领域工程建设项目管理",
        "重大设计变更信息公告",
        "working_days",
        20,
        "信息形成",
        None,
        "3年",
        "市水务局",
    ),
    (
        "32",
        "水利领域工程建设项目管理",
        "项目从业单位(人)信息",
        "working_days",
        20,
        "信息形成",
        None,
        "3年",
        "市水务局",
    ),
    (
        "32",
        "水利领域工程建设项目管理",
        "竣工验收有关信息公告",
        "working_days",
        20,
        "信息形成",
        None,
        "3年",
        "市水务局",
    ),
    ("33", "建设领域信用", "信用信息公告", "working_days", 20, "信息形成", None, "3年", "市水务局"),
    (
        "34",
        "住建领域工程建设项目招标投标",
        "住建领域工程建设项目招标投标",
        "hours",
        12,
        "收到",
        None,
        "3年",
        "市住房城乡建设委",
    ),
]


def test_every_catalogue_row(seed_export):
    got = [
        (
            r["seq"],
            r["area"],
            r["item"],
            r["rule"]["kind"],
            r["rule"]["n"],
            r["rule"]["from"],
            r["rule"]["by"],
            r["period"],
            r["owner"],
        )
        for r in seed_export["catalogue"]
    ]
    assert got == EXPECTED_CATALOGUE


def test_catalogue_cells_keep_their_text(seed_export):
    rows = seed_export["catalogue"]
    water = rows[29]
    assert water["detail"] == "包括:取水地位、取水水量、取水人、取水时限等。"
    assert water["timeliness"].startswith(
        "取水许可行政审批做出决定之日起7个工作日内在市水务局网站公示"
    )
    assert water["channels"] == "市水务局网站、辽宁省涉企信息公示系统"
    assert water["supervision"] == "辽宁省水利厅网站\xa0“在线投诉”栏目"  # kept as found
    assert rows[1]["detail"].startswith("建设信息。1.按照保障性住房和棚户区改造类别")
    assert rows[1]["timeliness"].count("\n") == 2  # three timeliness paragraphs in one cell
    assert rows[11]["detail"].count("\n") == 6  # 包括:1.… 7. in seven paragraphs


def test_catalogue_owner_links_to_the_registry(imported_seed):
    from disclosure.models import DisclosureItem

    water = (
        DisclosureItem.objects.filter(item="取水许可公告").select_related("owner_department").get()
    )
    assert water.owner_department.name == "市水务局"
    assert DisclosureItem.objects.filter(owner_department__name="市住房城乡建设委").count() == 2
    assert (
        DisclosureItem.objects.get(seq="6").owner_department is None
    )  # 市、县(区)政府: not one department


def test_next_due_is_stored_for_dated_tasks(imported_seed):
    from tasks.models import Task

    task = Task.objects.get(
        document__number="本政发〔2018〕13号", path="三.(一)", origin="parenthetical"
    )
    assert task.due_on == dt.date(2018, 12, 31) and task.next_due == dt.date(2018, 12, 31)
    yearly = Task.objects.get(deadline_kind="recurring", origin="parenthetical")
    assert yearly.next_due.month == 6 and yearly.next_due.day == 30
    assert not Task.objects.filter(deadline_kind="ongoing", next_due__isnull=False).exists()
