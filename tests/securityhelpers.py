"""Helpers for tests/security: the URL patterns from the resolver, the methods each view
accepts, the seed objects that fill the URLs, and a client per role whose writes are rolled
back. The expected table itself is tests/security/permission_matrix.py."""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import json
import re
import time
from dataclasses import dataclass, field
from datetime import timedelta
from http.cookies import SimpleCookie
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils import timezone
from paths import SEED_PATH
from staffhelpers import PNG, upload

from departments.models import Department, DepartmentAlias
from disclosure.models import DisclosureItem
from documents.models import GazetteIssue
from staff.models import CalendarFeed
from tasks.models import Notification, Task


def _load_matrix():
    # the table lives beside the tests in tests/security/, which is not on sys.path
    spec = importlib.util.spec_from_file_location(
        "permission_matrix", Path(__file__).parent / "security" / "permission_matrix.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


matrix = _load_matrix()
ALL_METHODS, ROLES, rows = matrix.ALL_METHODS, matrix.ROLES, matrix.rows

ADMIN_LOGIN = "/admin/login/"
TWIN = re.compile(r"\(\?P<format>|<drf_format_suffix:format>")


@dataclass
class Route:
    """One URL pattern as the resolver sees it."""

    key: str  # the table's name: "namespace:name", or the route for an unnamed pattern
    route: str  # as ResolverMatch.route spells it
    pattern: URLPattern
    names: tuple[str, ...]  # named groups (URL kwargs) from every level
    positional: int  # unnamed groups (the admin's history view)
    twin: bool = False  # a format-suffix variant of the same endpoint (api/tasks.json)
    admin: bool = False
    rows: list = field(default_factory=list)


def _join(prefix: str, route: str) -> str:
    # as django.urls.resolvers._join_route, so keys compare with ResolverMatch.route
    return route if not prefix else prefix + route.removeprefix("^")


def walk(resolver=None, prefix="", namespace="", names=()):
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        regex = p.pattern.regex
        here = (*names, *regex.groupindex)
        route = _join(prefix, str(p.pattern))
        if isinstance(p, URLResolver):
            ns = namespace + (f"{p.namespace}:" if p.namespace else "")
            yield from walk(p, route, ns, here)
        else:
            key = f"{namespace}{p.name}" if p.name else route
            yield Route(
                key=key,
                route=route,
                pattern=p,
                names=here,
                positional=regex.groups - len(regex.groupindex),
                twin=bool(TWIN.search(str(p.pattern))),
                admin=namespace.startswith("admin:"),
            )


def view_methods(pattern: URLPattern) -> set[str]:
    """The methods (of GET, POST, PUT, PATCH, DELETE) the view answers other than with 405."""
    callback = pattern.callback
    cls = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    actions = getattr(callback, "actions", None)
    if actions is not None:  # a DRF viewset route: its mapping, less what the viewset refuses
        allowed = {m for m in actions if m in cls.http_method_names}
    elif cls is not None:  # a class-based view
        allowed = {m for m in cls.http_method_names if hasattr(cls, m)}
    else:  # a function view: @require_http_methods (require_safe, require_POST) or nothing
        allowed, view = None, callback
        while view is not None and allowed is None:
            code = getattr(view, "__code__", None)
            if code is not None and "request_method_list" in code.co_freevars:
                cell = view.__closure__[code.co_freevars.index("request_method_list")]
                allowed = {m.lower() for m in cell.cell_contents}
            view = getattr(view, "__wrapped__", None)
        if allowed is None:
            return set(ALL_METHODS)
    return {m.upper() for m in allowed} & set(ALL_METHODS)


# --- the seed objects the URLs are filled with ------------------------------------------------


def build_world(users: dict, django_user_model) -> dict:
    """The objects the URLs are filled with (after the seed issue is imported)."""
    from bench.gazettes import renumbered
    from disclosure.services import record_event
    from documents.models import DocumentRelation
    from documents.pdf import ensure_issue_pdf
    from documents.services import import_issue
    from tasks.services import report_progress

    finance = Department.objects.get(name="市财政局")
    health = Department.objects.get(name="市卫生计生委")
    civil = Department.objects.get(name="市民政局")
    issue = GazetteIssue.objects.get(status=GazetteIssue.Status.PUBLISHED)
    import_issue(renumbered(SEED_PATH.read_text(encoding="utf-8"), 0), publish=False)
    draft = GazetteIssue.objects.get(status=GazetteIssue.Status.DRAFT)

    def task_of(issue, department, *not_of):
        qs = Task.objects.filter(document__issue=issue, assignments__department=department)
        for other in not_of:
            qs = qs.exclude(assignments__department=other)
        return qs.exclude(status=Task.Status.DONE).order_by("pk").first()

    task = task_of(issue, finance, health, civil)
    civil_task = task_of(issue, civil, finance, health)
    draft_task = task_of(draft, finance, health, civil)
    assert task and civil_task and draft_task
    report = report_progress(
        task, users["finance"], text="已初步梳理", files=[upload("a.png", PNG)]
    )
    item = DisclosureItem.objects.filter(document__issue=issue).order_by("pk").first()
    item.owner_department = finance
    item.save()
    event = record_event(
        item,
        subject="申请人甲",
        event="收到申请",
        occurred_at=timezone.now() - timedelta(hours=1),
        user=users["finance"],
    )
    new_department = Department.objects.create(name="市新设局", needs_review=True)
    ensure_issue_pdf(issue)  # rendered once: each cell's GET then serves the stored file
    root = django_user_model.objects.create_superuser("root", password="pw-root")
    return {
        "users": {**users, "root": root},
        "task": task,
        "civil_task": civil_task,
        "draft_task": draft_task,
        "assignment": task.assignments.get(department=finance),
        "report": report,
        "attachment": report.attachments.get(),
        "issue": issue,
        "draft_issue": draft,
        "document": issue.documents.order_by("order").first(),
        "draft_document": draft.documents.order_by("order").first(),
        "catalogue_item": item,
        "draft_catalogue_item": DisclosureItem.objects.filter(document__issue=draft).first(),
        "notification": Notification.objects.create(
            user=users["finance"], kind="urge", title="请抓紧办理", task=task
        ),
        "feed": CalendarFeed.objects.create(user=users["finance"], department=finance),
        "inactive_feed": CalendarFeed.objects.create(user=users["inactive"], department=finance),
        "event": event,
        "department": finance,
        "new_department": new_department,
        "alias": DepartmentAlias.objects.create(department=new_department, name="新设局"),
        "relation": DocumentRelation.objects.create(
            source=draft.documents.order_by("order").first(),
            kind=DocumentRelation.Kind.REPEALS,
            target_number="本政发〔2015〕1号",
        ),
    }


def kwargs_for(obj: str | None, w: dict) -> dict:
    """Every URL kwarg an object can fill; the URL takes the ones its pattern names."""
    from documents.models import Document

    values = {"fmt": "csv", "by": "department", "format": "json", "app_label": "auth"}
    values["dataset"] = "catalogue"  # the open-data downloads (literal_choices asks for each)
    value = w.get(obj) if obj else None
    if obj == "reset":
        values.update(uidb64="MQ", token="set-password")
    elif isinstance(value, GazetteIssue):
        values.update(pk=value.pk, year=value.year, number=value.number)
    elif isinstance(value, Document):
        values.update(pk=value.pk, slug=value.slug)
    elif isinstance(value, CalendarFeed):
        values.update(pk=value.pk, token=value.token)
    elif obj is not None:
        values["pk"] = w[obj].pk
    return values


def body_for(name: str, w: dict) -> dict:
    """A valid body where the permission is checked only after validation (disclosure events),
    or where it is cheap to make the write succeed; {} (refused with 400) elsewhere."""
    now = timezone.now()
    return {
        "api:task-progress": {"text": "已推进"},
        "api:task-start": {"text": "已开始推进"},
        "api:task-request-extension": {"text": "需协调", "requested_due": "2099-12-31"},
        "api:task-urge": {"message": "请抓紧办理"},
        "api:task-close": {"note": "督查确认办结"},
        "api:department-list": {"name": "市测试局", "kind": "city"},
        "api:disclosure-event-list": {
            "item": w["catalogue_item"].pk,
            "subject": "申请人乙",
            "event": "收到申请",
            "occurred_at": (now - timedelta(minutes=5)).isoformat(),
        },
        "api:disclosure-event-publish": {"published_at": now.isoformat(), "where": "市政府网站"},
        "staff:task-report": {"kind": "progress", "text": "已推进"},
        "staff:task-urge": {"message": "请抓紧办理"},
        "staff:task-close": {"note": "督查确认办结"},
    }.get(name, {})


# Views whose dispatch() answers before choosing the method handler, so an unlisted method
# is not a 405 for the URL the matrix uses.
NO_405_PROBE = {
    "password_reset_confirm": "an invalid link is answered whatever the method",
}

QUERY = {
    "api:workdays-add": "date=2024-09-27&n=3",
    "api:workdays-between": "start=2024-09-27&end=2024-10-10",
    "api:workdays-check": "date=2024-10-01",
    "search": "q=财政",
}


def url_for(r: Route, values: dict) -> str:
    args = ["1"] * r.positional
    kwargs = {n: values.get(n, "1") for n in r.names}
    if not r.twin:
        kwargs.pop("format", None)
    if r.key != r.route:  # named: reverse it
        url = reverse(r.key, args=args) if args else reverse(r.key, kwargs=kwargs)
    else:  # unnamed (the admin's object redirects, media): fill the route
        url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(kwargs[m[1]]), r.route)
        url = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(kwargs[m[1]]), url)
        url = "/" + url.lstrip("^").rstrip("$")
    match = resolve(urlsplit(url).path)
    assert match.route == r.route, f"{r.key}: {url} resolves to {match.route}, not {r.route}"
    return url


