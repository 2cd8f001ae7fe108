"""The catalogue as open data: the table view, the downloads (CSV with BOM, XLSX, JSON) with the
page's filters, the data dictionary, and that only published content is ever in them."""

import csv
import io
import json
import re
from datetime import date

import openpyxl
import pytest
from django.urls import reverse
from factories import AssignmentFactory, DocumentFactory, IssueFactory, TaskFactory

from core import dates
from departments.models import Department
from disclosure.models import DisclosureItem
from documents.kinds import document_kind
from documents.models import Document
from public.datasets import DATASETS
from tasks.models import Task

pytestmark = pytest.mark.django_db

FORMATS = ("csv", "xlsx", "json")


def body(response) -> bytes:
    assert response.status_code == 200, (response.status_code, response.content[:300])
    return b"".join(response.streaming_content) if response.streaming else response.content


def table(client, dataset: str, fmt: str, params=None) -> tuple[list[str], list[dict]]:
    """A download read back: (header, rows as dicts keyed by header), each format its way."""
    response = client.get(f"/opendata/{dataset}.{fmt}", params or {})
    data = body(response)
    if fmt == "csv":
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert data.startswith(b"\xef\xbb\xbf")  # the BOM, so Excel reads UTF-8
        lines = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
        header, rest = lines[0], lines[1:]
        return header, [dict(zip(header, line, strict=True)) for line in rest]
    if fmt == "xlsx":
        wb = openpyxl.load_workbook(io.BytesIO(data))
        ws = wb.worksheets[0]
        lines = [list(r) for r in ws.iter_rows(values_only=True)]
        header = lines[0]
        return header, [dict(zip(header, line, strict=True)) for line in lines[1:]]
    document = json.loads(data.decode("utf-8"))
    assert document["dataset"] == dataset
    assert len(document["rows"]) == document["count"]
    assert all(list(row) == document["columns"] for row in document["rows"])
    return document["columns"], document["rows"]


def draft_with_canary():
    """A draft issue whose document, task and catalogue item carry a token."""
    issue = IssueFactory(year=2019, number=3)
    doc = DocumentFactory(issue=issue, title="草稿文件令牌ZQX关于测试的通知", issuer="草稿机关ZQX")
    task = TaskFactory(document=doc, text="草稿任务令牌ZQX。", next_due=date(2019, 1, 1))
    AssignmentFactory(task=task, department=Department.objects.get(name="市财政局"))
    DisclosureItem.objects.create(
        document=doc, order=1, seq="1", item="草稿事项令牌ZQX", owner="市水务局", supervision="ZQX"
    )
    return doc


# --- formats and columns ----------------------------------------------------------------------


@pytest.mark.parametrize("dataset", list(DATASETS))
def test_every_format_parses_with_the_columns_of_the_definition(client, seed, dataset):
    ds = DATASETS[dataset]
    labels = [c.label for c in ds.columns]
    keys = [c.key for c in ds.columns]
    csv_header, csv_rows = table(client, dataset, "csv")
    xlsx_header, xlsx_rows = table(client, dataset, "xlsx")
    json_keys, json_rows = table(client, dataset, "json")
    assert csv_header == labels and xlsx_header == labels and json_keys == keys
    assert len(csv_rows) == len(xlsx_rows) == len(json_rows) > 0
    # the same records: the JSON's ids are the CSV's and the XLSX's, in the same order
    id_label = ds.columns[0].label
    assert [r["id"] for r in json_rows] == [int(r[id_label]) for r in csv_rows]
    assert [r["id"] for r in json_rows] == [r[id_label] for r in xlsx_rows]


def test_the_datasets_hold_every_published_row(client, seed):
    assert len(table(client, "catalogue", "json")[1]) == DisclosureItem.objects.published().count()
    assert len(table(client, "documents", "json")[1]) == Document.objects.published().count()
    assert len(table(client, "tasks", "json")[1]) == Task.objects.published().count()


def test_xlsx_has_a_data_dictionary_sheet_and_typed_cells(client, seed):
    wb = openpyxl.load_workbook(io.BytesIO(body(client.get("/opendata/tasks.xlsx"))))
    assert wb.sheetnames == ["文件任务分工", "数据字典"]
    ws = wb["文件任务分工"]
    assert ws.freeze_panes == "A2"
    header = [c.value for c in ws[1]]
    due = header.index("下次截止")
    overdue = header.index("是否逾期")
    dated = [row for row in ws.iter_rows(min_row=2, values_only=True) if row[due]]
    assert dated and all(isinstance(row[due], date) for row in dated)
    assert all(isinstance(row[overdue], bool) for row in ws.iter_rows(min_row=2, values_only=True))
    keys = [row[0] for row in wb["数据字典"].iter_rows(min_row=2, values_only=True)]
    assert keys == [c.key for c in DATASETS["tasks"].columns]


