"""Posting: seq under the room row lock, idempotent retries, rate limits, rule screening."""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chat import broadcast, policies, ports, selectors
from chat.models import BODY_MAX_LENGTH, Message, Room
from chat.services import limiter, mentions, support
from community import ports as community_ports
from community import services as community_services
from community.errors import (
    BredvidError,
    Code,
    Conflict,
    Forbidden,
    Invalid,
    RuleBroken,
    TooLarge,
)
from groups import selectors as group_selectors

CLIENT_ID_MAX = 64


@dataclass(frozen=True)
class Sent:
    message: dict
    created: bool


def _clean_body(body) -> str:
    if not isinstance(body, str) or not body.strip():
        raise Invalid(fields={"body": [_("Write something first.")]})
    body = body.strip()
    if len(body) > BODY_MAX_LENGTH:
        raise TooLarge(_("A message can be at most %(max)s characters.") % {"max": BODY_MAX_LENGTH})
    return body


def _existing_send(*, user, client_id: str, room_id: int) -> Sent | None:
    """A retry of an accepted send gets the same answer and changes nothing."""
    existing = selectors.with_author_names(Message.objects).filter(author=user, client_id=client_id)
    message = existing.first()
    if message is None:
        return None
    if message.room_id != room_id:
        raise Conflict(_("That client_id was already used for another message."))
    return Sent(message=selectors.message_payloads([message])[0], created=False)


def message_send(*, user, room_id: int, body, client_id, reply_to_id=None) -> Sent:
    """Post a message: seq assigned under the room row lock, broadcast after commit.

    A retry of an accepted send (same author and ``client_id``) gets the same answer and
    changes nothing, whatever would refuse a new message now. It is looked up only when
    the send does not go through: the unique ``client_id`` refuses the second insert."""
    if not isinstance(client_id, str) or not 1 <= len(client_id) <= CLIENT_ID_MAX:
        raise Invalid(fields={"client_id": [_("Give a client_id of 1–64 characters.")]})
    body = _clean_body(body)
    try:
        return _send_counted(
            user=user, room_id=room_id, body=body, client_id=client_id, reply_to_id=reply_to_id
        )
    except (BredvidError, IntegrityError):
        retry = _existing_send(user=user, client_id=client_id, room_id=room_id)
        if retry is None:
            raise
        return retry


def _send_counted(*, user, **send) -> Sent:
    """Send with a token from the person's bucket, given back when the send is not an
    accepted new message (refused, or a retry that the unique client_id turns away)."""
    limiter.send_quota_take(user_id=user.pk)
    try:
        return _send_new(user=user, **send)
    except BaseException:
        limiter.send_quota_give_back(user_id=user.pk)
        raise


def _send_new(*, user, room_id: int, body: str, client_id: str, reply_to_id) -> Sent:
    room = policies.room_for_user(user=user, room_id=room_id)
    community_services.posting_consents_check(
        user=user, to_staff_only=room.kind == Room.Kind.SUPPORT
    )
    moderator = policies.can_moderate_room(user=user, room=room)
    verdict = community_ports.screening().screen_text(
        user=user,
        body=body,
        moderator=moderator,
        group=room.group if room.group_id else None,
        target=room,
        already_sent=lambda: _existing_send(user=user, client_id=client_id, room_id=room_id),
    )
    payload = _insert_message(
        user=user,
        room_id=room_id,
        body=body,
        client_id=client_id,
        reply_to_id=reply_to_id,
        verdict=verdict,
        moderator=moderator,
    )
    return Sent(message=payload, created=True)


@transaction.atomic
def _insert_message(
    *,
    user,
    room_id: int,
    body: str,
    client_id: str,
    reply_to_id,
    verdict,
    moderator: bool,
) -> dict:
    room = Room.objects.select_for_update(of=("self",)).select_related("group").get(pk=room_id)
    if not moderator:
        _refuse_muted(user=user, room=room)
    last_post_at = _last_post_at(user=user, room=room) if room.slow_mode_seconds else None
    _refuse_post(user=user, room=room, moderator=moderator, last_post_at=last_post_at)
    if reply_to_id is not None and not _can_reply_to(user, room, reply_to_id):
        raise Invalid(fields={"reply_to": [_("Reply to a message in this room.")]})
    message = _append_message(
        room=room,
        author=user,
        body=body,
        client_id=client_id,
        reply_to_id=reply_to_id,
        state=Message.State.HELD
        if policies.holds_for_review(held=verdict.held, room=room)
        else Message.State.VISIBLE,
    )
    community_ports.screening().after_screening(message=message, verdict=verdict, author=user)
    mentions.mentions_after_commit(message)
    if room.kind == Room.Kind.SUPPORT:
        support.support_message_logged(message=message)
    role = policies.role_in_room(is_author=True, is_moderator=moderator)
    return selectors.message_payload(
        message, [], actions=policies.actions_for_role(message=message, role=role)
    )


def _last_post_at(*, user, room: Room):
    return (
        Message.objects.filter(room=room, author=user)
        .order_by("-seq")
        .values_list("created_at", flat=True)
        .first()
    )


