"""Helpers for tests/security: the URL patterns from the resolver, the methods each view
accepts, the seed objects that fill the URLs, and a client per role whose writes are rolled
back. The expected table itself is tests/security/permission_matrix.py."""

from __future__ import annotations

import importlib.util
import json
import re
from dataclasses import dataclass, field
from datetime import timedelta
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
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
    else:  # a function view: @require_http_methods (require_GET, require_POST) or nothing
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
    report = report_progress(task, users["dept_a"], text="已初步梳理", files=[upload("a.png", PNG)])
    item = DisclosureItem.objects.filter(document__issue=issue).order_by("pk").first()
    item.owner_department = finance
    item.save()
    event = record_event(
        item,
        subject="申请人甲",
        event="收到申请",
        occurred_at=timezone.now() - timedelta(hours=1),
        user=users["dept_a"],
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
            user=users["dept_a"], kind="urge", title="请抓紧办理", task=task
        ),
        "feed": CalendarFeed.objects.create(user=users["dept_a"], department=finance),
        "inactive_feed": CalendarFeed.objects.create(user=users["inactive"], department=finance),
        "event": event,
        "department": finance,
        "new_department": new_department,
        "alias": DepartmentAlias.objects.create(department=new_department, name="新设局"),
    }


def kwargs_for(obj: str | None, w: dict) -> dict:
    """Every URL kwarg an object can fill; the URL takes the ones its pattern names."""
    values = {"fmt": "csv", "by": "department", "format": "json", "app_label": "auth"}
    if obj in ("issue", "draft_issue"):
        issue = w[obj]
        values.update(pk=issue.pk, year=issue.year, number=issue.number)
    elif obj in ("document", "draft_document"):
        values.update(pk=w[obj].pk, slug=w[obj].slug)
    elif obj in ("feed", "inactive_feed"):
        values.update(pk=w[obj].pk, token=w[obj].token)
    elif obj == "reset":
        values.update(uidb64="MQ", token="set-password")
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

    def __call__(self, role: str, method: str, url: str, body: dict):
        client, session = self.clients[role]
        client.cookies = SimpleCookie()
        if session is not None:
            client.cookies[settings.SESSION_COOKIE_NAME] = session.value
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
