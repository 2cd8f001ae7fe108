"""What the disclosure app does on news from below: a calendar change recomputes the events'
deadlines."""

from __future__ import annotations

from django.db.models.functions import ExtractYear
from django.dispatch import receiver

from core.enqueue import enqueue
from workdays.calendars import after_commit
from workdays.signals import calendar_changed, calendar_years_needed

from .models import DisclosureEvent


@receiver(calendar_changed, dispatch_uid="disclosure.recompute_on_calendar_change")
def recompute_on_calendar_change(sender, version: int, **kwargs) -> None:
    from .tasks import recompute_deadlines

    # after commit, so the job reads the new calendar; a broker that is down must not turn
    # the saved change into an error page: the nightly job catches up
    after_commit(
        version,
        lambda: enqueue(
            recompute_deadlines, later="the nightly recompute-disclosure-deadlines job catches up"
        ),
    )


@receiver(calendar_years_needed, dispatch_uid="disclosure.calendar_years_needed")
def years_of_event_deadlines(sender, **kwargs) -> set[int]:
    return set(
        DisclosureEvent.objects.filter(due_at__isnull=False, published_at__isnull=True)
        .annotate(y=ExtractYear("due_at"))
        .values_list("y", flat=True)
        .distinct()
    )
