"""Read queries on gazette content shared by the API and the pages (no query per row)."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet

from core.dates import today as current_day
from core.jsonrows import json_rows
from search.query import KINDS, Section
from search.query import Filters as SearchFilters
from tasks.models import Task, TaskAssignment

from .models import (
    DOCUMENT_HEAVY,
    ISSUE_HEAVY,
    Citation,
    Clause,
    Document,
    DocumentRelation,
    GazetteIssue,
    light,
    status_q,
)


def visible_issues(user) -> QuerySet[GazetteIssue]:
    return GazetteIssue.objects.visible_to(user)


def visible_documents(user) -> QuerySet[Document]:
    return Document.objects.visible_to(user).select_related("issue")


def issue_list(user) -> QuerySet[GazetteIssue]:
    return (
        visible_issues(user)
        .annotate(document_count=Count("documents"))
        .order_by("-year", "-number")
    )


def issue_detail(user) -> QuerySet[GazetteIssue]:
    return (
        visible_issues(user)
        .annotate(document_count=Count("documents"))
        .prefetch_related(
            Prefetch(
                "documents",
                queryset=Document.objects.order_by("order").annotate(task_count=Count("tasks")),
            )
        )
    )


def document_list(user) -> QuerySet[Document]:
    return (
        visible_documents(user)
        .annotate(task_count=Count("tasks"))
        .order_by("-issue__year", "-issue__number", "order")
    )


def tasks_with_departments() -> QuerySet[Task]:
    return Task.objects.order_by("order").prefetch_related(
        Prefetch(
            "assignments",
            queryset=TaskAssignment.objects.select_related("department").order_by("order"),
        )
    )


# --- a document's parts as values (the API's detail reads no model instances for them) -------


def task_values(document: Document) -> QuerySet:
    """The document's tasks in order, each with its departments (one query)."""
    from tasks.selectors import DEADLINE_VALUES, assignments_json

    return (
        Task.objects.filter(document=document)
        .order_by("order")
        .values("id", "path", "heading", "text", *DEADLINE_VALUES, departments=assignments_json())
    )


def document_with_parts(user) -> QuerySet[Document]:
    """Documents the user may read, each with its outline and its citations as JSON in its
    own row (``outline_json``, ``citations_json``; core.jsonrows). A citation links the cited
    document only where the user may read it: a draft's title never shows through a
    published document."""
    visible = Document.objects.visible_to(user).filter(pk=OuterRef("cited_document_id"))
    confirmed = DocumentRelation.objects.filter(state=DocumentRelation.State.CONFIRMED)
    visible_source = Document.objects.visible_to(user).filter(pk=OuterRef("source_id"))
    visible_target = Document.objects.visible_to(user).filter(pk=OuterRef("target_id"))
    return (
        visible_documents(user)
        .with_validity(current_day())
        .annotate(
            # 废止 / 修改, both ways (documents.validity.relations_of says the same with objects)
            changed_by_json=json_rows(
                confirmed.filter(Exists(visible_source), target=OuterRef("pk")),
                "target",
                id=F("id"),
                kind=F("kind"),
                number=F("source__number"),
                title=F("source__title"),
                doc_id=F("source_id"),
                doc_slug=F("source__slug"),
                cited_text=F("cited_text"),
            ),
            changes_json=json_rows(
                confirmed.filter(source=OuterRef("pk")),
                "source",
                id=F("id"),
                kind=F("kind"),
                number=F("target_number"),
                title=F("target_title"),
                linked=Exists(visible_target),
                doc_id=F("target_id"),
                doc_slug=F("target__slug"),
                doc_title=F("target__title"),
                cited_text=F("cited_text"),
            ),
            outline_json=json_rows(
                Clause.objects.filter(document=OuterRef("pk")),
                "document",
                id=F("id"),
                parent=F("parent_id"),
                kind=F("kind"),
                label=F("label"),
                heading=F("heading"),
                text=F("text"),
                path=F("path"),
                order=F("order"),
            ),
            citations_json=json_rows(
                Citation.objects.filter(document=OuterRef("pk")),
                "document",
                id=F("id"),
                number=F("number"),
                title=F("title"),
                linked=Exists(visible),
                cited_id=F("cited_document_id"),
                cited_slug=F("cited_document__slug"),
                cited_title=F("cited_document__title"),
            ),
        )
    )


