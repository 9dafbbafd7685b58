"""Fault scenarios: app processes killed behind nginx, and a flood of connects with slow
readers beside a steady load.

``--only faults``: ``make cluster`` on free ports (nginx over two daphne processes); readers
and a sender keep sockets open through nginx while one app process after the other is
killed with -9 (``--fault-cycles``, 200). Every client whose process died reconnects
through nginx and resumes with ``after_seq``; the sender retries unacknowledged messages
with the same ``client_id``. Figures: reconnect and restart times, messages lost or
duplicated at any reader (both must be 0).

``--only flood``: one daphne with the steady load (``--clients`` sockets); the p99 of the
others' latency with nothing else, with ``--flood-rate`` sockets a second opening and
dropping, and with ``--slow-readers`` sockets that never read. Both must move it < 10%.
"""

import asyncio
import contextlib
import json
import os
import random
import shutil
import statistics
import time
from collections import Counter
from pathlib import Path

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus, WebSocketException

from bench import loadgen, report
from bench.cluster import Cluster, http_status

HERE = Path(__file__).resolve().parent
RECONNECT_PAUSE = (0.05, 0.25)  # a client's wait before reconnecting, with jitter
CLOSE_BUSY = 4503  # the server refused a new socket while busy (chat.admission)
SEND_WINDOW = 20  # the sender waits for acks when this many are outstanding


class ResumingClient:
    """One socket through nginx that comes back after its process dies and resumes from
    the last seq it saw; as a sender it retries every unacknowledged message."""

    def __init__(self, url: str, token: str, room: int):
        self.url, self.token, self.room = url, token, room
        self.seqs: list[int] = []
        self.last_seq = 0
        self.connected = asyncio.Event()
        self.ws = None
        self.dropped_at: float | None = None
        self.reconnect_seconds: list[float] = []
        self.failed_attempts = 0
        self.closes: Counter = Counter()
        self.errors: Counter = Counter()
        self.acks: dict[str, int] = {}
        self.unacked: dict[str, tuple[str, float]] = {}  # client_id -> (body, last try)
        self.ack_conflicts = 0
        self.has_more = 0

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():  # until the scenario ends
            try:
                async with connect(
                    self.url,
                    additional_headers={"Authorization": f"Token {self.token}"},
                    open_timeout=5,
                    close_timeout=1,
                    ping_interval=None,
                    max_queue=None,
                ) as ws:
                    self.ws = ws
                    subscribe = {"type": "subscribe", "room": self.room, "after_seq": self.last_seq}
                    await ws.send(json.dumps(subscribe))
                    async for text in ws:
                        await self._on(json.loads(text))
            except ConnectionClosed as closed:
                self.closes[closed.rcvd.code if closed.rcvd else 1006] += 1
            except (OSError, TimeoutError, InvalidStatus, WebSocketException):
                self.failed_attempts += 1
            self.ws = None
            if self.connected.is_set():
                self.connected.clear()
                self.dropped_at = time.monotonic()
            if not stop.is_set():
                await asyncio.sleep(random.uniform(*RECONNECT_PAUSE))  # noqa: S311

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()

    def _seen(self, seq: int) -> None:
        self.seqs.append(seq)
        self.last_seq = max(self.last_seq, seq)

    async def _on(self, frame: dict) -> None:
        kind = frame["type"]
        if kind == "message.new":
            self._seen(frame["message"]["seq"])
        elif kind == "subscribed":
            for message in frame["backlog"]:
                self._seen(message["seq"])
            self.has_more += bool(frame["has_more"])
            if self.dropped_at is not None:
                self.reconnect_seconds.append(time.monotonic() - self.dropped_at)
                self.dropped_at = None
            self.connected.set()
            for client_id in list(self.unacked):
                await self._send(client_id)
        elif kind == "ack":
            client_id, seq = frame["client_id"], frame["seq"]
            if self.acks.setdefault(client_id, seq) != seq:
                self.ack_conflicts += 1
            self.unacked.pop(client_id, None)
        elif kind == "error":
            self.errors[frame["code"]] += 1

    async def send(self, client_id: str, body: str) -> None:
        self.unacked[client_id] = (body, 0.0)
        await self._send(client_id)

    async def retry_stale(self, older_than: float = 2.0) -> None:
        now = time.monotonic()
        for client_id, (_body, tried) in list(self.unacked.items()):
            if now - tried > older_than:
                await self._send(client_id)

    async def _send(self, client_id: str) -> None:
        body, _ = self.unacked[client_id]
        self.unacked[client_id] = (body, time.monotonic())
        if self.ws is None or not self.connected.is_set():
            return  # sent again once subscribed
        frame = {"type": "message.send", "room": self.room, "body": body, "client_id": client_id}
        with contextlib.suppress(ConnectionClosed, OSError):
            await self.ws.send(json.dumps(frame))


