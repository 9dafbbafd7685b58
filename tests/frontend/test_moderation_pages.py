"""The moderator's item page, rendered by Django (the browser tests drive the live flows)."""

import pytest

from moderation.models import QueueItem
from moderation.services import reports
from tests.factories import GroupRoomFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_item_page_shows_reporters_notes_but_never_who_wrote_them(
    client, moderator, member, topic_room, send, municipalities
):
    reporter = UserFactory(display_name="Anmälaren Ada")
    sent = send(member, topic_room, "skriv ditt nummer här")
    reports.report_create(
        user=reporter, message_id=sent.message["id"], reason="harassment", note="Han tjatar i DM"
    )
    item = QueueItem.objects.get(message_id=sent.message["id"])
    client.force_login(moderator)

    page = client.get(f"/moderering/{item.pk}/").content.decode()

    assert "Han tjatar i DM" in page
    assert "Anmälaren Ada" not in page


def test_a_group_leader_sees_only_their_groups_history_on_the_item_page(
    client, member, other_member, send, municipalities
):
    mine, theirs = GroupRoomFactory(name="Vår grupp"), GroupRoomFactory(name="Deras grupp")
    leader = MembershipFactory(group=mine.group, role="moderator").user
    items = []
    for room in (mine, theirs):
        MembershipFactory(group=room.group, user=member)
        MembershipFactory(group=room.group, user=other_member)
        sent = send(member, room, "något")
        reports.report_create(user=other_member, message_id=sent.message["id"], reason="spam")
        items.append(QueueItem.objects.get(message_id=sent.message["id"]))
    client.force_login(leader)

    page = client.get(f"/moderering/{items[0].pk}/").content.decode()

    assert "Vår grupp" in page
    assert "Deras grupp" not in page


def test_the_item_page_writes_dates_in_the_readers_language(
    client, moderator, member, topic_room, send, municipalities
):
    from datetime import UTC, datetime

    from chat.models import Message

    reporter = UserFactory(display_name="Anmälaren Ada")
    sent = send(member, topic_room, "skriv ditt nummer här")
    Message.objects.filter(pk=sent.message["id"]).update(
        created_at=datetime(2026, 11, 3, 16, 5, tzinfo=UTC)
    )
    reports.report_create(user=reporter, message_id=sent.message["id"], reason="harassment")
    item = QueueItem.objects.get(message_id=sent.message["id"])
    client.force_login(moderator)

    swedish = client.get(f"/moderering/{item.pk}/", HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    english = client.get(f"/moderering/{item.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert ">3 november 17.05</time>" in swedish
    assert "Nov" not in swedish
    assert ">3 November 17.05</time>" in english