# --- The public site: published content only, for anyone -------------------------------------


def published_issues() -> QuerySet[GazetteIssue]:
    """Published issues, newest first, with their document counts (no imported text)."""
    return (
        GazetteIssue.objects.published()
        .defer(*ISSUE_HEAVY)
        .annotate(document_count=Count("documents"))
        .order_by("-year", "-number")
    )


def issues_by_year() -> list[tuple[int, list[GazetteIssue]]]:
    """The archive: (year, that year's published issues), newest year first."""
    years: dict[int, list[GazetteIssue]] = {}
    for issue in published_issues():
        years.setdefault(issue.year, []).append(issue)
    return list(years.items())


def public_issue(year: int, number: int) -> GazetteIssue | None:
    """A published issue with its documents in order (light) and their task counts."""
    return (
        GazetteIssue.objects.published()
        .filter(year=year, number=number)
        .defer(*ISSUE_HEAVY)
        .prefetch_related(
            Prefetch(
                "documents",
                queryset=Document.objects.defer(*DOCUMENT_HEAVY)
                .annotate(task_count=Count("tasks"))
                .with_validity(current_day())
                .order_by("order"),
            )
        )
        .first()
    )


def public_documents() -> QuerySet[Document]:
    """Documents of published issues, without their large columns."""
    return (
        Document.objects.published()
        .select_related("issue")
        .defer(*light())
        .order_by("-issue__year", "-issue__number", "order")
    )


def recent_documents(limit: int = 10) -> list[Document]:
    return list(public_documents()[:limit])


def public_document(slug: str) -> Document | None:
    """A published document with everything its page shows: the outline, the tasks with their
    departments, the citations (linked only to documents that are themselves public) and the
    catalogue items it lays down."""
    from disclosure.models import DisclosureItem

    return (
        Document.objects.published()
        .filter(slug=slug)
        .select_related("issue")
        .defer(*light("issue__", document=False), "warnings", "unplaced")
        .prefetch_related(
            Prefetch("clauses", queryset=Clause.objects.order_by("order")),
            Prefetch("tasks", queryset=tasks_with_departments()),
            Prefetch(
                "citations",
                queryset=Citation.objects.select_related("cited_document__issue")
                .defer(*light("cited_document__"))
                .order_by("id"),
            ),
            Prefetch(
                "catalogue_items",
                queryset=DisclosureItem.objects.select_related("owner_department").order_by(
                    "order"
                ),
            ),
        )
        .first()
    )


def filtered_documents(
    *, year: int | None = None, number: int | None = None, issuer: str = "", document=None
) -> QuerySet[Document]:
    """public_documents() narrowed by the public filters (the open-data downloads): a year,
    an issue (year and number), an issuing body, one document."""
    docs = public_documents()
    if year:
        docs = docs.filter(issue__year=year)
    if number:
        docs = docs.filter(issue__number=number)
    if issuer:
        docs = docs.filter(issuer=issuer)
    if document:
        docs = docs.filter(pk=document)
    return docs


def public_issuers() -> list[str]:
    """Issuing bodies of published documents (for the search filter)."""
    return list(
        Document.objects.published()
        .exclude(issuer="")
        .order_by("issuer")
        .values_list("issuer", flat=True)
        .distinct()
    )


def public_years() -> list[int]:
    return list(
        GazetteIssue.objects.published().order_by("-year").values_list("year", flat=True).distinct()
    )


