"""Meetup texts a member host writes pass the same screening as chat messages.

Block refuses (nothing stored); hold keeps the new text from peers until a moderator approves
the meetup's card in the room; crisis sends the author the card and queues urgently. Texts
written by staff (coordinators, moderators) are theirs to publish and are not screened."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from chat.models import Message
from groups.models import Meetup, Membership
from moderation.models import AuditEntry, QueueItem, WordRule
from moderation.services import messages as moderation_messages
from tests.factories import (
    CoordinatorFactory,
    GroupRoomFactory,
    MembershipFactory,
    ModeratorFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PHONE = r"\b07\d{8}\b"
TEXTS = {
    "clean": "Fika och prat",
    "block": "Fika med förbjudetord",
    "hold": "Ring mig på 0701234567",
    "crisis": "jag vill inte leva längre",
    "new_member_link": "Läs mer på https://example.com/x",
}


@pytest.fixture
def scene(municipalities, django_capture_on_commit_callbacks):
    for pattern, category, action in (
        ("förbjudetord", "abuse", "block"),
        (PHONE, "private_info", "hold"),
        ("vill inte leva", "crisis_self", "hold"),
    ):
        WordRule.objects.update_or_create(
            pattern=pattern,
            category=category,
            defaults={"action": action, "is_regex": pattern == PHONE, "is_active": True},
        )
    room = GroupRoomFactory(group__hold_links_days=7, group__min_age=13, group__max_age=30)
    host, peer = UserFactory(display_name="Värd"), UserFactory(display_name="Läsare")
    MembershipFactory(group=room.group, user=host, role=Membership.Role.HOST)
    MembershipFactory(group=room.group, user=peer)
    return room, host, peer


def fields(**changes) -> dict:
    starts = timezone.now() + timedelta(days=3)
    return {
        "title": "Torsdagsträff",
        "description": "Vi ses",
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=2)).isoformat(),
        "venue_name": "Biblioteket",
        "capacity": 10,
        **changes,
    }


def as_user(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def peer_view(peer, room) -> tuple[list[str], list[str]]:
    """The meetup titles and descriptions a peer sees, and the room's message bodies."""
    client = as_user(peer)
    meetups = client.get(f"/api/v1/meetups/?group={room.group_id}").json()["results"]
    messages = client.get(f"/api/v1/rooms/{room.pk}/messages/").json()["results"]
    return [f"{m['title']}|{m['description']}" for m in meetups], [m["body"] for m in messages]


def snapshot() -> dict:
    return {
        "meetups": list(Meetup.objects.values_list("pk", "title", "description", "sequence")),
        "messages": list(Message.objects.values_list("pk", "state", "body")),
        "queue": list(QueueItem.objects.values_list("pk", "priority")),
    }


def page_form(**changes) -> dict:
    starts = timezone.localtime(timezone.now() + timedelta(days=3))
    return {
        "title": "Torsdagsträff",
        "description": "Vi ses",
        "kind": "peer_meeting",
        "starts_at": starts.strftime("%Y-%m-%dT18:00"),
        "ends_at": starts.strftime("%Y-%m-%dT20:00"),
        "venue_name": "Biblioteket",
        "capacity": 10,
        "occurrences": 1,
        "recurrence": "",
        **changes,
    }


def create_meetup(path: str, host, room, description: str) -> tuple[int, str | None]:
    """Schedule through the API or the page: the status, and the error code if any."""
    if path == "api":
        response = as_user(host).post(
            "/api/v1/meetups/",
            {"group": room.group_id, **fields(description=description)},
            format="json",
        )
        code = response.json().get("code") if response.status_code >= 400 else None
        return response.status_code, code
    client = Client()
    client.force_login(host)
    response = client.post(
        f"/grupper/{room.group_id}/traffar/ny/", page_form(description=description)
    )
    refused = response.status_code == 200  # the form again, with the error
    return (422, "blocked_word") if refused else (201, None)


@pytest.mark.parametrize("path", ["api", "page"])
@pytest.mark.parametrize("case", list(TEXTS))
def test_a_member_hosts_new_meetup_is_screened(
    scene, case, path, django_capture_on_commit_callbacks
):
    room, host, peer = scene
    before = snapshot()

    with django_capture_on_commit_callbacks(execute=True):
        status, code = create_meetup(path, host, room, TEXTS[case])

    seen, bodies = peer_view(peer, room)
    if case == "block":
        assert (status, code) == (422, "blocked_word")
        assert snapshot() == before
        assert AuditEntry.objects.filter(action="rule.block").count() == 1
        return
    assert status == 201
    card = Message.objects.get(meetup__isnull=False)
    item = QueueItem.objects.filter(message=card).first()
    if case == "clean":
        assert card.state == "visible"
        assert item is None
        assert seen == ["Torsdagsträff|Fika och prat"]
        assert len(bodies) == 1
        return
    assert card.state == "held"
    assert item.priority == (
        QueueItem.Priority.URGENT if case == "crisis" else QueueItem.Priority.NORMAL
    )
    assert (seen, bodies) == ([], [])  # nothing of a held new meetup reaches peers

    # a moderator approves the card: the meetup is published
    with django_capture_on_commit_callbacks(execute=True):
        moderation_messages.message_approve(
            user=ModeratorFactory(), message_id=card.pk, reason="Ok"
        )
    seen, bodies = peer_view(peer, room)
    assert seen == [f"Torsdagsträff|{TEXTS[case]}"]
    assert len(bodies) == 1


