"""The staff pages (工作平台): my department's tasks, a task with its progress and history, the
inbox, calendar feeds, supervision with urging and exports, and the secretariat's import →
review → publish and department registry.

Every read of tasks goes through tasks.selectors (Task.objects.visible_to: a task outside
one's scope is a 404)
and every write goes through a service (tasks.services, documents.services,
departments.services), which checks the same rules again. Pages work as plain form posts;
htmx, where present, only swaps the part of the page that changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Max
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from departments.access import (
    department_ids,
    is_secretariat,
    is_supervisor,
    may_report_on,
    sees_everything,
)
from departments.models import Department, DepartmentAlias, Membership
from departments.services import merge_department
from documents.models import Document, DocumentRelation, GazetteIssue
from documents.parser import ParseError, parse_text
from documents.services import (
    GazetteImportError,
    import_document,
    import_issue,
    publish_issue,
)
from documents.sources import extract_text
from tasks import downloads, reports
from tasks import selectors as task_sel
from tasks import services as task_services
from tasks.filters import TaskFilter
from tasks.models import Notification, Task, TaskAssignment

from . import exports, ics
from . import selectors as sel
from .forms import (
    AliasForm,
    AssignmentAddForm,
    AssignmentChangeForm,
    CloseForm,
    ConfirmImportForm,
    DeadlineForm,
    DepartmentForm,
    FeedForm,
    ImportForm,
    MergeForm,
    ProgressForm,
    UrgeForm,
)
from .models import CalendarFeed
from .previews import preview_context

MY_TASKS_PER_PAGE = 50
SUPERVISION_PER_PAGE = 100

# --- helpers ----------------------------------------------------------------------------------


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def role_required(check):
    """Signed in (else the login page), and ``check(user)`` (else 403)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not check(request.user):
                raise PermissionDenied("无权访问此页面")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


