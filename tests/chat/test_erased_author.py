"""After erasure, others' conversations stay readable and the author shows as "deleted member"
(Swedish: "borttagen medlem") on every transport: REST, the socket backlog, pages, admin."""

import pytest
from asgiref.sync import sync_to_async
from django.test import Client

from chat.models import Room
from community import erasure
from moderation.models import QueueItem
from moderation.services import reports
from tests.ws import open_socket, subscribe


@pytest.fixture
def erased_thread(member, other_member, topic_room, send):
    other_member.preferred_language = "en"
    other_member.save()
    send(other_member, topic_room, "Hur har ni det?")
    said = send(member, topic_room, "Det går bättre nu, tack")
    erasure.account_erase(user_id=member.pk)
    return said.message["id"]


def test_rest_shows_the_words_and_a_deleted_author(client, other_member, topic_room, erased_thread):
    client.force_login(other_member)

    response = client.get(f"/api/v1/rooms/{topic_room.pk}/messages/", HTTP_ACCEPT_LANGUAGE="en")

    found = {m["id"]: m for m in response.json()["results"]}
    assert found[erased_thread]["body"] == "Det går bättre nu, tack"
    assert found[erased_thread]["author"]["display_name"] == "deleted member"


@pytest.mark.django_db(transaction=True)
async def test_the_socket_backlog_shows_a_deleted_author(
    member, other_member, topic_room, municipalities
):
    # given (set up here: the fixture's on-commit sends need the sync test database)
    await sync_to_async(_erase_after_talking)(member, other_member, topic_room)
    socket = await open_socket(other_member)

    # when
    subscribed = await subscribe(socket, topic_room.pk)

    # then
    authors = [(m["body"], m["author"]["display_name"]) for m in subscribed["backlog"]]
    assert authors == [
        ("Hur har ni det?", other_member.display_name),
        ("Jag med", "deleted member"),
    ]
    await socket.disconnect()


def _erase_after_talking(member, other_member, topic_room):
    from chat import services

    other_member.preferred_language = "en"
    other_member.save()
    services.message_send(
        user=other_member, room_id=topic_room.pk, body="Hur har ni det?", client_id="a"
    )
    services.message_send(user=member, room_id=topic_room.pk, body="Jag med", client_id="b")
    erasure.account_erase(user_id=member.pk)


def test_the_room_page_shows_a_pinned_message_by_a_deleted_member(
    client, other_member, topic_room, erased_thread
):
    Room.objects.filter(pk=topic_room.pk).update(pinned_message_id=erased_thread)
    client.force_login(other_member)

    page = client.get(f"/rum/{topic_room.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "deleted member:</span>" in page
    assert "Det går bättre nu, tack" in page


def test_the_moderation_page_shows_a_deleted_author(
    client, moderator, member, other_member, topic_room, erased_thread
):
    reports.report_create(user=other_member, message_id=erased_thread, reason="spam")
    item = QueueItem.objects.get(message_id=erased_thread)
    client.force_login(moderator)

    page = client.get(f"/moderering/{item.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "<dd>deleted member</dd>" in page
    assert f"~{member.pk}" not in page


def test_the_admin_shows_a_deleted_member(member, erased_thread):
    from tests.factories import UserFactory

    admin = UserFactory(display_name="Admin", is_staff=True, is_superuser=True)
    browser = Client()
    browser.force_login(admin)

    page = browser.get(
        f"/admin/community/user/?q=erased-{member.pk}", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()

    assert '<th class="field-name"><a href="/admin/community/user/' in page
    assert ">deleted member</a></th>" in page
    assert f"~{member.pk}" not in page