def public_departments():
    """Departments named in published documents (tasks or catalogue rows), with counts.

    Two grouped counts (one pass each over assignments and catalogue rows), merged here:
    counting both through joins in one query would multiply them."""
    from departments.models import Department
    from disclosure.models import DisclosureItem

    tasks = {
        dept: (n, lead)
        for dept, n, lead in TaskAssignment.objects.published()
        .order_by()
        .values("department")
        .annotate(n=Count("pk"), lead=Count("pk", filter=Q(role=TaskAssignment.Role.LEAD)))
        .values_list("department", "n", "lead")
    }
    items = dict(
        DisclosureItem.objects.published()
        .filter(owner_department__isnull=False)
        .order_by()
        .values("owner_department")
        .annotate(n=Count("pk"))
        .values_list("owner_department", "n")
    )
    depts = list(
        Department.objects.filter(active=True, pk__in=set(tasks) | set(items)).order_by(
            "kind", "name"
        )
    )
    for d in depts:
        d.task_count, d.lead_count = tasks.get(d.pk, (0, 0))
        d.item_count = items.get(d.pk, 0)
    return depts


def department_tasks(department) -> QuerySet[TaskAssignment]:
    """A department's assignments in published documents, in gazette order, with the task,
    its document and issue and all the task's departments."""
    return (
        TaskAssignment.objects.published()
        .filter(department=department)
        .select_related("task__document__issue", "task__clause")
        .defer(*light("task__document__"))
        .prefetch_related(
            Prefetch(
                "task__assignments",
                queryset=TaskAssignment.objects.select_related("department").order_by("order"),
            )
        )
        .order_by(
            "-task__document__issue__year",
            "-task__document__issue__number",
            "task__document__order",
            "task__order",
        )
    )


# --- search results: the domain side of search.query ------------------------------------------


def search_filters(
    *,
    year: int | None = None,
    issuer: str = "",
    department: int | None = None,
    status: str = "",
    today: date | None = None,
) -> SearchFilters:
    """The search page's filters as search.query takes them: a department keeps the tasks it
    is assigned, the catalogue items it owns and the documents assigning it a task; a status
    (有效/失效/废止/已修改, documents.models.status_q) keeps what lies in documents of that
    status today."""
    where = {}
    if department:
        where = {
            "task": Exists(
                TaskAssignment.objects.filter(task_id=OuterRef("task_id"), department_id=department)
            ),
            "catalogue": Q(item__owner_department_id=department),
            "document": Exists(
                TaskAssignment.objects.filter(
                    task__document_id=OuterRef("document_id"), department_id=department
                )
            ),
        }
    if status:
        in_status = status_q(status, today or current_day(), prefix="document__")
        where = {k: (where[k] & in_status if k in where else in_status) for k in KINDS}
    return SearchFilters(year=year, issuer=issuer, where=where)


def load_search_objects(sections: dict[str, Section]) -> dict[str, Section]:
    """Fill in each hit's object (document, task or catalogue item) with what the result page
    shows of it, one query per kind, and keep only the published ones (the index holds no
    other, unless it lags a change made in the same request).

    The objects are read by primary key and their issue checked here, not filtered in SQL: a
    join on the issue's status lets PostgreSQL start from the issues (whose status it may
    misjudge) instead of the handful of keys, 7 ms against 0.3 ms."""
    from disclosure.models import DisclosureItem

    loaders = {
        "document": lambda ids: (
            Document.objects.filter(pk__in=ids)
            .with_validity(current_day())
            .select_related("issue")
            .defer(*light())
        ),
        "task": lambda ids: (
            Task.objects.filter(pk__in=ids)
            .select_related("document__issue")
            .defer(*light("document__"))
            .prefetch_related(
                Prefetch(
                    "assignments",
                    queryset=TaskAssignment.objects.select_related("department").order_by("order"),
                )
            )
        ),
        "catalogue": lambda ids: (
            DisclosureItem.objects.filter(pk__in=ids)
            .select_related("owner_department", "document__issue")
            .defer(*light("document__"))
        ),
    }
    key = {"document": "document_id", "task": "task_id", "catalogue": "item_id"}
    for kind, section in sections.items():
        if not section.hits:
            continue
        ids = [getattr(hit.entry, key[kind]) for hit in section.hits]
        found = {obj.pk: obj for obj in loaders[kind](ids).order_by()}
        for hit in section.hits:
            obj = found.get(getattr(hit.entry, key[kind]))
            if obj is not None:
                issue = obj.issue if kind == "document" else obj.document.issue
                hit.obj = obj if issue.is_published else None
        section.hits = [hit for hit in section.hits if hit.obj is not None]
    return sections
