"""Who reads and writes what through the API: anonymous, staff, supervisor, secretariat."""

from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser
from rest_framework.authtoken.models import Token

from documents.models import GazetteIssue
from tasks.models import Task

pytestmark = pytest.mark.django_db


def ids(response):
    return {row["id"] for row in response.json()["results"]}


def test_anonymous_reads_published_issues_documents_and_the_catalogue(seed, client_for):
    anon = client_for()
    assert anon.get("/api/issues/").json()["count"] == 1
    docs = anon.get("/api/documents/").json()
    assert docs["count"] == 6
    detail = anon.get(f"/api/documents/{docs['results'][-1]['id']}/")
    assert detail.status_code == 200 and detail.json()["outline"]
    assert anon.get("/api/catalogue/").json()["count"] == 37
    assert anon.get("/api/departments/").status_code == 200
    for url in [
        "/api/tasks/",
        "/api/me/",
        "/api/inbox/",
        "/api/progress-reports/",
        "/api/assignments/",
    ]:
        assert anon.get(url).status_code == 401, url
    assert anon.post("/api/issues/", {"text": "x"}, format="json").status_code == 401


def test_drafts_are_404_for_those_who_may_not_see_them(seed, client_for):
    issue = GazetteIssue.objects.get()
    issue.status = "draft"
    issue.save()
    doc_id = issue.documents.first().id
    for who in [None, "finance"]:
        client = client_for(who)
        assert client.get(f"/api/issues/{issue.id}/").status_code == 404
        assert client.get(f"/api/documents/{doc_id}/").status_code == 404
        assert client.get("/api/catalogue/").json()["count"] == 0
    for who in ["supervisor", "secretariat"]:
        assert client_for(who).get(f"/api/issues/{issue.id}/").status_code == 200


def test_staff_see_only_their_departments_tasks(seed, client_for):
    finance = Task.objects.filter(assignments__department__name="市财政局").distinct()
    health = Task.objects.filter(assignments__department__name="市卫生计生委").distinct()
    got = client_for("finance").get("/api/tasks/?page_size=500")
    assert got.status_code == 200 and ids(got) == set(finance.values_list("id", flat=True))
    assert ids(client_for("health").get("/api/tasks/?page_size=500")) == set(
        health.values_list("id", flat=True)
    )
    other = health.exclude(id__in=finance).first()
    assert client_for("finance").get(f"/api/tasks/{other.id}/").status_code == 404
    both = client_for("both").get("/api/tasks/?page_size=500")
    assert ids(both) == set(
        Task.objects.filter(assignments__department__name__in=["市财政局", "市民政局"]).values_list(
            "id", flat=True
        )
    )
    assert (
        client_for("supervisor").get("/api/tasks/?count=true").json()["count"]
        == Task.objects.count()
    )


def test_inactive_user_is_refused(seed, client_for, users):
    client = client_for("inactive")
    assert client.get("/api/tasks/").status_code in (401, 403)
    token = Token.objects.create(user=users["inactive"])
    client = client_for()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get("/api/tasks/").status_code == 401


def test_token_auth(seed, client_for, users):
    anon = client_for()
    got = anon.post(
        "/api/auth/token/", {"username": "finance", "password": "pw-finance"}, format="json"
    )
    assert got.status_code == 200
    anon.credentials(HTTP_AUTHORIZATION=f"Token {got.json()['token']}")
    me = anon.get("/api/me/").json()
    assert me["username"] == "finance" and me["roles"] == ["department_staff"]
    assert [d["name"] for d in me["departments"]] == ["市财政局"]


def test_only_the_secretariat_imports_and_publishes(seed, client_for):
    from bench.gazettes import renumbered

    issue = GazetteIssue.objects.get()
    for who in ["finance", "supervisor"]:
        assert client_for(who).post(f"/api/issues/{issue.id}/publish/").status_code == 403
        assert client_for(who).post("/api/issues/", {"text": "x"}, format="json").status_code == 403
    sec = client_for("secretariat")
    assert sec.post(f"/api/issues/{issue.id}/publish/").status_code == 200
    bad = sec.post("/api/issues/", {"text": "今天天气很好。"}, format="json")
    assert bad.status_code == 400 and "未识别" in bad.json()["detail"]
    dry = sec.post(
        "/api/issues/",
        {"text": renumbered(issue.source_text, 0), "dry_run": True},
        format="json",
    )
    assert dry.status_code == 200, dry.json()
    assert dry.json()["dry_run"] and dry.json()["tasks_added"] == 109  # 87 parenthetical + 22 prose
    assert GazetteIssue.objects.count() == 1


