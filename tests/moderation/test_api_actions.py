"""POST /api/v1/moderation/actions/: one endpoint, one service per action, one audit line."""

from dataclasses import dataclass
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from chat.models import Message, Room
from community.models import User
from groups.models import Membership
from moderation import api
from moderation import serializers as s
from moderation.models import AuditEntry, QueueItem, Sanction
from moderation.services import members, reports
from tests.factories import GroupRoomFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/moderation/actions/"


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def scene(member, other_member, moderator, topic_room, group_room, send):
    """A message by ``member`` in a topic room, and ``member`` in a peer group."""
    MembershipFactory(group=group_room.group, user=member)
    sent = send(member, topic_room, "Något att titta på")
    return SimpleNamespace(
        member=member,
        reporter=other_member,
        moderator=moderator,
        room=topic_room,
        group=group_room.group,
        message=Message.objects.get(pk=sent.message["id"]),
    )


def snapshot(scene) -> dict:
    """Everything an action could change, to prove a refused one changed nothing."""
    message = Message.objects.get(pk=scene.message.pk)
    room = Room.objects.get(pk=scene.room.pk)
    return {
        "message": (message.state, message.body),
        "room": (room.is_locked, room.slow_mode_seconds, room.pinned_message_id),
        "sanctions": list(Sanction.objects.order_by("pk").values_list("pk", "kind", "lifted_at")),
        "memberships": list(
            Membership.objects.order_by("pk").values_list("user_id", "group_id", "status")
        ),
        "active": User.objects.get(pk=scene.member.pk).is_active,
        "queue": list(QueueItem.objects.order_by("pk").values_list("pk", "status")),
        "audit": AuditEntry.objects.count(),
    }


# --- every action through the endpoint ----------------------------------------------------


@dataclass(frozen=True)
class Case:
    arrange: object  # scene -> request fields (besides action and reason)
    check: object  # scene -> the changed value to compare with ``expected``
    expected: object
    audit_action: str
    target: object  # scene -> (target_type, target_id)


def _message(sc):
    return Message.objects.get(pk=sc.message.pk)


def _room(sc):
    return Room.objects.get(pk=sc.room.pk)


def _set_message(state):
    def arrange(sc):
        Message.objects.filter(pk=sc.message.pk).update(state=state)
        return {"message": sc.message.pk}

    return arrange


def _pinned(sc):
    Room.objects.filter(pk=sc.room.pk).update(pinned_message=sc.message)
    return {"message": sc.message.pk}


def _locked(sc):
    Room.objects.filter(pk=sc.room.pk).update(is_locked=True)
    return {"room": sc.room.pk}


def _sanction(sc):
    return Sanction.objects.filter(user=sc.member).latest("pk")


def _existing(make):
    def arrange(sc):
        sc.sanction = make(sc)
        return {"sanction": sc.sanction.pk}

    return arrange


def _mute_first(sc):
    return members.member_mute(
        user=sc.moderator, member_id=sc.member.pk, reason="Först", minutes=60, room_id=sc.room.pk
    )


def _ban_first(sc):
    return members.member_ban(
        user=sc.moderator, member_id=sc.member.pk, group_id=sc.group.pk, reason="Först"
    )


def _suspend_first(sc):
    return members.member_suspend(user=sc.moderator, member_id=sc.member.pk, reason="Först")


def _reported(sc):
    report = reports.report_create(user=sc.reporter, message_id=sc.message.pk, reason="spam")
    sc.item = QueueItem.objects.get(message_id=report.message_id)
    return {"item": sc.item.pk, "status": "dismissed"}


def _membership_status(sc):
    return Membership.objects.get(user=sc.member, group=sc.group).status


def _message_target(sc):
    return ("message", str(sc.message.pk))


def _room_target(sc):
    return ("room", str(sc.room.pk))


def _sanction_target(sc):
    return ("sanction", str(_sanction(sc).pk))