def test_task_rows_carry_departments_deadlines_state_and_overdue_as_of_today(
    client, seed, monkeypatch
):
    monkeypatch.setattr(dates, "today", lambda: date(2018, 9, 1))
    _keys, rows = table(client, "tasks", "json")
    by_id = {r["id"]: r for r in rows}
    task = (
        Task.objects.published()
        .filter(next_due__isnull=False, assignments__role="support")
        .order_by("id")
        .first()
    )
    row = by_id[task.pk]
    leads = [a.department.name for a in task.assignments.all() if a.role == "lead"]
    supports = [a.department.name for a in task.assignments.all() if a.role == "support"]
    assert row["lead_departments"] == "、".join(leads)
    assert row["support_departments"] == "、".join(supports)
    assert row["deadline_text"] == task.deadline_text
    assert row["next_due"] == task.next_due.isoformat()
    assert row["status"] == "未开始" and row["as_of"] == "2018-09-01"
    assert row["url"].startswith("http://testserver/documents/")
    # overdue follows the task rule (tasks.models.overdue_q) as of the patched today
    overdue = set(Task.objects.overdue(date(2018, 9, 1)).values_list("pk", flat=True))
    assert overdue and {r["id"] for r in rows if r["overdue"]} == overdue
    csv_rows = table(client, "tasks", "csv")[1]
    assert {r["是否逾期"] for r in csv_rows} <= {"是", "否"}


def test_document_rows_carry_number_kind_dates_and_urls(client, seed):
    doc = Document.objects.published().exclude(number="").order_by("order").first()
    row = next(r for r in table(client, "documents", "json")[1] if r["id"] == doc.pk)
    assert row["number"] == doc.number and row["title"] == doc.title
    assert row["issue"] == "2018年第6号" and row["kind"] == "通知"
    assert row["signed_on"] == (doc.signed_on.isoformat() if doc.signed_on else None)
    assert row["url"] == "http://testserver" + reverse("document", args=[doc.slug])
    assert row["task_count"] == doc.tasks.count()
    assert row["issue_pdf_url"] == "http://testserver/gazette/2018/6/pdf"


def test_document_kind_is_read_from_the_end_of_the_title():
    assert (
        document_kind("本溪市人民政府关于印发本溪市促进中医药发展实施方案(2018—2020年)的通知")
        == "通知"
    )
    assert document_kind("关于进一步加强安全生产工作的实施意见") == "意见"
    assert document_kind("本溪市人民政府关于同意设立某园区的批复") == "批复"
    assert document_kind("本溪市人民政府令（第200号）") == "命令"
    assert document_kind("关于某事项的情况通报") == "通报"
    assert document_kind("本溪市促进中医药发展实施方案") == ""


# --- filters ----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_filtered_download_has_only_matching_rows(client, seed, fmt):
    everything = table(client, "catalogue", fmt)[1]
    _header, rows = table(client, "catalogue", fmt, {"owner": "市水务局"})
    owner = "owner" if fmt == "json" else "责任主体"
    assert rows and len(rows) < len(everything)
    assert {r[owner] for r in rows} == {"市水务局"}
    expected = DisclosureItem.objects.published().filter(owner_department__name="市水务局")
    assert len(rows) == expected.count()


def test_filters_of_documents_and_tasks(client, seed):
    finance = Department.objects.get(name="市财政局")
    rows = table(client, "tasks", "json", {"department": finance.pk})[1]
    expected = Task.objects.published().filter(assignments__department=finance).distinct()
    assert rows and len(rows) == expected.count()
    roles = ("lead_departments", "support_departments", "responsible_departments")
    assert all("市财政局" in "、".join(r[k] for k in roles).split("、") for r in rows)
    doc = Document.objects.published().filter(tasks__isnull=False).first()
    rows = table(client, "tasks", "json", {"document": doc.pk})[1]
    assert {r["document_id"] for r in rows} == {doc.pk} and len(rows) == doc.tasks.count()
    assert len(table(client, "documents", "json", {"year": 2018, "number": 6})[1]) == (
        Document.objects.published().count()
    )
    assert table(client, "documents", "json", {"year": 2018, "number": 7})[1] == []
    done = Task.objects.published().order_by("id").first()
    Task.objects.filter(pk=done.pk).update(status=Task.Status.DONE)
    rows = table(client, "tasks", "json", {"state": "done"})[1]
    assert [(r["id"], r["status"], r["overdue"]) for r in rows] == [(done.pk, "已完成", False)]


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("/opendata/documents.csv?year=abc", "参数“year”应为四位年份（如2018），收到“abc”"),
        ("/opendata/tasks.json?state=late", "参数“state”应为"),
        ("/opendata/tasks.xlsx?department=-1", "参数“department”应为部门编号"),
        ("/opendata/catalogue.csv?document=x", "参数“document”应为文件编号"),
    ],
)
def test_a_filter_that_cannot_be_read_is_a_clear_error(client, seed, url, words):
    response = client.get(url)
    assert response.status_code == 400
    assert words in response.content.decode()
    assert response["Content-Type"].startswith("text/plain")


