"""Who may read and post in a room: the one answer for REST, socket and pages."""

from datetime import datetime, timedelta

from django.utils import timezone

from chat.models import Message, Room
from community import policies as community_policies
from community.errors import Code, NotFound
from groups import policies as group_policies

EDIT_WINDOW = timedelta(minutes=15)


def can_moderate_room(*, user, room: Room) -> bool:
    """Platform moderators act in every room; a group's leaders and its hosting
    organisation's coordinators in its rooms. Topic rooms are platform moderators' only."""
    if community_policies.is_moderator(user):
        return True
    return room.group_id is not None and group_policies.can_moderate_group(
        user=user, group=room.group
    )


def can_read(*, user, room: Room) -> bool:
    if not community_policies.is_signed_in(user):
        return False
    if room.kind == Room.Kind.TOPIC:
        return True
    return group_policies.is_group_member(user=user, group=room.group) or can_moderate_room(
        user=user, room=room
    )


def room_for_user(*, user, room_id) -> Room:
    """The room if this person may read it; one not-found answer whether missing or forbidden."""
    room = Room.objects.select_related("group").filter(pk=room_id).first()
    if room is None or not can_read(user=user, room=room):
        raise NotFound()
    return room


def post_refusal(
    *, user, room: Room, moderator: bool, last_post_at: datetime | None
) -> tuple[Code, int | None] | None:
    """Why this reader may not post now (a code and seconds to wait), or None."""
    if room.is_archived:
        return Code.FORBIDDEN, None
    if moderator:
        return None
    if room.is_locked:
        return Code.ROOM_LOCKED, None
    if room.slow_mode_seconds and last_post_at is not None:
        wait = room.slow_mode_seconds - (timezone.now() - last_post_at).total_seconds()
        if wait > 0:
            return Code.SLOW_MODE, max(1, round(wait))
    return None


def can_post(*, user, room: Room) -> bool:
    """For listings: whether the composer is open (slow mode only delays)."""
    if not can_read(user=user, room=room) or room.is_archived:
        return False
    return not room.is_locked or can_moderate_room(user=user, room=room)


def can_change_message(*, user, message: Message) -> bool:
    """Authors edit and delete their own messages within fifteen minutes."""
    return (
        message.author_id == user.pk
        and message.state in (Message.State.VISIBLE, Message.State.HELD)
        and timezone.now() - message.created_at <= EDIT_WINDOW
    )


def sees_everything_in(*, user, room: Room) -> bool:
    """Moderators of the room see held and hidden messages too."""
    return can_moderate_room(user=user, room=room)
