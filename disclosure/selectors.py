"""Read queries on the disclosure catalogue shared by the API and the pages."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, F, Q

from .models import DisclosureEvent


@dataclass
class Compliance:
    """按时公开率: of the published events with a deadline, the share published on time."""

    published: int
    on_time: int
    pending: int

    @property
    def share(self) -> float | None:
        return self.on_time / self.published if self.published else None


_AGG = {
    "published": Count("id", filter=Q(published_at__isnull=False, due_at__isnull=False)),
    "on_time": Count("id", filter=Q(published_at__isnull=False, published_at__lte=F("due_at"))),
    "pending": Count("id", filter=Q(published_at__isnull=True)),
}


def compliance_by_item(items=None) -> dict[int, Compliance]:
    qs = DisclosureEvent.objects.all()
    if items is not None:
        qs = qs.filter(item__in=items)
    return {
        row["item"]: Compliance(row["published"], row["on_time"], row["pending"])
        for row in qs.values("item").annotate(**_AGG)
    }


def compliance_by_department() -> dict[int, Compliance]:
    rows = DisclosureEvent.objects.values("department").annotate(**_AGG)
    return {
        row["department"]: Compliance(row["published"], row["on_time"], row["pending"])
        for row in rows
    }
