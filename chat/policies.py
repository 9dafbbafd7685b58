"""Who may read and post in a room: the one answer for REST, socket and pages."""

from datetime import datetime, timedelta

from django.utils import timezone

from chat.models import Message, Room
from community import policies as community_policies
from community.errors import Code, NotFound
from groups import policies as group_policies

EDIT_WINDOW = timedelta(minutes=15)


def is_support_staff(*, user, room: Room) -> bool:
    """The staff of a support conversation: platform moderators and the carer-support unit
    of its municipality. Nobody else, never another member."""
    return community_policies.is_moderator(user) or community_policies.is_unit_staff_of(
        user=user, municipality_id=room.municipality_id
    )


def can_moderate_room(*, user, room: Room) -> bool:
    """Platform moderators act in every room; a group's leaders and its hosting
    organisation's coordinators in its rooms. Topic rooms are platform moderators' only;
    a support conversation its staff's."""
    if community_policies.is_moderator(user):
        return True
    if room.kind == Room.Kind.SUPPORT:
        return is_support_staff(user=user, room=room)
    return room.group_id is not None and group_policies.can_moderate_group(
        user=user, group=room.group
    )


def can_read(*, user, room: Room) -> bool:
    if not community_policies.is_signed_in(user):
        return False
    if room.kind == Room.Kind.TOPIC:
        return True
    if room.kind == Room.Kind.SUPPORT:
        return room.member_id == user.pk or is_support_staff(user=user, room=room)
    return group_policies.is_group_member(user=user, group=room.group) or can_moderate_room(
        user=user, room=room
    )


def room_for_user(*, user, room_id) -> Room:
    """The room if this person may read it; one not-found answer whether missing or forbidden."""
    room = Room.objects.select_related("group").filter(pk=room_id).first()
    if room is None or not can_read(user=user, room=room):
        raise NotFound()
    return room


def can_have_support_room(member) -> bool:
    """A support conversation is for a member (never staff, never two members): its one
    member must be an active member account."""
    return community_policies.is_signed_in(member) and not community_policies.holds_staff_role(
        member
    )


def can_open_support_room(*, user, municipality_id: int | None) -> bool:
    """Platform moderators, and the carer-support unit of the member's municipality."""
    return community_policies.is_moderator(user) or community_policies.is_unit_staff_of(
        user=user, municipality_id=municipality_id
    )


def holds_for_review(*, held: bool, room: Room) -> bool:
    """Whether screening's hold keeps a text back: it waits for the room's moderators, but
    in a support conversation they are the only other readers, so there it is screened
    (crisis card, queue, log) and never held from them."""
    return held and room.kind != Room.Kind.SUPPORT


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
    return message.author_id == user.pk and _changeable(message)


def _changeable(message: Message) -> bool:
    return (
        message.state in (Message.State.VISIBLE, Message.State.HELD)
        and timezone.now() - message.created_at <= EDIT_WINDOW
    )


def sees_everything_in(*, user, room: Room) -> bool:
    """Moderators of the room see held and hidden messages too."""
    return can_moderate_room(user=user, room=room)


# What a reader may do with a message, in the order clients show them.
ROLES = ("reader", "author", "moderator", "author_moderator")
MESSAGE_ACTIONS = ("reply", "react", "report", "edit", "delete", "hide", "unhide", "approve", "pin")


def role_in_room(*, is_author: bool, is_moderator: bool) -> str:
    """The reader's relation to a message: the only thing its actions depend on per reader."""
    if is_author:
        return "author_moderator" if is_moderator else "author"
    return "moderator" if is_moderator else "reader"


def actions_for_role(*, message: Message, role: str) -> list[str]:
    """The actions of ``message_actions`` for a role; no query, so a broadcast can afford
    every role's list."""
    is_author = role in ("author", "author_moderator")
    is_moderator = role in ("moderator", "author_moderator")
    state = message.state
    actions = []
    if state == Message.State.VISIBLE:
        actions += ["reply", "react"]
        if not is_author:
            actions.append("report")
    if is_author and _changeable(message):
        actions += ["edit", "delete"]
    if is_moderator:
        actions += {
            Message.State.VISIBLE: ["hide", "pin"],
            Message.State.HELD: ["approve", "hide"],
            Message.State.HIDDEN: ["unhide"],
        }.get(state, [])
    return actions


def actions_by_role(message: Message) -> dict[str, list[str]]:
    return {role: actions_for_role(message=message, role=role) for role in ROLES}


def message_actions(*, user, message: Message) -> list[str]:
    """What this person may do with a message they can see: the one answer that REST, the
    socket, pages and the JS client read instead of re-deriving rules."""
    role = role_in_room(
        is_author=message.author_id == user.pk,
        is_moderator=can_moderate_room(user=user, room=message.room),
    )
    return actions_for_role(message=message, role=role)


def can_pin(*, user, message: Message) -> bool:
    """Only a visible message is pinned: a pin shows its text to every reader."""
    return "pin" in message_actions(user=user, message=message)


def message_for_user(*, user, message_id) -> Message:
    """A message this person may see; one not-found answer whether missing or forbidden."""
    message = (
        Message.objects.select_related("room", "room__group").filter(pk=message_id).first()
        if isinstance(message_id, int)
        else None
    )
    if message is None:
        raise NotFound()
    room = room_for_user(user=user, room_id=message.room_id)
    visible = message.state in (Message.State.VISIBLE, Message.State.DELETED)
    if not (visible or message.author_id == user.pk or sees_everything_in(user=user, room=room)):
        raise NotFound()
    return message
