from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ModerationConfig(AppConfig):
    name = "moderation"
    verbose_name = _("Moderation")

    def ready(self) -> None:
        # chat, groups and community sit below moderation: they ask for its mutes, its
        # live queues and its one screening pipeline through what is installed here
        from chat import ports
        from community import ports as community_ports
        from moderation import (
            broadcast,
            privacy,  # noqa: F401  (registers with the privacy registry)
            room_state,
            selectors,
        )
        from moderation.services import audit, rules

        ports.install_moderation(
            ports.Moderation(
                active_mute=selectors.active_mute,
                socket_groups=broadcast.socket_groups,
                room_states=room_state.room_states,
            )
        )
        community_ports.install_audit(audit.record)
        community_ports.install_screening(
            community_ports.Screening(
                screen_text=rules.screen_text, after_screening=rules.after_screening
            )
        )
