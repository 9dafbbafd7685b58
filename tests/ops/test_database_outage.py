"""PostgreSQL away under a live app process: the app reaches it through a TCP proxy the test
cuts (the shared PostgreSQL itself is never stopped)."""

import asyncio
import http.client
import json
import time

import pytest
import websockets
from channels.db import database_sync_to_async as sync_to_async
from django.conf import settings
from django.test import Client

from chat.models import Message
from tests.chat.test_multiprocess import Daphne
from tests.engines import other_sessions_ended, require_postgres
from tests.ops.processes import (
    TcpProxy,
    connect,
    database_url,
    next_of,
    people_with_tokens,
    send_message,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def outage():
    require_postgres()
    proxy = TcpProxy(int(settings.DATABASES["default"]["PORT"] or 5432))
    # Pooled connections as in production: the cut breaks those the pool holds open.
    env = {"DATABASE_URL": database_url(proxy.port), "DB_POOL": "true"}
    if settings.REDIS_URL:
        env["REDIS_URL"] = settings.REDIS_URL
    server = Daphne(env=env)
    yield proxy, server
    server.stop()
    proxy.close()
    other_sessions_ended()


def http_get(
    port: int, path: str, token: str | None = None, session: str | None = None
) -> tuple[int, dict, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"Authorization": f"Token {token}"} if token else {}
    if session:
        headers["Cookie"] = f"sessionid={session}"
    try:
        conn.request("GET", path, headers={**headers, "Accept-Language": "en"})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode()
    finally:
        conn.close()


async def next_answer(ws) -> dict:
    """The next ack or error frame (a live echo of the message may come first)."""
    async with asyncio.timeout(5):
        while True:
            frame = json.loads(await ws.recv())
            if frame["type"] in ("ack", "error"):
                return frame


def signed_in_session(user) -> str:
    browser = Client()
    browser.force_login(user)
    return browser.cookies["sessionid"].value


def stored(room) -> list[tuple[str, int]]:
    return list(Message.objects.filter(room=room).order_by("seq").values_list("client_id", "seq"))


async def test_while_the_database_is_away_sends_and_rest_answer_unavailable_and_retries_succeed(
    outage, municipalities, topic_room
):
    proxy, server = outage
    (alice, token), (_bob, bob_token) = await sync_to_async(people_with_tokens)(2)
    session = await sync_to_async(signed_in_session)(alice)
    page_before = await asyncio.to_thread(http_get, server.port, "/profil/", session=session)
    ws = await connect(server.url, token)
    await ws.send(json.dumps({"type": "subscribe", "room": topic_room.pk}))
    await next_of(ws, "subscribed")
    await send_message(ws, topic_room.pk, "c1")
    first = await next_of(ws, "ack")

    # when the database goes away
    proxy.cut()
    await send_message(ws, topic_room.pk, "c2")
    refused = await next_of(ws, "error")
    await ws.send(json.dumps({"type": "ping"}))
    pong = await next_of(ws, "pong")
    rest = await asyncio.to_thread(
        http_get, server.port, f"/api/v1/rooms/{topic_room.pk}/messages/", token
    )
    health = await asyncio.to_thread(http_get, server.port, "/healthz")
    page = await asyncio.to_thread(http_get, server.port, "/profil/", session=session)
    newcomer = await connect(server.url, bob_token)
    with pytest.raises(websockets.ConnectionClosed) as closed:
        await next_of(newcomer, "pong")
    during = await sync_to_async(stored)(topic_room)

    # then it returns: the same client_id goes through, once
    proxy.restore()
    acked, attempts, deadline = None, 0, time.monotonic() + 15
    while acked is None and time.monotonic() < deadline:  # bounded
        attempts += 1
        await send_message(ws, topic_room.pk, "c2")
        frame = await next_answer(ws)
        if frame["type"] == "ack":
            acked = frame
        else:
            await asyncio.sleep(0.5)
    await send_message(ws, topic_room.pk, "c2")
    again = await next_of(ws, "ack")
    after = await asyncio.to_thread(
        http_get, server.port, f"/api/v1/rooms/{topic_room.pk}/messages/", token
    )
    await ws.close()

    assert refused == {
        "type": "error",
        "code": "unavailable",
        "detail": refused["detail"],
        "ref": "c2",
        "retry_after": 5,
    }
    assert pong == {"type": "pong"}  # the socket lives on
    status, headers, body = rest
    assert status == 503
    assert json.loads(body) == {"code": "unavailable", "detail": json.loads(body)["detail"]}
    assert headers["Retry-After"] == "5"
    assert health[0] == 503
    assert (page_before[0], page[0]) == (200, 503)  # a page: the error page, not a debug page
    assert page[1]["Content-Type"].startswith("text/html")
    assert "Traceback" not in page[2]
    assert page[1]["Retry-After"] == "5"
    assert json.loads(health[2])["failed"] == ["database"]
    assert closed.value.rcvd.code == 4503  # unavailable: reconnect later
    assert during == [("c1", 1)]  # nothing half-stored
    assert acked is not None
    assert (acked["id"], acked["seq"]) == (again["id"], again["seq"])
    assert acked["seq"] == first["seq"] + 1 == 2
    assert await sync_to_async(stored)(topic_room) == [("c1", 1), ("c2", 2)]
    assert after[0] == 200
    assert [m["seq"] for m in json.loads(after[2])["results"]] == [1, 2]
