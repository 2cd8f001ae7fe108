"""The public pages on the seed gazette: what each shows, stable URLs, drafts hidden."""

import re
from datetime import date, timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from factories import DocumentFactory, IssueFactory

from departments.models import Department
from disclosure.models import DisclosureEvent, DisclosureItem
from disclosure.serializers import rule_in_words
from documents import pdf as issue_pdfs
from documents.models import Citation, Document, GazetteIssue
from tasks.models import Task

pytestmark = pytest.mark.django_db

DOC13 = "/documents/本政发2018-13/"


def href(slug: str) -> str:
    """A document's URL as the pages write it (percent-encoded)."""
    return f'href="{reverse("document", args=[slug])}"'


HREF13 = href("本政发2018-13")


def text_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def title_and_description(html: str) -> tuple[str, str]:
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()
    desc = re.search(r'<meta name="description" content="([^"]*)"', html).group(1)
    return title, desc


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/gazette/",
        "/gazette/2018/6/",
        DOC13,
        "/catalogue/",
        "/departments/",
        "/search/",
        "/search/?q=涉农资金",
    ],
)
def test_every_page_has_its_own_title_description_and_landmarks(client, seed, url):
    html = text_of(client.get(url))
    title, desc = title_and_description(html)
    assert "本溪市人民政府公报" in title
    assert len(desc) > 20
    assert '<html lang="zh-CN">' in html
    assert '<main id="main"' in html and 'class="skip-link" href="#main"' in html
    assert 'aria-label="主导航"' in html


def test_nav_points_at_the_public_sections(client, seed):
    html = text_of(client.get("/catalogue/"))
    for href in ("/gazette/", "/catalogue/", "/departments/", "/search/"):
        assert f'href="{href}"' in html
    assert '<a href="/catalogue/" aria-current="page">' in html
    assert "/disclosure/" not in html


def test_home_shows_the_latest_issue_and_recent_documents(client, seed):
    html = text_of(client.get("/"))
    assert 'href="/gazette/2018/6/"' in html
    assert "总第102期" in html
    assert HREF13 in html
    assert 'href="/gazette/2018/6/pdf"' in html
    assert 'role="search"' in html and '<label for="q-home">' in html


def test_archive_lists_published_issues_by_year(client, seed):
    IssueFactory(year=2019, number=1, status=GazetteIssue.Status.DRAFT)
    html = text_of(client.get("/gazette/"))
    assert 'id="y2018"' in html
    assert 'href="/gazette/2018/6/"' in html
    assert "2019" not in html  # the draft is not shown


def test_issue_page_has_the_table_of_contents_and_pdf_link(client, seed):
    html = text_of(client.get("/gazette/2018/6/"))
    assert "<h3>本溪市人民政府文件</h3>" in html and "<h3>本溪市人民政府办公厅文件</h3>" in html
    for doc in Document.objects.all():
        assert href(doc.slug) in html
    assert "（本政办发〔2018〕69号）" in html
    assert 'href="/gazette/2018/6/pdf"' in html
    title, desc = title_and_description(html)
    assert "2018年第6号" in title and "涉农资金" in desc


def test_drafts_and_unknown_pages_are_404(client, seed):
    draft = DocumentFactory(issue=IssueFactory(year=2019, number=3), slug="draft-doc")
    assert client.get("/documents/draft-doc/").status_code == 404
    assert client.get(f"/gazette/{draft.issue.year}/{draft.issue.number}/").status_code == 404
    assert client.get(f"/gazette/{draft.issue.year}/{draft.issue.number}/pdf").status_code == 404
    assert client.get("/gazette/2018/7/").status_code == 404
    assert client.get("/documents/no-such-document/").status_code == 404
    assert client.get("/departments/999999/").status_code == 404


# --- the document reader ---------------------------------------------------------------------


