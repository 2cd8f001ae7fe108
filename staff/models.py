"""Private calendar feeds (日历订阅): one department's deadlines as iCalendar, by secret token."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def new_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """日历订阅: a user's subscription URL for a department's open deadlines (.ics).

    The token in the URL is the only credential a calendar app can send, so it is long,
    random and revocable; a revoked token answers 404 like one that never existed.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    department = models.ForeignKey(
        "departments.Department", on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    token = models.CharField(_("令牌"), max_length=64, unique=True, default=new_token)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("日历订阅")
        verbose_name_plural = _("日历订阅")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user} · {self.department}"

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])
