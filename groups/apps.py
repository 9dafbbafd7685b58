from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GroupsConfig(AppConfig):
    name = "groups"
    verbose_name = _("Peer groups")

    def ready(self) -> None:
        from groups import privacy  # noqa: F401  (registers with the privacy registry)
