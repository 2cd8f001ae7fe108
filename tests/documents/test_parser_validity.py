"""The validity reader (documents/parser/validity.py) over short real sentences, one per form.

Where each comes from: 渝粮规范〔2023〕2号 第十五条 (../shared/corpus/03); 安顺市储备粮管理办法
第四十六条 (corpus/04); 本政发〔2018〕15号's title (the seed); 国家发展改革委办公厅 国家税务总局
发改办财金规〔2019〕860号 (corpus/05, the date of another text); the rest are the closing
provisions (附则) as 规范性文件 write them (本办法自印发之日起施行，有效期至…; 规章制定程序条例
第三十二条 for 自发布之日起30日后施行; 国务院关于修改和废止部分行政法规的决定 for 作如下修改).
"""

from datetime import date

import pytest

from documents.parser import parse_text
from documents.parser.validity import add_years, dated_from, plan_period_end, read_validity

SIGNED = date(2018, 9, 12)


def read(sentence: str, issued_on: date | None = SIGNED, titles=()):
    return read_validity([(7, sentence)], issued_on=issued_on, titles=titles)


@pytest.mark.parametrize(
    ("sentence", "effective", "until"),
    [
        # corpus/03 (重庆市粮食局 重庆市财政局): effective on publication, 5 years
        ("第十五条 本实施细则自发布之日起施行，有效期5年。", SIGNED, date(2023, 9, 11)),
        ("本办法自印发之日起施行，有效期至2023年9月11日。", SIGNED, date(2023, 9, 11)),
        ("本意见自印发之日起施行，有效期为五年。", SIGNED, date(2023, 9, 11)),
        ("本通知自2019年1月1日起施行。", date(2019, 1, 1), None),
        ("本通知自2019年1月1日起施行，有效期3年。", date(2019, 1, 1), date(2021, 12, 31)),
        ("本办法自发布之日起30日后施行。", date(2018, 10, 12), None),
        ("本规定自二〇一九年三月一日起实施。", date(2019, 3, 1), None),
        (
            "本政策执行期限为2019年1月1日至2021年12月31日。",
            date(2019, 1, 1),
            date(2021, 12, 31),
        ),
        # corpus/04 (安顺市人民政府): no validity written
        ("第四十六条  本办法自印发之日起施行。", SIGNED, None),
    ],
)
def test_effective_date_and_validity(sentence, effective, until):
    found = read(sentence)
    assert (found.effective_on, found.valid_until) == (effective, until)
    assert found.effective_text  # the sentence it was read from is kept
    if until:
        assert found.validity_text


def test_the_date_of_another_text_is_not_the_documents():
    """corpus/05: "2019年1月1日起全面施行的《中华人民共和国个人所得税法》" dates a law."""
    found = read("2019年1月1日起全面施行的《中华人民共和国个人所得税法》及其实施条例，是决策部署。")
    assert found.effective_on is None and not found.effective_text


def test_a_licences_validity_is_not_the_documents():
    assert read("取水许可证有效期5年，期满前申请延续。").valid_until is None


def test_effective_on_publication_with_no_date_keeps_the_sentence():
    found = read("本办法自印发之日起施行，有效期5年。", issued_on=None)
    assert found.effective_on is None and found.valid_until is None
    assert found.effective_text == "本办法自印发之日起施行，有效期5年"


def test_a_document_without_its_own_date_takes_the_issues():
    found = read("本办法自印发之日起施行，有效期5年。", issued_on=None)
    dated = dated_from(found, date(2018, 12, 21))
    assert (dated.effective_on, dated.valid_until) == (date(2018, 12, 21), date(2023, 12, 20))
    written = read("本通知自2019年1月1日起施行。", issued_on=None)
    assert dated_from(written, date(2018, 12, 21)).effective_on == date(2019, 1, 1)


def test_a_plans_period_in_its_title():
    """The seed's 本政发〔2018〕15号: 实施方案(2018—2020年) is in force to the end of 2020."""
    assert plan_period_end("本溪市促进中医药发展实施方案(2018—2020年)") == date(2020, 12, 31)
    assert plan_period_end("社会信用体系建设规划纲要（2014-2020年）") == date(2020, 12, 31)
    assert plan_period_end("关于促进中医药发展的通知") is None
    found = read("各部门要抓好落实。", titles=("本溪市促进中医药发展实施方案（2018—2020年）",))
    assert found.valid_until == date(2020, 12, 31)


def test_a_written_validity_outranks_the_title():
    plan = ("方案（2018—2020年）",)
    found = read("本方案自印发之日起施行，有效期至2019年12月31日。", titles=plan)
    assert found.valid_until == date(2019, 12, 31)


def test_years_end_the_day_before_the_anniversary():
    assert add_years(date(2018, 9, 12), 5) == date(2023, 9, 11)
    assert add_years(date(2020, 2, 29), 1) == date(2021, 2, 28)


def test_repeal_by_number_with_its_title():
    found = read(
        "本意见自2019年3月1日起施行，《本溪市人民政府关于加强养老服务的意见》"
        "（本政发〔2015〕15号）同时废止。"
    )
    [rel] = found.relations
    assert (rel.kind, rel.number, rel.title) == (
        "repeals",
        "本政发〔2015〕15号",
        "本溪市人民政府关于加强养老服务的意见",
    )
    assert rel.line == 7 and "同时废止" in rel.text
    assert found.effective_on == date(2019, 3, 1)


def test_two_repealed_in_one_sentence():
    found = read(
        "《本溪市甲办法》（本政发〔2016〕3号）和《本溪市乙办法》（本政办发〔2017〕21号）同时废止。"
    )
    assert [(r.kind, r.number) for r in found.relations] == [
        ("repeals", "本政发〔2016〕3号"),
        ("repeals", "本政办发〔2017〕21号"),
    ]


def test_repeal_of_the_former_document_by_title_alone():
    [rel] = read("原《本溪市养老服务管理办法》同时废止。").relations
    assert (rel.kind, rel.number, rel.title) == ("repeals", "", "本溪市养老服务管理办法")


def test_amendment():
    [rel] = read("市政府决定对《本溪市城市管理办法》（本政发〔2016〕3号）作如下修改：").relations
    assert (rel.kind, rel.number) == ("amends", "本政发〔2016〕3号")


def test_a_title_that_amends():
    found = read_validity([], titles=("本溪市人民政府关于修改《本溪市城市管理办法》的决定",))
    assert [(r.kind, r.title) for r in found.relations] == [("amends", "本溪市城市管理办法")]


def test_a_citation_is_no_repeal():
    found = read("根据《国务院关于印发社会信用体系建设规划纲要的通知》（国发〔2014〕21号），制定。")
    assert found.relations == []


def test_interpreter():
    assert read("本办法由市财政局负责解释。").interpreter == "市财政局"


def test_parse_text_carries_the_validity_of_a_document():
    text = (
        "本溪市人民政府关于印发本溪市某某办法的通知\n本政发〔2019〕3号\n"
        "各县（区）人民政府，市政府各部门：\n现将《本溪市某某办法》印发给你们，请认真贯彻执行。\n"
        "本通知自2019年1月1日起施行，有效期5年。\n本溪市人民政府\n2018年12月20日\n"
    )
    [doc] = parse_text(text).documents
    assert doc.validity.effective_on == date(2019, 1, 1)
    assert doc.validity.valid_until == date(2023, 12, 31)
