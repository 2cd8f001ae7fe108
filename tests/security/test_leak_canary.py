"""The leak canary (issue 14): a draft issue whose document, task (assigned to 市财政局 alone)
and catalogue item carry a unique string, searched for in every output a role can reach.

The roles that may not see a draft — anonymous, staff of the task's own department (finance),
staff of another department (health), an inactive user — ask for every URL pattern the
resolver knows that answers GET (GET and HEAD), filled with the canary's objects and with
ordinary ones, list-like patterns also with the filters that would pick the canary out (its
department, the canary as search text, its issue, document and task); then they follow the
links each response offers (exports, feeds, the calendar feed's token URL, the GET forms with
the canary typed in and each option chosen, API links), breadth first and bounded. Each body
is decoded by its type (HTML, JSON, CSV, XLSX, PDF, ICS, Atom, sitemap XML) and the headers are
searched too. A new URL pattern is covered without editing this file: the seeds come from the
resolver (test_a_new_url_pattern_is_crawled_without_editing shows it).

Positive controls keep the test honest: the supervisor and the secretariat see the canary
where they should, and once the issue is published through the real service, finance sees it
in its lists, API, CSV, XLSX, PDF and calendar feed, and the public in the pages, the search
and the feed; every decoder must have found the canary in one of them.

Helpers (the canary, the decoders, the crawler): tests/securityhelpers.py.
"""

import sys
import time
import types

import pytest
from django.urls import resolve
from securityhelpers import (
    CANARY_PHRASE,
    READABLE,
    Caller,
    CanaryCrawler,
    canary_seeds,
    plant_canary,
    view_methods,
    walk,
)

# Not marked slow, like the permission matrix (about as long): a security gate that the
# SQLite run (make test-sqlite) keeps; it needs no service.
pytestmark = pytest.mark.django_db

# both (市财政局 and 市民政局) reads what finance reads; the crawl is the slow part
NO_DRAFTS = ("anonymous", "finance", "health", "inactive")


def _report(title: str, seen: list) -> str:
    return f"{len(seen)} {title}:\n" + "\n".join(map(str, seen))


def test_no_role_without_drafts_sees_the_canary(world):
    started = time.monotonic()
    canary = plant_canary(world)
    seeds = canary_seeds(world, canary)
    crawler = CanaryCrawler(Caller(world["users"]), canary)

    # every pattern that answers GET is asked for (the admin's with one URL each)
    seeded = {resolve(url.split("?")[0]).route for url, _ in seeds}
    assert not [
        r.key
        for r in walk()
        if not r.twin and r.route not in seeded and (r.admin or "GET" in view_methods(r.pattern))
    ]

    leaks, unreadable, seen_kinds = [], [], {}
    for role in NO_DRAFTS:
        for seen in crawler.crawl(role, seeds):
            seen_kinds.setdefault(role, set()).add(seen.kind)
            if seen.error:
                unreadable.append(seen)
            elif seen.snippet:
                leaks.append(seen)
    print(f"\nleak canary: {len(seeds)} seed URLs, {time.monotonic() - started:.1f} s")

    # the crawl read every kind of output a department's staff can get
    assert {"html", "json", "csv", "xlsx", "pdf", "ics"} <= seen_kinds["finance"]
    assert {"html", "json", "atom", "xml", "pdf"} <= seen_kinds["anonymous"]
    problems = []
    if leaks:
        problems.append(_report("outputs show the draft canary", leaks))
    if unreadable:
        problems.append(_report("outputs raised (a 500), so could not be checked", unreadable))
    assert not problems, "\n\n".join(problems)


def _sees(crawler, role: str, url: str, kinds: set) -> list[str]:
    """The canary must be in ``url`` for ``role``: the problem, if not."""
    seen = crawler.fetch(role, "GET", url)
    if seen.status == 200 and seen.snippet:
        kinds.add(seen.kind)
        return []
    return [f"{role} should see the canary: {seen}"]


