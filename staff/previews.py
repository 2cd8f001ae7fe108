"""What an import preview shows of parsed text (the documents, their tasks with the
departments named and whether each name is known, the missing 公文要素, the warnings): one
builder for the whole-issue import and for adding a document to an issue being assembled."""

from __future__ import annotations

from departments.models import Department, DepartmentAlias, name_key
from documents.parser import ParsedIssue
from tasks.models import TaskAssignment


def preview_context(parsed: ParsedIssue) -> dict:
    known = {name_key(n) for n in Department.objects.values_list("name", flat=True)} | {
        name_key(n) for n in DepartmentAlias.objects.values_list("name", flat=True)
    }
    roles = dict(TaskAssignment.Role.choices)
    documents = [
        {
            "doc": doc,
            "missing": doc.missing(),
            "forwarded_by": (
                parsed.documents[doc.forwarded_by] if doc.forwarded_by is not None else None
            ),
            "tasks": [
                {
                    "task": pt,
                    "departments": [
                        (a.name, roles.get(a.role, a.role), name_key(a.name) not in known)
                        for a in pt.assignments
                    ],
                }
                for pt in doc.tasks
            ],
        }
        for doc in parsed.documents
    ]
    return {
        "parsed": parsed,
        "warnings": parsed.all_warnings(),
        "documents": documents,
        "task_total": sum(len(d.tasks) for d in parsed.documents),
        "catalogue_total": sum(len(d.catalogue) for d in parsed.documents),
        "missing_total": sum(len(d["missing"]) for d in documents),
    }