def test_document_is_laid_out_as_the_printed_notice(client, seed):
    html = text_of(client.get(DOC13))
    head = html.index('class="doc-head__body">本溪市人民政府文件')
    number = html.index('class="doc-head__number">本政发〔2018〕13号')
    title = html.index('<h1 id="doc-title" class="doc-title">本溪市人民政府关于印发')
    addressees = html.index('class="addressees">各自治县、区人民政府,市政府各委办局、直属机构：')
    letter = html.index("现将《本溪市探索建立涉农资金统筹整合长效机制实施方案》")
    signature = html.index('<div class="signature">')
    marking = html.index('class="marking">（此件公开发布）')
    enclosure = html.index('id="enclosure-title" class="enclosure__title">本溪市探索建立')
    first_part = html.index("总体要求")
    assert (
        head < number < title < addressees < letter < signature < marking < enclosure < first_part
    )
    assert "本溪市人民政府</p>" in html[signature:marking]
    assert '<time datetime="2018-09-12">2018年9月12日</time>' in html[signature:marking]


def test_every_clause_has_an_anchor(client, seed):
    doc = Document.objects.get(slug="本政发2018-13")
    html = text_of(client.get(DOC13))
    for clause in doc.clauses.all():
        assert f'id="{clause.anchor}"' in html
        assert f'href="#{clause.anchor}"' in html


def test_tasks_are_marked_with_departments_and_deadlines(client, seed):
    html = text_of(client.get(DOC13))
    task = Task.objects.filter(document__slug="本政发2018-13", heading="加强规划引领").first()
    assert task is not None
    block = html[html.index(f'id="c{task.clause.order}"') :]
    block = block[: block.index('<div class="clause')]
    assert '<aside class="task"' in block
    assert "<dt>牵头</dt>" in block and ">各县区政府</a>" in block
    assert "<dt>配合</dt>" in block and ">市财政局</a>" in block
    assert "2018年7月起持续推进" in block
    lead = Department.objects.get(name="各县区政府")
    assert f'href="/departments/{lead.pk}/"' in block
    due = Task.objects.filter(document__slug="本政发2018-13", next_due__isnull=False).first()
    assert f'<time datetime="{due.next_due:%Y-%m-%d}">' in html


def test_a_provisional_deadline_says_so(client, seed):
    task = Task.objects.filter(document__slug="本政发2018-13").first()
    Task.objects.filter(pk=task.pk).update(next_due=date(2027, 3, 1), deadline_provisional=True)
    html = text_of(client.get(DOC13))
    assert "2027年节假日安排尚未录入" in html


def test_cited_documents_are_linked_when_public_and_listed_otherwise(client, seed):
    html = text_of(client.get(DOC13))
    # 辽政发〔2018〕21号 is not in the system: listed with its title, not linked.
    assert (
        '<span class="doc-number">辽政发〔2018〕21号</span> '
        "辽宁省人民政府关于探索建立涉农资金统筹整合长效机制的实施意见" in html
    )
    assert "本站未收录" in html
    # Once the cited document is stored (and public), the number links to it, in the text too.
    cited = DocumentFactory(
        issue=IssueFactory(year=2018, number=2, status=GazetteIssue.Status.PUBLISHED),
        number="辽政发〔2018〕21号",
        slug="辽政发2018-21",
        title="辽宁省人民政府关于探索建立涉农资金统筹整合长效机制的实施意见",
    )
    Citation.objects.filter(number="辽政发〔2018〕21号").update(cited_document=cited)
    html = text_of(client.get(DOC13))
    assert html.count(f"<a {href('辽政发2018-21')}>辽政发〔2018〕21号</a>") >= 2
    # A cited document in a draft issue is not linked.
    GazetteIssue.objects.filter(pk=cited.issue_id).update(status=GazetteIssue.Status.DRAFT)
    html = text_of(client.get(DOC13))
    assert href("辽政发2018-21") not in html


