"""POST /api/v1/talk-requests/{id}/conversation/: the municipality's carer-support staff
open a support conversation with the member who asked to talk."""

import pytest

from chat.models import Room
from community.models import Notification
from moderation.models import AuditEntry
from tests.factories import UserFactory
from tests.support.factories import TalkRequestFactory

pytestmark = pytest.mark.django_db


def url(talk_request_id) -> str:
    return f"/api/v1/talk-requests/{talk_request_id}/conversation/"


def snapshot() -> dict:
    return {
        "rooms": list(Room.objects.order_by("pk").values_list("pk", "kind", "member_id")),
        "audit": list(AuditEntry.objects.order_by("pk").values_list("pk", "action")),
        "notifications": Notification.objects.count(),
    }


@pytest.fixture
def talk_request(member, unit):
    return TalkRequestFactory(user=member, topic="Jag vill prata om mamma.")


def test_the_unit_opens_a_support_conversation_once(client_for, coordinator, member, talk_request):
    client = client_for(coordinator)

    first = client.post(url(talk_request.pk))
    again = client.post(url(talk_request.pk))

    assert (first.status_code, again.status_code) == (201, 200)
    room = Room.objects.get(kind="support")
    assert first.json()["id"] == again.json()["id"] == room.pk
    assert first.json()["kind"] == "support"
    assert (room.member_id, room.municipality_id) == (member.pk, talk_request.municipality_id)
    opened = AuditEntry.objects.filter(action="support.open")
    assert list(opened.values_list("actor_id", "target_id", "details")) == [
        (coordinator.pk, str(room.pk), {"member": member.pk, "talk_request": talk_request.pk})
    ]
    notes = Notification.objects.filter(user=member, kind="support_conversation")
    assert list(notes.values_list("url", flat=True)) == [f"/rum/{room.pk}/"]


def test_the_same_room_serves_a_queue_item_and_a_talk_request(
    client_for, coordinator, moderator, member, talk_request, topic_room, send
):
    from moderation.models import QueueItem

    item = QueueItem.objects.get(message_id=send(member, topic_room, "vill dö").message["id"])
    from_queue = client_for(moderator).post(f"/api/v1/moderation/queue/{item.pk}/conversation/")

    from_request = client_for(coordinator).post(url(talk_request.pk))

    assert (from_queue.status_code, from_request.status_code) == (201, 200)
    assert from_queue.json()["id"] == from_request.json()["id"]


@pytest.mark.parametrize(
    ("who", "status", "code"),
    [
        ("anonymous", 401, "not_signed_in"),
        ("owner", 403, "forbidden"),
        ("other_member", 404, "not_found"),
        ("goteborg_coordinator", 404, "not_found"),
        ("association_coordinator", 404, "not_found"),
        ("moderator", 404, "not_found"),  # talk requests stay with the municipality's unit
    ],
)
def test_others_are_refused_and_nothing_is_stored(
    request, client_for, talk_request, who, status, code
):
    user = {"anonymous": None, "owner": talk_request.user}.get(who) or (
        request.getfixturevalue(who) if who not in ("anonymous", "owner") else None
    )
    before = snapshot()

    response = client_for(user).post(url(talk_request.pk))

    assert (response.status_code, response.json()["code"]) == (status, code)
    assert snapshot() == before


def test_unknown_requests_are_not_found(client_for, coordinator, talk_request):
    before = snapshot()

    response = client_for(coordinator).post(url(999999))

    assert response.status_code == 404
    assert snapshot() == before


def test_a_request_of_someone_who_is_no_member_anymore_is_refused(
    client_for, coordinator, unit, municipalities
):
    gone = UserFactory(is_active=False)
    talk_request = TalkRequestFactory(user=gone)
    before = snapshot()

    response = client_for(coordinator).post(url(talk_request.pk))

    assert (response.status_code, response.json()["code"]) == (422, "invalid")
    assert snapshot() == before
