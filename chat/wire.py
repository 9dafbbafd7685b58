"""One frame framed once for every socket of a process that gets the same text.

A room frame is serialised once (``chat.broadcast``) and most readers get the very same
text. Through ASGI each socket would still encode it to UTF-8 and frame it again
(autobahn's ``sendMessage``), and that was most of what a delivery cost after the hub. Under
daphne, ``wire_for`` finds the consumer its socket's autobahn protocol behind the ``send``
it was given (through any middleware's wrapper that names what it wraps, as
``functools.wraps`` does, in ``__wrapped__``): the hub's
delivery then frames each distinct text once (autobahn's ``prepareMessage``, made for
broadcasting) and writes those bytes to each socket (``sendPreparedMessage``), in order
with what the socket sends through ASGI (both write to the same transport at once).

Under another server, or for a frame above the server's size limit, the consumer sends
through ASGI as before.
"""

import inspect
from functools import partial


class Wire:
    __slots__ = ("protocol", "server", "limit")

    def __init__(self, protocol, server):
        self.protocol = protocol
        self.server = server
        self.limit = getattr(protocol, "maxMessagePayloadSize", 0) or 0

    def write(self, text: str, prepared: dict) -> bool:
        """Write ``text`` as one frame; False when it must go through ASGI instead.

        ``prepared`` holds the frames already made for this event, by text."""
        protocol = self.protocol
        state = self.server.connections.get(protocol)
        if state is None or state.get("disconnected") or protocol.state != protocol.STATE_OPEN:
            return True  # closed: dropped, as daphne drops a send to a closed socket
        frame = prepared.get(text)
        if frame is None:
            payload = text.encode()
            if self.limit and len(payload) > self.limit:
                return False
            frame = prepared[text] = protocol.factory.prepareMessage(payload, False)
        if protocol._perMessageCompress is not None or protocol.send_queue:
            protocol.sendPreparedMessage(frame)  # autobahn compresses or queues it
        else:
            write_now(protocol.transport, frame.payloadHybi)
        return True


def write_now(transport, data: bytes) -> None:
    """Write ``data`` to the socket now when nothing waits before it.

    Twisted buffers every write and sends it once the loop finds the socket writable: per
    frame two changes to the epoll set and a wake-up, which measured a fifth of the loop's
    time at saturation. asyncio's transports send at once; so does this, with what the
    socket does not take (its buffer full) and all after it left to Twisted, in order."""
    sock = getattr(transport, "socket", None)
    if (
        sock is None
        or getattr(transport, "TLS", False)
        or not transport.connected
        or transport.disconnecting
        or transport._writeDisconnected
        or transport._tempDataBuffer
        or transport.offset != len(transport.dataBuffer)
    ):
        transport.write(data)
        return
    try:
        sent = sock.send(data)
    except (BlockingIOError, InterruptedError):
        sent = 0
    except OSError:
        transport.write(data)  # Twisted finds the lost connection when it writes
        return
    if sent < len(data):
        transport.write(data[sent:])


def _daphne_wire(send) -> Wire | None:
    """daphne's ``send`` is ``partial(server.handle_reply, protocol)``."""
    if not isinstance(send, partial) or not send.args:
        return None
    server = getattr(send.func, "__self__", None)
    protocol = send.args[0]
    if (
        getattr(send.func, "__name__", "") != "handle_reply"
        or not hasattr(server, "connections")
        or not hasattr(protocol, "sendPreparedMessage")
        or not hasattr(protocol, "factory")
    ):
        return None
    return Wire(protocol, server)


def wire_for(send) -> Wire | None:
    """The socket's wire when ``send`` is daphne's, seen through the wrappers around it."""
    return _daphne_wire(inspect.unwrap(send))
