"""Production settings for the app servers and workers that the failure tests start.

As benxi_gazette.settings with DEBUG off, except that static files need no collectstatic run
(the manifest storage would want one, and it takes half a minute): these tests are about the
database and the broker, not about static files.
"""

from benxi_gazette.settings import *  # noqa: F403
from benxi_gazette.settings import STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