def test_large_downloads_stream_and_read_values_in_a_fixed_number_of_queries(
    client, seed, django_assert_max_num_queries
):
    for fmt in ("csv", "json"):
        assert client.get(f"/opendata/tasks.{fmt}").streaming
    with django_assert_max_num_queries(3):
        body(client.get("/opendata/tasks.csv"))
    with django_assert_max_num_queries(3):
        body(client.get("/opendata/catalogue.csv"))
    with django_assert_max_num_queries(3):
        body(client.get("/opendata/documents.xlsx"))


# --- drafts -----------------------------------------------------------------------------------


def test_no_download_holds_a_draft(client, seed):
    doc = draft_with_canary()
    task = doc.tasks.get()
    finance = Department.objects.get(name="市财政局")
    for dataset in DATASETS:
        for fmt in FORMATS:
            for params in ({}, {"document": doc.pk}, {"department": finance.pk}, {"year": 2019}):
                data = body(client.get(f"/opendata/{dataset}.{fmt}", params))
                if fmt == "xlsx":
                    wb = openpyxl.load_workbook(io.BytesIO(data))
                    text = "\n".join(
                        str(v) for ws in wb for r in ws.iter_rows(values_only=True) for v in r
                    )
                else:
                    text = data.decode("utf-8-sig")
                assert "ZQX" not in text, (dataset, fmt, params)
    rows = table(client, "tasks", "json", {"document": doc.pk})[1]
    assert rows == [] and task.pk not in {r["id"] for r in table(client, "tasks", "json")[1]}
    html = body(client.get("/catalogue/table/", {"document": doc.pk})).decode()
    assert "ZQX" not in html and "没有符合条件的公开事项" in html


# --- the table view ---------------------------------------------------------------------------


def cells(html: str, column: str) -> list[str]:
    """The text of one column's cells in the table's body."""
    tbody = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    found = re.findall(rf'<t[dh][^>]*class="col-{column}"[^>]*>(.*?)</t[dh]>', tbody, re.S)
    return [re.sub(r"<[^>]+>", "", c).strip() for c in found]


def test_table_has_the_catalogue_columns_and_accessible_markup(client, seed):
    html = body(client.get("/catalogue/table/")).decode()
    heads = re.findall(r'<th scope="col"[^>]*>(.*?)</th>', html, re.S)
    names = [re.sub(r"<span.*?</span>|<[^>]+>", "", h).strip() for h in heads]
    assert names == ["序号", "公开事项", "公开内容", "公开时限", "公开方式", "责任主体", "监督渠道"]
    assert '<caption id="catalogue-caption">' in html
    assert 'role="region" aria-labelledby="catalogue-caption" tabindex="0"' in html
    assert len(re.findall(r'<th scope="row"', html)) == DisclosureItem.objects.published().count()
    # sorted by 序号 (the printed order) unless asked otherwise, and only that column says so
    assert re.findall(r'<th scope="col" class="col-(\w+)" aria-sort="(\w+)"', html) == [
        ("seq", "ascending")
    ]
    assert 'href="/static/css/opendata.css"' in html


