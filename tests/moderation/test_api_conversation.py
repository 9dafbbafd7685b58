"""POST /api/v1/moderation/queue/{item_id}/conversation/: staff open a support conversation
with the author of a queue item."""

import pytest
from django.utils import translation
from rest_framework.test import APIClient

from chat.models import Room
from community.models import Notification, Organisation
from moderation.models import AuditEntry, QueueItem
from tests.factories import (
    CoordinatorFactory,
    GroupRoomFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    municipality,
)

pytestmark = pytest.mark.django_db


def client_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def url(item_id) -> str:
    return f"/api/v1/moderation/queue/{item_id}/conversation/"


def snapshot() -> dict:
    return {
        "rooms": list(Room.objects.order_by("pk").values_list("pk", "kind", "member_id")),
        "audit": list(AuditEntry.objects.order_by("pk").values_list("pk", "action")),
        "notifications": Notification.objects.count(),
    }


@pytest.fixture
def crisis_item(member, topic_room, send) -> QueueItem:
    """A member's crisis message, caught by a starter rule: an urgent item."""
    sent = send(member, topic_room, "Jag vill dö ikväll").message
    item = QueueItem.objects.get(message_id=sent["id"])
    assert item.priority == QueueItem.Priority.URGENT
    return item


def test_a_moderator_opens_a_support_conversation_once(moderator, member, crisis_item):
    client = client_for(moderator)

    first = client.post(url(crisis_item.pk))
    again = client.post(url(crisis_item.pk))

    assert first.status_code == 201
    assert again.status_code == 200
    room = Room.objects.get(kind="support")
    body = first.json()
    assert body["id"] == room.pk == again.json()["id"]
    assert body["kind"] == "support"
    assert body["can_post"] is True
    assert (room.member_id, room.municipality_id) == (member.pk, member.municipality_id)
    opened = AuditEntry.objects.filter(action="support.open")
    assert list(opened.values_list("actor_id", "target_type", "target_id", "room_id")) == [
        (moderator.pk, "room", str(room.pk), room.pk)
    ]
    notes = Notification.objects.filter(user=member, kind="support_conversation")
    assert list(notes.values_list("url", flat=True)) == [f"/rum/{room.pk}/"]


def test_the_notification_is_neutral(member, moderator, crisis_item):
    member.preferred_language = "en"
    member.save()

    client_for(moderator).post(url(crisis_item.pk))

    note = Notification.objects.get(user=member, kind="support_conversation")
    with translation.override("en"):
        assert note.title == "A support conversation is open for you"
        assert "crisis" not in note.body.lower()


def test_the_member_sees_the_room_in_their_list(member, member_api, moderator, crisis_item):
    room_id = client_for(moderator).post(url(crisis_item.pk)).json()["id"]

    rooms = member_api.get("/api/v1/rooms/").json()["results"]

    support = [r for r in rooms if r["kind"] == "support"]
    assert [r["id"] for r in support] == [room_id]


def test_a_unit_coordinator_opens_from_their_groups_item(member, send, municipalities):
    unit = OrganisationFactory(municipality=municipality("1380"))
    coordinator = CoordinatorFactory(organisation=unit)
    room = GroupRoomFactory(group__organisation=unit)
    MembershipFactory(group=room.group, user=member)
    item = QueueItem.objects.get(message_id=send(member, room, "jag vill dö").message["id"])

    response = client_for(coordinator).post(url(item.pk))

    assert response.status_code == 201
    assert Room.objects.get(pk=response.json()["id"]).member_id == member.pk


def test_an_association_coordinator_who_sees_the_item_may_not_open(member, send, municipalities):
    association = OrganisationFactory(
        municipality=municipality("1380"), kind=Organisation.Kind.ASSOCIATION
    )
    coordinator = CoordinatorFactory(organisation=association)
    room = GroupRoomFactory(group__organisation=association)
    MembershipFactory(group=room.group, user=member)
    item = QueueItem.objects.get(message_id=send(member, room, "jag vill dö").message["id"])
    before = snapshot()

    response = client_for(coordinator).post(url(item.pk))

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert snapshot() == before


@pytest.mark.parametrize(
    ("who", "status", "code"),
    [
        ("signed_out", 401, "not_signed_in"),
        ("member", 403, "forbidden"),
        ("other_member", 403, "forbidden"),
        ("coordinator", 404, "not_found"),  # a topic room's item is platform moderators'
    ],
)
def test_others_are_refused_and_nothing_is_stored(request, crisis_item, who, status, code):
    user = None if who == "signed_out" else request.getfixturevalue(who)
    before = snapshot()

    response = client_for(user).post(url(crisis_item.pk))

    assert (response.status_code, response.json()["code"]) == (status, code)
    assert snapshot() == before


@pytest.mark.parametrize("item_id", ["999999", "0", "abc"])
def test_unknown_items_are_not_found(moderator, crisis_item, item_id):
    before = snapshot()

    response = client_for(moderator).post(url(item_id))

    assert response.status_code == 404
    assert snapshot() == before


def test_a_staff_author_gets_no_support_room(moderator, topic_room, send, municipalities):
    staff = CoordinatorFactory()
    sent = send(staff, topic_room, "jag vill dö").message
    item = QueueItem.objects.filter(message_id=sent["id"]).first()
    assert item is not None
    before = snapshot()

    response = client_for(moderator).post(url(item.pk))

    assert (response.status_code, response.json()["code"]) == (422, "invalid")
    assert snapshot() == before


def test_member_without_a_municipality_gets_a_room_with_platform_moderators(
    moderator, topic_room, send, municipalities
):
    member = UserFactory(municipality=None)
    item = QueueItem.objects.get(message_id=send(member, topic_room, "vill dö").message["id"])

    first = client_for(moderator).post(url(item.pk))
    again = client_for(moderator).post(url(item.pk))

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]


def test_a_crisis_inside_the_conversation_reaches_the_units_queue(
    moderator, member, crisis_item, send, municipalities
):
    unit = CoordinatorFactory(organisation=OrganisationFactory(municipality=municipality("1380")))
    elsewhere = CoordinatorFactory(
        organisation=OrganisationFactory(municipality=municipality("1480"))
    )
    room = Room.objects.get(pk=client_for(moderator).post(url(crisis_item.pk)).json()["id"])

    sent = send(member, room, "jag vill dö").message

    item = QueueItem.objects.get(message_id=sent["id"])
    listed = client_for(unit).get("/api/v1/moderation/queue/").json()["results"]
    assert [i["id"] for i in listed] == [item.pk]
    assert client_for(elsewhere).get("/api/v1/moderation/queue/").json()["results"] == []
    assert client_for(unit).get(f"/api/v1/moderation/queue/{item.pk}/").status_code == 200


def test_the_units_coordinators_read_the_conversations_log(
    moderator, member, crisis_item, send, municipalities
):
    unit = CoordinatorFactory(organisation=OrganisationFactory(municipality=municipality("1380")))
    elsewhere = CoordinatorFactory(
        organisation=OrganisationFactory(municipality=municipality("1480"))
    )
    room = Room.objects.get(pk=client_for(moderator).post(url(crisis_item.pk)).json()["id"])
    send(member, room, "Hej, tack")

    def actions(user):
        results = client_for(user).get("/api/v1/moderation/audit/").json()["results"]
        return sorted(e["action"] for e in results if e["room"] == room.pk)

    assert actions(unit) == ["support.message", "support.open"]
    assert actions(elsewhere) == []
