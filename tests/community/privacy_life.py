"""One member with a row in every kind of place the privacy registry names."""

from dataclasses import dataclass
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from chat.models import Message, MutedMember, Reaction, ReadState, Room
from community import services
from community.models import Notification, NotificationPreferences, TalkProposal, TalkRequest
from groups.models import CalendarFeed, JoinRequest, Meetup, Rsvp
from moderation.models import CrisisCard, QueueItem, Report, Sanction
from push.models import PushSubscription
from tests.factories import MembershipFactory, PeerGroupFactory, RoomFactory, municipality

SECRET_TEXT = "mamma dricker igen och jag vet inte vad jag ska göra"
NEEDS = "rullstol, ingång utan trappor"
# What the member wrote or told in private contexts: none of it may outlive the erasure.
PRIVATE_TEXTS = (
    SECRET_TEXT,
    NEEDS,
    "Får jag vara med?",
    "Hen skrev elaka saker",
    "070-123 45 67",
    "Efter skolan",
    "Pappa är sjuk",
    "Ja tack",
    "https://fcm.googleapis.com/fcm/send/abc",
)


@dataclass
class Life:
    member: object
    other: object
    coordinator: object
    topic_room: Room
    support_room: Room
    public_message: Message
    support_message: Message
    others_message: Message
    staff_message: Message
    report: Report
    meetup: Meetup


def live(*, member, other, coordinator) -> Life:
    """Every holding gets a row of ``member`` (and of others around it)."""
    now = timezone.now()
    services.consents_record(user=member)
    group = PeerGroupFactory(organisation=coordinator.organisation)
    MembershipFactory(group=group, user=member)
    MembershipFactory(group=group, user=other)
    JoinRequest.objects.create(group=PeerGroupFactory(), user=member, message="Får jag vara med?")
    meetup = Meetup.objects.create(
        group=group,
        title="Fika och prat",
        starts_at=now + timedelta(days=3),
        ends_at=now + timedelta(days=3, hours=2),
        venue_name="Stadsbiblioteket",
        venue_address="Axel Olssons gata 1",
        capacity=10,
        created_by=coordinator,
    )
    Rsvp.objects.create(
        meetup=meetup, user=member, status="going", needs_respite=True, accessibility_needs=NEEDS
    )
    CalendarFeed.objects.create(user=member)
    topic = RoomFactory(name="Att vara ung anhörig", slug="ung-anhorig")
    others = Message.objects.create(
        room=topic, seq=1, author=other, body="Hej alla", client_id="o1"
    )
    public = Message.objects.create(
        room=topic, seq=2, author=member, body="Hej! Jag tar hand om mamma.", client_id="m1"
    )
    topic.last_seq = 2
    topic.save()
    support = Room.objects.create(
        kind=Room.Kind.SUPPORT,
        name=member.display_name,
        slug="stod-1",
        member=member,
        municipality=municipality(),
    )
    staff_says = Message.objects.create(
        room=support, seq=1, author=coordinator, body="Hur mår du idag?", client_id="s1"
    )
    private = Message.objects.create(
        room=support, seq=2, author=member, body=SECRET_TEXT, client_id="m2"
    )
    support.last_seq = 2
    support.save()
    Reaction.objects.create(message=others, user=member, emoji="❤️")
    Reaction.objects.create(message=public, user=other, emoji="🤗")
    ReadState.objects.create(user=member, room=topic, last_read_seq=2)
    MutedMember.objects.create(user=member, muted=other)
    MutedMember.objects.create(user=other, muted=member)
    report = Report.objects.create(
        message=others, reporter=member, reason="harassment", note="Hen skrev elaka saker"
    )
    QueueItem.objects.create(message=others, room=topic, source="report", resolved_by=coordinator)
    Report.objects.create(message=public, reporter=other, reason="spam", note="Reklam?")
    Sanction.objects.create(
        user=member, kind="warning", reason="Var snäll i rummet", created_by=coordinator
    )
    CrisisCard.objects.create(user=member, room=topic, categories=["crisis_self"])
    Notification.objects.create(user=member, kind="mention", title="Någon nämnde dig")
    NotificationPreferences.objects.create(user=member, kinds={"mention": {"email": False}})
    talk = TalkRequest.objects.create(
        user=member,
        municipality=municipality(),
        channel="phone",
        phone="070-123 45 67",
        preferred_times="Efter skolan",
        topic="Pappa är sjuk",
        internal_note="Ring på tisdag",
        handled_by=coordinator,
    )
    TalkProposal.objects.create(
        talk_request=talk,
        starts_at=now + timedelta(days=1),
        message="Passar tisdag?",
        reply="Ja tack",
        proposed_by=coordinator,
    )
    PushSubscription.objects.create(
        user=member, endpoint="https://fcm.googleapis.com/fcm/send/abc", p256dh="k", auth="a"
    )
    services.token_create(user=member)
    EmailAddress.objects.create(user=member, email=member.email, primary=True, verified=True)
    LogEntry.objects.create(
        user=coordinator,
        content_type=ContentType.objects.get_for_model(member),
        object_id=str(member.pk),
        object_repr=str(member),
        action_flag=CHANGE,
        change_message="[]",
    )
    return Life(
        member=member,
        other=other,
        coordinator=coordinator,
        topic_room=topic,
        support_room=support,
        public_message=public,
        support_message=private,
        others_message=others,
        staff_message=staff_says,
        report=report,
        meetup=meetup,
    )
