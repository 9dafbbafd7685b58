"""One screening for every path that changes what others see: send, edit, pin, meetup texts.

Each path × each outcome of the screening must end the same way: what is stored, what the
moderators' queue gets, the crisis card to the author, and what a peer sees (socket and REST).
"""

from dataclasses import dataclass

import pytest
from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from rest_framework.test import APIClient

from chat.models import Message, Room
from groups.models import Membership
from moderation.models import AuditEntry, QueueItem, WordRule
from moderation.services import messages as moderation_messages
from tests.factories import GroupRoomFactory, MembershipFactory, ModeratorFactory, UserFactory
from tests.ws import drain, open_socket, receive_type, send_message, subscribe

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = r"\b07\d{8}\b"


@dataclass(frozen=True)
class Outcome:
    body: str
    refused: str | None  # the error code, or None when stored
    state: str | None  # the stored state
    queued: tuple | None  # (source, priority) of the queue item
    crisis: bool


OUTCOMES = {
    "clean": Outcome("Vi ses på torsdag", None, "visible", None, False),
    "block": Outcome("du är ett förbjudetord", "blocked_word", None, None, False),
    "hold": Outcome(
        "ring mig 0701234567", None, "held", ("rule", QueueItem.Priority.NORMAL), False
    ),
    "crisis": Outcome(
        "jag vill inte leva längre", None, "held", ("crisis", QueueItem.Priority.URGENT), True
    ),
    "new_member_link": Outcome(
        "kolla https://example.com/x", None, "held", ("rule", QueueItem.Priority.NORMAL), False
    ),
}


@pytest.fixture
def scene(municipalities):
    for pattern, category, action in (
        ("förbjudetord", "abuse", "block"),
        (PHONE, "private_info", "hold"),
        ("vill inte leva", "crisis_self", "hold"),
    ):
        WordRule.objects.update_or_create(
            pattern=pattern,
            category=category,
            defaults={"action": action, "is_regex": pattern == PHONE, "is_active": True},
        )
    room = GroupRoomFactory(group__hold_links_days=7, group__min_age=13, group__max_age=30)
    author = UserFactory(display_name="Författare")
    peer = UserFactory(display_name="Läsare")
    for person in (author, peer):
        MembershipFactory(group=room.group, user=person)
    return room, author, peer


def peer_bodies(peer, room) -> dict[int, tuple[str, str]]:
    client = APIClient()
    client.force_authenticate(peer)
    page = client.get(f"/api/v1/rooms/{room.pk}/messages/").json()["results"]
    return {m["id"]: (m["state"], m["body"]) for m in page}


def queue_of(message_id) -> tuple | None:
    item = QueueItem.objects.filter(message_id=message_id).first()
    return (item.source, item.priority) if item else None


async def _via_send(author_socket, room, body) -> tuple[int | None, list[dict]]:
    await send_message(author_socket, room.pk, body, "c-case")
    frames = await drain(author_socket, quiet=0.5)
    acks = [f["id"] for f in frames if f["type"] == "ack"]
    return (acks[0] if acks else None), frames


async def _via_edit(author_socket, room, body, message_id) -> tuple[int, list[dict]]:
    await author_socket.send_json_to({"type": "message.edit", "id": message_id, "body": body})
    return message_id, await drain(author_socket, quiet=0.5)


@pytest.mark.parametrize("path", ["socket_send", "socket_edit"])
@pytest.mark.parametrize("case", list(OUTCOMES))
async def test_send_and_edit_give_the_same_verdict(scene, path, case):
    # given
    room, author, peer = scene
    outcome = OUTCOMES[case]
    author_socket, peer_socket = await open_socket(author), await open_socket(peer)
    await subscribe(author_socket, room.pk)
    await subscribe(peer_socket, room.pk)
    original = None
    if path == "socket_edit":
        await send_message(author_socket, room.pk, "Hej allihop", "c-first")
        original = (await receive_type(author_socket, "ack"))["id"]
        # the first message is a peer's to read; the link rule holds only links
        await receive_type(peer_socket, "message.new")
    audit_before = await AuditEntry.objects.acount()

    # when
    if path == "socket_send":
        message_id, author_frames = await _via_send(author_socket, room, outcome.body)
    else:
        message_id, author_frames = await _via_edit(author_socket, room, outcome.body, original)
    peer_frames = await drain(peer_socket)
    errors = [f for f in author_frames if f["type"] == "error"]

    # then: the refusal or the stored state
    if outcome.refused:
        assert [e["code"] for e in errors] == [outcome.refused]
        if path == "socket_send":
            assert await Message.objects.acount() == 0
        else:
            stored = await Message.objects.aget(pk=original)
            assert (stored.state, stored.body, stored.edited_at) == ("visible", "Hej allihop", None)
        assert await QueueItem.objects.acount() == 0
        assert await AuditEntry.objects.filter(action="rule.block").acount() == 1
        assert [f for f in peer_frames if f["type"].startswith("message.")] == []
    else:
        assert errors == []
        stored = await Message.objects.aget(pk=message_id)
        assert (stored.state, stored.body) == (outcome.state, outcome.body)
        assert await sync_to_async(queue_of)(message_id) == outcome.queued
        assert await AuditEntry.objects.acount() >= audit_before
    notices = [f for f in author_frames if f["type"] == "notice"]
    assert [n["kind"] for n in notices] == (["crisis"] if outcome.crisis else [])
    assert [f for f in peer_frames if f["type"] == "notice"] == []

    # what the peer sees, live and over REST: never held text
    seen = await sync_to_async(peer_bodies)(peer, room)
    live = [f["message"] for f in peer_frames if f["type"].startswith("message.")]
    if outcome.refused:
        return
    if outcome.state == "visible":
        assert seen[message_id] == ("visible", outcome.body)
        assert [(m["id"], m["body"]) for m in live] == [(message_id, outcome.body)]
    elif path == "socket_send":
        assert message_id not in seen
        assert live == []
    else:
        assert message_id not in seen
        assert [(m["id"], m["state"], m["body"], m["reactions"]) for m in live] == [
            (message_id, "held", "", [])
        ]
    for socket in (author_socket, peer_socket):
        await socket.disconnect()


