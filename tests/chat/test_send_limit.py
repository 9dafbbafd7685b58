"""One send limiter: a token bucket per person, exact across sockets and processes, kind to
short bursts, and never the reason a send fails while Redis is away."""

import asyncio
import json
import logging
import shutil
import socket
import subprocess
import time

import pytest
from asgiref.sync import sync_to_async

from chat.models import Message
from community import services as community_services
from tests.engines import skip_or_fail
from tests.ws import _session_cookie, open_socket

pytestmark = pytest.mark.django_db(transaction=True)


class Clock:
    """The limiter's clock, moved by hand."""

    def __init__(self):
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch):
    from chat.services import limiter

    frozen = Clock()
    monkeypatch.setattr(limiter, "clock", frozen)
    return frozen


def _send(room_id: int, client_id: str, body: str = "hej") -> str:
    return json.dumps(
        {"type": "message.send", "room": room_id, "body": body, "client_id": client_id}
    )


async def _answer(socket) -> dict:
    """The ack or error of one send (other frames skipped)."""
    async with asyncio.timeout(10):
        while True:
            frame = await socket.receive_json_from(timeout=10)
            if frame["type"] in ("ack", "error"):
                return frame


async def _sockets(user, count: int):
    cookie = await sync_to_async(_session_cookie)(user)
    return [await open_socket(user, cookie=cookie) for _ in range(count)]


def test_the_default_bucket_holds_ten_and_refills_one_a_second(settings):
    assert (settings.CHAT_SEND_LIMIT, settings.CHAT_SEND_REFILL_SECONDS) == (10, 1.0)


async def test_six_sockets_of_one_member_get_exactly_the_burst(member, topic_room, clock):
    sockets = await _sockets(member, 6)

    await asyncio.gather(
        *(
            s.send_to(text_data=_send(topic_room.pk, f"s{n}-{k}"))
            for n, s in enumerate(sockets)
            for k in range(5)
        )
    )
    answers = [await _answer(s) for s in sockets for _ in range(5)]

    acks = [a for a in answers if a["type"] == "ack"]
    refused = [a for a in answers if a["type"] == "error"]
    assert len(acks) == 10
    assert {(e["code"], e["retry_after"]) for e in refused} == {("rate_limited", 1)}
    assert len(refused) == 20
    assert await Message.objects.acount() == 10
    assert sorted([a["seq"] for a in acks]) == list(range(1, 11))
    for s in sockets:
        await s.disconnect()


async def test_a_burst_of_ten_then_about_one_a_second(member, topic_room, clock):
    (chat,) = await _sockets(member, 1)

    burst = []
    for n in range(10):
        await chat.send_to(text_data=_send(topic_room.pk, f"b{n}"))
        burst.append((await _answer(chat))["type"])
    await chat.send_to(text_data=_send(topic_room.pk, "b10"))
    eleventh = await _answer(chat)
    sustained = []
    for n in range(5):
        clock.advance(1.0)
        await chat.send_to(text_data=_send(topic_room.pk, f"s{n}"))
        sustained.append((await _answer(chat))["type"])
    clock.advance(0.5)
    await chat.send_to(text_data=_send(topic_room.pk, "too-soon"))
    too_soon = await _answer(chat)

    assert burst == ["ack"] * 10
    assert (eleventh["code"], eleventh["retry_after"]) == ("rate_limited", 1)
    assert sustained == ["ack"] * 5
    assert (too_soon["code"], too_soon["retry_after"]) == ("rate_limited", 1)
    assert await Message.objects.acount() == 15
    await chat.disconnect()


async def test_a_quiet_minute_refills_the_burst_but_no_more(member, topic_room, clock, settings):
    settings.CHAT_SEND_LIMIT = 3
    (chat,) = await _sockets(member, 1)
    await chat.send_to(text_data=_send(topic_room.pk, "a"))
    await _answer(chat)

    clock.advance(60)
    answers = []
    for n in range(4):
        await chat.send_to(text_data=_send(topic_room.pk, f"b{n}"))
        answers.append((await _answer(chat)).get("code", "ack"))

    assert answers == ["ack", "ack", "ack", "rate_limited"]
    await chat.disconnect()


async def test_refused_sends_and_retries_take_nothing_from_the_bucket(
    member, topic_room, clock, settings
):
    settings.CHAT_SEND_LIMIT = 2
    (chat,) = await _sockets(member, 1)
    topic_room.is_locked = True
    await topic_room.asave()
    for n in range(3):
        await chat.send_to(text_data=_send(topic_room.pk, f"locked-{n}"))
        assert (await _answer(chat))["code"] == "room_locked"
    topic_room.is_locked = False
    await topic_room.asave()

    answers = []
    for client_id in ("a", "a", "a", "b", "c"):
        await chat.send_to(text_data=_send(topic_room.pk, client_id))
        answer = await _answer(chat)
        answers.append(answer.get("code") or answer["seq"])

    assert answers == [1, 1, 1, 2, "rate_limited"]
    await chat.disconnect()


