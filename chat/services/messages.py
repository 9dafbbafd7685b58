"""Authors change their own messages: edits and soft deletes within fifteen minutes."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chat import broadcast, policies, selectors
from chat.models import Message, Room
from chat.services import mentions, support
from chat.services.sending import _clean_body
from community import ports as community_ports
from community import services as community_services
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


def message_announce(message: Message) -> None:
    """Every reader learns the message's new state: others a redacted copy of a held or
    hidden one, its author and the room's moderators all of it. A pinned message that stops
    being visible is unpinned at once. The caller holds the transaction."""
    full = selectors.message_for_broadcast(message.pk)
    actions = policies.actions_by_role(message)
    frame = {"type": "message.updated", "message": full}
    if message.state in (Message.State.HIDDEN, Message.State.HELD):
        redacted = {**full, "body": "", "reactions": [], "reply_to": None}
        for audience, shown in (
            (broadcast.OTHERS, redacted),
            (broadcast.AUTHOR_AND_MODERATORS, full),
        ):
            broadcast.to_room(
                message.room_id,
                {"type": "message.updated", "message": shown},
                author_id=message.author_id,
                audience=audience,
                actions=actions,
            )
    else:
        reactors = sorted({u for r in full["reactions"] for u in r["users"]})
        broadcast.to_room(
            message.room_id, frame, author_id=message.author_id, reactors=reactors, actions=actions
        )
    if message.state != Message.State.VISIBLE:
        _unpin(message)


def _unpin(message: Message) -> None:
    """A pin shows its text to every reader: only a visible message stays pinned."""
    if Room.objects.filter(pk=message.room_id, pinned_message=message).update(pinned_message=None):
        frame = {"type": "room.updated", "room": message.room_id, "pinned": None}
        broadcast.to_room(message.room_id, frame)


def message_edit(*, user, message_id, body) -> dict:
    """Change one's own message. The new text passes the same screening as a new message:
    refused when blocked, held (hidden from peers, queued) when a rule or the group holds it,
    the crisis card to the author when it is one."""
    body = _clean_body(body)
    message = policies.message_for_user(user=user, message_id=message_id)
    if not policies.can_change_message(user=user, message=message):
        raise Forbidden(_("You can change your own messages for 15 minutes after sending."))
    community_services.posting_consents_check(
        user=user, to_staff_only=message.room.kind == Room.Kind.SUPPORT
    )
    moderator = policies.can_moderate_room(user=user, room=message.room)
    verdict = community_ports.screening().screen_text(
        user=user,
        body=body,
        moderator=moderator,
        group=message.room.group if message.room.group_id else None,
        target=message.room,
    )
    return _store_edit(user=user, message_id=message.pk, body=body, verdict=verdict)


@transaction.atomic
def _store_edit(*, user, message_id: int, body: str, verdict) -> dict:
    message = _own_message(user=user, message_id=message_id)
    message.body = body
    message.card = None  # an edited card says what its author wrote, not the meetup's data
    message.edited_at = timezone.now()
    if policies.holds_for_review(held=verdict.held, room=message.room):
        message.state = Message.State.HELD
    message.save(update_fields=["body", "card", "edited_at", "state"])
    community_ports.screening().after_screening(message=message, verdict=verdict, author=user)
    mentions.mentions_after_commit(message)
    if message.room.kind == Room.Kind.SUPPORT:
        support.support_message_logged(message=message, action="support.message_edit")
    message_announce(message)
    return selectors.message_for_broadcast(message.pk)


@transaction.atomic
def message_delete(*, user, message_id) -> dict:
    """The author's soft delete: the text is removed, the place in the room stays."""
    message = _own_message(user=user, message_id=message_id)
    message.state = Message.State.DELETED
    message.body = ""
    message.card = None
    message.edited_at = timezone.now()
    message.save(update_fields=["state", "body", "card", "edited_at"])
    message.reactions.all().delete()
    message_announce(message)
    return selectors.message_for_broadcast(message.pk)
