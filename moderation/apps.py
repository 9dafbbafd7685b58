from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ModerationConfig(AppConfig):
    name = "moderation"
    verbose_name = _("Moderation")

    def ready(self) -> None:
        # chat sits below moderation: it asks for screening and mutes through what is
        # installed here
        from chat import ports
        from moderation import broadcast, screening, selectors
        from moderation.services import rules

        ports.install_moderation(
            ports.Moderation(
                screen=screening.screen,
                blocked=rules.blocked,
                after_screening=rules.after_screening,
                active_mute=selectors.active_mute,
                socket_groups=broadcast.socket_groups,
            )
        )
