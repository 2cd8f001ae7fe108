from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Project-wide plumbing that belongs to no domain app (the embedded scheduler)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "core"
    verbose_name = "基础设施"

    def ready(self) -> None:
        # The job log: Celery task signals write each run to JobRun.
        from . import jobs  # noqa: F401
