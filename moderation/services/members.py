"""Moderator actions on members: warn, mute, ban from a group, suspend; and their undo."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from chat import broadcast
from chat.models import Room
from community import realtime
from community import services as community_services
from community.errors import Forbidden, Invalid, NotFound
from community.models import User
from groups.models import Membership, PeerGroup
from moderation import broadcast as moderation_broadcast
from moderation import policies, room_state
from moderation.models import Sanction
from moderation.services import audit
from moderation.services.messages import require_reason

MUTE_MINUTES_MAX = 60 * 24 * 30
MESSAGE_MAX = 1000
LIFT_ACTIONS = {"mute": "member.unmute", "ban": "member.unban", "suspension": "member.unsuspend"}


def _scope(*, user, room_id=None, group_id=None) -> tuple[Room | None, PeerGroup | None]:
    """The room or group an action is for, if this person moderates it."""
    if (room_id is None) == (group_id is None):
        raise Invalid(fields={"room": [_("Give a room or a group.")]})
    if room_id is not None:
        room = Room.objects.select_related("group").filter(pk=room_id).first()
        if room is None or not policies.can_moderate_room(user=user, room=room):
            raise NotFound()
        return room, None
    group = PeerGroup.objects.filter(pk=group_id).first()
    if group is None or not policies.can_moderate_group(user=user, group=group):
        raise NotFound()
    return None, group


def _not_staff(member: User) -> None:
    if policies.is_staff(member):
        raise Forbidden(_("Moderators and coordinators cannot be sanctioned here."))


def to_member(member_message) -> str:
    """The optional message to the member: what they read, unlike the internal reason."""
    if member_message is None:
        return ""
    if not isinstance(member_message, str) or len(member_message.strip()) > MESSAGE_MAX:
        raise Invalid(
            fields={"member_message": [_("Keep the message to the member shorter, please.")]}
        )
    return member_message.strip()


def _tell(member: User, *, title, standard, message: str, notify: bool) -> None:
    """A private word to the member: the moderator's message, or a neutral standard text.
    The internal reason never reaches them."""
    with translation.override(member.preferred_language):
        title_text, body = str(title()), message or str(standard())
    if notify:
        community_services.notify(user=member, kind="warning", title=title_text, body=body)
    moderation_broadcast.notice(member.pk, kind="warning", title=title_text, body=body)


@transaction.atomic
def member_warn(
    *, user, member_id, reason, member_message=None, room_id=None, group_id=None
) -> Sanction:
    """A private warning: over the socket now and in the member's notifications."""
    reason, member_message = require_reason(reason), to_member(member_message)
    room, group = _scope(user=user, room_id=room_id, group_id=group_id)
    member = policies.member_for_moderator(user=user, member_id=member_id, room=room, group=group)
    sanction = Sanction.objects.create(
        user=member,
        kind=Sanction.Kind.WARNING,
        room=room,
        group=group,
        reason=reason,
        created_by=user,
    )
    _tell(
        member,
        title=lambda: _("A message from the moderators"),
        standard=lambda: _("You have been warned for breaking the community guidelines."),
        message=member_message,
        notify=True,
    )
    _audit(user, "member.warn", sanction, reason, member_message=member_message)
    return sanction


@transaction.atomic
def member_mute(
    *, user, member_id, reason, minutes, member_message=None, room_id=None, group_id=None
) -> Sanction:
    """Can read, cannot post, for a set time, in one room or a whole group."""
    reason, member_message = require_reason(reason), to_member(member_message)
    if not isinstance(minutes, int) or not 1 <= minutes <= MUTE_MINUTES_MAX:
        raise Invalid(fields={"minutes": [_("Between 1 minute and 30 days.")]})
    room, group = _scope(user=user, room_id=room_id, group_id=group_id)
    member = policies.member_for_moderator(user=user, member_id=member_id, room=room, group=group)
    _not_staff(member)
    sanction = Sanction.objects.create(
        user=member,
        kind=Sanction.Kind.MUTE,
        room=room,
        group=group,
        reason=reason,
        created_by=user,
        ends_at=timezone.now() + timedelta(minutes=minutes),
    )
    _tell(
        member,
        title=lambda: _("You cannot post here for a while"),
        standard=lambda: _(
            "You have been muted for a while for breaking the community guidelines."
        ),
        message=member_message,
        notify=False,
    )
    _mute_state_to_member(sanction)
    _audit(user, "member.mute", sanction, reason, member_message=member_message, minutes=minutes)
    return sanction


