"""Channels (发送渠道): how an outbox message leaves the site. One small interface, one class
per channel; adding a channel is one class here and one line in ``CHANNELS``."""

from __future__ import annotations

import json
import smtplib
import urllib.request
from abc import ABC, abstractmethod
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, Protocol

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers

from .models import GroupRobot, OutboxMessage


class Person(Protocol):
    """A user, or anything with a user's pk and e-mail address."""

    pk: int
    email: str


@dataclass(frozen=True)
class Recipients:
    """Whom a message is for: people (by e-mail) and departments (by their group robots)."""

    users: Sequence[Person] = ()
    departments: Sequence[int] = ()


@dataclass(frozen=True)
class Address:
    """One place a channel delivers to; ``address`` empty: the person has none (no e-mail)."""

    address: str
    user_id: int | None = None
    department_id: int | None = None
    robot_id: int | None = None


class Channel(ABC):
    """A way out. ``send`` raises on any failure; the delivery loop records and retries it."""

    name: ClassVar[str]

    @abstractmethod
    def addresses(self, recipients: Recipients) -> list[Address]:
        """Where ``recipients`` are reached on this channel (none: not on this channel)."""

    @abstractmethod
    def send(self, message: OutboxMessage) -> None:
        """Deliver one message, or raise."""

    def broken(self, exc: BaseException) -> bool:
        """The failure is the channel's own (every message would fail): stop trying it."""
        return False

    def close(self) -> None:  # noqa: B027 (optional: most channels hold nothing open)
        """The end of a delivery run (a connection to close)."""


class EmailChannel(Channel):
    """E-mail through the default mailer: one connection per delivery run, opened once there
    is something to send; the same Message-ID on every attempt."""

    name = "email"

    def __init__(self) -> None:
        self.mailer = None

    def addresses(self, recipients: Recipients) -> list[Address]:
        return [Address(address=user.email or "", user_id=user.pk) for user in recipients.users]

    def send(self, message: OutboxMessage) -> None:
        email = EmailMultiAlternatives(
            message.subject,
            message.body,
            settings.DEFAULT_FROM_EMAIL,
            [message.address],
            headers={"Message-ID": message.message_id},
        )
        if message.html:
            email.attach_alternative(message.html, "text/html")
        if self.mailer is None:
            self.mailer = mailers.default
            self.mailer.open()
        self.mailer.send_messages([email])

    def broken(self, exc: BaseException) -> bool:
        """A connection-level failure, not one message's refusal."""
        refused = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError)
        return isinstance(exc, OSError) and not isinstance(exc, refused)

    def close(self) -> None:
        if self.mailer is not None:
            self.mailer.close()


class WebhookError(Exception):
    """The robot's server answered, but did not take the message."""


# WeCom takes at most 4096 bytes of markdown, DingTalk about 20000: cut below both.
WEBHOOK_MAX_BYTES = 4000


def _cut(text: str, limit: int = WEBHOOK_MAX_BYTES) -> str:
    data = text.encode()
    if len(data) <= limit:
        return text
    return data[: limit - 40].decode(errors="ignore") + "\n……（内容过长，请登录系统查看）"


class WebhookChannel(Channel):
    """A department's work-group robot: a JSON POST of a markdown message, as WeCom
    (企业微信) and DingTalk (钉钉) group robots take. A non-2xx status, a reply that is not
    JSON or an ``errcode`` other than 0 is a failure; so is no answer within
    ``NOTIFY_WEBHOOK_TIMEOUT`` seconds."""

    name = "webhook"

    def __init__(self) -> None:
        self._robots: dict[int, list[GroupRobot]] | None = None

    def addresses(self, recipients: Recipients) -> list[Address]:
        if not recipients.departments:
            return []
        if self._robots is None:  # a city has tens of robots: one query per notify call
            self._robots = defaultdict(list)
            for robot in GroupRobot.objects.filter(active=True).order_by("pk"):
                self._robots[robot.department_id].append(robot)
        return [
            Address(address=robot.masked_url, department_id=robot.department_id, robot_id=robot.pk)
            for department_id in recipients.departments
            for robot in self._robots.get(department_id, ())
        ]

    @staticmethod
    def payload(robot: GroupRobot, message: OutboxMessage) -> dict:
        text = _cut(f"**{message.subject}**\n\n{message.body}")
        if robot.kind == GroupRobot.Kind.DINGTALK:
            return {"msgtype": "markdown", "markdown": {"title": message.subject, "text": text}}
        return {"msgtype": "markdown", "markdown": {"content": text}}

    def send(self, message: OutboxMessage) -> None:
        robot = message.robot
        if robot is None or not robot.active:
            raise WebhookError("群机器人已删除或停用")
        if not robot.url.startswith(("https://", "http://")):  # never file:// or ftp://
            raise WebhookError("群机器人地址须以 http:// 或 https:// 开头")
        request = urllib.request.Request(
            robot.url,
            data=json.dumps(self.payload(robot, message), ensure_ascii=False).encode(),
            headers={"Content-Type": "application/json; charset=utf-8"},
            method="POST",
        )
        # urllib's errors name the status or the socket error, never the URL (the secret)
        with urllib.request.urlopen(request, timeout=settings.NOTIFY_WEBHOOK_TIMEOUT) as reply:
            raw = reply.read(65536)
        try:
            answer = json.loads(raw or b"{}")
        except ValueError as exc:
            raise WebhookError(f"回复不是 JSON：{raw[:100]!r}") from exc
        if isinstance(answer, dict) and answer.get("errcode", 0) != 0:
            raise WebhookError(f"errcode {answer.get('errcode')}: {answer.get('errmsg', '')}")


CHANNELS: dict[str, type[Channel]] = {c.name: c for c in (EmailChannel, WebhookChannel)}


def all_channels() -> list[Channel]:
    """A fresh instance of each channel (instances hold a run's connection or lookups)."""
    return [cls() for cls in CHANNELS.values()]


def channel_for(name: str) -> Channel:
    return CHANNELS[name]()