def test_department_registry_writes_are_for_the_secretariat(seed, client_for):
    new = {"name": "市大数据局", "kind": "city"}
    assert client_for("finance").post("/api/departments/", new, format="json").status_code == 403
    made = client_for("secretariat").post("/api/departments/", new, format="json")
    assert made.status_code == 201
    target = client_for().get("/api/departments/?search=市财政局").json()["results"][0]["id"]
    merged = client_for("secretariat").post(
        f"/api/departments/{made.json()['id']}/merge/", {"into": target}, format="json"
    )
    assert merged.status_code == 200 and "市大数据局" in merged.json()["aliases"]


def test_public_reads_carry_an_etag(seed, client_for):
    anon = client_for()
    first = anon.get("/api/catalogue/")
    assert first.has_header("ETag")
    again = anon.get("/api/catalogue/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304


def test_issue_detail_says_how_many_documents_it_holds(seed, client_for):
    """The detail carries every field the list has (schemathesis found it missing)."""
    from documents.models import GazetteIssue

    issue = GazetteIssue.objects.get(year=2018, number=6)
    body = client_for().get(f"/api/issues/{issue.pk}/").json()
    assert body["document_count"] == len(body["documents"]) == 6


def test_document_detail_fast_path_says_what_the_serializer_says(seed, client_for):
    """GET /api/documents/{id}/ reads outline, tasks and citations as values
    (documents.serializers.document_detail_data): the answer is DocumentDetailSerializer's,
    for every seed document, a provisional deadline included."""
    from django.db.models import Prefetch
    from rest_framework.test import APIRequestFactory

    from documents.models import Citation, Clause, Document
    from documents.selectors import tasks_with_departments
    from documents.serializers import DocumentDetailSerializer

    task = Task.objects.exclude(next_due=None).order_by("pk").first()
    Task.objects.filter(pk=task.pk).update(next_due=date(2099, 3, 1), deadline_provisional=True)
    request = APIRequestFactory().get("/")
    request.user = AnonymousUser()
    client = client_for()
    docs = Document.objects.prefetch_related(
        Prefetch("clauses", queryset=Clause.objects.order_by("order")),
        Prefetch("tasks", queryset=tasks_with_departments()),
        Prefetch("citations", queryset=Citation.objects.select_related("cited_document")),
    )
    for doc in docs:
        expected = DocumentDetailSerializer(doc, context={"request": request}).data
        assert client.get(f"/api/documents/{doc.pk}/").json() == expected, doc.number
    body = client.get(f"/api/documents/{task.document_id}/").json()
    assert any(t["deadline"]["provisional_note"] for t in body["tasks"])


def test_catalogue_fast_path_says_what_the_serializer_says(seed, client_for, users):
    """GET /api/catalogue/ reads values (disclosure.serializers.catalogue_data): each row is
    CatalogueItemSerializer's, compliance figures included."""
    from datetime import timedelta

    from django.utils import timezone

    from departments.models import Membership
    from disclosure.models import DisclosureItem
    from disclosure.selectors import compliance_by_item
    from disclosure.serializers import CatalogueItemSerializer
    from disclosure.services import record_event, record_publication

    item = DisclosureItem.objects.exclude(owner_department=None).order_by("pk").first()
    sup = users["finance"]
    Membership.objects.get_or_create(user=sup, department=item.owner_department)
    when = timezone.now() - timedelta(days=30)
    late = record_event(item, subject="甲", event="决定作出", occurred_at=when, user=sup)
    record_publication(late, published_at=timezone.now(), where="网站", user=sup)
    record_event(item, subject="乙", event="决定作出", occurred_at=when, user=sup)
    body = client_for().get("/api/catalogue/?page_size=100").json()
    figures = compliance_by_item()
    items = DisclosureItem.objects.published().select_related("owner_department", "document")
    expected = {
        i.pk: CatalogueItemSerializer(i, context={"compliance": figures}).data for i in items
    }
    assert body["count"] == len(expected) == len(body["results"]) == 37
    for row in body["results"]:
        assert row == expected[row["id"]], row["seq"]
    assert {row["id"]: row["compliance"] for row in body["results"]}[item.pk] == {
        "published": 1,
        "on_time": 0,
        "pending": 1,
        "share": 0.0,
    }
