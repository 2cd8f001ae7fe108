from django.apps import AppConfig


class TasksConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "tasks"
    verbose_name = "任务督办"

    def ready(self) -> None:
        from departments.signals import department_merging

        from .services import move_department_rows

        department_merging.connect(move_department_rows, dispatch_uid="tasks-merge")
        from . import calendars  # noqa: F401  (registers the calendar-change signals)
