"""Socket handshakes are taken only while the process keeps up with the sockets it has.

A handshake costs a process tens of milliseconds (the credential, mute and group reads, the
channel groups, then the subscribe's backlog). A storm of them (the clients of a killed
process all coming back through the load balancer at once, or a flood) would otherwise fill
the event loop, and every open socket's room frames would wait behind it: measured, 50
connects a second took the others' p99 from 48 ms to 7 s and left messages undelivered.

So a new socket is refused, before anything is looked up, while the process is busy: when
``SOCKET_HANDSHAKES_AT_ONCE`` handshakes are already under way, or when the event loop runs
late (its lag, smoothed, above ``SOCKET_ADMIT_LAG_MS``). It is accepted and closed at once
with 4503, as while the database is down; the client comes back after its backoff with
jitter, so a storm spreads itself over the seconds and the processes that have room. No cap
on sockets or connects per second: a process takes as many as it can serve.
"""

import asyncio
import logging
import time
import weakref

from django.conf import settings

from community.realtime import CLOSE_UNAVAILABLE

logger = logging.getLogger(__name__)

TICK_SECONDS = 0.05  # how often the loop's lag is read
SMOOTHING = 0.3  # weight of the newest reading in the smoothed lag
LOG_EVERY_SECONDS = 30.0


class Gate:
    """One event loop's view of how busy it is."""

    def __init__(self, loop: asyncio.AbstractEventLoop):
        self.in_flight = 0  # handshakes between their arrival and their accept or close
        self.lag = 0.0  # seconds the loop ran late, smoothed
        self.refused = 0
        self._logged_at = -LOG_EVERY_SECONDS
        self._watching = loop.create_task(self._watch())

    async def _watch(self) -> None:
        loop = asyncio.get_running_loop()
        while True:  # until the loop ends
            started = loop.time()
            await asyncio.sleep(TICK_SECONDS)
            late = max(0.0, loop.time() - started - TICK_SECONDS)
            self.lag += SMOOTHING * (late - self.lag)

    def busy(self) -> bool:
        return (
            self.in_flight >= settings.SOCKET_HANDSHAKES_AT_ONCE
            or self.lag * 1000 > settings.SOCKET_ADMIT_LAG_MS
        )

    def refusing(self) -> None:
        self.refused += 1
        now = time.monotonic()
        if now - self._logged_at > LOG_EVERY_SECONDS:
            self._logged_at = now
            logger.warning(
                "busy: new sockets are refused with %s (%s handshakes under way, loop %.0f ms"
                " late, %s refused so far)",
                CLOSE_UNAVAILABLE,
                self.in_flight,
                self.lag * 1000,
                self.refused,
            )


_gates: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Gate]" = weakref.WeakKeyDictionary()


def gate() -> Gate:
    """The running loop's gate (a process has one loop; tests start one per test)."""
    loop = asyncio.get_running_loop()
    found = _gates.get(loop)
    if found is None:
        found = _gates[loop] = Gate(loop)
    return found


class AdmitWhileKeepingUp:
    """ASGI middleware for sockets: refuses a new one while the process is busy (see above)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "websocket":
            return await self.app(scope, receive, send)
        here = gate()
        if here.busy():
            here.refusing()
            await receive()  # websocket.connect
            await send({"type": "websocket.accept"})  # so the client can read why
            await send({"type": "websocket.close", "code": CLOSE_UNAVAILABLE})
            return None
        here.in_flight += 1
        counted = True

        async def watching_send(message):
            nonlocal counted
            if counted and message["type"] in ("websocket.accept", "websocket.close"):
                counted = False
                here.in_flight -= 1
            await send(message)

        try:
            return await self.app(scope, receive, watching_send)
        finally:
            if counted:
                here.in_flight -= 1
