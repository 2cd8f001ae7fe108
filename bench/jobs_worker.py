"""Times the reminder sweep against one database, in a process of its own.

    python -m bench.jobs_worker --database-url URL --tasks 10000,100000

For each size, on a fresh database (a new SQLite file, or a new PostgreSQL database dropped
afterwards): generates that many open tasks with bulk_create (due dates spread from a month
overdue to eleven months ahead, one to three departments each, two staff with email per
department, plus disclosure events), then times three sweeps and counts their queries: the
first of the day (everything due is recorded, dispatched and mailed, overdue ones included),
the same day again (all already sent), and the next day. Mail goes to Django's dummy backend,
so the figures leave out the SMTP server. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta

DAY = date(2024, 11, 1)  # a Friday; 2024's holidays are in the seeded calendar


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--tasks", default="10000,100000")
    args = parser.parse_args()
    sizes = [int(n) for n in args.tasks.split(",")]

    os.environ.update(
        DEBUG="0",
        SECRET_KEY="bench-only-" + "x" * 50,
        ALLOWED_HOSTS="localhost",
        EMAIL_URL="dummymail://",
        LOG_LEVEL="WARNING",
        ENV_FILE=os.devnull,
    )
    for name in ("REDIS_URL", "CELERY_BROKER_URL"):
        os.environ.pop(name, None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benxi_gazette.settings")
    results = {}
    for size in sizes:
        url, drop = _fresh_database(args.database_url)
        os.environ["DATABASE_URL"] = url
        try:
            results[str(size)] = _run_in_child(size)
        finally:
            if drop:
                _drop(*drop)
    print(json.dumps(results))
    return 0


def _fresh_database(url: str):
    if url.startswith("postgres"):
        import psycopg

        base, _, _name = url.rpartition("/")
        name = f"bench_jobs_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return f"{base}/{name}", (base, name)
    return f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3", None


def _drop(base: str, name: str) -> None:
    import psycopg

    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _run_in_child(size: int) -> dict:
    """Django is set up once per process; each size gets a process (and database) of its own."""
    import subprocess

    done = subprocess.run(
        [sys.executable, "-m", "bench.jobs_worker", "--child", str(size)],
        capture_output=True,
        text=True,
        check=False,
        timeout=3600,
        env=os.environ,
    )
    if done.returncode:
        raise RuntimeError(done.stderr[-4000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def child(size: int) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, connections

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    counts = generate(size)
    generated = time.perf_counter() - started
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    out = {"vendor": connection.vendor, "generate_s": generated, **counts}
    for label, day in (("first", DAY), ("rerun", DAY), ("next_day", DAY + timedelta(days=1))):
        out[label] = sweep(day)
    connections.close_all()
    return out


def sweep(day: date) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tasks.reminders import send_due_reminders

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = send_due_reminders(day)
        seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "queries": len(queries),
        "sent": result.sent,
        "already_sent": result.already_sent,
        "failed": result.failed,
        "notifications": result.notifications,
        "emails": result.emails_sent,
    }


def generate(size: int) -> dict:
    """``size`` open tasks and what they need, written with bulk_create."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from departments.models import Department, Membership
    from disclosure.models import DisclosureEvent, DisclosureItem
    from documents.models import Document, GazetteIssue
    from tasks.models import Task, TaskAssignment

    rng = random.Random(2024)
    batch = 5000
    departments = Department.objects.bulk_create(
        [Department(name=f"基准测试部门{i:03d}") for i in range(60)]
    )
    User = get_user_model()
    users = User.objects.bulk_create(
        [
            User(username=f"bench{i}", email=f"bench{i}@example.gov.cn", password="!")
            for i in range(2 * len(departments))
        ]
    )
    Membership.objects.bulk_create(
        [Membership(user=u, department=departments[i // 2]) for i, u in enumerate(users)]
    )
    issue = GazetteIssue.objects.create(
        year=2024, number=1, title="基准测试公报", status=GazetteIssue.Status.PUBLISHED
    )
    per_doc = 1000
    documents = Document.objects.bulk_create(
        [
            Document(
                issue=issue,
                order=i + 1,
                slug=f"bench-{i}",
                number=f"本政发〔2024〕{i + 1}号",
                title=f"基准测试文件{i + 1}",
            )
            for i in range((size + per_doc - 1) // per_doc)
        ]
    )
    statuses = [Task.Status.OPEN] * 4 + [Task.Status.IN_PROGRESS]
    tasks = []
    for i in range(size):
        due = None if rng.random() < 0.1 else DAY + timedelta(days=rng.randint(-30, 335))
        tasks.append(
            Task(
                document=documents[i // per_doc],
                order=i % per_doc,
                path=f"{i % 9 + 1}.({i % 7 + 1})",
                heading=f"任务{i}",
                text=f"基准测试任务{i}：按要求推进落实有关工作。",
                fingerprint=f"bench{i}",
                deadline_kind="due" if due else "",
                due_on=due,
                next_due=due,
                status=rng.choice(statuses),
            )
        )
    tasks = Task.objects.bulk_create(tasks, batch_size=batch)
    assignments = []
    for task in tasks:
        for order, dept in enumerate(rng.sample(departments, rng.randint(1, 3))):
            role = TaskAssignment.Role.LEAD if order == 0 else TaskAssignment.Role.SUPPORT
            assignments.append(TaskAssignment(task=task, department=dept, role=role, order=order))
    TaskAssignment.objects.bulk_create(assignments, batch_size=batch)
    item = DisclosureItem.objects.create(
        document=documents[0], order=1, seq="1", item="基准测试公开事项", rule_kind="working_days"
    )
    now = timezone.make_aware(datetime.combine(DAY, datetime.min.time()))
    events = []
    for i in range(size // 50):
        due = now + timedelta(days=rng.randint(-20, 60), hours=23)
        events.append(
            DisclosureEvent(
                item=item,
                department=rng.choice(departments),
                subject=f"基准事项{i}",
                event="信息形成",
                occurred_at=due - timedelta(days=20),
                rule_kind="working_days",
                rule_n=20,
                due_at=due,
                published_at=due if rng.random() < 0.5 else None,
            )
        )
    DisclosureEvent.objects.bulk_create(events, batch_size=batch)
    return {
        "tasks": size,
        "assignments": len(assignments),
        "events": len(events),
        "departments": len(departments),
        "staff": len(users),
    }


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        print(json.dumps(child(int(sys.argv[2]))))
        sys.exit(0)
    sys.exit(main())
