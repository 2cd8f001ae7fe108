"""Reminders (到期提醒): which are due on a day, recorded once, then sent to inbox, e-mail
and the departments' work groups.

The sweep, ``send_due_reminders(day)`` (daily job ``tasks.send_reminders`` and
``manage.py send_reminders``), may be interrupted anywhere and simply run again:

1. **Record and dispatch, in one transaction.** For every open task × assigned department,
   and every unpublished disclosure event, the reminder due on ``day`` is inserted by one
   ``INSERT … SELECT … ON CONFLICT DO NOTHING`` under the unique key (task or event,
   department, threshold, due date), marked with this sweep's token. A key that an earlier
   run recorded is skipped; one that a concurrent run is recording makes this insert wait for
   that run to commit, then it is skipped (both insert in the same order: no deadlock). In
   the same transaction each department member gets an inbox entry (``Notification``) for
   each new reminder, each person one outbox e-mail listing all of their items, and each
   department with a group robot one post of its items (``notifications.notify``). Killed
   before the commit, nothing is recorded and the retry does it all once; after it, every
   reminder is recorded and its messages are in the outbox, before any is sent.
2. **Send.** ``notifications.delivery.deliver``: each message is claimed (a lease) before its
   channel is called and marked sent right after it; a failure is retried with backoff; a
   killed worker's lease runs out and the next run sends it again (an e-mail with the same
   Message-ID).
3. **Count.** ``sent N, already sent M, failed K``: reminders this run recorded whose messages
   went out (or that reach their department by inbox only); reminders due today that an
   earlier or concurrent run recorded; reminders of this run whose message failed (retried).

Thresholds ("5,1" = ``REMINDER_THRESHOLDS``) count working days before the due date; then the
due day; then weekly once overdue. A reminder is due when its threshold has been *reached*,
not only on the exact day, so a sweep that did not run one day catches up the next (only the
latest threshold: a task found 3 working days before its deadline gets the 5-day reminder,
worded "距截止还有3个工作日", and no other).

The package: ``planning`` (which reminder is due, recorded once), ``content`` (what a reminder
says), ``sweep`` (the daily run), ``digest`` (the supervisors' Monday digest), ``sql``.
"""

from .content import Item, describe, event_item, task_item
from .digest import DigestResult, overdue_by_department, send_supervisor_digest
from .planning import Plan, event_candidates, plan_for, task_candidates, threshold_for
from .sweep import SweepResult, failed_reminders, record_and_dispatch, send_due_reminders

__all__ = [
    "DigestResult",
    "Item",
    "Plan",
    "SweepResult",
    "describe",
    "event_candidates",
    "event_item",
    "failed_reminders",
    "overdue_by_department",
    "plan_for",
    "record_and_dispatch",
    "send_due_reminders",
    "send_supervisor_digest",
    "task_candidates",
    "task_item",
    "threshold_for",
]
