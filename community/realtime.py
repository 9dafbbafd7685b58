"""Shared by the socket code: credential groups (so signing out can close a credential's
sockets) and the way consumers reach the database."""

import hashlib
import json
import logging
import time
from functools import partial

from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.exceptions import ChannelFull
from channels.layers import get_channel_layer
from django.db import transaction
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

CLOSE_NORMAL = 1000
CLOSE_NOT_SIGNED_IN = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404  # no socket at that path (refused at the handshake)
CLOSE_UNAVAILABLE = 4503  # the database cannot be reached just now: reconnect later

# Consumers' database calls run on a pool of threads, each with its own connection, not on
# Channels' default single thread per process: many sockets then wait on PostgreSQL side by
# side instead of in one queue. No call keeps a transaction open across another.
in_database = partial(database_sync_to_async, thread_sensitive=False)

# What the channel layer (and presence) raise while Redis is away or restarting.
LAYER_DOWN = (OSError, RedisError, ChannelFull)
LAYER_LOG_EVERY_SECONDS = 30.0
_layer_failed_at: float | None = None


def layer_failed(error: Exception) -> None:
    """Note that a frame could not be sent; logged once per outage (and every 30 s of it)."""
    global _layer_failed_at  # noqa: PLW0603 - one process-wide note of the outage
    now = time.monotonic()
    if _layer_failed_at is None or now - _layer_failed_at > LAYER_LOG_EVERY_SECONDS:
        logger.warning("channel layer unreachable, frames are dropped: %s", error)
        _layer_failed_at = now


async def doorbell(awaitable) -> None:
    """Await a channel-layer or presence call that must never fail the caller: the database
    is the truth and the layer only a doorbell (a lost frame is a seq gap, filled from the
    database; the layer resubscribes its groups when Redis is back)."""
    try:
        await awaitable
    except LAYER_DOWN as error:
        layer_failed(error)


async def group_send(group: str, event: dict) -> None:
    """Publish ``event`` to ``group``, naming the group in it: a process's sockets share one
    channel (``chat.hub``), which learns from the event whose it is."""
    await get_channel_layer().group_send(group, {**event, "group": group})


def layer_send(group: str, event: dict) -> None:
    """``group_send`` from synchronous code (a commit hook), never raising for an outage:
    what was committed stays committed and its sender still gets the ack."""
    try:
        async_to_sync(group_send)(group, event)
    except LAYER_DOWN as error:
        layer_failed(error)


def user_group(user_id: int) -> str:
    """The channel-layer group of every socket one account has open."""
    return f"user.{user_id}"


def credential_group(kind: str, secret: str) -> str:
    """The channel-layer group of sockets opened with one session or token (never the secret)."""
    digest = hashlib.sha256(f"{kind}:{secret}".encode()).hexdigest()[:40]
    return f"cred.{digest}"


def close_sockets(group: str, code: int = CLOSE_NOT_SIGNED_IN) -> None:
    layer_send(group, {"type": "socket.close", "code": code})


def to_user_control(user_id: int, kind: str) -> None:
    """After commit, tell a person's sockets to reload something they cache (their rooms,
    their mute list)."""
    event = {"type": "user.control", "kind": kind}
    transaction.on_commit(lambda: layer_send(user_group(user_id), event))


def to_user_frame(user_id: int, frame: dict) -> None:
    """After commit, send one frame, serialised once, to every socket of one person."""
    text = json.dumps(frame, ensure_ascii=False, separators=(",", ":"))
    event = {"type": "user.frame", "text": text}
    transaction.on_commit(lambda: layer_send(user_group(user_id), event), robust=True)


def account_sockets_close(*, user_id: int, keep: str | None = None) -> None:
    """Close every socket of an account as signed out; those of credential group ``keep``
    close normally, so their client reconnects with its (still valid) credential."""
    event = {"type": "socket.close", "code": CLOSE_NOT_SIGNED_IN, "keep": keep}
    layer_send(user_group(user_id), event)
