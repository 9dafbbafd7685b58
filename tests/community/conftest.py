"""A member with something of every sensitive kind, and the people who may read it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from chat import services as chat_services
from chat.models import Message
from chat.services import support
from groups.models import Meetup, Rsvp
from moderation.models import QueueItem, WordRule
from support import services as support_services
from tests.factories import (
    CoordinatorFactory,
    GroupRoomFactory,
    MembershipFactory,
    ModeratorFactory,
    OrganisationFactory,
    UserFactory,
    municipality,
)

MEMBER_EMAIL = "solros.hemlig@example.se"
MEMBER_BIRTH_YEAR = timezone.localdate().year - 16


@pytest.fixture
def scene(municipalities, django_capture_on_commit_callbacks):
    """One Halmstad member with something of every kind: RSVP needs, a talk request, a held
    message with its queue item, and a support conversation."""
    halmstad = municipality("1380")
    unit = OrganisationFactory(municipality=halmstad)
    room = GroupRoomFactory(group__organisation=unit, group__municipality=halmstad)
    member = UserFactory(
        display_name="Solros",
        municipality=halmstad,
        email=MEMBER_EMAIL,
        birth_year=MEMBER_BIRTH_YEAR,
    )
    people = {
        "the_member": member,
        "other_member": UserFactory(display_name="Havsörn", municipality=halmstad),
        "group_host": UserFactory(display_name="Värden Vera", municipality=halmstad),
        "moderator": ModeratorFactory(display_name="Moderator Mika"),
        "unit_coordinator": CoordinatorFactory(display_name="Samordnare Sara", organisation=unit),
    }
    MembershipFactory(group=room.group, user=member)
    MembershipFactory(group=room.group, user=people["other_member"])
    MembershipFactory(group=room.group, user=people["group_host"], role="host")
    starts = timezone.now() + timedelta(days=7)
    meetup = Meetup.objects.create(
        group=room.group,
        title="Fika",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        venue_name="Biblioteket",
        capacity=10,
        created_by=people["group_host"],
    )
    Rsvp.objects.create(
        meetup=meetup, user=member, status=Rsvp.Status.GOING, needs_respite=True, note="pappa"
    )
    talk = support_services.talk_request_create(
        user=member, channel="phone", phone="070-1234567", preferred_times="kvällar"
    )
    WordRule.objects.create(pattern="hemlisord", action=WordRule.Action.HOLD, category="spam")
    with django_capture_on_commit_callbacks(execute=True):
        held = chat_services.message_send(
            user=member, room_id=room.pk, body="ett hemlisord", client_id="held-1"
        ).message
        opened = support.support_room_open(
            user=people["moderator"], member=member, municipality_id=halmstad.pk
        )
    assert held["state"] == Message.State.HELD
    item = QueueItem.objects.get(message_id=held["id"])
    return {
        "people": people,
        "meetup": meetup,
        "talk": talk,
        "item": item,
        "room": room,
        "support_room": opened.room,
    }