# --- requests ---------------------------------------------------------------------------------


class Caller:
    """One client per role; each request restores the role's session and is rolled back."""

    def __init__(self, users: dict):
        self.clients = {}
        for role in (*ROLES, "root"):
            client = Client()
            if role != "anonymous":
                client.force_login(users[role])  # the inactive user too: it must not count
            self.clients[role] = (client, client.cookies.get(settings.SESSION_COOKIE_NAME))

    def client(self, role: str) -> Client:
        """The role's client, with its session (and nothing else) in its cookies."""
        client, session = self.clients[role]
        client.cookies = SimpleCookie()
        if session is not None:
            client.cookies[settings.SESSION_COOKIE_NAME] = session.value
        return client

    def __call__(self, role: str, method: str, url: str, body: dict):
        client = self.client(role)
        path = urlsplit(url).path
        if path.startswith("/api/"):
            data, content_type = json.dumps(body), "application/json"
        else:
            data, content_type = urlencode(body), "application/x-www-form-urlencoded"
        try:
            with transaction.atomic():
                if method == "GET":
                    response = client.get(url)
                else:
                    response = client.generic(method, url, data, content_type=content_type)
                transaction.set_rollback(True)
        except Exception as exc:  # the view raised: a 500 in production
            return "E", f"500 {type(exc).__name__}: {str(exc)[:120]}"
        return classify(response, path), str(response.status_code)


