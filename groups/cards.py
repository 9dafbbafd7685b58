"""The card a room shows when a meetup is scheduled, changed or cancelled.

A room is shared by readers of several languages, so a card is kept as data (``Message.card``)
and written out in each reader's language: by the pages and the web client from
``card_texts()``, and here for the stored ``body`` (the site language) that screening reads.
"""

from datetime import datetime

from django.utils.translation import gettext, gettext_lazy

from groups.models import Meetup
from groups.selectors import when_at

EVENTS = ("created", "updated", "cancelled")

_TEXTS = {
    "created": gettext_lazy("New meetup: %(title)s, %(when)s at %(place)s."),
    "updated": gettext_lazy("Meetup changed: %(title)s, %(when)s at %(place)s."),
    "cancelled": gettext_lazy("Cancelled: %(title)s, %(when)s. %(reason)s"),
}


def meetup_card(meetup: Meetup, event: str, *, repeats: int = 1) -> dict:
    """What a card says, as data: the meetup as it is (or is proposed to be) at this event."""
    card = {
        "event": event,
        "title": meetup.title,
        "starts_at": meetup.starts_at.isoformat(),
        "place": meetup.venue_name,
    }
    if repeats > 1:
        card["repeats"] = repeats
    if event == "cancelled":
        card["reason"] = meetup.cancel_reason
    return card


def card_text(card: dict) -> str:
    """The card in the active language."""
    text = _TEXTS[card["event"]] % {
        "title": card["title"],
        "when": when_at(datetime.fromisoformat(card["starts_at"])),
        "place": card.get("place", ""),
        "reason": card.get("reason", ""),
    }
    if card.get("repeats", 1) > 1:
        text += " " + gettext("It repeats %(n)s times.") % {"n": card["repeats"]}
    return text.strip()


def card_texts() -> dict[str, str]:
    """The card sentences in the active language, for clients that write cards out themselves
    (``%(when)s`` is the start as the pages write it: "lördag 5 december, 18.00")."""
    return {event: str(text) for event, text in _TEXTS.items()} | {
        "repeats": gettext("It repeats %(n)s times.")
    }


def message_text(body: str, card: dict | None) -> str:
    """What a reader sees of a message: a card in their language, else what was written."""
    return card_text(card) if card else body
