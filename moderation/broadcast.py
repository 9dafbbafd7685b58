"""Moderation frames: the live queue for moderators, private notices for members."""

from chat import broadcast
from moderation import policies, selectors
from moderation.models import QueueItem

MODERATORS = "moderators"


def moderators_of_group(group_id: int) -> str:
    return f"moderators.group.{group_id}"


def socket_groups(user) -> list[str]:
    """The live queues this person's sockets follow (their dashboard's)."""
    group_ids = policies.moderated_group_ids(user)
    if group_ids is None:
        return [MODERATORS]
    return [moderators_of_group(group_id) for group_id in sorted(group_ids)]


def queue_changed(item: QueueItem, *, alert: bool = False) -> None:
    """Platform moderators see every item; a group's leaders see their group's.

    ``alert`` marks the one frame that should ring the on-call dashboards."""
    frame = {
        "type": "moderation.queue",
        "item": selectors.queue_item_payload(item),
        "alert": alert,
    }
    broadcast.to_group(MODERATORS, frame)
    if item.room.group_id:
        broadcast.to_group(moderators_of_group(item.room.group_id), frame)


def notice(user_id: int, *, kind: str, title: str, body: str, contacts=()) -> None:
    """A private notice: warnings, crisis cards, information."""
    frame = {
        "type": "notice",
        "kind": kind,
        "title": title,
        "body": body,
        "contacts": list(contacts),
    }
    broadcast.to_user(user_id, frame)


def to_member(user_id: int, frame: dict) -> None:
    """A finished private frame for one member's sockets (their crisis card, their mute)."""
    broadcast.to_user(user_id, frame)
