"""Real documents from other bodies (../shared/corpus): read without crashing, no tasks made up."""

import datetime as dt

import pytest
from paths import CORPUS

from documents.parser import parse_text

EXPECTED = {
    "02_shanghai_lingang_opinion.txt": dict(
        number=None,
        issuer="上海市人民政府",
        title="上海市人民政府关于深化完善“双特”政策支持临港地区新一轮发展的若干意见",
        signatories=[],
        signed_on=None,
        sections=17,
    ),
    "03_chongqing_grain_joint_rules.txt": dict(
        number="渝粮规范〔2023〕2号",
        issuer="重庆市粮食局、重庆市财政局",
        title="关于印发《重庆市政策性粮食购销违法违规行为举报奖励实施细则（试行）》的通知",
        signatories=["重庆市粮食局", "重庆市财政局"],
        signed_on=dt.date(2023, 12, 31),
        articles=15,
        attachments=4,
    ),
    "04_anshun_grain_reserve_oneline.txt": dict(
        number=None,
        issuer="安顺市人民政府",
        title="安顺市人民政府关于印发安顺市市级储备粮管理办法的通知",
        signatories=["安顺市人民政府"],
        signed_on=dt.date(2023, 9, 5),
        public=True,
        chapters=8,
        articles=46,
    ),
    "05_ndrc_sat_joint_notice.txt": dict(
        number="发改办财金规〔2019〕860号",
        issuer="发展改革委办公厅、税务总局办公厅",
        title="关于加强个人所得税纳税信用建设的通知",
        signatories=["国家发展改革委办公厅", "税务总局办公厅"],
        signed_on=dt.date(2019, 8, 20),
    ),
    "06_guobanfa_2018_123_notice.txt": dict(
        number="国办发〔2018〕123号",
        issuer="国务院办公厅",
        title="国务院办公厅关于推进政务新媒体健康有序发展的意见",
        signatories=["国务院办公厅"],
        signed_on=dt.date(2018, 12, 7),
        public=True,
    ),
}


def corpus_text(name: str) -> str:
    """A corpus document's text; the test is skipped where ../shared/corpus/ is absent."""
    path = CORPUS / name
    if not path.exists():
        pytest.skip(f"{path} is not present")
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_document(name):
    issue = parse_text(corpus_text(name))
    assert not issue.is_issue
    (doc,) = issue.documents
    want = EXPECTED[name]
    assert (doc.number.whole if doc.number else None) == want["number"]
    assert doc.issuer == want["issuer"]
    assert doc.title == want["title"]
    assert doc.signatories == want["signatories"]
    assert doc.signed_on == want["signed_on"]
    assert doc.addressees
    assert doc.tasks == []  # none of these has responsibility parentheticals
    if "public" in want:
        assert doc.public is want["public"]
    kinds = [c.kind for c in doc.clauses]
    if "sections" in want:
        assert kinds.count("section") == want["sections"]
    if "articles" in want:
        assert kinds.count("article") == want["articles"]
    if "chapters" in want:
        assert kinds.count("chapter") == want["chapters"]
    if "attachments" in want:
        assert len(doc.attachments) == want["attachments"]


def test_guobanfa_headings_alone_or_inline():
    doc = parse_text(corpus_text("06_guobanfa_2018_123_notice.txt")).documents[0]
    heads = {c.path: c.heading for c in doc.clauses if c.kind != "paragraph"}
    assert heads["一"] == "总体要求"
    assert heads["一.(一)"] == "指导思想"  # heading alone on its line, body in the next paragraph
    assert heads["一.(三).1"] == "坚持正确导向"  # heading inline
