"""The periodic jobs in code, their times from the environment, the admin that shows them."""

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from celery.schedules import crontab
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from jobhelpers import FRIDAY, closed_port, task_due

from benxi_gazette.celery import app as celery_app
from benxi_gazette.schedule import BEAT_SCHEDULE
from core.jobs import prune_job_runs
from core.models import JobRun
from core.schedule_info import describe
from notifications.models import OutboxMessage
from tasks.models import Reminder
from tasks.reminders import send_due_reminders

ROOT = Path(__file__).resolve().parents[2]
EAGER = override_settings(CELERY_TASK_ALWAYS_EAGER=True, CELERY_TASK_EAGER_PROPAGATES=True)


def test_the_schedule_lives_in_code():
    def when(name):
        s = BEAT_SCHEDULE[name]["schedule"]
        return describe(s)

    assert when("send-reminders") == "每天 08:30"
    assert when("supervisor-digest") == "每周一 08:30"
    assert when("deliver-notifications") == "每5分钟"
    assert when("recompute-deadlines") == "每天 01:00"
    assert when("render-issue-pdfs") == "每天 02:00"
    celery_app.autodiscover_tasks(force=True)
    for entry in BEAT_SCHEDULE.values():  # every job names a registered task
        assert entry["task"] in celery_app.tasks, entry["task"]
    assert all(isinstance(e["schedule"], crontab) for e in BEAT_SCHEDULE.values())


def schedule_in_subprocess(tmp_path, **env) -> dict:
    """The schedule as a fresh process reads it, with only ``env`` (and maybe a .env file)."""
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        "from core.schedule_info import describe; print(json.dumps({n: describe(e['schedule']) "
        "for n, e in settings.CELERY_BEAT_SCHEDULE.items()}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "DJANGO_SETTINGS_MODULE": "benxi_gazette.settings",
            "DEBUG": "1",
            "ENV_FILE": os.devnull,
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_times_come_from_the_environment_or_the_env_file(tmp_path):
    got = schedule_in_subprocess(
        tmp_path,
        REMINDER_TIME="07:45",
        SUPERVISOR_DIGEST_TIME="09:05",
        REMINDER_DELIVERY_MINUTES="10",
    )
    assert got["send-reminders"] == "每天 07:45"
    assert got["supervisor-digest"] == "每周一 09:05"
    assert got["deliver-notifications"] == "每10分钟"
    env_file = tmp_path / "test.env"
    env_file.write_text("REMINDER_TIME=06:15\nRECOMPUTE_DEADLINES_TIME=00:30\n")
    got = schedule_in_subprocess(tmp_path, ENV_FILE=str(env_file))
    assert (got["send-reminders"], got["recompute-deadlines"]) == ("每天 06:15", "每天 00:30")
    # the environment wins over the file
    got = schedule_in_subprocess(tmp_path, ENV_FILE=str(env_file), REMINDER_TIME="08:00")
    assert got["send-reminders"] == "每天 08:00"


@pytest.mark.django_db
def test_without_a_broker_run_schedule_sends_the_reminders_in_process(tmp_path, staff, department):
    dept = department()
    staff(dept)
    task_due(timezone.localdate(), dept)
    state = tmp_path / "state.json"
    now = celery_app.now()
    last = {name: now for name in BEAT_SCHEDULE}
    last["send-reminders"] = now - timedelta(days=2)  # missed while down: due now
    state.write_text(json.dumps({n: t.isoformat() for n, t in last.items()}))
    call_command("run_schedule", "--once", state_file=state)
    assert Reminder.objects.get().threshold == "due"
    assert len(mail.outbox) == 1
    assert JobRun.objects.get(name="tasks.send_reminders").status == "success"


@pytest.mark.django_db
def test_the_import_leaves_no_deadline_to_recompute(seed_text):
    """Why there is no recompute job after an import: it sets next_due of what it writes."""
    from documents.services import import_issue
    from tasks.services import recompute_deadlines

    import_issue(seed_text)
    assert recompute_deadlines() == 0


