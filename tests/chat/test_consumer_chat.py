"""The socket protocol end to end: the real ASGI app, the real channel layer."""

import json

import pytest
from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from django.test import Client

from chat import broadcast, services
from chat.consumers import GAP_FILL_LIMIT
from chat.models import Message, Reaction, ReadState
from community import realtime
from community import services as community_services
from tests.factories import MembershipFactory
from tests.ws import (
    drain,
    frames_until,
    latest,
    nothing_of_type,
    open_socket,
    receive_type,
    send_message,
    subscribe,
)

pytestmark = pytest.mark.django_db(transaction=True)


@database_sync_to_async
def post(user, room, body, client_id):
    return services.message_send(user=user, room_id=room.pk, body=body, client_id=client_id)


async def test_subscribe_sends_the_backlog_after_after_seq(member, other_member, topic_room):
    for n in range(1, 4):
        await post(other_member, topic_room, f"nr {n}", f"c{n}")
    socket = await open_socket(member)

    subscribed = await subscribe(socket, topic_room.pk, after_seq=1)

    assert subscribed["room"] == topic_room.pk
    assert subscribed["last_seq"] == 3
    assert subscribed["has_more"] is False
    assert [m["seq"] for m in subscribed["backlog"]] == [2, 3]
    assert subscribed["backlog"][0]["body"] == "nr 2"
    await socket.disconnect()


async def test_backlog_is_capped_at_200_with_has_more(member, other_member, topic_room, settings):
    settings.CHAT_SEND_LIMIT = 1000
    for n in range(205):
        await post(other_member, topic_room, f"nr {n}", f"c{n}")
    socket = await open_socket(member)

    subscribed = await subscribe(socket, topic_room.pk)

    assert len(subscribed["backlog"]) == 200
    assert subscribed["backlog"][-1]["seq"] == 200
    assert subscribed["has_more"] is True
    await socket.disconnect()


async def test_a_backlog_of_long_messages_is_cut_to_fit_one_frame(
    member, other_member, topic_room, settings
):
    """The server closes a socket rather than send a frame above 64 KiB: the backlog stops
    below that (counted in UTF-8 bytes) and has_more sends the client to REST."""
    settings.CHAT_SEND_LIMIT = 1000
    for n in range(1, 41):
        await post(other_member, topic_room, f"nr {n} " + "å" * 900, f"c{n}")
    socket = await open_socket(member)

    await socket.send_json_to({"type": "subscribe", "room": topic_room.pk, "after_seq": 0})
    text = await socket.receive_from()
    subscribed = json.loads(text)

    assert subscribed["type"] == "subscribed"
    assert len(text.encode()) <= 65536
    seqs = [m["seq"] for m in subscribed["backlog"]]
    assert 20 <= len(seqs) < 40
    assert seqs == list(range(1, len(seqs) + 1))
    assert subscribed["has_more"] is True
    assert subscribed["last_seq"] == 40
    await post(other_member, topic_room, "en till", "c41")
    # the socket lives on; what the frame left out comes before the live one, in order
    rest = await frames_until(socket, "message.new", 41 - len(seqs))
    assert [f["message"]["seq"] for f in rest] == list(range(len(seqs) + 1, 42))
    await socket.disconnect()


async def test_a_message_reaches_the_room_and_the_sender_gets_an_ack(
    member, other_member, topic_room
):
    sender, reader = await open_socket(member), await open_socket(other_member)
    await subscribe(sender, topic_room.pk)
    await subscribe(reader, topic_room.pk)

    await send_message(sender, topic_room.pk, "Hej! Någon mer som är vaken?", "k-1")

    ack = await receive_type(sender, "ack")
    heard = await receive_type(reader, "message.new")
    echoed = await receive_type(sender, "message.new")
    assert ack == {"type": "ack", "client_id": "k-1", "id": heard["message"]["id"], "seq": 1}
    assert heard["message"]["body"] == "Hej! Någon mer som är vaken?"
    assert heard["message"]["author"] == {"id": member.pk, "display_name": "Solros"}
    # one broadcast; each reader gets what they may do with it
    assert {**echoed["message"], "actions": None} == {**heard["message"], "actions": None}
    assert heard["message"]["actions"] == ["reply", "react", "report"]
    assert echoed["message"]["actions"] == ["reply", "react", "edit", "delete"]
    await sender.disconnect()
    await reader.disconnect()


