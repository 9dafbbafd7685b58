"""Read positions and typing: what others may know of where I am."""

from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext as _

from chat import broadcast, policies
from chat.models import Message, ReadState, Room
from community import services as community_services
from community.errors import (
    Invalid,
)
from community.models import AccessEntry


@transaction.atomic
def read_mark(*, user, room_id, seq) -> int:
    """Move my read position forward (never back); tell my tabs, and the room unless hidden."""
    room = policies.room_for_user(user=user, room_id=room_id)
    if not isinstance(seq, int) or isinstance(seq, bool) or not 0 <= seq <= room.last_seq:
        raise Invalid(fields={"seq": [_("Give a message number in this room.")]})
    state, _created = ReadState.objects.select_for_update().get_or_create(user=user, room=room)
    if seq <= state.last_read_seq:
        return state.last_read_seq
    state.last_read_seq = seq
    state.save(update_fields=["last_read_seq"])
    frame = {
        "type": "read.updated",
        "room": room.pk,
        "user": {"id": user.pk, "display_name": user.display_name},
        "seq": seq,
    }
    broadcast.to_user(user.pk, frame)
    if not user.hide_read_position:
        broadcast.to_room(room.pk, frame, author_id=user.pk, skip_author=True)
    return seq


TYPING_EVERY_SECONDS = 3


def typing_signal(*, user, room_id: int) -> bool:
    """Tell a room someone is typing: never stored, at most once per 3 s per person and room."""
    if user.hide_typing:
        return False
    if not cache.add(f"chat:typing:{user.pk}:{room_id}", 1, timeout=TYPING_EVERY_SECONDS):
        return False
    frame = {
        "type": "typing",
        "room": room_id,
        "user": {"id": user.pk, "display_name": user.display_name},
    }
    broadcast.to_room(room_id, frame, author_id=user.pk, skip_author=True, ephemeral=True)
    return True


def messages_read(*, user, room: Room, messages: list[dict]) -> int:
    """Log what staff read of members' confidences in one page of a room: a support
    conversation (against its member) and others' held messages (against their authors).
    One insert for the page; the members' own reads and public rooms log nothing."""
    reads = [
        (AccessEntry.What.HELD_MESSAGE, m["author"]["id"], ("message", m["id"]))
        for m in messages
        if m["state"] == Message.State.HELD
    ]
    if room.kind == Room.Kind.SUPPORT:
        reads.append((AccessEntry.What.SUPPORT_CONVERSATION, room.member_id, room))
    return community_services.access_record(actor=user, reads=reads)
