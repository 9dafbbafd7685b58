"""A scheduled meetup reaches the group's room live, as a card and as the room's next meetup."""

from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from django.utils import timezone

from chat import selectors as chat_selectors
from groups.services import meetups as meetup_services
from groups.services.meetups import MeetupFields
from tests.factories import GroupRoomFactory, MembershipFactory, UserFactory
from tests.ws import open_socket, receive_type, subscribe

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def room(municipalities):
    return GroupRoomFactory(name="Unga anhöriga", slug="unga")


@pytest.fixture
def host(room):
    return MembershipFactory(
        group=room.group, role="host", user=UserFactory(display_name="Värden")
    ).user


@pytest.fixture
def reader(room, member):
    MembershipFactory(group=room.group, user=member)
    return member


def schedule(host, room):
    start = timezone.now() + timedelta(days=3)
    fields = MeetupFields(
        title="Fika och prat",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        venue_name="Stadsbiblioteket",
        capacity=8,
    )
    return meetup_services.meetup_create(user=host, group_id=room.group.pk, fields=fields)[0]


async def test_meetup_card_and_next_meetup_reach_a_connected_member(host, room, reader):
    socket = await open_socket(reader)
    await subscribe(socket, room.pk)

    meetup = await database_sync_to_async(schedule)(host, room)

    card = await receive_type(socket, "message.new")
    announced = await receive_type(socket, "meetup.created")
    updated = await receive_type(socket, "room.updated")
    assert card["message"]["author"]["display_name"] == "Värden"
    assert card["message"]["meetup"]["id"] == meetup.pk
    assert card["message"]["meetup"]["url"] == f"/traffar/{meetup.pk}/"
    assert card["message"]["body"].startswith("Ny träff: Fika och prat")
    assert announced["meetup"]["title"] == "Fika och prat"
    assert updated == {"type": "room.updated", "room": room.pk, "next_meetup": announced["meetup"]}
    await socket.disconnect()


@pytest.mark.django_db
def test_the_room_list_shows_the_groups_next_meetup(host, room, reader):
    meetup = schedule(host, room)

    [listed] = chat_selectors.room_list_for_user(user=reader)

    assert listed["next_meetup"]["id"] == meetup.pk
    assert listed["last_message"]["meetup"]["title"] == "Fika och prat"


async def test_cancelling_posts_a_cancelled_card(host, room, reader):
    meetup = await database_sync_to_async(schedule)(host, room)
    socket = await open_socket(reader)
    await subscribe(socket, room.pk)

    await database_sync_to_async(meetup_services.meetup_cancel)(
        user=host, meetup_id=meetup.pk, reason="Ledaren är sjuk."
    )

    card = await receive_type(socket, "message.new")
    assert card["message"]["meetup"]["status"] == "cancelled"
    assert (await receive_type(socket, "room.updated"))["next_meetup"] is None
    await socket.disconnect()
