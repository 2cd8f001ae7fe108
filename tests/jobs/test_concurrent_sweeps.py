"""Two sweeps started at the same instant on PostgreSQL (threads, no Celery): each reminder
is recorded once and sent once, and each person gets one email."""

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connections
from jobhelpers import FRIDAY, task_due

from tasks.models import Notification, Reminder
from tasks.reminders import send_due_reminders


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_started_together_send_each_reminder_once(staff, department):
    depts = [department() for _ in range(12)]
    people = [staff(d) for d in depts for _ in range(2)]
    for i in range(240):
        task_due(FRIDAY + timedelta(days=i % 12 - 6), depts[i % 12], depts[(i + 5) % 12])
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(send_due_reminders(FRIDAY))
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    reminders = Reminder.objects.count()
    assert reminders > 300
    assert sum(r.sent for r in results) == reminders
    assert Notification.objects.count() == 2 * reminders  # two staff per department
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)