def classify(response, path: str) -> str:
    status = response.status_code
    if status in (401, 403):
        return "D"
    if status == 404:
        return "H"
    if status in (301, 302, 303, 307, 308):
        target = urlsplit(response["Location"]).path
        if target.startswith((settings.LOGIN_URL, ADMIN_LOGIN)):
            return "D"
        if path.startswith("/admin/") and target == "/admin/":
            return "D"  # the admin sends a non-staff user back to its index, i.e. its login
        return "A"
    if 200 <= status < 300 or status in (400, 409):
        return "A"
    if status == 405:
        return "M"
    return "E"


# --- the leak canary (tests/security/test_leak_canary.py) -------------------------------------
#
# A draft issue's title, one of its documents (title, body, first clause), one of that
# document's tasks (assigned to 市财政局, with a next due date) and a catalogue item carry a
# unique canary; every output a role can reach is decoded and searched for it.

CANARY_PHRASE = "雀鸣泄漏哨兵"  # bigrams found nowhere in the seed gazette: searchable as Chinese


@dataclass
class Canary:
    """The canary string and the objects that carry it."""

    token: str  # ASCII, e.g. CANARY3F2A…: searched for by itself too
    issue: object
    document: object
    task: object
    assignment: object
    item: object

    @property
    def text(self) -> str:
        # phrase and token apart: a search that echoes one still shows the other on a leak
        return f"{CANARY_PHRASE}（{self.token}）"

    @property
    def needles(self) -> tuple[str, ...]:
        return (_normal(CANARY_PHRASE), _normal(self.token))

    def objects(self) -> dict:
        """Object name → object, for kwargs_for()."""
        return {
            "canary_issue": self.issue,
            "canary_document": self.document,
            "canary_task": self.task,
            "canary_assignment": self.assignment,
            "canary_item": self.item,
        }