def test_attachments_are_shown_and_the_catalogue_attachment_links_to_the_catalogue(client, seed):
    html = text_of(client.get("/documents/本政办发2018-51/"))
    assert 'id="att1"' in html and "领导小组成员名单" in html and "隋显利" in html
    doc69 = Document.objects.get(slug="本政办发2018-69")
    html = text_of(client.get("/documents/本政办发2018-69/"))
    assert "公共资源配置领域政府信息主动公开目录清单" in html
    assert f'href="/catalogue/?document={doc69.pk}"' in html
    item = DisclosureItem.objects.filter(document=doc69, item__contains="取水许可").first()
    assert f"#item-{item.pk}" in html


def test_document_page_highlights_a_search_query(client, seed):
    html = text_of(client.get(DOC13, {"q": "涉农资金"}))
    assert "<mark>涉农资金</mark>" in html
    assert "返回检索结果" in html


def test_gazette_text_is_escaped(client, seed):
    doc = Document.objects.get(slug="本政发2018-13")
    clause = doc.clauses.order_by("order").first()
    clause.text = '<script>alert("x")</script>现将'
    clause.save()
    Document.objects.filter(pk=doc.pk).update(title="<b>标题</b>关于")
    html = text_of(client.get(DOC13, {"q": "现将"}))
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert "<b>标题</b>" not in html and "&lt;b&gt;标题&lt;/b&gt;" in html


def test_document_page_runs_a_fixed_number_of_queries(client, seed, django_assert_max_num_queries):
    with django_assert_max_num_queries(14):
        text_of(client.get(DOC13))


# --- the PDF download ------------------------------------------------------------------------


