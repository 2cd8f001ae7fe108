"""Serves the API under gunicorn against a PostgreSQL database with many tasks, and times it.

    python -m bench.api_worker --database-url URL --tasks N --requests R

Prints one JSON line: p50/p95 latency and requests per second for each endpoint, beside a
constant-JSON view on the same server (the floor), and queries per request.
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
        cursor.execute("ANALYZE")
    supervisor = User.objects.create_user("bench-supervisor")
    supervisor.groups.add(Group.objects.get(name="supervisor"))
    staff = User.objects.create_user("bench-staff")
    Membership.objects.create(user=staff, department=finance)
    return {
        "supervisor": Token.objects.create(user=supervisor).key,
        "staff": Token.objects.create(user=staff).key,
        "department": finance.id,
        "document": seed_docs[0].id,
        "tasks": Task.objects.count(),
    }


def timed_get(port: int, path: str, token: str | None) -> tuple[float, int]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Host": "127.0.0.1"}
    if token:
        headers["Authorization"] = f"Token {token}"
    start = time.perf_counter()
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    response.read()
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed, response.status


def measure(port: int, path: str, token: str | None, n: int, cold: bool = False) -> dict:
    """p50/p95 and requests per second of ``n`` GETs of ``path``; ``cold`` makes every
    request a different URL (an ignored parameter), so no answer comes from the read cache."""
    for i in range(max(3, n // 20)):  # warm up
        timed_get(port, f"{path}&warm={i}" if cold else path, token)
    times = []
    begin = time.perf_counter()
    for i in range(n):
        elapsed, status = timed_get(port, f"{path}&cold={i}" if cold else path, token)
        if status != 200:
            raise RuntimeError(f"GET {path} answered {status}")
        times.append(elapsed * 1000)
    total = time.perf_counter() - begin
    times.sort()
    return {
        "p50_ms": statistics.median(times),
        "p95_ms": times[min(len(times) - 1, int(len(times) * 0.95))],
        "rps": n / total,
    }


def queries_per_request(path: str, token: str | None) -> int:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    headers = {"HTTP_AUTHORIZATION": f"Token {token}"} if token else {}
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path, **headers)
    assert response.status_code == 200, response.status_code
    return len(ctx)


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()

    import psycopg

    base = args.database_url.rpartition("/")[0]
    name = f"bench_api_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
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
        started = time.perf_counter()
        keys = populate(args.tasks)
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
        dept = keys["department"]
        endpoints = {
            "floor": ("/ping", None),
            "tasks_overdue": (f"/api/tasks/?department={dept}&overdue=true", keys["supervisor"]),
            "tasks_staff": ("/api/tasks/?overdue=true", keys["staff"]),
            "document": (f"/api/documents/{keys['document']}/", None),
            "catalogue": ("/api/catalogue/", None),
        }
        results = {k: measure(port, p, t, args.requests) for k, (p, t) in endpoints.items()}
        for k in ("tasks_overdue", "document", "catalogue"):
            p, t = endpoints[k]
            results[f"{k}_cold"] = measure(
                port, p + ("&" if "?" in p else "?") + "x=1", t, args.requests, cold=True
            )
        for k, (p, t) in endpoints.items():
            if k == "floor":
                results[k]["queries"] = 0
                continue
            queries_per_request(p, t)  # stored in this process's cache: the next is a hit
            results[k]["queries"] = queries_per_request(p, t)
            if f"{k}_cold" in results:
                cold_path = p + ("&" if "?" in p else "?") + "cold=q"
                results[f"{k}_cold"]["queries"] = queries_per_request(cold_path, t)
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
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    print(
        json.dumps(
            {"tasks": keys["tasks"], "fill_s": fill_s, "worker_rss_mb": worker_rss, **results}
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