def plant_canary(w: dict) -> Canary:
    """Write the canary into the draft issue of build_world(): its issue, a task of 市财政局
    alone (open, with a due date, so the .ics feed would show it) and that task's document."""
    import uuid

    draft = w["draft_issue"]
    finance = w["department"]
    others = Department.objects.filter(name__in=["市卫生计生委", "市民政局"])
    task = (
        Task.objects.filter(document__issue=draft, assignments__department=finance)
        .exclude(assignments__department__in=others)
        .exclude(status=Task.Status.DONE)
        .filter(next_due__isnull=False)
        .order_by("pk")
        .first()
    )
    assert task is not None, "the draft seed issue has no open 市财政局 task with a due date"
    canary = Canary(
        token="CANARY" + uuid.uuid4().hex[:12].upper(),
        issue=draft,
        document=task.document,
        task=task,
        assignment=task.assignments.get(department=finance),
        item=DisclosureItem.objects.filter(document__issue=draft).order_by("pk").first(),
    )
    mark = canary.text
    draft.title = f"{draft.title}{mark}"[:200]
    draft.save()
    doc = canary.document
    doc.title = f"{mark}{doc.title}"
    doc.body = f"{mark}\n{doc.body}"
    doc.save()
    clause = doc.clauses.order_by("order").first()
    if clause is not None:
        clause.text = f"{mark}{clause.text}"
        clause.save()
    task.heading = f"{mark}{task.heading}"[:200]
    task.text = f"{mark}{task.text}"
    task.save()
    if canary.item is not None:
        canary.item.item = f"{mark}{canary.item.item}"[:300]
        canary.item.detail = f"{mark}{canary.item.detail}"
        canary.item.save()
    return canary


# --- decoding a response by its type ----------------------------------------------------------


def _normal(text: str) -> str:
    """Folded (NFKC, case) and without whitespace: a PDF breaks lines inside a phrase."""
    import unicodedata

    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text).casefold())


def response_body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def _pdf_text(data: bytes) -> str:
    import subprocess

    try:
        done = subprocess.run(
            ["pdftotext", "-q", "-enc", "UTF-8", "-", "-"],
            input=data,
            capture_output=True,
            timeout=60,
            check=True,
        )
        return done.stdout.decode("utf-8", "replace")
    except (OSError, subprocess.SubprocessError):  # no poppler-utils: pdfplumber
        import io

        import pdfplumber

        with pdfplumber.open(io.BytesIO(data)) as pdf:
            return "\n".join(page.extract_text() or "" for page in pdf.pages)


