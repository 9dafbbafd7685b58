"""Reads of what a member's own view of a room carries: their crisis card and their mute.

Both reach only that member (the room payload for the viewer, the room page, private
frames), never the room's other readers.
"""

from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from chat.models import Room
from community.models import Organisation
from moderation import selectors
from moderation.models import CrisisCard, Sanction, WordRule

CRISIS_CARD_TIME = timedelta(hours=24)  # the "Support now" button stays this long

CRISIS_TITLES = {
    WordRule.Category.CRISIS_SELF: lambda: _("You are not alone: talk to someone now"),
    WordRule.Category.CRISIS_OTHER: lambda: _("If someone close to you is in danger"),
}
CRISIS_BODIES = {
    WordRule.Category.CRISIS_SELF: lambda: _(
        "It sounds like things are really hard right now. You can call or chat with someone "
        "at any time of day. If you are in danger, call 112."
    ),
    WordRule.Category.CRISIS_OTHER: lambda: _(
        "If someone's life or health is in danger, call 112 now. These can also help you, "
        "and the carer support in your municipality is there for you afterwards."
    ),
}


def unit_is_staffed(*, user, at: datetime) -> bool:
    """Whether staff of the member's municipal carer-support unit answer at ``at``."""
    from support.selectors import organisation_is_staffed

    if not user.municipality_id:
        return False
    units = Organisation.objects.filter(
        kind=Organisation.Kind.MUNICIPAL_UNIT, municipality_id=user.municipality_id
    ).prefetch_related("opening_hours")
    return any(organisation_is_staffed(organisation=unit, at=at) for unit in units)


def _contacts(*, user, categories, staffed: bool) -> list[dict]:
    """The card's contacts; outside staffed hours the lines that always answer come first."""
    contacts = selectors.crisis_contacts_for(user=user, situations=categories)
    if not staffed:
        contacts.sort(key=lambda c: not c["always_open"])  # stable: their order stays
    return contacts


def crisis_card_payload(card: CrisisCard, *, user, update: bool = False, at=None) -> dict:
    """The private ``notice`` frame of a member's crisis card in one room, in their language.

    ``update`` tells a client that already shows this room's card to replace it."""
    at = at or timezone.now()
    staffed = unit_is_staffed(user=user, at=at)
    first = card.categories[0]
    with translation.override(user.preferred_language):
        contacts = _contacts(user=user, categories=card.categories, staffed=staffed)
        body = str(CRISIS_BODIES[first]())
        if not staffed:
            lines = ", ".join(c["name"] for c in contacts if c["always_open"])
            body += " " + _(
                "Nobody from the carer support in your municipality is at work right now, "
                "so do not wait for an answer here. Call now, they answer day and night: "
                "%(lines)s."
            ) % {"lines": lines or "112"}
        title = str(CRISIS_TITLES[first]())
    return {
        "type": "notice",
        "kind": "crisis",
        "room": card.room_id,
        "update": update,
        "categories": list(card.categories),
        "until": (card.updated_at + CRISIS_CARD_TIME).isoformat(),
        "staffed": staffed,
        "title": title,
        "body": body,
        "contacts": contacts,
    }


def crisis_card_for(*, user, room: Room, at=None) -> dict | None:
    """The member's crisis card in this room while it is still offered, or None."""
    at = at or timezone.now()
    card = CrisisCard.objects.filter(
        user=user, room=room, updated_at__gt=at - CRISIS_CARD_TIME
    ).first()
    return crisis_card_payload(card, user=user, at=at) if card else None


def _active_mutes(*, user, at: datetime) -> list[tuple[int | None, int | None, datetime | None]]:
    return list(
        Sanction.objects.filter(user=user, kind=Sanction.Kind.MUTE, lifted_at__isnull=True)
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=at))
        .values_list("room_id", "group_id", "ends_at")
    )


def room_states(*, user, rooms) -> dict[int, dict]:
    """For each room, what only this member is shown there: ``muted`` with ``muted_until``
    (None for a mute without an end) and the ``crisis_card`` still offered (or None)."""
    at = timezone.now()
    mutes = _active_mutes(user=user, at=at) if user.is_authenticated else []
    ids = [room.pk for room in rooms]
    cards = {
        card.room_id: card
        for card in CrisisCard.objects.filter(
            user_id=user.pk, room_id__in=ids, updated_at__gt=at - CRISIS_CARD_TIME
        )
    }
    states = {}
    for room in rooms:
        ends = [
            ends_at
            for room_id, group_id, ends_at in mutes
            if room_id == room.pk or (room_id is None and group_id == room.group_id)
        ]
        card = cards.get(room.pk)
        states[room.pk] = {
            "muted": bool(ends),
            "muted_until": max(ends).isoformat() if ends and None not in ends else None,
            "crisis_card": {
                "categories": list(card.categories),
                "until": (card.updated_at + CRISIS_CARD_TIME).isoformat(),
            }
            if card
            else None,
        }
    return states


def until_text(ends_at: datetime, *, at=None) -> str:
    """A mute's end as members read it, in Stockholm time: "14.30" today, else with the day."""
    local, today = timezone.localtime(ends_at), timezone.localtime(at or timezone.now())
    if local.date() == today.date():
        return formats.time_format(local, "H.i")
    return formats.date_format(local, "j F H.i")
