"""POST /api/v1/messages/{id}/report/: many reports make one queue item; risk comes first;
nobody learns who reported."""

import pytest
from rest_framework.test import APIClient

from chat.models import Message
from moderation.models import AuditEntry, QueueItem, Report
from tests.factories import GroupRoomFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

QUEUE = "/api/v1/moderation/queue/"


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def report(user, message_id: int, reason: str = "harassment", **extra):
    return client_for(user).post(
        f"/api/v1/messages/{message_id}/report/", {"reason": reason, **extra}
    )


@pytest.fixture
def message_id(member, topic_room, send):
    return send(member, topic_room, "Du är så dum").message["id"]


def test_a_report_makes_a_queue_item(other_member, message_id, topic_room):
    response = report(other_member, message_id, "harassment", note="Elakt mot mig")

    assert (response.status_code, response.json()) == (201, {"reported": True})
    item = QueueItem.objects.get()
    assert (
        item.message_id,
        item.room_id,
        item.status,
        item.source,
        item.priority,
        item.reports_count,
        item.reasons,
    ) == (message_id, topic_room.pk, "open", "report", 2, 1, ["harassment"])
    stored = Report.objects.get()
    assert (stored.reporter_id, stored.reason, stored.note) == (
        other_member.pk,
        "harassment",
        "Elakt mot mig",
    )


def test_two_reporters_make_one_item_with_count_two(other_member, message_id):
    third = UserFactory(display_name="Tredje")

    report(other_member, message_id, "spam")
    report(third, message_id, "hate")

    item = QueueItem.objects.get()
    assert (item.reports_count, item.reasons, item.priority) == (2, ["hate", "spam"], 1)


def test_the_same_reporter_twice_counts_once(other_member, message_id):
    first = report(other_member, message_id, "spam")
    second = report(other_member, message_id, "hate")

    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json() == second.json() == {"reported": True}
    item = QueueItem.objects.get()
    assert (item.reports_count, item.reasons) == (1, ["spam"])
    assert Report.objects.count() == 1


def test_self_harm_reports_come_first(member, other_member, moderator, topic_room, send):
    spam_id = send(member, topic_room, "Köp billiga saker").message["id"]
    risk_id = send(member, topic_room, "Jag orkar inte mer").message["id"]
    report(other_member, spam_id, "spam")
    report(other_member, risk_id, "self_harm")

    results = client_for(moderator).get(QUEUE).json()["results"]

    assert [(r["message"]["id"], r["priority"]) for r in results] == [(risk_id, 0), (spam_id, 2)]


def test_the_queue_never_names_who_reported(other_member, moderator, message_id, member):
    report(other_member, message_id, "harassment", note="Det var jag")

    response = client_for(moderator).get(QUEUE)
    [item] = response.json()["results"]

    assert set(item) == {
        "id",
        "status",
        "priority",
        "source",
        "count",
        "reasons",
        "rule",
        "auto_hidden",
        "room",
        "message",
        "created_at",
        "updated_at",
    }
    assert item["count"] == 1
    assert item["message"]["author"] == {"id": member.pk, "display_name": "Solros"}
    text = response.content.decode()
    for secret in (other_member.display_name, other_member.email, "Det var jag", "reporter"):
        assert secret not in text


def test_reporting_tells_the_reporter_nothing_about_counts(other_member, message_id):
    third = UserFactory(display_name="Tredje")
    report(third, message_id, "spam")

    response = report(other_member, message_id, "spam")

    assert response.json() == {"reported": True}


# --- refusals -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"reason": "boring"}, "reason"),
        ({}, "reason"),
        ({"reason": None}, "reason"),
        ({"reason": "spam", "note": "x" * 1001}, "note"),
        ({"reason": "spam", "note": ["a"]}, "note"),
    ],
    ids=["unknown-reason", "no-reason", "null-reason", "note-too-long", "note-a-list"],
)
def test_bad_reports_are_invalid_and_store_nothing(other_member, message_id, body, field):
    response = client_for(other_member).post(f"/api/v1/messages/{message_id}/report/", body)

    assert response.status_code == 400
    assert (response.json()["code"], list(response.json()["fields"])) == ("invalid", [field])
    assert not Report.objects.exists()
    assert not QueueItem.objects.exists()


def test_a_message_in_a_room_i_cannot_read_is_not_found(other_member, municipalities, send):
    room = GroupRoomFactory(name="Stängd grupp")
    author = UserFactory(display_name="Insider")
    MembershipFactory(group=room.group, user=author)
    hidden_id = send(author, room, "Bara för gruppen").message["id"]

    response = report(other_member, hidden_id)

    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    assert not Report.objects.exists()


def test_a_hidden_message_cannot_be_reported_by_others(other_member, message_id):
    Message.objects.filter(pk=message_id).update(state=Message.State.HIDDEN)

    response = report(other_member, message_id)

    assert response.status_code == 404
    assert not QueueItem.objects.exists()


def test_a_missing_message_is_not_found(other_member, message_id):
    response = report(other_member, message_id + 1000)

    assert response.status_code == 404
    assert not Report.objects.exists()


def test_reporting_needs_sign_in(message_id):
    response = APIClient().post(f"/api/v1/messages/{message_id}/report/", {"reason": "spam"})

    assert (response.status_code, response.json()["code"]) == (401, "not_signed_in")
    assert not Report.objects.exists()


def test_a_report_writes_no_audit_line_of_its_own(other_member, message_id):
    report(other_member, message_id)

    assert not AuditEntry.objects.exists()
