"""The stable JSON export of stored gazette content (the ``export_gazette`` interface)."""

from __future__ import annotations

from django.db.models import Prefetch

from disclosure.models import DisclosureItem
from tasks.models import Task, TaskAssignment
from workdays.engine import DeadlineSpec

from .models import Document, GazetteIssue


def _iso(value):
    return value.isoformat() if value else None


def deadline_dict(task: Task) -> dict:
    return DeadlineSpec.from_task(task).as_dict()


def task_dict(task: Task) -> dict:
    roles: dict[str, list[str]] = {"lead": [], "support": [], "responsible": []}
    for a in task.assignments.all():
        roles[a.role].append(a.department.name)
    return {
        "path": task.path,
        "heading": task.heading,
        "text": task.text,
        **roles,
        "deadline": deadline_dict(task),
        "origin": task.origin,
        "forwarded": task.forwarded,
        "note": task.import_note,
    }


def catalogue_dict(item: DisclosureItem) -> dict:
    return {
        "seq": item.seq,
        "area": item.area,
        "item": item.item,
        "detail": item.detail,
        "timeliness": item.timeliness,
        "rule": DeadlineSpec.from_rule_fields(item).rule_dict(),
        "period": item.period,
        "channels": item.channels,
        "owner": item.owner,
        "supervision": item.supervision,
    }


def export_issues(issues=None) -> dict:
    """{"issues": [...]} for the given issues (default: all), in a fixed number of queries."""
    qs = issues if issues is not None else GazetteIssue.objects.all()
    qs = qs.order_by("year", "number").prefetch_related(
        Prefetch(
            "documents",
            queryset=Document.objects.order_by("order").prefetch_related(
                "citations",
                Prefetch(
                    "tasks",
                    queryset=Task.objects.order_by("order").prefetch_related(
                        Prefetch(
                            "assignments",
                            queryset=TaskAssignment.objects.select_related("department").order_by(
                                "order"
                            ),
                        )
                    ),
                ),
                Prefetch("catalogue_items", queryset=DisclosureItem.objects.order_by("order")),
            ),
        )
    )
    out = []
    for issue in qs:
        documents = []
        catalogue = []
        for doc in issue.documents.all():
            documents.append(
                {
                    "number": doc.number,
                    "issuer": doc.issuer,
                    "title": doc.title,
                    "signed_on": _iso(doc.signed_on),
                    "public": doc.public,
                    "forwarded_by": doc.forwarded_by.title if doc.forwarded_by_id else None,
                    "citations": [c.number for c in doc.citations.all()],
                    "tasks": [task_dict(t) for t in doc.tasks.all()],
                }
            )
            catalogue.extend(catalogue_dict(i) for i in doc.catalogue_items.all())
        out.append(
            {
                "year": issue.year,
                "number": issue.number,
                "total_number": issue.total_number,
                "title": issue.title,
                "published_on": _iso(issue.published_on),
                "status": issue.status,
                "documents": documents,
                "catalogue": catalogue,
            }
        )
    return {"issues": out}
