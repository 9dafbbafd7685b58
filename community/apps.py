from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    name = "community"
    verbose_name = _("Community")

    def ready(self):
        from django.urls import register_converter

        from community import holdings  # noqa: F401  (registers with the privacy registry)
        from community.bounds import IdConverter

        register_converter(IdConverter, "id")
