"""What the apps below moderation ask of its screening, without importing it.

Every text that others see (a chat message, its edit, a member-written meetup text) passes
the same word rules with the same outcome; those rules live in ``moderation``, above chat
and groups. Moderation installs the one pipeline when Django starts (``moderation.apps``),
so every import still points down (``make lint`` checks the layers).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Screening:
    # (*, user, body, moderator, group, target, already_sent=None) -> a verdict with
    # ``held`` and ``crisis``; a blocked text raises ``blocked_word`` (logged, never stored)
    screen_text: Callable[..., Any]
    # (*, message, verdict, author): queue, log and send the crisis card, in its transaction
    after_screening: Callable[..., None]


_installed: dict[str, Any] = {}


def install_screening(screening: Screening) -> None:
    _installed["screening"] = screening


def screening() -> Screening:
    """Moderation's screening; it is installed wherever the apps that ask are."""
    return _installed["screening"]


def install_audit(record: Callable[..., Any]) -> None:
    """Moderation's one audit log, for staff actions of the apps below it (talk requests
    answered): ``record(*, actor, action, target, reason="", details=None)``."""
    _installed["audit"] = record


def audit_record(**line) -> Any:
    return _installed["audit"](**line)