async def test_a_room_frame_waits_for_the_reply_the_socket_is_busy_with(
    member, other_member, topic_room
):
    """The process hands room frames to its sockets itself (chat.hub): one that comes
    while the sender's socket still handles its send waits for the ack, as it would
    in the socket's own queue, and two sockets of one process each get it once."""
    sender, reader = await open_socket(member), await open_socket(other_member)
    second_tab = await open_socket(other_member)
    for socket in (sender, reader, second_tab):
        await subscribe(socket, topic_room.pk)
        await drain(socket)

    async def next_not_presence(socket):
        while (frame := await socket.receive_json_from(timeout=5))["type"] == "presence":
            continue
        return frame

    for n in range(3):
        await send_message(sender, topic_room.pk, f"nr {n}", f"order-{n}")
        assert (await next_not_presence(sender))["type"] == "ack"
        assert (await next_not_presence(sender))["message"]["seq"] == n + 1

    for socket in (reader, second_tab):
        news = [f for f in await drain(socket) if f["type"] == "message.new"]
        assert [f["message"]["seq"] for f in news] == [1, 2, 3]
    for socket in (sender, reader, second_tab):
        await socket.disconnect()


async def test_retry_after_a_lost_ack_gets_the_same_ack_and_no_second_message(
    member, other_member, topic_room
):
    sender, reader = await open_socket(member), await open_socket(other_member)
    await subscribe(sender, topic_room.pk)
    await subscribe(reader, topic_room.pk)
    await send_message(sender, topic_room.pk, "hej", "same-id")
    first_ack = await receive_type(sender, "ack")
    await receive_type(reader, "message.new")

    await send_message(sender, topic_room.pk, "hej", "same-id")

    assert await receive_type(sender, "ack") == first_ack
    assert await nothing_of_type(reader, "message.new")
    assert await Message.objects.acount() == 1
    await sender.disconnect()
    await reader.disconnect()


async def test_resume_after_reconnect_gets_every_missed_message_once_in_order(
    member, other_member, moderator, topic_room
):
    socket = await open_socket(member)
    await subscribe(socket, topic_room.pk)
    await post(other_member, topic_room, "före", "a0")
    seen = (await receive_type(socket, "message.new"))["message"]["seq"]
    await socket.disconnect()  # the phone loses its connection

    for n in range(1, 4):
        await post(other_member, topic_room, f"medan {n}", f"a{n}")
        await post(moderator, topic_room, f"också {n}", f"b{n}")
    socket = await open_socket(member)
    resumed = await subscribe(socket, topic_room.pk, after_seq=seen)
    await post(other_member, topic_room, "efter", "a9")
    live = await receive_type(socket, "message.new")

    assert [m["seq"] for m in resumed["backlog"]] == [2, 3, 4, 5, 6, 7]
    assert live["message"]["seq"] == 8
    await socket.disconnect()


@pytest.fixture
def held_broadcasts(monkeypatch):
    """Broadcasts kept back after their commits, to be let through the real layer later:
    what happens when another process's frame overtakes one or a frame is lost."""
    held = []
    monkeypatch.setattr(broadcast, "_send", lambda group, event: held.append((group, event)))

    async def release(*seqs):
        by_seq = {event.get("seq"): (group, event) for group, event in held}
        for seq in seqs:
            group, event = by_seq[seq]
            await realtime.group_send(group, event)

    return release


async def test_an_overtaken_broadcast_is_sent_in_seq_order_once(
    member, other_member, topic_room, held_broadcasts
):
    socket = await open_socket(member)
    await subscribe(socket, topic_room.pk)
    for n in (1, 2):
        await post(other_member, topic_room, f"nr {n}", f"o{n}")

    await held_broadcasts(2, 1)  # the second commit's frame arrives first

    frames = [f for f in await drain(socket) if "message" in f]
    assert [(f["type"], f["message"]["seq"]) for f in frames] == [
        ("message.new", 1),
        ("message.new", 2),
    ]
    assert frames[0]["message"]["body"] == "nr 1"
    await socket.disconnect()


