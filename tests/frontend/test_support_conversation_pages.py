"""Staff open a support conversation from the item page and the talk-request page; the
member finds it in their room list with its own look."""

import pytest

from chat.models import Room
from moderation.models import AuditEntry, QueueItem
from tests.support.factories import TalkRequestFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def crisis_item(member, topic_room, send) -> QueueItem:
    return QueueItem.objects.get(message_id=send(member, topic_room, "jag vill dö").message["id"])


def test_the_item_page_offers_a_support_conversation(client, moderator, crisis_item):
    client.force_login(moderator)

    page = client.get(f"/moderering/{crisis_item.pk}/").content.decode()

    assert f'action="/moderering/{crisis_item.pk}/stodsamtal/"' in page


def test_the_button_opens_the_room_and_leads_there(client, moderator, member, crisis_item):
    client.force_login(moderator)

    first = client.post(f"/moderering/{crisis_item.pk}/stodsamtal/")
    again = client.post(f"/moderering/{crisis_item.pk}/stodsamtal/")

    room = Room.objects.get(kind="support")
    assert room.member_id == member.pk
    assert (first.status_code, first["Location"]) == (302, f"/rum/{room.pk}/")
    assert (again.status_code, again["Location"]) == (302, f"/rum/{room.pk}/")
    assert AuditEntry.objects.filter(action="support.open").count() == 1


def test_a_member_cannot_use_the_button(client, other_member, crisis_item):
    client.force_login(other_member)

    response = client.post(f"/moderering/{crisis_item.pk}/stodsamtal/")

    assert response.status_code == 404
    assert Room.objects.filter(kind="support").count() == 0


def test_the_talk_request_page_opens_a_support_conversation(client, coordinator, member):
    talk_request = TalkRequestFactory(user=member)
    client.force_login(coordinator)

    page = client.get("/samordning/samtal/").content.decode()
    response = client.post(f"/samordning/samtal/{talk_request.pk}/stodsamtal/")

    assert f'action="/samordning/samtal/{talk_request.pk}/stodsamtal/"' in page
    room = Room.objects.get(kind="support")
    assert (response.status_code, response["Location"]) == (302, f"/rum/{room.pk}/")


def test_the_member_finds_it_in_their_room_list_and_it_opens(
    client, moderator, member, crisis_item
):
    client.force_login(moderator)
    client.post(f"/moderering/{crisis_item.pk}/stodsamtal/")
    room = Room.objects.get(kind="support")
    client.force_login(member)

    rooms_page = client.get("/rum/").content.decode()
    room_page = client.get(f"/rum/{room.pk}/")

    assert "room-card--support" in rooms_page
    assert f'href="/rum/{room.pk}/"' in rooms_page
    assert room_page.status_code == 200
    assert 'data-room-kind="support"' in room_page.content.decode()


def test_the_room_tells_the_member_who_reads_it(client, moderator, member, crisis_item):
    from django.utils import translation

    client.force_login(moderator)
    client.post(f"/moderering/{crisis_item.pk}/stodsamtal/")
    room = Room.objects.get(kind="support")
    member.preferred_language = "en"
    member.save()
    client.force_login(member)

    with translation.override("en"):
        page = client.get(f"/rum/{room.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Every message is logged" in page
    assert "Everyone here looks after someone close to them" not in page
