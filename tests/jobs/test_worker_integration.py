"""The reminder sweep end to end, through a real Celery worker and the real Redis.

The worker runs in this process (celery.contrib.testing.worker) or, where it must be killed,
as a subprocess; either way it sees only committed rows, hence transaction=True. Each test uses
a queue of its own, so a worker elsewhere on the same Redis takes none of its jobs.
"""

import ast
import os
import signal
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from celery import signals
from celery.contrib.testing.worker import start_worker
from django.conf import settings as django_settings
from django.core import mail
from django.db import connection, connections
from django.test import override_settings
from jobhelpers import FRIDAY, closed_port, task_due, wait_until

from benxi_gazette.celery import app as celery_app
from core.models import JobRun
from notifications.models import OutboxMessage
from notifications.tasks import deliver as deliver_reminder_emails
from tasks.models import Notification, Reminder
from tasks.tasks import send_reminders

ROOT = Path(__file__).resolve().parents[2]
DAY = FRIDAY.isoformat()

pytestmark = [
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def queue():
    name = f"test-jobs-{uuid.uuid4().hex[:10]}"
    yield name
    import redis

    client = redis.Redis.from_url(django_settings.REDIS_URL)
    client.delete(name, f"_kombu.binding.{name}", f"_kombu.binding_permanent.{name}")


WORKER_CONNECTIONS = "benxi-jobs-test-worker"


def _drop_worker_connections() -> None:
    """Connections the in-process worker left open must not outlive the test (flush, DROP);
    only those, marked by their application_name, whatever else uses the database."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = "
            "current_database() AND application_name = %s AND pid <> pg_backend_pid()",
            [WORKER_CONNECTIONS],
        )


@contextmanager
def running_worker(queue: str, **options):
    """A worker in a thread of this process, consuming only ``queue``."""

    def close_db(**_ignored):
        connections.close_all()

    uid = f"close-db-{queue}"
    # new connections (the worker's threads) carry a name, so that cleanup finds only them
    params = connections.settings["default"].setdefault("OPTIONS", {})
    previous = params.get("application_name")
    params["application_name"] = WORKER_CONNECTIONS
    signals.task_postrun.connect(close_db, weak=False, dispatch_uid=uid)
    try:
        with (
            override_settings(CELERY_WORKER_HIJACK_ROOT_LOGGER=False),
            start_worker(
                celery_app,
                queues=[queue],
                perform_ping_check=False,
                loglevel="WARNING",
                shutdown_timeout=60,
                **options,
            ) as worker,
        ):
            yield worker
    finally:
        signals.task_postrun.disconnect(dispatch_uid=uid)
        if previous is None:
            params.pop("application_name", None)
        else:
            params["application_name"] = previous
        _drop_worker_connections()


def finished_runs(*task_ids: str) -> list[JobRun]:
    def done():
        runs = list(JobRun.objects.filter(task_id__in=task_ids, status__in=["success", "failure"]))
        return runs if len(runs) == len(task_ids) else None

    return wait_until(done, what=f"jobs {task_ids}")


def outcome(run: JobRun) -> dict:
    assert run.status == "success", run.error
    return ast.literal_eval(run.result)


@pytest.fixture
def offices(staff, department):
    """12 departments with two staff each, 240 tasks due around FRIDAY, two departments each."""
    depts = [department() for _ in range(12)]
    people = [staff(d) for d in depts for _ in range(2)]
    for i in range(240):
        task_due(FRIDAY + timedelta(days=i % 12 - 6), depts[i % 12], depts[(i + 5) % 12])
    return depts, people


def test_two_concurrent_sweeps_send_each_reminder_once(queue, offices):
    _depts, people = offices
    with running_worker(queue, pool="threads", concurrency=2):
        jobs = [send_reminders.apply_async(args=[DAY], queue=queue) for _ in range(2)]
        runs = finished_runs(*(job.id for job in jobs))
    reminders = Reminder.objects.count()
    assert reminders > 300
    # the two runs together sent every reminder once: one found the other's work done
    assert sum(outcome(run)["sent"] for run in runs) == reminders
    assert Notification.objects.count() == 2 * reminders  # two staff per department
    # one email per person, each of their items in it once
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)
    assert set(OutboxMessage.objects.values_list("state", flat=True)) == {"sent"}
    for person in people:
        [message] = [m for m in mail.outbox if m.to == [person.email]]
        items = Notification.objects.filter(user=person).count()
        assert message.body.count("｜") == items


def test_an_smtp_failure_is_retried_by_the_worker(queue, offices, settings):
    _depts, people = offices
    settings.REMINDER_RETRY_BACKOFF = 1
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": closed_port(), "timeout": 2},
        }
    }
    with running_worker(queue):
        sweep = send_reminders.apply_async(args=[DAY], queue=queue)
        [run] = finished_runs(sweep.id)
        result = outcome(run)
        assert result["sent"] == 0 and result["failed"] == Reminder.objects.count()
        failing = list(OutboxMessage.objects.all())
        assert len(failing) == len(people)
        assert {(e.state, e.attempts) for e in failing} == {("retry", 1)}
        assert all("Connection refused" in e.last_error for e in failing)
        assert not mail.outbox

        settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
        time.sleep(1.2)  # the backoff
        retry = deliver_reminder_emails.apply_async(queue=queue)
        [run] = finished_runs(retry.id)
        assert outcome(run) == {"sent": len(people), "failed": 0}
    assert {(e.state, e.attempts, e.last_error) for e in OutboxMessage.objects.all()} == {
        ("sent", 2, "")
    }
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)


# --- a worker killed mid-sweep ---------------------------------------------------------------


def start_subprocess_worker(queue: str, mail_dir: Path, log: Path, name: str):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "worker_settings",
        "PYTHONPATH": os.pathsep.join(
            [str(ROOT / "tests" / "jobs"), str(ROOT / "tests"), str(ROOT)]
        ),
        "ENV_FILE": os.devnull,
        "DEBUG": "1",
        "TEST_DATABASE_NAME": connection.settings_dict["NAME"],
        "TEST_QUEUE": queue,
        "TEST_VISIBILITY_TIMEOUT": "3",
        "TEST_EMAIL_LEASE": "2",
        "SLOW_MAIL_DIR": str(mail_dir),
        "SLOW_MAIL_DELAY": "1",
    }
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "benxi_gazette",
        "worker",
        "-P",
        "solo",
        "-Q",
        queue,
        "-n",
        f"{name}@%h",
        "-l",
        "INFO",
        "--without-heartbeat",
        "--without-mingle",
        "--without-gossip",
    ]
    with log.open("ab") as out:
        return subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def stop(process: subprocess.Popen, sig: int) -> None:
    if process.poll() is None:
        os.killpg(process.pid, sig)
    process.wait(timeout=60)


def test_a_worker_killed_mid_sweep_is_replaced_and_sends_the_rest_once(
    queue, staff, department, tmp_path
):
    people = []
    for _ in range(5):
        dept = department()
        people.append(staff(dept))
        task_due(FRIDAY, dept)
    mail_dir, log = tmp_path / "mail", tmp_path / "workers.log"
    mail_dir.mkdir()

    def delivered() -> list[Path]:
        return sorted(mail_dir.glob("mail-*.eml"))

    first = start_subprocess_worker(queue, mail_dir, log, "first")
    second = None
    try:
        sweep = send_reminders.apply_async(args=[DAY], queue=queue)
        # two emails out, the third in flight: kill the worker there (no warm shutdown)
        wait_until(
            lambda: len(delivered()) == 2 and len(list(mail_dir.glob("sending-*"))) == 3,
            what="two emails delivered and a third in flight\n" + log.read_text(errors="replace"),
        )
        stop(first, signal.SIGKILL)
        assert len(delivered()) == 2
        assert JobRun.objects.get(task_id=sweep.id).status == "started"  # never finished
        assert OutboxMessage.objects.filter(state="sent").count() == 2
        assert OutboxMessage.objects.filter(state="sending").count() == 3  # claimed, leased

        # The sweep was never acknowledged (acks_late): once the broker's visibility timeout
        # has passed, a new worker gets it again and finishes the work, sending the rest.
        time.sleep(3.5)
        second = start_subprocess_worker(queue, mail_dir, log, "second")
        wait_until(
            lambda: JobRun.objects.filter(task_id=sweep.id, status="success").exists(),
            timeout=120,
            what="the redelivered sweep\n" + log.read_text(errors="replace"),
        )
    finally:
        stop(first, signal.SIGKILL)
        if second is not None:
            stop(second, signal.SIGTERM)

    messages = [path.read_text(errors="replace") for path in delivered()]
    assert len(messages) == 5, "each person once, none twice"
    recipients = sorted(
        line.split(":", 1)[1].strip()
        for m in messages
        for line in m.splitlines()
        if line.startswith("To:")
    )
    assert recipients == sorted(p.email for p in people)
    assert set(OutboxMessage.objects.values_list("state", flat=True)) == {"sent"}
    assert sorted(OutboxMessage.objects.values_list("attempts", flat=True)) == [1, 1, 2, 2, 2]
    assert Reminder.objects.count() == 5 and Notification.objects.count() == 5
    runs = JobRun.objects.filter(task_id=sweep.id).order_by("started_at")
    assert [run.status for run in runs] == ["started", "success"]
