"""Writes of the notifications app: put messages in the outbox, put failed ones back."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet

from .channels import Channel, Recipients, all_channels
from .models import OutboxMessage


@dataclass(frozen=True)
class Message:
    """What to say: the same words on every channel (HTML only where a channel shows it)."""

    kind: str
    subject: str
    body: str
    html: str = ""
    # Once per period (a weekly digest): a second notify with the same key and address
    # raises IntegrityError, and a person with no address still gets a row that remembers it.
    dedupe_key: str | None = None
    batch: uuid.UUID | None = None


def _rows(channels: list[Channel], recipients: Recipients, message: Message):
    for channel in channels:
        for to in channel.addresses(recipients):
            if not to.address and not message.dedupe_key:
                continue  # nobody to reach, and nothing to remember
            yield OutboxMessage(
                channel=channel.name,
                kind=message.kind,
                user_id=to.user_id,
                department_id=to.department_id,
                robot_id=to.robot_id,
                address=to.address[:254],
                subject=message.subject[:200],
                body=message.body,
                html=message.html if channel.name == "email" else "",
                dedupe_key=message.dedupe_key,
                batch=message.batch,
                state=OutboxMessage.State.PENDING if to.address else OutboxMessage.State.NO_ADDRESS,
            )


def notify_all(
    *, messages: Iterable[tuple[Recipients, Message]], batch_size: int = 2000
) -> list[OutboxMessage]:
    """``notify`` for many messages at once (a reminder sweep): one INSERT per batch."""
    channels = all_channels()
    rows = [row for recipients, message in messages for row in _rows(channels, recipients, message)]
    return OutboxMessage.objects.bulk_create(rows, batch_size=batch_size)


def notify(*, recipients: Recipients, message: Message) -> list[OutboxMessage]:
    """Put ``message`` in the outbox once per channel and address of ``recipients``: e-mail to
    the people, the group robots of the departments. In the caller's transaction: the
    messages exist if and only if what they announce was committed. The delivery job sends
    them."""
    return notify_all(messages=[(recipients, message)])


def retry_now(*, messages: QuerySet) -> int:
    """Admin action: send these failed messages at the next delivery run."""
    return messages.failing().update(state=OutboxMessage.State.PENDING, next_try_at=None)
