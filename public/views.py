"""The public site's pages: archive, issues, the document reader, the disclosure catalogue,
departments and search. No login; only published material is shown (drafts are 404)."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_safe

from core.dates import today as current_day
from departments.models import Department
from disclosure import selectors as catalogue_selectors
from disclosure.serializers import rule_in_words
from documents import pdf as issue_pdfs
from documents import selectors as doc_selectors
from documents import validity as doc_validity
from documents.models import Clause, GazetteIssue, Validity
from search import analyzer
from search import query as search_query
from workdays.calendars import current_calendar, provisional_note

logger = logging.getLogger(__name__)

# --- home, archive, issue --------------------------------------------------------------------


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    issues = list(doc_selectors.published_issues()[:6])
    latest = doc_selectors.public_issue(issues[0].year, issues[0].number) if issues else None
    return render(
        request,
        "home.html",
        {"latest": latest, "issues": issues[1:], "recent": doc_selectors.recent_documents(8)},
    )


@require_safe
def archive(request: HttpRequest) -> HttpResponse:
    return render(request, "public/archive.html", {"years": doc_selectors.issues_by_year()})


def toc_sections(issue: GazetteIssue) -> list[tuple[str, list]]:
    """The issue's contents as printed (section, entries), each entry with its document."""
    docs = list(issue.documents.all())
    by_number = {d.number: d for d in docs if d.number}
    by_title = {d.title: d for d in docs}
    sections: list[tuple[str, list]] = []
    seen = set()
    for entry in issue.toc or []:
        doc = by_number.get(entry.get("number") or "") or by_title.get(entry.get("title") or "")
        if doc is not None:
            seen.add(doc.pk)
        section = entry.get("section") or ""
        if not sections or sections[-1][0] != section:
            sections.append((section, []))
        sections[-1][1].append(
            {"title": entry.get("title"), "number": entry.get("number"), "document": doc}
        )
    rest = [{"title": d.title, "number": d.number, "document": d} for d in docs if d.pk not in seen]
    if rest:
        sections.append(("", rest))
    return sections


def _issue_or_404(year: int, number: int) -> GazetteIssue:
    issue = doc_selectors.public_issue(year, number)
    if issue is None:
        raise Http404("没有这一期公报")
    return issue


@require_safe
def issue_detail(request: HttpRequest, year: int, number: int) -> HttpResponse:
    issue = _issue_or_404(year, number)
    return render(request, "public/issue.html", {"issue": issue, "sections": toc_sections(issue)})


@require_safe
def issue_pdf(request: HttpRequest, year: int, number: int) -> HttpResponse:
    """The issue as PDF: the stored file while it is current, else rendered now and stored;
    404 when it cannot be made (the failure is logged for the secretariat)."""
    issue = get_object_or_404(GazetteIssue.objects.published(), year=year, number=number)
    try:
        issue, _rendered = issue_pdfs.ensure_issue_pdf(issue)
        stored = issue.pdf.open("rb")
    except Exception:  # WeasyPrint, fonts or storage: the page must not 500
        logger.exception("PDF of %s could not be made", issue)
        raise Http404("PDF 暂不可用") from None
    filename = f"benxi-gazette-{issue.year}-{issue.number:02d}.pdf"
    return FileResponse(stored, content_type="application/pdf", filename=filename)


# --- the document reader ---------------------------------------------------------------------

PART_LABEL_SUFFIX = {Clause.Kind.PART: "、", Clause.Kind.ITEM: "."}
HEADING_KINDS = {Clause.Kind.CHAPTER, Clause.Kind.PART}


def render_text(
    text: str, query: analyzer.Query | None = None, links: dict[str, str] | None = None
) -> SafeString:
    """Escaped text with cited numbers linked and the search terms marked."""
    spans = analyzer.match_spans(text, query) if query else []
    link_spans = []
    if links:
        pattern = "|".join(re.escape(n) for n in sorted(links, key=len, reverse=True))
        link_spans = [(m.start(), m.end(), links[m.group()]) for m in re.finditer(pattern, text)]
    out, at = [], 0
    for a, b, href in link_spans:
        out.append(analyzer.marked(text, spans, at, a))
        out.append(f'<a href="{escape(href)}">{analyzer.marked(text, spans, a, b)}</a>')
        at = b
    out.append(analyzer.marked(text, spans, at, len(text)))
    return mark_safe("".join(out))  # safe: every piece is escaped


