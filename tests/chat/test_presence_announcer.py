"""Presence frames come at most once a second per room and process, and the last one tells
who is there: a flood of sockets coming and going costs a room's readers a frame a second,
not two per socket."""

import asyncio
import math
import time

import pytest
from channels.db import database_sync_to_async

from tests.factories import UserFactory
from tests.ws import drain, open_socket, subscribe

pytestmark = pytest.mark.django_db(transaction=True)
VISITORS = 8


def names(frame: dict) -> list[str]:
    return sorted(u["display_name"] for u in frame["users"])


async def test_a_flood_of_visitors_is_told_in_a_frame_a_second(
    settings, member, topic_room, municipalities
):
    settings.PRESENCE_ANNOUNCE_SECONDS = 1.0
    watcher = await open_socket(member)
    await subscribe(watcher, topic_room.pk)
    await asyncio.sleep(1.1)  # the watcher's own arrival has had its window
    await drain(watcher)
    visitors = await database_sync_to_async(
        lambda: [UserFactory(display_name=f"Besökare {n}") for n in range(VISITORS)]
    )()

    sockets = [await open_socket(visitor) for visitor in visitors]
    started = time.monotonic()
    for socket in sockets:
        await subscribe(socket, topic_room.pk)
    for socket in sockets:
        await socket.disconnect()
    windows = math.ceil(time.monotonic() - started)  # the changes spanned this many seconds
    await asyncio.sleep(1.2)  # the window after the last change ends

    frames = [f for f in await drain(watcher, quiet=0.5) if f["type"] == "presence"]
    # one frame at once, then at most one a second: the changes' seconds and the last window
    assert len(frames) <= 1 + windows + 1 < 2 * VISITORS
    assert names(frames[0]) == sorted(["Besökare 0", "Solros"])  # the first change at once
    assert names(frames[-1]) == ["Solros"]  # the last tells who is there
    await watcher.disconnect()


async def test_without_a_window_every_change_is_told(settings, member, other_member, topic_room):
    settings.PRESENCE_ANNOUNCE_SECONDS = 0
    watcher = await open_socket(member)
    await subscribe(watcher, topic_room.pk)
    visitor = await open_socket(other_member)
    await subscribe(visitor, topic_room.pk)
    await visitor.disconnect()

    frames = [f for f in await drain(watcher) if f["type"] == "presence"]
    assert [names(f) for f in frames][-2:] == [["Havsörn", "Solros"], ["Solros"]]
    await watcher.disconnect()
