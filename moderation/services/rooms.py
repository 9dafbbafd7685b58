"""Room controls: lock (read-only) and slow mode. Connected clients hear at once."""

from django.db import transaction
from django.utils.translation import gettext as _

from chat import broadcast
from chat.models import Room
from community.errors import Invalid, NotFound
from moderation import policies
from moderation.services import audit
from moderation.services.messages import require_reason

SLOW_MODE_MAX = 3600


def _moderated_room(*, user, room_id) -> Room:
    room = (
        Room.objects.select_for_update(of=("self",))
        .select_related("group")
        .filter(pk=room_id)
        .first()
        if isinstance(room_id, int)
        else None
    )
    if room is None or not policies.can_moderate_room(user=user, room=room):
        raise NotFound()
    return room


def _announce(room: Room) -> None:
    broadcast.to_room(
        room.pk,
        {
            "type": "room.updated",
            "room": room.pk,
            "is_locked": room.is_locked,
            "slow_mode_seconds": room.slow_mode_seconds,
        },
    )


@transaction.atomic
def room_lock(*, user, room_id, locked: bool, reason) -> Room:
    reason = require_reason(reason)
    room = _moderated_room(user=user, room_id=room_id)
    room.is_locked = locked
    room.save(update_fields=["is_locked"])
    _announce(room)
    audit.record(
        actor=user,
        action="room.lock" if locked else "room.unlock",
        target=room,
        reason=reason,
        room_id=room.pk,
        group_id=room.group_id,
    )
    return room


@transaction.atomic
def room_slow_mode(*, user, room_id, seconds, reason) -> Room:
    reason = require_reason(reason)
    if not isinstance(seconds, int) or not 0 <= seconds <= SLOW_MODE_MAX:
        raise Invalid(fields={"seconds": [_("Between 0 (off) and 3600 seconds.")]})
    room = _moderated_room(user=user, room_id=room_id)
    room.slow_mode_seconds = seconds
    room.save(update_fields=["slow_mode_seconds"])
    _announce(room)
    audit.record(
        actor=user,
        action="room.slow_mode",
        target=room,
        reason=reason,
        details={"seconds": seconds},
        room_id=room.pk,
        group_id=room.group_id,
    )
    return room
