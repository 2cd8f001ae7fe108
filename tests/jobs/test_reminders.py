"""The reminder sweep in-process: who is reminded of what, once, by inbox and email."""

from datetime import date, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from factories import MembershipFactory
from jobhelpers import FRIDAY, closed_port, task_due

from core.models import JobRun
from departments.models import Role
from notifications.delivery import backoff, claim
from notifications.delivery import deliver as deliver_emails
from notifications.models import OutboxMessage
from notifications.services import retry_now
from tasks import reminders
from tasks.models import Notification, Reminder, Task
from tasks.reminders import content, send_due_reminders, send_supervisor_digest

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
EAGER = override_settings(CELERY_TASK_ALWAYS_EAGER=True, CELERY_TASK_EAGER_PROPAGATES=True)


def smtp_down(settings) -> None:
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": closed_port(), "timeout": 2},
        }
    }


def smtp_up(settings) -> None:
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}


# --- who gets what ---------------------------------------------------------------------------


def test_staff_are_reminded_by_inbox_and_email_at_each_threshold(staff, department):
    finance, water = department(name="市财政局"), department(name="市水务局")
    alice, bob = staff(finance), staff(water)
    five = task_due(date(2024, 11, 8), finance, water, heading="统筹整合涉农资金")
    one = task_due(date(2024, 11, 4), finance, heading="报送年度方案")
    today = task_due(FRIDAY, water, heading="公开预算信息")
    late = task_due(date(2024, 10, 30), finance, heading="总结报送")
    task_due(date(2024, 11, 11), finance)  # 6 working days away: not yet
    task_due(date(2024, 10, 30), finance, status=Task.Status.DONE)  # done: never
    task_due(None, finance)  # no deadline

    result = send_due_reminders(FRIDAY)

    assert result.summary_line() == "sent 5, already sent 0, failed 0"
    keys = set(Reminder.objects.values_list("task_id", "department__name", "threshold"))
    assert keys == {
        (five.pk, "市财政局", "before:5"),
        (five.pk, "市水务局", "before:5"),
        (one.pk, "市财政局", "before:1"),
        (today.pk, "市水务局", "due"),
        (late.pk, "市财政局", "overdue:1"),
    }
    # one email per person, listing all of that person's items
    assert sorted(m.to[0] for m in mail.outbox) == sorted([alice.email, bob.email])
    to_alice = next(m for m in mail.outbox if m.to == [alice.email])
    assert "逾期1项" in to_alice.subject and "即将到期2项" in to_alice.subject
    body = to_alice.body
    assert "已逾期2个工作日｜总结报送" in body
    assert "距截止还有5个工作日｜统筹整合涉农资金" in body
    assert "距截止还有1个工作日｜报送年度方案" in body
    assert body.index("总结报送") < body.index("报送年度方案") < body.index("统筹整合涉农资金")
    assert "公开预算信息" not in body  # water's task, not alice's department
    assert "2024年11月8日（星期五）" in body and "市财政局（牵头）" in body
    assert to_alice.alternatives and "统筹整合涉农资金" in to_alice.alternatives[0].content
    # the inbox: one entry per item and person, linked to the task
    inbox = Notification.objects.filter(user=alice).order_by("title")
    assert inbox.count() == 3 and {n.kind for n in inbox} == {"reminder"}
    assert {n.task_id for n in inbox} == {five.pk, one.pk, late.pk}
    assert Notification.objects.get(user=bob, task=today).title.startswith(
        "今天到期：公开预算信息："  # the heading, then the task's own words
    )
    assert set(OutboxMessage.objects.values_list("state", "attempts")) == {("sent", 1)}


def test_a_person_in_two_of_a_tasks_departments_gets_one_line(staff, department):
    finance, planning = department(name="市财政局"), department(name="市发展改革委")
    both = staff(finance)
    MembershipFactory(user=both, department=planning)
    only = staff(planning)
    task = task_due(FRIDAY, finance, planning, heading="归并涉农资金")
    send_due_reminders(FRIDAY)
    assert Reminder.objects.filter(task=task).count() == 2  # one per department
    [entry] = Notification.objects.filter(user=both)
    assert "责任单位：市财政局（牵头）、市发展改革委（配合）" in entry.body
    to_both = next(m for m in mail.outbox if m.to == [both.email])
    assert to_both.body.count("归并涉农资金") == 1
    assert (
        "责任单位：市发展改革委（配合）"
        in next(m for m in mail.outbox if m.to == [only.email]).body
    )


