"""What the search index holds for the gazette: the rows of a published document (its heading
block, clauses and attachments, its tasks and its catalogue items). ``search.index`` writes
them; the import and publish services and the admin's edits call ``index_documents``."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from search import index as search_index
from search.models import SearchEntry

from .models import Document


def _join(*parts: str) -> str:
    return "\n".join(p for p in parts if p)


def entries_for_documents(documents: Iterable[Document]) -> list[SearchEntry]:
    """The index rows for ``documents`` (with issue, clauses, tasks, catalogue items loaded)."""
    rows: list[SearchEntry] = []

    def add(doc, kind, text, position, *, anchor="", label="", task=None, item=None) -> None:
        rows.extend(
            search_index.rows_for_text(
                text,
                position=position,
                kind=kind,
                document=doc,
                task=task,
                item=item,
                anchor=anchor[:20],
                label=label[:100],
                year=doc.issue.year,
                issuer=doc.issuer[:200],
                issue_order=doc.issue.year * 1000 + doc.issue.number,
                doc_order=doc.order,
            )
        )

    for doc in documents:
        head = _join(
            doc.header, doc.number, doc.title, doc.addressees, doc.signatories, doc.enclosure_title
        )
        add(doc, "document", head, 0)
        anchors = {}
        for clause in doc.clauses.all():
            anchors[clause.pk] = clause.anchor
            text = _join(clause.heading, clause.text)
            if text:
                add(
                    doc,
                    "document",
                    text,
                    10 * (clause.order + 1),
                    anchor=clause.anchor,
                    label=clause.path,
                )
        base = 10 * (len(anchors) + 2)
        for i, att in enumerate(doc.attachments or [], start=1):
            add(
                doc,
                "document",
                _join(att.get("title", ""), att.get("text", "")),
                base + 10_000 * i,
                anchor=f"att{i}",
                label=att.get("label") or "附件",
            )
        for task in doc.tasks.all():
            add(
                doc,
                "task",
                _join(task.heading, task.text, task.raw),
                task.order,
                anchor=anchors.get(task.clause_id, ""),
                label=task.path,
                task=task,
            )
        for item in doc.catalogue_items.all():
            text = _join(
                item.area,
                item.item,
                item.detail,
                item.timeliness,
                item.period,
                item.channels,
                item.owner,
                item.supervision,
            )
            add(
                doc,
                "catalogue",
                text,
                item.order,
                anchor=f"item-{item.pk}",
                label=item.seq,
                item=item,
            )
    return rows


def _documents_to_index(document_ids: Iterable[int]) -> QuerySet[Document]:
    return (
        Document.objects.published()
        .filter(pk__in=list(document_ids))
        .select_related("issue")
        .defer("issue__source_text", "body", "warnings", "unplaced")
        .prefetch_related("clauses", "tasks", "catalogue_items")
    )


def wanted_entries(document_ids: list[int]) -> list[SearchEntry]:
    """The rows these documents should have: their content if published, none otherwise."""
    return entries_for_documents(_documents_to_index(document_ids))


def published_document_ids() -> QuerySet:
    return Document.objects.published().order_by("pk").values_list("pk", flat=True)


def any_published() -> bool:
    return Document.objects.published().exists()


# Registered with search.index from DocumentsConfig.ready(): rebuilds and the index built
# after migrate read the gazette through it.
SOURCE = search_index.Source(
    owner_ids=published_document_ids, has_content=any_published, entries=wanted_entries
)


def index_documents(document_ids: Iterable[int]) -> tuple[int, int]:
    """Bring these documents' index rows up to date, touching only the rows that changed: a
    published document's rows as its content now reads, none for a draft's. Returns (rows
    written, rows deleted). Called by the services that change searchable text (import,
    publish, an edit in the admin), in their transaction."""
    document_ids = list(document_ids)
    return search_index.write(owner_ids=document_ids, wanted=wanted_entries(document_ids))


def index_issue(issue) -> tuple[int, int]:
    """index_documents for every document of the issue."""
    return index_documents(issue.documents.values_list("pk", flat=True))


def rebuild_index() -> int:
    """Rebuild the whole index from the published issues."""
    return search_index.rebuild()