def test_pdf_serves_the_stored_file_while_it_is_current(client, seed, monkeypatch):
    issue = GazetteIssue.objects.get()
    issue.pdf.save("gazette-test.pdf", ContentFile(b"%PDF-1.7 stored"), save=True)
    GazetteIssue.objects.filter(pk=issue.pk).update(pdf_key=issue_pdfs.issue_pdf_key(issue))

    def must_not_render(issue):
        raise AssertionError("a current stored PDF is served, not rendered again")

    monkeypatch.setattr(issue_pdfs, "render_issue_pdf", must_not_render)
    response = client.get("/gazette/2018/6/pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == b"%PDF-1.7 stored"
    assert "benxi-gazette-2018-06.pdf" in response["Content-Disposition"]


def test_pdf_is_rendered_again_after_the_issue_changed(client, seed, monkeypatch):
    issue = GazetteIssue.objects.get()
    issue.pdf.save("gazette-old.pdf", ContentFile(b"%PDF-1.7 old"), save=True)
    GazetteIssue.objects.filter(pk=issue.pk).update(pdf_key=issue_pdfs.issue_pdf_key(issue))
    doc = issue.documents.first()
    doc.title += "（修订）"
    doc.save()
    monkeypatch.setattr(issue_pdfs, "render_issue_pdf", lambda issue: b"%PDF-1.7 new")
    response = client.get("/gazette/2018/6/pdf")
    assert b"".join(response.streaming_content) == b"%PDF-1.7 new"


def test_pdf_is_rendered_on_demand_when_none_is_stored(client, seed, monkeypatch):
    GazetteIssue.objects.update(pdf="", pdf_key="")  # nothing stored yet
    monkeypatch.setattr(
        issue_pdfs, "render_issue_pdf", lambda issue: b"%PDF-1.7 fresh " + issue.key.encode()
    )
    response = client.get("/gazette/2018/6/pdf")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.7 fresh 2018-6"
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="benxi-gazette-2018-06.pdf"' in response["Content-Disposition"]
    assert GazetteIssue.objects.get(year=2018, number=6).pdf  # stored for the next reader


def test_pdf_is_404_when_it_cannot_be_made(client, seed, monkeypatch):
    GazetteIssue.objects.update(pdf="", pdf_key="")

    def broken(issue):
        raise OSError("cannot load library 'libpango-1.0-0'")

    monkeypatch.setattr(issue_pdfs, "render_issue_pdf", broken)
    assert client.get("/gazette/2018/6/pdf").status_code == 404
    assert not GazetteIssue.objects.get(year=2018, number=6).pdf  # nothing half-written


# --- the catalogue ---------------------------------------------------------------------------


def test_catalogue_lists_every_item_with_its_rule_in_words(client, seed):
    html = text_of(client.get("/catalogue/"))
    items = list(DisclosureItem.objects.all())
    assert f"共{len(items)}项" in html
    for item in items:
        assert f'id="item-{item.pk}"' in html
    water = next(i for i in items if i.item == "取水许可公告")
    assert rule_in_words(water) == "取水许可行政审批做出决定之日后7个工作日内"
    assert f'<strong class="rule">{rule_in_words(water)}</strong>' in html
    assert "辽宁省水利厅网站" in html  # supervision channel
    assert "市水务局网站、辽宁省涉企信息公示系统" in html  # channels
    assert '<label for="area">' in html and '<label for="owner">' in html


def test_catalogue_filters_by_area_and_responsible_body(client, seed):
    html = text_of(client.get("/catalogue/", {"owner": "市水务局"}))
    assert "取水许可公告" in html
    assert "住房保障领域信息" not in html.split('class="catalogue"', 1)[1]
    water = DisclosureItem.objects.filter(owner_department__name="市水务局").count()
    assert f"符合条件{water}项" in html
    html = text_of(client.get("/catalogue/", {"area": "国有土地使用权出让"}))
    listed = html.split('class="catalogue"', 1)[1]
    assert "出让公告" in listed and "取水许可公告" not in listed
    html = text_of(client.get("/catalogue/", {"owner": "没有这个单位"}))
    assert "没有符合条件的公开事项" in html


def test_catalogue_shows_the_on_time_share_once_there_are_disclosures(client, seed):
    item = DisclosureItem.objects.get(item="取水许可公告")
    html = text_of(client.get("/catalogue/", {"owner": "市水务局"}))
    assert "按时公开" not in html
    now = timezone.now()
    common = {"item": item, "department": item.owner_department, "rule_kind": item.rule_kind}
    DisclosureEvent.objects.create(
        subject="甲公司取水许可", event="决定作出", occurred_at=now - timedelta(days=20),
        due_at=now - timedelta(days=10), published_at=now - timedelta(days=12), **common,
    )  # fmt: skip
    DisclosureEvent.objects.create(
        subject="乙公司取水许可", event="决定作出", occurred_at=now - timedelta(days=20),
        due_at=now - timedelta(days=10), published_at=now - timedelta(days=5), **common,
    )  # fmt: skip
    DisclosureEvent.objects.create(
        subject="丙公司取水许可", event="决定作出", occurred_at=now, due_at=now + timedelta(days=9),
        **common,
    )  # fmt: skip
    html = text_of(client.get("/catalogue/", {"owner": "市水务局"}))
    assert "<dt>按时公开</dt><dd>50%（已公开2次，按时1次），待公开1次</dd>" in html


# --- departments -----------------------------------------------------------------------------


def test_department_list_and_page(client, seed):
    finance = Department.objects.get(name="市财政局")
    html = text_of(client.get("/departments/"))
    assert f'href="/departments/{finance.pk}/"' in html
    html = text_of(client.get(f"/departments/{finance.pk}/"))
    assert "<h1>市财政局</h1>" in html
    assert "承担的任务" in html
    assert HREF13 in html
    assert '<span class="badge">牵头</span>' in html and '<span class="badge">配合</span>' in html
    water = Department.objects.get(name="市水务局")
    html = text_of(client.get(f"/departments/{water.pk}/"))
    assert "负责的主动公开事项" in html and "取水许可公告" in html


def test_department_with_nothing_published_is_404(client, seed):
    idle = Department.objects.create(name="市测试空闲局")
    assert client.get(f"/departments/{idle.pk}/").status_code == 404