def tally(sender: ResumingClient, readers: list[ResumingClient]) -> dict:
    """What every reader got against what the sender had acknowledged."""
    sent = sorted(sender.acks.values())
    expected = set(range(1, (sent[-1] if sent else 0) + 1))
    everyone = [sender, *readers]
    lost = sum(len(expected - set(c.seqs)) for c in everyone)
    duplicated = sum(len(c.seqs) - len(set(c.seqs)) for c in everyone)
    out_of_order = sum(
        any(b <= a for a, b in zip(c.seqs, c.seqs[1:], strict=False)) for c in everyone
    )
    return {
        "messages": len(sent),
        "acked_seqs_without_gaps": sent == sorted(expected),
        "unacked_at_end": len(sender.unacked),
        "ack_conflicts": sender.ack_conflicts,
        "lost": lost,
        "duplicated": duplicated,
        "clients_out_of_order": out_of_order,
        "backlogs_cut_short": sum(c.has_more for c in everyone),
    }


async def kill_cycles(
    cluster: Cluster,
    *,
    users: list[dict],
    room: int,
    cycles: int,
    readers: int,
    rate: float,
    say=print,
) -> dict:
    """Kill one app process after the other; clients reconnect and resume through nginx."""
    stop = asyncio.Event()
    sender = ResumingClient(cluster.ws_url, users[0]["token"], room)
    crowd = [ResumingClient(cluster.ws_url, u["token"], room) for u in users[1 : readers + 1]]
    everyone = [sender, *crowd]
    tasks = [asyncio.create_task(c.run(stop)) for c in everyone]
    sent = 0
    restarts: list[float] = []
    started = time.monotonic()

    sending_done = asyncio.Event()

    async def sending():
        nonlocal sent
        while not sending_done.is_set():  # until the kills are over
            sent += 1
            # Unacknowledged messages go again when the socket is back (as the app's outbox
            # does), never on a timer: retries on a timer pile up on a slow server.
            # At most SEND_WINDOW outstanding, as a person waits for their messages to go:
            # an unbounded queue resent at every reconnect swamps a slow server.
            if len(sender.unacked) < SEND_WINDOW:
                await sender.send(f"f{sent}", f"fault {sent}")
            else:
                sent -= 1
            await asyncio.sleep(1 / rate)

    async def all_connected() -> None:
        async with asyncio.timeout(20):
            await asyncio.gather(*(c.connected.wait() for c in everyone))

    try:
        await all_connected()
        feeding = asyncio.create_task(sending())
        for cycle in range(cycles):
            port = cluster.app_ports[cycle % len(cluster.app_ports)]
            old = cluster.kill(port)
            await asyncio.sleep(0.05)
            restarts.append(await asyncio.to_thread(cluster.wait_back, port, old))
            await all_connected()
            if (cycle + 1) % 20 == 0:
                say(f"  faults: {cycle + 1}/{cycles} kills, {sent} messages sent")
        sending_done.set()
        await feeding
        deadline = time.monotonic() + 30
        while sender.unacked and time.monotonic() < deadline:  # bounded
            await sender.retry_stale(older_than=5.0)
            await asyncio.sleep(0.5)
        # One more message, as there always is one in a room that lives: the broadcast of a
        # message committed just before its process died never went out, and a reader
        # learns of it from the seq gap the next message shows (and the server fills).
        await sender.send("final", "final")
        while "final" not in sender.acks and time.monotonic() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(0.05)  # bounded by the deadline
        last = sender.acks.get("final", 0)
        while time.monotonic() < deadline and any(c.last_seq < last for c in everyone):  # noqa: ASYNC110
            await asyncio.sleep(0.05)  # bounded by the deadline
    finally:
        stop.set()
        for client in everyone:
            await client.close()
        await asyncio.gather(*tasks, return_exceptions=True)
    reconnects = sorted(s for c in everyone for s in c.reconnect_seconds)
    result = {
        "processes": len(cluster.app_ports),
        "kill_cycles": cycles,
        "clients": len(everyone),
        "reconnects": len(reconnects),
        "reconnect_p50_ms": _ms(loadgen.percentile(reconnects, 50)),
        "reconnect_p99_ms": _ms(loadgen.percentile(reconnects, 99)),
        "reconnect_max_ms": _ms(reconnects[-1] if reconnects else None),
        "failed_connect_attempts": sum(c.failed_attempts for c in everyone),
        "restart_median_s": round(statistics.median(restarts), 2) if restarts else None,
        "restart_max_s": round(max(restarts), 2) if restarts else None,
        "errors": dict(sum((c.errors for c in everyone), Counter())),
        "seconds": round(time.monotonic() - started, 1),
        **tally(sender, crowd),
    }
    return result


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 1)