def test_a_second_sweep_sends_nothing_again(staff, department):
    dept = department()
    staff(dept)
    task_due(date(2024, 11, 8), dept)
    task_due(FRIDAY, dept)
    assert send_due_reminders(FRIDAY).summary_line() == "sent 2, already sent 0, failed 0"
    again = send_due_reminders(FRIDAY)
    assert again.summary_line() == "sent 0, already sent 2, failed 0"
    assert len(mail.outbox) == 1
    assert Notification.objects.count() == 2 and Reminder.objects.count() == 2


def test_overdue_reminders_come_weekly(staff, department):
    dept = department()
    staff(dept)
    task_due(date(2024, 10, 31), dept)
    sent = []
    for offset in range(0, 16):
        day = date(2024, 11, 1) + timedelta(days=offset)
        sent.append(send_due_reminders(day).sent)
    # overdue from 11/1: the first day overdue, then a week later, and another week later
    assert [date(2024, 11, 1) + timedelta(days=i) for i, n in enumerate(sent) if n] == [
        date(2024, 11, 1),
        date(2024, 11, 8),
        date(2024, 11, 15),
    ]
    assert sorted(Reminder.objects.values_list("threshold", flat=True)) == [
        "overdue:1",
        "overdue:2",
        "overdue:3",
    ]


def test_a_missed_day_is_caught_up_with_the_latest_threshold_only(staff, department):
    dept = department()
    staff(dept)
    task = task_due(date(2024, 11, 6), dept)  # Wednesday: 3 working days after Friday
    send_due_reminders(FRIDAY)
    reminder = Reminder.objects.get()
    assert reminder.threshold == "before:5"
    assert Notification.objects.get().title.startswith("距截止还有3个工作日")
    # no sweep on Monday and Tuesday; Wednesday's sweep sends "due", not the 1-day reminder
    send_due_reminders(date(2024, 11, 6))
    assert list(
        Reminder.objects.filter(task=task).order_by("id").values_list("threshold", flat=True)
    ) == ["before:5", "due"]


def test_a_new_deadline_gets_its_own_reminders(staff, department):
    dept = department()
    staff(dept)
    task = task_due(FRIDAY, dept)
    send_due_reminders(FRIDAY)
    task.next_due = date(2024, 11, 8)  # extension granted
    task.save()
    assert send_due_reminders(FRIDAY).sent == 1
    assert sorted(Reminder.objects.values_list("threshold", "due_on")) == [
        ("before:5", date(2024, 11, 8)),
        ("due", FRIDAY),
    ]


def test_tasks_of_a_draft_issue_are_not_reminded(staff, department):
    from documents.models import GazetteIssue

    finance = department(name="市财政局")
    staff(finance)
    draft = task_due(FRIDAY, finance, heading="尚未发布")
    GazetteIssue.objects.filter(pk=draft.document.issue_id).update(status="draft")
    task_due(FRIDAY, finance, heading="已发布")

    result = send_due_reminders(FRIDAY)

    assert result.sent == 1
    assert list(Reminder.objects.values_list("task__heading", flat=True)) == ["已发布"]
    assert reminders.overdue_by_department(FRIDAY + timedelta(days=1))[0]["count"] == 1


def test_who_is_not_reached(staff, department):
    with_mail, without_mail, empty = department(), department(), department()
    staff(with_mail)
    quiet = staff(without_mail, email=False)
    staff(with_mail, is_active=False)
    task_due(FRIDAY, with_mail, without_mail, empty)

    result = send_due_reminders(FRIDAY)

    assert len(mail.outbox) == 1  # the inactive member gets nothing, the one without email
    assert Notification.objects.filter(user=quiet).count() == 1  # ... gets the inbox only
    assert not OutboxMessage.objects.filter(user=quiet).exists()
    assert Reminder.objects.get(department=empty).status == "no_recipients"
    assert (result.sent, result.no_recipients) == (2, 1)
    assert any("没有工作人员账号" in line for line in result.detail_lines())


