"""Who may open which staff page: every page for every role (the role × page table).

anonymous and inactive users go to the login page; staff of another department get 404 for a
task outside their scope (as in the API); a signed-in user without the role gets 403.
"""

import pytest
from django.urls import reverse
from staffhelpers import PNG, upload

from departments.models import Department
from tasks.models import ProgressReport, Task, TaskAssignment
from tasks.services import report_progress

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "finance", "health", "supervisor", "secretariat", "inactive"]
LOGIN = "login"


def finance_task() -> Task:
    """A task of 市财政局 that 市卫生计生委 is not on."""
    health = Department.objects.get(name="市卫生计生委")
    return (
        Task.objects.filter(assignments__department__name="市财政局")
        .exclude(assignments__department=health)
        .exclude(status=Task.Status.DONE)
        .order_by("pk")
        .first()
    )


@pytest.fixture
def world(seed, users):
    task = finance_task()
    report = report_progress(
        task, users["finance"], text="已完成初步梳理", files=[upload("a.png", PNG)]
    )
    draft = Department.objects.create(name="市新设局", needs_review=True)
    TaskAssignment.objects.create(task=task, department=draft, role="support", order=9)
    return {
        "task": task,
        "attachment": report.attachments.get(),
        "issue": task.document.issue,
        "draft": draft,
    }


# (name, method, url(world), {role: expected status or LOGIN})
PAGES = [
    ("landing", "get", lambda w: reverse("staff:landing"), {
        "finance": "/work/tasks/", "health": "/work/tasks/", "supervisor": "/work/supervision/",
        "secretariat": "/work/import/",
    }),
    ("my tasks", "get", lambda w: reverse("staff:tasks"), {
        "finance": 200, "health": 200, "supervisor": 200, "secretariat": 200,
    }),
    ("task page", "get", lambda w: reverse("staff:task", args=[w["task"].pk]), {
        "finance": 200, "health": 404, "supervisor": 200, "secretariat": 200,
    }),
    ("report progress", "post", lambda w: reverse("staff:task-report", args=[w["task"].pk]), {
        "finance": 302, "health": 404, "supervisor": 403, "secretariat": 403,
    }),
    ("urge", "post", lambda w: reverse("staff:task-urge", args=[w["task"].pk]), {
        "finance": 403, "health": 404, "supervisor": 302, "secretariat": 403,
    }),
    ("close", "post", lambda w: reverse("staff:task-close", args=[w["task"].pk]), {
        "finance": 403, "health": 404, "supervisor": 302, "secretariat": 403,
    }),
    ("attachment", "get", lambda w: reverse("staff:attachment", args=[w["attachment"].pk]), {
        "finance": 200, "health": 404, "supervisor": 200, "secretariat": 200,
    }),
    ("inbox", "get", lambda w: reverse("staff:inbox"), {
        "finance": 200, "health": 200, "supervisor": 200, "secretariat": 200,
    }),
    ("calendar feeds", "get", lambda w: reverse("staff:calendar"), {
        "finance": 200, "health": 200, "supervisor": 200, "secretariat": 200,
    }),
    ("export csv", "get", lambda w: reverse("staff:export", args=["csv"]), {
        "finance": 200, "health": 200, "supervisor": 200, "secretariat": 200,
    }),
    ("overview", "get", lambda w: reverse("staff:supervision"), {
        "finance": 403, "health": 403, "supervisor": 200, "secretariat": 200,
    }),
    ("supervision list", "get", lambda w: reverse("staff:supervision-tasks"), {
        "finance": 403, "health": 403, "supervisor": 200, "secretariat": 200,
    }),
    ("overview export", "get",
     lambda w: reverse("staff:supervision-export", args=["department", "xlsx"]), {
        "finance": 403, "health": 403, "supervisor": 200, "secretariat": 200,
    }),
    ("import", "get", lambda w: reverse("staff:import"), {
        "finance": 403, "health": 403, "supervisor": 403, "secretariat": 200,
    }),
    ("review", "get", lambda w: reverse("staff:review", args=[w["issue"].pk]), {
        "finance": 403, "health": 403, "supervisor": 403, "secretariat": 200,
    }),
    ("publish", "post", lambda w: reverse("staff:publish", args=[w["issue"].pk]), {
        "finance": 403, "health": 403, "supervisor": 403, "secretariat": 302,
    }),
    ("change deadline", "post",
     lambda w: reverse("staff:review-deadline", args=[w["task"].pk]), {
        "finance": 403, "health": 403, "supervisor": 403, "secretariat": 302,
    }),
    ("add department", "post", lambda w: reverse("staff:review-assign", args=[w["task"].pk]), {
        "finance": 403, "health": 403, "supervisor": 403, "secretariat": 302,
    }),
    ("departments", "get", lambda w: reverse("staff:departments"), {
        "finance": 403, "health": 403, "supervisor": 403, "secretariat": 200,
    }),
    ("department", "get", lambda w: reverse("staff:department", args=[w["draft"].pk]), {
        "finance": 403, "health": 403, "supervisor": 403, "secretariat": 200,
    }),
    ("merge", "post", lambda w: reverse("staff:department-merge", args=[w["draft"].pk]), {
        "finance": 403, "health": 403, "supervisor": 403, "secretariat": 302,
    }),
    ("password change", "get", lambda w: reverse("password_change"), {
        "finance": 200, "health": 200, "supervisor": 200, "secretariat": 200,
    }),
]  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
def test_role_page_matrix(world, client_for, role):
    """Each page for one role; all mismatches are reported together."""
    client = client_for(None if role == "anonymous" else role)
    wrong = []
    for page, method, url, expected_by_role in PAGES:
        expected = expected_by_role.get(role, LOGIN)
        response = getattr(client, method)(url(world), data={"text": "x", "kind": "progress"})
        if expected == LOGIN:
            ok = response.status_code == 302 and response["Location"].startswith(
                reverse("login") + "?next="
            )
        elif isinstance(expected, str):
            ok = response.status_code == 302 and response["Location"] == expected
        else:
            ok = response.status_code == expected
        if not ok:
            wrong.append(f"{page}: expected {expected}, got {response.status_code}")
    assert not wrong, wrong


def test_denied_writes_change_nothing(world, client_for):
    task = world["task"]
    before = ProgressReport.objects.count(), task.urges.count()
    client_for("health").post(
        reverse("staff:task-report", args=[task.pk]), {"text": "x", "kind": "done"}
    )
    client_for("finance").post(reverse("staff:task-urge", args=[task.pk]))
    client_for("supervisor").post(
        reverse("staff:task-report", args=[task.pk]), {"text": "x", "kind": "in_progress"}
    )
    assert (ProgressReport.objects.count(), task.urges.count()) == before
    task.refresh_from_db()
    assert task.status == Task.Status.OPEN


def test_staff_list_is_scoped(world, client_for):
    task = world["task"]
    finance = client_for("finance").get(reverse("staff:tasks")).content.decode()
    health = client_for("health").get(reverse("staff:tasks")).content.decode()
    link = reverse("staff:task", args=[task.pk])
    assert f'href="{link}"' in finance
    assert f'href="{link}"' not in health


def test_export_is_scoped(world, client_for):
    task = world["task"]
    rows = client_for("health").get(reverse("staff:export", args=["csv"])).content.decode()
    assert f"/work/tasks/{task.pk}/" not in rows
    rows = client_for("finance").get(reverse("staff:export", args=["csv"])).content.decode()
    assert f"/work/tasks/{task.pk}/" in rows
