"""Reactions from the fixed set: one per person, emoji and message."""

from django.db import transaction
from django.utils.translation import gettext as _

from chat import policies, selectors
from chat.models import EMOJI, Message, Reaction
from chat.services.messages import message_announce
from community.errors import (
    Invalid,
    NotFound,
)


def _reactable(*, user, message_id, emoji) -> Message:
    if emoji not in EMOJI:
        raise Invalid(
            fields={"emoji": [_("Choose one of %(emoji)s.") % {"emoji": " ".join(EMOJI)}]}
        )
    message = Message.objects.filter(pk=message_id).first() if isinstance(message_id, int) else None
    if message is None:
        raise NotFound()
    room = policies.room_for_user(user=user, room_id=message.room_id)
    viewer = selectors.viewer_for(user=user, room=room)
    visible = selectors.visible_messages(viewer=viewer, room_id=room.pk)
    if not visible.filter(pk=message.pk, state=Message.State.VISIBLE).exists():
        raise NotFound()
    return message


@transaction.atomic
def reaction_add(*, user, message_id, emoji) -> dict:
    message = _reactable(user=user, message_id=message_id, emoji=emoji)
    _reaction, created = Reaction.objects.get_or_create(message=message, user=user, emoji=emoji)
    if created:
        message_announce(message)
    return selectors.message_for_broadcast(message.pk)


@transaction.atomic
def reaction_remove(*, user, message_id, emoji) -> dict:
    message = _reactable(user=user, message_id=message_id, emoji=emoji)
    deleted, _detail = Reaction.objects.filter(message=message, user=user, emoji=emoji).delete()
    if deleted:
        message_announce(message)
    return selectors.message_for_broadcast(message.pk)
