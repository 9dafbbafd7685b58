"""GET /api/v1/moderation/queue/ and /queue/{id}/, and a member's history for moderators."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from chat.models import Message
from moderation.models import QueueItem
from moderation.services import members, reports
from tests.factories import GroupRoomFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

QUEUE = "/api/v1/moderation/queue/"


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def reported(reporter, message_id: int, reason: str = "spam") -> QueueItem:
    reports.report_create(user=reporter, message_id=message_id, reason=reason)
    return QueueItem.objects.get(message_id=message_id)


@pytest.fixture
def group_moderator(group_room):
    user = UserFactory(display_name="Gruppmoderator Greta")
    MembershipFactory(group=group_room.group, user=user, role="moderator")
    return user


@pytest.fixture
def two_groups(member, other_member, group_room, municipalities, send):
    """One reported message in ``group_room`` and one in another group's room."""
    other_room = GroupRoomFactory(name="Annan grupp")
    for room in (group_room, other_room):
        MembershipFactory(group=room.group, user=member)
        MembershipFactory(group=room.group, user=other_member)
    mine = reported(other_member, send(member, group_room, "Här").message["id"])
    theirs = reported(other_member, send(member, other_room, "Där").message["id"])
    return mine, theirs


# --- the list -----------------------------------------------------------------------------


def test_moderators_see_open_items_with_the_message(
    moderator, member, other_member, topic_room, send
):
    sent = send(member, topic_room, "Titta på det här")
    item = reported(other_member, sent.message["id"], "private_info")

    response = client_for(moderator).get(QUEUE)

    assert response.status_code == 200
    assert response.json() == {
        "results": [
            {
                "id": item.pk,
                "status": "open",
                "priority": 1,
                "source": "report",
                "count": 1,
                "reasons": ["private_info"],
                "rule": "",
                "auto_hidden": False,
                "room": {"id": topic_room.pk, "name": "Att vara ung anhörig"},
                "message": {**sent.message, "actions": ["reply", "react", "report", "hide", "pin"]},
                "created_at": item.created_at.isoformat(),
                "updated_at": item.updated_at.isoformat(),
            }
        ],
        "next": None,
    }


def test_coordinators_see_their_organisations_groups_in_the_queue(
    coordinator, member, other_member, topic_room, send
):
    hosted = GroupRoomFactory(slug="var-grupp", group__organisation=coordinator.organisation)
    elsewhere = GroupRoomFactory(slug="annan-grupp")
    for room in (hosted, elsewhere):
        MembershipFactory(group=room.group, user=member)
        MembershipFactory(group=room.group, user=other_member)
    ours = reported(other_member, send(member, hosted).message["id"])
    reported(other_member, send(member, elsewhere).message["id"])
    reported(other_member, send(member, topic_room).message["id"])

    results = client_for(coordinator).get(QUEUE).json()["results"]

    assert [r["id"] for r in results] == [ours.pk]


def test_the_queue_filters_by_status_priority_and_room(
    moderator, member, other_member, topic_room, send, settings
):
    settings.CHAT_SEND_LIMIT = 100
    risk = reported(other_member, send(member, topic_room, "ett").message["id"], "self_harm")
    spam = reported(other_member, send(member, topic_room, "två").message["id"], "spam")
    done = reported(other_member, send(member, topic_room, "tre").message["id"], "hate")
    reports.queue_item_resolve(user=moderator, item_id=done.pk, status="dismissed", reason="OK")
    api = client_for(moderator)

    def ids(**query):
        response = api.get(QUEUE, query)
        assert response.status_code == 200
        return [r["id"] for r in response.json()["results"]]

    assert ids() == [risk.pk, spam.pk]
    assert ids(status="dismissed") == [done.pk]
    assert ids(status="actioned") == []
    assert ids(priority=2) == [spam.pk]
    assert ids(priority=0) == [risk.pk]
    assert ids(room=topic_room.pk) == [risk.pk, spam.pk]
    assert ids(room=topic_room.pk + 1000) == []


