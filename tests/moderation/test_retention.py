"""Retention (``manage.py purge_expired``): each period ends exactly, on Stockholm's clock.

Every kind is made with its clock starting at one moment, then purged a second before and
exactly at the end of its period: kept, then gone. The same over a change to summer time and
back, where a period of N days is not N × 24 hours."""

from datetime import UTC, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from chat.models import Message, Reaction, ReadState, Room
from community.models import Notification, PendingSignup, TalkProposal, TalkRequest
from community.retention import clock_reaches, cutoff
from groups.models import Invitation, JoinRequest, Meetup, Rsvp
from moderation.models import AuditEntry, CrisisCard, QueueItem, Report
from moderation.services.retention import purge_expired
from push.models import PushSubscription
from tests.factories import (
    CoordinatorFactory,
    MembershipFactory,
    PeerGroupFactory,
    RoomFactory,
    UserFactory,
    municipality,
)

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")
SECOND = timedelta(seconds=1)
JUST_BEFORE_SUMMER_TIME = datetime(2026, 3, 29, 0, 59, 59, 999999, tzinfo=UTC)


def local(*args) -> datetime:
    return datetime(*args, tzinfo=STOCKHOLM)


def later(start: datetime, days: int) -> datetime:
    """The same Stockholm wall-clock time ``days`` calendar days later."""
    return start.astimezone(STOCKHOLM) + timedelta(days=days)


# --- Makers: one row of each kind whose period starts at ``start`` -----------------------


def _message(room, author, *, at, seq, body="hej") -> Message:
    room.last_seq = max(room.last_seq, seq)
    room.save(update_fields=["last_seq"])
    return Message.objects.create(
        room=room, seq=seq, author=author, body=body, client_id=f"c{seq}", created_at=at
    )


def make_chat_message(start):
    message = _message(RoomFactory(), UserFactory(), at=start, seq=1)
    return lambda: Message.objects.filter(pk=message.pk).exists()


def make_rsvp_needs(start):
    coordinator = CoordinatorFactory()
    group = PeerGroupFactory(organisation=coordinator.organisation)
    meetup = Meetup.objects.create(
        group=group,
        title="Fika",
        starts_at=start - timedelta(hours=2),
        ends_at=start,
        venue_name="Biblioteket",
        capacity=10,
        created_by=coordinator,
    )
    rsvp = Rsvp.objects.create(
        meetup=meetup,
        user=UserFactory(),
        status=Rsvp.Status.GOING,
        needs_respite=True,
        needs_company=True,
        accessibility_needs="rullstol",
        note="mamma är sjuk",
    )
    return lambda: Rsvp.objects.get(pk=rsvp.pk).has_needs


def make_talk_request(start):
    talk = TalkRequest.objects.create(
        user=UserFactory(),
        municipality=municipality("1380"),
        channel=TalkRequest.Channel.PHONE,
        preferred_times="kvällar",
        topic="pappa dricker",
        status=TalkRequest.Status.CLOSED,
        updated_at=start,
    )
    TalkProposal.objects.create(talk_request=talk, starts_at=start, message="Tisdag?")
    return lambda: TalkRequest.objects.filter(pk=talk.pk).exists()


def make_support_conversation(start):
    member = UserFactory()
    room = Room.objects.create(
        kind=Room.Kind.SUPPORT,
        name="stöd",
        slug=f"stod-{member.pk}",
        member=member,
        municipality=municipality("1380"),
        created_at=start - timedelta(days=40),
    )
    _message(room, member, at=start - timedelta(days=40), seq=1)
    _message(room, member, at=start, seq=2)  # the last message starts the clock
    ReadState.objects.create(user=member, room=room, last_read_seq=2)
    return lambda: Room.objects.filter(pk=room.pk).exists()


def make_notification(start):
    notification = Notification.objects.create(
        user=UserFactory(), kind="meetup_new", title="Ny träff", created_at=start
    )
    return lambda: Notification.objects.filter(pk=notification.pk).exists()


