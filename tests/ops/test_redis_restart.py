"""Redis restarted under a live app process: sends keep committing and their senders get
their acks, live delivery comes back by itself, and readers miss nothing."""

import asyncio
import json
import time

import pytest
from channels.db import database_sync_to_async

from chat.models import Message
from tests.chat.test_multiprocess import Daphne
from tests.engines import require_postgres
from tests.ops.processes import RedisServer, connect, next_of, people_with_tokens, send_message

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def redis_server():
    require_postgres()
    server = RedisServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def app(redis_server):
    server = Daphne(env={"REDIS_URL": redis_server.url})
    yield server
    server.stop()


async def seqs_until(ws, last: int, wait: float, seqs: list[int] | None = None) -> list[int]:
    """Every message seq the socket gets (added to ``seqs``) until it has seen ``last``."""
    seqs = [] if seqs is None else seqs
    async with asyncio.timeout(wait):
        while not seqs or seqs[-1] < last:
            frame = json.loads(await ws.recv())
            if frame["type"] == "message.new":
                seqs.append(frame["message"]["seq"])
    return seqs


async def test_a_redis_restart_loses_no_message_and_delivery_comes_back_by_itself(
    redis_server, app, municipalities, topic_room
):
    (_a, sender_token), (_b, reader_token) = await database_sync_to_async(people_with_tokens)(2)
    sender = await connect(app.url, sender_token)
    reader = await connect(app.url, reader_token)
    for ws in (sender, reader):
        await ws.send(json.dumps({"type": "subscribe", "room": topic_room.pk}))
        await next_of(ws, "subscribed")
    await send_message(sender, topic_room.pk, "r1")
    await next_of(sender, "ack")
    before = await seqs_until(reader, 1, wait=5)

    # when Redis goes away, sends still commit and are acknowledged
    redis_server.stop()
    acks = []
    for n in (2, 3, 4):
        await send_message(sender, topic_room.pk, f"r{n}")
        acks.append(await next_of(sender, "ack"))
    await reader.send(json.dumps({"type": "ping"}))
    pong = await next_of(reader, "pong")

    # then it returns: live delivery is back by itself, and the gap is filled
    redis_server.start()
    back_at = time.monotonic()
    n, live, heard = 5, None, []
    while live is None and time.monotonic() - back_at < 15:  # bounded
        await send_message(sender, topic_room.pk, f"r{n}")
        last = (await next_of(sender, "ack"))["seq"]
        try:
            live = await seqs_until(reader, last, wait=0.5, seqs=heard)
        except TimeoutError:
            n += 1
    recovered_in = time.monotonic() - back_at
    await sender.close()
    await reader.close()
    stored = await database_sync_to_async(
        lambda: list(Message.objects.filter(room=topic_room).values_list("seq", flat=True))
    )()

    assert [a["seq"] for a in acks] == [2, 3, 4]
    assert pong == {"type": "pong"}
    assert live is not None, "live delivery did not come back within 15 s"
    assert recovered_in < 5
    assert before + live == list(range(1, last + 1))  # 0 lost, 0 duplicated, in order
    assert sorted(stored) == list(range(1, last + 1))
