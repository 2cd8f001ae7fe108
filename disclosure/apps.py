from django.apps import AppConfig


class DisclosureConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "disclosure"
    verbose_name = "主动公开目录"

    def ready(self) -> None:
        from departments.signals import department_merging

        from . import signals  # noqa: F401  (recomputes event deadlines when the calendar changes)
        from .services import move_department_rows

        department_merging.connect(move_department_rows, dispatch_uid="disclosure-merge")
