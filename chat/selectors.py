"""Reads of chat: what a person may see, in the shapes of ARCHITECTURE.md."""

from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import (
    Count,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext

from chat import policies, ports
from chat.models import EMOJI, Message, MutedMember, Reaction, ReadState, Room
from community import policies as community_policies
from groups import policies as group_policies
from groups import selectors as group_selectors

BACKLOG_LIMIT = 200
PAGE_LIMIT = 100
PUBLIC_STATES = (Message.State.VISIBLE, Message.State.DELETED)


def with_author_names(messages: QuerySet[Message]) -> QuerySet[Message]:
    """Messages ready for ``message_payload``: of each author only the pseudonym is read
    (least data), once per author rather than joined into every row."""
    names = get_user_model().objects.only("id", "display_name")
    return messages.prefetch_related(Prefetch("author", queryset=names))


def with_meetup_cards(messages: list[Message]) -> list[Message]:
    """The meetups of the messages that carry a card, in one query and only when some do
    (most pages have none, and joining the empty columns into every row costs more)."""
    carrying = [m for m in messages if m.meetup_id and not Message.meetup.is_cached(m)]
    if carrying:
        prefetch_related_objects(carrying, "meetup")
    return messages


@dataclass(frozen=True)
class Viewer:
    """Who is looking at a room, decided once per request or subscription."""

    user_id: int
    moderator: bool
    muted: frozenset[int]

    def actions(self, message: Message) -> list[str]:
        role = policies.role_in_room(
            is_author=message.author_id == self.user_id, is_moderator=self.moderator
        )
        return policies.actions_for_role(message=message, role=role)


def muted_ids(*, user) -> frozenset[int]:
    return frozenset(MutedMember.objects.filter(user=user).values_list("muted_id", flat=True))


def muted_members(*, user) -> QuerySet[MutedMember]:
    """Whom this person muted, newest first, with their names."""
    return MutedMember.objects.filter(user=user).select_related("muted").order_by("-created_at")


def viewer_for(*, user, room: Room) -> Viewer:
    return Viewer(
        user_id=user.pk,
        moderator=policies.sees_everything_in(user=user, room=room),
        muted=muted_ids(user=user),
    )


def visible_messages(*, viewer: Viewer, room_id: int) -> QuerySet[Message]:
    """Held and hidden messages reach only their author and the room's moderators."""
    messages = Message.objects.filter(room_id=room_id)
    if not viewer.moderator:
        messages = messages.filter(Q(state__in=PUBLIC_STATES) | Q(author_id=viewer.user_id))
    if viewer.muted:
        messages = messages.exclude(author_id__in=viewer.muted)
    return messages


def message_page(
    *,
    viewer: Viewer,
    room_id: int,
    after_seq: int | None = None,
    before_seq: int | None = None,
    limit: int = PAGE_LIMIT,
) -> tuple[list[dict], bool]:
    """One keyset page of messages as payloads, oldest first, and whether more exist."""
    messages = with_author_names(visible_messages(viewer=viewer, room_id=room_id))
    if before_seq is not None:
        newest_first = messages.filter(seq__lt=before_seq).order_by("-seq")[: limit + 1]
        page = list(newest_first)[::-1]
        has_more = len(page) > limit
        page = page[1:] if has_more else page
    else:
        page = list(messages.filter(seq__gt=after_seq or 0).order_by("seq")[: limit + 1])
        has_more = len(page) > limit
        page = page[:limit]
    return message_payloads(page, muted=viewer.muted, viewer=viewer), has_more


def messages_between(
    *, viewer: Viewer, room_id: int, after_seq: int, before_seq: int
) -> list[dict]:
    """The messages this viewer may see with a seq strictly between two, oldest first."""
    messages = with_author_names(visible_messages(viewer=viewer, room_id=room_id))
    messages = messages.filter(seq__gt=after_seq, seq__lt=before_seq).order_by("seq")
    return message_payloads(list(messages), muted=viewer.muted, viewer=viewer)


def reactions_by_message(messages: list[Message], *, muted=frozenset()) -> dict[int, list[dict]]:
    """The reactions on these messages, read by each room's span of seqs: a page binds two
    numbers instead of one per message (reactions in the span on other messages are dropped)."""
    if not messages:
        return {}
    wanted = {m.pk for m in messages}
    spans: dict[int, list[int]] = defaultdict(list)
    for m in messages:
        spans[m.room_id].append(m.seq)
    in_spans = Q()
    for room_id, seqs in spans.items():
        in_spans |= Q(message__room_id=room_id, message__seq__range=(min(seqs), max(seqs)))
    rows = Reaction.objects.filter(in_spans)
    users: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for message_id, emoji, user_id in rows.values_list("message_id", "emoji", "user_id").order_by(
        "created_at", "id"
    ):
        if message_id in wanted and user_id not in muted:
            users[message_id][emoji].append(user_id)
    return {
        message_id: [
            {"emoji": e, "count": len(by_emoji[e]), "users": by_emoji[e]}
            for e in EMOJI
            if by_emoji.get(e)
        ]
        for message_id, by_emoji in users.items()
    }


def message_payloads(
    messages: list[Message], *, muted=frozenset(), viewer: Viewer | None = None
) -> list[dict]:
    """Payloads for one viewer (with their ``actions``), or for a broadcast (``actions``
    left empty: each reader's consumer splices in those of their role)."""
    reactions = reactions_by_message(messages, muted=muted)
    with_meetup_cards(messages)
    return [
        message_payload(m, reactions.get(m.pk, []), actions=viewer.actions(m) if viewer else [])
        for m in messages
    ]


def message_payload(message: Message, reactions: list[dict], *, actions=()) -> dict:
    """The message shape of the protocol. A deleted message keeps its place, not its text.

    ``actions`` comes last: a broadcast splices each reader's list in at the end."""
    deleted = message.state == Message.State.DELETED
    return {
        "id": message.pk,
        "room": message.room_id,
        "seq": message.seq,
        "author": {"id": message.author_id, "display_name": message.author.public_name},
        "body": "" if deleted else message.body,
        "reply_to": message.reply_to_id,
        "reactions": [] if deleted else reactions,
        "state": message.state,
        "created_at": message.created_at.isoformat(),
        "edited_at": message.edited_at.isoformat() if message.edited_at else None,
        "meetup": group_selectors.meetup_summary(message.meetup) if message.meetup_id else None,
        "card": None if deleted else message.card,
        "actions": list(actions),
    }


def message_for_broadcast(message_id: int) -> dict:
    """A message as everyone may see it: all reactions, filtered per reader later."""
    message = with_author_names(Message.objects).get(pk=message_id)
    return message_payloads([message])[0]


def rooms_for_user(*, user) -> QuerySet[Room]:
    rooms = Room.objects.filter(is_archived=False).select_related("group")
    if community_policies.is_moderator(user):
        return rooms
    member_of = group_policies.memberships_in_band(user=user)
    readable = Q(kind=Room.Kind.TOPIC) | Q(group__in=member_of.values("group_id"))
    readable |= Q(kind=Room.Kind.SUPPORT, member=user)
    unit_municipality_id = community_policies.unit_municipality_id(user)
    if unit_municipality_id is not None:
        readable |= Q(kind=Room.Kind.SUPPORT, municipality_id=unit_municipality_id)
    organisation_id = group_policies.hosting_organisation_id(user)
    if organisation_id is not None:
        readable |= Q(group__organisation_id=organisation_id)
    return rooms.filter(readable)


def room_list_for_user(*, user) -> list[dict]:
    """Rooms I can see, with my unread count, last visible message and whether I can post."""
    muted = muted_ids(user=user)
    last_read = ReadState.objects.filter(room=OuterRef("pk"), user=user).values("last_read_seq")
    unread = Q(
        messages__seq__gt=F("my_last_read"),
        messages__state=Message.State.VISIBLE,
    ) & ~Q(messages__author=user)
    if muted:
        unread &= ~Q(messages__author__in=muted)
    rooms = list(
        rooms_for_user(user=user)
        .annotate(my_last_read=Coalesce(Subquery(last_read[:1]), Value(0)))
        .annotate(unread=Count("messages", filter=unread))
        .order_by("kind", "name")
    )
    meetups = group_selectors.next_meetups_by_group(
        (r.group_id for r in rooms if r.group_id), user=user
    )
    states = ports.moderation().room_states(user=user, rooms=rooms)
    return [
        {
            **room_payload(
                room,
                user=user,
                unread=room.unread,
                next_meetup=meetups.get(room.group_id),
                state=states[room.pk],
            ),
            "last_message": last,
        }
        for room, last in zip(rooms, _last_messages(rooms, user=user, muted=muted), strict=True)
    ]


def _last_messages(rooms: list[Room], *, user, muted) -> list[dict | None]:
    latest = (
        Message.objects.filter(room=OuterRef("pk"), state=Message.State.VISIBLE)
        .exclude(author_id__in=muted)
        .order_by("-seq")
        .values("pk")[:1]
    )
    ids = dict(
        Room.objects.filter(pk__in=[r.pk for r in rooms])
        .annotate(last_id=Subquery(latest))
        .values_list("pk", "last_id")
    )
    found = with_author_names(Message.objects).filter(pk__in=[i for i in ids.values() if i])
    by_id = {m.pk: m for m in with_meetup_cards(list(found))}
    payloads = {m.pk: message_payload(m, []) for m in by_id.values()}
    return [payloads.get(ids.get(room.pk)) for room in rooms]


def room_name(room: Room, *, user) -> str:
    """A support conversation is named for its reader: the member sees what it is, its
    staff whom it is with (the member's name when it was opened)."""
    if room.kind != Room.Kind.SUPPORT:
        return room.name
    if room.member_id == user.pk:
        return gettext("Support conversation")
    return gettext("Support conversation with %(name)s") % {"name": room.name}


def room_payload_for(*, user, room: Room) -> dict:
    """One room as ``GET /api/v1/rooms/`` lists it, for a room this person may read."""
    [last] = _last_messages([room], user=user, muted=muted_ids(user=user))
    return {
        **room_payload(room, user=user, unread=unread_count(user=user, room=room)),
        "last_message": last,
    }


def room_payload(
    room: Room, *, user, unread: int, next_meetup: dict | None = None, state: dict | None = None
) -> dict:
    """``state`` is what only this viewer is shown there (their mute, their crisis card)."""
    if state is None:
        state = ports.moderation().room_states(user=user, rooms=[room])[room.pk]
    return {
        "id": room.pk,
        "slug": room.slug,
        "name": room_name(room, user=user),
        "kind": room.kind,
        "topic": room.topic,
        "last_seq": room.last_seq,
        "unread": unread,
        "can_post": policies.can_post(user=user, room=room),
        "is_locked": room.is_locked,
        "slow_mode_seconds": room.slow_mode_seconds,
        "next_meetup": next_meetup,
        **state,
    }


def unread_count(*, user, room: Room) -> int:
    state = ReadState.objects.filter(user=user, room=room).first()
    after = state.last_read_seq if state else 0
    viewer = Viewer(user_id=user.pk, moderator=False, muted=muted_ids(user=user))
    messages = visible_messages(viewer=viewer, room_id=room.pk)
    return messages.filter(seq__gt=after, state=Message.State.VISIBLE).exclude(author=user).count()


def last_read_seq(*, user, room_id: int) -> int:
    state = ReadState.objects.filter(user=user, room_id=room_id).values("last_read_seq").first()
    return state["last_read_seq"] if state else 0
