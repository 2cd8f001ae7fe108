"""Private calendar feeds: create, fetch without login, RFC 5545 text, revoke."""

import re
from datetime import date

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from departments.models import Department, Membership
from staff import ics
from staff.models import CalendarFeed
from tasks.models import Task

pytestmark = pytest.mark.django_db


def test_text_values_survive_escaping_and_folding():
    """Commas, semicolons, backslashes and newlines in a long Chinese summary come back intact
    from a parser, and no line is longer than 75 octets."""
    summary = "a,b;c\\d\ne" + "本溪市人民政府公报任务" * 10
    text = ics.calendar(
        "测试",
        [ics.Event(uid="u1@x", day=date(2024, 9, 30), summary=summary, description="x;y")],
        now=timezone.now(),
    )
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    assert "SUMMARY:a\\,b\\;c\\\\d\\ne" in text
    (event,) = icalendar.Calendar.from_ical(text).walk("VEVENT")
    assert str(event["SUMMARY"]) == summary
    assert str(event["DESCRIPTION"]) == "x;y"
    assert event.decoded("DTSTART") == date(2024, 9, 30)


def test_calendar_text_is_rfc5545():
    text = ics.calendar(
        "测试",
        [ics.Event(uid="u1@x", day=date(2024, 9, 30), summary="截止, 测试；x")],
        now=timezone.now(),
    )
    assert text.startswith("BEGIN:VCALENDAR\r\n")
    assert "\r\nVERSION:2.0\r\n" in text
    assert text.endswith("END:VCALENDAR\r\n")
    assert "\n" not in text.replace("\r\n", "")
    assert "DTSTART;VALUE=DATE:20240930\r\n" in text
    assert "DTEND;VALUE=DATE:20241001\r\n" in text
    assert "SUMMARY:截止\\, 测试；x\r\n" in text
    assert re.search(r"DTSTAMP:\d{8}T\d{6}Z\r\n", text)


def test_feed_lifecycle(seed, users, client_for):
    client = client_for("finance")
    finance = Department.objects.get(name="市财政局")
    response = client.post(reverse("staff:calendar"), {"department": finance.pk})
    assert response.status_code == 302
    feed = CalendarFeed.objects.get(user=users["finance"])
    assert len(feed.token) >= 40
    page = client.get(reverse("staff:calendar")).content.decode()
    url = reverse("staff:ics", args=[feed.token])
    assert url in page

    anonymous = client_for(None)
    response = anonymous.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    text = response.content.decode()
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    unfolded = text.replace("\r\n ", "")
    open_tasks = Task.objects.filter(
        assignments__department=finance, next_due__isnull=False
    ).exclude(status="done")
    uids = set(re.findall(r"UID:task-(\d+)-dept-", unfolded))
    assert uids == {str(pk) for pk in open_tasks.values_list("pk", flat=True)}
    other = Task.objects.exclude(assignments__department=finance).exclude(next_due=None).first()
    assert f"UID:task-{other.pk}-" not in unfolded
    assert unfolded.count("BEGIN:VEVENT") == open_tasks.count()
    one = open_tasks.first()
    assert f"DTSTART;VALUE=DATE:{one.next_due:%Y%m%d}" in unfolded

    # done tasks leave the feed
    Task.objects.filter(pk=one.pk).update(status="done")
    assert f"UID:task-{one.pk}-" not in anonymous.get(url).content.decode().replace("\r\n ", "")

    # revoked: 404; a new feed gets a new token
    client.post(reverse("staff:calendar-revoke", args=[feed.pk]))
    assert anonymous.get(url).status_code == 404
    client.post(reverse("staff:calendar"), {"department": finance.pk})
    fresh = CalendarFeed.objects.filter(user=users["finance"], revoked_at=None).get()
    assert fresh.token != feed.token
    assert anonymous.get(reverse("staff:ics", args=[fresh.token])).status_code == 200


def test_feed_needs_membership_and_own_departments(seed, users, client_for):
    health = Department.objects.get(name="市卫生计生委")
    # a department one is not in cannot be chosen
    response = client_for("finance").post(reverse("staff:calendar"), {"department": health.pk})
    assert response.status_code == 200 and not CalendarFeed.objects.exists()
    finance = Department.objects.get(name="市财政局")
    feed = CalendarFeed.objects.create(user=users["finance"], department=finance)
    url = reverse("staff:ics", args=[feed.token])
    assert client_for(None).get(url).status_code == 200
    Membership.objects.filter(user=users["finance"]).delete()
    assert client_for(None).get(url).status_code == 404
    # someone else's feed cannot be revoked
    assert (
        client_for("health").post(reverse("staff:calendar-revoke", args=[feed.pk])).status_code
        == 404
    )
    assert client_for(None).get("/work/ics/not-a-real-token-at-all-xx.ics").status_code == 404
