"""Benxi Gazette (本溪市人民政府公报) project package: settings, URLs, Celery app."""

from benxi_gazette.celery import app as celery_app

__all__ = ("celery_app",)
