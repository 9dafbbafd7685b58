"""Authors change their own messages: edits and soft deletes within fifteen minutes."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chat import broadcast, policies, selectors
from chat.models import Message
from chat.services.sending import _clean_body
from community.errors import (
    Forbidden,
    NotFound,
)


def _own_message(*, user, message_id) -> Message:
    """The person's own message, still inside the edit window; else a refusal."""
    message = (
        Message.objects.select_for_update(of=("self",))
        .select_related("author", "room")
        .filter(pk=message_id)
        .first()
        if isinstance(message_id, int)
        else None
    )
    if message is None:
        raise NotFound()
    room = policies.room_for_user(user=user, room_id=message.room_id)
    viewer = selectors.viewer_for(user=user, room=room)
    if (
        not selectors.visible_messages(viewer=viewer, room_id=room.pk)
        .filter(pk=message.pk)
        .exists()
    ):
        raise NotFound()
    if not policies.can_change_message(user=user, message=message):
        raise Forbidden(_("You can change your own messages for 15 minutes after sending."))
    return message


def _broadcast_updated(message: Message) -> None:
    payload = selectors.message_for_broadcast(message.pk)
    reactors = sorted({u for r in payload["reactions"] for u in r["users"]})
    audience = (
        broadcast.AUTHOR_AND_MODERATORS
        if message.state in (Message.State.HELD, Message.State.HIDDEN)
        else broadcast.EVERYONE
    )
    broadcast.to_room(
        message.room_id,
        {"type": "message.updated", "message": payload},
        author_id=message.author_id,
        audience=audience,
        reactors=reactors,
    )


@transaction.atomic
def message_edit(*, user, message_id, body) -> dict:
    body = _clean_body(body)
    message = _own_message(user=user, message_id=message_id)
    message.body = body
    message.edited_at = timezone.now()
    message.save(update_fields=["body", "edited_at"])
    _broadcast_updated(message)
    return selectors.message_for_broadcast(message.pk)


@transaction.atomic
def message_delete(*, user, message_id) -> dict:
    """The author's soft delete: the text is removed, the place in the room stays."""
    message = _own_message(user=user, message_id=message_id)
    message.state = Message.State.DELETED
    message.body = ""
    message.edited_at = timezone.now()
    message.save(update_fields=["state", "body", "edited_at"])
    message.reactions.all().delete()
    _broadcast_updated(message)
    return selectors.message_for_broadcast(message.pk)