@pytest.fixture
def seed_text():
    from paths import SEED_PATH

    return SEED_PATH.read_text(encoding="utf-8")


# --- the admin ---------------------------------------------------------------------------------


@pytest.mark.django_db
@EAGER
def test_admin_shows_the_schedule_and_runs_a_job_now(admin_client):
    page = admin_client.get("/admin/core/jobrun/")
    assert page.status_code == 200
    html = page.content.decode()
    for name in BEAT_SCHEDULE:
        assert name in html
    assert "每天 08:30" in html and "每周一 08:30" in html and "立即运行" in html
    response = admin_client.post("/admin/core/jobrun/run/deliver-notifications/")
    assert response.status_code == 302
    run = JobRun.objects.get(name="notifications.deliver")
    assert run.status == "success"
    html = admin_client.get("/admin/core/jobrun/").content.decode()
    assert "成功" in html
    assert admin_client.get(f"/admin/core/jobrun/{run.pk}/change/").status_code == 200


@pytest.mark.django_db
@EAGER
def test_a_failed_job_is_flagged_in_the_admin(admin_client):
    from tasks.tasks import send_reminders

    with pytest.raises(ValueError):
        send_reminders.delay("31-12-2024")
    page = admin_client.get("/admin/core/jobrun/?status__exact=failure")
    html = page.content.decode()
    assert "有 1 次后台任务运行失败" in html and "ValueError" in html


@pytest.mark.django_db
def test_only_permitted_users_run_jobs(client, django_user_model):
    staff = django_user_model.objects.create_user("clerk", is_staff=True)
    client.force_login(staff)
    response = client.post("/admin/core/jobrun/run/send-reminders/")
    assert response.status_code == 403
    assert not JobRun.objects.exists()


@pytest.fixture
def failed_sweep(settings, staff, department):
    dept = department(name="市财政局")
    staff(dept)
    task_due(FRIDAY, dept, heading="统筹整合涉农资金")
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": closed_port(), "timeout": 2},
        }
    }
    send_due_reminders(FRIDAY)
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}


@pytest.mark.django_db
def test_admin_lists_reminders_and_emails_with_their_errors(admin_client, failed_sweep):
    html = admin_client.get("/admin/tasks/reminder/").content.decode()
    assert "截止当日" in html and "市财政局" in html
    reminder = Reminder.objects.get()
    assert admin_client.get(f"/admin/tasks/reminder/{reminder.pk}/change/").status_code == 200
    html = admin_client.get("/admin/notifications/outboxmessage/").content.decode()
    assert "发送失败，等待重试" in html and "1 条消息发送失败" in html
    email = OutboxMessage.objects.get()
    assert email.attempts == 1 and email.last_error
    assert (
        admin_client.get(f"/admin/notifications/outboxmessage/{email.pk}/change/").status_code
        == 200
    )
    response = admin_client.post(
        "/admin/notifications/outboxmessage/",
        {"action": "retry_now", "_selected_action": [email.pk]},
    )
    assert response.status_code == 302
    email.refresh_from_db()
    assert (email.state, email.next_try_at) == ("pending", None)


@pytest.mark.django_db
def test_issue_admin_shows_the_pdf_state(admin_client, seed_text):
    from documents.models import GazetteIssue
    from documents.services import import_issue

    import_issue(seed_text)
    issue = GazetteIssue.objects.get()
    html = admin_client.get(f"/admin/documents/gazetteissue/{issue.pk}/change/").content.decode()
    assert "尚未生成" in html
    assert admin_client.get("/admin/documents/gazetteissue/").status_code == 200


@pytest.mark.django_db
def test_old_successful_runs_are_pruned_failures_kept():
    old = timezone.now() - timedelta(days=40)
    for status in ("success", "failure"):
        JobRun.objects.create(task_id=status, name="x", status=status, started_at=old)
    JobRun.objects.create(task_id="new", name="x", status="success", started_at=timezone.now())
    assert prune_job_runs(30) == 1
    assert sorted(JobRun.objects.values_list("task_id", flat=True)) == ["failure", "new"]