CASES = {
    "hide": Case(
        lambda sc: {"message": sc.message.pk},
        lambda sc: _message(sc).state,
        "hidden",
        "message.hide",
        _message_target,
    ),
    "unhide": Case(
        _set_message(Message.State.HIDDEN),
        lambda sc: _message(sc).state,
        "visible",
        "message.unhide",
        _message_target,
    ),
    "approve": Case(
        _set_message(Message.State.HELD),
        lambda sc: _message(sc).state,
        "visible",
        "message.approve",
        _message_target,
    ),
    "delete": Case(
        lambda sc: {"message": sc.message.pk},
        lambda sc: (_message(sc).state, _message(sc).body),
        ("deleted", ""),
        "message.delete",
        _message_target,
    ),
    "pin": Case(
        lambda sc: {"message": sc.message.pk},
        lambda sc: _room(sc).pinned_message_id == sc.message.pk,
        True,
        "message.pin",
        _message_target,
    ),
    "unpin": Case(
        _pinned, lambda sc: _room(sc).pinned_message_id, None, "message.unpin", _message_target
    ),
    "warn": Case(
        lambda sc: {"member": sc.member.pk, "room": sc.room.pk},
        lambda sc: (_sanction(sc).kind, _sanction(sc).room_id == sc.room.pk),
        ("warning", True),
        "member.warn",
        _sanction_target,
    ),
    "mute": Case(
        lambda sc: {"member": sc.member.pk, "room": sc.room.pk, "minutes": 30},
        lambda sc: (
            _sanction(sc).kind,
            timedelta(minutes=29) < _sanction(sc).ends_at - timezone.now() <= timedelta(minutes=30),
        ),
        ("mute", True),
        "member.mute",
        _sanction_target,
    ),
    "unmute": Case(
        _existing(_mute_first),
        lambda sc: _sanction(sc).lifted_at is not None,
        True,
        "member.unmute",
        _sanction_target,
    ),
    "ban": Case(
        lambda sc: {"member": sc.member.pk, "group": sc.group.pk},
        _membership_status,
        "banned",
        "member.ban",
        _sanction_target,
    ),
    "unban": Case(
        _existing(_ban_first),
        lambda sc: (_membership_status(sc), _sanction(sc).lifted_at is not None),
        ("left", True),
        "member.unban",
        _sanction_target,
    ),
    "suspend": Case(
        lambda sc: {"member": sc.member.pk},
        lambda sc: User.objects.get(pk=sc.member.pk).is_active,
        False,
        "member.suspend",
        _sanction_target,
    ),
    "unsuspend": Case(
        _existing(_suspend_first),
        lambda sc: User.objects.get(pk=sc.member.pk).is_active,
        True,
        "member.unsuspend",
        _sanction_target,
    ),
    "lock": Case(
        lambda sc: {"room": sc.room.pk},
        lambda sc: _room(sc).is_locked,
        True,
        "room.lock",
        _room_target,
    ),
    "unlock": Case(_locked, lambda sc: _room(sc).is_locked, False, "room.unlock", _room_target),
    "slow_mode": Case(
        lambda sc: {"room": sc.room.pk, "seconds": 30},
        lambda sc: _room(sc).slow_mode_seconds,
        30,
        "room.slow_mode",
        _room_target,
    ),
    "resolve": Case(
        _reported,
        lambda sc: (
            QueueItem.objects.values_list("status", "resolved_by_id").get(pk=sc.item.pk)
            == ("dismissed", sc.moderator.pk)
        ),
        True,
        "queue.dismissed",
        lambda sc: ("queueitem", str(sc.item.pk)),
    ),
}


def test_every_action_has_a_case_and_one_handler():
    assert set(CASES) == set(s.ACTION_FIELDS) == set(api.ACTIONS)


@pytest.mark.parametrize("action", list(CASES))
def test_each_action_changes_its_target_and_writes_one_audit_line(scene, action):
    case = CASES[action]
    fields = case.arrange(scene)
    before = set(AuditEntry.objects.values_list("pk", flat=True))

    response = client_for(scene.moderator).post(
        URL, {"action": action, "reason": "  Bryter mot reglerna  ", **fields}
    )

    assert response.status_code == 200, response.json()
    assert (response.json()["action"], response.json()["ok"]) == (action, True)
    assert case.check(scene) == case.expected
    [entry] = AuditEntry.objects.exclude(pk__in=before)
    assert (entry.actor_id, entry.action, (entry.target_type, entry.target_id), entry.reason) == (
        scene.moderator.pk,
        case.audit_action,
        case.target(scene),
        "Bryter mot reglerna",
    )


def test_message_actions_answer_the_updated_message(scene):
    response = client_for(scene.moderator).post(
        URL, {"action": "hide", "reason": "Kränkande", "message": scene.message.pk}
    )

    message = response.json()["message"]
    assert (message["id"], message["state"], message["body"]) == (
        scene.message.pk,
        "hidden",
        "Något att titta på",
    )


def test_room_actions_answer_the_room_state(scene):
    response = client_for(scene.moderator).post(
        URL, {"action": "slow_mode", "reason": "Lugnare", "room": scene.room.pk, "seconds": 60}
    )

    assert response.json() == {
        "action": "slow_mode",
        "ok": True,
        "room": {
            "id": scene.room.pk,
            "is_locked": False,
            "slow_mode_seconds": 60,
            "pinned_message": None,
        },
    }


def test_member_actions_answer_the_sanction(scene):
    response = client_for(scene.moderator).post(
        URL,
        {
            "action": "warn",
            "reason": "Var snäll",
            "member": scene.member.pk,
            "group": scene.group.pk,
        },
    )

    sanction = Sanction.objects.get(user=scene.member)
    assert response.json()["sanction"] == {
        "id": sanction.pk,
        "kind": "warning",
        "room": None,
        "group": scene.group.pk,
        "reason": "Var snäll",
        "starts_at": sanction.starts_at.isoformat(),
        "ends_at": None,
        "lifted_at": None,
    }