secretariat_required = role_required(is_secretariat)
overview_required = role_required(sees_everything)


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def _errors(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [m for msgs in exc.message_dict.values() for m in msgs]
    return list(exc.messages)


def _scoped_task(request: HttpRequest, pk: int) -> Task:
    return get_object_or_404(task_sel.tasks_for(request.user), pk=pk)


# --- landing ----------------------------------------------------------------------------------


@login_required
@require_safe
def landing(request: HttpRequest) -> HttpResponse:
    """After login: the secretariat to the import, supervisors to the overview, staff to
    their tasks."""
    if is_secretariat(request.user):
        return redirect("staff:import")
    if is_supervisor(request.user):
        return redirect("staff:supervision")
    return redirect("staff:tasks")


# --- my tasks ---------------------------------------------------------------------------------


@dataclass
class TaskList:
    form: object
    counts: dict
    rows: list
    page: object
    today: object
    state: str | None  # the state filter in force (None: none named), for the export links
    listed: int  # how many tasks the list holds (all its pages)


def _task_list(
    request: HttpRequest, *, per_page: int | None = None, state: str = "", last=False
) -> TaskList:
    """The task list the filters select, within the user's scope (tasks.filters.TaskFilter,
    the same filters as GET /api/tasks/): its counts in one query, and the rows of one page
    (every row when ``per_page`` is None, as the exports want). ``state`` is the filter's
    state when the request names none (?state= is 全部)."""
    data = request.GET.copy()
    if state and "state" not in data:
        data["state"] = state
    scope = task_sel.tasks_for(request.user)
    filters = TaskFilter(data, queryset=scope, request=request)
    today, calendar = sel.today_and_calendar()
    # The counts are of the list without its state filter: the chips count each state's list
    # (and so the chosen state's count is this list's length).
    unstated = data.copy()
    unstated.pop("state", None)
    counts = task_sel.task_counts(
        TaskFilter(unstated, queryset=scope, request=request).qs, today, calendar
    )
    chosen = filters.form.cleaned_data.get("state") if filters.is_valid() else ""
    qs = filters.qs
    if last:
        qs = qs.annotate(last_report_at=Max("progress_reports__created_at"))
    qs = task_sel.ordered(qs)
    page = None
    if per_page:
        paginator = Paginator(qs, per_page)
        paginator.count = counts[chosen or "total"]  # the list's length, counted above
        page = paginator.get_page(request.GET.get("page"))
        qs = page.object_list
    mine = frozenset() if sees_everything(request.user) else department_ids(request.user)
    rows = task_sel.task_rows(qs, today, calendar, mine)
    listed = counts[chosen or "total"]
    return TaskList(filters.form, counts, rows, page, today, data.get("state"), listed)


def _card_context() -> dict:
    """What every task card of a list shares, worked out once for the page."""
    return {
        "task_url": reverse("staff:task", args=[0]).removesuffix("0/"),
        "labels": {"next_due": _("下次截止"), "no_date": _("无截止日期"), "draft": _("草稿")},
    }


@login_required
@require_safe
def my_tasks(request: HttpRequest) -> HttpResponse:
    # what is still to do, by its next date (the chips and the state filter show the rest)
    tasks = _task_list(request, per_page=MY_TASKS_PER_PAGE, state="open")
    mine = department_ids(request.user)
    return render(
        request,
        "staff/my_tasks.html",
        {
            "form": tasks.form,
            "groups": sel.group_by_status(tasks.rows, tasks.counts),
            "counts": tasks.counts,
            "page": tasks.page,
            "today": tasks.today,
            "list_state": tasks.state,
            "listed": tasks.listed,
            "departments": Department.objects.filter(pk__in=mine).order_by("name"),
            "multi_dept": len(mine) > 1,
            "sees_everything": sees_everything(request.user),
            **_card_context(),
        },
    )


# --- one task ---------------------------------------------------------------------------------


def _task_page(request: HttpRequest, task: Task, *, progress_form=None, status=200):
    user = request.user
    today, calendar = sel.today_and_calendar()
    reporter = may_report_on(user, task)
    supervisor = is_supervisor(user)
    doc = task.document
    context = {
        "task": task,
        "document": doc,
        "issue": doc.issue,
        "clause": task.clause,
        "assignments": list(task.assignments.all()),
        "facts": sel.deadline_facts(task, today, calendar),
        "badge": task_sel.due_badge(task, today, calendar),
        "reports": list(task.progress_reports.all()),
        "urges": list(task.urges.all()),
        "history": sel.task_history(task),
        "may_report": reporter,
        "is_supervisor": supervisor,
        "is_secretariat": is_secretariat(user),
        "mine": department_ids(user),
        "progress_form": progress_form
        or (ProgressForm(initial={"version": task.version}) if reporter else None),
        "urge_form": UrgeForm(task=task) if supervisor else None,
        "close_form": CloseForm(initial={"version": task.version}) if supervisor else None,
        "public_url": (
            reverse("document", args=[doc.slug])
            + (f"#{task.clause.anchor}" if task.clause_id else "")
            if doc.issue.is_published
            else ""
        ),
    }
    return render(request, "staff/task_detail.html", context, status=status)


@login_required
@require_safe
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_object_or_404(task_sel.task_detail(request.user), pk=pk)
    return _task_page(request, task)


@login_required
@require_POST
def task_report(request: HttpRequest, pk: int) -> HttpResponse:
    """进展报告 / 开始推进 / 办结 (with evidence) / 申请延期 (tasks.services.report_progress)."""
    task = _scoped_task(request, pk)
    if not may_report_on(request.user, task):
        raise PermissionDenied("只有任务承办部门的工作人员可以报告进展")
    form = ProgressForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            task_services.report_progress(
                task,
                request.user,
                text=data["text"],
                kind=data["kind"],
                files=data["files"],
                requested_due=data.get("requested_due"),
                version=data.get("version"),
            )
        except task_services.StaleVersion as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            for message in _errors(exc):
                form.add_error(None, message)
        else:
            labels = {
                "progress": "进展报告已提交",
                "in_progress": "任务已标记为推进中",
                "done": "任务已办结",
                "extension": "延期申请已提交",
            }
            messages.success(request, labels.get(data["kind"], "已提交"))
            return redirect(reverse("staff:task", args=[task.pk]) + "#progress")
    fresh = get_object_or_404(task_sel.task_detail(request.user), pk=pk)
    return _task_page(request, fresh, progress_form=form, status=400)


@login_required
@require_POST
def task_urge(request: HttpRequest, pk: int) -> HttpResponse:
    """催办 through tasks.services.urge: records the urge, notifies the departments' staff."""
    task = _scoped_task(request, pk)
    if not is_supervisor(request.user):
        raise PermissionDenied("只有督查人员可以催办")
    form = UrgeForm(request.POST, task=task)
    note, ok = "", False
    if form.is_valid():
        try:
            urges = task_services.urge(
                task,
                request.user,
                message=form.cleaned_data["message"],
                department=form.cleaned_data["department"],
            )
        except ValidationError as exc:
            note = "；".join(_errors(exc))
        else:
            ok = True
            note = "已催办：" + "、".join(u.department.name for u in urges)
    else:
        note = "催办部门无效"
    if is_htmx(request):
        return render(request, "staff/_urge_result.html", {"ok": ok, "note": note, "task": task})
    (messages.success if ok else messages.error)(request, note)
    return redirect(_safe_next(request, reverse("staff:task", args=[task.pk])))


@login_required
@require_POST
def task_close(request: HttpRequest, pk: int) -> HttpResponse:
    task = _scoped_task(request, pk)
    if not is_supervisor(request.user):
        raise PermissionDenied("只有督查人员可以办结任务")
    form = CloseForm(request.POST)
    form.is_valid()
    try:
        task_services.close_task(
            task,
            request.user,
            note=form.cleaned_data.get("note", ""),
            version=form.cleaned_data.get("version"),
        )
    except task_services.StaleVersion as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "任务已由督查确认办结")
    return redirect("staff:task", pk=task.pk)


