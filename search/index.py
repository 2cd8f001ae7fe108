"""The search index writer: builds rows from text, writes only the rows that changed, rebuilds.

What is indexed is the domain's knowledge, not this module's: a domain app registers a
``Source`` (which owners have searchable content, and the rows each should have), and its
services call ``write`` with the rows they want for the owners they changed. The owner of a
row is its document (``SearchEntry.document_id``): an owner's rows are replaced together.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import connection, transaction

from .analyzer import chunks, fold, tsvector_literal
from .models import SearchEntry

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Source:
    """What a domain app indexes: the ids of every owner whose content is searchable now
    (published), whether there is any, and the rows wanted for some owners (none for an
    owner whose content is not searchable)."""

    owner_ids: Callable[[], Iterable[int]]
    has_content: Callable[[], bool]
    entries: Callable[[list[int]], list[SearchEntry]]


_sources: list[Source] = []


def register_source(source: Source) -> None:
    """Called from a domain app's ready(): its content is rebuilt with the index."""
    if source not in _sources:
        _sources.append(source)


def rows_for_text(text: str, *, position: int, **columns) -> list[SearchEntry]:
    """The index rows for one piece of text: split into chunks (tsvector limits), each with
    its folded text and, on PostgreSQL, its tsvector; ``position`` counts up per chunk.
    ``columns`` are SearchEntry's other fields (kind, document, anchor, year …)."""
    postgres = connection.vendor == "postgresql"
    return [
        SearchEntry(
            text=chunk,
            folded=fold(chunk),
            position=position + k,
            tsv=tsvector_literal(chunk) if postgres else None,
            **columns,
        )
        for k, chunk in enumerate(chunks(text))
    ]


# What makes two index rows the same row: everything written from the content.
ROW_FIELDS = (
    "kind",
    "document_id",
    "task_id",
    "item_id",
    "anchor",
    "label",
    "text",
    "year",
    "issuer",
    "issue_order",
    "doc_order",
    "position",
)


def _row_key(row: SearchEntry) -> tuple:
    return tuple(getattr(row, f) for f in ROW_FIELDS)


def write(*, owner_ids: Iterable[int], wanted: Iterable[SearchEntry]) -> tuple[int, int]:
    """Make these owners' rows exactly ``wanted``, touching only the rows that differ: a row
    already stored as wanted stays (same id), others are deleted or inserted. Returns (rows
    written, rows deleted). Runs in the caller's transaction when there is one."""
    owner_ids = list(owner_ids)
    if not owner_ids:
        return 0, 0
    with transaction.atomic():
        missing = {_row_key(r): r for r in wanted}
        stale = []
        for row in SearchEntry.objects.filter(document_id__in=owner_ids).only("pk", *ROW_FIELDS):
            if missing.pop(_row_key(row), None) is None:
                stale.append(row.pk)
        if stale:
            SearchEntry.objects.filter(pk__in=stale).delete()
        SearchEntry.objects.bulk_create(list(missing.values()), batch_size=1000)
    return len(missing), len(stale)


def rebuild(batch: int = 100) -> int:
    """Rebuild the whole index from the registered sources; returns the rows written."""
    with transaction.atomic():
        SearchEntry.objects.all().delete()
        total = 0
        for source in _sources:
            ids = sorted(source.owner_ids())
            for start in range(0, len(ids), batch):
                part = ids[start : start + batch]
                total += write(owner_ids=part, wanted=source.entries(part))[0]
    return total


def fill_empty_index(**kwargs) -> None:
    """After migrate: an empty index over searchable content (a new deployment, or the
    migration that added it) is built once."""
    if kwargs.get("using", "default") != "default":
        return
    try:
        if SearchEntry.objects.exists() or not any(s.has_content() for s in _sources):
            return
    except Exception:  # tables not there yet (a partial migrate)
        return
    logger.info("search index: building (%d rows)", rebuild())