def test_positive_controls_see_the_canary(world, django_capture_on_commit_callbacks):
    """Supervisors and the secretariat see the draft; after publishing, finance sees the task
    everywhere its tasks are, and the public sees the document. No over-hiding, and each
    decoder (HTML, JSON, CSV, XLSX, PDF, ICS, Atom) proves it can find the canary."""
    from documents.services import publish_issue

    canary = plant_canary(world)
    crawler = CanaryCrawler(Caller(world["users"]), canary)
    task, doc, issue = canary.task, canary.document, canary.issue
    finance = world["department"].pk
    kinds, problems = set(), []
    for role in ("supervisor", "secretariat"):
        for url in (
            f"/work/tasks/{task.pk}/",
            f"/api/tasks/{task.pk}/",
            f"/api/documents/{doc.pk}/",
            f"/api/issues/{issue.pk}/",
            f"/api/tasks/?q={canary.token}",
            f"/work/tasks/?q={CANARY_PHRASE}",
            "/work/supervision/export-document.csv",
            "/work/supervision/export-document.xlsx",
            f"/work/tasks/export.pdf?q={CANARY_PHRASE}",
        ):
            problems += _sees(crawler, role, url, kinds)
    problems += _sees(crawler, "secretariat", f"/work/import/{issue.pk}/", kinds)

    # published through the real service (which indexes it for search); its on-commit job
    # (the issue's PDF) runs as after a commit
    with django_capture_on_commit_callbacks(execute=True):
        publish_issue(issue)
    for url in (
        "/work/tasks/",
        f"/work/tasks/?q={CANARY_PHRASE}",
        f"/work/tasks/{task.pk}/",
        "/api/tasks/?page_size=500",
        f"/api/tasks/?department={finance}&page_size=500",
        f"/api/tasks/{task.pk}/",
        "/work/tasks/export.csv",
        "/work/tasks/export.xlsx",
        f"/work/tasks/export.csv?department={finance}",
        f"/work/tasks/export.pdf?department={finance}",
        f"/work/ics/{world['feed'].token}.ics",
    ):
        problems += _sees(crawler, "finance", url, kinds)
    for url in (
        f"/documents/{doc.slug}/",
        f"/gazette/{issue.year}/{issue.number}/",
        f"/gazette/{issue.year}/{issue.number}/pdf",
        f"/search/?q={CANARY_PHRASE}",
        f"/search/?q={canary.token}",
        f"/search/?q={CANARY_PHRASE}&kind=task",
        f"/api/documents/{doc.pk}/",
        f"/api/documents/?q={canary.token}",
        "/feed/",
    ):
        problems += _sees(crawler, "anonymous", url, kinds)
    for url in (f"/work/tasks/{task.pk}/", f"/api/tasks/{task.pk}/"):
        seen = crawler.fetch("health", "GET", url)  # still not its department's task
        if seen.snippet or seen.status != 404:
            problems.append(f"health should not see the published task: {seen}")

    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)
    assert {"html", "json", "csv", "xlsx", "pdf", "ics", "atom"} <= kinds, kinds
    assert kinds <= READABLE


def test_a_new_url_pattern_is_crawled_without_editing(world, settings):
    """A view added to the URLconf that shows any task to anyone is asked for with the
    canary's objects and reported, although nothing here names it."""
    from django.http import HttpResponse
    from django.urls import get_resolver, path

    from tasks.models import Task

    def careless(request, pk):
        task = Task.objects.filter(pk=pk).first()
        return HttpResponse(task.text if task else "", content_type="text/plain")

    urlconf = types.ModuleType("canary_urlconf")
    urlconf.urlpatterns = [
        *get_resolver().url_patterns,
        path("work/careless/<int:pk>/", careless, name="careless"),
    ]
    sys.modules[urlconf.__name__] = urlconf
    try:
        settings.ROOT_URLCONF = urlconf.__name__
        canary = plant_canary(world)
        seeds = canary_seeds(world, canary)
        new = [(url, variants) for url, variants in seeds if url.startswith("/work/careless/")]
        assert (f"/work/careless/{canary.task.pk}/", []) in new
        seen = CanaryCrawler(Caller(world["users"]), canary).crawl("anonymous", new)
        leaks = [s for s in seen if s.snippet]
        assert [(s.method, s.url) for s in leaks] == [
            ("GET", f"/work/careless/{canary.task.pk}/")
        ], leaks
    finally:
        del sys.modules[urlconf.__name__]