def _xlsx_text(data: bytes) -> str:
    import io

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    parts = []
    for sheet in book.worksheets:
        parts.append(sheet.title)
        for row in sheet.iter_rows(values_only=True):
            parts.extend(str(v) for v in row if v is not None)
    book.close()
    return "\n".join(parts)


def _text(data: bytes, charset: str | None) -> str:
    for encoding in (charset, "utf-8-sig", "gb18030"):
        if not encoding:
            continue
        try:
            return data.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("utf-8", "replace")


def decode_body(content_type: str, data: bytes) -> tuple[str, str]:
    """(kind, text) of a body by its Content-Type (sniffed where the type says little): html,
    json, csv, xlsx, pdf, ics, atom, xml, text, or binary (searched as raw UTF-8 anyway)."""
    import html

    mime, _, params = content_type.partition(";")
    mime = mime.strip().lower()
    charset = (re.search(r"charset=([\w-]+)", params) or [None, None])[1]
    if mime == "application/pdf" or data[:5] == b"%PDF-":
        return "pdf", _pdf_text(data)
    if "spreadsheetml" in mime or (data[:2] == b"PK" and b"xl/" in data[:2000]):
        return "xlsx", _xlsx_text(data)
    text = _text(data, charset)
    if mime == "application/json" or mime.endswith("+json"):
        try:  # \uXXXX escapes decoded
            return "json", json.dumps(json.loads(text), ensure_ascii=False)
        except ValueError:
            return "json", text
    if mime in ("text/html", "application/xhtml+xml"):
        # entities decoded, and the text with tags removed too (a highlight splits a phrase)
        plain = html.unescape(text)
        return "html", plain + "\n" + re.sub(r"<[^>]*>", "", plain)
    kinds = {"text/csv": "csv", "text/calendar": "ics", "application/atom+xml": "atom"}
    if mime in kinds:
        return kinds[mime], text
    if mime.endswith("xml"):
        return "xml", html.unescape(text)
    if mime.startswith("text/") or mime.endswith(("javascript", "yaml", "openapi")):
        return "text", text
    return "binary", data.decode("utf-8", "ignore")


def canary_snippet(text: str, needles: tuple[str, ...], echoed: tuple[str, ...] = ()) -> str:
    """A snippet around the first needle in ``text``, or "" where none appears. ``echoed`` are
    what the request itself carried (the search box repeats the query): those holding a
    needle, or held in one, are removed first; the canary's other half still shows a leak."""
    from urllib.parse import unquote

    flat = _normal(text + "\n" + unquote(text))
    echoed = {_normal(e) for e in echoed}
    echoed = {e for e in echoed if len(e) >= 4 and any(e in n or n in e for n in needles)}
    for value in sorted(echoed, key=len, reverse=True):
        flat = flat.replace(value, "")
    for needle in needles:
        at = flat.find(needle)
        if at >= 0:
            return flat[max(0, at - 60) : at + len(needle) + 60]
    return ""


# --- crawling every output of a role ----------------------------------------------------------

SITE_HOSTS = {"testserver", "localhost", "127.0.0.1", "example.com"}
NEVER_FOLLOW = {"logout", "admin:logout"}  # would end the role's session
_ATTR_URL = re.compile(
    r"""\b(?:href|src|action|value|content|hx-get|data-[\w-]+)\s*=\s*["']([^"'<>]+)["']""", re.I
)
_BARE_URL = re.compile(r"""https?://[^\s"'<>\\,;]+""")
READABLE = {"html", "json", "csv", "xlsx", "pdf", "ics", "atom", "xml"}  # worth filtering
_LITERALS = re.compile(r"\(\?P<(\w+)>([\w.-]+(?:\|[\w.-]+)+)\)")