def make_actioned_queue_item(start):
    """Written and actioned at ``start``: the message is the evidence, kept with the item."""
    message = _message(RoomFactory(), UserFactory(), at=start, seq=1)
    message.state = Message.State.HIDDEN
    message.save(update_fields=["state"])
    item = QueueItem.objects.create(
        message=message,
        room=message.room,
        source=QueueItem.Source.REPORT,
        status=QueueItem.Status.ACTIONED,
        resolved_at=start,
    )
    Report.objects.create(message=message, reporter=UserFactory(), reason="harassment")
    return lambda: QueueItem.objects.filter(pk=item.pk).exists()


def make_join_request(start):
    request = JoinRequest.objects.create(
        group=PeerGroupFactory(),
        user=UserFactory(),
        message="Får jag vara med?",
        status=JoinRequest.Status.DECLINED,
        decided_at=start,
    )
    return lambda: JoinRequest.objects.filter(pk=request.pk).exists()


def make_invitation(start):
    invitation = Invitation.objects.create(
        group=PeerGroupFactory(), created_by=CoordinatorFactory(), expires_at=start
    )
    return lambda: Invitation.objects.filter(pk=invitation.pk).exists()


def make_failing_push(start):
    subscription = PushSubscription.objects.create(
        user=UserFactory(),
        endpoint="https://fcm.googleapis.com/fcm/send/x",
        p256dh="k",
        auth="a",
        failing_since=start,
    )
    return lambda: PushSubscription.objects.filter(pk=subscription.pk).exists()


KINDS = {
    "chat_messages": make_chat_message,
    "rsvp_needs": make_rsvp_needs,
    "talk_requests": make_talk_request,
    "support_conversations": make_support_conversation,
    "notifications": make_notification,
    "queue_items": make_actioned_queue_item,
    "join_requests": make_join_request,
    "invitations": make_invitation,
    "push_failing": make_failing_push,
}


def test_every_configured_period_has_a_boundary_test(settings):
    assert set(KINDS) == set(settings.RETENTION)


# Where the clock starts, and the period in days (None: the configured default).
STARTS = {
    "winter": (local(2025, 1, 15, 9, 30), None),
    "summer": (local(2025, 7, 2, 23, 45), None),
    # 10 days that take in the change to summer time (29 March 2026) or back (25 October)
    "into_summer_time": (local(2026, 3, 25, 14, 0), 10),
    "out_of_summer_time": (local(2026, 10, 20, 14, 0), 10),
}


@pytest.mark.parametrize("when", list(STARTS))
@pytest.mark.parametrize("kind", list(KINDS))
def test_kept_until_the_last_second_gone_at_the_end(settings, municipalities, kind, when):
    start, days = STARTS[when]
    if days is not None:
        settings.RETENTION = {**settings.RETENTION, kind: days}
    days = settings.RETENTION[kind]
    exists = KINDS[kind](start)
    end = later(start, days)

    purge_expired(now=end - SECOND)
    assert exists(), "gone a second too early"

    purge_expired(now=end)
    assert not exists(), "still there when its period ended"


def test_a_period_of_days_follows_the_clock_over_summer_time():
    # given a period of 10 days from 14:00 on 25 March 2026 (winter time, UTC+1)
    now_when_it_ends = local(2026, 4, 4, 14, 0)  # summer time, UTC+2

    # then it ends at 14:00 in Stockholm, an hour before 10 × 24 hours would
    assert now_when_it_ends.astimezone(UTC) == datetime(2026, 4, 4, 12, 0, tzinfo=UTC)
    assert clock_reaches(datetime(2026, 3, 25, 14, 0)) == datetime(2026, 3, 25, 13, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("wall", "moment"),
    [
        # the skipped hour: the clock passes 02:30 as summer time begins (01:00 UTC)
        (datetime(2026, 3, 29, 2, 30), JUST_BEFORE_SUMMER_TIME),
        (datetime(2026, 3, 29, 1, 59, 59), datetime(2026, 3, 29, 0, 59, 59, tzinfo=UTC)),
        (datetime(2026, 3, 29, 3, 0), datetime(2026, 3, 29, 1, 0, tzinfo=UTC)),
        # the repeated hour: its first pass
        (datetime(2026, 10, 25, 2, 30), datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),
        (datetime(2026, 7, 1, 12, 0), datetime(2026, 7, 1, 10, 0, tzinfo=UTC)),
    ],
)
def test_the_moment_the_clock_reaches_a_time(wall, moment):
    assert clock_reaches(wall) == moment