# --- Redis away: the database is the truth, Redis only a doorbell ----------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def own_redis():
    """A redis-server of this test's own, on a free port, that the test may stop."""
    binary = shutil.which("redis-server")
    if binary is None:
        skip_or_fail("needs redis-server: apt-get install redis-server")
    port = _free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0", process
    if process.poll() is None:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def cache_on_own_redis(own_redis, settings):
    url, process = own_redis
    settings.CACHES = {
        "default": {
            "BACKEND": "community.cache.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "bredvid-own",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    return url, process


async def test_with_redis_stopped_sends_commit_under_the_per_process_limit(
    member, topic_room, clock, settings, cache_on_own_redis, caplog
):
    import redis

    url, process = cache_on_own_redis
    settings.CHAT_SEND_LIMIT = 4
    (chat,) = await _sockets(member, 1)
    before = []
    for n in range(2):
        await chat.send_to(text_data=_send(topic_room.pk, f"up-{n}"))
        before.append((await _answer(chat))["type"])
    bucket_keys = redis.Redis.from_url(url).keys("*send*")

    process.terminate()
    process.wait(timeout=10)
    caplog.set_level(logging.WARNING)
    during = []
    for n in range(5):
        await chat.send_to(text_data=_send(topic_room.pk, f"down-{n}"))
        answer = await _answer(chat)
        during.append(answer.get("code") or answer["type"])

    assert before == ["ack", "ack"]
    assert len(bucket_keys) == 1  # the shared bucket was in Redis while it was up
    # a fresh bucket in this process: four more, then its own limit
    assert during == ["ack", "ack", "ack", "ack", "rate_limited"]
    assert await Message.objects.acount() == 6
    outage_logs = [r for r in caplog.records if "Redis" in r.getMessage()]
    assert len(outage_logs) == 1
    await chat.disconnect()


def test_the_cache_treats_an_unreachable_redis_as_a_miss(cache_on_own_redis, caplog):
    from django.core.cache import cache

    _, process = cache_on_own_redis
    cache.set("kept", "yes")
    assert cache.get("kept") == "yes"
    process.terminate()
    process.wait(timeout=10)
    caplog.set_level(logging.WARNING)

    answers = [
        cache.get("kept"),
        cache.get("kept", "fallback"),
        cache.add("new", 1),
        cache.set("new", 1),
        cache.get_many(["kept", "new"]),
        cache.delete("kept"),
    ]

    assert answers == [None, "fallback", False, None, {}, False]
    assert [r.getMessage().split(" (")[0] for r in caplog.records] == ["Redis is unreachable"]


def _script_calls(url: str) -> dict[str, int]:
    import redis

    stats = redis.Redis.from_url(url).info("commandstats")
    return {name: stats.get(f"cmdstat_{name}", {}).get("calls", 0) for name in ("evalsha", "eval")}


async def test_a_send_costs_the_limiter_one_round_trip(
    member, topic_room, clock, cache_on_own_redis
):
    url, _ = cache_on_own_redis
    (chat,) = await _sockets(member, 1)
    await chat.send_to(text_data=_send(topic_room.pk, "warm-up"))  # loads the script once
    await _answer(chat)
    before = await sync_to_async(_script_calls)(url)

    for n in range(5):
        await chat.send_to(text_data=_send(topic_room.pk, f"n{n}"))
        assert (await _answer(chat))["type"] == "ack"

    after = await sync_to_async(_script_calls)(url)
    assert (after["evalsha"] - before["evalsha"], after["eval"] - before["eval"]) == (5, 0)
    await chat.disconnect()


# --- two daphne processes sharing Redis ---------------------------------------------


@pytest.fixture
def limited_servers(engines):
    from tests.chat.test_multiprocess import Daphne

    env = {"CHAT_SEND_LIMIT": "10", "CHAT_SEND_REFILL_SECONDS": "600"}
    started = [Daphne(env=env), Daphne(env=env)]
    yield started
    for server in started:
        server.stop()


@pytest.fixture
def engines():
    from tests.engines import require_postgres, require_redis

    require_redis()
    require_postgres()


async def test_two_processes_share_one_bucket(limited_servers, member, topic_room):
    from tests.chat.test_multiprocess import connect

    token = await sync_to_async(community_services.token_create)(user=member)
    sockets = [await connect(server.url, token) for server in limited_servers for _ in range(3)]

    async def send_five(n, ws):
        answers = []
        for k in range(5):
            await ws.send(_send(topic_room.pk, f"p{n}-{k}"))
            while (frame := json.loads(await ws.recv()))["type"] not in ("ack", "error"):
                pass
            answers.append(frame)
        return answers

    answers = sum(await asyncio.gather(*(send_five(n, ws) for n, ws in enumerate(sockets))), [])

    assert len([a for a in answers if a["type"] == "ack"]) == 10
    refused = [a for a in answers if a["type"] == "error"]
    assert {a["code"] for a in refused} == {"rate_limited"}
    assert all(1 <= a["retry_after"] <= 600 for a in refused)
    assert await Message.objects.acount() == 10
    for ws in sockets:
        await ws.close()