@dataclass
class Block:
    """One clause as laid out: its anchor, label, heading, text and the tasks it assigns."""

    clause: Clause
    label: str
    heading: SafeString | str
    text: SafeString | str
    level: str
    tasks: list = field(default_factory=list)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def split_letter(document, clauses: list[Clause]) -> tuple[list[Clause], list[Clause]]:
    """The covering letter's clauses and the enclosed plan's. The body holds the letter and
    the plan separated by a blank line when the document encloses one."""
    letter, _sep, enclosed = (document.body or "").partition("\n\n")
    if not document.enclosure_title or not enclosed.strip():
        return clauses, []
    remaining = _squash(letter)
    n = 0
    for clause in clauses:
        piece = _squash(clause.text)
        if clause.kind != Clause.Kind.PARAGRAPH or not piece or not remaining.startswith(piece):
            break
        remaining = remaining[len(piece) :]
        n += 1
    return clauses[:n], clauses[n:]


def _task_view(task, cal) -> dict:
    roles: dict[str, list] = {}
    for a in task.assignments.all():
        roles.setdefault(a.get_role_display(), []).append(a.department)
    return {
        "task": task,
        "roles": list(roles.items()),
        "note": provisional_note(task.next_due, calendar=cal) if task.next_due else "",
    }


def _blocks(clauses, tasks_by_clause, query, links, cal) -> list[Block]:
    blocks = []
    for c in clauses:
        label = c.label + PART_LABEL_SUFFIX.get(c.kind, "") if c.label else ""
        heading = render_text(c.heading, query, links) if c.heading else ""
        if c.heading and c.text and not re.search(r"[。：:！？]$", c.heading):
            heading = mark_safe(heading + "。")  # safe: render_text escaped it
        blocks.append(
            Block(
                c,
                label,
                heading,
                render_text(c.text, query, links) if c.text else "",
                "heading"
                if c.kind in HEADING_KINDS
                or (c.heading and not c.text and c.kind != Clause.Kind.PARAGRAPH)
                else c.kind,
                [_task_view(t, cal) for t in tasks_by_clause.get(c.pk, [])],
            )
        )
    return blocks


@require_safe
def document_detail(request: HttpRequest, slug: str) -> HttpResponse:
    document = doc_selectors.public_document(slug)
    if document is None:
        raise Http404("没有这份文件")
    query = analyzer.parse_query(request.GET.get("q"))
    clauses = list(document.clauses.all())
    tasks = list(document.tasks.all())
    tasks_by_clause: dict[int, list] = {}
    loose = []
    for t in tasks:
        (tasks_by_clause.setdefault(t.clause_id, []) if t.clause_id else loose).append(t)
    citations = list(document.citations.all())
    linked = {
        c.number: c.cited_document
        for c in citations
        if c.cited_document is not None
        and c.cited_document.issue.is_published
        and c.cited_document.pk != document.pk
    }
    links = {n: reverse("document", args=[d.slug]) for n, d in linked.items()}
    cal = current_calendar()
    letter, enclosed = split_letter(document, clauses)
    items = list(document.catalogue_items.all())
    attachments = [
        {
            "index": i,
            "label": a.get("label") or "附件",
            "title": a.get("title") or "",
            "text": render_text(a.get("text") or "", query, links),
            "catalogue": bool(items) and "目录" in (a.get("title") or ""),
        }
        for i, a in enumerate(document.attachments or [], start=1)
    ]
    outline = [c for c in clauses if c.kind != Clause.Kind.PARAGRAPH and (c.heading or c.label)]
    return render(
        request,
        "public/document.html",
        {
            "document": document,
            "issue": document.issue,
            "query": query,
            "title_html": render_text(document.title, query),
            "letter": _blocks(letter, tasks_by_clause, query, links, cal),
            "enclosed": _blocks(enclosed, tasks_by_clause, query, links, cal),
            "loose_tasks": [_task_view(t, cal) for t in loose],
            "task_count": len(tasks),
            "outline": outline,
            "attachments": attachments,
            "catalogue_items": items,
            "citations_linked": [(c, linked[c.number]) for c in citations if c.number in linked],
            "citations_unlinked": [c for c in citations if c.number not in linked],
            **_validity_context(document),
        },
    )


def _validity_context(document) -> dict:
    """The document's status today and what repeals or amends it, and what it repeals or
    amends (confirmed relations; published documents linked both ways)."""
    status = document.validity_on(current_day())
    by, of = doc_validity.relations_of(document)
    return {
        "validity": {"status": status, "label": Validity(status).label},
        "changed_by": by,
        "changes": of,
    }


# --- the catalogue ---------------------------------------------------------------------------


def catalogue_filters(request: HttpRequest) -> tuple[str, str, int | None]:
    """The catalogue's filters as the cards, the table and the downloads read them."""
    area = request.GET.get("area", "").strip()[:200]
    owner = request.GET.get("owner", "").strip()[:300]
    return area, owner, _int(request.GET.get("document"))