async def test_lost_broadcasts_are_filled_from_the_database_before_the_next(
    member, other_member, moderator, topic_room, held_broadcasts
):
    await database_sync_to_async(services.member_mute)(user=member, muted_id=moderator.pk)
    socket = await open_socket(member)
    await subscribe(socket, topic_room.pk)
    await post(other_member, topic_room, "borta 1", "l1")
    await post(moderator, topic_room, "från en jag tystat", "l2")
    await post(other_member, topic_room, "borta 3", "l3")
    await post(other_member, topic_room, "fram", "l4")

    await held_broadcasts(4)  # the frames of 1..3 never come

    frames = [f for f in await drain(socket) if "message" in f]
    assert [f["message"]["seq"] for f in frames] == [1, 3, 4]  # 2 is from a muted member
    assert [f["message"]["body"] for f in frames] == ["borta 1", "borta 3", "fram"]
    await socket.disconnect()


async def test_a_long_jump_is_left_to_the_clients_rest_fill(
    member, other_member, topic_room, held_broadcasts, settings
):
    settings.CHAT_SEND_LIMIT = 1000
    socket = await open_socket(member)
    await subscribe(socket, topic_room.pk)
    for n in range(GAP_FILL_LIMIT + 2):
        await post(other_member, topic_room, f"nr {n}", f"j{n}")

    await held_broadcasts(GAP_FILL_LIMIT + 2)

    frames = [f for f in await drain(socket) if "message" in f]
    assert [f["message"]["seq"] for f in frames] == [GAP_FILL_LIMIT + 2]
    await socket.disconnect()


async def test_edit_delete_and_reactions_reach_others_as_updates(member, other_member, topic_room):
    author, reader = await open_socket(member), await open_socket(other_member)
    await subscribe(author, topic_room.pk)
    await subscribe(reader, topic_room.pk)
    await send_message(author, topic_room.pk, "hje", "e-1")
    message_id = (await receive_type(author, "ack"))["id"]

    await author.send_json_to({"type": "message.edit", "id": message_id, "body": "hej"})
    edited = await receive_type(reader, "message.updated")
    await reader.send_json_to({"type": "reaction.add", "id": message_id, "emoji": "🤗"})
    reacted = await receive_type(
        author, "message.updated", where=lambda f: f["message"]["reactions"]
    )
    await author.send_json_to({"type": "message.delete", "id": message_id})
    deleted = await receive_type(
        reader, "message.updated", where=lambda f: f["message"]["state"] == "deleted"
    )

    assert edited["message"]["body"] == "hej"
    assert edited["message"]["edited_at"] is not None
    assert reacted["message"]["reactions"] == [
        {"emoji": "🤗", "count": 1, "users": [other_member.pk]}
    ]
    assert (deleted["message"]["body"], deleted["message"]["reactions"]) == ("", [])
    assert await Reaction.objects.acount() == 0
    await author.disconnect()
    await reader.disconnect()


async def test_typing_reaches_others_throttled_and_never_the_typist(
    member, other_member, topic_room
):
    typist, reader = await open_socket(member), await open_socket(other_member)
    await subscribe(typist, topic_room.pk)
    await subscribe(reader, topic_room.pk)

    await typist.send_json_to({"type": "typing", "room": topic_room.pk})
    await typist.send_json_to({"type": "typing", "room": topic_room.pk})

    typing = await receive_type(reader, "typing")
    assert typing == {
        "type": "typing",
        "room": topic_room.pk,
        "user": {"id": member.pk, "display_name": "Solros"},
    }
    assert await nothing_of_type(reader, "typing")
    assert await nothing_of_type(typist, "typing")
    await typist.disconnect()
    await reader.disconnect()


async def test_presence_counts_a_person_with_two_tabs_once(member, other_member, topic_room):
    watcher = await open_socket(other_member)
    await subscribe(watcher, topic_room.pk)
    tab_one, tab_two = await open_socket(member), await open_socket(member)

    def names(frame):
        return [u["display_name"] for u in frame["users"]]

    await subscribe(tab_one, topic_room.pk)
    await subscribe(tab_two, topic_room.pk)
    both = await latest(watcher, "presence")
    await tab_one.disconnect()
    after_one = await latest(watcher, "presence")
    await tab_two.disconnect()
    after_both = await latest(watcher, "presence")

    assert names(both) == ["Solros", "Havsörn"]
    assert names(after_one) == ["Solros", "Havsörn"]  # the second tab is still there
    assert names(after_both) == ["Havsörn"]
    await watcher.disconnect()


