"""Unit tests of what keeps the site up while Redis is down (no services needed).

core.cache.RedisCache turns an unreachable Redis into cache misses; core.enqueue.enqueue turns
an unreachable broker into a warning and a job-log entry instead of an exception. The real
outages are in test_failing_services.py.
"""

from datetime import date
from unittest import mock

import kombu.exceptions
import pytest
from jobhelpers import closed_port

from core.cache import RedisCache
from core.enqueue import enqueue
from core.models import JobRun
from documents.models import GazetteIssue
from documents.services import publish_issue
from documents.tasks import render_issue_pdf
from tasks.tasks import recompute_deadlines
from workdays.models import CalendarDay


def test_an_unreachable_redis_is_a_cache_miss(caplog):
    cache = RedisCache(f"redis://127.0.0.1:{closed_port()}/0", {"KEY_PREFIX": "t"})
    assert cache.get("key", "default") == "default"
    assert cache.set("key", 1) is None
    assert cache.add("key", 1) is False
    assert cache.get_many(["a", "b"]) == {}
    assert cache.set_many({"a": 1}) == []
    assert cache.delete("key") is False
    assert cache.has_key("key") is False
    assert cache.get_or_set("key", 5) == 5
    with pytest.raises(Exception, match="Connection refused"):
        cache.incr("key")  # a counter must not pretend to count
    assert "cache: Redis unreachable" in caplog.text


BROKER_DOWN = kombu.exceptions.OperationalError("Error 111 connecting to 127.0.0.1:6399.")


@pytest.fixture
def broker_down(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://:secret@127.0.0.1:6399/0"
    with mock.patch("celery.app.task.Task.apply_async", side_effect=BROKER_DOWN) as sent:
        yield sent


@pytest.mark.django_db
def test_a_job_the_broker_cannot_take_is_logged_and_recorded(broker_down, caplog):
    assert enqueue(render_issue_pdf, 7, later="the nightly job does it") is False
    [run] = JobRun.objects.all()
    assert (run.name, run.status) == ("documents.render_issue_pdf", "failure")
    assert run.worker == "(not queued)"
    assert run.error == (
        "NotQueued: broker redis://:**@127.0.0.1:6399/0 unreachable: Error 111 connecting to "
        "127.0.0.1:6399.; the nightly job does it"
    )
    assert run.args == "{'args': [7], 'kwargs': {}}"
    assert "secret" not in caplog.text
    assert (
        "broker redis://:**@127.0.0.1:6399/0 unreachable (OperationalError: Error 111 connecting "
        "to 127.0.0.1:6399.): job documents.render_issue_pdf(7,) NOT queued; the nightly job "
        "does it"
    ) in caplog.text


@pytest.mark.django_db
def test_without_a_broker_the_job_runs_here_and_its_errors_propagate(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.CELERY_TASK_EAGER_PROPAGATES = True
    with (
        mock.patch("tasks.services.recompute_deadlines", side_effect=RuntimeError("bug")),
        pytest.raises(RuntimeError, match="bug"),
    ):
        enqueue(recompute_deadlines, later="-")


@pytest.mark.django_db
def test_publishing_and_a_calendar_change_survive_a_broker_outage(
    broker_down, django_capture_on_commit_callbacks
):
    issue = GazetteIssue.objects.create(year=2030, number=1, title="2030年第1号")
    with django_capture_on_commit_callbacks(execute=True):
        publish_issue(issue)
    with django_capture_on_commit_callbacks(execute=True):
        CalendarDay.objects.create(date=date(2032, 10, 8), kind="holiday", name="国庆节")
    # the PDF, and each app's own deadline recompute (tasks, disclosure)
    assert broker_down.call_count == 3
    assert set(JobRun.objects.values_list("name", "status")) == {
        ("documents.render_issue_pdf", "failure"),
        ("tasks.recompute_deadlines", "failure"),
        ("disclosure.recompute_deadlines", "failure"),
    }
    issue.refresh_from_db()
    assert issue.is_published
