"""Sockets for consumer tests: the real ``asgi.application`` with its auth and origin checks."""

import asyncio

from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from asgi import application

# A browser names the site it loaded (Host) and where the page came from (Origin).
HOST = (b"host", b"localhost")
ORIGIN = (b"origin", b"http://localhost")


def _session_cookie(user) -> bytes:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}".encode()


async def open_socket(user, *, cookie: bytes | None = None) -> WebsocketCommunicator:
    """A signed-in browser socket for ``user`` (a fresh session unless ``cookie`` is given)."""
    cookie = cookie or await sync_to_async(_session_cookie)(user)
    socket = WebsocketCommunicator(application, "/ws/", headers=[(b"cookie", cookie), HOST, ORIGIN])
    connected, _ = await socket.connect()
    assert connected
    return socket


async def subscribe(socket, room_id: int, after_seq: int = 0) -> dict:
    await socket.send_json_to({"type": "subscribe", "room": room_id, "after_seq": after_seq})
    return await receive_type(socket, "subscribed")


async def receive_type(socket, frame_type: str, wait: float = 3, where=None) -> dict:
    """The next frame of this type (that ``where`` accepts), skipping others."""
    async with asyncio.timeout(wait):
        while True:
            frame = await socket.receive_json_from(timeout=wait)
            if frame["type"] == frame_type and (where is None or where(frame)):
                return frame


async def frames_until(socket, frame_type: str, count: int, wait: float = 5) -> list[dict]:
    """Collect ``count`` frames of one type, in the order they came."""
    found = []
    async with asyncio.timeout(wait):
        while len(found) < count:
            frame = await socket.receive_json_from(timeout=wait)
            if frame["type"] == frame_type:
                found.append(frame)
    return found


async def nothing_of_type(socket, frame_type: str, quiet: float = 0.3) -> bool:
    """True when no frame of this type arrives before the socket goes quiet."""
    return all(f["type"] != frame_type for f in await drain(socket, quiet))


async def send_message(socket, room_id: int, body: str, client_id: str, **extra) -> None:
    frame = {"type": "message.send", "room": room_id, "body": body, "client_id": client_id}
    await socket.send_json_to({**frame, **extra})


async def drain(socket, quiet: float = 0.3) -> list[dict]:
    """Every frame that arrives until the socket has been quiet for ``quiet`` seconds."""
    frames = []
    # receive_nothing() waits without cancelling the app, unlike a timed-out receive
    while not await socket.receive_nothing(timeout=quiet):
        frames.append(await socket.receive_json_from())
    return frames


async def latest(socket, frame_type: str) -> dict | None:
    """The last frame of a type among those waiting (e.g. the current presence)."""
    found = [f for f in await drain(socket) if f["type"] == frame_type]
    return found[-1] if found else None