@require_safe
def catalogue(request: HttpRequest) -> HttpResponse:
    everything = catalogue_selectors.public_catalogue()
    area, owner, document = catalogue_filters(request)
    items = catalogue_selectors.filtered_catalogue(area=area, owner=owner, document=document)
    page = Paginator(items, 100).get_page(request.GET.get("page"))
    compliance = catalogue_selectors.compliance_by_item([i.pk for i in page.object_list])
    rows = []
    for i in page.object_list:
        figure = compliance.get(i.pk)
        rows.append(
            {
                "item": i,
                "owner": catalogue_selectors.owner_name(i),
                "rule": rule_in_words(i),
                "compliance": figure if figure and (figure.published or figure.pending) else None,
            }
        )
    filtered = bool(area or owner or document)
    params = urlencode({k: v for k, v in (("area", area), ("owner", owner),
                                          ("document", document)) if v})  # fmt: skip
    return render(
        request,
        "public/catalogue.html",
        {
            "rows": rows,
            "page": page,
            "extra": params,
            "areas": catalogue_selectors.public_areas(),
            "owners": catalogue_selectors.public_owners(),
            "area": area,
            "owner": owner,
            "total": everything.count() if filtered else page.paginator.count,
            "count": page.paginator.count,
            "filtered": filtered,
        },
    )


# --- departments -----------------------------------------------------------------------------


@require_safe
def department_list(request: HttpRequest) -> HttpResponse:
    groups: dict[str, list] = {}
    for d in doc_selectors.public_departments():
        groups.setdefault(d.get_kind_display(), []).append(d)
    return render(request, "public/departments.html", {"groups": list(groups.items())})


@require_safe
def department_detail(request: HttpRequest, pk: int) -> HttpResponse:
    department = get_object_or_404(Department, pk=pk, active=True)
    page = Paginator(doc_selectors.department_tasks(department), 50).get_page(
        request.GET.get("page")
    )
    cal = current_calendar()
    documents: list[tuple] = []
    for assignment in page.object_list:
        doc = assignment.task.document
        if not documents or documents[-1][0].pk != doc.pk:
            documents.append((doc, []))
        view = _task_view(assignment.task, cal)
        view["role"] = assignment.get_role_display()
        documents[-1][1].append(view)
    items = [
        {"item": i, "rule": rule_in_words(i)}
        for i in catalogue_selectors.public_catalogue().filter(owner_department=department)
    ]
    if not documents and not items and page.number == 1:
        raise Http404("该部门在已发布文件中没有职责")
    return render(
        request,
        "public/department.html",
        {"department": department, "page": page, "documents": documents, "items": items},
    )


# --- search ----------------------------------------------------------------------------------

KIND_LABELS = {"document": "文件", "task": "任务", "catalogue": "公开目录"}


def _int(value, lo=1, hi=None) -> int | None:
    try:
        n = int(value)
    except (TypeError, ValueError):
        return None
    if n < lo or (hi is not None and n > hi):
        return None
    return n


@require_safe
def search_page(request: HttpRequest) -> HttpResponse:
    raw = request.GET.get("q", "")
    query = analyzer.parse_query(raw)
    kind = request.GET.get("kind", "")
    kind = kind if kind in search_query.KINDS else ""
    chosen = {
        "year": _int(request.GET.get("year"), 1900, 2100),
        "issuer": request.GET.get("issuer", "").strip()[:200],
        "department": _int(request.GET.get("department")),
        "status": request.GET.get("status", "")
        if request.GET.get("status") in Validity.values
        else "",
    }
    page = _int(request.GET.get("page"), 1, 1000) or 1
    sections = {}
    if query:
        found = search_query.search(
            query, doc_selectors.search_filters(**chosen), kind=kind, page=page
        )
        sections = doc_selectors.load_search_objects(found)
    shown = [(k, KIND_LABELS[k], s) for k, s in sections.items() if not kind or k == kind]
    counts = [(k, KIND_LABELS[k], s.count) for k, s in sections.items()]
    params = {"q": query.text}
    params.update({k: v for k, v in chosen.items() if v})
    return render(
        request,
        "public/search.html",
        {
            "raw": raw,
            "query": query,
            "kind": kind,
            "filters": chosen,
            "sections": shown,
            "counts": counts,
            "total": sum(n for _k, _label, n in counts),
            "cap": search_query.COUNT_CAP,
            "years": doc_selectors.public_years(),
            "issuers": doc_selectors.public_issuers(),
            "departments": filter_departments(),
            "statuses": Validity.choices,
            "base_qs": urlencode(params),
        },
    )


def filter_departments() -> list:
    """The departments offered as a search filter (cached: the list changes on publish)."""
    key = "public:filter-departments"
    found = cache.get(key)
    if found is None:
        found = [(d.pk, d.name) for d in doc_selectors.public_departments()]
        cache.set(key, found, 300)
    return [Department(pk=pk, name=name) for pk, name in found]
