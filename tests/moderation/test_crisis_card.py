"""The crisis card: one per room that updates, offered for 24 hours, only to its member;
outside the unit's staffed hours it names the lines that answer now."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from channels.db import database_sync_to_async
from django.utils import timezone

from chat import services as chat_services
from community.models import StaffedHours
from moderation import room_state, starter
from moderation.models import CrisisCard, CrisisContact, WordRule
from tests.factories import OrganisationFactory
from tests.ws import drain, open_socket, receive_type, subscribe

STOCKHOLM = ZoneInfo("Europe/Stockholm")
SUNDAY_NIGHT = datetime(2026, 11, 29, 22, 0, tzinfo=STOCKHOLM)
MONDAY_MORNING = datetime(2026, 11, 30, 10, 0, tzinfo=STOCKHOLM)


@pytest.fixture(autouse=True)
def _starter_rules(db):
    """Reference data: transactional tests flush it, so load it again."""
    starter.load_all(WordRule, CrisisContact)


@pytest.fixture
def unit(municipalities):
    """The member's municipal unit, staffed Monday to Friday 08.00-16.30."""
    unit = OrganisationFactory(name="Halmstads anhörigstöd", slug="hs", phone="035-13 70 00")
    for day in range(5):
        StaffedHours.objects.create(
            organisation=unit, weekday=day, opens=time(8), closes=time(16, 30)
        )
    return unit


def post(user, room, body, client_id):
    return chat_services.message_send(user=user, room_id=room.pk, body=body, client_id=client_id)


@pytest.mark.django_db(transaction=True)
async def test_two_crisis_messages_make_one_card_that_updates_and_only_the_author_hears(
    minor, other_member, topic_room
):
    author, peer = await open_socket(minor), await open_socket(other_member)
    await subscribe(author, topic_room.pk)
    await subscribe(peer, topic_room.pk)

    await database_sync_to_async(post)(minor, topic_room, "jag vill inte leva längre", "k1")
    first = await receive_type(author, "notice")
    await database_sync_to_async(post)(minor, topic_room, "mamma har tagit en överdos", "k2")
    second = await receive_type(author, "notice")

    assert (first["kind"], first["room"], first["update"]) == ("crisis", topic_room.pk, False)
    assert (second["kind"], second["room"], second["update"]) == ("crisis", topic_room.pk, True)
    assert second["categories"] == ["crisis_self", "crisis_other"]
    card = await CrisisCard.objects.aget()
    assert (card.user_id, card.room_id, card.categories) == (
        minor.pk,
        topic_room.pk,
        ["crisis_self", "crisis_other"],
    )
    assert second["until"] == (card.updated_at + timedelta(hours=24)).isoformat()
    assert all(f["type"] != "notice" for f in await drain(peer))
    for socket in (author, peer):
        await socket.disconnect()


@pytest.mark.django_db
def test_the_card_is_in_my_room_payload_for_24_hours_and_never_in_anothers(
    member, other_member, topic_room, send, client
):
    send(member, topic_room, "jag vill inte leva längre")
    card = CrisisCard.objects.get()

    client.force_login(member)
    [mine] = client.get("/api/v1/rooms/").json()["results"]
    client.force_login(other_member)
    [theirs] = client.get("/api/v1/rooms/").json()["results"]
    CrisisCard.objects.update(updated_at=timezone.now() - timedelta(hours=24, seconds=1))
    client.force_login(member)
    [later] = client.get("/api/v1/rooms/").json()["results"]

    assert mine["crisis_card"] == {
        "categories": ["crisis_self"],
        "until": (card.updated_at + timedelta(hours=24)).isoformat(),
    }
    assert theirs["crisis_card"] is None
    assert later["crisis_card"] is None


@pytest.mark.django_db
def test_a_crisis_after_the_24_hours_starts_a_new_card_not_an_update(member, topic_room, send):
    send(member, topic_room, "mamma har tagit en överdos")
    CrisisCard.objects.update(updated_at=timezone.now() - timedelta(hours=25))

    send(member, topic_room, "jag vill inte leva längre")

    card = CrisisCard.objects.get()
    assert card.categories == ["crisis_self"]
    assert timezone.now() - card.shown_at < timedelta(minutes=1)