def test_disclosure_events_are_reminded_against_their_publication_deadline(staff, department):
    from factories import DocumentFactory

    from disclosure.models import DisclosureEvent, DisclosureItem

    water = department(name="市水务局")
    officer = staff(water)
    item = DisclosureItem.objects.create(
        document=DocumentFactory(), order=1, seq="1", item="取水许可公告", rule_kind="working_days"
    )

    def event(due: datetime, published=None) -> DisclosureEvent:
        return DisclosureEvent.objects.create(
            item=item,
            department=water,
            subject="某公司取水许可",
            event="决定作出",
            occurred_at=due - timedelta(days=10),
            rule_kind="working_days",
            rule_n=7,
            due_at=due,
            published_at=published,
        )

    soon = event(datetime(2024, 11, 4, 23, 59, tzinfo=SH))  # Monday, end of day
    event(datetime(2024, 11, 4, 23, 59, tzinfo=SH), published=datetime(2024, 10, 30, tzinfo=SH))
    # 23:30 on 11/1 Shanghai is 15:30 UTC: it is due on the local day, today
    today = event(datetime(2024, 11, 1, 23, 30, tzinfo=SH))

    send_due_reminders(FRIDAY)

    assert set(Reminder.objects.values_list("event_id", "threshold", "due_on")) == {
        (soon.pk, "before:1", date(2024, 11, 4)),
        (today.pk, "due", FRIDAY),
    }
    message = mail.outbox[0]
    assert message.to == [officer.email]
    assert "距截止还有1个工作日｜某公司取水许可（决定作出）待主动公开" in message.body
    assert "2024年11月4日（星期一） 23:59" in message.body
    assert "今天到期｜某公司取水许可" in message.body


def test_a_long_list_is_cut_in_the_email_but_not_in_the_inbox(settings, staff, department):
    settings.REMINDER_EMAIL_MAX_ITEMS = 3
    dept = department()
    user = staff(dept)
    for _ in range(5):
        task_due(FRIDAY, dept)
    send_due_reminders(FRIDAY)
    assert "另有2项未在邮件中列出" in mail.outbox[0].body
    assert Notification.objects.filter(user=user).count() == 5


# --- exactly once, whatever happens ----------------------------------------------------------


def test_killed_before_the_commit_the_retry_sends_everything_once(staff, department, monkeypatch):
    dept = department()
    staff(dept)
    staff(dept)
    for due in (FRIDAY, date(2024, 11, 4), date(2024, 11, 8)):
        task_due(due, dept)
    real = content.person_message

    def crash(*args, **kwargs):
        raise SystemExit("worker killed")  # not an Exception: nothing may catch it

    monkeypatch.setattr(content, "person_message", crash)
    with pytest.raises(SystemExit):
        send_due_reminders(FRIDAY)
    # the transaction that records the reminders and writes inbox and outbox rolled back whole
    assert not Reminder.objects.exists()
    assert not Notification.objects.exists() and not OutboxMessage.objects.exists()

    monkeypatch.setattr(content, "person_message", real)
    result = send_due_reminders(FRIDAY)
    assert result.summary_line() == "sent 3, already sent 0, failed 0"
    assert len(mail.outbox) == 2 and Notification.objects.count() == 6


def test_killed_while_sending_the_claim_runs_out_and_the_rest_is_sent_once(
    settings, staff, department
):
    dept = department()
    for _ in range(3):
        staff(dept)
    task_due(FRIDAY, dept)
    send_due_reminders(FRIDAY, deliver=False)  # recorded and committed; the outbox holds 3
    assert set(OutboxMessage.objects.values_list("state", flat=True)) == {"pending"}

    claimed = claim(10)  # a worker claims them ... and is killed
    assert len(claimed) == 3 and not mail.outbox
    assert deliver_emails().sent == 0  # another worker keeps off while the claim holds

    OutboxMessage.objects.update(lease_until=timezone.now() - timedelta(seconds=1))
    assert deliver_emails().sent == 3
    assert deliver_emails().sent == 0
    assert len(mail.outbox) == 3
    assert len({m.extra_headers["Message-ID"] for m in mail.outbox}) == 3
    assert set(OutboxMessage.objects.values_list("state", "attempts")) == {("sent", 2)}


