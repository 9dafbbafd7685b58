"""Every state change of chat. Each re-checks the policy and broadcasts after commit."""

from chat.services.members import member_mute, member_unmute, privacy_update
from chat.services.messages import message_delete, message_edit
from chat.services.reactions import reaction_add, reaction_remove
from chat.services.reads import TYPING_EVERY_SECONDS, messages_read, read_mark, typing_signal
from chat.services.rooms import room_create
from chat.services.sending import (
    CLIENT_ID_MAX,
    Sent,
    meetup_card_post,
    meetup_published,
    message_send,
)
from chat.services.support import Opened, support_room_open

__all__ = [
    "CLIENT_ID_MAX",
    "Opened",
    "TYPING_EVERY_SECONDS",
    "Sent",
    "meetup_card_post",
    "meetup_published",
    "member_mute",
    "member_unmute",
    "message_delete",
    "messages_read",
    "message_edit",
    "message_send",
    "privacy_update",
    "reaction_add",
    "reaction_remove",
    "read_mark",
    "room_create",
    "support_room_open",
    "typing_signal",
]
