"""Moderation is scoped like reading: every action x role x target in or out of scope.

Two organisations each host a group with a room. Platform moderators act everywhere; a
coordinator acts in the groups their organisation hosts; a group leader in their own
group; a member nowhere; someone signed out is asked to sign in. Suspending an account
is platform-wide and belongs to platform moderators only.
"""

from datetime import time, timedelta
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from chat.models import Message, Room
from community.models import Notification, StaffedHours, User
from groups.models import Membership
from moderation import api, selectors
from moderation.models import AuditEntry, QueueItem, Sanction
from moderation.services import reports
from tests.factories import (
    CoordinatorFactory,
    GroupRoomFactory,
    MembershipFactory,
    ModeratorFactory,
    OrganisationFactory,
    RoomFactory,
    UserFactory,
    municipality,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/moderation/actions/"


def client_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def _side(name: str, organisation, send) -> SimpleNamespace:
    """One organisation's group, room and people, all in the organisation's municipality."""
    home = {"municipality": organisation.municipality}
    room = GroupRoomFactory(
        name=f"Rum {name}",
        slug=f"rum-{name.lower()}",
        group__organisation=organisation,
        group__municipality=organisation.municipality,
    )
    author = UserFactory(display_name=f"Medlem {name}", **home)
    MembershipFactory(group=room.group, user=author)
    leader = UserFactory(display_name=f"Värd {name}", **home)
    MembershipFactory(group=room.group, user=leader, role="host")
    reporter = UserFactory(display_name=f"Anmälare {name}", **home)
    MembershipFactory(group=room.group, user=reporter)
    sent = send(author, room, f"Ett meddelande i {name}")
    return SimpleNamespace(
        room=room,
        group=room.group,
        author=author,
        leader=leader,
        reporter=reporter,
        message=Message.objects.get(pk=sent.message["id"]),
        organisation=organisation,
    )


@pytest.fixture
def world(municipalities, send):
    org_a = OrganisationFactory(name="Anhörigstöd A", slug="org-a")
    org_b = OrganisationFactory(name="Förening B", slug="org-b", municipality=municipality("0180"))
    a, b = _side("A", org_a, send), _side("B", org_b, send)
    plain = UserFactory(display_name="Vanlig medlem")
    MembershipFactory(group=a.group, user=plain)
    return SimpleNamespace(
        sides={"A": a, "B": b},
        roles={
            "platform_moderator": ModeratorFactory(display_name="Plattformsmoderator"),
            "coordinator_A": CoordinatorFactory(display_name="Samordnare A", organisation=org_a),
            "coordinator_B": CoordinatorFactory(display_name="Samordnare B", organisation=org_b),
            "leader_A": a.leader,
            "leader_B": b.leader,
            "member": plain,
            "signed_out": None,
        },
        stranger=UserFactory(display_name="Främling"),
    )


def snapshot(world) -> dict:
    """Everything any action could change, on both sides."""
    return {
        "messages": list(Message.objects.order_by("pk").values_list("pk", "state", "body")),
        "rooms": list(
            Room.objects.order_by("pk").values_list(
                "pk", "is_locked", "slow_mode_seconds", "pinned_message_id"
            )
        ),
        "sanctions": list(Sanction.objects.order_by("pk").values_list("pk", "kind", "lifted_at")),
        "memberships": list(
            Membership.objects.order_by("pk").values_list("user_id", "group_id", "status")
        ),
        "active": list(User.objects.order_by("pk").values_list("pk", "is_active")),
        "queue": list(QueueItem.objects.order_by("pk").values_list("pk", "status")),
        "notifications": Notification.objects.count(),
        "audit": AuditEntry.objects.count(),
    }


# --- how each action is set up against one side --------------------------------------------


def _set_state(state):
    def arrange(side):
        Message.objects.filter(pk=side.message.pk).update(state=state)
        return {"message": side.message.pk}

    return arrange


def _pinned(side):
    Room.objects.filter(pk=side.room.pk).update(pinned_message=side.message)
    return {"message": side.message.pk}


def _locked(side):
    Room.objects.filter(pk=side.room.pk).update(is_locked=True)
    return {"room": side.room.pk}


def _existing(kind, **where):
    def arrange(side):
        scope = {"room": side.room} if where.get("room") else {}
        scope |= {"group": side.group} if where.get("group") else {}
        sanction = Sanction.objects.create(
            user=side.author,
            kind=kind,
            reason="Tidigare",
            ends_at=timezone.now() + timedelta(hours=1) if kind == "mute" else None,
            **scope,
        )
        if kind == Sanction.Kind.BAN:
            Membership.objects.filter(user=side.author, group=side.group).update(status="banned")
        if kind == Sanction.Kind.SUSPENSION:
            User.objects.filter(pk=side.author.pk).update(is_active=False)
        return {"sanction": sanction.pk}

    return arrange


def _reported(side):
    reports.report_create(user=side.reporter, message_id=side.message.pk, reason="spam")
    item = QueueItem.objects.get(message=side.message)
    return {"item": item.pk, "status": "dismissed"}


ARRANGE = {
    "hide": lambda side: {"message": side.message.pk},
    "unhide": _set_state(Message.State.HIDDEN),
    "approve": _set_state(Message.State.HELD),
    "delete": lambda side: {"message": side.message.pk},
    "pin": lambda side: {"message": side.message.pk},
    "unpin": _pinned,
    "warn": lambda side: {"member": side.author.pk, "room": side.room.pk},
    "mute": lambda side: {"member": side.author.pk, "room": side.room.pk, "minutes": 30},
    "unmute": _existing(Sanction.Kind.MUTE, room=True),
    "ban": lambda side: {"member": side.author.pk, "group": side.group.pk},
    "unban": _existing(Sanction.Kind.BAN, group=True),
    "suspend": lambda side: {"member": side.author.pk},
    "unsuspend": _existing(Sanction.Kind.SUSPENSION),
    "lock": lambda side: {"room": side.room.pk},
    "unlock": _locked,
    "slow_mode": lambda side: {"room": side.room.pk, "seconds": 30},
    "resolve": _reported,
}
PLATFORM_WIDE = {"suspend", "unsuspend"}

# Whose scope each side is in (platform moderators: both).
OWN_SIDE = {
    "coordinator_A": "A",
    "coordinator_B": "B",
    "leader_A": "A",
    "leader_B": "B",
}


def expected_status(role: str, action: str, side: str) -> int:
    if role == "signed_out":
        return 401
    if role == "member":
        return 403
    if role == "platform_moderator":
        return 200
    if action in PLATFORM_WIDE:
        return 404
    return 200 if OWN_SIDE[role] == side else 404


def test_every_action_is_in_the_table():
    assert set(ARRANGE) == set(api.ACTIONS)


@pytest.mark.parametrize("side", ["A", "B"])
@pytest.mark.parametrize("role", list(OWN_SIDE) + ["platform_moderator", "member", "signed_out"])
@pytest.mark.parametrize("action", list(ARRANGE))
def test_action_by_role_in_and_out_of_scope(world, action, role, side):
    # given
    fields = ARRANGE[action](world.sides[side])
    actor = world.roles[role]
    before = snapshot(world)
    audit_before = set(AuditEntry.objects.values_list("pk", flat=True))

    # when
    response = client_for(actor).post(
        URL, {"action": action, "reason": "Intern anteckning", **fields}, format="json"
    )

    # then
    expected = expected_status(role, action, side)
    assert response.status_code == expected, response.json()
    if expected != 200:
        assert response.json()["code"] == {401: "not_signed_in", 403: "forbidden"}.get(
            expected, "not_found"
        )
        assert snapshot(world) == before
        return
    [entry] = AuditEntry.objects.exclude(pk__in=audit_before)
    assert (entry.actor_id, entry.reason) == (actor.pk, "Intern anteckning")
    if action not in PLATFORM_WIDE:
        assert entry.group_id == world.sides[side].group.pk


MEMBER_ACTIONS = {
    "warn": lambda side, member: {"member": member.pk, "room": side.room.pk},
    "mute": lambda side, member: {"member": member.pk, "room": side.room.pk, "minutes": 30},
    "warn-group": lambda side, member: {"member": member.pk, "group": side.group.pk},
    "mute-group": lambda side, member: {
        "member": member.pk,
        "group": side.group.pk,
        "minutes": 30,
    },
    "ban": lambda side, member: {"member": member.pk, "group": side.group.pk},
}


OUTSIDERS = [
    (action, role, target)
    for action in MEMBER_ACTIONS
    for role, target in [
        ("platform_moderator", "stranger"),
        ("coordinator_A", "stranger"),
        ("leader_A", "stranger"),
        ("leader_A", "member_of_B"),
        ("coordinator_A", "member_of_B"),
    ]
    # A platform moderator may ban anyone from a group before they join (test_api_sanctions).
    if (action, role) != ("ban", "platform_moderator")
]


@pytest.mark.parametrize(("action", "role", "target"), OUTSIDERS)
def test_a_member_outside_the_group_cannot_be_acted_on_there(world, action, role, target):
    """The room or group is in scope, but the member does not belong to it."""
    member = world.stranger if target == "stranger" else world.sides["B"].author
    fields = MEMBER_ACTIONS[action](world.sides["A"], member)
    before = snapshot(world)

    response = client_for(world.roles[role]).post(
        URL, {"action": action.split("-")[0], "reason": "Intern", **fields}, format="json"
    )

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert snapshot(world) == before


# --- reading is scoped like acting (finding 12 of issue 10) --------------------------------


def _reads(world, side) -> dict:
    """Every way staff read one side: room history, queue item, member history, pages."""
    s = world.sides[side]
    _reported(s)
    item = QueueItem.objects.get(message=s.message)
    return {
        "history": f"/api/v1/rooms/{s.room.pk}/messages/",
        "queue_item": f"/api/v1/moderation/queue/{item.pk}/",
        "member_history": f"/api/v1/moderation/members/{s.author.pk}/",
        "room_page": reverse("frontend:moderation_room", args=[s.room.pk]),
        "item_page": reverse("frontend:moderation_item", args=[item.pk]),
        "chat_page": reverse("frontend:room", args=[s.room.pk]),
    }


@pytest.mark.parametrize(
    ("role", "side", "expected"),
    [
        ("coordinator_A", "A", 200),
        ("coordinator_A", "B", 404),
        ("coordinator_B", "A", 404),
        ("leader_B", "A", 404),
        ("platform_moderator", "B", 200),
    ],
)
@pytest.mark.parametrize(
    "read", ["history", "queue_item", "member_history", "room_page", "item_page", "chat_page"]
)
def test_staff_read_only_within_their_scope(world, role, side, expected, read):
    url = _reads(world, side)[read]
    client = Client()
    client.force_login(world.roles[role])

    assert client.get(url).status_code == expected


def test_a_coordinator_queue_and_room_list_hold_only_their_groups(world):
    for side in world.sides.values():
        _reported(side)
    coordinator = world.roles["coordinator_A"]

    queue = client_for(coordinator).get("/api/v1/moderation/queue/").json()["results"]
    rooms = client_for(coordinator).get("/api/v1/rooms/").json()["results"]

    assert [q["room"]["id"] for q in queue] == [world.sides["A"].room.pk]
    assert [r["id"] for r in rooms] == [world.sides["A"].room.pk]


AUDIT = "/api/v1/moderation/audit/"


def test_a_coordinator_reads_the_log_of_their_groups_and_municipality_only(world, send):
    # given: actions in both groups, and suspensions (outside any group) of a member who
    # lives in the coordinator's municipality and of one who lives in the other
    moderator = world.roles["platform_moderator"]
    a, b = world.sides["A"], world.sides["B"]
    for side in (a, b):
        client_for(moderator).post(
            URL, {"action": "lock", "room": side.room.pk, "reason": "Lugnt"}, format="json"
        )
    for side in (a, b):
        client_for(moderator).post(
            URL, {"action": "suspend", "member": side.author.pk, "reason": "Hot"}, format="json"
        )
    lock_a = AuditEntry.objects.get(action="room.lock", room_id=a.room.pk)
    lock_b = AuditEntry.objects.get(action="room.lock", room_id=b.room.pk)
    [suspended_here] = [
        e
        for e in AuditEntry.objects.filter(action="member.suspend")
        if e.details["member"] == a.author.pk
    ]
    coordinator = client_for(world.roles["coordinator_A"])

    # when
    listed = coordinator.get(AUDIT).json()["results"]
    exported = coordinator.get(AUDIT, {"format": "csv"}).content.decode().splitlines()

    # then
    assert [e["id"] for e in listed] == [suspended_here.pk, lock_a.pk]
    assert len(exported) == 3  # the header and the same two lines
    assert coordinator.get(f"{AUDIT}{lock_a.pk}/").status_code == 200
    assert coordinator.get(f"{AUDIT}{lock_b.pk}/").status_code == 404
    assert AuditEntry.objects.count() == 4
    assert len(client_for(moderator).get(AUDIT).json()["results"]) == 4


def test_group_leaders_do_not_read_the_log(world):
    response = client_for(world.roles["leader_A"]).get(AUDIT)

    assert (response.status_code, response.json()["code"]) == (403, "forbidden")


@pytest.mark.parametrize(("staff", "on_duty"), [("coordinator_A", False), ("moderator", True)])
def test_a_topic_room_is_staffed_only_by_those_who_moderate_it(world, staff, on_duty):
    """Coordinators do not moderate topic rooms, so their office hours do not count there:
    outside platform moderators' hours, enough reports still hide a message."""
    organisation = (
        world.roles["coordinator_A"].organisation
        if staff == "coordinator_A"
        else world.roles["platform_moderator"].organisation
    )
    for weekday in range(7):
        StaffedHours.objects.create(
            organisation=organisation, weekday=weekday, opens=time(0, 0), closes=time(23, 59)
        )
    topic = RoomFactory(slug="amne")

    assert selectors.someone_on_duty(room=topic, at=timezone.now().replace(hour=12)) is on_duty


def test_the_admin_shows_a_coordinator_the_same_part_of_the_log(world):
    a, b = world.sides["A"], world.sides["B"]
    moderator = world.roles["platform_moderator"]
    for side in (a, b):
        client_for(moderator).post(
            URL, {"action": "lock", "room": side.room.pk, "reason": "Lugnt"}, format="json"
        )
    coordinator = world.roles["coordinator_A"]
    coordinator.is_staff = True
    coordinator.save(update_fields=["is_staff"])
    coordinator.user_permissions.add(Permission.objects.get(codename="view_auditentry"))
    page = Client()
    page.force_login(coordinator)

    listed = page.get("/admin/moderation/auditentry/")
    other = AuditEntry.objects.get(room_id=b.room.pk)

    assert [e.room_id for e in listed.context["cl"].result_list] == [a.room.pk]
    assert page.get(f"/admin/moderation/auditentry/{other.pk}/change/").status_code == 302
