"""Fan-out through the channel layer: each frame is serialised once, after commit.

The database is the truth and the layer only a doorbell: a frame that is lost (a full
channel, a restarted Redis) shows up to the client as a gap in ``seq``, which it fills
from REST.
"""

import json

from django.db import transaction

from community.realtime import (  # noqa: F401 - used as broadcast.*
    layer_send,
    to_user_control,
    user_group,
)

# Who of a room's subscribers may receive a frame; consumers apply it per reader.
EVERYONE = "all"
AUTHOR_AND_MODERATORS = "moderators"
OTHERS = "others"  # everyone but the author and the room's moderators


def room_group(room_id: int) -> str:
    return f"room.{room_id}"


def dumps(frame: dict) -> str:
    return json.dumps(frame, ensure_ascii=False, separators=(",", ":"))


def _send(group: str, event: dict) -> None:
    layer_send(group, event)  # an unreachable Redis drops the frame, never the commit


def to_room(
    room_id: int,
    frame: dict,
    *,
    author_id: int | None = None,
    audience: str = EVERYONE,
    seq: int | None = None,
    skip_author: bool = False,
    reactors: list[int] | None = None,
    ephemeral: bool = False,
    actions: dict[str, list[str]] | None = None,
    actions_of: int | None = None,
) -> None:
    """Schedule ``frame`` for the room's subscribers once the transaction commits.

    The metadata lets each reader's consumer decide without parsing the text: ``author_id``
    for readers who muted the author (and ``skip_author`` for frames the author's own
    sockets get privately), ``seq`` to drop what a backlog already carried, and
    ``reactors`` for readers who muted someone who reacted: only they get a re-serialised
    copy without those reactions. ``actions`` (by role, see ``chat.policies``) are what
    readers may do with the message the frame carries last (whose author is ``actions_of``,
    else ``author_id``); the frame is serialised once with an empty list there, and each
    consumer splices in its reader's list.
    """
    event = {
        "type": "room.frame",
        "room": room_id,
        "text": dumps(frame),
        "author": author_id,
        "audience": audience,
    }
    if seq is not None:
        event["seq"] = seq
    if skip_author:
        event["skip_author"] = True
    if reactors:
        event["reactors"] = reactors
        event["frame"] = frame
    if actions is not None:
        event["actions"] = {role: dumps(names) for role, names in actions.items()}
        event["actions_of"] = actions_of if actions_of is not None else author_id
    if ephemeral:  # nothing stored, so nothing to wait for
        _send(room_group(room_id), event)
    else:
        transaction.on_commit(lambda: _send(room_group(room_id), event))


EMPTY_ACTIONS = '"actions":[]'


def with_actions(text: str, actions_json: str) -> str:
    """The frame text with the message's empty ``actions`` (its last key) filled in."""
    at = text.rfind(EMPTY_ACTIONS)
    return f'{text[:at]}"actions":{actions_json}{text[at + len(EMPTY_ACTIONS) :]}'


def without_reactions_of(event: dict, muted) -> str:
    """The frame of ``event`` with the reactions of muted people taken out."""
    frame = event["frame"]
    message = frame["message"]
    reactions = []
    for reaction in message["reactions"]:
        users = [u for u in reaction["users"] if u not in muted]
        if users:
            reactions.append({**reaction, "count": len(users), "users": users})
    return dumps({**frame, "message": {**message, "reactions": reactions}})


def to_user(user_id: int, frame: dict) -> None:
    """A private frame for every socket of one person (all their tabs and devices)."""
    event = {"type": "user.frame", "text": dumps(frame)}
    transaction.on_commit(lambda: _send(user_group(user_id), event))


def to_group(group: str, frame: dict) -> None:
    """A frame for a named group of sockets (e.g. the moderators' dashboards)."""
    event = {"type": "user.frame", "text": dumps(frame)}
    transaction.on_commit(lambda: _send(group, event))


def close_sockets(group: str, code: int) -> None:
    transaction.on_commit(lambda: _send(group, {"type": "socket.close", "code": code}))
