"""A process's sockets share one channel-layer channel (``chat.hub``): an idle socket keeps
no queue and no task of its own, and each event reaches the sockets of its group only."""

import asyncio
import json

import pytest
from channels.layers import get_channel_layer

from chat.hub import hub_for
from community import realtime
from tests.ws import drain, open_socket, receive_type

pytestmark = pytest.mark.django_db(transaction=True)


async def _follow(socket, room_id: int) -> None:
    # not present: no presence announcements (and their tasks) come and go meanwhile
    await socket.send_json_to({"type": "subscribe", "room": room_id, "present": False})
    await receive_type(socket, "subscribed")


async def test_an_idle_socket_costs_its_process_one_task_and_no_channel(
    member, other_member, topic_room
):
    first = await open_socket(member)
    await _follow(first, topic_room.pk)
    await drain(first)
    hub = hub_for(get_channel_layer())
    tasks_before = len(asyncio.all_tasks())

    more = [await open_socket(person) for person in (member, other_member, other_member)]
    for socket in more:
        await _follow(socket, topic_room.pk)
        await drain(socket)

    # the socket's own task (the application) and nothing waiting on a channel of its own
    assert len(asyncio.all_tasks()) - tasks_before == 3
    assert len(hub.members[f"room.{topic_room.pk}"]) == 4
    assert len(hub.members[f"user.{other_member.pk}"]) == 2
    for socket in (first, *more):
        await socket.disconnect()
    assert f"room.{topic_room.pk}" not in hub.joined
    assert f"user.{other_member.pk}" not in hub.members


async def test_an_event_reaches_the_sockets_of_its_group_and_no_one_else(member, other_member):
    mine, theirs = await open_socket(member), await open_socket(other_member)

    await realtime.group_send(
        realtime.user_group(member.pk), {"type": "user.frame", "text": '{"type":"notice"}'}
    )

    assert [f["type"] for f in await drain(mine)] == ["notice"]
    assert await drain(theirs) == []
    await mine.disconnect()
    await theirs.disconnect()


async def test_a_socket_that_ended_without_leaving_takes_its_groups_with_it(member):
    hub = hub_for(get_channel_layer())
    one, other = object(), object()
    await hub.join("user.1", one)
    await hub.join("user.1", other)

    hub.forget(one, ["user.1"])
    await asyncio.sleep(0.05)
    assert "user.1" in hub.joined

    hub.forget(other, ["user.1", "room.9"])
    await asyncio.sleep(0.05)
    assert "user.1" not in hub.joined
    assert "user.1" not in hub.members


async def test_a_room_frame_that_names_no_group_still_reaches_the_rooms_readers(member, topic_room):
    socket = await open_socket(member)
    await _follow(socket, topic_room.pk)
    await drain(socket)
    frame = json.dumps({"type": "presence", "room": topic_room.pk, "users": []})
    event = {"type": "room.frame", "room": topic_room.pk, "text": frame, "author": None}

    # as a process of the earlier release publishes it: no "group" in the event
    await get_channel_layer().group_send(f"room.{topic_room.pk}", {**event, "audience": "all"})

    assert [f["type"] for f in await drain(socket)] == ["presence"]
    await socket.disconnect()
