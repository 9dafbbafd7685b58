"""One permission answer, asked through the policy, REST and the socket alike."""

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth.models import AnonymousUser
from rest_framework.test import APIClient

from chat import policies, services
from chat.models import Message
from community.errors import BredvidError
from tests.factories import (
    CoordinatorFactory,
    GroupRoomFactory,
    MembershipFactory,
    ModeratorFactory,
    RoomFactory,
    UserFactory,
)
from tests.ws import open_socket, receive_type, send_message

ROLES = [
    "signed_out",
    "member",
    "other_groups_member",
    "group_member",
    "group_moderator",
    "moderator",
    "coordinator",
    "hosting_coordinator",
]
# (role, room) -> (may read, may post)
EXPECTED = {
    ("signed_out", "topic"): (False, False),
    ("signed_out", "group"): (False, False),
    ("signed_out", "locked"): (False, False),
    ("member", "topic"): (True, True),
    ("member", "group"): (False, False),
    ("member", "locked"): (True, False),
    ("other_groups_member", "group"): (False, False),
    ("group_member", "group"): (True, True),
    ("group_member", "locked_group"): (True, False),
    ("group_moderator", "group"): (True, True),
    ("group_moderator", "locked_group"): (True, True),
    ("group_moderator", "locked"): (True, False),  # leads their group only
    ("moderator", "group"): (True, True),
    ("moderator", "locked"): (True, True),
    # Coordinators read and moderate the groups their organisation hosts, and no others;
    # topic rooms they read as any member does (finding 12 of issue 10).
    ("hosting_coordinator", "group"): (True, True),
    ("hosting_coordinator", "locked_group"): (True, True),
    ("hosting_coordinator", "locked"): (True, False),
    ("coordinator", "group"): (False, False),
    ("coordinator", "locked_group"): (False, False),
    ("coordinator", "locked"): (True, False),
}


@pytest.fixture
def world(municipalities):
    group_room = GroupRoomFactory(slug="grupp")
    locked_group = GroupRoomFactory(slug="last-grupp", is_locked=True, group=group_room.group)
    rooms = {
        "topic": RoomFactory(slug="amne"),
        "locked": RoomFactory(slug="last", is_locked=True),
        "group": group_room,
        "locked_group": locked_group,
    }
    other_group_room = GroupRoomFactory(slug="annan")
    people = {
        "signed_out": AnonymousUser(),
        "member": UserFactory(),
        "other_groups_member": MembershipFactory(group=other_group_room.group).user,
        "group_member": MembershipFactory(group=group_room.group).user,
        "group_moderator": MembershipFactory(group=group_room.group, role="moderator").user,
        "moderator": ModeratorFactory(),
        "coordinator": CoordinatorFactory(),
        "hosting_coordinator": CoordinatorFactory(organisation=group_room.group.organisation),
    }
    return people, rooms


CASES = [
    pytest.param(role, room, *EXPECTED[role, room], id=f"{role}-{room}") for role, room in EXPECTED
]


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "room", "may_read", "may_post"), CASES)
def test_policy_and_service(world, role, room, may_read, may_post):
    people, rooms = world
    user, target = people[role], rooms[room]

    assert policies.can_read(user=user, room=target) is may_read
    assert policies.can_post(user=user, room=target) is may_post
    if role == "signed_out":
        return
    try:
        services.message_send(user=user, room_id=target.pk, body="hej", client_id="p")
        posted = True
    except BredvidError:
        posted = False
    assert posted is may_post
    assert Message.objects.count() == int(may_post)


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "room", "may_read", "may_post"), CASES)
def test_rest_history(world, role, room, may_read, may_post):
    people, rooms = world
    client = APIClient()
    if role != "signed_out":
        client.force_authenticate(people[role])

    response = client.get(f"/api/v1/rooms/{rooms[room].pk}/messages/")

    expected = 200 if may_read else (401 if role == "signed_out" else 404)
    assert response.status_code == expected


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("role", "room", "may_read", "may_post"),
    [c for c in CASES if c.values[0] != "signed_out"],
)
async def test_socket_subscribe_and_send(world, role, room, may_read, may_post):
    people, rooms = world
    socket = await open_socket(people[role])
    room_id = rooms[room].pk

    await socket.send_json_to({"type": "subscribe", "room": room_id})
    subscribed = await socket.receive_json_from()
    await send_message(socket, room_id, "hej", "p-1")
    answer = await receive_type(socket, "ack" if may_post else "error")

    assert subscribed["type"] == ("subscribed" if may_read else "error")
    if not may_read:
        assert subscribed["code"] == "not_found"
    if not may_post:
        assert answer["code"] == ("room_locked" if may_read else "not_found")
    assert await sync_to_async(Message.objects.count)() == int(may_post)
    await socket.disconnect()
