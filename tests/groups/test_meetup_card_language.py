"""A meetup card is kept as data, so each reader reads it in their own language.

The stored ``body`` stays in the site language (it is what screening read); the payload's
``card`` carries the event and the meetup's data as they were at that event, and every place
that shows a card to a reader (room page, room list, pinned line, the web client) writes it out
in the reader's language.
"""

from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from chat import services as chat_services
from chat.models import Message
from groups import cards
from groups.services import meetups as meetup_services
from groups.services.meetups import MeetupFields
from moderation.services import messages as moderation_messages
from tests.factories import GroupRoomFactory, MembershipFactory, UserFactory
from tests.ws import open_socket, receive_type, subscribe

pytestmark = pytest.mark.django_db


@pytest.fixture
def room(municipalities):
    return GroupRoomFactory(name="Unga anhöriga", slug="unga")


@pytest.fixture
def host(room):
    return MembershipFactory(
        group=room.group, role="host", user=UserFactory(display_name="Värden")
    ).user


@pytest.fixture
def reader(room, member):
    MembershipFactory(group=room.group, user=member)
    return member


def fields(start, **changes) -> MeetupFields:
    values = {
        "title": "Fika och prat",
        "starts_at": start,
        "ends_at": start + timedelta(hours=2),
        "venue_name": "Stadsbiblioteket",
        "capacity": 8,
    }
    return MeetupFields(**(values | changes))


def schedule(host, room, **changes):
    start = timezone.now() + timedelta(days=3)
    fields_ = fields(start, **changes)
    return meetup_services.meetup_create(user=host, group_id=room.group.pk, fields=fields_)[0]


def cards_in(room) -> list[Message]:
    return list(Message.objects.filter(room=room, meetup__isnull=False).order_by("seq"))


def test_a_new_meetup_card_is_stored_as_data_with_a_swedish_body(host, room):
    meetup = schedule(host, room)

    [card] = cards_in(room)

    assert card.card == {
        "event": "created",
        "title": "Fika och prat",
        "starts_at": meetup.starts_at.isoformat(),
        "place": "Stadsbiblioteket",
    }
    assert card.body.startswith("Ny träff: Fika och prat")


def test_changed_and_cancelled_cards_keep_what_was_true_at_that_event(host, room):
    meetup = schedule(host, room)
    later = meetup.starts_at + timedelta(days=1)
    meetup_services.meetup_update(
        user=host, meetup_id=meetup.pk, fields=fields(later, venue_name="Kulturhuset")
    )
    meetup_services.meetup_cancel(user=host, meetup_id=meetup.pk, reason="Värden är sjuk.")

    created, changed, cancelled = (m.card for m in cards_in(room))

    assert created["place"] == "Stadsbiblioteket"
    assert changed["event"] == "updated"
    assert changed["place"] == "Kulturhuset"
    assert changed["starts_at"] == later.isoformat()
    assert cancelled["event"] == "cancelled"
    assert cancelled["reason"] == "Värden är sjuk."


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("sv", "Ny träff: Fika och prat, "),
        ("en", "New meetup: Fika och prat, "),
    ],
)
def test_card_text_is_written_in_the_active_language(host, room, language, expected):
    from django.utils import translation

    schedule(host, room)
    [card] = cards_in(room)

    with translation.override(language):
        text = cards.card_text(card.card)

    assert text.startswith(expected)
    assert "Stadsbiblioteket" in text


def test_a_repeating_meetup_card_says_how_often_in_the_readers_language(host, room):
    from django.utils import translation

    start = timezone.now() + timedelta(days=3)
    meetup_services.meetup_create(
        user=host,
        group_id=room.group.pk,
        fields=fields(start),
        recurrence="weekly",
        occurrences=3,
    )
    [card] = cards_in(room)

    with translation.override("en"):
        english = cards.card_text(card.card)

    assert card.card["repeats"] == 3
    assert english.endswith("It repeats 3 times.")
    assert card.body.endswith("3 gånger.")


def test_the_room_list_shows_the_card_in_the_readers_language(client, host, room, reader):
    schedule(host, room)
    client.force_login(reader)

    english = client.get("/rum/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    swedish = client.get("/rum/", HTTP_ACCEPT_LANGUAGE="sv").content.decode()

    assert "New meetup: Fika och prat" in english
    assert "Ny träff" not in english
    assert "Ny träff: Fika och prat" in swedish


def test_the_room_page_gives_the_client_the_card_sentences_in_the_readers_language(
    client, host, room, reader
):
    client.force_login(reader)

    english = client.get(f"/rum/{room.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert 'id="chat-card-texts"' in english
    assert "New meetup: %(title)s, %(when)s at %(place)s." in english


def test_a_pinned_card_reads_in_the_readers_language(client, host, room, reader, moderator):
    schedule(host, room)
    [card] = cards_in(room)
    moderation_messages.message_pin(user=moderator, message_id=card.pk, reason="Viktigt")
    client.force_login(reader)

    english = client.get(f"/rum/{room.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    pinned = english.split('id="chat-pinned-body">', 1)[1].split("</span>", 1)[0]
    assert pinned.startswith("New meetup: Fika och prat")


def test_rest_history_carries_the_card_data(host, room, reader):
    from rest_framework.test import APIClient

    schedule(host, room)
    api = APIClient()
    api.force_authenticate(reader)

    [payload] = api.get(f"/api/v1/rooms/{room.pk}/messages/").json()["results"]

    assert payload["card"]["event"] == "created"
    assert payload["card"]["title"] == "Fika och prat"


def test_an_edited_card_says_what_its_author_wrote(host, room):
    schedule(host, room)
    [card] = cards_in(room)

    edited = chat_services.message_edit(user=host, message_id=card.pk, body="Välkomna allihop!")

    assert edited["card"] is None
    assert edited["body"] == "Välkomna allihop!"


@pytest.mark.django_db(transaction=True)
async def test_the_live_card_carries_its_data(host, room, reader):
    socket = await open_socket(reader)
    await subscribe(socket, room.pk)

    await database_sync_to_async(schedule)(host, room)

    frame = await receive_type(socket, "message.new")
    assert frame["message"]["card"]["event"] == "created"
    assert frame["message"]["card"]["place"] == "Stadsbiblioteket"
    await socket.disconnect()


def test_a_history_page_reads_authors_and_meetups_once_however_many_cards_it_holds(
    host, room, reader, send, settings, django_assert_max_num_queries
):
    # given: three meetup cards among messages from four authors
    settings.CHAT_SEND_LIMIT = 100
    others = [MembershipFactory(group=room.group).user for _ in range(3)]
    scheduled = [schedule(host, room, title=f"Träff {n}") for n in range(3)]
    for n in range(12):
        send([reader, *others][n % 4], room, f"nr {n}")
    client = APIClient()
    client.force_authenticate(reader)
    url = f"/api/v1/rooms/{room.pk}/messages/"
    with CaptureQueriesContext(connection) as small:
        client.get(url, {"after_seq": 14, "limit": 1})

    # when
    with django_assert_max_num_queries(len(small.captured_queries) + 1):
        page = client.get(url, {"after_seq": 0, "limit": 100}).json()["results"]

    # then: the one more query is the meetups', for all three cards
    assert [m["meetup"]["title"] for m in page if m["meetup"]] == ["Träff 0", "Träff 1", "Träff 2"]
    assert [m["meetup"]["id"] for m in page if m["meetup"]] == [m.pk for m in scheduled]
    assert {m["author"]["display_name"] for m in page} == {
        u.display_name for u in [host, reader, *others]
    }
    assert len(page) == 15