@login_required
@require_safe
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    return downloads.attachment_download(request.user, pk)


# --- inbox ------------------------------------------------------------------------------------


@login_required
@require_safe
def inbox(request: HttpRequest) -> HttpResponse:
    notes = Notification.objects.filter(user=request.user).select_related("task__document")
    unread_only = request.GET.get("unread") == "1"
    if unread_only:
        notes = notes.filter(read_at__isnull=True)
    page = Paginator(notes.order_by("-created_at", "-id"), 50).get_page(request.GET.get("page"))
    return render(request, "staff/inbox.html", {"page": page, "unread_only": unread_only})


@login_required
@require_POST
def inbox_read(request: HttpRequest, pk: int) -> HttpResponse:
    note = get_object_or_404(Notification.objects.filter(user=request.user), pk=pk)
    if note.read_at is None:
        note.read_at = timezone.now()
        note.save(update_fields=["read_at"])
    if is_htmx(request):
        return render(request, "staff/_inbox_item.html", {"note": note})
    return redirect(_safe_next(request, reverse("staff:inbox")))


@login_required
@require_POST
def inbox_read_all(request: HttpRequest) -> HttpResponse:
    marked = Notification.objects.filter(user=request.user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    messages.success(request, f"已将{marked}条消息标为已读")
    return redirect("staff:inbox")


# --- calendar feeds ---------------------------------------------------------------------------


@login_required
def calendar_feeds(request: HttpRequest) -> HttpResponse:
    """Create and revoke private .ics feeds of one's departments' deadlines."""
    form = FeedForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        CalendarFeed.objects.create(user=request.user, department=form.cleaned_data["department"])
        messages.success(request, "已生成新的日历订阅地址")
        return redirect("staff:calendar")
    feeds = CalendarFeed.objects.filter(user=request.user).select_related("department")
    return render(
        request,
        "staff/calendar.html",
        {
            "form": form,
            "feeds": [
                (f, request.build_absolute_uri(reverse("staff:ics", args=[f.token]))) for f in feeds
            ],
            "has_departments": bool(department_ids(request.user)),
        },
    )


@login_required
@require_POST
def calendar_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    feed = get_object_or_404(CalendarFeed.objects.filter(user=request.user), pk=pk)
    feed.revoke()
    messages.success(request, f"已撤销“{feed.department.name}”的日历订阅地址")
    return redirect("staff:calendar")


@require_safe
def ics_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The feed itself: no login (calendar apps cannot sign in), the token is the key. A
    revoked token, a deactivated user or one no longer in the department is a 404."""
    feed = (
        CalendarFeed.objects.filter(token=token, revoked_at__isnull=True, user__is_active=True)
        .select_related("department", "user")
        .first()
    )
    if (
        feed is None
        or not Membership.objects.filter(user=feed.user, department=feed.department).exists()
    ):
        raise Http404("日历订阅地址无效或已撤销")
    dept = feed.department
    assignments = (
        task_sel.department_assignments(dept)
        .visible_to(feed.user)
        .open()
        .filter(task__next_due__isnull=False)
        .order_by("task__next_due", "task_id")
    )
    events = []
    for a in assignments:
        t = a.task
        title = t.heading or t.text[:40]
        lines = [
            f"{t.document.number} {t.document.title}".strip(),
            f"{t.path} {t.heading}".strip(),
            t.text,
            f"角色：{a.get_role_display()}",
            f"时限：{t.deadline_text or t.get_deadline_kind_display()}",
        ]
        if t.deadline_provisional:
            lines.append("截止日暂定：" + sel.provisional_note(t.next_due))
        url = request.build_absolute_uri(reverse("staff:task", args=[t.pk]))
        events.append(
            ics.Event(
                uid=f"task-{t.pk}-dept-{dept.pk}@benxi-gazette",
                day=t.next_due,
                summary=f"【{a.get_role_display()}】{title} 截止",
                description="\n".join(x for x in lines if x),
                url=url,
                stamp=t.updated_at,
                sequence=t.version,
                tentative=t.deadline_provisional,
            )
        )
    body = ics.calendar(f"{dept.name}任务截止日期", events, timezone.now())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="benxi-tasks-{dept.pk}.ics"'
    response["Cache-Control"] = "private, no-cache"
    response["X-Robots-Tag"] = "noindex"
    return response


# --- supervision ------------------------------------------------------------------------------


@overview_required
@require_safe
def supervision(request: HttpRequest) -> HttpResponse:
    today, calendar = sel.today_and_calendar()
    return render(
        request,
        "staff/supervision.html",
        {
            "today": today,
            "totals": sel.overview_totals(request.user, today, calendar),
            "by_department": sel.overview_by_department(request.user, today, calendar),
            "by_document": sel.overview_by_document(request.user, today, calendar),
        },
    )


@overview_required
@require_safe
def supervision_tasks(request: HttpRequest) -> HttpResponse:
    tasks = _task_list(request, per_page=SUPERVISION_PER_PAGE)
    return render(
        request,
        "staff/supervision_tasks.html",
        {
            "form": tasks.form,
            "page": tasks.page,
            "rows": tasks.rows,
            "counts": tasks.counts,
            "today": tasks.today,
            "list_state": tasks.state,
            "listed": tasks.listed,
            "is_supervisor": is_supervisor(request.user),
            "heading": _list_heading(tasks.form, request.user),
            **_card_context(),
        },
    )


def _list_heading(form, user) -> str:
    """What the filters select, in words (the title of an export)."""
    data = form.cleaned_data if form.is_valid() else {}
    parts = []
    if data.get("department"):
        dept = Department.objects.filter(pk=data["department"]).first()
        parts.append(dept.name if dept else "")
    if data.get("document"):
        doc = (
            Document.objects.visible_to(user)
            .filter(pk=data["document"])
            .only("number", "title")
            .first()
        )
        parts.append((doc.number or doc.title[:20]) if doc else "")
    for name in ("state", "status"):
        if data.get(name):
            parts.append(str(dict(form.fields[name].choices)[data[name]]))
    return " · ".join(p for p in parts if p) or "全部任务"


# --- exports ----------------------------------------------------------------------------------


@login_required
@require_safe
def task_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The list the filters select (within one's scope) as CSV, XLSX or a PDF report."""
    tasks = _task_list(request, last=True)
    form, rows, today = tasks.form, tasks.rows, tasks.today
    stamp = today.strftime("%Y%m%d")
    heading = _list_heading(form, request.user)
    if fmt == "pdf":
        data = form.cleaned_data if form.is_valid() else {}
        only_department = data.get("department") and not any(
            data.get(k) for k in form.fields if k != "department"
        )
        title = f"{heading}任务督办报告" if only_department else f"任务督办报告：{heading}"
        pdf = reports.render_task_report(title, today, rows, tasks.counts)
        return exports.pdf_response(f"任务督办报告-{heading}-{stamp}.pdf", pdf)

    def url_for(task):
        return request.build_absolute_uri(reverse("staff:task", args=[task.pk]))

    table = exports.task_table(rows, url_for)
    name = f"任务清单-{heading}-{stamp}"
    if fmt == "csv":
        return exports.csv_response(f"{name}.csv", [c for c, _ in exports.TASK_COLUMNS], table)
    return exports.xlsx_response(f"{name}.xlsx", "任务清单", exports.TASK_COLUMNS, table)


OVERVIEW_COLUMNS = [("未办结", 8), ("即将到期", 8), ("已逾期", 8), ("已完成", 8), ("合计", 8)]


@overview_required
@require_safe
def supervision_export(request: HttpRequest, by: str, fmt: str) -> HttpResponse:
    today, calendar = sel.today_and_calendar()
    if by == "department":
        columns = [("部门", 28), *OVERVIEW_COLUMNS]
        table = [
            [r["department__name"], r["open"], r["soon"], r["overdue"], r["done"], r["total"]]
            for r in sel.overview_by_department(request.user, today, calendar)
        ]
        title = "按部门"
    else:
        columns = [("期次", 10), ("文号", 24), ("文件标题", 50), *OVERVIEW_COLUMNS]
        table = [
            [
                f"{r['document__issue__year']}-{r['document__issue__number']}",
                r["document__number"],
                r["document__title"],
                r["open"],
                r["soon"],
                r["overdue"],
                r["done"],
                r["total"],
            ]
            for r in sel.overview_by_document(request.user, today, calendar)
        ]
        title = "按文件"
    name = f"督查总览-{title}-{today:%Y%m%d}"
    if fmt == "csv":
        return exports.csv_response(f"{name}.csv", [c for c, _ in columns], table)
    return exports.xlsx_response(f"{name}.xlsx", f"督查总览{title}", columns, table)


# --- import → review → publish ----------------------------------------------------------------


def _import_page(request, form, status=200):
    issues = GazetteIssue.objects.defer("source_text").order_by("status", "-year", "-number")[:20]
    return render(request, "staff/import.html", {"form": form, "issues": issues}, status=status)


@secretariat_required
def import_start(request: HttpRequest) -> HttpResponse:
    """Upload or paste a gazette issue; POST shows the preview (nothing is written)."""
    if request.method != "POST":
        return _import_page(request, ImportForm())
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _import_page(request, form, status=400)
    upload = form.cleaned_data.get("file")
    from django.conf import settings

    limit = settings.GAZETTE_IMPORT_MAX_BYTES
    try:
        if upload:
            if upload.size > limit:
                raise ParseError(f"文件过大（{upload.size} 字节，上限 {limit} 字节）")
            text = extract_text(upload.read(), upload.name, max_bytes=limit)
            source = upload.name
        else:
            text = form.cleaned_data["text"]
            source = "粘贴文本"
        parsed = parse_text(text)
        issue_key = "" if parsed.is_issue else form.cleaned_data["issue"].strip()
        if not parsed.is_issue and not issue_key:
            raise ParseError("这是单个文件（没有公报期次标题）：请填写它要加入的期次，如 2018-6")
        report = _run_import(
            text, source, form.cleaned_data["replace"], issue_key, request.user, dry_run=True
        )
    except (GazetteImportError, ParseError) as exc:
        form.add_error(None, str(exc))
        return _import_page(request, form, status=400)
    confirm = ConfirmImportForm(
        initial={
            "text": text,
            "source_name": source,
            "replace": form.cleaned_data["replace"],
            "issue": issue_key,
        }
    )
    return render(
        request,
        "staff/import_preview.html",
        {**preview_context(parsed), "report": report, "confirm": confirm, "source": source},
    )


def _run_import(text, source, replace, issue_key, user, *, dry_run=False):
    """An issue imports as itself; a lone document (no issue header) joins the issue named."""
    if issue_key:
        return import_document(
            text, issue_key, source_name=source, replace=replace, dry_run=dry_run, user=user
        )
    return import_issue(text, source_name=source, replace=replace, dry_run=dry_run, user=user)


@secretariat_required
@require_POST
def import_confirm(request: HttpRequest) -> HttpResponse:
    """Import the previewed text for real, as a draft; then review it."""
    form = ConfirmImportForm(request.POST)
    if not form.is_valid():
        messages.error(request, "导入内容缺失，请重新上传")
        return redirect("staff:import")
    try:
        report = _run_import(
            form.cleaned_data["text"],
            form.cleaned_data["source_name"] or "网页导入",
            form.cleaned_data["replace"],
            form.cleaned_data["issue"].strip(),
            request.user,
        )
    except (GazetteImportError, ParseError) as exc:
        messages.error(request, str(exc))
        return redirect("staff:import")
    year, number = (int(x) for x in report.issue.split("-"))
    issue = GazetteIssue.objects.get(year=year, number=number)
    messages.success(request, "；".join(report.summary_lines()[:3]))
    return redirect("staff:review", pk=issue.pk)


def _department_choices() -> str:
    """The <option>s of every active department, rendered once for all the page's forms."""
    choices = Department.objects.filter(active=True).order_by("kind", "name")
    return format_html_join("", '<option value="{}">{}</option>', choices.values_list("id", "name"))


def _review_context(issue: GazetteIssue, document_id: int | None) -> dict:
    """The review page shows one document's tasks at a time (a page per document keeps each
    page small: every task carries its own forms)."""
    today, calendar = sel.today_and_calendar()
    documents = list(
        issue.documents.defer("body", "attachments", "warnings", "unplaced")
        .annotate(task_count=Count("tasks"))
        .order_by("order")
    )
    current = next((d for d in documents if d.pk == document_id), None) or next(
        (d for d in documents if d.task_count), documents[0] if documents else None
    )
    tasks = list(sel.review_tasks(issue).filter(document=current)) if current else []
    choices = _department_choices()
    items = [_review_item(task, today, calendar, choices=choices) for task in tasks]
    depts = list(sel.departments_to_review())
    return {
        "issue": issue,
        "documents": documents,
        "current": current,
        "items": items,
        "task_total": sum(d.task_count for d in documents),
        "review_departments": [(d, MergeForm(source=d)) for d in depts],
        "document_count": len(documents),
        # 废止 / 修改 the current document states (staff/validity_views.py decides them)
        "relations": list(current.relations_out.select_related("target")) if current else [],
        "relation_kinds": DocumentRelation.Kind.choices,
    }


def _review_item(
    task: Task, today, calendar, note: str = "", ok: bool = True, forms=None, choices=None
):
    forms = forms or {}
    return {
        "task": task,
        "badge": task_sel.due_badge(task, today, calendar),
        "rule": sel.deadline_rule(task),
        "assignments": list(task.assignments.all()),
        "department_choices": choices if choices is not None else _department_choices(),
        "add_errors": forms.get("add").errors if forms.get("add") else None,
        "deadline_form": forms.get("deadline") or DeadlineForm.for_task(task),
        # after a deadline change the form stays open: its errors, and the focus htmx keeps
        "deadline_open": "deadline" in forms,
        "role_choices": TaskAssignment.Role.choices,
        "note": note,
        "ok": ok,
    }


@secretariat_required
@require_safe
def review(request: HttpRequest, pk: int) -> HttpResponse:
    issue = get_object_or_404(GazetteIssue.objects.defer("source_text"), pk=pk)
    try:
        document_id = int(request.GET.get("document", ""))
    except ValueError:
        document_id = None
    return render(request, "staff/review.html", _review_context(issue, document_id))


def _review_answer(request, task: Task, note: str, ok: bool, forms=None) -> HttpResponse:
    """After a correction: the task's block (htmx), or back to the review page."""
    if is_htmx(request):
        today, calendar = sel.today_and_calendar()
        fresh = sel.review_tasks(task.document.issue).get(pk=task.pk)
        item = _review_item(fresh, today, calendar, note, ok, forms)
        return render(request, "staff/_review_task.html", {"item": item})
    (messages.success if ok else messages.error)(request, note)
    url = reverse("staff:review", args=[task.document.issue_id])
    return redirect(f"{url}?document={task.document_id}#task-{task.pk}")


def _review_task(request, pk: int) -> Task:
    return get_object_or_404(Task.objects.select_related("document__issue"), pk=pk)


@secretariat_required
@require_POST
def review_assign(request: HttpRequest, pk: int) -> HttpResponse:
    task = _review_task(request, pk)
    form = AssignmentAddForm(request.POST, prefix=f"a{task.pk}")
    if not form.is_valid():
        return _review_answer(request, task, "请选择部门和角色", False, {"add": form})
    dept, role = form.cleaned_data["department"], form.cleaned_data["role"]
    task_services.assign_department(task, dept, role, request.user)
    label = dict(TaskAssignment.Role.choices)[role]
    return _review_answer(request, task, f"已将{dept.name}设为{label}", True)


@secretariat_required
@require_POST
def review_assignment(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = get_object_or_404(TaskAssignment.objects.select_related("department"), pk=pk)
    task = _review_task(request, assignment.task_id)
    form = AssignmentChangeForm(request.POST)
    if not form.is_valid():
        return _review_answer(request, task, "操作无效", False)
    try:
        if form.cleaned_data["action"] == "remove":
            task_services.remove_assignment(assignment, request.user)
            note = f"已移除{assignment.department.name}"
        else:
            role = form.cleaned_data["role"] or assignment.role
            task_services.change_assignment_role(assignment, role, request.user)
            note = f"{assignment.department.name}：{assignment.get_role_display()}"
    except ValidationError as exc:
        return _review_answer(request, task, "；".join(_errors(exc)), False)
    return _review_answer(request, task, note, True)


@secretariat_required
@require_POST
def review_deadline(request: HttpRequest, pk: int) -> HttpResponse:
    task = _review_task(request, pk)
    form = DeadlineForm(request.POST, prefix=f"t{task.pk}")
    if not form.is_valid():
        return _review_answer(request, task, "时限填写有误", False, {"deadline": form})
    try:
        fresh = task_services.set_task_deadline(task, request.user, **form.cleaned_data)
    except ValidationError as exc:
        return _review_answer(request, task, "；".join(_errors(exc)), False, {"deadline": form})
    due = fresh.next_due.isoformat() if fresh.next_due else "无"
    return _review_answer(request, fresh, f"时限已更新，下次截止：{due}", True, {"deadline": None})


@secretariat_required
@require_POST
def review_publish(request: HttpRequest, pk: int) -> HttpResponse:
    issue = get_object_or_404(GazetteIssue, pk=pk)
    if issue.is_published:
        messages.info(request, f"{issue.title} 已发布")
    else:
        publish_issue(issue)
        messages.success(request, f"{issue.title} 已发布，公众可见；PDF 将在后台生成")
    return redirect("staff:review", pk=issue.pk)


# --- department registry ----------------------------------------------------------------------


@secretariat_required
def departments(request: HttpRequest) -> HttpResponse:
    form = DepartmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        dept = form.save()
        messages.success(request, f"已添加部门“{dept.name}”")
        return redirect("staff:departments")
    qs = Department.objects.prefetch_related("aliases").order_by("-needs_review", "kind", "name")
    q = (request.GET.get("q") or "").strip()
    if q:
        qs = qs.filter(name__icontains=q) | qs.filter(aliases__name__icontains=q)
        qs = qs.distinct()
    if request.GET.get("review") == "1":
        qs = qs.filter(needs_review=True)
    return render(
        request,
        "staff/departments.html",
        {"form": form, "departments": qs, "q": q, "review_only": request.GET.get("review") == "1"},
        status=400 if form.errors else 200,
    )


@secretariat_required
def department_edit(request: HttpRequest, pk: int) -> HttpResponse:
    dept = get_object_or_404(Department.objects.prefetch_related("aliases"), pk=pk)
    form = DepartmentForm(request.POST or None, instance=dept)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"已保存“{dept.name}”")
        return redirect("staff:department", pk=dept.pk)
    return render(
        request,
        "staff/department_edit.html",
        {
            "department": dept,
            "form": form,
            "alias_form": AliasForm(),
            "merge_form": MergeForm(source=dept),
            "task_count": dept.assignments.count(),
            "member_count": dept.memberships.count(),
        },
        status=400 if form.errors else 200,
    )


@secretariat_required
@require_POST
def department_alias(request: HttpRequest, pk: int) -> HttpResponse:
    dept = get_object_or_404(Department, pk=pk)
    form = AliasForm(request.POST)
    if form.is_valid():
        DepartmentAlias.objects.create(department=dept, name=form.cleaned_data["name"])
        messages.success(request, f"已添加别名“{form.cleaned_data['name']}”")
    else:
        messages.error(request, "；".join(form.errors.get("name", ["别名无效"])))
    return redirect("staff:department", pk=dept.pk)


@secretariat_required
@require_POST
def department_alias_delete(request: HttpRequest, pk: int) -> HttpResponse:
    alias = get_object_or_404(DepartmentAlias, pk=pk)
    alias.delete()
    messages.success(request, f"已删除别名“{alias.name}”")
    return redirect("staff:department", pk=alias.department_id)


@secretariat_required
@require_POST
def department_merge(request: HttpRequest, pk: int) -> HttpResponse:
    """Fold a department (typically a new name found by an import) into an existing one: its
    name becomes an alias there (departments.services.merge_department)."""
    source = get_object_or_404(Department, pk=pk)
    form = MergeForm(request.POST, source=source)
    fallback = reverse("staff:departments")
    if not form.is_valid():
        messages.error(request, "请选择要并入的已有部门")
        return redirect(_safe_next(request, fallback))
    target = form.cleaned_data["target"]
    name = source.name
    try:
        merge_department(source, target)
    except ValueError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已将“{name}”并入“{target.name}”，并登记为其别名")
    return redirect(_safe_next(request, fallback))