@pytest.mark.parametrize("case", ["block", "hold", "crisis"])
def test_a_member_hosts_change_is_screened_and_peers_keep_the_approved_text(
    scene, case, django_capture_on_commit_callbacks
):
    room, host, peer = scene
    with django_capture_on_commit_callbacks(execute=True):
        created = as_user(host).post(
            "/api/v1/meetups/", {"group": room.group_id, **fields()}, format="json"
        )
    meetup_id = created.json()["results"][0]["id"]
    before = snapshot()

    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(host).patch(
            f"/api/v1/meetups/{meetup_id}/", {"title": TEXTS[case][:140]}, format="json"
        )

    seen, _bodies = peer_view(peer, room)
    if case == "block":
        assert (response.status_code, response.json()["code"]) == (422, "blocked_word")
        assert snapshot() == before
        return
    assert response.status_code == 200
    assert seen == ["Torsdagsträff|Vi ses"]
    card = Message.objects.filter(meetup_id=meetup_id).latest("seq")
    assert (card.state, QueueItem.objects.filter(message=card).exists()) == ("held", True)

    with django_capture_on_commit_callbacks(execute=True):
        moderation_messages.message_approve(
            user=ModeratorFactory(), message_id=card.pk, reason="Ok"
        )
    seen, _bodies = peer_view(peer, room)
    assert seen == [f"{TEXTS[case][:140]}|Vi ses"]


def test_a_crisis_phrase_in_a_meetup_text_sends_the_author_the_crisis_card(
    scene, monkeypatch, django_capture_on_commit_callbacks
):
    from chat import broadcast

    room, host, _peer = scene
    sent = []
    monkeypatch.setattr(broadcast, "_send", lambda group, event: sent.append((group, event)))

    with django_capture_on_commit_callbacks(execute=True):
        as_user(host).post(
            "/api/v1/meetups/",
            {"group": room.group_id, **fields(description=TEXTS["crisis"])},
            format="json",
        )

    notices = [
        json.loads(e["text"])
        for group, e in sent
        if group == broadcast.user_group(host.pk) and '"notice"' in e.get("text", "")
    ]
    assert [n["kind"] for n in notices] == ["crisis"]
    item = QueueItem.objects.get()
    assert (item.source, item.priority) == ("crisis", QueueItem.Priority.URGENT)


def test_the_page_refuses_a_blocked_meetup_text_with_a_form_error(scene):
    room, host, _peer = scene
    client = Client()
    client.force_login(host)
    starts = timezone.localtime(timezone.now() + timedelta(days=3))
    form = {
        "title": "Fika med förbjudetord",
        "kind": "peer_meeting",
        "starts_at": starts.strftime("%Y-%m-%dT18:00"),
        "ends_at": starts.strftime("%Y-%m-%dT20:00"),
        "venue_name": "Biblioteket",
        "capacity": 10,
        "occurrences": 1,
        "recurrence": "",
    }
    before = snapshot()

    refused = client.post(f"/grupper/{room.group_id}/traffar/ny/", form)
    assert refused.status_code == 200
    assert snapshot() == before

    accepted = client.post(f"/grupper/{room.group_id}/traffar/ny/", {**form, "title": "Fika"})
    assert accepted.status_code == 302
    assert list(Meetup.objects.values_list("title", flat=True)) == ["Fika"]


def test_staff_texts_are_not_screened(scene, django_capture_on_commit_callbacks):
    room, _host, peer = scene
    coordinator = CoordinatorFactory(organisation=room.group.organisation)

    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(coordinator).post(
            "/api/v1/meetups/",
            {"group": room.group_id, **fields(description=TEXTS["hold"])},
            format="json",
        )

    assert response.status_code == 201
    assert peer_view(peer, room)[0] == [f"Torsdagsträff|{TEXTS['hold']}"]
    assert QueueItem.objects.count() == 0


@pytest.mark.parametrize("case", ["clean", "block", "hold"])
def test_a_member_hosts_cancel_reason_is_screened(scene, case, django_capture_on_commit_callbacks):
    room, host, peer = scene
    with django_capture_on_commit_callbacks(execute=True):
        created = as_user(host).post(
            "/api/v1/meetups/", {"group": room.group_id, **fields()}, format="json"
        )
    meetup_id = created.json()["results"][0]["id"]
    before = snapshot()

    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(host).post(
            f"/api/v1/meetups/{meetup_id}/cancel/", {"reason": TEXTS[case]}, format="json"
        )

    meetup = Meetup.objects.get(pk=meetup_id)
    seen = as_user(peer).get(f"/api/v1/meetups/{meetup_id}/").json()
    bodies = peer_view(peer, room)[1]
    if case == "block":
        assert (response.status_code, response.json()["code"]) == (422, "blocked_word")
        assert snapshot() == before
        assert meetup.status == "scheduled"
        return
    # the cancellation always goes out: nobody should travel to a meetup that is off
    assert response.status_code == 200
    assert (meetup.status, seen["status"]) == ("cancelled", "cancelled")
    card = Message.objects.filter(meetup_id=meetup_id).latest("seq")
    assert card.state == "visible"
    if case == "clean":
        assert (seen["cancel_reason"], meetup.pending) == (TEXTS[case], None)
        assert TEXTS[case] in bodies[-1]
        assert not QueueItem.objects.filter(message=card).exists()
    else:  # the held reason is kept from peers, and moderators get the card to look at
        assert (seen["cancel_reason"], meetup.pending) == ("", {"cancel_reason": TEXTS[case]})
        assert all("0701234567" not in body for body in bodies)
        assert QueueItem.objects.filter(message=card).exists()