# --- refusals change nothing --------------------------------------------------------------


@pytest.mark.parametrize("reason", [None, "", "   "], ids=["missing", "empty", "blank"])
@pytest.mark.parametrize("action", list(CASES))
def test_an_action_without_a_reason_is_refused_and_changes_nothing(scene, action, reason):
    fields = CASES[action].arrange(scene)
    body = {"action": action, **fields}
    if reason is not None:
        body["reason"] = reason
    before = snapshot(scene)

    response = client_for(scene.moderator).post(URL, body)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert list(response.json()["fields"]) == ["reason"]
    assert snapshot(scene) == before


def test_an_unknown_action_is_invalid(scene):
    before = snapshot(scene)

    response = client_for(scene.moderator).post(
        URL, {"action": "shadowban", "reason": "x", "member": scene.member.pk}
    )

    assert response.status_code == 400
    assert (response.json()["code"], list(response.json()["fields"])) == ("invalid", ["action"])
    assert snapshot(scene) == before


MISSING = {
    "hide": ["message"],
    "unhide": ["message"],
    "approve": ["message"],
    "delete": ["message"],
    "pin": ["message"],
    "unpin": ["message"],
    "warn": ["member", "room"],
    "mute": ["member", "minutes", "room"],
    "unmute": ["sanction"],
    "unban": ["sanction"],
    "unsuspend": ["sanction"],
    "ban": ["group", "member"],
    "suspend": ["member"],
    "lock": ["room"],
    "unlock": ["room"],
    "slow_mode": ["room", "seconds"],
    "resolve": ["item", "status"],
}


@pytest.mark.parametrize("action", list(MISSING))
def test_each_action_names_the_fields_it_lacks(scene, action):
    before = snapshot(scene)

    response = client_for(scene.moderator).post(URL, {"action": action, "reason": "Varför"})

    assert response.status_code == 400
    assert sorted(response.json()["fields"]) == MISSING[action]
    assert snapshot(scene) == before


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"action": "hide", "message": "första"}, "message"),
        ({"action": "hide", "message": 0}, "message"),
        ({"action": "mute", "member": 1, "room": 1, "minutes": 0}, "minutes"),
        ({"action": "mute", "member": 1, "room": 1, "minutes": 60 * 24 * 31}, "minutes"),
        ({"action": "warn", "member": 1, "room": 1, "group": 1}, "room"),
        ({"action": "slow_mode", "room": 1, "seconds": -1}, "seconds"),
        ({"action": "slow_mode", "room": 1, "seconds": 3601}, "seconds"),
        ({"action": "resolve", "item": 1, "status": "open"}, "status"),
        ({"action": "lock", "room": 1, "reason": "x" * 1001}, "reason"),
        ({"action": ["hide"], "message": 1}, "action"),
        ({"action": "ban", "member": 1, "group": 1, "member_message": "Hej då"}, "member_message"),
        ({"action": "warn", "member": 1, "room": 1, "member_message": 7}, "member_message"),
        (
            {"action": "warn", "member": 1, "room": 1, "member_message": "x" * 1001},
            "member_message",
        ),
    ],
    ids=[
        "message-not-a-number",
        "message-zero",
        "mute-zero-minutes",
        "mute-over-30-days",
        "warn-room-and-group",
        "slow-mode-negative",
        "slow-mode-over-an-hour",
        "resolve-to-open",
        "reason-too-long",
        "action-a-list",
        "member-message-only-for-warn-and-mute",
        "member-message-not-text",
        "member-message-too-long",
    ],
)
def test_bad_fields_are_invalid_and_change_nothing(scene, extra, field):
    before = snapshot(scene)

    response = client_for(scene.moderator).post(URL, {"reason": "Varför", **extra})

    assert response.status_code == 400
    assert list(response.json()["fields"]) == [field]
    assert snapshot(scene) == before


@pytest.mark.parametrize(
    ("data", "content_type"),
    [("action=hide", "application/x-www-form-urlencoded"), ("{not json", "application/json")],
    ids=["form", "broken-json"],
)
def test_a_body_that_is_not_json_is_invalid(scene, data, content_type):
    before = snapshot(scene)

    response = client_for(scene.moderator).post(URL, data=data, content_type=content_type)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert snapshot(scene) == before


def test_members_may_not_act(scene):
    before = snapshot(scene)

    response = client_for(scene.reporter).post(
        URL, {"action": "hide", "reason": "Jag gillar inte det", "message": scene.message.pk}
    )

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert snapshot(scene) == before


