"""The embedded scheduler, `manage.py run_schedule`."""

import json
import logging
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from celery.schedules import crontab
from django.core.management import call_command
from django.core.management.base import CommandError

from benxi_gazette.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]
CALLS: list[str] = []


@celery_app.task(name="tests.core.record_call")
def record_call(value: str) -> str:
    CALLS.append(value)
    return value


@celery_app.task(name="tests.core.explode")
def explode() -> None:
    raise RuntimeError("boom")


@pytest.fixture(autouse=True)
def _reset_calls():
    CALLS.clear()


@pytest.fixture
def state_file(tmp_path) -> Path:
    return tmp_path / "schedule.json"


def write_state(path: Path, **ago: timedelta) -> None:
    now = celery_app.now()
    path.write_text(json.dumps({name: (now - delta).isoformat() for name, delta in ago.items()}))


def read_state(path: Path) -> dict:
    return json.loads(path.read_text())


def run_once(state_file: Path) -> None:
    call_command("run_schedule", "--once", state_file=state_file)


def test_due_interval_job_runs_once(settings, state_file, caplog):
    settings.CELERY_BEAT_SCHEDULE = {
        "record": {
            "task": "tests.core.record_call",
            "schedule": timedelta(minutes=5),
            "args": ("hello",),
        }
    }
    write_state(state_file, record=timedelta(minutes=10))
    with caplog.at_level(logging.INFO, logger="core.run_schedule"):
        run_once(state_file)
    assert CALLS == ["hello"]
    assert "job record (tests.core.record_call) done" in caplog.text
    # The run was recorded, so an immediate second check finds nothing due.
    run_once(state_file)
    assert CALLS == ["hello"]


def test_job_not_yet_due_does_not_run(settings, state_file):
    settings.CELERY_BEAT_SCHEDULE = {
        "record": {"task": "tests.core.record_call", "schedule": 300, "args": ("x",)}
    }
    write_state(state_file, record=timedelta(minutes=1))
    run_once(state_file)
    assert CALLS == []


def test_new_job_waits_for_its_first_scheduled_time(settings, state_file):
    settings.CELERY_BEAT_SCHEDULE = {
        "record": {"task": "tests.core.record_call", "schedule": 300, "args": ("x",)}
    }
    run_once(state_file)
    assert CALLS == []
    assert "record" in read_state(state_file)


def test_crontab_job_missed_while_down_runs_once(settings, state_file):
    settings.CELERY_BEAT_SCHEDULE = {
        "nightly": {
            "task": "tests.core.record_call",
            "schedule": crontab(hour=3, minute=0),
            "kwargs": {"value": "nightly"},
        }
    }
    write_state(state_file, nightly=timedelta(days=2))
    run_once(state_file)
    run_once(state_file)
    assert CALLS == ["nightly"]


def test_failing_job_is_logged_and_does_not_stop_the_others(settings, state_file, caplog):
    settings.CELERY_BEAT_SCHEDULE = {
        "explode": {"task": "tests.core.explode", "schedule": 60},
        "missing": {"task": "tests.core.no_such_task", "schedule": 60},
        "record": {"task": "tests.core.record_call", "schedule": 60, "args": ("after",)},
    }
    ago = timedelta(minutes=5)
    write_state(state_file, explode=ago, missing=ago, record=ago)
    with (
        caplog.at_level(logging.INFO, logger="core.run_schedule"),
        pytest.raises(CommandError, match="2 scheduled job"),
    ):
        run_once(state_file)
    assert CALLS == ["after"]
    assert "job explode (tests.core.explode) failed" in caplog.text
    assert "RuntimeError: boom" in caplog.text
    assert "tests.core.no_such_task is not registered" in caplog.text


def test_empty_schedule_does_nothing(settings, state_file):
    settings.CELERY_BEAT_SCHEDULE = {}
    run_once(state_file)
    assert CALLS == []


def test_loop_runs_and_stops_on_sigterm(tmp_path):
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "ENV_FILE": os.devnull,
        "DEBUG": "1",
        "SCHEDULE_STATE_FILE": str(tmp_path / "state.json"),
    }
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "run_schedule", "--interval", "0.2"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert proc.stdout is not None
        first_line = proc.stdout.readline()
        assert "run_schedule:" in first_line and "recompute-deadlines" in first_line
        time.sleep(0.5)
        assert proc.poll() is None, "the scheduler should keep running"
        proc.send_signal(signal.SIGTERM)
        output, _ = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0
    assert "run_schedule: stopped" in output