def _refuse_muted(*, user, room: Room) -> None:
    mute = ports.moderation().active_mute(user=user, room=room)
    if mute is None:
        return
    left = max(1, int((mute.ends_at - timezone.now()).total_seconds())) if mute.ends_at else None
    detail = (
        _("You are muted here for %(minutes)s more minutes.")
        % {"minutes": max(1, round(left / 60))}
        if left
        else _("You are muted here.")
    )
    raise RuleBroken(Code.MUTED, detail, retry_after=left)


def _append_message(
    *,
    room: Room,
    author,
    body: str,
    client_id: str,
    reply_to_id=None,
    meetup=None,
    card: dict | None = None,
    state: str = Message.State.VISIBLE,
) -> Message:
    """Give the next seq and store the message; the caller holds the room row lock.

    The broadcast is scheduled for after the commit, so seq order is commit order."""
    room.last_seq += 1
    Room.objects.filter(pk=room.pk).update(last_seq=room.last_seq)
    message = Message.objects.create(
        room=room,
        seq=room.last_seq,
        author=author,
        body=body,
        client_id=client_id,
        reply_to_id=reply_to_id,
        meetup=meetup,
        card=card,
        state=state,
    )
    payload = selectors.message_payload(message, [])
    audience = (
        broadcast.AUTHOR_AND_MODERATORS if state == Message.State.HELD else broadcast.EVERYONE
    )
    broadcast.to_room(
        room.pk,
        {"type": "message.new", "message": payload},
        author_id=author.pk,
        seq=message.seq,
        audience=audience,
        actions=policies.actions_by_role(message),
    )
    return message


@transaction.atomic
def meetup_card_post(
    *,
    author,
    meetup,
    event: str,
    body: str,
    card: dict | None = None,
    verdict=None,
    sequence=None,
    always_shown: bool = False,
) -> dict | None:
    """Post the card of a scheduled, changed or cancelled meetup in each of its group's rooms,
    and tell connected clients the rooms' next meetup. Not subject to locks or slow mode:
    it is the hosts' announcement. A ``verdict`` of the hosts' texts (see
    ``groups.services.meetups``) holds the card for a moderator, who publishes by approving
    it; ``sequence`` names the version a held change will get. A card that is
    ``always_shown`` (a cancellation) is queued for a look but never held."""
    held = verdict is not None and verdict.held and not always_shown
    version = meetup.sequence if sequence is None else sequence
    posted = None
    for room in Room.objects.select_for_update().filter(
        group_id=meetup.group_id, is_archived=False
    ):
        # one card per meetup version, event and room, even if the service runs twice
        client_id = f"meetup-{meetup.uid.hex[:20]}-{version}-{event}-{room.pk}"
        retry = _existing_send(user=author, client_id=client_id, room_id=room.pk)
        if retry is not None:
            posted = retry.message
            continue
        message = _append_message(
            room=room,
            author=author,
            body=body,
            client_id=client_id,
            meetup=meetup,
            card=card,
            state=Message.State.HELD if held else Message.State.VISIBLE,
        )
        if verdict is not None:
            community_ports.screening().after_screening(
                message=message, verdict=verdict, author=author
            )
        posted = selectors.message_payload(message, [])
        if not held:
            _meetup_frames(room_id=room.pk, meetup=meetup, event=event)
    return posted


def meetup_published(*, meetup, event: str) -> None:
    """Tell the group's rooms of a meetup a moderator just let through (its card is there)."""
    for room_id in Room.objects.filter(group_id=meetup.group_id, is_archived=False).values_list(
        "pk", flat=True
    ):
        _meetup_frames(room_id=room_id, meetup=meetup, event=event)


def _meetup_frames(*, room_id: int, meetup, event: str) -> None:
    summary = group_selectors.meetup_summary(meetup)
    next_meetup = group_selectors.next_meetup_summary(group_id=meetup.group_id)
    broadcast.to_room(room_id, {"type": f"meetup.{event}", "room": room_id, "meetup": summary})
    broadcast.to_room(
        room_id, {"type": "room.updated", "room": room_id, "next_meetup": next_meetup}
    )


def _refuse_post(*, user, room: Room, moderator: bool, last_post_at) -> None:
    refusal = policies.post_refusal(
        user=user, room=room, moderator=moderator, last_post_at=last_post_at
    )
    if refusal is None:
        return
    code, wait = refusal
    if code == Code.FORBIDDEN:
        raise Forbidden(_("This room is archived."))
    if code == Code.SLOW_MODE:
        raise RuleBroken(
            code,
            _("Slow mode is on. You can post again in %(seconds)s s.") % {"seconds": wait},
            retry_after=wait,
        )
    raise RuleBroken(code)


def _can_reply_to(user, room: Room, reply_to_id) -> bool:
    if not isinstance(reply_to_id, int):
        return False
    viewer = selectors.viewer_for(user=user, room=room)
    return (
        selectors.visible_messages(viewer=viewer, room_id=room.pk).filter(pk=reply_to_id).exists()
    )