def test_a_period_ending_in_the_skipped_hour_ends_when_summer_time_begins(settings, municipalities):
    settings.RETENTION = {**settings.RETENTION, "notifications": 1}
    now = local(2026, 3, 30, 2, 30)  # a day after 02:30 on 29 March, which never was

    assert cutoff(name="notifications", now=now) == JUST_BEFORE_SUMMER_TIME
    # what was written at 01:59:59 (winter time) has passed; at 03:00 (summer time) not yet
    made = {}
    for label, at in [("before", local(2026, 3, 29, 1, 59, 59)), ("after", local(2026, 3, 29, 3))]:
        made[label] = Notification.objects.create(
            user=UserFactory(), kind="k", title="t", created_at=at
        ).pk

    purge_expired(now=now)

    assert list(Notification.objects.values_list("pk", flat=True)) == [made["after"]]


# --- Idempotent, counted, logged ---------------------------------------------------------


@pytest.fixture
def old_things(municipalities):
    start = local(2024, 1, 10, 12, 0)
    for make in KINDS.values():
        make(start)
    return start


def test_the_command_prints_counts_and_logs_them_without_personal_data(old_things):
    out = StringIO()

    call_command("purge_expired", stdout=out)

    printed = dict(line.split(": ") for line in out.getvalue().strip().splitlines())
    assert {k: int(v) for k, v in printed.items() if int(v)} == {
        "chat.Message": 4,  # in a topic room, the actioned one, two in the support room
        "chat.ReadState": 1,
        "chat.Room": 1,
        "community.Notification": 1,
        "community.TalkProposal": 1,
        "community.TalkRequest": 1,
        "groups.Invitation": 1,
        "groups.JoinRequest": 1,
        "groups.Rsvp.needs": 1,
        "moderation.QueueItem": 1,
        "moderation.Report": 1,
        "push.PushSubscription": 1,
        "purged": 15,
    }
    (entry,) = AuditEntry.objects.filter(action="retention.purge")
    assert entry.actor is None
    assert entry.target_type == "retention"
    assert entry.details == {k: int(v) for k, v in printed.items() if int(v) and k != "purged"}


def test_a_second_run_finds_nothing_and_logs_nothing(old_things):
    purge_expired(now=datetime.now(UTC))
    entries = AuditEntry.objects.filter(action="retention.purge").count()

    again = purge_expired(now=datetime.now(UTC))

    assert set(again.values()) == {0}
    assert AuditEntry.objects.filter(action="retention.purge").count() == entries == 1


def test_nothing_within_its_period_is_touched(municipalities):
    now = datetime.now(UTC)
    for make in KINDS.values():
        make(now - timedelta(days=1))
    PendingSignup.objects.create(
        email="ny@example.se", password="x", profile={}, code_hash="h", expires_at=now + SECOND
    )
    before = _everything()

    counts = purge_expired(now=now)

    assert set(counts.values()) == {0}
    assert _everything() == before
    assert not AuditEntry.objects.filter(action="retention.purge").exists()


def _everything() -> dict:
    models = [Message, Room, ReadState, Reaction, Notification, TalkRequest, TalkProposal]
    models += [Rsvp, JoinRequest, Invitation, QueueItem, Report, PushSubscription, PendingSignup]
    return {m.__name__: sorted(m.objects.values_list()) for m in models}


def test_expired_sign_ups_sessions_tokens_and_crisis_cards_go(client, municipalities, member):
    from django.contrib.sessions.models import Session
    from knox.models import AuthToken

    now = datetime.now(UTC)
    PendingSignup.objects.create(
        email="gammal@example.se", password="x", profile={}, code_hash="h", expires_at=now
    )
    _, key = AuthToken.objects.create(user=member, expiry=timedelta(seconds=-1))
    AuthToken.objects.create(user=member)  # still valid
    client.force_login(member)
    Session.objects.update(expire_date=now - SECOND)
    card = CrisisCard.objects.create(user=member, room=RoomFactory(), categories=["self_harm"])
    CrisisCard.objects.filter(pk=card.pk).update(updated_at=now - timedelta(days=366))

    counts = purge_expired(now=now)

    assert counts["community.PendingSignup"] == 1
    assert counts["knox.AuthToken"] == 1
    assert counts["sessions.Session"] == 1
    assert counts["moderation.CrisisCard"] == 1
    assert AuthToken.objects.filter(user=member).count() == 1


