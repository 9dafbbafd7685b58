"""Real WebSocket clients in one asyncio process, and what they measure.

Each client opens ``/ws/`` with ``Authorization: Token <key>``, subscribes to one room and
reads every frame until it is closed. A few clients per room also send. Each sent body is
``bench|<n>|<perf_counter_ns at send>|<filler>``: the generator is one process, so a
receiver's ``perf_counter_ns()`` minus the stamp is that delivery's latency (sender's own
echo included; the "others" figures leave the echo out). Every message is counted against
the number of subscribers its room had when it was sent, so loss is expected minus received.

Frames are recognised by their first bytes (both servers write ``{"type":...`` first) so
the generator spends as little CPU as it can: it shares the machine with the server.
"""

import asyncio
import json
import random
import time
from collections import Counter
from dataclasses import dataclass, field

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, WebSocketException

FILLER = "Hej! Hur går det för er i veckan? Vi ses på träffen på torsdag, jag tar med fika."
BODY_MARK = '"body":"bench|'
NS = 1_000_000_000


def percentile(sorted_values: list, q: float):
    """Nearest-rank percentile of an already sorted list (None when empty)."""
    if not sorted_values:
        return None
    rank = max(0, min(len(sorted_values) - 1, int(round(q / 100 * len(sorted_values))) - 1))
    return sorted_values[rank]


def summary_ms(values_ns: list) -> dict:
    values = sorted(values_ns)
    return {
        "count": len(values),
        **{
            f"p{q}_ms": (round(percentile(values, q) / 1e6, 2) if values else None)
            for q in (50, 95, 99)
        },
        "max_ms": round(values[-1] / 1e6, 2) if values else None,
    }


@dataclass
class Phase:
    """One stretch of sending at one rate; only messages sent in the window are measured."""

    name: str
    rate: float
    duration: float
    sent: int = 0
    expected: int = 0
    received: int = 0
    latencies: list = field(default_factory=list)  # ns, every delivery incl. the echo
    others: list = field(default_factory=list)  # ns, deliveries to non-senders
    acks: list = field(default_factory=list)  # ns, send -> ack
    lag: list = field(default_factory=list)  # ns, how late the generator sent
    send_failures: int = 0
    errors: Counter = field(default_factory=Counter)
    measured: list = field(default_factory=list)  # its Message objects
    outcome: dict | None = None

    def result(self) -> dict:
        lost = max(0, self.expected - self.received)
        lag = sorted(self.lag)
        return {
            "name": self.name,
            "rate_msg_s": self.rate,
            "measured_seconds": self.duration,
            "messages_sent": self.sent,
            "deliveries_expected": self.expected,
            "deliveries_received": self.received,
            "lost": lost,
            "loss_ratio": round(lost / self.expected, 6) if self.expected else 0.0,
            "deliveries_per_s": round(self.received / self.duration, 1),
            "offered_deliveries_per_s": round(self.expected / self.duration, 1),
            "latency": summary_ms(self.latencies),
            "latency_others": summary_ms(self.others),
            "ack": summary_ms(self.acks),
            "generator_lag_p99_ms": round(percentile(lag, 99) / 1e6, 2) if lag else None,
            "send_failures": self.send_failures,
            "errors": dict(self.errors),
        }


class Message:
    __slots__ = ("phase", "sender", "expected", "received", "sent_ns")

    def __init__(self, phase, sender, expected, sent_ns):
        self.phase = phase
        self.sender = sender
        self.expected = expected
        self.received = 0
        self.sent_ns = sent_ns


class Refused(WebSocketException):
    """The server accepted the socket and closed it before the subscribe was answered."""


class Client:
    def __init__(self, load: "Load", index: int, user: dict, room: int):
        self.load = load
        self.index = index
        self.user = user
        self.room = room
        self.ws = None
        self.reader = None
        self.subscribed = asyncio.Event()
        self.subscribed_frame = None
        self.alive = False

    async def open(self, url: str, open_timeout: float, after_seq: int = 0) -> None:
        self.ws = await connect(
            url,
            additional_headers={"Authorization": f"Token {self.user['token']}"},
            compression=None,
            ping_interval=None,
            open_timeout=open_timeout,
            close_timeout=1,
            max_size=2**23,
            max_queue=None,
        )
        self.alive = True
        self.reader = asyncio.create_task(self._read())
        await self.ws.send(
            json.dumps({"type": "subscribe", "room": self.room, "after_seq": after_seq})
        )
        answered = asyncio.ensure_future(self.subscribed.wait())
        await asyncio.wait(
            {answered, self.reader}, timeout=open_timeout, return_when="FIRST_COMPLETED"
        )
        if not answered.done():
            answered.cancel()
            if self.reader.done():  # closed before it answered: 4503 while the server is busy
                raise Refused(f"closed with {self.ws.close_code}")
            raise TimeoutError("no subscribed frame")

    async def _read(self) -> None:
        try:
            async for text in self.ws:  # ends when the socket closes
                self.load.on_frame(self, text)
        except (ConnectionClosed, WebSocketException, OSError):
            pass
        finally:
            if self.alive:
                self.alive = False
                self.load.disconnects += 1
                self.load.room_size[self.room] -= 1

    async def close(self) -> None:
        self.alive = False
        if self.ws is not None:
            self.ws.transport.abort()  # no closing handshake: the server sees the drop
        if self.reader is not None:
            self.reader.cancel()


