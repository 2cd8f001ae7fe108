from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicConfig(AppConfig):
    """The public site: archive, document reader, catalogue, departments, search, feeds."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "public"
    verbose_name = _("公开网站")
