"""One channel-layer channel per process: every group a socket follows (its rooms, its
account, its credential, a moderator's queues) reaches a process once, and the hub hands
each event to that process's sockets in the group by a plain loop.

Before, every socket had a channel of its own in each group, so one message to a room of 50
became 50 queue entries, 50 task wake-ups, 50 decodings of the same event and 50
dispatches; and each socket kept a queue and a task waiting on it for its life. Now the
hub's channel is in the groups; it decodes an event once and calls each socket's consumer:
a room frame (``ChatConsumer.hub_frame``) is filtered for its reader and written at once
when the socket is between turns, anything else (``ChatConsumer.hub_event``) waits for the
socket's turn, so each socket still sees its events in the order it would have handled them
itself. Every event names its group (``community.realtime.group_send``); a room frame
from a process of an earlier release, which did not, is known by its room.
"""

import asyncio
import logging
import weakref

from chat.broadcast import room_group
from community.realtime import LAYER_DOWN, doorbell, layer_failed

logger = logging.getLogger(__name__)
RECEIVE_RETRY_SECONDS = 1.0
ROOM_FRAME = "room.frame"

# One hub per event loop (a process has one; tests start a loop per test).
_hubs: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Hub]" = weakref.WeakKeyDictionary()


def hub_for(layer) -> "Hub":
    loop = asyncio.get_running_loop()
    hub = _hubs.get(loop)
    if hub is None or hub.layer is not layer:
        hub = _hubs[loop] = Hub(layer)
    return hub


class Hub:
    def __init__(self, layer):
        self.layer = layer
        self.members: dict[str, set] = {}  # group -> consumers following it in this process
        self.joined: set[str] = set()  # groups the hub's channel is in
        self.channel: str | None = None
        self.receiving: asyncio.Task | None = None
        # group_add/discard one at a time, each deciding on the state it finds
        self.lock = asyncio.Lock()

    async def join(self, group: str, consumer) -> None:
        """Returns once the group's events reach ``consumer`` (the group is joined)."""
        self.members.setdefault(group, set()).add(consumer)
        async with self.lock:
            if self.channel is None:
                self.channel = await self.layer.new_channel()
                self.receiving = asyncio.get_running_loop().create_task(self._receive())
            if group in self.members and group not in self.joined:
                await self.layer.group_add(group, self.channel)
                self.joined.add(group)

    async def leave(self, group: str, consumer) -> None:
        members = self.members.get(group)
        if members is None or consumer not in members:
            return
        members.discard(consumer)
        if not members:
            del self.members[group]
            await self._discard(group)

    def forget(self, consumer, groups) -> None:
        """Drop a consumer that ended without leaving (an exception closed its socket); the
        groups no one here follows any more are left in the background."""
        for group in groups:
            members = self.members.get(group)
            if members is not None and consumer in members:
                members.discard(consumer)
                if not members:
                    del self.members[group]
                    asyncio.get_running_loop().create_task(doorbell(self._discard(group)))

    async def _discard(self, group: str) -> None:
        async with self.lock:
            if group not in self.members and group in self.joined:
                self.joined.discard(group)
                await self.layer.group_discard(group, self.channel)

    async def _receive(self) -> None:
        while True:  # until the loop ends
            try:
                event = await self.layer.receive(self.channel)
            except LAYER_DOWN as error:  # Redis away: the layer reconnects, we listen again
                layer_failed(error)
                await asyncio.sleep(RECEIVE_RETRY_SECONDS)
                continue
            await self.deliver(event)

    async def deliver(self, event: dict) -> None:
        group = event.get("group")
        if group is None and "room" in event:  # from a process of an earlier release
            group = room_group(event["room"])
        members = self.members.get(group)
        if not members:
            return
        if event["type"] != ROOM_FRAME:
            for consumer in tuple(members):
                consumer.hub_event(event)
            return
        prepared: dict = {}  # the event's frames as bytes on the wire, made once (chat.wire)
        for consumer in tuple(members):
            try:
                await consumer.hub_frame(event, prepared)
            except Exception:  # one socket's failure is not the others'
                logger.exception("room frame for one socket failed")
