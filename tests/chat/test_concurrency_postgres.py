"""Invariants under real concurrency: PostgreSQL row locks, many writers at once."""

import asyncio
import threading

import pytest
from django.db import connection

from chat import services
from chat.models import Message
from tests.engines import require_postgres
from tests.factories import UserFactory
from tests.ws import open_socket, receive_type, subscribe

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgres():
    require_postgres()


def post_from_threads(posters, room, per_poster: int, start: threading.Barrier | None = None):
    """Each poster sends ``per_poster`` messages from its own thread and connection."""
    errors = []

    def run(user):
        try:
            if start:
                start.wait()
            for n in range(per_poster):
                services.message_send(
                    user=user,
                    room_id=room.pk,
                    body=f"{user.display_name} {n}",
                    client_id=f"{user.pk}-{n}",
                )
        except Exception as error:  # noqa: BLE001 - reported by the test below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(user,)) for user in posters]
    for thread in threads:
        thread.start()
    return threads, errors


def test_fifty_concurrent_senders_get_seq_1_to_50_without_gaps(topic_room, municipalities):
    senders = [UserFactory() for _ in range(50)]
    barrier = threading.Barrier(50)

    threads, errors = post_from_threads(senders, topic_room, per_poster=1, start=barrier)
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    seqs = sorted(Message.objects.filter(room=topic_room).values_list("seq", flat=True))
    assert seqs == list(range(1, 51))
    topic_room.refresh_from_db()
    assert topic_room.last_seq == 50


def test_seq_order_is_commit_order(topic_room, municipalities):
    senders = [UserFactory() for _ in range(10)]
    threads, errors = post_from_threads(senders, topic_room, per_poster=3)
    for thread in threads:
        thread.join(timeout=60)

    by_seq = list(Message.objects.filter(room=topic_room).order_by("seq"))
    assert errors == []
    assert [m.seq for m in by_seq] == list(range(1, 31))
    # a later seq never has an earlier insert time: seq order is the order of commits
    times = [m.created_at for m in by_seq]
    assert all(a <= b for a, b in zip(times, times[1:], strict=False)) or len(set(times)) < len(
        times
    )


@pytest.fixture
def posters(municipalities):
    return [UserFactory(display_name="Poster A"), UserFactory(display_name="Poster B")]


async def test_resume_while_two_others_keep_posting(member, posters, topic_room, settings):
    settings.CHAT_SEND_LIMIT = 1000
    socket = await open_socket(member)
    await subscribe(socket, topic_room.pk)
    threads, errors = post_from_threads(posters, topic_room, per_poster=40)
    seen = [
        (await receive_type(socket, "message.new", wait=10))["message"]["seq"] for _ in range(5)
    ]
    await socket.disconnect()  # drops while the others keep posting

    await asyncio.sleep(0.2)
    socket = await open_socket(member)
    resumed = await subscribe(socket, topic_room.pk, after_seq=seen[-1])
    seen += [m["seq"] for m in resumed["backlog"]]
    while len(seen) < 80:
        seen.append((await receive_type(socket, "message.new", wait=10))["message"]["seq"])
    for thread in threads:
        await asyncio.to_thread(thread.join, 60)

    assert errors == []
    assert seen == list(range(1, 81))  # no gap, no duplicate, in order
    await socket.disconnect()
