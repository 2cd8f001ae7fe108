"""Delivery of the outbox: claim with a lease, send through the message's channel, record.

Each message is claimed (state ``sending``, attempts + 1, a lease) before its channel is
called and marked ``sent`` right after. A failure records its error and the time of the next
try (backoff); a killed worker's lease runs out and the next run sends the message again
(an e-mail with the same Message-ID). The one window left is between the far side taking a
message and our marking it sent; no client can close that.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from .channels import Channel, channel_for
from .models import OutboxMessage

logger = logging.getLogger("notifications.delivery")

CLAIM_BATCH = 20
State = OutboxMessage.State


@dataclass
class DeliveryStats:
    sent: int = 0
    failed: int = 0


def backoff(attempts: int) -> timedelta:
    """Wait before attempt ``attempts + 1``: REMINDER_RETRY_BACKOFF, doubling, capped."""
    base = settings.REMINDER_RETRY_BACKOFF
    seconds = min(base * 2 ** max(attempts - 1, 0), settings.REMINDER_RETRY_BACKOFF_MAX)
    return timedelta(seconds=seconds)


def claim(limit: int) -> list[OutboxMessage]:
    """Take up to ``limit`` messages that are due: new, a retry whose backoff has passed, or
    one whose lease ran out. They are ours (state sending) until the lease ends."""
    now = timezone.now()
    due = (
        Q(state=State.PENDING)
        | Q(state=State.RETRY, next_try_at__lte=now)
        | Q(state=State.SENDING, lease_until__lt=now)
    )
    with transaction.atomic():
        ids = list(
            OutboxMessage.objects.filter(due)
            .order_by("id")
            .select_for_update(skip_locked=True)
            .values_list("id", flat=True)[:limit]
        )
        if not ids:
            return []
        until = now + timedelta(seconds=settings.REMINDER_EMAIL_LEASE)
        OutboxMessage.objects.filter(id__in=ids).update(
            state=State.SENDING, lease_until=until, attempts=F("attempts") + 1
        )
    return list(OutboxMessage.objects.filter(id__in=ids).select_related("robot").order_by("id"))


def _owned(message: OutboxMessage) -> QuerySet:
    """The row, as long as our lease on it holds."""
    return OutboxMessage.objects.filter(
        pk=message.pk, state=State.SENDING, lease_until=message.lease_until
    )


def _record_failure(message: OutboxMessage, exc: BaseException) -> None:
    error = f"{type(exc).__name__}: {exc}"[:2000]
    given_up = message.attempts >= settings.REMINDER_EMAIL_MAX_ATTEMPTS
    _owned(message).update(
        state=State.FAILED if given_up else State.RETRY,
        last_error=error,
        next_try_at=None if given_up else timezone.now() + backoff(message.attempts),
        lease_until=None,
    )
    logger.warning(
        "%s message %s to %s failed (attempt %d%s): %s",
        message.channel,
        message.pk,
        message.address,
        message.attempts,
        ", giving up" if given_up else "",
        error,
    )


def release(messages: list[OutboxMessage]) -> None:
    """Hand back claimed messages that were not attempted (the job is being stopped)."""
    for message in messages:
        _owned(message).update(state=State.PENDING, attempts=F("attempts") - 1, lease_until=None)


class UnknownChannel(Exception):
    pass


def deliver(limit: int | None = None) -> DeliveryStats:
    """Send every message that is due, each through its channel.

    Once a channel turns out to be broken (the mail server unreachable), the messages of that
    channel still due in this run are recorded as failed with the same error, without trying
    it again; all are retried after their backoff. Other channels go on.
    """
    stats = DeliveryStats()
    remaining = limit
    channels: dict[str, Channel] = {}
    broken: dict[str, BaseException] = {}
    try:
        while remaining is None or remaining > 0:
            size = CLAIM_BATCH if remaining is None else min(remaining, CLAIM_BATCH)
            batch = claim(size)
            if not batch:
                break
            if remaining is not None:
                remaining -= len(batch)
            for index, message in enumerate(batch):
                if message.channel in broken:
                    stats.failed += 1
                    _record_failure(message, broken[message.channel])
                    continue
                try:
                    channel = channels.get(message.channel)
                    if channel is None:
                        try:
                            channel = channels[message.channel] = channel_for(message.channel)
                        except KeyError:
                            raise UnknownChannel(f"未知的发送渠道：{message.channel}") from None
                    channel.send(message)
                except SoftTimeLimitExceeded:
                    release(batch[index:])
                    raise
                except Exception as exc:
                    stats.failed += 1
                    _record_failure(message, exc)
                    if channel is not None and channel.broken(exc):
                        broken[message.channel] = exc
                    continue
                _owned(message).update(
                    state=State.SENT,
                    sent_at=timezone.now(),
                    last_error="",
                    next_try_at=None,
                    lease_until=None,
                )
                stats.sent += 1
    finally:
        for channel in channels.values():
            try:
                channel.close()
            except Exception:  # closing a broken connection must not hide the real outcome
                logger.debug("closing the %s channel failed", channel.name, exc_info=True)
    return stats
