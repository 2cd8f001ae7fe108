"""Serves the API and the staff task list under gunicorn against a PostgreSQL database with
many tasks, and times them. Nothing is cached: every figure is the plain path.

    python -m bench.api_worker --database-url URL --tasks N --requests R [--keep NAME]

Prints one JSON line: p50/p95 latency and requests per second for each endpoint, beside a
constant-JSON view on the same server (the floor), and queries per request. ``--keep NAME``
fills database NAME once and reuses it on later runs (for profiling); by default a throw-away
database is made and dropped.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def populate(n_tasks: int) -> dict:
    """The seed issue plus ``n_tasks`` generated tasks spread over the registry's departments."""
    from django.contrib.auth.models import Group, User
    from rest_framework.authtoken.models import Token

    from bench.gazettes import seed_text
    from departments.models import Department, Membership
    from documents.models import Document
    from documents.services import import_issue
    from tasks.models import Task, TaskAssignment

    import_issue(seed_text(), publish=True)
    rng = random.Random(11)
    seed_docs = list(Document.objects.all())
    # About 70 tasks a document, as in the generated archive (the seed has 6 documents).
    extra = Document.objects.bulk_create(
        [
            Document(
                issue=seed_docs[0].issue,
                order=100 + k,
                slug=f"bench-{k}",
                number=f"本政发〔2019〕{k + 100}号",
                title=f"生成的文件{k}",
                issuer="本溪市人民政府",
            )
            for k in range(max(0, n_tasks // 70 - len(seed_docs)))
        ]
    )
    docs = seed_docs + extra
    depts = list(Department.objects.filter(kind__in=["city", "county"]))
    finance = Department.objects.get(name="市财政局")
    today = date.today()
    batch = 5000
    for start in range(0, n_tasks, batch):
        tasks = Task.objects.bulk_create(
            [
                Task(
                    document=rng.choice(docs),
                    order=1000 + i,
                    text=f"生成的任务{i}：推进相关工作并按期报送进展情况。",
                    heading=f"任务{i}",
                    fingerprint=uuid.uuid4().hex,
                    deadline_kind="due",
                    due_on=(d := today + timedelta(days=rng.randint(-400, 400))),
                    next_due=d,
                    status=rng.choice(["open", "open", "in_progress", "done"]),
                )
                for i in range(start, min(start + batch, n_tasks))
            ]
        )
        TaskAssignment.objects.bulk_create(
            [
                TaskAssignment(
                    task=t, department=finance if rng.random() < 0.05 else d, role=role, order=k
                )
                for t in tasks
                for k, (d, role) in enumerate(
                    [(rng.choice(depts), "lead"), (rng.choice(depts), "support")]
                )
            ],
            ignore_conflicts=True,
        )
    from django.db import connection

    with connection.cursor() as cursor:  # as autovacuum would, after a bulk load
        cursor.execute("VACUUM ANALYZE")
    supervisor = User.objects.create_user("bench-supervisor")
    supervisor.groups.add(Group.objects.get(name="supervisor"))
    staff = User.objects.create_user("bench-staff")
    Membership.objects.create(user=staff, department=finance)
    Token.objects.create(user=supervisor)
    Token.objects.create(user=staff)
    return keys()


def keys() -> dict:
    """Tokens, a staff session, and the ids the requests use (of a populated database)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import User
    from django.contrib.sessions.backends.db import SessionStore
    from rest_framework.authtoken.models import Token

    from departments.models import Department
    from documents.models import Document
    from tasks.models import Task

    finance = Department.objects.get(name="市财政局")
    staff = User.objects.get(username="bench-staff")
    session = SessionStore()
    session[SESSION_KEY] = str(staff.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    session[HASH_SESSION_KEY] = staff.get_session_auth_hash()
    session.create()
    task = (
        Task.objects.published()
        .open()
        .filter(assignments__department=finance)
        .order_by("pk")
        .first()
    )
    return {
        "supervisor": Token.objects.get(user__username="bench-supervisor").key,
        "staff": Token.objects.get(user=staff).key,
        "session": session.session_key,
        "department": finance.id,
        "document": Document.objects.order_by("pk").first().id,
        "task": task.pk,
        "tasks": Task.objects.count(),
    }


def _headers(auth: str | None) -> dict:
    """``auth`` is "token:KEY", "session:KEY" or None."""
    headers = {"Host": "127.0.0.1"}
    kind, _, key = (auth or "").partition(":")
    if kind == "token":
        headers["Authorization"] = f"Token {key}"
    elif kind == "session":
        headers["Cookie"] = f"sessionid={key}"
    return headers


def timed(port: int, path: str, auth: str | None, body: dict | None = None) -> tuple[float, int]:
    """One GET (or a JSON POST when ``body`` is given) on a new connection."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = _headers(auth)
    payload = None
    if body is not None:
        payload = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    start = time.perf_counter()
    conn.request("POST" if body is not None else "GET", path, body=payload, headers=headers)
    response = conn.getresponse()
    response.read()
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed, response.status


def timed_get(port: int, path: str, auth: str | None) -> tuple[float, int]:
    return timed(port, path, auth)


def measure(port: int, path: str, auth: str | None, n: int, body: dict | None = None) -> dict:
    """p50/p95 and requests per second of ``n`` requests of ``path``."""
    ok = 201 if body is not None else 200
    for _ in range(max(3, n // 20)):  # warm up
        timed(port, path, auth, body)
    times = []
    begin = time.perf_counter()
    for _ in range(n):
        elapsed, status = timed(port, path, auth, body)
        if status != ok:
            raise RuntimeError(f"{path} answered {status}")
        times.append(elapsed * 1000)
    total = time.perf_counter() - begin
    times.sort()
    return {
        "p50_ms": statistics.median(times),
        "p95_ms": times[min(len(times) - 1, int(len(times) * 0.95))],
        "rps": n / total,
    }


def queries_per_request(path: str, auth: str | None, body: dict | None = None) -> int:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    kind, _, key = (auth or "").partition(":")
    headers = {"HTTP_AUTHORIZATION": f"Token {key}"} if kind == "token" else {}
    if kind == "session":
        client.cookies["sessionid"] = key
    with CaptureQueriesContext(connection) as ctx:
        if body is not None:
            response = client.post(path, body, content_type="application/json", **headers)
        else:
            response = client.get(path, **headers)
    assert response.status_code in (200, 201), response.status_code
    return len(ctx)


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def endpoints(keys: dict) -> dict:
    """name → (path, auth, JSON body for a POST or None)."""
    dept = keys["department"]
    supervisor, staff = f"token:{keys['supervisor']}", f"token:{keys['staff']}"
    return {
        "floor": ("/ping", None, None),
        "tasks_overdue": (f"/api/tasks/?department={dept}&overdue=true", supervisor, None),
        "tasks_staff": ("/api/tasks/?overdue=true", staff, None),
        "document": (f"/api/documents/{keys['document']}/", None, None),
        "catalogue": ("/api/catalogue/", None, None),
        "staff_page": ("/work/tasks/", f"session:{keys['session']}", None),
        "progress_post": (
            f"/api/tasks/{keys['task']}/progress/",
            staff,
            {"text": "本周完成资金拨付方案初稿，正在征求意见。"},
        ),
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--keep", default="", help="fill this database once and reuse it")
    parser.add_argument("--only", action="append", default=[], help="measure these endpoints")
    args = parser.parse_args()

    import psycopg

    base = args.database_url.rpartition("/")[0]
    name = args.keep or f"bench_api_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    env = {
        **os.environ,
        "DATABASE_URL": f"{base}/{name}",
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-" + "k" * 50,
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "DJANGO_SETTINGS_MODULE": "benxi_gazette.settings",
        "LOG_LEVEL": "WARNING",
        # the pages' static files as production serves them (collected, hashed names)
        "STATIC_ROOT": str(ROOT / "bench" / "tmp" / "static"),
    }
    env.pop("REDIS_URL", None)
    env.pop("CELERY_BROKER_URL", None)
    os.environ.update(env)
    server = None
    try:
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        started = time.perf_counter()
        filled = bool(exists) and args.keep
        keys_ = keys() if filled else populate(args.tasks)
        fill_s = time.perf_counter() - started
        port = free_port()
        server = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("gunicorn")),
                "benxi_gazette.wsgi",
                "-b",
                f"127.0.0.1:{port}",
                "-w",
                "2",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for _ in range(100):
            try:
                timed_get(port, "/ping", None)
                break
            except OSError:
                time.sleep(0.1)
        chosen = {
            k: v
            for k, v in endpoints(keys_).items()
            if not args.only or k in args.only or k == "floor"
        }
        results = {
            k: measure(port, p, auth, args.requests, body) for k, (p, auth, body) in chosen.items()
        }
        for k, (p, auth, body) in chosen.items():
            results[k]["queries"] = 0 if k == "floor" else queries_per_request(p, auth, body)
        workers = subprocess.run(
            ["pgrep", "-P", str(server.pid)], capture_output=True, text=True
        ).stdout.split()
        worker_rss = max((rss_mb(int(pid)) for pid in workers), default=0.0)
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            server.wait(30)
        from django.db import connections

        connections.close_all()
        if not args.keep:
            with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    print(
        json.dumps(
            {"tasks": keys_["tasks"], "fill_s": fill_s, "worker_rss_mb": worker_rss, **results}
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
