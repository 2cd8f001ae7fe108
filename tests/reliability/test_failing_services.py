"""The site when Redis or PostgreSQL fail: real outages of private instances (conftest.py).

gunicorn serves the site with production settings against a PostgreSQL cluster and a Redis
(cache and Celery broker) of the test's own, which the tests stop, start and restart. The
machine's shared services are not involved. (SMTP down: tests/jobs/test_reminders.py,
test_smtp_down_is_recorded_and_retried_with_backoff.)
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import psycopg
import pytest
import requests
from jobhelpers import wait_until
from paths import ROOT

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow]

# Nothing here may take long: an outage must give a quick answer, not a hang.
QUICK = 5.0


def public_reads(site) -> list[str]:
    year, number = site.facts["seed_issue"]
    return [
        "/",
        "/gazette/",
        f"/gazette/{year}/{number}/",
        f"/gazette/{year}/{number}/pdf",
        f"/documents/{site.facts['document']}/",
        "/catalogue/",
        "/departments/",
        "/search/?q=财政",
        "/feed/",
        "/sitemap.xml",
        "/api/issues/",
        "/api/documents/",
        "/api/catalogue/",
        "/api/departments/",
        "/healthz",
    ]


# Read with the secretariat's API token (the others anonymously).
SIGNED_IN = {"/api/tasks/", "/api/me/"}


def timed_get(server, path: str, token: str = ""):
    headers = {"Authorization": f"Token {token}"} if token and path in SIGNED_IN else {}
    started = time.monotonic()
    response = server.get(path, headers=headers)
    return response.status_code, time.monotonic() - started


def read_all(server, site) -> dict[str, tuple[int, float]]:
    paths = [*public_reads(site), *sorted(SIGNED_IN)]
    return {path: timed_get(server, path, site.facts["token"]) for path in paths}


def statuses(answers: dict) -> dict[str, int]:
    return {path: status for path, (status, _) in answers.items()}


def query(site, sql: str, params=()) -> list[tuple]:
    with psycopg.connect(site.database_url) as conn:
        return conn.execute(sql, params).fetchall()


def issue_row(site, pk: int) -> tuple[str, str]:
    return query(site, "SELECT status, pdf FROM documents_gazetteissue WHERE id = %s", [pk])[0]


def manage_shell(site, code: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=site.env(),
        capture_output=True,
        text=True,
        timeout=60,
    )


# --- Redis down -------------------------------------------------------------------------------


def test_with_redis_down_the_site_serves_and_queued_jobs_are_recorded_then_done(site, gunicorn):
    answers = read_all(gunicorn, site)
    everything_ok = dict.fromkeys(answers, 200)
    assert statuses(answers) == everything_ok

    site.redis.stop()  # the cache and the broker
    try:
        answers = read_all(gunicorn, site)
        assert statuses(answers) == everything_ok
        slow = {path: round(took, 2) for path, (_, took) in answers.items() if took > QUICK}
        assert slow == {}
        assert "cache: Redis unreachable" in gunicorn.log_text()

        # publishing: the issue is published, its PDF job cannot be queued
        draft = site.facts["draft_issue"]
        started = time.monotonic()
        response = gunicorn.post(
            f"/api/issues/{draft}/publish/",
            headers={"Authorization": f"Token {site.facts['token']}"},
        )
        took = time.monotonic() - started
        assert response.status_code == 200, response.text[:2000]
        assert response.json()["status"] == "published"
        assert took < QUICK
        assert issue_row(site, draft) == ("published", "")
        broker = f"broker {site.redis.url} unreachable"
        [(args, error, worker)] = query(
            site,
            "SELECT args, error, worker FROM core_jobrun"
            " WHERE name = 'documents.render_issue_pdf' AND status = 'failure'",
        )
        assert error.startswith(f"NotQueued: {broker}: Error 111 connecting") and (
            "nightly render-issue-pdfs" in error
        )
        assert f"[{draft}]" in args and worker == "(not queued)"
        log = gunicorn.log_text()
        assert f"WARNING core.jobs: {broker}" in log
        assert f"job documents.render_issue_pdf({draft},) NOT queued" in log

        # a calendar change (its recompute job cannot be queued either): saved, no error
        changed = manage_shell(
            site,
            "import datetime; from workdays.models import CalendarDay; CalendarDay.objects.create("
            "date=datetime.date(2032, 10, 8), kind='holiday', name='国庆节')",
        )
        assert changed.returncode == 0, changed.stderr
        assert f"{broker}" in changed.stderr and "tasks.recompute_deadlines() NOT queued" in (
            changed.stderr
        )
        saved = "SELECT count(*) FROM tasks_calendarday WHERE date = '2032-10-08'"
        assert query(site, saved) == [(1,)]
    finally:
        site.redis.start()

    # Redis is back: the cache works again, and the nightly scan (sent as beat would) makes
    # the PDF that was not queued.
    assert statuses(read_all(gunicorn, site)) == everything_ok
    worker = site.start_worker()
    try:
        sent = manage_shell(
            site,
            "from documents.tasks import render_stale_issue_pdfs; render_stale_issue_pdfs.delay()",
        )
        assert sent.returncode == 0, sent.stderr
        wait_until(lambda: issue_row(site, draft)[1], 45, "the nightly scan to render the PDF")
    finally:
        worker.terminate()
        worker.wait(timeout=20)
    [(status, result)] = query(
        site,
        "SELECT status, result FROM core_jobrun WHERE name = 'documents.render_stale_issue_pdfs'",
    )
    assert status == "success" and "2019-1" in result
    assert (site.media / "gazette" / "pdf").is_dir()


# --- PostgreSQL restarted, then down ----------------------------------------------------------


class Traffic(threading.Thread):
    """Requests one after another until stopped: (started, status or error, seconds)."""

    def __init__(self, server, paths: list[str]) -> None:
        super().__init__(daemon=True)
        self.server, self.paths = server, paths
        self.done = threading.Event()
        self.seen: list[tuple[float, object, float]] = []

    def run(self) -> None:
        n = 0
        while not self.done.is_set():
            path = self.paths[n % len(self.paths)]
            n += 1
            started = time.monotonic()
            try:
                outcome: object = self.server.get(path, timeout=20).status_code
            except requests.RequestException as exc:
                outcome = type(exc).__name__
            self.seen.append((started, outcome, time.monotonic() - started))
            time.sleep(0.02)


def test_a_postgres_restart_during_traffic_is_survived_and_an_outage_answers_quickly(
    site, gunicorn
):
    pages = ["/gazette/", "/api/issues/", "/api/documents/", "/healthz", "/departments/"]
    for _ in range(3):  # every worker holds a persistent connection (CONN_MAX_AGE)
        assert [gunicorn.get(p).status_code for p in pages] == [200] * len(pages)

    # restarted while idle: each worker's first request after it finds its connection dead;
    # the health check (CONN_HEALTH_CHECKS) reconnects instead of failing the request
    site.postgres.restart()
    for _ in range(3):
        assert [gunicorn.get(p).status_code for p in pages] == [200] * len(pages)

    # restarted under traffic: requests meanwhile get an answer (200 or an error page, quickly)
    traffic = Traffic(gunicorn, pages)
    traffic.start()
    time.sleep(0.5)
    site.postgres.restart()  # pg_ctl restart -m fast: every connection is cut
    restarted = time.monotonic()
    time.sleep(1.5)
    traffic.done.set()
    traffic.join(timeout=30)

    outcomes = {outcome for _, outcome, _ in traffic.seen}
    assert outcomes <= {200, 500, 503}, traffic.seen  # answers, never a dropped connection
    assert max(took for _, _, took in traffic.seen) < QUICK
    after = [outcome for started, outcome, _ in traffic.seen if started > restarted]
    assert after and set(after) == {200}, after  # and all work once it is back

    # down: quick error answers, no hang; /ping needs no database

    site.postgres.stop()
    try:
        answers = {path: timed_get(gunicorn, path) for path in [*pages, "/", "/ping"]}
        assert {path: status for path, (status, _) in answers.items()} == {
            "/gazette/": 500,
            "/api/issues/": 500,
            "/api/documents/": 500,
            "/healthz": 503,
            "/departments/": 500,
            "/": 500,
            "/ping": 200,
        }
        assert max(took for _, took in answers.values()) < QUICK
        assert gunicorn.get("/healthz").json() == {"status": "error", "database": "unreachable"}
    finally:
        site.postgres.start()
    assert [gunicorn.get(p).status_code for p in pages] == [200] * len(pages)
    assert gunicorn.process.poll() is None  # no worker or master died on the way
