from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChatConfig(AppConfig):
    name = "chat"
    verbose_name = _("Chat")

    def ready(self) -> None:
        from chat import privacy  # noqa: F401  (registers with the privacy registry)

        # groups sit below chat: they reach their rooms through what chat installs here
        from chat.services import rooms, sending
        from groups import ports

        ports.install_rooms(
            ports.Rooms(
                slug_taken=rooms.room_slug_taken,
                group_room_create=rooms.group_room_create,
                meetup_card_post=sending.meetup_card_post,
                meetup_published=sending.meetup_published,
            )
        )
