"""The search app: the Chinese analyzer, the index table and its writer, and the query."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "search"
    verbose_name = _("全文检索")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from . import index

        post_migrate.connect(index.fill_empty_index, sender=self)
