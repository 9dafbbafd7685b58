"""A new socket is refused with 4503, before anything is looked up, while the process is busy:
too many handshakes under way, or its event loop running late (``chat.admission``)."""

import asyncio
import contextlib
import threading
import time

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from asgi import application
from chat import admission
from community import services
from tests.ws import HOST, ORIGIN, _session_cookie, open_socket, subscribe

pytestmark = pytest.mark.django_db(transaction=True)

BAD_TOKEN = [(b"authorization", b"Token not-a-token"), HOST]


async def _handshake(headers) -> dict:
    """What a new socket hears first after its handshake (a close, or nothing yet)."""
    socket = WebsocketCommunicator(application, "/ws/", headers=headers)
    connected, _ = await socket.connect()
    assert connected  # accepted either way, so the client can read the close code
    try:
        return await socket.receive_output(timeout=1)
    finally:
        await socket.disconnect()


async def _until(condition, wait: float = 10.0) -> None:
    async with asyncio.timeout(wait):
        while not condition():  # noqa: ASYNC110 - polls the gate's own counters
            await asyncio.sleep(0.01)


@contextlib.contextmanager
def busy_elsewhere():
    """Work on another thread: the loop stays on time, the process is near a full core."""
    stop = threading.Event()

    def spin():
        while not stop.is_set():
            sum(range(1000))

    worker = threading.Thread(target=spin)
    worker.start()
    try:
        yield
    finally:
        stop.set()
        worker.join()


@pytest.fixture
def lag_limit(settings):
    settings.SOCKET_ADMIT_LAG_MS = 40
    settings.SOCKET_ADMIT_FLOOR_SECONDS = 60
    return settings


async def test_while_the_loop_runs_late_a_new_socket_is_closed_with_4503_before_its_token_is_read(
    lag_limit, member, topic_room
):
    gate = admission.gate()
    await asyncio.sleep(admission.TICK_SECONDS * 2)  # the watch has ticked on a quiet loop
    assert not gate.busy()
    assert await _handshake(BAD_TOKEN) == {"type": "websocket.close", "code": 4401}

    for _ in range(3):  # a loop blocked by work for 0.3 s at a time
        time.sleep(0.3)  # noqa: ASYNC251 - the point: the loop is held up
        await asyncio.sleep(admission.TICK_SECONDS)
    assert gate.lag * 1000 > 40

    # a bad token would be 4401 had it been looked up: the refusal came first
    assert await _handshake(BAD_TOKEN) == {"type": "websocket.close", "code": 4503}
    assert gate.refused == 1

    await _until(lambda: not gate.busy())  # the lag fades once the loop keeps up again
    socket = await open_socket(member)
    assert (await subscribe(socket, topic_room.pk))["room"] == topic_room.pk
    await socket.disconnect()


async def test_with_the_handshakes_at_once_under_way_a_new_socket_is_refused_until_one_ends(
    settings, member, topic_room
):
    settings.SOCKET_HANDSHAKES_AT_ONCE = 1
    gate = admission.gate()
    first = WebsocketCommunicator(application, "/ws/", headers=BAD_TOKEN)
    assert not first.future.done()  # the application runs: a handshake has arrived
    await _until(lambda: gate.in_flight == 1)  # its handshake has begun, not yet answered

    assert await _handshake(BAD_TOKEN) == {"type": "websocket.close", "code": 4503}

    connected, _ = await first.connect()
    assert connected
    assert await first.receive_output() == {"type": "websocket.close", "code": 4401}
    await first.disconnect()
    assert gate.in_flight == 0
    socket = await open_socket(member)  # the slot is free again
    assert (await subscribe(socket, topic_room.pk))["room"] == topic_room.pk
    await socket.disconnect()
    assert gate.in_flight == 0


async def test_a_handshake_given_up_before_its_answer_frees_its_place(settings):
    settings.SOCKET_HANDSHAKES_AT_ONCE = 1
    gate = admission.gate()
    gone = WebsocketCommunicator(application, "/ws/", headers=[HOST, ORIGIN])
    assert not gone.future.done()
    await _until(lambda: gate.in_flight == 1)

    gone.future.cancel()  # the client went away mid-handshake
    async with asyncio.timeout(5):
        await asyncio.gather(gone.future, return_exceptions=True)

    assert gate.in_flight == 0
    assert await _handshake(BAD_TOKEN) == {"type": "websocket.close", "code": 4401}


async def test_while_the_process_is_near_a_full_core_a_new_socket_is_refused_until_it_is_not(
    settings, member, topic_room
):
    settings.SOCKET_ADMIT_CPU_PERCENT = 40
    settings.SOCKET_ADMIT_FLOOR_SECONDS = 60
    gate = admission.gate()
    assert await _handshake(BAD_TOKEN) == {"type": "websocket.close", "code": 4401}

    with busy_elsewhere():
        await _until(lambda: gate.cpu * 100 > 40)  # (no lag limit in the tests)

        assert await _handshake(BAD_TOKEN) == {"type": "websocket.close", "code": 4503}

    await _until(lambda: not gate.busy())
    socket = await open_socket(member)
    assert (await subscribe(socket, topic_room.pk))["room"] == topic_room.pk
    await socket.disconnect()


async def test_a_process_that_stays_busy_still_lets_one_socket_in_every_so_often(settings):
    settings.SOCKET_ADMIT_CPU_PERCENT = 40
    settings.SOCKET_ADMIT_FLOOR_SECONDS = 2.0  # wide enough for a slow first handshake
    gate = admission.gate()
    with busy_elsewhere():
        await _until(lambda: gate.cpu * 100 > 40)
        heard = [await _handshake(BAD_TOKEN), await _handshake(BAD_TOKEN)]
        await asyncio.sleep(2.1)
        heard.append(await _handshake(BAD_TOKEN))
        busy = gate.busy()

    # 4401: let in and its (bad) token looked up; 4503: refused before that
    assert [frame["code"] for frame in heard] == [4401, 4503, 4401]
    assert busy


@pytest.mark.parametrize("credential", ["session", "token"])
async def test_a_busy_process_refuses_every_role_and_credential_alike(settings, person, credential):
    user = person
    if credential == "session":
        headers = [(b"cookie", await sync_to_async(_session_cookie)(user)), HOST, ORIGIN]
    else:
        token = await sync_to_async(services.token_create)(user=user)
        headers = [(b"authorization", f"Token {token}".encode()), HOST]
    settings.SOCKET_HANDSHAKES_AT_ONCE = 1
    gate = admission.gate()
    pending = WebsocketCommunicator(application, "/ws/", headers=BAD_TOKEN)
    assert not pending.future.done()
    await _until(lambda: gate.in_flight == 1)

    assert await _handshake(headers) == {"type": "websocket.close", "code": 4503}

    await pending.connect()
    await pending.disconnect()
    socket = WebsocketCommunicator(application, "/ws/", headers=headers)
    connected, _ = await socket.connect()
    assert connected
    await socket.send_json_to({"type": "ping"})
    assert await socket.receive_json_from() == {"type": "pong"}  # let in once not busy
    await socket.disconnect()
