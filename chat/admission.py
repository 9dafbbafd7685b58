"""Socket handshakes are taken only while the process keeps up with the sockets it has.

A handshake costs a process tens of milliseconds (the credential, mute and group reads, the
channel groups, then the subscribe's backlog). A storm of them (the clients of a killed
process all coming back through the load balancer at once, or a flood) would otherwise fill
the event loop, and every open socket's room frames would wait behind it: measured, 50
connects a second took the others' p99 from 48 ms to 7 s and left messages undelivered.

So a new socket is refused, before anything is looked up, while the process is busy: when
``SOCKET_HANDSHAKES_AT_ONCE`` handshakes are already under way, when the event loop runs
late (its lag, smoothed, above ``SOCKET_ADMIT_LAG_MS``), or when the process uses more than
``SOCKET_ADMIT_CPU_PERCENT`` of a core (smoothed over about half a second: its Python runs
on one core at a time, and near a full one every frame waits). It is accepted and closed at once
with 4503, as while the database is down; the client comes back after its backoff with
jitter, so a storm spreads itself over the seconds and the processes that have room. No cap
on sockets or connects per second: a process takes as many as it can serve, and even when
busy one every ``SOCKET_ADMIT_FLOOR_SECONDS``, so nobody waits for ever.
"""

import asyncio
import logging
import math
import time
import weakref

from django.conf import settings

from community.realtime import CLOSE_UNAVAILABLE

logger = logging.getLogger(__name__)

TICK_SECONDS = 0.05  # how often the loop's lag and the process's CPU time are read
LAG_SMOOTHING = 0.3  # weight of the newest reading in the smoothed lag
CPU_SMOOTHING = 0.1  # in the smoothed CPU share: about the last half second
LOG_EVERY_SECONDS = 30.0


class Gate:
    """One event loop's view of how busy it is."""

    def __init__(self, loop: asyncio.AbstractEventLoop):
        self.in_flight = 0  # handshakes between their arrival and their accept or close
        self.lag = 0.0  # seconds the loop ran late, smoothed
        self.cpu = 0.0  # the process's CPU time per second of wall time, smoothed
        self.refused = 0
        self.admitted_at = -math.inf  # loop time of the last socket let in
        self._logged_at = -LOG_EVERY_SECONDS
        self._watching = loop.create_task(self._watch())

    async def _watch(self) -> None:
        loop = asyncio.get_running_loop()
        while True:  # until the loop ends
            started, cpu_started = loop.time(), time.process_time()
            await asyncio.sleep(TICK_SECONDS)
            took = loop.time() - started
            self.lag += LAG_SMOOTHING * (max(0.0, took - TICK_SECONDS) - self.lag)
            self.cpu += CPU_SMOOTHING * ((time.process_time() - cpu_started) / took - self.cpu)

    def admit(self) -> bool:
        """Whether a new socket may come in now (and if so, it is counted as under way)."""
        if self.in_flight >= settings.SOCKET_HANDSHAKES_AT_ONCE:
            return False
        now = asyncio.get_running_loop().time()
        # Loaded or not, one socket every SOCKET_ADMIT_FLOOR_SECONDS comes in: a process
        # that stays loaded for long still takes new people, only slowly.
        if self._loaded() and now - self.admitted_at < settings.SOCKET_ADMIT_FLOOR_SECONDS:
            return False
        self.admitted_at = now
        self.in_flight += 1
        return True

    def busy(self) -> bool:
        """Whether a socket arriving now would be refused, the floor aside."""
        return self.in_flight >= settings.SOCKET_HANDSHAKES_AT_ONCE or self._loaded()

    def _loaded(self) -> bool:
        return (
            self.lag * 1000 > settings.SOCKET_ADMIT_LAG_MS
            or self.cpu * 100 > settings.SOCKET_ADMIT_CPU_PERCENT
        )

    def refusing(self) -> None:
        self.refused += 1
        now = time.monotonic()
        if now - self._logged_at > LOG_EVERY_SECONDS:
            self._logged_at = now
            logger.warning(
                "busy: new sockets are refused with %s (%s handshakes under way, loop %.0f ms"
                " late, CPU %.0f%%, %s refused so far)",
                CLOSE_UNAVAILABLE,
                self.in_flight,
                self.lag * 1000,
                self.cpu * 100,
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
        if not here.admit():
            here.refusing()
            await receive()  # websocket.connect
            await send({"type": "websocket.accept"})  # so the client can read why
            await send({"type": "websocket.close", "code": CLOSE_UNAVAILABLE})
            return None
        counted = True

        async def watching_send(message):
            nonlocal counted
            if counted and message["type"] in ("websocket.accept", "websocket.close"):
                counted = False
                here.in_flight -= 1
            await send(message)

        watching_send.__wrapped__ = send  # so the consumer finds daphne's socket (chat.wire)
        try:
            return await self.app(scope, receive, watching_send)
        finally:
            if counted:
                here.in_flight -= 1
