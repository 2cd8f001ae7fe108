"""WSGI entry point (gunicorn benxi_gazette.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benxi_gazette.settings")

application = get_wsgi_application()
