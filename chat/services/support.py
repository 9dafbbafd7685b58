"""Support conversations: a private room of one member and the staff of their unit."""

import secrets
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chat import policies
from chat.models import Room
from community import ports as community_ports
from community import realtime
from community import services as community_services
from community.errors import Code, Forbidden, RuleBroken


@dataclass(frozen=True)
class Opened:
    room: Room
    created: bool


def support_room_open(*, user, member, municipality_id: int | None, details=None) -> Opened:
    """The member's support conversation with the unit of ``municipality_id``: found if it
    is open already (one per member and unit), else opened, logged and told to the member.

    ``details`` says in the log where it was opened from (a queue item, a talk request)."""
    if not policies.can_open_support_room(user=user, municipality_id=municipality_id):
        raise Forbidden()
    if not policies.can_have_support_room(member):
        raise RuleBroken(Code.INVALID, _("A support conversation is only for a member."))
    existing = _find(member=member, municipality_id=municipality_id)
    if existing is not None:
        return Opened(room=existing, created=False)
    try:
        room = _create(user=user, member=member, municipality_id=municipality_id, details=details)
        return Opened(room=room, created=True)
    except IntegrityError:  # opened at the same moment by someone else: theirs is the one
        return Opened(room=_find(member=member, municipality_id=municipality_id), created=False)


def _find(*, member, municipality_id: int | None) -> Room | None:
    return Room.objects.filter(
        kind=Room.Kind.SUPPORT, member=member, municipality_id=municipality_id, is_archived=False
    ).first()


@transaction.atomic
def _create(*, user, member, municipality_id: int | None, details) -> Room:
    room = Room.objects.create(
        kind=Room.Kind.SUPPORT,
        name=member.display_name,
        slug=f"stod-{secrets.token_hex(8)}",
        member=member,
        municipality_id=municipality_id,
    )
    community_ports.audit_record(
        actor=user,
        action="support.open",
        target=room,
        details={"member": member.pk, **(details or {})},
        room_id=room.pk,
    )
    community_services.notify(
        user=member,
        kind="support_conversation",
        title=gettext_lazy("A support conversation is open for you"),
        body=gettext_lazy(
            "Staff who work with support for young carers want to talk with you. "
            "Only you and the staff can read what is written there."
        ),
        url=reverse("frontend:room", args=[room.pk]),
    )
    realtime.to_user_control(member.pk, "rooms")
    return room


def support_message_logged(*, message, action: str = "support.message") -> None:
    """Every message (and edit) in a support conversation is in the audit log: who, where,
    which message; the text stays in the room."""
    community_ports.audit_record(
        actor=message.author, action=action, target=message, room_id=message.room_id
    )
