"""@mentions: ``@`` and a member's display name in a message others see notifies that member.

A message names people when it is sent, when it is edited to name someone new, and when a held
message is let through; each person is told once per message (``MentionSent``)."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy

from chat import policies
from chat.models import MentionSent, Message, MutedMember, Room
from community import services as community_services

# A display name is 3–30 characters; a message names at most this many people.
NAME_MIN, NAME_MAX = 3, 30
MENTIONS_MAX = 10


def _word(char: str) -> bool:
    return char.isalnum() or char == "_"


def _names_after(body: str, at: int) -> list[str]:
    """Every way the text after one ``@`` could be a display name (lower-cased): names
    begin and end with a letter, digit or underscore, and end where a word ends."""
    tail = body[at + 1 : at + 1 + NAME_MAX + 1]
    if not tail or not _word(tail[0]):
        return []
    return [
        tail[:length].lower()
        for length in range(NAME_MIN, min(NAME_MAX, len(tail)) + 1)
        if _word(tail[length - 1]) and (length == len(tail) or not _word(tail[length]))
    ]


def mentioned_names(body: str) -> list[set[str]]:
    """Per ``@`` in the message (at most ``MENTIONS_MAX``), the names it could start."""
    ats = [i for i, char in enumerate(body) if char == "@"][:MENTIONS_MAX]
    return [names for names in (set(_names_after(body, at)) for at in ats) if names]


def mentions_after_commit(message: Message) -> None:
    """Once the transaction that made ``message`` visible (or changed its text) commits, tell
    whom it names. A held or hidden message names nobody until it is let through."""
    if "@" in message.body and message.state == Message.State.VISIBLE:
        transaction.on_commit(lambda: mention_notify(message_id=message.pk), robust=True)


def mention_notify(*, message_id: int) -> list[int]:
    """Notify each member a visible message names: one who may read the room, is not the
    author, has not muted the author and was not told of this message before. The longest
    name wins at each ``@``. Returns the ids of those notified."""
    message = Message.objects.filter(pk=message_id, state=Message.State.VISIBLE).first()
    if message is None or "@" not in message.body:
        return []
    candidates = mentioned_names(message.body)
    wanted = set().union(*candidates) if candidates else set()
    users = {
        user.lowered: user
        for user in get_user_model()
        .objects.annotate(lowered=Lower("display_name"))
        .filter(lowered__in=wanted, is_active=True)
        .exclude(pk=message.author_id)
    }
    chosen = {}
    for names in candidates:
        found = [users[name] for name in sorted(names, key=len, reverse=True) if name in users]
        if found:
            chosen[found[0].pk] = found[0]
    room = Room.objects.select_related("group").get(pk=message.room_id)
    muting = set(
        MutedMember.objects.filter(user_id__in=chosen, muted_id=message.author_id).values_list(
            "user_id", flat=True
        )
    )
    notified = []
    for user in chosen.values():
        if user.pk in muting or not policies.can_read(user=user, room=room):
            continue
        _, first_time = MentionSent.objects.get_or_create(message=message, user=user)
        if not first_time:
            continue
        community_services.notify(
            user=user,
            kind="mention",
            title=gettext_lazy("Someone mentioned you in a room"),
            url=reverse("frontend:room", args=[room.pk]),
        )
        notified.append(user.pk)
    return notified
