"""Installs on their own databases of one Redis server never hear each other's rooms: pub/sub
channels belong to the whole server, so the layer's names carry the database number."""

import asyncio

import pytest
from channels_redis.pubsub import RedisPubSubChannelLayer
from django.conf import settings

from config.settings import channel_layer_for
from tests.engines import require_redis

pytestmark = pytest.mark.redis


async def test_installs_on_their_own_redis_databases_never_hear_each_other():
    require_redis()
    server = settings.REDIS_URL.rsplit("/", 1)[0]
    ours, theirs = (
        RedisPubSubChannelLayer(**channel_layer_for(f"{server}/{database}")["CONFIG"])
        for database in (14, 15)
    )
    try:
        mine, other = await ours.new_channel(), await theirs.new_channel()
        await ours.group_add("room.1", mine)
        await theirs.group_add("room.1", other)
        await theirs.group_send("room.1", {"type": "room.frame", "text": "theirs"})
        await ours.group_send("room.1", {"type": "room.frame", "text": "ours"})

        assert (await asyncio.wait_for(ours.receive(mine), 2))["text"] == "ours"
        assert (await asyncio.wait_for(theirs.receive(other), 2))["text"] == "theirs"
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(ours.receive(mine), 0.3)
    finally:
        await ours.flush()
        await theirs.flush()


def test_the_database_number_is_in_every_name():
    assert channel_layer_for("redis://cache.example:6379/3")["CONFIG"]["prefix"] == "bredvid.3."
    assert channel_layer_for("redis://cache.example:6379")["CONFIG"]["prefix"] == "bredvid.0."
