"""A muted member is told where it matters: live, in the room payload, on the page after a
reload, and on a reconnect; the end time is Stockholm's, as members read it."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from channels.db import database_sync_to_async
from django.utils import timezone

from chat.models import Room
from moderation import room_state
from moderation.models import Sanction
from moderation.services import members
from tests.factories import MembershipFactory
from tests.ws import open_socket, receive_type, subscribe

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def mute(member, *, room=None, group=None, ends_at=None) -> Sanction:
    return Sanction.objects.create(
        user=member,
        kind=Sanction.Kind.MUTE,
        room=room,
        group=group,
        reason="internt skäl",
        ends_at=ends_at or timezone.now() + timedelta(minutes=30),
    )


def test_the_end_time_reads_as_members_read_it():
    at = datetime(2026, 12, 1, 9, 0, tzinfo=STOCKHOLM)

    today = room_state.until_text(datetime(2026, 12, 1, 13, 30, tzinfo=ZoneInfo("UTC")), at=at)
    later = room_state.until_text(datetime(2026, 12, 3, 13, 5, tzinfo=STOCKHOLM), at=at)

    assert today == "14.30"  # 13.30 UTC is 14.30 in Stockholm in winter
    assert later == "3 december 13.05"


@pytest.mark.django_db
def test_my_room_payload_carries_my_mute_in_the_room_or_its_group(
    member, other_member, topic_room, group_room, client
):
    MembershipFactory(group=group_room.group, user=member)
    MembershipFactory(group=group_room.group, user=other_member)
    in_room = mute(member, room=topic_room)
    in_group = mute(member, group=group_room.group, ends_at=timezone.now() + timedelta(days=2))

    client.force_login(member)
    mine = {r["id"]: r for r in client.get("/api/v1/rooms/").json()["results"]}
    client.force_login(other_member)
    theirs = {r["id"]: r for r in client.get("/api/v1/rooms/").json()["results"]}

    assert (mine[topic_room.pk]["muted"], mine[topic_room.pk]["muted_until"]) == (
        True,
        in_room.ends_at.isoformat(),
    )
    assert (mine[group_room.pk]["muted"], mine[group_room.pk]["muted_until"]) == (
        True,
        in_group.ends_at.isoformat(),
    )
    assert {(r["muted"], r["muted_until"]) for r in theirs.values()} == {(False, None)}


@pytest.mark.django_db
def test_an_ended_or_lifted_mute_is_not_in_the_payload(member, topic_room, client):
    mute(member, room=topic_room, ends_at=timezone.now() - timedelta(seconds=1))
    Sanction.objects.filter(pk=mute(member, room=topic_room).pk).update(lifted_at=timezone.now())

    client.force_login(member)
    [room] = client.get("/api/v1/rooms/").json()["results"]

    assert (room["muted"], room["muted_until"]) == (False, None)


@pytest.mark.django_db
def test_the_room_page_shows_the_banner_and_a_closed_composer_after_a_reload(
    member, topic_room, client
):
    member.preferred_language = "en"
    member.save()
    sanction = mute(member, room=topic_room)
    until = room_state.until_text(sanction.ends_at)

    client.force_login(member)
    html = client.get(f"/rum/{topic_room.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert f"You cannot write here until {until}." in html
    assert f'data-muted-until="{sanction.ends_at.isoformat()}"' in html
    assert "A moderator has paused your writing here for a while. You can still read." in html
    assert "disabled" in _tag(html, "chat-input")
    assert "disabled" in _tag(html, "chat-send")
    assert "internt skäl" not in html


@pytest.mark.django_db
def test_an_unmuted_member_sees_no_banner(member, topic_room, client):
    client.force_login(member)
    html = client.get(f"/rum/{topic_room.pk}/").content.decode()

    assert "hidden" in _tag(html, "chat-mute")
    assert "disabled" not in _tag(html, "chat-input")


@pytest.mark.django_db(transaction=True)
async def test_a_mute_and_its_lift_reach_my_open_room_live_and_a_reconnect_fresh(
    member, moderator, group_room
):
    group = group_room.group
    await database_sync_to_async(MembershipFactory)(group=group, user=member)
    other_room = await Room.objects.acreate(
        group=group, kind=Room.Kind.GROUP, slug="andra", name="Andra"
    )
    socket = await open_socket(member)
    await subscribe(socket, group_room.pk)

    sanction = await database_sync_to_async(members.member_mute)(
        user=moderator, member_id=member.pk, reason="internt", minutes=30, group_id=group.pk
    )
    first = await receive_type(socket, "room.updated")
    second = await receive_type(socket, "room.updated")
    resubscribed = await subscribe(socket, group_room.pk)
    await database_sync_to_async(members.sanction_lift)(
        user=moderator, sanction_id=sanction.pk, reason="klart"
    )
    lifted = await receive_type(socket, "room.updated", where=lambda f: f["room"] == group_room.pk)
    after = await subscribe(socket, group_room.pk)

    until = sanction.ends_at.isoformat()
    assert sorted([first, second], key=lambda f: f["room"]) == [
        {"type": "room.updated", "room": room, "muted": True, "muted_until": until}
        for room in sorted([group_room.pk, other_room.pk])
    ]
    assert (resubscribed["muted"], resubscribed["muted_until"]) == (True, until)
    assert lifted == {
        "type": "room.updated",
        "room": group_room.pk,
        "muted": False,
        "muted_until": None,
    }
    assert (after["muted"], after["muted_until"]) == (False, None)
    await socket.disconnect()


def _tag(html: str, element_id: str) -> str:
    at = html.index(f'id="{element_id}"')
    return html[html.rindex("<", 0, at) : html.index(">", at) + 1]