# --- make bench hooks -----------------------------------------------------------------------


async def faults_scenario(data: dict, args, server_env: dict, say) -> dict:
    state = HERE / "results" / "cluster"
    shutil.rmtree(state, ignore_errors=True)  # logs of this run only
    env = {**server_env, "DEBUG": "false"}
    cluster = Cluster(processes=2, env=env, state_dir=state, log=HERE / "results" / "cluster.log")
    await asyncio.to_thread(cluster.start)
    say(f"faults: cluster on {cluster.url} over {cluster.app_ports}")
    try:
        result = await kill_cycles(
            cluster,
            users=data["users"],
            room=data["rooms"][0],
            cycles=args.fault_cycles,
            readers=args.fault_clients - 1,
            rate=args.fault_rate,
            say=say,
        )
        result["healthz_after"] = http_status(f"{cluster.url}/healthz")
    finally:
        await asyncio.to_thread(cluster.stop)
    say(
        f"faults: {result['kill_cycles']} kills, {result['reconnects']} reconnects "
        f"(p50 {result['reconnect_p50_ms']} ms, p99 {result['reconnect_p99_ms']} ms, max "
        f"{result['reconnect_max_ms']} ms), restart median {result['restart_median_s']} s; "
        f"{result['messages']} messages: lost {result['lost']}, duplicated {result['duplicated']}"
    )
    return result


class Flood:
    """Sockets opening, subscribing and dropping at ``rate`` a second, round the clock."""

    def __init__(self, url: str, users: list[dict], rooms: list[int], rate: float, head=None):
        self.url, self.users, self.rooms, self.rate = url, users, rooms, rate
        # ``head(room)``: the seq a coming-back phone knows (the web client subscribes with
        # its last seq); None: every socket is new and asks for the room from its start
        self.head = head
        self.opened = 0
        self.refused = 0
        self.failed = 0

    async def run(self, stop: asyncio.Event) -> None:
        pending: set[asyncio.Task] = set()
        n = 0
        while not stop.is_set():  # until the phase ends
            user = self.users[n % len(self.users)]
            room = self.rooms[n % len(self.rooms)]
            task = asyncio.create_task(self._one(user, room))
            pending.add(task)
            task.add_done_callback(pending.discard)
            n += 1
            await asyncio.sleep(1 / self.rate)
        await asyncio.gather(*pending, return_exceptions=True)

    async def _one(self, user: dict, room: int) -> None:
        try:
            async with connect(
                self.url,
                additional_headers={"Authorization": f"Token {user['token']}"},
                open_timeout=10,
                close_timeout=1,
            ) as ws:
                after_seq = self.head(room) if self.head is not None else 0
                await ws.send(
                    json.dumps({"type": "subscribe", "room": room, "after_seq": after_seq})
                )
                async with asyncio.timeout(10):
                    while not (await ws.recv()).startswith('{"type":"subscribed"'):
                        pass
                self.opened += 1
        except ConnectionClosed as closed:
            if closed.rcvd is not None and closed.rcvd.code == CLOSE_BUSY:
                self.refused += 1  # the server was busy: a real client comes back later
            else:
                self.failed += 1
        except (OSError, TimeoutError, WebSocketException):
            self.failed += 1


async def slow_readers(url: str, users: list[dict], rooms: list[int], count: int) -> list:
    """Sockets that subscribe and then never read again (their TCP window fills up)."""
    opened = []
    for i in range(count * 3):  # bounded: up to three attempts a socket
        if len(opened) == count:
            break
        try:
            ws = await connect(
                url,
                additional_headers={"Authorization": f"Token {users[i % len(users)]['token']}"},
                max_queue=1,
                ping_interval=None,
                open_timeout=10,
            )
            await ws.send(json.dumps({"type": "subscribe", "room": rooms[i % len(rooms)]}))
        except (OSError, TimeoutError, WebSocketException):
            await asyncio.sleep(0.2)
            continue
        opened.append(ws)
    return opened


