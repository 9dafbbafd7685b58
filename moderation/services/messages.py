"""Moderator actions on messages: hide and unhide, delete, approve what was held, pin."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chat import broadcast
from chat import policies as chat_policies
from chat import selectors as chat_selectors
from chat.models import Message, Room
from chat.services import mentions as chat_mentions
from chat.services import messages as chat_messages
from community.errors import Conflict, Invalid, NotFound
from groups.services import meetups
from moderation import policies
from moderation.services import audit


def require_reason(reason) -> str:
    if not isinstance(reason, str) or not reason.strip():
        raise Invalid(fields={"reason": [_("Give a reason: it goes in the audit log.")]})
    return reason.strip()[:1000]


def moderated_message(*, user, message_id) -> Message:
    """A message in a room this person moderates; one not-found answer otherwise."""
    message = (
        Message.objects.select_for_update(of=("self",))
        .select_related("room", "room__group", "author")
        .filter(pk=message_id)
        .first()
        if isinstance(message_id, int)
        else None
    )
    if message is None or not policies.can_moderate_room(user=user, room=message.room):
        raise NotFound()
    return message


def hide(*, message: Message, actor, reason: str) -> Message:
    """Hide a message (caller holds the row and writes the audit line)."""
    message.state = Message.State.HIDDEN
    message.save(update_fields=["state"])
    chat_messages.message_announce(message)
    return message


def _audit(actor, action: str, message: Message, reason: str) -> None:
    audit.record(
        actor=actor,
        action=action,
        target=message,
        reason=reason,
        details={"author": message.author_id, "seq": message.seq},
        room_id=message.room_id,
        group_id=message.room.group_id,
    )


@transaction.atomic
def message_hide(*, user, message_id, reason) -> Message:
    reason = require_reason(reason)
    message = moderated_message(user=user, message_id=message_id)
    if message.state == Message.State.DELETED:
        raise Conflict(_("The message is already deleted."))
    hide(message=message, actor=user, reason=reason)
    _audit(user, "message.hide", message, reason)
    return message


@transaction.atomic
def message_unhide(*, user, message_id, reason) -> Message:
    reason = require_reason(reason)
    message = moderated_message(user=user, message_id=message_id)
    if message.state not in (Message.State.HIDDEN, Message.State.HELD):
        raise Conflict(_("The message is not hidden."))
    message.state = Message.State.VISIBLE
    message.save(update_fields=["state"])
    chat_messages.message_announce(message)
    chat_mentions.mentions_after_commit(message)
    _audit(user, "message.unhide", message, reason)
    return message


@transaction.atomic
def message_approve(*, user, message_id, reason) -> Message:
    """Let a held message through: everyone gets it now, at its place in the room."""
    reason = require_reason(reason)
    message = moderated_message(user=user, message_id=message_id)
    if message.state != Message.State.HELD:
        raise Conflict(_("The message is not waiting for approval."))
    message.state = Message.State.VISIBLE
    message.save(update_fields=["state"])
    chat_messages.message_announce(message)
    chat_mentions.mentions_after_commit(message)
    if message.meetup_id is not None:  # a meetup card: what its host wrote is let through
        meetups.meetup_release(meetup_id=message.meetup_id, by=user)
    _audit(user, "message.approve", message, reason)
    return message


@transaction.atomic
def message_remove(*, user, message_id, reason) -> Message:
    """Delete for good: the text is removed, the place and the audit line stay."""
    reason = require_reason(reason)
    message = moderated_message(user=user, message_id=message_id)
    message.state = Message.State.DELETED
    message.body = ""
    message.edited_at = timezone.now()
    message.save(update_fields=["state", "body", "edited_at"])
    message.reactions.all().delete()
    chat_messages.message_announce(message)
    _audit(user, "message.delete", message, reason)
    return message


@transaction.atomic
def message_pin(*, user, message_id, reason, pin: bool = True) -> Room:
    reason = require_reason(reason)
    message = moderated_message(user=user, message_id=message_id)
    if pin and not chat_policies.can_pin(user=user, message=message):
        raise Conflict(_("Only a visible message can be pinned."))
    room = Room.objects.select_for_update().get(pk=message.room_id)
    room.pinned_message = message if pin else None
    room.save(update_fields=["pinned_message"])
    pinned = chat_selectors.message_for_broadcast(message.pk) if pin else None
    broadcast.to_room(
        room.pk,
        {"type": "room.updated", "room": room.pk, "pinned": pinned},
        actions=chat_policies.actions_by_role(message) if pin else None,
        actions_of=message.author_id,
    )
    _audit(user, "message.pin" if pin else "message.unpin", message, reason)
    return room
