"""The hub writes prepared frames straight to daphne's socket: the consumer must find it
behind every layer the application puts between daphne and itself."""

from functools import partial

from daphne.server import Server
from daphne.ws_protocol import WebSocketFactory, WebSocketProtocol

from asgi import application
from chat.consumers import ChatConsumer


async def test_the_consumer_finds_daphnes_socket_behind_every_layer_above_it(monkeypatch):
    # Made, not run: it listens on nothing.
    server = Server(
        application, endpoints=["tcp:port=0:interface=127.0.0.1"], signal_handlers=False
    )
    server.connections = {}  # as run() starts it: this socket is not among them
    protocol = WebSocketProtocol()
    protocol.factory = WebSocketFactory(server)
    # daphne's own send; for a socket not in its connections it writes nothing.
    daphne_send = partial(server.handle_reply, protocol)
    wires = []

    async def connect(self):
        wires.append(self.wire)

    monkeypatch.setattr(ChatConsumer, "connect", connect)
    events = [{"type": "websocket.connect"}, {"type": "websocket.disconnect", "code": 1000}]

    async def receive():
        return events.pop(0)

    scope = {"type": "websocket", "path": "/ws/", "headers": [], "query_string": b""}
    await application(scope, receive, daphne_send)

    assert len(wires) == 1
    assert wires[0] is not None
    assert wires[0].protocol is protocol