def test_the_queue_pages_with_a_keyset_cursor(
    moderator, member, other_member, topic_room, send, settings
):
    settings.CHAT_SEND_LIMIT = 100
    reasons = ["spam", "self_harm", "spam", "hate", "spam"]
    items = [
        reported(other_member, send(member, topic_room, f"nr {n}").message["id"], reason)
        for n, reason in enumerate(reasons)
    ]
    same_moment = timezone.now() - timedelta(minutes=5)
    QueueItem.objects.filter(pk__in=[items[0].pk, items[2].pk]).update(created_at=same_moment)
    api = client_for(moderator)

    first = api.get(QUEUE, {"limit": 2}).json()
    second = api.get(f"{QUEUE}?{first['next']}").json()
    third = api.get(f"{QUEUE}?{second['next']}").json()

    order = [items[1], items[3], items[0], items[2], items[4]]  # priority, then oldest, then id
    assert [r["id"] for r in first["results"]] == [order[0].pk, order[1].pk]
    assert [r["id"] for r in second["results"]] == [order[2].pk, order[3].pk]
    assert [r["id"] for r in third["results"]] == [order[4].pk]
    assert third["next"] is None
    assert "limit=2" in first["next"]


def test_group_moderators_see_only_their_groups_rooms(group_moderator, two_groups):
    mine, _theirs = two_groups

    results = client_for(group_moderator).get(QUEUE).json()["results"]

    assert [r["id"] for r in results] == [mine.pk]


def test_platform_moderators_see_every_group(moderator, two_groups):
    mine, theirs = two_groups

    results = client_for(moderator).get(QUEUE).json()["results"]

    assert sorted(r["id"] for r in results) == sorted([mine.pk, theirs.pk])


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"status": "closed"}, "status"),
        ({"priority": "3"}, "priority"),
        ({"priority": "urgent"}, "priority"),
        ({"room": "abc"}, "room"),
        ({"room": "0"}, "room"),
        ({"limit": "101"}, "limit"),
        ({"limit": "0"}, "limit"),
        ({"after": "garbage"}, "after"),
        ({"after": "1_2026-01-01T00:00:00_x"}, "after"),
        ({"after": "1_2026-01-01T00:00:00_5"}, "after"),  # no time zone
    ],
    ids=[
        "unknown-status",
        "priority-3",
        "priority-word",
        "room-word",
        "room-zero",
        "limit-over-100",
        "limit-zero",
        "cursor-garbage",
        "cursor-bad-id",
        "cursor-naive-time",
    ],
)
def test_bad_queue_queries_are_invalid(moderator, query, field):
    response = client_for(moderator).get(QUEUE, query)

    assert response.status_code == 400
    assert (response.json()["code"], list(response.json()["fields"])) == ("invalid", [field])


def test_members_may_not_see_the_queue(member_api):
    response = member_api.get(QUEUE)

    assert (response.status_code, response.json()["code"]) == (403, "forbidden")


def test_the_queue_needs_sign_in(api):
    assert api.get(QUEUE).status_code == 401


# --- one item -----------------------------------------------------------------------------


def test_an_item_comes_with_its_context_and_the_authors_history(
    moderator, member, other_member, topic_room, send, settings
):
    settings.CHAT_SEND_LIMIT = 100
    sent = [send(other_member if n % 2 else member, topic_room, f"nr {n}") for n in range(1, 9)]
    target = sent[3].message  # seq 4, by member
    item = reported(other_member, target["id"], "harassment")
    warning = members.member_warn(
        user=moderator, member_id=member.pk, reason="Tänk på tonen", room_id=topic_room.pk
    )

    response = client_for(moderator).get(f"{QUEUE}{item.pk}/")

    assert response.status_code == 200
    body = response.json()
    assert body["item"]["id"] == item.pk
    assert [m["seq"] for m in body["context"]] == [
        1,
        2,
        3,
        4,
        5,
        6,
        7,
        8,
    ]  # four before, all four after
    assert body["context"][3] == {
        **target,
        "actions": ["reply", "react", "report", "hide", "pin"],
    }
    assert body["history"] == {
        "reports": [
            {
                "queue_item": item.pk,
                "room": "Att vara ung anhörig",
                "count": 1,
                "reasons": ["harassment"],
                "status": "open",
                "created_at": item.created_at.isoformat(),
            }
        ],
        "sanctions": [
            {
                "id": warning.pk,
                "kind": "warning",
                "room": topic_room.pk,
                "group": None,
                "reason": "Tänk på tonen",
                "starts_at": warning.starts_at.isoformat(),
                "ends_at": None,
                "lifted_at": None,
            }
        ],
    }