@dataclass
class Seen:
    """One response a role got, and the canary in it if any."""

    role: str
    method: str
    url: str
    status: int
    kind: str
    content_type: str
    snippet: str = ""  # around the canary, where it appears
    error: str = ""  # what the view raised (a 500)
    seconds: float = 0.0
    links: list = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"{self.role:10} {self.method:4} {self.url} → {self.status} "
            f"{self.content_type or '-'} ({self.kind}): {self.error[:200] or f'…{self.snippet}…'}"
        )


def literal_choices(r: Route) -> list[dict]:
    """Each combination of the literal alternatives a regex pattern names (fmt=csv|xlsx|pdf,
    by=department|document), so every format an export offers is asked for."""
    combos = [{}]
    for name, alternatives in _LITERALS.findall(r.route):
        combos = [{**c, name: a.replace("\\", "")} for c in combos for a in alternatives.split("|")]
    return combos


def _model_of(r: Route):
    """The model a REST framework view serves (None for other views)."""
    cls = getattr(r.pattern.callback, "cls", None)
    queryset = getattr(cls, "queryset", None)
    return getattr(queryset, "model", None)


def canary_seeds(w: dict, canary: Canary, routes: list[Route] | None = None) -> list[tuple]:
    """(URL, variants) for every pattern the resolver knows that answers GET (asked for
    with GET and HEAD; the admin's, variants None, with GET only): filled with the
    canary's objects (of the view's model where the view names one), with the objects the
    permission matrix fills it with, and with none. The variants of a pattern without an
    object in its URL add the filters that would pick the canary out: its department, the
    canary as search text (q, search), its issue, document and task."""
    routes = routes if routes is not None else list(walk())
    objects = {}
    for row in rows():
        objects.setdefault(row["name"], []).append(row["object"])
    placed = {**w, **canary.objects()}
    object_names = {"pk", "slug", "year", "number", "token", "object_id", "uidb64"}
    filters = [  # the first binds the view's filter form: what it reads picks the others
        {"department": w["department"].pk, "page_size": 500},
        {"q": CANARY_PHRASE},
        {"q": canary.token},
        {"search": CANARY_PHRASE},
        {"search": canary.token},
        {"issue": canary.issue.pk, "document": canary.document.pk, "task": canary.task.pk},
    ]
    seeds = {}
    for r in routes:
        if r.twin or (not r.admin and "GET" not in view_methods(r.pattern)):
            continue
        if r.admin:  # none of the roles is staff: one URL each, filled with the canary task
            values = [{**kwargs_for(None, w), "object_id": canary.task.pk}]
        else:
            model = _model_of(r)
            fills = [o for o, x in canary.objects().items() if not model or isinstance(x, model)]
            named = objects.get(r.key, [])
            values = [kwargs_for(o, placed) for o in dict.fromkeys([None, *fills, *named])]
        for value in values:
            for choice in literal_choices(r):
                try:
                    url = canonical(url_for(r, {**value, **choice}))
                except (NoReverseMatch, AssertionError):  # a fill the pattern cannot take
                    continue
                variants = [f"{url}?{QUERY[r.key]}"] if r.key in QUERY else []
                if not set(r.names) & object_names:
                    variants += [f"{url}?{urlencode(f)}" for f in filters]
                if r.admin:  # GET only: the admin sends them all to its login
                    seeds.setdefault(url, None)
                    continue
                seeds.setdefault(url, [])
                seeds[url] += [canonical(v) for v in variants if canonical(v) not in seeds[url]]
    return list(seeds.items())


def canonical(url: str) -> str:
    """Path and query, the query re-encoded: one spelling of each URL."""
    from urllib.parse import parse_qsl

    parts = urlsplit(url)
    query = urlencode(parse_qsl(parts.query, keep_blank_values=True))
    return parts.path + (f"?{query}" if query else "")


def _same_site(base: str, link: str) -> str | None:
    """The link as a local URL (path and query), or None: another site, a fragment, a file
    the resolver does not know (static), a view that does not answer GET, or the logout."""
    from urllib.parse import urljoin

    link = link.strip()
    if not link or link.startswith(("#", "mailto:", "tel:", "javascript:", "data:")):
        return None
    parts = urlsplit(urljoin(base, link))
    if parts.scheme not in ("http", "https", "") or (
        parts.hostname and parts.hostname not in SITE_HOSTS
    ):
        return None
    route, get = _resolved(parts.path)
    if not get or route in NEVER_FOLLOW:
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


