"""The purge against a send in flight, with real PostgreSQL row locks."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from chat.models import Message, Room
from moderation.services.retention import purge_expired
from tests.engines import require_postgres

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgres():
    require_postgres()


def test_a_reply_sent_while_the_purge_runs_commits_and_loses_only_its_quote(
    member, other_member, topic_room
):
    old = Message.objects.create(
        room=topic_room,
        seq=1,
        author=other_member,
        body="gammalt",
        client_id="old",
        created_at=timezone.now() - timedelta(days=400),
    )
    Room.objects.filter(pk=topic_room.pk).update(last_seq=1)
    purged, errors = [], []

    def purge():
        try:
            purged.append(purge_expired(now=timezone.now()))
        except Exception as error:  # noqa: BLE001 - asserted below
            errors.append(error)
        finally:
            connection.close()

    # given a send that holds the room lock and has written its reply, not yet committed
    with transaction.atomic():
        Room.objects.select_for_update().get(pk=topic_room.pk)
        reply = Message.objects.create(
            room=topic_room, seq=2, author=member, body="svar", client_id="r", reply_to=old
        )
        Room.objects.filter(pk=topic_room.pk).update(last_seq=2)
        # when the purge runs meanwhile
        purger = threading.Thread(target=purge)
        purger.start()
        purger.join(timeout=1.5)
        waited = purger.is_alive()
    # then the send commits (above), and the purge, let go, takes the old message only
    purger.join(timeout=30)

    assert waited, "the purge must wait for the send that holds the room"
    assert errors == []
    assert purged[0]["chat.Message"] == 1
    reply.refresh_from_db()
    assert (reply.body, reply.reply_to_id) == ("svar", None)
    assert not Message.objects.filter(pk=old.pk).exists()


def test_a_message_sent_into_an_old_support_conversation_while_the_purge_runs_keeps_it(member):
    long_ago = timezone.now() - timedelta(days=400)
    room = Room.objects.create(
        kind=Room.Kind.SUPPORT, name="stöd", slug="s-race", member=member, created_at=long_ago
    )
    Message.objects.create(
        room=room, seq=1, author=member, body="för länge sen", client_id="a", created_at=long_ago
    )
    purged, errors = [], []

    def purge():
        try:
            purged.append(purge_expired(now=timezone.now()))
        except Exception as error:  # noqa: BLE001 - asserted below
            errors.append(error)
        finally:
            connection.close()

    with transaction.atomic():
        Room.objects.select_for_update().get(pk=room.pk)
        Message.objects.create(room=room, seq=2, author=member, body="hej igen", client_id="b")
        purger = threading.Thread(target=purge)
        purger.start()
        purger.join(timeout=1.5)
        waited = purger.is_alive()
    purger.join(timeout=30)

    assert waited
    assert errors == []
    assert purged[0]["chat.Room"] == 0
    assert list(room.messages.values_list("seq", flat=True)) == [1, 2]