class Load:
    """A crowd of clients against one server URL, and the phases sent through it."""

    def __init__(self, url: str, run_id: str):
        self.url = url
        self.run_id = run_id
        self.clients: list[Client] = []
        self.senders: list[Client] = []
        self.room_size: Counter = Counter()
        self.messages: dict[int, Message] = {}
        self.next_n = 0
        self.phase: Phase | None = None
        self.disconnects = 0
        self.closed: list[Phase] = []
        self.unacked: dict[int, int] = {}  # n -> send time, oldest first
        self.other_frames = Counter()
        self.last_frame_ns = time.perf_counter_ns()
        self.room_seq: Counter = Counter()  # the newest seq acknowledged in each room

    # --- frames ------------------------------------------------------------------------

    def on_frame(self, client: Client, text) -> None:
        now = time.perf_counter_ns()
        self.last_frame_ns = now
        if text.startswith('{"type":"message.new"'):
            i = text.find(BODY_MARK)
            if i < 0:
                self.other_frames["message.new"] += 1
                return
            j = i + len(BODY_MARK)
            k = text.find("|", j)
            m = text.find("|", k + 1)
            message = self.messages.get(int(text[j:k]))
            if message is None:
                return
            message.received += 1
            phase = message.phase
            if phase is not None and phase.outcome is None:
                took = now - int(text[k + 1 : m])
                phase.received += 1
                phase.latencies.append(took)
                if client is not message.sender:
                    phase.others.append(took)
        elif text.startswith('{"type":"ack"'):
            i = text.find(f'"client_id":"{self.run_id}-')
            if i < 0:
                return
            j = i + len(f'"client_id":"{self.run_id}-')
            n = int(text[j : text.find('"', j)])
            self.unacked.pop(n, None)
            message = self.messages.get(n)
            if message is not None:
                room = message.sender.room
                self.room_seq[room] = max(self.room_seq[room], json.loads(text)["seq"])
            if message is not None and message.phase is not None and message.phase.outcome is None:
                message.phase.acks.append(now - message.sent_ns)
        elif text.startswith('{"type":"presence"'):
            self.other_frames["presence"] += 1
        elif text.startswith('{"type":"subscribed"'):
            client.subscribed_frame = text
            client.subscribed.set()
        elif text.startswith('{"type":"error"'):
            code = json.loads(text).get("code", "?")
            self.other_frames["error:" + code] += 1
            if self.phase is not None:
                self.phase.errors[code] += 1
        else:
            self.other_frames[text[9:30].split('"')[0]] += 1

    # --- connecting --------------------------------------------------------------------

    async def connect_all(
        self,
        users: list[dict],
        rooms: list[int],
        count: int,
        *,
        senders_per_room: int = 0,
        concurrency: int = 20,
        attempts: int = 8,
        open_timeout: float = 30.0,
        deadline: float = 120.0,
    ) -> dict:
        """Open ``count`` sockets round-robin over ``rooms`` (user i on socket i).

        ``failed`` counts failed attempts (each socket gets ``attempts``); ``opened`` is
        what is connected and subscribed in the end.
        """
        started = time.perf_counter()
        new = [
            Client(self, len(self.clients) + i, users[i % len(users)], rooms[i % len(rooms)])
            for i in range(count)
        ]
        gate = asyncio.Semaphore(concurrency)
        failures = Counter()

        async def one(client: Client):
            async with gate:
                for attempt in range(attempts):  # bounded: a real client retries too
                    try:
                        await client.open(self.url, open_timeout)
                    except (OSError, TimeoutError, WebSocketException) as error:
                        failures[type(error).__name__] += 1
                        await client.close()
                        client.subscribed.clear()
                        # backoff with equal jitter, as the web client (socket.js)
                        ceiling = min(15.0, 0.5 * 2**attempt)
                        await asyncio.sleep(ceiling / 2 + random.random() * ceiling / 2)
                        continue
                    self.room_size[client.room] += 1
                    return

        tasks = [asyncio.create_task(one(c)) for c in new]
        done, pending = await asyncio.wait(tasks, timeout=deadline)
        for task in pending:
            task.cancel()
        opened = [c for c in new if c.alive]
        self.clients.extend(opened)
        per_room: Counter = Counter()
        for client in opened:
            if per_room[client.room] < senders_per_room:
                per_room[client.room] += 1
                self.senders.append(client)
        return {
            "opened": len(opened),
            "failed": dict(failures) | ({"deadline": len(pending)} if pending else {}),
            "seconds": round(time.perf_counter() - started, 2),
        }

    def behind_seconds(self) -> float:
        """Age of the oldest send the server has not acknowledged yet (0 when none)."""
        oldest = next(iter(self.unacked.values()), None)
        return 0.0 if oldest is None else (time.perf_counter_ns() - oldest) / NS

    async def quiet(self, *, silence: float = 0.4, limit: float = 20.0) -> float:
        """Wait until every send is acknowledged and no frame has arrived for ``silence``
        seconds (at most ``limit``): the server has worked off what it was given."""
        started = time.perf_counter()
        while time.perf_counter() - started < limit:
            if not self.unacked and time.perf_counter_ns() - self.last_frame_ns > silence * NS:
                break
            await asyncio.sleep(0.05)
        return round(time.perf_counter() - started, 2)

    def settle_accounts(self) -> None:
        """After a quiet spell: what arrived after its phase's drain, and what never did."""
        for phase in self.closed:
            total = sum(min(m.received, m.expected) for m in phase.measured)
            duplicates = sum(max(0, m.received - m.expected) for m in phase.measured)
            phase.outcome["late"] = max(0, total - phase.outcome["deliveries_received"])
            phase.outcome["never_arrived"] = max(0, phase.expected - total)
            phase.outcome["duplicates"] = duplicates
        self.closed.clear()
        self.messages.clear()

    async def close_all(self, *, batch: int = 0, pause: float = 0.0) -> None:
        """Drop every socket; with ``batch``, that many at a time with a pause between."""
        for i, client in enumerate(self.clients):
            await client.close()
            if batch and (i + 1) % batch == 0:
                await asyncio.sleep(pause)
        await asyncio.sleep(0)
        self.clients.clear()
        self.senders.clear()

    # --- sending -----------------------------------------------------------------------

    async def run_phase(
        self,
        name: str,
        rate: float,
        *,
        warmup: float,
        duration: float,
        drain: float,
        give_up_behind: float = 5.0,
    ) -> dict:
        """Send at ``rate`` msg/s over all senders for warmup + duration, then drain.

        Sending stops early once the server is ``give_up_behind`` seconds late with an
        ack: it is overloaded, and more load would only lengthen the run.
        """
        senders = [s for s in self.senders if s.alive]
        if not senders:
            raise RuntimeError("no live senders")
        phase = Phase(name=name, rate=rate, duration=duration)
        self.phase = phase
        total = int(rate * (warmup + duration))
        first_measured = int(rate * warmup)
        t0 = time.perf_counter_ns() + 50_000_000
        step_ns = NS / rate
        cpu0 = time.process_time()
        wall0 = time.perf_counter()

        async def sender(position: int, client: Client):
            for k in range(position, total, len(senders)):  # bounded by count
                target = t0 + int(k * step_ns)
                wait = target - time.perf_counter_ns()
                if wait > 0:
                    await asyncio.sleep(wait / NS)
                if not client.alive:
                    phase.send_failures += 1
                    continue
                n = self.next_n
                self.next_n += 1
                measured = k >= first_measured
                now = time.perf_counter_ns()
                message = Message(
                    phase if measured else None, client, self.room_size[client.room], now
                )
                self.messages[n] = message
                self.unacked[n] = now
                if measured:
                    phase.measured.append(message)
                    phase.sent += 1
                    phase.expected += message.expected
                    phase.lag.append(max(0, now - target))
                frame = (
                    f'{{"type":"message.send","room":{client.room},'
                    f'"body":"bench|{n}|{now}|{FILLER}","client_id":"{self.run_id}-{n}"}}'
                )
                try:
                    await client.ws.send(frame)
                except (ConnectionClosed, OSError):
                    phase.send_failures += 1

        tasks = [asyncio.create_task(sender(i, c)) for i, c in enumerate(senders)]
        send_limit = time.perf_counter() + warmup + duration + 10
        gave_up = False
        while time.perf_counter() < send_limit:  # bounded in time
            done, pending = await asyncio.wait(tasks, timeout=0.1)
            if not pending:
                break
            if self.behind_seconds() > give_up_behind:
                gave_up = True
                break
        for task in tasks:
            task.cancel()
        send_seconds = time.perf_counter() - wall0
        measured_seconds = min(duration, max(1e-3, send_seconds - 0.05 - warmup))
        if gave_up:
            phase.duration = measured_seconds
        # Drain: wait (bounded) until every measured delivery arrived.
        drain_started = time.perf_counter()
        while time.perf_counter() - drain_started < drain:
            if phase.received >= phase.expected:
                break
            await asyncio.sleep(0.02)
        self.phase = None
        result = phase.result()
        phase.outcome = result  # later arrivals count as late, never in the figures
        self.closed.append(phase)
        result["generator_cpu_percent"] = round(
            100 * (time.process_time() - cpu0) / max(1e-9, time.perf_counter() - wall0), 1
        )
        result["send_seconds"] = round(send_seconds, 2)
        result["gave_up_overloaded"] = gave_up
        result["senders"] = len(senders)
        result["subscribers"] = sum(1 for c in self.clients if c.alive)
        return result