def test_smtp_down_is_recorded_and_retried_with_backoff(settings, staff, department):
    settings.REMINDER_RETRY_BACKOFF = 60
    dept = department()
    staff(dept)
    staff(dept)
    task_due(FRIDAY, dept)
    task_due(date(2024, 11, 4), dept)
    smtp_down(settings)

    result = send_due_reminders(FRIDAY)

    assert result.summary_line() == "sent 0, already sent 0, failed 2"
    emails = list(OutboxMessage.objects.all())
    assert {(e.state, e.attempts) for e in emails} == {("retry", 1)}
    assert all("Connection refused" in e.last_error for e in emails)
    assert all(
        timedelta(seconds=55) < e.next_try_at - timezone.now() <= timedelta(seconds=60)
        for e in emails
    )
    assert Notification.objects.count() == 4  # the inbox does not depend on the mail server

    smtp_up(settings)
    assert deliver_emails().sent == 0  # the backoff has not passed
    OutboxMessage.objects.update(next_try_at=timezone.now() - timedelta(seconds=1))
    assert deliver_emails().sent == 2
    assert {(e.state, e.attempts, e.last_error) for e in OutboxMessage.objects.all()} == {
        ("sent", 2, "")
    }
    assert len(mail.outbox) == 2
    # the sweep again: nothing new, nothing twice
    assert send_due_reminders(FRIDAY).summary_line() == "sent 0, already sent 2, failed 0"


def test_backoff_doubles_and_gives_up_after_the_last_attempt(settings, staff, department):
    settings.REMINDER_RETRY_BACKOFF = 10
    settings.REMINDER_EMAIL_MAX_ATTEMPTS = 3
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [10, 20, 40, 80]
    dept = department()
    staff(dept)
    task_due(FRIDAY, dept)
    smtp_down(settings)
    send_due_reminders(FRIDAY)
    for _ in range(2):
        OutboxMessage.objects.update(next_try_at=timezone.now())
        deliver_emails()
    email = OutboxMessage.objects.get()
    assert (email.state, email.attempts, email.next_try_at) == ("failed", 3, None)
    # given up: no more automatic attempts; the admin action puts it back in the queue
    assert deliver_emails().failed == 0
    smtp_up(settings)
    assert retry_now(messages=OutboxMessage.objects.all()) == 1
    assert deliver_emails().sent == 1


def test_a_refused_recipient_does_not_hold_up_the_others(settings, staff, department):
    dept = department()
    bad, good = staff(dept, username="bad"), staff(dept, username="good")
    settings.MAILERS = {
        "default": {
            "BACKEND": "mail_backends.RefusingBackend",
            "OPTIONS": {"refuse": bad.email},
        }
    }
    task_due(FRIDAY, dept)
    result = send_due_reminders(FRIDAY)
    assert [m.to for m in mail.outbox] == [[good.email]]
    assert OutboxMessage.objects.get(user=bad).state == "retry"
    assert "SMTPRecipientsRefused" in OutboxMessage.objects.get(user=bad).last_error
    assert (result.emails_sent, result.emails_failed, result.failed) == (1, 1, 1)


def test_the_sweep_issues_the_same_number_of_queries_for_10_or_100_tasks(staff, department):
    """Queries depend on the number of recipients (one UPDATE per email sent), not tasks."""
    depts = [department() for _ in range(3)]
    for dept in depts:
        staff(dept)

    def sweep(n: int, day: date) -> int:
        for i in range(n):
            task_due(day + timedelta(days=i % 9 - 4), depts[i % 3], depts[(i + 1) % 3])
        with CaptureQueriesContext(connection) as queries:
            result = send_due_reminders(day)
        assert result.sent > n  # every task has two departments; most are due
        return len(queries)

    small = sweep(10, date(2024, 11, 1))
    Task.objects.all().delete()
    large = sweep(100, date(2024, 12, 6))
    assert large == small


# --- the supervisors' Monday digest ------------------------------------------------------------


