"""Every URL pattern × every method it accepts × every role, against permission_matrix.py.

The patterns come from the URL resolver (recursively: the API router's list, detail and action
routes, the staff pages, the public site, the admin, accounts, schema, docs, token, health
checks, the .ics feed), so a new pattern that is not in the table fails the test with its
name. Each request runs in a savepoint that is rolled back, so one seed serves every cell and
no cell sees another's writes. Helpers: tests/securityhelpers.py.
"""

from types import SimpleNamespace

import pytest
from securityhelpers import (
    ALL_METHODS,
    NO_405_PROBE,
    QUERY,
    ROLES,
    Caller,
    Route,
    body_for,
    kwargs_for,
    rows,
    url_for,
    view_methods,
    walk,
)

from tasks.models import Task

pytestmark = pytest.mark.django_db


def match_table(routes: list[Route], table: list[dict]) -> list[str]:
    """Attach the table's rows to the routes; say what the table and the resolver disagree on:
    a pattern missing from the table (by name), a row naming no pattern, two patterns under
    one name, or a view accepting other methods than the table lists."""
    problems = []
    by_key: dict[str, list[Route]] = {}
    for r in routes:
        by_key.setdefault(r.key, []).append(r)
    known = {row["name"] for row in table}
    for key, found in by_key.items():
        if found[0].admin:
            continue  # the admin:* row covers what is not named
        if key not in known:
            problems.append(f"URL pattern {key!r} ({found[0].route}) is not in permission_matrix")
        if len([r for r in found if not r.twin]) > 1:
            problems.append(f"URL name {key!r} names several patterns: give each its own name")
    for row in table:
        if row["name"] not in by_key and row["name"] != "admin:*" and not row["optional"]:
            problems.append(f"permission_matrix names {row['name']!r}, which no URL has")
        targets = (
            [r for r in routes if r.admin and r.key not in known]
            if row["name"] == "admin:*"
            else by_key.get(row["name"], [])
        )
        for r in targets:
            r.rows.append(row)
    for key, found in by_key.items():
        if found[0].admin or not found[0].rows:
            continue  # admin views take any method; the table checks GET and POST
        listed = {m for row in found[0].rows for m in row["methods"]}
        accepted = view_methods(found[0].pattern)
        if listed != accepted:
            problems.append(
                f"{key}: the table lists {sorted(listed)}, the view accepts {sorted(accepted)}"
            )
    return problems


def test_a_new_url_pattern_fails_the_matrix_by_name():
    from django.urls import get_resolver, path
    from django.views.decorators.http import require_POST

    new = path("work/new-page/", require_POST(lambda request: None), name="new-page")
    urlconf = SimpleNamespace(url_patterns=[*get_resolver().url_patterns, new])
    assert match_table(list(walk(urlconf)), rows()) == [
        "URL pattern 'new-page' (work/new-page/) is not in permission_matrix"
    ]


def test_permission_matrix(world):
    """Every pattern × method × role: 7 roles, GET/POST/PUT/PATCH/DELETE as each view accepts."""
    routes = list(walk())
    problems = match_table(routes, rows())
    call = Caller(world["users"])

    # a method the view does not accept is a 405, even for a superuser
    probes = 0
    for r in routes:
        if r.admin or r.twin or not r.rows or r.key in NO_405_PROBE:
            continue
        url = url_for(r, kwargs_for(r.rows[0]["object"], world))
        for method in sorted(set(ALL_METHODS) - view_methods(r.pattern)):
            probes += 1
            _, status = call("root", method, url, {})
            if status != "405":
                problems.append(f"{r.key} {method}: not accepted, so 405 expected, got {status}")

    # every cell
    cells = 0
    for r in routes:
        for row in r.rows:
            url = url_for(r, kwargs_for(row["object"], world))
            if r.key in QUERY:
                url += "?" + QUERY[r.key]
            body = body_for(r.key, world)
            for method in row["methods"]:
                for role in ROLES:
                    cells += 1
                    want = row["expected"][role]
                    got, status = call(role, method, url, body)
                    if got != want:
                        problems.append(
                            f"{r.key:30} {method:6} {row['object'] or '-':20} {role:11} "
                            f"expected {want}, got {got} ({status}) {url}"
                        )
    print(f"\npermission matrix: {len(routes)} URL patterns, {cells} cells, {probes} 405 probes")
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)
    assert cells > 2000


def test_drafts_stay_out_of_department_lists(world, users):
    """The cells above open one draft task; the lists, the filter and the .ics feed must not
    show a department a draft's tasks either (supervisors and the secretariat still do)."""
    from django.test import Client

    draft_task, draft_doc = world["draft_task"], world["draft_task"].document
    client = Client()
    client.force_login(users["finance"])
    ids = {t["id"] for t in client.get("/api/tasks/?page_size=500").json()["results"]}
    assert world["task"].pk in ids and draft_task.pk not in ids
    assignments = client.get("/api/assignments/?page_size=500").json()["results"]
    assert draft_task.pk not in {a["task"] for a in assignments}
    page = client.get("/work/tasks/").content.decode()
    assert f"/work/tasks/{world['task'].pk}/" in page
    assert f"/work/tasks/{draft_task.pk}/" not in page
    assert draft_doc.number not in page  # nor in the document filter's choices
    ics = client.get(f"/work/ics/{world['feed'].token}.ics").content.decode()
    due = Task.objects.filter(assignments__department=world["department"], next_due__isnull=False)
    drafts = due.filter(document__issue=world["draft_issue"])
    assert drafts.exists() and "BEGIN:VEVENT" in ics
    assert not [t.pk for t in drafts if f"UID:task-{t.pk}-" in ics]
    assert all(
        f"UID:task-{t.pk}-" in ics
        for t in due.exclude(document__issue=world["draft_issue"]).exclude(status="done")
    )
    client.force_login(users["supervisor"])
    ids = {t["id"] for t in client.get("/api/tasks/?page_size=500").json()["results"]}
    assert draft_task.pk in ids