async def test_a_held_edit_reaches_the_author_and_the_room_moderators_in_full(scene):
    room, author, peer = scene
    leader = await database_sync_to_async(UserFactory)(display_name="Ledare")
    await database_sync_to_async(MembershipFactory)(
        group=room.group, user=leader, role=Membership.Role.HOST
    )
    author_socket, leader_socket = await open_socket(author), await open_socket(leader)
    await subscribe(author_socket, room.pk)
    await subscribe(leader_socket, room.pk)
    await send_message(author_socket, room.pk, "Hej allihop", "c-first")
    message_id = (await receive_type(author_socket, "ack"))["id"]

    await author_socket.send_json_to(
        {"type": "message.edit", "id": message_id, "body": "ring 0701234567"}
    )

    for socket in (author_socket, leader_socket):
        updated = await receive_type(socket, "message.updated")
        assert (updated["message"]["state"], updated["message"]["body"]) == (
            "held",
            "ring 0701234567",
        )
        await socket.disconnect()


# --- pins -------------------------------------------------------------------------------


@pytest.fixture
def pin_scene(scene):
    room, author, peer = scene
    moderator = ModeratorFactory(display_name="Moderator Mika")
    return room, author, peer, moderator


def _post(user, room, body, state="visible"):
    room.refresh_from_db()
    room.last_seq += 1
    Room.objects.filter(pk=room.pk).update(last_seq=room.last_seq)
    return Message.objects.create(
        room=room, seq=room.last_seq, author=user, body=body, state=state, client_id=body[:20]
    )


@pytest.mark.parametrize("state", ["held", "hidden", "deleted"])
def test_pinning_a_message_that_is_not_visible_is_refused(pin_scene, state):
    room, author, _peer, moderator = pin_scene
    message = _post(author, room, "hemligt 0701234567", state=state)
    client = APIClient()
    client.force_authenticate(moderator)

    response = client.post(
        "/api/v1/moderation/actions/",
        {"action": "pin", "message": message.pk, "reason": "Viktigt"},
        format="json",
    )

    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert Room.objects.get(pk=room.pk).pinned_message_id is None
    assert not AuditEntry.objects.filter(action="message.pin").exists()


@pytest.mark.parametrize("state", ["held", "hidden"])
def test_the_room_page_refuses_to_pin_a_message_that_is_not_visible(pin_scene, state):
    from django.test import Client

    room, author, _peer, moderator = pin_scene
    message = _post(author, room, "hemligt 0701234567", state=state)
    visible = _post(author, room, "Välkomna")
    client = Client()
    client.force_login(moderator)

    page = client.get(f"/moderering/rum/{room.pk}/")
    response = client.post(
        f"/moderering/rum/{room.pk}/atgard/",
        {"action": "pin", "pin-message": message.pk, "pin-reason": "Viktigt"},
    )

    assert f'value="{visible.pk}"' in page.content.decode()
    assert f'value="{message.pk}"' not in page.content.decode()
    assert response.status_code == 200
    assert Room.objects.get(pk=room.pk).pinned_message_id is None


async def _pinned_scene(pin_scene):
    room, author, peer, moderator = pin_scene
    message = await database_sync_to_async(_post)(author, room, "Välkomna hit")
    await database_sync_to_async(moderation_messages.message_pin)(
        user=moderator, message_id=message.pk, reason="Välkomst"
    )
    peer_socket = await open_socket(peer)
    await subscribe(peer_socket, room.pk)
    return room, author, moderator, message, peer_socket


