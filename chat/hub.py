"""One subscription per process and room: the channel layer's room frames reach a process
once and are handed to its sockets in that room by a plain loop.

Before, every socket had the room's group itself, so one message to a room of 50 became 50
queue entries, 50 task wake-ups, 50 decodings of the same event and 50 dispatches. Now the
process's hub channel is in the group; the hub decodes the event once and calls each
socket's consumer (``ChatConsumer.hub_frame``), which applies its reader's filters to the
finished text and writes it, or queues it behind what the socket is doing, so each socket
still sees its frames in the order it would have handled them itself.
"""

import asyncio
import logging
import weakref

from chat.broadcast import room_group
from community.realtime import LAYER_DOWN, layer_failed

logger = logging.getLogger(__name__)
RECEIVE_RETRY_SECONDS = 1.0

# One hub per event loop (a process has one; tests start a loop per test).
_hubs: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, RoomHub]" = weakref.WeakKeyDictionary()


def hub_for(layer) -> "RoomHub":
    loop = asyncio.get_running_loop()
    hub = _hubs.get(loop)
    if hub is None or hub.layer is not layer:
        hub = _hubs[loop] = RoomHub(layer)
    return hub


class RoomHub:
    def __init__(self, layer):
        self.layer = layer
        self.rooms: dict[int, set] = {}  # room id -> consumers reading it in this process
        self.joined: set[int] = set()  # rooms whose group the hub's channel is in
        self.channel: str | None = None
        self.receiving: asyncio.Task | None = None
        # group_add/discard one at a time, each deciding on the state it finds
        self.lock = asyncio.Lock()

    async def join(self, room_id: int, consumer) -> None:
        """Returns once the room's frames reach ``consumer`` (the group is joined)."""
        self.rooms.setdefault(room_id, set()).add(consumer)
        async with self.lock:
            if self.channel is None:
                self.channel = await self.layer.new_channel()
                self.receiving = asyncio.get_running_loop().create_task(self._receive())
            if room_id in self.rooms and room_id not in self.joined:
                await self.layer.group_add(room_group(room_id), self.channel)
                self.joined.add(room_id)

    async def leave(self, room_id: int, consumer) -> None:
        members = self.rooms.get(room_id)
        if members is None or consumer not in members:
            return
        members.discard(consumer)
        if members:
            return
        del self.rooms[room_id]
        async with self.lock:
            if room_id not in self.rooms and room_id in self.joined:
                self.joined.discard(room_id)
                await self.layer.group_discard(room_group(room_id), self.channel)

    def forget(self, consumer) -> None:
        """Drop a consumer that ended without leaving (an exception closed its socket); its
        rooms' groups stay joined, which the next reader there then finds done."""
        for room_id, members in list(self.rooms.items()):
            members.discard(consumer)
            if not members:
                del self.rooms[room_id]

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
        prepared: dict = {}  # the event's frames as bytes on the wire, made once (chat.wire)
        for consumer in tuple(self.rooms.get(event.get("room"), ())):
            try:
                await consumer.hub_frame(event, prepared)
            except Exception:  # one socket's failure is not the others'
                logger.exception("room frame for one socket failed")
