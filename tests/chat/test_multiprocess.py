"""Scale-out as deployed: separate daphne processes sharing Redis and PostgreSQL."""

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import websockets
from django.conf import settings

from community import services as community_services
from tests.engines import require_postgres, require_redis
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
MAKEFILE_DAPHNE_FLAGS = next(
    line.split(":=", 1)[1].split()
    for line in (ROOT / "Makefile").read_text().splitlines()
    if line.startswith("DAPHNE_FLAGS")
)
pytestmark = pytest.mark.django_db(transaction=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url() -> str:
    db = settings.DATABASES["default"]  # the test database, created for this run
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


class Daphne:
    """A real ``daphne asgi:application`` on its own port."""

    def __init__(self, *extra_args: str, env: dict[str, str] | None = None):
        self.port = free_port()
        env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "REDIS_URL": settings.REDIS_URL,
            "DEBUG": "true",
            "CHAT_SEND_LIMIT": "1000",
            **(env or {}),
        }
        args = [
            sys.executable,
            "-m",
            "daphne",
            "-b",
            "127.0.0.1",
            "-p",
            str(self.port),
            *MAKEFILE_DAPHNE_FLAGS,
        ]
        self.process = subprocess.Popen(
            [*args, *extra_args, "asgi:application"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("daphne did not start")

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws/"

    def rss_kb(self) -> int:
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        return int(
            next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS"))
        )

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


@pytest.fixture
def engines():
    require_redis()
    require_postgres()


@pytest.fixture
def servers(engines):
    started = [Daphne(), Daphne()]
    yield started
    for server in started:
        server.stop()


@pytest.fixture
def people(municipalities):
    users = [UserFactory(display_name=n) for n in ("Solros", "Havsörn", "Stjärnfall")]
    return [(user, community_services.token_create(user=user)) for user in users]


async def connect(url: str, token: str, **kwargs):
    return await websockets.connect(
        url, additional_headers={"Authorization": f"Token {token}"}, **kwargs
    )


async def next_of(ws, frame_type: str, wait: float = 5) -> dict:
    async with asyncio.timeout(wait):
        while True:
            frame = json.loads(await ws.recv())
            if frame["type"] == frame_type:
                return frame


async def test_a_message_crosses_processes_and_resume_works_across_them(
    servers, people, topic_room
):
    (alice, alice_token), (bob, bob_token), _ = people
    one, two = servers
    sender = await connect(one.url, alice_token)
    reader = await connect(two.url, bob_token)
    for ws in (sender, reader):
        await ws.send(json.dumps({"type": "subscribe", "room": topic_room.pk}))
        await next_of(ws, "subscribed")

    await sender.send(
        json.dumps(
            {
                "type": "message.send",
                "room": topic_room.pk,
                "body": "via process one",
                "client_id": "x1",
            }
        )
    )
    heard = await next_of(reader, "message.new")
    await reader.close()  # Bob's phone drops, then reconnects to the other process
    for n in range(2, 5):
        await sender.send(
            json.dumps(
                {
                    "type": "message.send",
                    "room": topic_room.pk,
                    "body": f"nr {n}",
                    "client_id": f"x{n}",
                }
            )
        )
        await next_of(sender, "ack")
    reader = await connect(one.url, bob_token)
    await reader.send(
        json.dumps(
            {"type": "subscribe", "room": topic_room.pk, "after_seq": heard["message"]["seq"]}
        )
    )
    resumed = await next_of(reader, "subscribed")

    assert heard["message"]["body"] == "via process one"
    assert [m["seq"] for m in resumed["backlog"]] == [2, 3, 4]
    await sender.close()
    await reader.close()


@pytest.fixture
def quick_ping_server(engines):
    server = Daphne("--ping-interval", "1", "--ping-timeout", "2")
    yield server
    server.stop()


async def test_a_reader_that_never_reads_is_dropped_without_slowing_others(
    quick_ping_server, people, topic_room
):
    (alice, alice_token), (bob, bob_token), (stuck, stuck_token) = people
    url = quick_ping_server.url
    # max_queue=1: the client stops reading at once, so it also never answers pings
    slow = await connect(url, stuck_token, max_queue=1)
    await slow.send(json.dumps({"type": "subscribe", "room": topic_room.pk}))
    reader = await connect(url, bob_token)
    await reader.send(json.dumps({"type": "subscribe", "room": topic_room.pk}))
    await next_of(reader, "subscribed")
    sender = await connect(url, alice_token)
    await sender.send(json.dumps({"type": "subscribe", "room": topic_room.pk}))
    await next_of(sender, "subscribed")
    rss_before = quick_ping_server.rss_kb()

    presence: list[dict] = []
    slowest = 0.0
    for n in range(300):
        sent_at = time.monotonic()
        await sender.send(
            json.dumps(
                {
                    "type": "message.send",
                    "room": topic_room.pk,
                    "body": "x" * 2000,
                    "client_id": f"f{n}",
                }
            )
        )
        while (frame := json.loads(await reader.recv()))["type"] != "message.new":
            presence += [frame] if frame["type"] == "presence" else []
        slowest = max(slowest, time.monotonic() - sent_at)
    async with asyncio.timeout(15):
        while not presence or any(u["id"] == stuck.pk for u in presence[-1]["users"]):
            presence.append(await next_of(reader, "presence", wait=15))
    left = presence[-1]
    rss_growth_mb = (quick_ping_server.rss_kb() - rss_before) / 1024

    assert slowest < 1.0  # the others never wait on the stuck reader
    assert {u["display_name"] for u in left["users"]} == {"Solros", "Havsörn"}
    assert rss_growth_mb < 40
    for ws in (slow, reader, sender):
        await ws.close()


async def test_frame_limits_of_the_app_and_of_daphne(servers, people):
    (alice, token), _, _ = people
    ws = await connect(servers[0].url, token)

    await ws.send(json.dumps({"type": "ping", "ref": "x" * 30_000}))
    refused = await next_of(ws, "error")
    await ws.send(json.dumps({"type": "ping", "ref": "x" * 100_000}))
    with pytest.raises(websockets.ConnectionClosed) as closed:
        await next_of(ws, "pong")

    assert refused["code"] == "too_large"  # the app's limit: an error, the socket lives on
    # daphne's own limit: the connection is cut without a close frame
    assert isinstance(closed.value, websockets.ConnectionClosedError)
    again = await connect(servers[0].url, token)
    await again.send(json.dumps({"type": "ping"}))
    assert await next_of(again, "pong") == {"type": "pong"}
    await again.close()
