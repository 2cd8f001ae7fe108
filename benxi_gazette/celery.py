"""The Celery app. Without a broker (no REDIS_URL / CELERY_BROKER_URL) jobs run in-process."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benxi_gazette.settings")

app = Celery("benxi_gazette")
# All CELERY_* settings, including CELERY_BEAT_SCHEDULE = benxi_gazette.schedule.BEAT_SCHEDULE.
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def _follow_django_settings(*, setting: str, value, **kwargs) -> None:
    """Keep app.conf in step with override_settings(CELERY_…=…) in tests, both ways.

    Celery reads the Django settings once; without this, overriding CELERY_TASK_ALWAYS_EAGER
    in a test would change nothing (and patching app.conf by hand leaks between tests).
    """
    if setting.startswith("CELERY_"):
        app.conf[setting.removeprefix("CELERY_").lower()] = value


def _connect() -> None:
    from django.core.signals import setting_changed

    setting_changed.connect(_follow_django_settings, dispatch_uid="celery-follow-settings")


_connect()