def test_an_item_shows_what_reporters_wrote_but_never_who(
    moderator, member, other_member, topic_room, send, municipalities
):
    third = UserFactory(display_name="Tredje Tora")
    target = send(member, topic_room, "ge mig ditt nummer")
    reports.report_create(
        user=other_member, message_id=target.message["id"], reason="private_info", note=""
    )
    reports.report_create(
        user=third, message_id=target.message["id"], reason="harassment", note="Han skriver så i DM"
    )
    item = QueueItem.objects.get(message_id=target.message["id"])

    body = client_for(moderator).get(f"{QUEUE}{item.pk}/").json()

    assert [(n["reason"], n["note"]) for n in body["notes"]] == [
        ("harassment", "Han skriver så i DM")
    ]
    assert set(body["notes"][0]) == {"reason", "note", "created_at"}  # no reporter
    assert "Tredje" not in str(body)


def test_an_item_shows_held_and_hidden_messages_around_it(
    moderator, member, other_member, topic_room, send
):
    before = send(other_member, topic_room, "hemligt")
    Message.objects.filter(pk=before.message["id"]).update(state=Message.State.HIDDEN)
    item = reported(other_member, send(member, topic_room, "rapporterat").message["id"])

    context = client_for(moderator).get(f"{QUEUE}{item.pk}/").json()["context"]

    assert [(m["body"], m["state"]) for m in context] == [
        ("hemligt", "hidden"),
        ("rapporterat", "visible"),
    ]


def test_another_groups_item_is_not_found_for_a_group_moderator(group_moderator, two_groups):
    mine, theirs = two_groups
    api = client_for(group_moderator)

    assert api.get(f"{QUEUE}{mine.pk}/").status_code == 200
    response = api.get(f"{QUEUE}{theirs.pk}/")
    assert (response.status_code, response.json()["code"]) == (404, "not_found")


def test_a_missing_item_is_not_found(moderator):
    response = client_for(moderator).get(f"{QUEUE}999999/")

    assert (response.status_code, response.json()["code"]) == (404, "not_found")


def test_members_may_not_see_an_item(member_api, other_member, member, topic_room, send):
    item = reported(other_member, send(member, topic_room).message["id"])

    response = member_api.get(f"{QUEUE}{item.pk}/")

    assert (response.status_code, response.json()["code"]) == (403, "forbidden")


# --- a member's history -------------------------------------------------------------------


def test_moderators_see_a_members_history(moderator, member, topic_room):
    mute = members.member_mute(
        user=moderator, member_id=member.pk, reason="Paus", minutes=10, room_id=topic_room.pk
    )

    response = client_for(moderator).get(f"/api/v1/moderation/members/{member.pk}/")

    assert response.status_code == 200
    assert response.json() == {
        "reports": [],
        "sanctions": [
            {
                "id": mute.pk,
                "kind": "mute",
                "room": topic_room.pk,
                "group": None,
                "reason": "Paus",
                "starts_at": mute.starts_at.isoformat(),
                "ends_at": mute.ends_at.isoformat(),
                "lifted_at": None,
            }
        ],
    }


def test_a_members_history_is_for_moderators_only(member_api, other_member):
    response = member_api.get(f"/api/v1/moderation/members/{other_member.pk}/")

    assert (response.status_code, response.json()["code"]) == (403, "forbidden")


def test_an_unknown_member_is_not_found(moderator):
    response = client_for(moderator).get("/api/v1/moderation/members/999999/")

    assert (response.status_code, response.json()["code"]) == (404, "not_found")
