from django.apps import AppConfig


class TasksConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "tasks"
    verbose_name = "任务督办"

    def ready(self) -> None:
        from departments.signals import department_merging

        from . import signals  # noqa: F401  (recomputes deadlines when the calendar changes)
        from .services import move_department_rows

        department_merging.connect(move_department_rows, dispatch_uid="tasks-merge")
