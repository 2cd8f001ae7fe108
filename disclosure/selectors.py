"""Read queries on the disclosure catalogue shared by the API and the pages."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce

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


# --- The public catalogue (主动公开目录清单): rows of published documents ---------------------


def public_catalogue():
    """Catalogue rows of published documents, in the order printed, with their document."""
    from documents.models import light

    from .models import DisclosureItem

    return (
        DisclosureItem.objects.published()
        .select_related("owner_department", "document__issue")
        .defer(*light("document__"))
        .order_by("-document__issue__year", "-document__issue__number", "document__order", "order")
    )


def filtered_catalogue(*, area: str = "", owner: str = "", document: int | None = None):
    """public_catalogue() narrowed by the public filters: an area (重点领域), a responsible
    body as listed (owner_name), the document laying the rows down."""
    items = public_catalogue()
    if area:
        items = items.filter(area=area)
    if owner:
        items = items.filter(
            Q(owner_department__name=owner) | Q(owner_department__isnull=True, owner=owner)
        )
    if document:
        items = items.filter(document_id=document)
    return items


def owner_name(item) -> str:
    """The responsible body as listed: the registry's name when linked, else the text."""
    return item.owner_department.name if item.owner_department_id else item.owner


def owner_name_expression():
    """owner_name in SQL, for values() reads and sorting."""
    return Coalesce(F("owner_department__name"), F("owner"))


def public_areas() -> list[str]:
    """The catalogue's areas (重点领域), in the order they first appear."""
    seen: dict[str, None] = {}
    for area in public_catalogue().exclude(area="").values_list("area", flat=True):
        seen.setdefault(area, None)
    return list(seen)


def public_owners() -> list[str]:
    """The responsible bodies as listed (registry names where linked), sorted."""
    rows = public_catalogue().order_by().values_list("owner_department__name", "owner").distinct()
    return sorted({name or text for name, text in rows if name or text})