@pytest.mark.parametrize("how", ["hidden", "removed", "deleted_by_author", "held_by_edit"])
async def test_a_pinned_message_that_stops_being_visible_is_unpinned_live(pin_scene, how):
    room, author, moderator, message, peer_socket = await _pinned_scene(pin_scene)

    if how == "hidden":
        await database_sync_to_async(moderation_messages.message_hide)(
            user=moderator, message_id=message.pk, reason="Fel"
        )
    elif how == "removed":
        await database_sync_to_async(moderation_messages.message_remove)(
            user=moderator, message_id=message.pk, reason="Fel"
        )
    else:
        author_socket = await open_socket(author)
        frame = (
            {"type": "message.delete", "id": message.pk}
            if how == "deleted_by_author"
            else {"type": "message.edit", "id": message.pk, "body": "ring 0701234567"}
        )
        await author_socket.send_json_to(frame)
        await drain(author_socket)
        await author_socket.disconnect()

    frames = await drain(peer_socket)
    assert {"type": "room.updated", "room": room.pk, "pinned": None} in frames
    assert all("0701234567" not in str(f) for f in frames)
    assert (await Room.objects.aget(pk=room.pk)).pinned_message_id is None
    await peer_socket.disconnect()


# --- actions ----------------------------------------------------------------------------

VISIBLE_ACTIONS = {
    "author": ["reply", "react", "edit", "delete"],
    "peer": ["reply", "react", "report"],
    "group_leader": ["reply", "react", "report", "hide", "pin"],
    "platform_moderator": ["reply", "react", "report", "hide", "pin"],
}
HELD_ACTIONS = {
    "author": ["edit", "delete"],
    "group_leader": ["approve", "hide"],
    "platform_moderator": ["approve", "hide"],
}


def _roles(scene) -> dict:
    room, author, peer = scene
    leader = UserFactory(display_name="Ledare")
    MembershipFactory(group=room.group, user=leader, role=Membership.Role.MODERATOR)
    return {
        "author": author,
        "peer": peer,
        "group_leader": leader,
        "platform_moderator": ModeratorFactory(display_name="Moderator Mika"),
    }


@pytest.mark.parametrize("role", list(VISIBLE_ACTIONS))
def test_rest_history_carries_what_the_reader_may_do(scene, role):
    room, author, _peer = scene
    people = _roles(scene)
    visible = _post(author, room, "Hej")
    held = _post(author, room, "ring 0701234567", state="held")
    client = APIClient()
    client.force_authenticate(people[role])

    page = client.get(f"/api/v1/rooms/{room.pk}/messages/").json()["results"]

    by_id = {m["id"]: m["actions"] for m in page}
    assert by_id[visible.pk] == VISIBLE_ACTIONS[role]
    if role in HELD_ACTIONS:
        assert by_id[held.pk] == HELD_ACTIONS[role]
    else:
        assert held.pk not in by_id


async def test_live_and_backlog_frames_carry_each_readers_own_actions(scene):
    room, author, _peer = scene
    people = await database_sync_to_async(_roles)(scene)
    sockets = {role: await open_socket(person) for role, person in people.items()}
    for socket in sockets.values():
        await subscribe(socket, room.pk)

    await send_message(sockets["author"], room.pk, "Hej allihop", "c-live")
    live = {role: await receive_type(s, "message.new") for role, s in sockets.items()}
    backlog = {role: (await subscribe(s, room.pk))["backlog"] for role, s in sockets.items()}

    for role in people:
        assert live[role]["message"]["actions"] == VISIBLE_ACTIONS[role]
        assert backlog[role][-1]["actions"] == VISIBLE_ACTIONS[role]
    for socket in sockets.values():
        await socket.disconnect()


async def test_a_pin_reaches_each_reader_with_their_own_actions(pin_scene):
    room, author, peer, moderator = pin_scene
    message = await database_sync_to_async(_post)(author, room, "Välkomna hit")
    sockets = {"author": author, "peer": peer, "platform_moderator": moderator}
    sockets = {role: await open_socket(person) for role, person in sockets.items()}
    for socket in sockets.values():
        await subscribe(socket, room.pk)

    await database_sync_to_async(moderation_messages.message_pin)(
        user=moderator, message_id=message.pk, reason="Välkomst"
    )

    for role, socket in sockets.items():
        frame = await receive_type(socket, "room.updated", where=lambda f: "pinned" in f)
        assert (frame["pinned"]["id"], frame["pinned"]["body"]) == (message.pk, "Välkomna hit")
        assert frame["pinned"]["actions"] == VISIBLE_ACTIONS[role]
        await socket.disconnect()
