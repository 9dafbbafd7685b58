"""What moderators read of members' confidences goes in the access log: one insert a read."""

from chat.models import Message, Room
from community import services as community_services
from community.models import AccessEntry

HELD = AccessEntry.What.HELD_MESSAGE
HISTORY = AccessEntry.What.MODERATION_HISTORY


def _held(messages: list[dict]) -> list[tuple]:
    return [
        (HELD, m["author"]["id"], ("message", m["id"]))
        for m in messages
        if m["state"] == Message.State.HELD
    ]


def queue_read(*, user, items: list[dict]) -> int:
    """A page of the queue (queue item payloads): the held messages on it."""
    return community_services.access_record(
        actor=user, reads=_held([item["message"] for item in items])
    )


def queue_item_read(*, user, item, messages: list[dict]) -> int:
    """One queue item: its author's moderation history, the held messages shown around
    it, and the support conversation it comes from, if it does."""
    reads = [(HISTORY, item.message.author_id, item), *_held(messages)]
    if item.room.kind == Room.Kind.SUPPORT:
        reads.append((AccessEntry.What.SUPPORT_CONVERSATION, item.room.member_id, item.room))
    return community_services.access_record(actor=user, reads=reads)


def member_history_read(*, user, member) -> int:
    return community_services.access_record(actor=user, reads=[(HISTORY, member.pk, member)])