async def test_read_marker_reaches_the_room_and_my_other_tabs(member, other_member, topic_room):
    await post(other_member, topic_room, "hej", "r1")
    tab, other_tab, reader = (
        await open_socket(member),
        await open_socket(member),
        await open_socket(other_member),
    )
    for socket in (tab, reader):
        await subscribe(socket, topic_room.pk)

    await tab.send_json_to({"type": "read", "room": topic_room.pk, "seq": 1})

    expected = {
        "type": "read.updated",
        "room": topic_room.pk,
        "user": {"id": member.pk, "display_name": "Solros"},
        "seq": 1,
    }
    assert await receive_type(other_tab, "read.updated") == expected
    assert await receive_type(reader, "read.updated") == expected
    assert (await ReadState.objects.aget(user=member)).last_read_seq == 1
    for socket in (tab, other_tab, reader):
        await socket.disconnect()


async def test_muted_members_messages_and_reactions_never_arrive(
    member, other_member, moderator, topic_room
):
    await database_sync_to_async(services.member_mute)(user=member, muted_id=other_member.pk)
    muter, chatty = await open_socket(member), await open_socket(other_member)
    await subscribe(muter, topic_room.pk)
    await subscribe(chatty, topic_room.pk)

    await send_message(chatty, topic_room.pk, "du ser inte mig", "m-1")
    await receive_type(chatty, "ack")
    mine = await post(moderator, topic_room, "men mig", "m-2")
    await chatty.send_json_to({"type": "reaction.add", "id": mine.message["id"], "emoji": "👍"})
    await receive_type(chatty, "message.updated")

    arrived = await receive_type(muter, "message.new")
    assert arrived["message"]["body"] == "men mig"
    updated = await receive_type(muter, "message.updated")
    assert updated["message"]["reactions"] == []  # the muted member's reaction is left out
    await muter.send_json_to({"type": "subscribe", "room": topic_room.pk, "after_seq": 0})
    backlog = (await receive_type(muter, "subscribed"))["backlog"]
    assert [m["body"] for m in backlog] == ["men mig"]
    assert backlog[0]["reactions"] == []
    await muter.disconnect()
    await chatty.disconnect()


async def test_group_room_is_not_found_for_outsiders_and_open_to_members(
    member, other_member, group_room
):
    await database_sync_to_async(MembershipFactory)(group=group_room.group, user=member)
    insider, outsider = await open_socket(member), await open_socket(other_member)

    subscribed = await subscribe(insider, group_room.pk)
    await outsider.send_json_to({"type": "subscribe", "room": group_room.pk})
    refused = await receive_type(outsider, "error")
    await send_message(outsider, group_room.pk, "in här", "x-1")
    refused_send = await receive_type(outsider, "error")

    assert subscribed["room"] == group_room.pk
    assert (refused["code"], refused_send["code"], refused_send["ref"]) == (
        "not_found",
        "not_found",
        "x-1",
    )
    assert await Message.objects.acount() == 0
    await insider.disconnect()
    await outsider.disconnect()


async def test_locked_room_refuses_members_and_lets_moderators_post(member, moderator, topic_room):
    topic_room.is_locked = True
    await topic_room.asave()
    reader, mod = await open_socket(member), await open_socket(moderator)
    await subscribe(reader, topic_room.pk)
    await subscribe(mod, topic_room.pk)

    await send_message(reader, topic_room.pk, "hej", "l-1")
    refused = await receive_type(reader, "error")
    await send_message(mod, topic_room.pk, "Rummet är låst i kväll.", "l-2")

    assert refused["code"] == "room_locked"
    assert (await receive_type(mod, "ack"))["seq"] == 1
    await reader.disconnect()
    await mod.disconnect()


async def test_slow_mode_and_rate_limit_errors_say_when_to_retry(member, topic_room):
    topic_room.slow_mode_seconds = 60
    await topic_room.asave()
    socket = await open_socket(member)
    await subscribe(socket, topic_room.pk)
    await send_message(socket, topic_room.pk, "ett", "s-1")
    await receive_type(socket, "ack")

    await send_message(socket, topic_room.pk, "två", "s-2")
    error = await receive_type(socket, "error")

    assert error["code"] == "slow_mode"
    assert error["ref"] == "s-2"
    assert 59 <= error["retry_after"] <= 60
    assert await Message.objects.acount() == 1
    await socket.disconnect()


