"""Retention: everything past its period (``settings.RETENTION``) goes, counted and logged.

``purge_expired`` runs every app's purge; ``manage.py purge_expired`` calls it hourly. Each
purge deletes (or, for meetup needs, clears) only what has passed its period, so a second
run right after finds nothing.

A chat message past its period is deleted, not kept as a tombstone: nothing of it stays, and
its ``seq`` stays a gap like one a reader may not see, so resuming after any seq still works
and the room's ``last_seq`` never changes. A reply to it keeps its own text and loses only
the quote (``reply_to`` becomes null); reactions go with it. Kept past the period: the
room's pinned message (moderators chose to show it), a message waiting in the moderation
queue, and one behind an actioned queue item while that item is kept. Support
conversations go as a whole, a period after their last message.
"""

from collections import Counter
from datetime import datetime

from django.db import transaction
from django.db.models import F, Max, Q
from django.db.models.functions import Coalesce

from chat.models import Message, Room
from community import realtime, retention
from groups.services import retention as groups_retention
from moderation.models import AuditEntry, CrisisCard, QueueItem, Report, Sanction
from push import services as push_services
from support import services as support_services

# Rows per transaction: short locks, and few enough commits (each waits for the disk).
BATCH = 2000
# Deletes that cascade are counted by what went; these are reported even when nothing did.
ALWAYS_COUNTED = ("chat.Message", "chat.Room", "community.TalkRequest", "moderation.QueueItem")


def _closed_at():
    return Coalesce("resolved_at", "updated_at")


def queue_items_purge(*, now: datetime) -> Counter:
    """Closed queue items, and the reports behind them, go a period after they closed."""
    limit = retention.cutoff(name="queue_items", now=now)
    expired = QueueItem.objects.exclude(status=QueueItem.Status.OPEN).alias(closed_at=_closed_at())
    counts = Counter()
    for item_ids in _batches(expired.filter(closed_at__lte=limit)):
        with transaction.atomic():
            message_ids = QueueItem.objects.filter(pk__in=item_ids).values("message_id")
            counts.update(_deleted(Report.objects.filter(message_id__in=message_ids)))
            counts.update(_deleted(QueueItem.objects.filter(pk__in=item_ids)))
    return counts


def messages_purge(*, now: datetime) -> Counter:
    """Chat messages (not support conversations) a period after they were written."""
    limit = retention.cutoff(name="chat_messages", now=now)
    queue_limit = retention.cutoff(name="queue_items", now=now)
    pinned = Room.objects.filter(pinned_message__isnull=False).values("pinned_message_id")
    in_moderation = (
        QueueItem.objects.alias(closed_at=_closed_at())
        .filter(
            Q(status=QueueItem.Status.OPEN)
            | Q(status=QueueItem.Status.ACTIONED, closed_at__gt=queue_limit)
        )
        .values("message_id")
    )
    expired = (
        Message.objects.filter(created_at__lte=limit)
        .exclude(room__kind=Room.Kind.SUPPORT)
        .exclude(pk__in=pinned)
        .exclude(pk__in=in_moderation)
    )
    counts = Counter()
    for message_ids in _batches(expired):
        with transaction.atomic():
            _lock_rooms(Message.objects.filter(pk__in=message_ids).values("room_id"))
            counts.update(_deleted(expired.filter(pk__in=message_ids)))
    return counts


def support_conversations_purge(*, now: datetime) -> Counter:
    """A support conversation goes whole (messages, read states, crisis cards) a period
    after its last message, or after it was opened if nobody wrote. One waiting in the
    moderation queue, or named by a sanction, stays until that is settled."""
    limit = retention.cutoff(name="support_conversations", now=now)
    waiting = QueueItem.objects.filter(status=QueueItem.Status.OPEN).values("room_id")
    sanctioned = Sanction.objects.filter(room__isnull=False).values("room_id")
    expired = (
        Room.objects.filter(kind=Room.Kind.SUPPORT)
        .annotate(last_at=Coalesce(Max("messages__created_at"), F("created_at")))
        .filter(last_at__lte=limit)
        .exclude(pk__in=waiting)
        .exclude(pk__in=sanctioned)
    )
    counts = Counter()
    for room_ids in _batches(expired, size=50):
        with transaction.atomic():
            _lock_rooms(room_ids)
            rooms = Room.objects.filter(pk__in=expired.filter(pk__in=room_ids).values("pk"))
            for member_id in set(rooms.values_list("member_id", flat=True)):
                realtime.to_user_control(member_id, "rooms")  # an open socket leaves it
            counts.update(_deleted(rooms))
    return counts


def crisis_cards_purge(*, now: datetime) -> int:
    """That someone was shown a crisis card is kept no longer than what they wrote."""
    limit = retention.cutoff(name="chat_messages", now=now)
    return CrisisCard.objects.filter(updated_at__lte=limit).delete()[0]


def purge_expired(*, now: datetime) -> dict[str, int]:
    """Run every purge; returns how many rows of each kind went (zeros included) and, when
    anything went, writes one audit entry with those counts and nothing personal."""
    counts = Counter()
    # Queue items first: a message they no longer keep goes in the same run.
    counts.update(queue_items_purge(now=now))
    counts.update(messages_purge(now=now))
    counts.update(support_conversations_purge(now=now))
    counts["moderation.CrisisCard"] += crisis_cards_purge(now=now)
    counts["groups.Rsvp.needs"] += groups_retention.rsvp_needs_clear(now=now)
    counts["groups.JoinRequest"] += groups_retention.join_requests_purge(now=now)
    counts["groups.Invitation"] += groups_retention.invitations_purge(now=now)
    counts.update(_kinds(support_services.talk_requests_purge(now=now)))
    counts["community.Notification"] += retention.notifications_purge(now=now)
    counts["community.PendingSignup"] += retention.pending_signups_purge(now=now)
    counts["knox.AuthToken"] += retention.api_tokens_purge(now=now)
    counts["sessions.Session"] += retention.sessions_purge(now=now)
    counts["push.PushSubscription"] += push_services.push_subscriptions_purge_failing(now=now)
    result = {kind: counts[kind] for kind in sorted(set(counts) | set(ALWAYS_COUNTED))}
    if any(result.values()):
        AuditEntry.objects.create(
            actor=None,
            action="retention.purge",
            target_type="retention",
            target_id=now.astimezone(retention.STOCKHOLM).date().isoformat(),
            details={kind: n for kind, n in result.items() if n},
        )
    return result


def _lock_rooms(room_ids) -> None:
    """Take the rooms' row locks, as a send does before it checks ``reply_to`` and takes a
    seq: a send in progress finishes first (and the purge, asking again, sees its message),
    a later one waits and then finds the purged message gone (``invalid``), never a
    database error at its commit."""
    rooms = Room.objects.select_for_update().filter(pk__in=room_ids).order_by("pk")
    list(rooms.values_list("pk", flat=True))


def _batches(queryset, *, size: int = BATCH):
    """Primary keys of ``queryset`` a batch at a time; the caller deletes each batch, so the
    query is asked again until nothing is left."""
    last = None
    while ids := list(queryset.order_by("pk").values_list("pk", flat=True)[:size]):
        if ids == last:  # nothing went: a row something protects; never loop on it
            raise RuntimeError(f"{queryset.model.__name__} {ids[:5]} could not be purged")
        last = ids
        yield ids


def _deleted(queryset) -> Counter:
    return _kinds(queryset.delete()[1])


def _kinds(by_label: dict[str, int]) -> Counter:
    return Counter({label: n for label, n in by_label.items() if n})