def test_signed_out_is_401(scene):
    response = APIClient().post(URL, {"action": "hide", "reason": "x", "message": 1})

    assert response.status_code == 401
    assert response.json()["code"] == "not_signed_in"


def test_a_missing_message_is_not_found(scene):
    before = snapshot(scene)

    response = client_for(scene.moderator).post(
        URL, {"action": "hide", "reason": "x", "message": scene.message.pk + 1000}
    )

    assert response.status_code == 404
    assert snapshot(scene) == before


def test_unhiding_a_visible_message_is_a_conflict(scene):
    before = snapshot(scene)

    response = client_for(scene.moderator).post(
        URL, {"action": "unhide", "reason": "x", "message": scene.message.pk}
    )

    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert snapshot(scene) == before


@pytest.mark.parametrize("action", ["unmute", "unsuspend"])
def test_lifting_names_the_kind_it_lifts(scene, action):
    """A ban is lifted by unban only: unmute or unsuspend on it is not found."""
    ban = _ban_first(scene)
    before = snapshot(scene)

    response = client_for(scene.moderator).post(
        URL, {"action": action, "reason": "x", "sanction": ban.pk}
    )

    assert response.status_code == 404
    assert snapshot(scene) == before


def test_moderators_cannot_be_sanctioned(scene, coordinator):
    before = snapshot(scene)

    response = client_for(scene.moderator).post(
        URL,
        {
            "action": "mute",
            "reason": "x",
            "member": coordinator.pk,
            "room": scene.room.pk,
            "minutes": 10,
        },
    )

    assert response.status_code == 403
    assert snapshot(scene) == before


# --- group moderators ---------------------------------------------------------------------


@pytest.fixture
def group_moderator(group_room):
    user = UserFactory(display_name="Gruppmoderator Greta")
    MembershipFactory(group=group_room.group, user=user, role="moderator")
    return user


@pytest.fixture
def other_group_room(municipalities):
    return GroupRoomFactory(name="En annan grupps rum", slug="annan-grupp")


def test_a_group_moderator_acts_in_their_groups_room(scene, group_moderator, group_room, send):
    sent = send(scene.member, group_room, "I gruppen")

    response = client_for(group_moderator).post(
        URL, {"action": "hide", "reason": "Kränkande", "message": sent.message["id"]}
    )

    assert response.status_code == 200
    assert Message.objects.get(pk=sent.message["id"]).state == "hidden"
    entry = AuditEntry.objects.get(action="message.hide")
    assert (entry.actor_id, entry.room_id, entry.group_id) == (
        group_moderator.pk,
        group_room.pk,
        group_room.group_id,
    )


def test_a_group_moderator_mutes_in_their_group(scene, group_moderator, group_room):
    response = client_for(group_moderator).post(
        URL,
        {
            "action": "mute",
            "reason": "Paus",
            "member": scene.member.pk,
            "minutes": 15,
            "group": group_room.group_id,
        },
    )

    assert response.status_code == 200
    assert Sanction.objects.get(user=scene.member).group_id == group_room.group_id


@pytest.mark.parametrize(
    "fields",
    [
        lambda sc, other: {"action": "hide", "message": other.message_id},
        lambda sc, other: {"action": "lock", "room": other.room.pk},
        lambda sc, other: {"action": "slow_mode", "room": other.room.pk, "seconds": 10},
        lambda sc, other: {"action": "warn", "member": sc.member.pk, "room": other.room.pk},
        lambda sc, other: {"action": "ban", "member": sc.member.pk, "group": other.room.group_id},
        lambda sc, other: {"action": "hide", "message": sc.message.pk},  # a topic room
        lambda sc, other: {"action": "suspend", "member": sc.member.pk},
    ],
    ids=[
        "other-groups-message",
        "lock-other-groups-room",
        "slow-other-groups-room",
        "warn-in-other-groups-room",
        "ban-from-other-group",
        "topic-room-message",
        "suspend-account",
    ],
)
def test_a_group_moderator_gets_not_found_outside_their_group(
    scene, group_moderator, other_group_room, send, fields
):
    author = UserFactory(display_name="Främling")
    MembershipFactory(group=other_group_room.group, user=author)
    other = SimpleNamespace(
        room=other_group_room,
        message_id=send(author, other_group_room, "Där borta").message["id"],
    )
    before = snapshot(scene), Message.objects.get(pk=other.message_id).state
    other_room_before = Room.objects.values_list("is_locked", "slow_mode_seconds").get(
        pk=other_group_room.pk
    )

    response = client_for(group_moderator).post(URL, {"reason": "x", **fields(scene, other)})

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert (snapshot(scene), Message.objects.get(pk=other.message_id).state) == before
    assert (
        Room.objects.values_list("is_locked", "slow_mode_seconds").get(pk=other_group_room.pk)
        == other_room_before
    )
