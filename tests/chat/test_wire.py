"""The hub writes prepared frames straight to daphne's socket: the consumer must find it
behind every layer the application puts between daphne and itself, and a frame written at
once must never overtake one that waits in Twisted's buffer."""

import contextlib
import socket
from functools import partial

from daphne.server import Server
from daphne.ws_protocol import WebSocketFactory, WebSocketProtocol
from twisted.internet import tcp
from twisted.internet.testing import MemoryReactor

from asgi import application
from chat.consumers import ChatConsumer
from chat.wire import write_now


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


def test_a_frame_goes_to_the_socket_at_once_and_never_before_what_waits():
    ours, theirs = socket.socketpair()
    theirs.setblocking(False)
    transport = tcp.Connection(ours, None, reactor=MemoryReactor())
    transport.connected = 1  # as the server's connection is once accepted

    write_now(transport, b"first")

    assert theirs.recv(100) == b"first"  # on the socket, not waiting for the loop
    assert transport.dataBuffer == b""
    assert transport._tempDataBuffer == []
    big = b"x" * 4_000_000  # more than the socket's buffer takes at once
    write_now(transport, big)
    assert transport._tempDataBuffer  # the rest waits with Twisted
    received = bytearray(theirs.recv(1 << 16))  # the socket has room again
    write_now(transport, b"last")  # yet this waits behind the rest
    while len(received) < len(big) + 4:
        transport.doWrite()  # as Twisted does once the socket takes more
        with contextlib.suppress(BlockingIOError):
            while chunk := theirs.recv(1 << 20):
                received += chunk
    assert bytes(received) == big + b"last"
    ours.close()
    theirs.close()
