"""逐件组稿 through the staff pages: the secretariat creates a draft issue, adds the seed's
documents one at a time (a Word file, a PDF, pasted text) after the same preview as the
import, reorders, removes one, publishes; the public issue page then lists them in that order.
Bad input is a clear error with nothing written; a published issue is read-only; every new
URL is the secretariat's alone."""

import pytest
from assembly_helpers import seed_document
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from paths import SEED_PATH
from source_files import blocks_from_text, docx_bytes, pdf_bytes

from documents.models import Document, GazetteIssue, ImportRun
from tasks.models import Task

pytestmark = pytest.mark.django_db

N13, N15, N51, N58 = (
    "本政发〔2018〕13号",
    "本政发〔2018〕15号",
    "本政办发〔2018〕51号",
    "本政办发〔2018〕58号",
)


def html(response) -> str:
    return response.content.decode()


def written():
    return (
        GazetteIssue.objects.count(),
        list(Document.objects.order_by("pk").values_list("pk", "order")),
        Task.objects.count(),
        ImportRun.objects.count(),
    )


def create(client, **fields):
    data = {"year": "2018", "number": "6", "total_number": "102", "published_on": "2018-12-21"}
    return client.post(reverse("staff:assembly"), {**data, **fields})


def workspace(issue):
    return reverse("staff:assembly-issue", args=[issue.pk])


def add(client, issue, **data):
    """Preview, then confirm what the preview carries: the two steps a person takes."""
    preview = client.post(reverse("staff:assembly-add", args=[issue.pk]), data)
    assert preview.status_code == 200, html(preview)
    confirm = preview.context["confirm"]
    body = {"text": confirm.initial["text"], "source_name": confirm.initial["source_name"]}
    done = client.post(reverse("staff:assembly-confirm", args=[issue.pk]), body, follow=True)
    assert done.status_code == 200
    return preview, done


def order_of(issue):
    return list(issue.documents.order_by("order").values_list("number", flat=True))


def test_assemble_an_issue_through_the_pages_and_publish_it(users, client_for):
    client = client_for("secretariat")
    # the staff pages lead to the new flow
    assert reverse("staff:assembly") in html(client.get(reverse("staff:import")))

    response = create(client)
    issue = GazetteIssue.objects.get(year=2018, number=6)
    assert response.status_code == 302 and response.url == workspace(issue)
    page = html(client.get(workspace(issue)))
    assert "2018年第6号" in page and "总第102期" in page and "本期还没有文件" in page

    # a Word file: the preview is the import's, and writes nothing
    before = written()
    docx = docx_bytes(blocks_from_text(seed_document(N13)))
    upload = SimpleUploadedFile("涉农资金.docx", docx)
    preview = client.post(reverse("staff:assembly-add", args=[issue.pk]), {"file": upload})
    assert preview.status_code == 200 and written() == before
    shown = html(preview)
    assert "确认加入本期" in shown and "识别结果" in shown and "文件与任务" in shown
    assert preview.context["task_total"] == 24 and preview.context["missing_total"] == 0
    assert preview.context["report"].documents_added == [N13]
    first_task = preview.context["parsed"].documents[0].tasks[0]
    assert first_task.assignments[0].name in shown
    confirm = preview.context["confirm"]
    done = client.post(
        reverse("staff:assembly-confirm", args=[issue.pk]),
        {"text": confirm.initial["text"], "source_name": "涉农资金.docx"},
        follow=True,
    )
    assert f"已添加：{N13}" in html(done) and order_of(issue) == [N13]

    # a PDF with a text layer, and pasted text
    pdf = pdf_bytes(blocks_from_text(seed_document(N51)))
    add(client, issue, file=SimpleUploadedFile("粮食.pdf", pdf))
    add(client, issue, text=seed_document(N15))
    _, done = add(client, issue, text=seed_document(N58))
    assert order_of(issue) == [N13, N51, N15, N58]

    # the workspace: the 目录 in order, what was recognised, the review link
    assert f"已添加：{N58}" in html(done)
    page = html(done).split('id="h-toc"')[1]
    positions = [page.index(n) for n in (N13, N51, N15, N58)]
    assert positions == sorted(positions)
    assert "任务 24 项，目录清单 0 行" in page
    n15 = issue.documents.get(number=N15)
    assert f"{reverse('staff:review', args=[issue.pk])}?document={n15.pk}" in page
    assert (
        client.get(reverse("staff:review", args=[issue.pk]), {"document": n15.pk}).status_code
        == 200
    )

    # reorder: 15号 up above 51号, so the city government's documents come first
    response = client.post(reverse("staff:assembly-move", args=[n15.pk]), {"direction": "up"})
    assert response.status_code == 302
    assert order_of(issue) == [N13, N15, N51, N58]
    # remove one; adding the same document again replaces it instead of adding a second
    n58 = issue.documents.get(number=N58)
    done = client.post(reverse("staff:assembly-remove", args=[n58.pk]), follow=True)
    assert f"已从本期移除：{N58}" in html(done) and order_of(issue) == [N13, N15, N51]
    tasks = Task.objects.count()
    preview, done = add(client, issue, text=seed_document(N15))
    assert "确认替换" in html(preview) and f"已替换：{N15}" in html(done)
    assert order_of(issue) == [N13, N15, N51] and Task.objects.count() == tasks

    # a draft is nobody's business outside
    public = reverse("issue", args=[2018, 6])
    assert client_for().get(public).status_code == 404

    done = client.post(reverse("staff:assembly-publish", args=[issue.pk]), follow=True)
    assert "已发布，公众可见" in html(done)
    issue.refresh_from_db()
    assert issue.is_published
    page = html(client_for().get(public))
    titles = [issue.documents.get(number=n).title for n in (N13, N15, N51)]
    positions = [page.index(t) for t in titles]
    assert positions == sorted(positions)
    assert "本溪市人民政府文件" in page and "本溪市人民政府办公厅文件" in page
    search = html(client_for().get(reverse("search"), {"q": "涉农资金"}))
    assert titles[0] in search


