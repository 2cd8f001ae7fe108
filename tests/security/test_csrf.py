"""CSRF on the staff pages: every POST form carries the token, and a POST without it is refused.

The pages are found by following the links of each role's pages (one page per URL pattern and
role); the POST endpoints come from the URL resolver, so a new staff form is checked too.
"""

from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from django.utils.crypto import get_random_string
from paths import SEED_PATH
from securityhelpers import (
    ROLES,
    body_for,
    classify,
    kwargs_for,
    rows,
    url_for,
    view_methods,
    walk,
)

pytestmark = pytest.mark.django_db

# downloads, not pages (and the PDF export is slow to render)
NOT_PAGES = {"staff:export", "staff:supervision-export", "staff:ics", "staff:attachment"}
# forms outside /work/ that a staff member posts
ACCOUNT_FORMS = {"login", "logout", "password_change"}


class Forms(HTMLParser):
    """The page's <form>s: action, method, whether a csrfmiddlewaretoken input is inside."""

    def __init__(self):
        super().__init__()
        self.forms, self.links, self._open = [], [], None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._open = {
                "action": a.get("action") or "",
                "method": (a.get("method") or "get").lower(),
                "hx_post": a.get("hx-post"),
                "token": False,
            }
            self.forms.append(self._open)
        elif tag == "input" and self._open is not None:
            if a.get("name") == "csrfmiddlewaretoken" and a.get("value"):
                self._open["token"] = True
        elif tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif a.get("hx-post") and tag != "form":
            self.forms.append({"action": a["hx-post"], "method": "hx", "token": False})

    def handle_endtag(self, tag):
        if tag == "form":
            self._open = None


def url_name(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


def staff_post_names() -> set[str]:
    """Every staff page that takes a POST, and the account forms."""
    names = {
        r.key for r in walk() if r.key.startswith("staff:") and "POST" in view_methods(r.pattern)
    }
    return names | ACCOUNT_FORMS


def crawl(client: Client, start: list[str]) -> dict[str, str]:
    """GET the pages reachable from ``start`` under /work/ and /accounts/, one per URL name;
    returns {url: html}."""
    seen_names, pages, queue = set(), {}, list(start)
    while queue:
        url = queue.pop(0)
        path = urlsplit(url).path
        name = url_name(path)
        if name is None or name in seen_names or name in NOT_PAGES or name == "logout":
            continue
        seen_names.add(name)
        response = client.get(url)
        if response.status_code in (301, 302):
            queue.append(response["Location"])
            seen_names.discard(name)  # a redirect is not the page
            continue
        assert response.status_code == 200, (url, response.status_code)
        html = response.content.decode()
        pages[url] = html
        parser = Forms()
        parser.feed(html)
        for href in parser.links:
            target = urljoin(url, href)
            if (
                urlsplit(target).path.startswith(("/work/", "/accounts/"))
                and not urlsplit(target).netloc
            ):
                queue.append(target)
    return pages


def test_every_staff_post_form_carries_a_csrf_token(world, users):
    from bench.gazettes import renumbered

    pages = {}
    for role in ("finance", "supervisor", "secretariat"):
        client = Client()
        client.force_login(users[role])
        pages.update(
            {
                f"{role} {url}": html
                for url, html in crawl(
                    client,
                    [
                        "/work/",
                        "/work/tasks/",
                        f"/work/tasks/{world['task'].pk}/",
                        "/work/inbox/",
                        "/work/calendar/",
                        "/accounts/password_change/",
                    ],
                ).items()
            }
        )
        if role == "secretariat":  # the import preview is the answer to a POST
            text = renumbered(SEED_PATH.read_text(encoding="utf-8"), 5)
            preview = client.post("/work/import/", {"text": text})
            assert preview.status_code == 200
            pages["secretariat import preview"] = preview.content.decode()
            # and so is the preview of a document added to a draft issue (逐件组稿)
            from assembly_helpers import seed_documents

            add_url = reverse("staff:assembly-add", args=[world["draft_issue"].pk])
            # another year's number: the seed's own documents are already in its issue
            one = next(iter(seed_documents().values())).replace("〔2018〕", "〔2031〕")
            added = client.post(add_url, {"text": one})
            assert added.status_code == 200
            pages[f"secretariat {add_url}"] = added.content.decode()
    pages["anonymous /accounts/login/"] = Client().get("/accounts/login/").content.decode()

    missing, posted_to = [], set()
    for where, html in pages.items():
        parser = Forms()
        parser.feed(html)
        page_url = where.split(" ", 1)[1]
        for form in parser.forms:
            if form["method"] == "get":
                continue
            action = urlsplit(urljoin(page_url, form["action"])).path
            posted_to.add(url_name(action))
            if form["method"] == "hx":
                missing.append(f"{where}: hx-post={form['action']} outside a form")
            elif not form["token"]:
                missing.append(f"{where}: <form method=post action={form['action']!r}> no token")
    assert not missing, "\n".join(missing)
    never_seen = staff_post_names() - posted_to
    assert not never_seen, f"no form found posting to {sorted(never_seen)}"
    assert len(pages) >= 20


def allowed_role(name: str) -> tuple[str, dict]:
    """A role the matrix lets POST to ``name``, and the table row."""
    for row in rows():
        if row["name"] == name and "POST" in row["methods"]:
            for role in ROLES:
                if row["expected"][role] == "A" and role != "inactive":
                    return role, row
    raise AssertionError(f"no role may POST to {name}")


def test_a_post_without_csrf_token_is_refused(world, users):
    routes = {r.key: r for r in walk()}
    checked = []
    for name in [*sorted(staff_post_names()), "api:task-progress"]:
        role, row = allowed_role(name)
        url = url_for(routes[name], kwargs_for(row["object"], world))
        client = Client(enforce_csrf_checks=True)
        if role != "anonymous":
            client.force_login(users[role])
        session = client.cookies.get(settings.SESSION_COOKIE_NAME)
        body = body_for(name, world)
        api = url.startswith("/api/")
        with transaction.atomic():
            if api:
                refused = client.post(url, body, content_type="application/json")
            else:
                refused = client.post(url, body)
            transaction.set_rollback(True)
        assert refused.status_code == 403, (name, role, refused.status_code)
        assert "CSRF" in refused.content.decode(), name
        # the same request with the token passes the check (so the 403 was CSRF, not the role)
        secret = get_random_string(32)
        client.cookies[settings.CSRF_COOKIE_NAME] = secret
        if session is not None:
            client.cookies[settings.SESSION_COOKIE_NAME] = session.value
        with transaction.atomic():
            if api:
                accepted = client.post(
                    url, body, content_type="application/json", headers={"X-CSRFToken": secret}
                )
            else:
                accepted = client.post(url, {**body, "csrfmiddlewaretoken": secret})
            transaction.set_rollback(True)
        assert classify(accepted, urlsplit(url).path) == "A", (name, role, accepted.status_code)
        checked.append(name)
    assert len(checked) >= 20