def test_table_sorts_on_the_server_with_header_links_saying_so(client, seed):
    by_owner = body(client.get("/catalogue/table/", {"sort": "owner"})).decode()
    owners = cells(by_owner, "owner")
    assert len(owners) == DisclosureItem.objects.published().count()
    assert re.search(
        r'<th scope="col" class="col-owner" aria-sort="ascending"><a href="\?sort=-owner"', by_owner
    )
    reverse_owners = cells(
        body(client.get("/catalogue/table/", {"sort": "-owner"})).decode(), "owner"
    )
    assert reverse_owners == sorted(reverse_owners, key=owners.index, reverse=True)
    assert owners[0] != owners[-1]
    # 公开时限 from the quickest: hours, then (working) days by length, yearly and text last
    items = {i.pk: i for i in DisclosureItem.objects.published()}
    html = body(client.get("/catalogue/table/", {"sort": "rule"})).decode()
    ids = [int(i) for i in re.findall(r'<tr id="item-(\d+)">', html)]
    factor = {"hours": 1, "days": 24, "working_days": 24 * 7 / 5}

    def allowed(i):
        item = items[i]
        if item.rule_kind in factor and item.rule_n is not None:
            return (0, item.rule_n * factor[item.rule_kind])
        return (1, 0) if item.rule_kind == "annual" else (2, 0)

    ranks = [allowed(i) for i in ids]
    assert ranks == sorted(ranks) and ranks[0] < ranks[-1]
    assert 'aria-sort="ascending"' in html and "按公开时限升序排列" in html


def test_table_keeps_the_filters_of_the_cards_and_says_a_bad_sort(client, seed):
    html = body(client.get("/catalogue/table/", {"owner": "市水务局", "sort": "-item"})).decode()
    owners = cells(html, "owner")
    assert owners and set(owners) == {"市水务局"}
    assert 'href="?owner=%E5%B8%82%E6%B0%B4%E5%8A%A1%E5%B1%80&amp;sort=item"' in html
    assert "/opendata/catalogue.csv?owner=%E5%B8%82%E6%B0%B4%E5%8A%A1%E5%B1%80" in html
    html = body(client.get("/catalogue/table/", {"sort": "color"})).decode()
    assert "没有“color”这种排序方式，已按序号排列。" in html


def test_table_prints_the_whole_table_with_its_header_repeated():
    from pathlib import Path

    css = Path(__file__).resolve().parents[2].joinpath("static/css/opendata.css").read_text()
    printed = css.split("@media print", 1)[1]
    assert "display: table-header-group" in printed
    assert ".filters" in printed and "overflow: visible" in printed
    site = Path(__file__).resolve().parents[2].joinpath("static/css/site.css").read_text()
    assert ".site-header" in site.split("@media print", 1)[1]


# --- links, dictionary, sitemap ---------------------------------------------------------------


def test_pages_link_the_table_and_the_downloads_with_their_filters(client, seed):
    cards = body(client.get("/catalogue/", {"owner": "市水务局"})).decode()
    assert 'href="/catalogue/table/?owner=%E5%B8%82%E6%B0%B4%E5%8A%A1%E5%B1%80"' in cards
    assert 'href="/opendata/catalogue.xlsx?owner=%E5%B8%82%E6%B0%B4%E5%8A%A1%E5%B1%80"' in cards
    issue = body(client.get("/gazette/2018/6/")).decode()
    assert 'href="/opendata/documents.csv?year=2018&amp;number=6"' in issue
    assert 'href="/opendata/tasks.json?year=2018&amp;number=6"' in issue
    doc = Document.objects.published().filter(tasks__isnull=False).first()
    page = body(client.get(f"/documents/{doc.slug}/")).decode()
    assert f'href="/opendata/tasks.csv?document={doc.pk}"' in page
    archive = body(client.get("/gazette/")).decode()
    assert 'href="/opendata/documents.csv"' in archive and 'href="/opendata/"' in archive
    assert 'href="/opendata/dictionary/#tasks"' in archive


def test_the_dictionary_describes_every_column_and_filter(client, seed):
    html = body(client.get("/opendata/dictionary/")).decode()
    for ds in DATASETS.values():
        assert f'<h2 id="{ds.name}">' in html
        for c in ds.columns:
            row = f'<tr id="{ds.name}-{c.key}"><th scope="row"><code>{c.key}</code></th>'
            assert f"{row}<td>{c.label}</td><td>{c.type_label}</td>" in html
        for f in ds.filters:
            assert f"<code>{f.name}</code>" in html
    assert "未开始、推进中、已完成" in html  # the values of 状态


def test_the_open_data_page_lists_each_dataset_in_each_format(client, seed):
    html = body(client.get("/opendata/")).decode()
    for name in DATASETS:
        for fmt in FORMATS:
            assert f'href="/opendata/{name}.{fmt}"' in html


def test_sitemap_lists_the_table_the_dictionary_and_the_download_page(client, seed):
    xml = body(client.get("/sitemap.xml")).decode()
    for path in ("/catalogue/table/", "/opendata/", "/opendata/dictionary/"):
        assert f"<loc>http://testserver{path}</loc>" in xml
