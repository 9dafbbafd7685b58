"""What chat asks of moderation, the app above it, without importing it.

Moderation acts on rooms and messages, so it sits above chat; yet every send passes its
screening and its mutes, and every socket follows the live queues its person moderates.
Moderation installs these answers when Django starts (``moderation.apps``), so every
import still points down (``make lint`` checks the layers).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Moderation:
    active_mute: Callable[..., Any]  # (*, user, room) -> the mute in force there, or None
    socket_groups: Callable[[Any], list[str]]  # the live queues a person's sockets follow
    # (*, actor, action, target, reason="", details=None, room_id=None, group_id=None):
    # one line in the audit log (support conversations log every message)
    audit: Callable[..., Any]


_installed: dict[str, Moderation] = {}


def install_moderation(moderation: Moderation) -> None:
    _installed["moderation"] = moderation


def moderation() -> Moderation:
    """Moderation's answers; it is installed wherever chat is (``INSTALLED_APPS``)."""
    return _installed["moderation"]
