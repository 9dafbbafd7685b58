"""The one socket route: ``/ws/``, served by ``chat.consumers.ChatConsumer`` (asgi.py)."""

from community.realtime import CLOSE_NOT_FOUND

SOCKET_PATH = "/ws/"


class KnownPathsOnly:
    """ASGI middleware: a socket at any path but ``/ws/`` is refused at the handshake
    (daphne answers 403), before its credentials are looked up. With one route, Channels'
    URL router would only add a copy of the scope kept for each socket's life, and it
    raises on an unknown path, which the server turns into a 500 and a logged error."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "websocket" and scope["path"] != SOCKET_PATH:
            await receive()  # websocket.connect
            await send({"type": "websocket.close", "code": CLOSE_NOT_FOUND})
            return
        await self.app(scope, receive, send)
