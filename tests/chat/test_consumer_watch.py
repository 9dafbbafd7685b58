"""A room list follows its rooms over the one socket without being present in them:
``subscribe {room, after_seq, present: false}`` brings new messages but no presence."""

import pytest
from channels.db import database_sync_to_async

from chat import services
from tests.ws import latest, open_socket, receive_type, subscribe

pytestmark = pytest.mark.django_db(transaction=True)


@database_sync_to_async
def post(user, room, body, client_id):
    return services.message_send(user=user, room_id=room.pk, body=body, client_id=client_id)


async def test_a_room_list_hears_new_messages_without_showing_up_as_present(
    member, other_member, topic_room
):
    # given: someone in the room, and a room list watching it
    inside = await open_socket(other_member)
    await subscribe(inside, topic_room.pk)
    await latest(inside, "presence")
    watcher = await open_socket(member)

    # when
    await watcher.send_json_to(
        {"type": "subscribe", "room": topic_room.pk, "after_seq": 0, "present": False}
    )
    subscribed = await receive_type(watcher, "subscribed")
    await watcher.send_json_to({"type": "ping"})
    await receive_type(watcher, "pong")
    await post(other_member, topic_room, "hej", "w1")
    new = await receive_type(watcher, "message.new")

    # then: the message came, and the room saw nobody new arrive
    assert (subscribed["room"], subscribed["backlog"]) == (topic_room.pk, [])
    assert (new["message"]["body"], new["message"]["author"]["display_name"]) == ("hej", "Havsörn")
    presence = await latest(inside, "presence")
    assert presence is None or [u["display_name"] for u in presence["users"]] == ["Havsörn"]
    await watcher.disconnect()
    assert await latest(inside, "presence") is None  # leaving says nothing either
    await inside.disconnect()
