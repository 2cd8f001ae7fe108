"""Who reads and writes what through the API: anonymous, staff, supervisor, secretariat."""

import pytest
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
    assert client_for("supervisor").get("/api/tasks/").json()["count"] == Task.objects.count()


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
