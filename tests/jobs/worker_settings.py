"""Settings for a Celery worker started as a subprocess by the integration tests.

The project's settings, pointed at the test database (TEST_DATABASE_NAME), a private queue
(TEST_QUEUE), a slow file mailer (tests/mail_backends.py), a short broker visibility timeout
(so a killed worker's unacknowledged job comes back within seconds) and a short email lease.
"""

import os

from benxi_gazette.settings import *  # noqa: F403
from benxi_gazette.settings import DATABASES

DATABASES["default"]["NAME"] = os.environ["TEST_DATABASE_NAME"]
DATABASES["default"]["CONN_MAX_AGE"] = 0
CELERY_TASK_DEFAULT_QUEUE = os.environ["TEST_QUEUE"]
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(os.environ.get("TEST_VISIBILITY_TIMEOUT", "3"))
}
MAILERS = {"default": {"BACKEND": "mail_backends.SlowFileBackend"}}
REMINDER_EMAIL_LEASE = int(os.environ.get("TEST_EMAIL_LEASE", "2"))
