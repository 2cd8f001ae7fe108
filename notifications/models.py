"""The outbox (待发消息) of every channel, and the departments' group robots (群机器人)."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def mask_url(url: str) -> str:
    """The robot URL with its secret hidden: host and path kept, each query value cut to its
    last 4 characters (``https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=****abcd``)."""
    parts = urlsplit(url)
    query = "&".join(
        f"{name}=****{value[-4:]}" if len(value) > 4 else f"{name}=****"
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
    )
    # a secret may sit in the path too (a bare token as the last segment)
    path = parts.path
    head, _sep, last = path.rpartition("/")
    if len(last) > 16:
        path = f"{head}/****{last[-4:]}"
    return f"{parts.scheme}://{parts.hostname or ''}{path}" + (f"?{query}" if query else "")


class GroupRobot(models.Model):
    """群机器人: a department's work-group robot (WeCom or DingTalk) that gets its notices.

    The URL carries the robot's key: whoever has it can post into the group, so it is a
    secret, shown masked everywhere (``masked_url``).
    """

    class Kind(models.TextChoices):
        WECOM = "wecom", _("企业微信群机器人")
        DINGTALK = "dingtalk", _("钉钉群机器人")

    department = models.ForeignKey(
        "departments.Department", on_delete=models.CASCADE, related_name="group_robots"
    )
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices, default=Kind.WECOM)
    # http(s) only: urllib would also open ftp:// and file:// URLs
    url = models.URLField(
        _("Webhook 地址"), max_length=500, validators=[URLValidator(schemes=["http", "https"])]
    )
    active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("部门群机器人")
        verbose_name_plural = _("部门群机器人")
        ordering = ["department", "id"]

    def __str__(self) -> str:
        return f"{self.department} {self.get_kind_display()} {self.masked_url}"

    @property
    def masked_url(self) -> str:
        return mask_url(self.url)


class OutboxQuerySet(models.QuerySet):
    def failing(self) -> OutboxQuerySet:
        """Messages whose last attempt failed (waiting for a retry, or given up)."""
        return self.filter(state__in=[OutboxMessage.State.RETRY, OutboxMessage.State.FAILED])


class OutboxMessage(models.Model):
    """待发消息: one message to one address on one channel (an e-mail, a group robot post).

    Written in the caller's transaction (with what it announces), then delivered by the
    delivery job; its state, attempts and last error show what happened. A failed attempt is
    retried with backoff until ``REMINDER_EMAIL_MAX_ATTEMPTS``. Until 2026-12 this table was
    ``tasks_reminderemail`` (reminder e-mails only); its rows, ids and Message-IDs carried over.
    """

    class Kind(models.TextChoices):
        REMINDERS = "reminders", _("到期提醒")
        DIGEST = "digest", _("逾期汇总")
        URGE = "urge", _("催办")

    class State(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENDING = "sending", _("发送中")
        SENT = "sent", _("已发送")
        RETRY = "retry", _("发送失败，等待重试")
        FAILED = "failed", _("发送失败，已放弃")
        NO_ADDRESS = "no_address", _("无邮箱，仅站内消息")

    channel = models.CharField(_("渠道"), max_length=20, default="email")
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices, default=Kind.REMINDERS)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="outbox_messages",
    )
    department = models.ForeignKey(
        "departments.Department",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="outbox_messages",
    )
    robot = models.ForeignKey(
        GroupRobot,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="messages",
        verbose_name=_("群机器人"),
    )
    # An e-mail address, or for a robot its masked URL: never the secret itself.
    address = models.CharField(_("收件地址"), max_length=254)
    subject = models.CharField(_("主题"), max_length=200)
    body = models.TextField(_("正文"))
    html = models.TextField(_("HTML正文"), blank=True)
    # Set for messages that exist once per period (the Monday digest: digest:2024-10-28:<user>);
    # unique with the channel and address; NULL (not "") for the rest, as the rows of old.
    dedupe_key = models.CharField(_("去重键"), max_length=100, null=True, blank=True)  # noqa: DJ001
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    last_error = models.TextField(_("最近错误"), blank=True)
    next_try_at = models.DateTimeField(_("下次尝试"), null=True, blank=True)
    # A lease: whoever set state=sending owns the message until then (a killed worker's
    # lease runs out and the message is picked up again).
    lease_until = models.DateTimeField(_("占用至"), null=True, blank=True)
    # The run of the caller that wrote it (a reminder sweep): what it carries is found by it.
    batch = models.UUIDField(_("发送批次"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    objects = OutboxQuerySet.as_manager()

    class Meta:
        verbose_name = _("待发消息")
        verbose_name_plural = _("待发消息（邮件、群机器人）")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["state", "next_try_at"], name="outbox_state_idx"),
            models.Index(fields=["batch", "user"], name="outbox_batch_user_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key", "channel", "address"],
                condition=models.Q(dedupe_key__isnull=False),
                name="uniq_outbox_dedupe",
            )
        ]

    def __str__(self) -> str:
        return f"{self.address} {self.subject}"

    @property
    def message_id(self) -> str:
        """The same Message-ID on every attempt, so a receiving system can drop a repeat (the
        name kept from the reminder e-mails, so a message sent before the move keeps it)."""
        return f"<reminder-email-{self.pk}@benxi-gazette>"