def test_supervisors_get_a_weekly_digest_once(django_user_model, staff, department):
    group, _ = Group.objects.get_or_create(name=Role.SUPERVISOR)
    boss = django_user_model.objects.create_user("boss", email="boss@example.gov.cn")
    quiet = django_user_model.objects.create_user("quiet")
    group.user_set.add(boss, quiet)
    finance, water = department(name="市财政局"), department(name="市水务局")
    for due in (date(2024, 10, 1), date(2024, 10, 20), date(2024, 11, 1)):
        task_due(due, finance)
    task_due(date(2024, 10, 28), water, heading="水资源公报")
    task_due(date(2024, 11, 20), water)  # not overdue
    monday = date(2024, 11, 4)

    result = send_supervisor_digest(monday)

    assert (result.sent, result.departments, result.overdue_tasks) == (2, 2, 4)
    [message] = mail.outbox
    assert message.to == [boss.email]
    assert "2个部门 4项" in message.subject
    assert "【市财政局】逾期3项，最早截止于2024年10月1日" in message.body
    assert "【市水务局】逾期1项" in message.body and "水资源公报" in message.body
    assert Notification.objects.filter(kind="digest").count() == 2
    assert OutboxMessage.objects.get(user=quiet).state == "no_address"
    # the same week again (a second worker, a rerun): nothing more
    again = send_supervisor_digest(monday + timedelta(days=2))
    assert (again.sent, again.already_sent) == (0, 2)
    assert len(mail.outbox) == 1
    # next week: a new digest
    assert send_supervisor_digest(monday + timedelta(days=7)).sent == 2


# --- the command and the jobs ------------------------------------------------------------------


def test_command_prints_the_counts_last(staff, department):
    dept = department()
    staff(dept)
    task_due(FRIDAY, dept)
    out = StringIO()
    call_command("send_reminders", "--date", "2024-11-01", "--dry-run", stdout=out)
    assert out.getvalue().splitlines()[-1] == "sent 1, already sent 0, failed 0"
    assert "试运行" in out.getvalue()
    assert not Reminder.objects.exists() and not mail.outbox

    out = StringIO()
    call_command("send_reminders", "--date", "2024-11-01", stdout=out)
    assert out.getvalue().splitlines()[-1] == "sent 1, already sent 0, failed 0"
    out = StringIO()
    call_command("send_reminders", "--date", "2024-11-01", stdout=out)
    assert out.getvalue().splitlines()[-1] == "sent 0, already sent 1, failed 0"
    out = StringIO()
    call_command("send_reminders", "--date", "2024-11-01", "--dry-run", stdout=out)
    assert out.getvalue().splitlines()[-1] == "sent 0, already sent 1, failed 0"

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("send_reminders", "--date", "11/1")


def test_command_sends_the_digest(django_user_model):
    group, _ = Group.objects.get_or_create(name=Role.SUPERVISOR)
    group.user_set.add(django_user_model.objects.create_user("boss", email="b@example.gov.cn"))
    out = StringIO()
    call_command("send_reminders", "--digest", "--date", "2024-11-04", stdout=out)
    assert out.getvalue().splitlines()[-1] == "sent 1, already sent 0, failed 0"
    assert "本周无逾期任务" in mail.outbox[0].subject


@EAGER
def test_jobs_run_in_process_and_are_logged(staff, department):
    from notifications.tasks import deliver as deliver_reminder_emails
    from tasks.tasks import send_reminders

    dept = department()
    staff(dept)
    task_due(FRIDAY, dept)
    outcome = send_reminders.delay("2024-11-01").get()
    assert (outcome["sent"], outcome["failed"]) == (1, 0)
    assert deliver_reminder_emails.delay().get() == {"sent": 0, "failed": 0}
    run = JobRun.objects.get(name="tasks.send_reminders")
    assert (run.status, run.eager) == ("success", True)
    assert "'sent': 1" in run.result and run.runtime is not None


@EAGER
def test_a_failing_job_is_logged_with_its_error():
    from tasks.tasks import send_reminders

    with pytest.raises(ValueError):
        send_reminders.delay("not-a-date")
    run = JobRun.objects.get(name="tasks.send_reminders")
    assert run.status == "failure"
    assert "ValueError" in run.error and "Traceback" in run.traceback
