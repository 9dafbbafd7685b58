"""Who is in a room right now: one entry per socket, people counted once.

Each socket holds an entry that expires unless refreshed, so several tabs count once and a
process that died without saying goodbye drops out after ``TTL_SECONDS``. With ``REDIS_URL``
set the entries live in Redis (shared by every daphne process); otherwise in this process.
"""

import asyncio
import logging
import math
import time
import weakref
from collections import defaultdict

from django.conf import settings

logger = logging.getLogger(__name__)
TTL_SECONDS = 90
POOL_CONNECTIONS = 20  # Redis connections per process for presence
POOL_WAIT_SECONDS = 10


def _member(user_id: int, display_name: str, channel: str) -> str:
    # Display names cannot contain "|" (see the model's validator).
    return f"{user_id}|{channel}|{display_name}"


def _people(members) -> list[dict]:
    people: dict[int, str] = {}
    for member in members:
        user_id, _, rest = member.partition("|")
        people[int(user_id)] = rest.partition("|")[2]
    return [{"id": uid, "display_name": name} for uid, name in sorted(people.items())]


class MemoryPresence:
    def __init__(self):
        self.rooms: dict[int, dict[str, float]] = defaultdict(dict)

    async def join(self, room_id: int, user_id: int, display_name: str, channel: str) -> None:
        self.rooms[room_id][_member(user_id, display_name, channel)] = time.time() + TTL_SECONDS

    async def leave(self, room_id: int, user_id: int, display_name: str, channel: str) -> None:
        self.rooms[room_id].pop(_member(user_id, display_name, channel), None)

    async def people(self, room_id: int) -> list[dict]:
        now = time.time()
        entries = self.rooms[room_id]
        for member in [m for m, expires in entries.items() if expires <= now]:
            del entries[member]
        return _people(entries)


class RedisPresence:
    def __init__(self, url: str):
        self.url = url
        self._clients: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def _redis(self):
        import redis.asyncio as redis

        loop = asyncio.get_running_loop()
        if loop not in self._clients:
            # A call waits for a free connection (at most POOL_WAIT_SECONDS): a process's
            # sockets all leaving at once must not fail past the pool's size.
            pool = redis.BlockingConnectionPool.from_url(
                self.url,
                decode_responses=True,
                max_connections=POOL_CONNECTIONS,
                timeout=POOL_WAIT_SECONDS,
            )
            self._clients[loop] = redis.Redis(connection_pool=pool)
        return self._clients[loop]

    @staticmethod
    def _key(room_id: int) -> str:
        return f"bredvid:presence:{room_id}"

    async def join(self, room_id: int, user_id: int, display_name: str, channel: str) -> None:
        key = self._key(room_id)
        pipe = self._redis().pipeline()
        pipe.zadd(key, {_member(user_id, display_name, channel): time.time() + TTL_SECONDS})
        pipe.expire(key, TTL_SECONDS * 2)
        await pipe.execute()

    async def leave(self, room_id: int, user_id: int, display_name: str, channel: str) -> None:
        await self._redis().zrem(self._key(room_id), _member(user_id, display_name, channel))

    async def people(self, room_id: int) -> list[dict]:
        key = self._key(room_id)
        pipe = self._redis().pipeline()
        pipe.zremrangebyscore(key, "-inf", time.time())
        pipe.zrange(key, 0, -1)
        _, members = await pipe.execute()
        return _people(members)


_backend = None


def backend():
    global _backend  # noqa: PLW0603 - one per process, chosen from settings on first use
    if _backend is None:
        _backend = RedisPresence(settings.REDIS_URL) if settings.REDIS_URL else MemoryPresence()
    return _backend


class Announcer:
    """A room's presence frames from this process, at most one per
    ``settings.PRESENCE_ANNOUNCE_SECONDS``: the first change is told at once, the changes
    after it together at the end of the window, read fresh then, so the last frame always
    tells who is there. Without it each socket that came and went sent every reader of the
    room two frames, and a flood of connects drowned the room's messages."""

    def __init__(self):
        self.told_at: dict[int, float] = {}
        self.waiting: dict[int, asyncio.Task] = {}

    async def changed(self, room_id: int, announce) -> None:
        """``announce(room_id)`` sends the frame; it must not raise for an outage."""
        if room_id in self.waiting:
            return  # the frame at the window's end will tell this change too
        loop = asyncio.get_running_loop()
        wait = self.told_at.get(room_id, -math.inf) + settings.PRESENCE_ANNOUNCE_SECONDS
        wait -= loop.time()
        if wait <= 0:
            self.told_at[room_id] = loop.time()
            await announce(room_id)
        else:
            self.waiting[room_id] = loop.create_task(self._later(room_id, wait, announce))

    async def _later(self, room_id: int, wait: float, announce) -> None:
        try:
            await asyncio.sleep(wait)
        finally:
            del self.waiting[room_id]  # a change from here on opens the next window
        self.told_at[room_id] = asyncio.get_running_loop().time()
        try:
            await announce(room_id)
        except Exception:
            logger.exception("presence frame for room %s failed", room_id)


# One per event loop (a process has one; tests start a loop per test).
_announcers: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Announcer]" = (
    weakref.WeakKeyDictionary()
)


def announcer() -> Announcer:
    loop = asyncio.get_running_loop()
    if loop not in _announcers:
        _announcers[loop] = Announcer()
    return _announcers[loop]
