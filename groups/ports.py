"""What groups ask of chat, the app above them, without importing it.

Every group has its room and its meetups are announced there; rooms live in ``chat``,
which sits above ``groups`` (a room's readers are a group's members). Chat installs these
answers when Django starts (``chat.apps``), so every import still points down
(``make lint`` checks the layers).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Rooms:
    slug_taken: Callable[[str], bool]  # a group takes its room's slug: it must be free there
    group_room_create: Callable[..., Any]  # (*, group): the new group's room
    # (*, author, meetup, event, body, verdict=None, sequence=None, always_shown=False):
    # the meetup's card in its room, held when its screened text is
    meetup_card_post: Callable[..., Any]
    meetup_published: Callable[..., Any]  # (*, meetup, event): a held meetup was approved


_installed: dict[str, Rooms] = {}


def install_rooms(rooms: Rooms) -> None:
    _installed["rooms"] = rooms


def rooms() -> Rooms:
    """The rooms' answers; chat is installed wherever groups are (``INSTALLED_APPS``)."""
    return _installed["rooms"]
