"""The Celery app. Without a broker (no REDIS_URL / CELERY_BROKER_URL) jobs run in-process."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benxi_gazette.settings")

app = Celery("benxi_gazette")
# All CELERY_* settings, including CELERY_BEAT_SCHEDULE = benxi_gazette.schedule.BEAT_SCHEDULE.
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