@pytest.mark.django_db
def test_outside_staffed_hours_the_card_names_the_lines_that_answer_now(
    member, topic_room, unit, send
):
    member.preferred_language = "en"
    member.save()
    send(member, topic_room, "jag vill inte leva längre")

    night = room_state.crisis_card_for(user=member, room=topic_room, at=SUNDAY_NIGHT)
    day = room_state.crisis_card_for(user=member, room=topic_room, at=MONDAY_MORNING)

    assert night["staffed"] is False
    assert night["body"].endswith(
        "Nobody from the carer support in your municipality is at work right now, so do not "
        "wait for an answer here. Call now, they answer day and night: 112, Självmordslinjen, "
        "1177 Vårdguiden."
    )
    assert [c["name"] for c in night["contacts"]] == [
        "112",
        "Självmordslinjen",
        "1177 Vårdguiden",
        "Halmstads anhörigstöd",
    ]
    assert [c["always_open"] for c in night["contacts"]] == [True, True, True, False]
    assert day["staffed"] is True
    assert day["body"] == (
        "It sounds like things are really hard right now. You can call or chat with someone "
        "at any time of day. If you are in danger, call 112."
    )


@pytest.mark.django_db
def test_without_a_unit_the_card_always_says_who_to_call_now(minor, topic_room, send):
    minor.preferred_language = "en"
    minor.save()
    send(minor, topic_room, "jag vill inte leva längre")

    card = room_state.crisis_card_for(user=minor, room=topic_room, at=MONDAY_MORNING)

    assert card["staffed"] is False
    assert card["body"].endswith(
        "Call now, they answer day and night: 112, Självmordslinjen, BRIS, 1177 Vårdguiden."
    )


@pytest.mark.django_db
def test_the_room_page_carries_my_card_after_a_reload_and_no_one_elses(
    member, other_member, topic_room, send, client
):
    send(member, topic_room, "jag vill inte leva längre")

    client.force_login(member)
    mine = client.get(f"/rum/{topic_room.pk}/").content.decode()
    client.force_login(other_member)
    theirs = client.get(f"/rum/{topic_room.pk}/").content.decode()

    assert 'id="chat-crisis-card"' in mine
    assert '"kind": "crisis"' in mine
    assert "hidden" not in _tag(mine, "chat-support-now")
    assert '"kind": "crisis"' not in theirs
    assert "hidden" in _tag(theirs, "chat-support-now")


def _tag(html: str, element_id: str) -> str:
    at = html.index(f'id="{element_id}"')
    return html[html.rindex("<", 0, at) : html.index(">", at) + 1]


@pytest.mark.django_db
def test_the_card_says_when_each_line_answers_in_the_readers_language(
    member, topic_room, unit, send
):
    member.preferred_language = "en"
    member.save()
    unit.staffed_hours = "Måndag–fredag 08.00–16.30"
    unit.save()
    CrisisContact.objects.filter(name="Självmordslinjen").update(hours_en="Around the clock")
    send(member, topic_room, "jag vill inte leva längre")

    card = room_state.crisis_card_for(user=member, room=topic_room, at=MONDAY_MORNING)

    hours = {c["name"]: c["hours"] for c in card["contacts"]}
    assert hours == {
        "112": "",  # always open: the client says so in the reader's words
        "Självmordslinjen": "Around the clock",
        "1177 Vårdguiden": "",
        "Halmstads anhörigstöd": "Monday–Friday 08.00–16.30",
    }


@pytest.mark.django_db
def test_swedish_readers_keep_the_swedish_hours(member, topic_room, unit, send):
    send(member, topic_room, "jag vill inte leva längre")

    card = room_state.crisis_card_for(user=member, room=topic_room, at=MONDAY_MORNING)

    hours = {c["name"]: c["hours"] for c in card["contacts"]}
    assert hours == {
        "112": "Dygnet runt",
        "Självmordslinjen": "Dygnet runt",
        "1177 Vårdguiden": "Dygnet runt",
        "Halmstads anhörigstöd": "Måndag–fredag 08.00–16.30",
    }