@functools.lru_cache(maxsize=4096)
def _resolved(path: str) -> tuple[str | None, bool]:
    """(the pattern's name or route, whether its view answers GET); (None, False) for a path
    the resolver does not know."""
    from django.urls import Resolver404

    try:
        match = resolve(path)
    except Resolver404:
        return None, False
    get = "GET" in view_methods(SimpleNamespace(callback=match.func))
    return match.view_name or match.route, get


def _form_urls(page: str, base: str, searches: tuple[str, ...], per_select: int = 30) -> list:
    """What the page's GET forms ask for: the text fields filled with each search text, and
    each option of each select on its own."""
    from html.parser import HTMLParser
    from urllib.parse import urljoin

    forms = []

    class Forms(HTMLParser):
        select = None

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            if tag == "form":
                get = (a.get("method") or "get").lower() == "get"
                forms.append({"action": a.get("action") or base, "get": get, "fields": []})
            elif not forms:
                return
            elif tag == "input" and a.get("name"):
                kind = (a.get("type") or "text").lower()
                if kind in ("text", "search"):
                    forms[-1]["fields"].append((a["name"], "text", []))
                elif kind == "hidden":
                    forms[-1]["fields"].append((a["name"], "fixed", [a.get("value") or ""]))
            elif tag == "select" and a.get("name"):
                self.select = (a["name"], "select", [])
                forms[-1]["fields"].append(self.select)
            elif tag == "option" and self.select is not None:
                self.select[2].append(a.get("value") or "")

        def handle_endtag(self, tag):
            if tag == "select":
                self.select = None

    for segment in re.findall(r"<form\b.*?</form>", page, re.S | re.I):  # the forms only
        Forms().feed(segment)
    out = []
    for form in forms:
        if not form["get"]:
            continue
        action = urljoin(base, form["action"])
        fixed = [(n, v[0]) for n, k, v in form["fields"] if k == "fixed"]
        texts = [n for n, k, _ in form["fields"] if k == "text"]
        for text in searches:
            out.append(f"{action}?{urlencode(fixed + [(n, text) for n in texts])}")
        for name, kind, options in form["fields"]:
            if kind == "select":
                for option in [o for o in options if o][:per_select]:
                    out.append(f"{action}?{urlencode([*fixed, (name, option)])}")
    return out


def _links(kind: str, text: str, base: str, searches: tuple[str, ...]) -> list[str]:
    found = []
    if kind == "html":
        found += _ATTR_URL.findall(text) + _form_urls(text, base, searches)
    elif kind == "json":

        def strings(value):
            if isinstance(value, dict):
                for v in value.values():
                    yield from strings(v)
            elif isinstance(value, list):
                for v in value:
                    yield from strings(v)
            elif isinstance(value, str) and value.startswith(("/", "http")) and len(value) < 500:
                yield value

        with contextlib.suppress(ValueError):
            found += list(strings(json.loads(text)))
    if kind in ("xml", "atom", "ics", "csv", "xlsx", "pdf", "text", "json"):
        found += _ATTR_URL.findall(text) + _BARE_URL.findall(text)
    return [u for u in (_same_site(base, link) for link in found) if u]