def test_open_moderation_and_pinned_messages_outlive_the_message_period(municipalities):
    now = datetime.now(UTC)
    old = now - timedelta(days=400)
    room, author = RoomFactory(), UserFactory()
    waiting = _message(room, author, at=old, seq=1)
    QueueItem.objects.create(message=waiting, room=room, source=QueueItem.Source.REPORT)
    pinned = _message(room, author, at=old, seq=2)
    room.pinned_message = pinned
    room.save(update_fields=["pinned_message"])
    dismissed = _message(room, author, at=old, seq=3)
    QueueItem.objects.create(
        message=dismissed,
        room=room,
        source=QueueItem.Source.REPORT,
        status=QueueItem.Status.DISMISSED,
        resolved_at=old,
    )

    purge_expired(now=now)

    assert set(Message.objects.values_list("seq", flat=True)) == {1, 2}
    assert QueueItem.objects.get().message_id == waiting.pk


def test_a_support_conversation_waiting_in_the_queue_stays(municipalities):
    now = datetime.now(UTC)
    member = UserFactory()
    room = Room.objects.create(
        kind=Room.Kind.SUPPORT, name="stöd", slug="stod-x", member=member, created_at=now
    )
    message = _message(room, member, at=now - timedelta(days=400), seq=1)
    QueueItem.objects.create(message=message, room=room, source=QueueItem.Source.CRISIS)

    purge_expired(now=now)

    assert Room.objects.filter(pk=room.pk).exists()
    assert Message.objects.filter(pk=message.pk).exists()


def test_an_empty_support_conversation_counts_from_when_it_was_opened(municipalities):
    now = datetime.now(UTC)
    member = UserFactory()
    opened = now - timedelta(days=366)
    Room.objects.create(
        kind=Room.Kind.SUPPORT, name="stöd", slug="stod-y", member=member, created_at=opened
    )
    MembershipFactory(user=member)

    purge_expired(now=now)

    assert not Room.objects.filter(kind=Room.Kind.SUPPORT).exists()


@pytest.mark.parametrize("args", [["extra"], ["--days", "1"], ["--now", "2030-01-01"]])
def test_the_command_takes_no_arguments_and_then_purges_nothing(old_things, args):
    from django.core.management import CommandError

    before = _everything()

    with pytest.raises(CommandError):
        call_command("purge_expired", *args, stdout=StringIO(), stderr=StringIO())

    assert _everything() == before
    assert not AuditEntry.objects.filter(action="retention.purge").exists()


def test_what_still_waits_for_someone_stays_however_old(municipalities):
    now = datetime.now(UTC)
    long_ago = now - timedelta(days=3000)
    pending = JoinRequest.objects.create(
        group=PeerGroupFactory(), user=UserFactory(), message="Får jag?", created_at=long_ago
    )
    open_talk = TalkRequest.objects.create(
        user=UserFactory(),
        municipality=municipality("1380"),
        channel=TalkRequest.Channel.PHONE,
        preferred_times="kvällar",
        status=TalkRequest.Status.CONTACTED,
        updated_at=long_ago,
    )
    coming_up = make_rsvp_needs(now + timedelta(days=7))  # said long ago, meetup next week
    Rsvp.objects.update(created_at=long_ago, updated_at=long_ago)
    live_link = Invitation.objects.create(
        group=PeerGroupFactory(),
        created_by=CoordinatorFactory(),
        expires_at=now + timedelta(days=1),
        created_at=long_ago,
    )

    purge_expired(now=now)

    assert JoinRequest.objects.filter(pk=pending.pk).exists()
    assert TalkRequest.objects.filter(pk=open_talk.pk).exists()
    assert coming_up()
    assert Invitation.objects.filter(pk=live_link.pk).exists()