async def flood_scenario(data: dict, args, start_server, measured_phase, say) -> dict:
    """The steady load alone, beside a connect/disconnect flood, and beside slow readers."""
    process, port = start_server()
    url = f"ws://127.0.0.1:{port}/ws/"
    load = loadgen.Load(url, run_id=f"flood{os.getpid()}")
    users, rooms = data["users"], data["rooms"]
    phases = {}
    slow: list = []
    try:
        connected = await load.connect_all(
            users, rooms, args.clients, senders_per_room=args.senders, concurrency=args.concurrency
        )
        say(f"flood: {connected['opened']} sockets open in {connected['seconds']} s")

        async def phase(name: str) -> dict:
            await load.quiet(limit=20)
            result = await measured_phase(
                load,
                process,
                name,
                args.rate,
                warmup=args.warmup,
                duration=args.flood_seconds,
                drain=args.drain,
            )
            say(
                f"  {name}: p99 others {result['latency_others']['p99_ms']} ms, "
                f"p50 {result['latency_others']['p50_ms']} ms, lost {result['lost']}"
            )
            return result

        phases["steady"] = await phase("steady")
        stop = asyncio.Event()
        head = load.room_seq.__getitem__ if args.flood_from == "head" else None
        flood = Flood(url, users[args.clients :] or users, rooms, args.flood_rate, head)
        flooding = asyncio.create_task(flood.run(stop))
        phases["flood"] = await phase("flood")
        stop.set()
        await flooding
        phases["flood"]["flood_sockets_opened"] = flood.opened
        phases["flood"]["flood_failed"] = flood.failed
        phases["flood"]["flood_refused"] = flood.refused
        phases["steady_again"] = await phase("steady_again")
        slow = await slow_readers(url, users[args.clients :] or users, rooms, args.slow_readers)
        phases["slow_readers"] = await phase("slow_readers")
        phases["slow_readers"]["slow_sockets_opened"] = len(slow)
    finally:
        for ws in slow:
            ws.transport.abort()
        await load.close_all()
        process.stop()
    steady = [phases[k]["latency_others"]["p99_ms"] for k in ("steady", "steady_again")]
    steady = [p99 for p99 in steady if p99 is not None]
    base = min(steady, default=None)
    base_mean = statistics.mean(steady) if steady else None

    def moved(name: str) -> float | None:
        """The phase's p99 against the mean of the steady phases before and after it."""
        p99 = phases[name]["latency_others"]["p99_ms"]
        return None if p99 is None or not base_mean else round(p99 / base_mean - 1, 3)

    return {
        "clients": args.clients,
        "flood_from": args.flood_from,
        "rate_msg_s": args.rate,
        "flood_rate_per_s": args.flood_rate,
        "slow_readers": args.slow_readers,
        "p99_others_ms": {k: v["latency_others"]["p99_ms"] for k, v in phases.items()},
        "p99_steady_best_ms": base,
        "flood_p99_change": moved("flood"),
        "slow_readers_p99_change": moved("slow_readers"),
        "lost": {k: v["lost"] for k, v in phases.items()},
        "flood_sockets_opened": phases["flood"]["flood_sockets_opened"],
        "flood_failed": phases["flood"]["flood_failed"],
        "flood_refused": phases["flood"]["flood_refused"],
        "slow_sockets_opened": phases["slow_readers"]["slow_sockets_opened"],
        "phases": phases,
    }


async def scenarios(data, args, results, server_env, start_server, measured_phase, say) -> None:
    """bench/run.py's hook: the opt-in fault scenarios named in --only."""
    if "faults" in args.only:
        started = time.perf_counter()
        results["faults"] = await faults_scenario(data, args, server_env, say)
        results["timings"]["faults"] = round(time.perf_counter() - started, 1)
        _keep("faults", results)
    if "flood" in args.only:
        started = time.perf_counter()
        results["flood"] = await flood_scenario(
            data, args, lambda: start_server("pubsub", args), measured_phase, say
        )
        results["timings"]["flood"] = round(time.perf_counter() - started, 1)
        _keep("flood", results)


def _keep(name: str, results: dict) -> None:
    """bench/results/<name>.json: a later run of other scenarios leaves it be."""
    kept = {k: results.get(k) for k in ("generated_at", "code", "machine", name)}
    (HERE / "results" / f"{name}.json").write_text(json.dumps(kept, indent=2))


SUMMARY_KEYS = {
    "faults": (
        "kill_cycles",
        "reconnects",
        "reconnect_p50_ms",
        "reconnect_p99_ms",
        "reconnect_max_ms",
        "restart_median_s",
        "messages",
        "lost",
        "duplicated",
    ),
    "flood": ("p99_steady_best_ms", "flood_p99_change", "slow_readers_p99_change"),
}


def summary(results: dict) -> dict:
    """The fault figures for bench/baseline.json's flat summary."""
    return {
        f"{name}.{key}": results[name][key]
        for name, keys in SUMMARY_KEYS.items()
        if results.get(name)
        for key in keys
        if results[name].get(key) is not None
    }


def print_report(results: dict) -> None:
    found = summary(results)
    if found:
        print()
        print(report.table([[k, v] for k, v in found.items()], ["faults and flood", ""]))