BAD_FRAMES = [
    pytest.param({"type": "subscribe", "room": "ett"}, "invalid", id="subscribe-room-text"),
    pytest.param({"type": "subscribe", "room": 99999}, "not_found", id="subscribe-unknown"),
    pytest.param({"type": "unsubscribe", "room": 99999}, "not_found", id="unsubscribe-unknown"),
    pytest.param({"type": "message.send", "room": 1, "body": "x"}, "invalid", id="send-no-id"),
    pytest.param(
        {"type": "message.send", "room": "ROOM", "body": "", "client_id": "e"},
        "invalid",
        id="send-empty",
    ),
    pytest.param(
        {"type": "message.send", "room": "ROOM", "body": "x" * 4001, "client_id": "e"},
        "too_large",
        id="send-too-long",
    ),
    pytest.param({"type": "message.edit", "id": 99999, "body": "x"}, "not_found", id="edit"),
    pytest.param({"type": "message.delete", "id": "x"}, "invalid", id="delete"),
    pytest.param({"type": "reaction.add", "id": 99999, "emoji": "👍"}, "not_found", id="react"),
    pytest.param({"type": "reaction.remove", "id": 1}, "invalid", id="unreact-no-emoji"),
    pytest.param({"type": "typing", "room": 99999}, "not_found", id="typing-unsubscribed"),
    pytest.param({"type": "read", "room": "ROOM", "seq": -1}, "invalid", id="read-negative"),
    pytest.param({"type": "ping", "extra": 1}, "invalid", id="ping-extra-field"),
]


@pytest.mark.parametrize(("frame", "code"), BAD_FRAMES)
async def test_bad_frames_get_a_stable_error_and_change_nothing(member, topic_room, frame, code):
    socket = await open_socket(member)
    await subscribe(socket, topic_room.pk)
    frame = {k: topic_room.pk if v == "ROOM" else v for k, v in frame.items()}

    await socket.send_json_to({**frame, "ref": "r-1"})
    error = await receive_type(socket, "error")
    await socket.send_json_to({"type": "ping"})

    assert (error["code"], error["ref"]) == (code, "r-1")
    assert error["detail"]
    assert await receive_type(socket, "pong") == {"type": "pong"}
    assert await Message.objects.acount() == 0
    assert await ReadState.objects.acount() == 0
    await socket.disconnect()


async def test_oversized_frame_is_refused(member):
    socket = await open_socket(member)

    await socket.send_to(text_data='{"type":"ping","ref":"' + "x" * 20_001 + '"}')

    assert (await receive_type(socket, "error"))["code"] == "too_large"
    await socket.disconnect()


async def test_repeated_abuse_closes_with_4429(member):
    socket = await open_socket(member)

    for _ in range(10):
        await socket.send_to(text_data="not json")
    errors = await frames_until(socket, "error", 10)

    assert {e["code"] for e in errors} == {"bad_frame"}
    assert await socket.receive_output(timeout=1) == {"type": "websocket.close", "code": 4429}


async def test_signing_out_closes_that_sessions_sockets(member):
    client = Client()
    await sync_to_async(client.force_login)(member)
    cookie = f"sessionid={client.cookies['sessionid'].value}".encode()
    socket = await open_socket(member, cookie=cookie)
    other_session = await open_socket(member)

    await sync_to_async(client.post)("/konto/logout/")

    assert await socket.receive_output(timeout=2) == {"type": "websocket.close", "code": 4401}
    await other_session.send_json_to({"type": "ping"})
    assert await receive_type(other_session, "pong") == {"type": "pong"}
    await other_session.disconnect()


async def test_quick_exit_closes_that_sessions_sockets(member):
    client = Client()
    await sync_to_async(client.force_login)(member)
    cookie = f"sessionid={client.cookies['sessionid'].value}".encode()
    socket = await open_socket(member, cookie=cookie)

    await sync_to_async(client.post)("/konto/quick-exit/")

    assert await socket.receive_output(timeout=2) == {"type": "websocket.close", "code": 4401}


async def test_deleting_an_api_token_closes_its_sockets(member):
    from channels.testing import WebsocketCommunicator

    from asgi import application

    token = await database_sync_to_async(community_services.token_create)(user=member)
    socket = WebsocketCommunicator(
        application, "/ws/", headers=[(b"authorization", f"Token {token}".encode())]
    )
    assert (await socket.connect())[0]

    await database_sync_to_async(services_tokens_delete)(member)

    assert await socket.receive_output(timeout=2) == {"type": "websocket.close", "code": 4401}


def services_tokens_delete(user):
    community_services.tokens_delete(user=user)