def _mute_state_to_member(sanction: Sanction) -> None:
    """The member's open rooms close (or open) their composer at once, with the end time."""
    rooms = [sanction.room] if sanction.room else list(Room.objects.filter(group=sanction.group))
    states = room_state.room_states(user=sanction.user, rooms=rooms)
    for room in rooms:
        mine = states[room.pk]
        moderation_broadcast.to_member(
            sanction.user_id,
            {
                "type": "room.updated",
                "room": room.pk,
                "muted": mine["muted"],
                "muted_until": mine["muted_until"],
            },
        )


@transaction.atomic
def sanction_lift(*, user, sanction_id, reason) -> Sanction:
    """Undo a mute, a ban or a suspension; also written to the log."""
    reason = require_reason(reason)
    sanction = (
        Sanction.objects.select_for_update(of=("self",))
        .select_related("room", "group", "user")
        .filter(pk=sanction_id, lifted_at__isnull=True)
        .exclude(kind=Sanction.Kind.WARNING)
        .first()
    )
    if sanction is None or not _may_lift(user, sanction):
        raise NotFound()
    sanction.lifted_at, sanction.lifted_by = timezone.now(), user
    sanction.save(update_fields=["lifted_at", "lifted_by"])
    if sanction.kind == Sanction.Kind.BAN:
        Membership.objects.filter(group=sanction.group, user=sanction.user).update(
            status=Membership.Status.LEFT
        )
    elif sanction.kind == Sanction.Kind.SUSPENSION:
        User.objects.filter(pk=sanction.user_id).update(is_active=True)
    elif sanction.kind == Sanction.Kind.MUTE:
        _mute_state_to_member(sanction)
    _audit(user, LIFT_ACTIONS[sanction.kind], sanction, reason)
    return sanction


def _may_lift(user, sanction: Sanction) -> bool:
    if sanction.kind == Sanction.Kind.SUSPENSION:
        return policies.can_suspend(user)
    if sanction.room is not None:
        return policies.can_moderate_room(user=user, room=sanction.room)
    return sanction.group is not None and policies.can_moderate_group(
        user=user, group=sanction.group
    )


@transaction.atomic
def member_ban(*, user, member_id, group_id, reason) -> Sanction:
    """Remove from a group for good: their sockets leave its rooms now; no rejoining."""
    reason = require_reason(reason)
    _room, group = _scope(user=user, group_id=group_id)
    member = policies.member_for_moderator(
        user=user, member_id=member_id, group=group, statuses=policies.BANNABLE, outsiders=True
    )
    _not_staff(member)
    Membership.objects.update_or_create(
        group=group, user=member, defaults={"status": Membership.Status.BANNED}
    )
    sanction = Sanction.objects.create(
        user=member, kind=Sanction.Kind.BAN, group=group, reason=reason, created_by=user
    )
    broadcast.to_user_control(member.pk, "rooms")
    _audit(user, "member.ban", sanction, reason)
    return sanction


@transaction.atomic
def member_suspend(*, user, member_id, reason) -> Sanction:
    """Suspend an account everywhere: it cannot log in and all its sockets close."""
    reason = require_reason(reason)
    if not policies.can_suspend(user):
        raise NotFound()
    member = policies.member_for_moderator(user=user, member_id=member_id)
    _not_staff(member)
    User.objects.filter(pk=member.pk).update(is_active=False)
    sanction = Sanction.objects.create(
        user=member, kind=Sanction.Kind.SUSPENSION, reason=reason, created_by=user
    )
    transaction.on_commit(
        lambda: realtime.close_sockets(broadcast.user_group(member.pk), realtime.CLOSE_FORBIDDEN)
    )
    community_services.tokens_delete(user=member)  # after: its sockets hear 4403 first
    _audit(user, "member.suspend", sanction, reason)
    return sanction


def _audit(
    actor, action: str, sanction: Sanction, reason: str, member_message="", **details
) -> None:
    """The internal reason, and what the member was told when a moderator wrote to them."""
    if member_message:
        details["member_message"] = member_message
    room = sanction.room
    audit.record(
        actor=actor,
        action=action,
        target=sanction,
        reason=reason,
        details={"member": sanction.user_id, "kind": sanction.kind, **details},
        room_id=room.pk if room else None,
        group_id=sanction.group_id or (room.group_id if room else None),
    )
