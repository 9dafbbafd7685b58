"""Presence in Redis holds when many sockets come or go at once: a flood of disconnects (a
process's sockets after a network blip) waits its turn for a connection instead of failing."""

import asyncio

import pytest
from django.conf import settings

from chat.presence import RedisPresence
from tests.engines import require_redis

pytestmark = pytest.mark.redis
SOCKETS = 400  # above redis-py's default pool of 100 connections


async def test_hundreds_of_sockets_joining_and_leaving_at_once_all_count():
    require_redis()
    presence = RedisPresence(settings.REDIS_URL)
    people = [(n, f"Person {n}", f"specific.{n}") for n in range(SOCKETS)]
    room = 990_001
    try:
        await asyncio.gather(*(presence.join(room, *person) for person in people))
        assert len(await presence.people(room)) == SOCKETS

        await asyncio.gather(*(presence.leave(room, *person) for person in people))

        assert await presence.people(room) == []
    finally:
        await presence._redis().delete(presence._key(room))