class CanaryCrawler:
    """Asks for the seeds as each role (GET and HEAD), follows the links each response
    offers (GET only, breadth first, up to ``depth`` links away and ``budget`` responses a
    role), decodes each body by its type and records where the canary appears."""

    def __init__(self, caller: Caller, canary: Canary, *, depth=2, budget=800, per_route=4):
        self.caller, self.canary = caller, canary
        self.depth, self.budget, self.per_route = depth, budget, per_route
        self.searches = (CANARY_PHRASE, canary.token)
        _resolved.cache_clear()  # a test may have changed ROOT_URLCONF

    def fetch(self, role: str, method: str, url: str, read: set | None = None) -> Seen:
        """One request, rolled back; ``read`` collects the query parameters the view read."""
        from unittest import mock
        from urllib.parse import parse_qsl

        from django.http import QueryDict

        def recording(name):
            original = getattr(QueryDict, name)

            def wrapper(self, key, *args, **kwargs):
                read.add(key)
                return original(self, key, *args, **kwargs)

            return mock.patch.object(QueryDict, name, wrapper)

        client = self.caller.client(role)
        started = time.monotonic()
        names = ("get", "getlist", "__getitem__", "__contains__") if read is not None else ()
        try:
            with transaction.atomic(), contextlib.ExitStack() as stack:
                for name in names:
                    stack.enter_context(recording(name))
                response = client.generic(method, url)
                data = response_body(response)
                transaction.set_rollback(True)
        except Exception as exc:  # the view raised: a 500, whose page says nothing here
            return Seen(role, method, url, 500, "error", "", error=f"{type(exc).__name__}: {exc}")
        content_type = response.get("Content-Type", "")
        kind, text = decode_body(content_type, data) if data else ("empty", "")
        headers = "\n".join(f"{k}: {v}" for k, v in response.items())
        echoed = (*(v for _, v in parse_qsl(urlsplit(url).query)), url)
        seen = Seen(role, method, url, response.status_code, kind, content_type)
        seen.seconds = time.monotonic() - started
        seen.snippet = canary_snippet(headers + "\n" + text, self.canary.needles, echoed)
        if method == "GET" and response.status_code == 200:
            seen.links = _links(kind, text, "http://testserver" + url, self.searches)
        elif response.status_code in (301, 302, 303, 307, 308):
            seen.links = [
                u
                for u in [_same_site("http://testserver" + url, response["Location"])]
                if u and not urlsplit(u).path.startswith((settings.LOGIN_URL, ADMIN_LOGIN))
            ]
        return seen

    def _variants(self, role: str, variants: list[str]) -> list[Seen]:
        """The first variant, noting the parameters the view reads; then the others, cut to
        those parameters (a view that reads none of a variant's is not asked again)."""
        from urllib.parse import parse_qsl

        read = set()
        out = [self.fetch(role, "GET", variants[0], read)]
        asked = {variants[0]}
        for variant in variants[1:]:
            path, _, query = variant.partition("?")
            kept = [(k, v) for k, v in parse_qsl(query) if k in read]
            url = canonical(f"{path}?{urlencode(kept)}")
            if kept and url not in asked:
                asked.add(url)
                out.append(self.fetch(role, "GET", url))
        return out

    def crawl(self, role: str, seeds: list[tuple]) -> list[Seen]:
        """Every seed URL (GET and HEAD), its variants where it answers with a readable page
        (GET), then the links found, breadth first: at most ``per_route`` URLs a pattern
        that the seeds did not ask for (a filter select can offer hundreds)."""
        queued = {u for url, variants in seeds for u in (url, *(variants or ()))}
        queue = [(url, 0, variants) for url, variants in seeds]
        crawled, out = {}, []
        while queue and len(out) < self.budget + 2 * len(seeds):
            url, depth, variants = queue.pop(0)
            for method in ("GET", "HEAD") if variants is not None else ("GET",):
                seen = self.fetch(role, method, url)
                out.append(seen)
                if variants and method == "GET" and seen.status == 200 and seen.kind in READABLE:
                    out += self._variants(role, variants)
                if depth >= self.depth:
                    continue
                for link in map(canonical, seen.links):
                    route = _resolved(urlsplit(link).path)[0]
                    if link in queued or crawled.get(route, 0) >= self.per_route:
                        continue
                    queued.add(link)
                    crawled[route] = crawled.get(route, 0) + 1
                    queue.append((link, depth + 1, None))
        return out
