"""Email backends for the job tests, importable by dotted path ("mail_backends.…")."""

import os
import smtplib
import time
import uuid
from pathlib import Path

from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend


class RefusingBackend(LocmemBackend):
    """Like locmem, but the server refuses one recipient (a per-message failure)."""

    def __init__(self, *args, refuse="", **kwargs):
        super().__init__(*args, **kwargs)
        self.refuse = refuse

    def send_messages(self, messages):
        for message in messages:
            if self.refuse in message.to:
                raise smtplib.SMTPRecipientsRefused({self.refuse: (550, b"no such user")})
        return super().send_messages(messages)


class SlowFileBackend(BaseEmailBackend):
    """Writes each message to SLOW_MAIL_DIR after SLOW_MAIL_DELAY seconds.

    Before sleeping it writes a marker ``sending-*``, so a test can kill the worker while a
    message is in flight (not yet handed over) and count what was really delivered.
    """

    def send_messages(self, messages):
        folder = Path(os.environ["SLOW_MAIL_DIR"])
        for message in messages:
            tag = uuid.uuid4().hex
            (folder / f"sending-{tag}").write_text(message.extra_headers.get("Message-ID", ""))
            time.sleep(float(os.environ.get("SLOW_MAIL_DELAY", "1")))
            (folder / f"mail-{tag}.eml").write_bytes(message.message().as_bytes())
        return len(messages)


def outbox() -> list:
    return list(getattr(mail, "outbox", []))
