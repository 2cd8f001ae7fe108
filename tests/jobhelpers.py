"""Plain helpers for the job tests (tests/jobs/): tasks due on given days."""

import socket
import time
from datetime import date

from factories import AssignmentFactory, TaskFactory

from documents.indexing import index_issue
from documents.models import GazetteIssue
from tasks.models import Task

# A plain autumn week (no holidays): Friday 2024-11-01, due dates around it.
FRIDAY = date(2024, 11, 1)


def task_due(due: date | None, *departments, status=Task.Status.OPEN, heading: str = "") -> Task:
    """An open task due on ``due``, led by the first department, supported by the others."""
    task = TaskFactory(
        next_due=due, deadline_kind="due" if due else "", due_on=due, status=status, heading=heading
    )
    # published: tasks of a draft issue are nobody's to be reminded of yet
    issue = task.document.issue
    if issue.status != GazetteIssue.Status.PUBLISHED:
        issue.status = GazetteIssue.Status.PUBLISHED
        issue.save()
    index_issue(issue)  # the search index follows, as publish_issue has it
    for order, dept in enumerate(departments):
        AssignmentFactory(
            task=task, department=dept, role="lead" if order == 0 else "support", order=order
        )
    return task


def closed_port() -> int:
    """A local port nobody listens on: connecting to it is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(condition, timeout: float = 90, what: str = "condition", every: float = 0.2):
    """``condition()``'s first true value, asked every ``every`` seconds; AssertionError
    naming ``what`` once ``timeout`` seconds have passed."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout:g}s waiting for {what}")
