"""``GET /healthz``: the database and the channel layer, each checked for real."""

import asyncio
import contextlib
import uuid

from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.db import connection
from django.http import JsonResponse

CHECK_TIMEOUT_SECONDS = 2.0


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # noqa: BLE001 - any failure means "not healthy"
        return False
    finally:
        connection.close()


async def _channel_layer_ok() -> bool:
    """A message sent to a fresh channel must come back through the layer."""
    try:
        layer = get_channel_layer()
        channel = await layer.new_channel()
        try:
            token = uuid.uuid4().hex
            await layer.send(channel, {"type": "health.check", "token": token})
            async with asyncio.timeout(CHECK_TIMEOUT_SECONDS):
                message = await layer.receive(channel)
        finally:
            await _forget(layer, channel)
        return message.get("token") == token
    except Exception:  # noqa: BLE001 - any failure means "not healthy"
        return False


async def _forget(layer, channel: str) -> None:
    """Let go of the check's channel. Channels has no call for it; the pub/sub layer
    unsubscribes a channel whose receive is cancelled, as when a consumer ends."""
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(0.01):
            await layer.receive(channel)


async def healthz(request):
    checks = {
        "database": await sync_to_async(_database_ok, thread_sensitive=False)(),
        "channel_layer": await _channel_layer_ok(),
    }
    failed = [name for name, ok in checks.items() if not ok]
    body = {
        "status": "ok" if not failed else "fail",
        "checks": {name: "ok" if ok else "fail" for name, ok in checks.items()},
        "failed": failed,
    }
    return JsonResponse(body, status=503 if failed else 200)
