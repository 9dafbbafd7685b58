"""``make cluster`` as deployed: nginx over two daphne processes, the supervisor that
restarts a killed one, and clients that resume through nginx without loss or duplicates."""

import asyncio
import http.client
import json
from pathlib import Path

import pytest
from channels.db import database_sync_to_async

from bench.faults import kill_cycles
from tests.engines import in_ci
from tests.ops.processes import connect, next_of, people_with_tokens, send_message

pytestmark = pytest.mark.django_db(transaction=True)
KILL_CYCLES = 2 if in_ci() else 4  # `make bench BENCH_ARGS="--only faults"` runs 200


def get(port: int, path: str, token: str | None = None) -> tuple[int, dict, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path, headers={"Authorization": f"Token {token}"} if token else {})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


async def test_the_cluster_serves_pages_static_files_and_sockets_through_nginx(
    cluster, municipalities, topic_room
):
    people = await database_sync_to_async(people_with_tokens)(3)
    (_s, sender_token), (_a, one_token), (_b, two_token) = people
    health = await asyncio.to_thread(get, cluster.port, "/healthz")
    page = await asyncio.to_thread(get, cluster.port, "/")
    static = await asyncio.to_thread(get, cluster.port, "/static/css/app.css")
    api = await asyncio.to_thread(get, cluster.port, "/api/v1/rooms/", sender_token)
    # a sender through nginx, a reader on each app process
    sender = await connect(cluster.ws_url, sender_token)
    on_one = await connect(f"ws://127.0.0.1:{cluster.app_ports[0]}/ws/", one_token)
    on_two = await connect(f"ws://127.0.0.1:{cluster.app_ports[1]}/ws/", two_token)
    for ws in (sender, on_one, on_two):
        await ws.send(json.dumps({"type": "subscribe", "room": topic_room.pk}))
        await next_of(ws, "subscribed")
    await send_message(sender, topic_room.pk, "k1")
    heard = [(await next_of(ws, "message.new"))["message"]["seq"] for ws in (on_one, on_two)]
    await on_two.close()  # its phone drops; three more are sent; it comes back through nginx
    for n in (2, 3, 4):
        await send_message(sender, topic_room.pk, f"k{n}")
        await next_of(sender, "ack")
    back = await connect(cluster.ws_url, two_token)
    await back.send(json.dumps({"type": "subscribe", "room": topic_room.pk, "after_seq": 1}))
    resumed = await next_of(back, "subscribed")
    for ws in (sender, on_one, back):
        await ws.close()

    assert health[0] == 200
    assert json.loads(health[2])["status"] == "ok"
    assert page[0] == 200
    assert page[1]["Content-Type"].startswith("text/html")
    assert static[0] == 200
    assert static[1]["Content-Type"] == "text/css"
    assert static[1]["Cache-Control"] == "max-age=3600"  # nginx's own, not the app's
    assert api[0] == 200
    assert heard == [1, 1]
    assert [m["seq"] for m in resumed["backlog"]] == [2, 3, 4]
    assert [running(cluster.pid(port)) for port in cluster.app_ports] == [True, True]


async def test_killed_app_processes_come_back_and_their_clients_resume_through_nginx(
    cluster, municipalities, topic_room
):
    people = await database_sync_to_async(people_with_tokens)(6)
    users = [{"token": token} for _user, token in people]

    result = await kill_cycles(
        cluster, users=users, room=topic_room.pk, cycles=KILL_CYCLES, readers=5, rate=10
    )

    assert result["kill_cycles"] == KILL_CYCLES
    assert result["reconnects"] >= KILL_CYCLES
    assert result["messages"] > 0
    assert result["acked_seqs_without_gaps"] is True
    assert result["unacked_at_end"] == 0
    assert result["ack_conflicts"] == 0
    assert (result["lost"], result["duplicated"], result["clients_out_of_order"]) == (0, 0, 0)
    assert result["failed_connect_attempts"] == 0  # nginx always found a live process
    assert result["reconnect_max_ms"] < 10_000


def test_sigterm_stops_everything_the_cluster_started(cluster):
    pids = [cluster.pid(port) for port in cluster.app_ports]
    nginx = int((cluster.state / "nginx.pid").read_text())

    cluster.stop()

    assert cluster.proc.returncode == 0
    assert [running(pid) for pid in [*pids, nginx]] == [False, False, False]
    assert list(cluster.state.glob("app-*.pid")) == []
    assert get_refused(cluster.port)


def running(pid: int) -> bool:
    return Path(f"/proc/{pid}").exists()


def get_refused(port: int) -> bool:
    try:
        get(port, "/healthz")
    except OSError:
        return True
    return False
