"""A chat message past its retention period is deleted; the protocol's promises still hold.

Its seq stays a gap (like one a reader may not see), the room's ``last_seq`` never moves
back, resuming after any seq works, a reply keeps its own text and loses the quote, and a
reply to or a report of a purged message is refused like one to a message that never was.
Proved over REST, the socket and the room page."""

from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from chat import services
from chat.models import Message, Reaction, Room
from moderation.models import QueueItem, Report
from moderation.services.retention import purge_expired
from tests.ws import open_socket, receive_type, send_message, subscribe

pytestmark = pytest.mark.django_db(transaction=True)

OLD = {1: "gammalt ett", 2: "gammalt två", 3: "fäst anslag"}


@pytest.fixture
def purged(member, other_member, topic_room):
    """Seq 1–3 written 400 days ago (3 is pinned), 4 a fresh reply to 2, 5 fresh; purged."""
    sent = {}
    for seq in range(1, 6):
        reply_to = sent[2] if seq == 4 else None
        body = OLD.get(seq, f"nytt {seq}")
        sent[seq] = services.message_send(
            user=other_member,
            room_id=topic_room.pk,
            body=body,
            client_id=f"c{seq}",
            reply_to_id=reply_to,
        ).message["id"]
    Reaction.objects.create(message_id=sent[1], user=member, emoji="👍")
    QueueItem.objects.create(
        message_id=sent[1],
        room=topic_room,
        source=QueueItem.Source.REPORT,
        status=QueueItem.Status.DISMISSED,
        resolved_at=timezone.now() - timedelta(days=399),
    )
    Report.objects.create(message_id=sent[1], reporter=member, reason="spam")
    Room.objects.filter(pk=topic_room.pk).update(pinned_message_id=sent[3])
    Message.objects.filter(seq__lte=3).update(created_at=timezone.now() - timedelta(days=400))
    counts = purge_expired(now=timezone.now())
    assert counts["chat.Message"] == 2
    return sent


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_purged_rows_go_the_room_keeps_its_numbering(purged, topic_room):
    topic_room.refresh_from_db()

    assert topic_room.last_seq == 5
    assert topic_room.pinned_message_id == purged[3]
    assert list(Message.objects.values_list("seq", "reply_to_id")) == [
        (3, None),
        (4, None),
        (5, None),
    ]
    assert not Reaction.objects.exists()
    assert not Report.objects.exists()
    assert not QueueItem.objects.exists()


def test_rest_history_has_the_gap_and_the_reply_without_its_quote(member, purged, topic_room):
    url = f"/api/v1/rooms/{topic_room.pk}/messages/"
    client = _client(member)

    for query, seqs in [
        ("after_seq=0", [3, 4, 5]),
        ("after_seq=1", [3, 4, 5]),
        ("after_seq=3", [4, 5]),
        ("before_seq=4", [3]),
        ("before_seq=3", []),
    ]:
        page = client.get(f"{url}?{query}").json()
        assert [m["seq"] for m in page["results"]] == seqs, query
    reply = client.get(f"{url}?after_seq=3").json()["results"][0]
    assert (reply["body"], reply["reply_to"], reply["state"]) == ("nytt 4", None, "visible")


def test_rest_rooms_list_counts_unread_without_the_purged(member, purged, topic_room):
    rooms = _client(member).get("/api/v1/rooms/").json()["results"]

    (room,) = [r for r in rooms if r["id"] == topic_room.pk]
    assert (room["last_seq"], room["unread"]) == (5, 3)


def test_reporting_a_purged_message_is_not_found_and_stores_nothing(member, purged):
    response = _client(member).post(
        f"/api/v1/messages/{purged[2]}/report/", {"reason": "spam"}, format="json"
    )

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert not Report.objects.exists()
    assert not QueueItem.objects.exists()


def test_the_room_page_shows_the_pinned_message_and_nothing_purged(member, purged, topic_room):
    client = Client()
    client.force_login(member)

    page = client.get(f"/rum/{topic_room.pk}/").content.decode()

    assert OLD[3] in page
    assert OLD[1] not in page
    assert OLD[2] not in page


async def test_socket_resume_from_before_during_and_after_the_gap(member, purged, topic_room):
    socket = await open_socket(member)
    try:
        for after_seq, seqs in [(0, [3, 4, 5]), (2, [3, 4, 5]), (4, [5]), (5, [])]:
            subscribed = await subscribe(socket, topic_room.pk, after_seq=after_seq)
            assert subscribed["last_seq"] == 5
            assert [m["seq"] for m in subscribed["backlog"]] == seqs, after_seq
    finally:
        await socket.disconnect()


async def test_a_new_message_takes_the_next_seq_never_a_purged_one(member, purged, topic_room):
    socket = await open_socket(member)
    try:
        await subscribe(socket, topic_room.pk, after_seq=5)

        await send_message(socket, topic_room.pk, "efter rensningen", "ny-1")

        ack = await receive_type(socket, "ack")
        assert ack["seq"] == 6
    finally:
        await socket.disconnect()


async def test_a_reply_to_a_purged_message_is_invalid_and_stores_nothing(
    member, purged, topic_room
):
    before = await database_sync_to_async(lambda: sorted(Message.objects.values_list()))()
    socket = await open_socket(member)
    try:
        await subscribe(socket, topic_room.pk, after_seq=5)

        await send_message(socket, topic_room.pk, "svar", "svar-1", reply_to=purged[2])

        error = await receive_type(socket, "error")
        assert error["code"] == "invalid"
        await socket.send_json_to({"type": "ping"})
        await receive_type(socket, "pong")  # the socket lives on
    finally:
        await socket.disconnect()
    after = await database_sync_to_async(lambda: sorted(Message.objects.values_list()))()
    assert after == before


async def test_a_purged_support_conversation_is_left_by_the_members_open_socket(member):
    @database_sync_to_async
    def old_conversation():
        room = Room.objects.create(kind=Room.Kind.SUPPORT, name="stöd", slug="s-1", member=member)
        services.message_send(user=member, room_id=room.pk, body="hej", client_id="s1")
        when = timezone.now() - timedelta(days=400)
        Room.objects.filter(pk=room.pk).update(created_at=when)
        Message.objects.filter(room=room).update(created_at=when)
        return room

    room = await old_conversation()
    socket = await open_socket(member)
    try:
        await subscribe(socket, room.pk, after_seq=0)

        await database_sync_to_async(purge_expired)(now=timezone.now())

        error = await receive_type(socket, "error")
        assert (error["code"], error["ref"]) == ("not_found", f"room:{room.pk}")
        assert not await database_sync_to_async(Room.objects.filter(pk=room.pk).exists)()
    finally:
        await socket.disconnect()
