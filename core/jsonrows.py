"""Related rows read inside their parent's row, as JSON: one query for a list and what each
item holds (a task's departments, a document's outline), on PostgreSQL and SQLite alike."""

from __future__ import annotations

import json

from django.db.models import QuerySet, StringAgg, Subquery, TextField, Value
from django.db.models.functions import Cast, JSONObject


def json_rows(qs: QuerySet, by: str, **fields) -> Subquery:
    """``qs`` (filtered by an OuterRef to the parent, grouped by ``by``) as JSON objects of
    ``fields`` joined by commas; ``read_json_rows`` reads them back. Include the field to
    order by: aggregates cannot be ordered on every database (SQLite before 3.44)."""
    return Subquery(
        qs.order_by()
        .values(by)
        .annotate(json=StringAgg(Cast(JSONObject(**fields), TextField()), Value(",")))
        .values("json")
    )


def read_json_rows(text: str | None, order: str, *, drop: bool = True) -> list[dict]:
    """The rows of ``json_rows``, sorted by ``order`` (which is dropped, unless not ``drop``)."""
    if not text:
        return []
    rows = sorted(json.loads(f"[{text}]"), key=lambda row: row[order])
    if drop:
        for row in rows:
            del row[order]
    return rows
