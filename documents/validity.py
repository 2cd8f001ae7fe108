"""Documents' validity (规范性文件有效期) beyond the status rule (documents/models.py): the
review list of documents whose validity ends soon (规范性文件清理), and the secretariat's
reminder 30 working days before a document expires (daily job documents.remind_expiring)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet

from core.dates import cn_date
from core.dates import today as current_day
from departments.models import Role
from notifications.channels import Recipients
from notifications.models import OutboxMessage
from notifications.services import Message, notify
from tasks.models import Notification, within_limit
from workdays.calendars import current_calendar

from .models import Document, DocumentRelation, ExpiryReminder, Validity, light

REVIEW_DAYS = 90  # the supervisor's list: validity ending within this many days
REMIND_WORKING_DAYS = 30  # the secretariat's reminder: this many working days before the end


def expiring(today: date, days: int = REVIEW_DAYS) -> QuerySet[Document]:
    """Published documents still in force (not repealed, not expired) whose validity ends
    from ``today`` to ``days`` days ahead, soonest first."""
    return (
        Document.objects.published()
        .with_validity(today)
        .exclude(validity_status__in=[Validity.REPEALED, Validity.EXPIRED])
        .filter(valid_until__gte=today, valid_until__lte=today + timedelta(days=days))
        .select_related("issue")
        .defer(*light())
        .order_by("valid_until", "number", "pk")
    )


@dataclass
class ExpiryResult:
    sent: int = 0
    already_sent: int = 0
    recipients: int = 0

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def send_expiry_reminders(day: date | None = None) -> ExpiryResult:
    """Remind the secretariat of each published document in force whose validity ends within
    REMIND_WORKING_DAYS working days (the threshold reached, so a day the job did not run is
    caught up), once per document and end date: the reminder is recorded under a unique key
    in the transaction that puts its messages in the outbox and the inbox."""
    day = day or current_day()
    calendar = current_calendar()
    last = within_limit(day, calendar, REMIND_WORKING_DAYS)
    threshold = f"before:{REMIND_WORKING_DAYS}"
    candidates = (
        Document.objects.published()
        .with_validity(day)
        .exclude(validity_status__in=[Validity.REPEALED, Validity.EXPIRED])
        .filter(valid_until__gte=day, valid_until__lte=last)
        .filter(
            ~Exists(
                ExpiryReminder.objects.filter(
                    document=OuterRef("pk"),
                    threshold=threshold,
                    valid_until=OuterRef("valid_until"),
                )
            )
        )
        .defer(*light())
        .order_by("valid_until", "pk")
    )
    users = list(
        get_user_model()
        .objects.filter(groups__name=Role.SECRETARIAT, is_active=True)
        .distinct()
        .order_by("pk")
    )
    result = ExpiryResult(recipients=len(users))
    for doc in candidates:
        left = calendar.working_days_between(day, doc.valid_until)
        subject = settings.EMAIL_SUBJECT_PREFIX + (
            f"文件有效期将届满：{doc.number or doc.title}（{cn_date(doc.valid_until)}）"
        )
        body = (
            f"《{doc.title}》{'（' + doc.number + '）' if doc.number else ''}的有效期至"
            f"{cn_date(doc.valid_until)}，距届满还有{left}个工作日。"
            f"请组织评估，决定继续施行、修改或废止（规范性文件清理）。\n"
            f"有效期依据：{doc.validity_text or '（未载明）'}\n"
            f"{settings.SITE_URL.rstrip('/')}/documents/{doc.slug}/"
        )
        try:
            with transaction.atomic():
                ExpiryReminder.objects.create(
                    document=doc,
                    threshold=threshold,
                    valid_until=doc.valid_until,
                    recipients=len(users),
                )
                notify(
                    recipients=Recipients(users=users),
                    message=Message(
                        kind=OutboxMessage.Kind.REMINDERS,
                        subject=subject[:200],
                        body=body,
                        dedupe_key=f"expiry:{doc.pk}:{doc.valid_until.isoformat()}",
                    ),
                )
                Notification.objects.bulk_create(
                    Notification(
                        user=u, kind=Notification.Kind.REMINDER, title=subject[:200], body=body
                    )
                    for u in users
                )
        except IntegrityError:  # another run recorded it first
            result.already_sent += 1
            continue
        result.sent += 1
    return result


@dataclass
class Link:
    """One side of a relation as a page shows it: the kind, the other document when it may be
    shown (published, or visible to the reader), else its 文号 and title as cited."""

    kind: str
    kind_label: str
    number: str
    title: str
    document: Document | None
    cited_text: str
    effective_on: date | None = None


def relations_of(document: Document, user=None) -> tuple[list[Link], list[Link]]:
    """(what repeals or amends this document, what this document repeals or amends), confirmed
    relations only, each linking the other document where ``user`` may read it (the public:
    published ones). A later document counts only once the reader may see it."""
    visible = Document.objects.visible_to(user)
    labels = dict(DocumentRelation.Kind.choices)
    later = (
        DocumentRelation.objects.filter(
            target=document,
            state=DocumentRelation.State.CONFIRMED,
            source__in=visible.values("pk"),
        )
        .select_related("source__issue")
        .defer(*light("source__"))
        .order_by("id")
    )
    by = [
        Link(
            r.kind,
            labels[r.kind],
            r.source.number,
            r.source.title,
            r.source,
            r.cited_text,
            r.source.effective_on,
        )
        for r in later
    ]
    shown = set(visible.filter(relations_in__source=document).values_list("pk", flat=True))
    earlier = (
        DocumentRelation.objects.filter(source=document, state=DocumentRelation.State.CONFIRMED)
        .select_related("target__issue")
        .defer(*light("target__"))
        .order_by("id")
    )
    of = [
        Link(
            r.kind,
            labels[r.kind],
            r.target_number,
            r.target_title or (r.target.title if r.target_id in shown else ""),
            r.target if r.target_id in shown else None,
            r.cited_text,
        )
        for r in earlier
    ]
    return by, of
