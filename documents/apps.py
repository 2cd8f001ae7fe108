from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "documents"
    verbose_name = "公报与文件"

    def ready(self) -> None:
        from search import index

        from .indexing import SOURCE

        # rebuilds of the search index (by hand, after migrate, after a restore) read the
        # published documents through it
        index.register_source(SOURCE)