def test_a_published_issue_is_read_only(users, client_for, seed):
    seed = GazetteIssue.objects.get(year=2018, number=6)
    client = client_for("secretariat")
    page = html(client.get(workspace(seed)))
    assert "不能再添加、移动或移除文件" in page
    assert reverse("staff:assembly-add", args=[seed.pk]) not in page
    assert reverse("staff:assembly-publish", args=[seed.pk]) not in page
    before = written()
    response = client.post(
        reverse("staff:assembly-add", args=[seed.pk]), {"text": seed_document(N13)}, follow=True
    )
    assert "已发布，不能再添加文件" in html(response)
    doc = seed.documents.order_by("order").last()
    for name, data in (("staff:assembly-move", {"direction": "up"}), ("staff:assembly-remove", {})):
        done = client.post(reverse(name, args=[doc.pk]), data, follow=True)
        assert "已发布，不能再修改" in html(done)
    done = client.post(
        reverse("staff:assembly-confirm", args=[seed.pk]), {"text": seed_document(N13)}, follow=True
    )
    assert "已发布，不能再修改" in html(done)
    assert written() == before


@pytest.mark.parametrize(
    "fields, status, words",
    [
        ({"year": "", "number": ""}, 400, "请填写年份"),
        ({"number": "abc"}, 400, "期号应为数字"),
        ({"year": "1800"}, 400, "年份应在"),
        ({"published_on": "2018-13-45"}, 400, "出版日期格式应为"),
    ],
)
def test_create_refuses_bad_fields(users, client_for, fields, status, words):
    response = create(client_for("secretariat"), **fields)
    assert response.status_code == status and words in html(response)
    assert not GazetteIssue.objects.exists()


def test_create_refuses_a_duplicate_by_name(users, client_for, seed):
    response = create(client_for("secretariat"))
    assert response.status_code == 400
    assert "本溪市人民政府公报2018年第6号（已发布）已存在，不能重复创建" in html(response)
    response = create(client_for("secretariat"), number="7")
    assert "总第102期已是 本溪市人民政府公报2018年第6号，不能重复" in html(response)
    assert GazetteIssue.objects.count() == 1


@pytest.mark.parametrize(
    "data, words",
    [
        ({}, "请选择文件或粘贴文件全文"),
        ({"text": "   "}, "请选择文件或粘贴文件全文"),
        ({"text": "随便写的几个字"}, "没有公文标题"),
        ({"file": ("x.docx", b"\x00\x01\x02\xff" * 100)}, "不是"),
        ({"file": ("x.txt", b"\x00\x01\x02\xff" * 100)}, "文件"),
        ({"text": SEED_PATH.read_text(encoding="utf-8")}, "这是一期完整的公报"),
    ],
)
def test_bad_documents_are_refused_and_nothing_is_written(users, client_for, data, words):
    client = client_for("secretariat")
    create(client)
    issue = GazetteIssue.objects.get()
    if "file" in data:
        data = {"file": SimpleUploadedFile(*data["file"])}
    before = written()
    response = client.post(reverse("staff:assembly-add", args=[issue.pk]), data)
    assert response.status_code == 400
    errors = response.context["form"].non_field_errors()
    assert errors and words in errors[0], errors
    assert 'class="form-errors"' in html(response)
    assert written() == before
    # a confirm without its text is refused too
    done = client.post(reverse("staff:assembly-confirm", args=[issue.pk]), {}, follow=True)
    assert "要添加的文件内容缺失" in html(done) and written() == before


def test_publish_without_documents_is_refused(users, client_for):
    client = client_for("secretariat")
    create(client)
    issue = GazetteIssue.objects.get()
    done = client.post(reverse("staff:assembly-publish", args=[issue.pk]), follow=True)
    assert "还没有文件，不能发布" in html(done)
    issue.refresh_from_db()
    assert not issue.is_published


ROLES = ("anonymous", "finance", "health", "supervisor", "secretariat", "inactive")


def new_urls(issue, document):
    return [
        ("GET", reverse("staff:assembly"), {}),
        ("POST", reverse("staff:assembly"), {"year": "2019", "number": "1"}),
        ("GET", reverse("staff:assembly-issue", args=[issue.pk]), {}),
        ("POST", reverse("staff:assembly-add", args=[issue.pk]), {"text": seed_document(N15)}),
        ("POST", reverse("staff:assembly-confirm", args=[issue.pk]), {"text": seed_document(N15)}),
        ("POST", reverse("staff:assembly-move", args=[document.pk]), {"direction": "down"}),
        ("POST", reverse("staff:assembly-remove", args=[document.pk]), {}),
        ("POST", reverse("staff:assembly-publish", args=[issue.pk]), {}),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_only_the_secretariat_may_assemble(users, client_for, role):
    from documents import assembly

    issue = assembly.create_issue(year=2018, number=6)
    assembly.add_document(issue=issue, text=seed_document(N13))
    document = issue.documents.get()
    client = client_for(None if role == "anonymous" else role)
    for method, url, data in new_urls(issue, document):
        before = written()
        response = client.get(url) if method == "GET" else client.post(url, data)
        if role in ("anonymous", "inactive"):
            assert response.status_code == 302 and response.url.startswith("/accounts/login/")
        elif role != "secretariat":
            assert response.status_code == 403, (role, url)
        else:
            assert response.status_code in (200, 302), (url, response.status_code)
            continue
        assert written() == before, (role, url)
        assert "涉农资金" not in html(response)
