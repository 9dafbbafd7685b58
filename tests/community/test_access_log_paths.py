"""Who looked: every path that shows staff a member's confidences logs the read.

One table over every path (REST, socket, pages) and every role: a read by someone other
than the member logs exactly the kinds named for that path, against that member, with one
insert; the member reading their own data, and anyone refused, log nothing."""

import pytest
from asgiref.sync import sync_to_async
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from community.models import AccessEntry
from tests.ws import open_socket, subscribe

NEEDS = AccessEntry.What.RSVP_NEEDS
TALK = AccessEntry.What.TALK_REQUEST
HISTORY = AccessEntry.What.MODERATION_HISTORY
HELD = AccessEntry.What.HELD_MESSAGE
SUPPORT = AccessEntry.What.SUPPORT_CONVERSATION

ROLES = ["the_member", "other_member", "group_host", "moderator", "unit_coordinator"]
STAFF = {"group_host", "moderator", "unit_coordinator"}

# path -> (what a logged read records about the member, the roles whose read is logged)
PATHS = {
    "rest_needs": ({NEEDS}, {"group_host", "unit_coordinator"}),
    "page_needs": ({NEEDS}, {"group_host", "unit_coordinator"}),
    "rest_talk_list": ({TALK}, {"unit_coordinator"}),
    "rest_talk_detail": ({TALK}, {"unit_coordinator"}),
    "rest_talk_proposals": ({TALK}, {"unit_coordinator"}),
    "page_talk_queue": ({TALK}, {"unit_coordinator"}),
    "rest_queue": ({HELD}, STAFF),
    "page_queue": ({HELD}, STAFF),
    "rest_queue_item": ({HISTORY, HELD}, STAFF),
    "page_queue_item": ({HISTORY, HELD}, STAFF),
    "rest_member_history": ({HISTORY}, STAFF),
    "rest_room_messages": ({HELD}, STAFF),
    "rest_support_messages": ({SUPPORT}, {"moderator", "unit_coordinator"}),
}
SOCKET_PATHS = {
    "socket_group_room": ({HELD}, STAFF),
    "socket_support_room": ({SUPPORT}, {"moderator", "unit_coordinator"}),
}
# Who may read at all, though nothing about the member is logged (their own, or none of it).
READS_OWN = {
    "rest_talk_list": set(ROLES),
    "rest_talk_detail": {"the_member"},
    "rest_talk_proposals": {"the_member"},
    "rest_room_messages": {"the_member", "other_member"},
    "rest_support_messages": {"the_member"},
}


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _page(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _read(path: str, user, scene) -> int:
    member = scene["people"]["the_member"]
    urls = {
        "rest_needs": f"/api/v1/meetups/{scene['meetup'].pk}/needs/",
        "page_needs": f"/traffar/{scene['meetup'].pk}/behov/",
        "rest_talk_list": "/api/v1/talk-requests/",
        "rest_talk_detail": f"/api/v1/talk-requests/{scene['talk'].pk}/",
        "rest_talk_proposals": f"/api/v1/talk-requests/{scene['talk'].pk}/proposals/",
        "page_talk_queue": "/samordning/samtal/",
        "rest_queue": "/api/v1/moderation/queue/",
        "page_queue": "/moderering/",
        "rest_queue_item": f"/api/v1/moderation/queue/{scene['item'].pk}/",
        "page_queue_item": f"/moderering/{scene['item'].pk}/",
        "rest_member_history": f"/api/v1/moderation/members/{member.pk}/",
        "rest_room_messages": f"/api/v1/rooms/{scene['room'].pk}/messages/",
        "rest_support_messages": f"/api/v1/rooms/{scene['support_room'].pk}/messages/",
    }
    client = _page(user) if path.startswith("page_") else _api(user)
    return client.get(urls[path]).status_code


def _logged() -> set[tuple]:
    return set(AccessEntry.objects.values_list("actor_id", "member_id", "what"))


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", list(PATHS))
def test_a_read_is_logged_for_staff_and_never_for_the_member(scene, path, role):
    kinds, logged_for = PATHS[path]
    user, member = scene["people"][role], scene["people"]["the_member"]
    assert AccessEntry.objects.count() == 0

    with CaptureQueriesContext(connection) as queries:
        status = _read(path, user, scene)

    inserts = [q for q in queries if q["sql"].startswith('INSERT INTO "community_accessentry"')]
    if role in logged_for:
        assert status == 200
        assert _logged() == {(user.pk, member.pk, what) for what in kinds}
        assert len(inserts) == 1  # one insert per read, however many rows it shows
    else:
        assert status in (200, 403, 404)
        assert AccessEntry.objects.count() == 0
        assert inserts == []


@pytest.mark.django_db
@pytest.mark.parametrize("path", list(PATHS))
def test_every_path_is_refused_to_someone_or_read_by_the_member(scene, path):
    """The table is not vacuous: each path reads for its staff and answers the others."""
    _kinds, logged_for = PATHS[path]
    statuses = {role: _read(path, scene["people"][role], scene) for role in ROLES}

    assert {r for r, s in statuses.items() if s == 200} == logged_for | READS_OWN.get(path, set())


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", list(SOCKET_PATHS))
async def test_a_socket_subscribe_is_logged_for_staff_and_never_for_the_member(scene, path, role):
    kinds, logged_for = SOCKET_PATHS[path]
    user, member = scene["people"][role], scene["people"]["the_member"]
    room = scene["room"] if path == "socket_group_room" else scene["support_room"]
    socket = await open_socket(user)

    await socket.send_json_to({"type": "subscribe", "room": room.pk, "after_seq": 0})
    answer = await socket.receive_json_from()
    await socket.disconnect()

    logged = await sync_to_async(_logged)()
    if role in logged_for:
        assert answer["type"] == "subscribed"
        assert logged == {(user.pk, member.pk, what) for what in kinds}
    else:
        assert logged == set()


@pytest.mark.django_db(transaction=True)
async def test_each_subscribe_logs_one_read_of_a_support_conversation(scene):
    coordinator = scene["people"]["unit_coordinator"]
    socket = await open_socket(coordinator)

    await subscribe(socket, scene["support_room"].pk)
    await subscribe(socket, scene["support_room"].pk)
    await socket.disconnect()

    count = await sync_to_async(AccessEntry.objects.filter(actor=coordinator, what=SUPPORT).count)()
    assert count == 2
