from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Project-wide plumbing that belongs to no domain app (the embedded scheduler)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "core"
    verbose_name = "基础设施"

    def ready(self) -> None:
        # The job log: Celery task signals write each run to JobRun.
        # The content version's triggers, on every content table (core/content_version.py).
        from django.db.models.signals import post_migrate

        from . import jobs  # noqa: F401
        from .content_version import install_triggers

        post_migrate.connect(install_triggers, sender=self, dispatch_uid="content-triggers")
