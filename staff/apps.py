from django.apps import AppConfig


class StaffConfig(AppConfig):
    """The staff web UI (工作平台): department tasks, supervision, import and review."""

    name = "staff"
    verbose_name = "工作平台"
    default_auto_field = "django.db.models.BigAutoField"
