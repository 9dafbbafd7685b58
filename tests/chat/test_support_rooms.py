"""Support conversations (room kind ``support``): one member and the staff of their unit.

One table of roles over every path that reads or writes a room: the policy, REST history,
the rooms list, the room page, socket subscribe and socket send."""

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from rest_framework.test import APIClient

from chat import policies, services
from chat.models import Message, Room
from chat.services import support
from community.models import Organisation
from moderation.models import AuditEntry
from tests.factories import (
    CoordinatorFactory,
    GroupRoomFactory,
    MembershipFactory,
    ModeratorFactory,
    OrganisationFactory,
    UserFactory,
    municipality,
)
from tests.ws import open_socket, receive_type, send_message

# role -> may read (and post) in the member's support room
EXPECTED = {
    "signed_out": False,
    "the_member": True,
    "other_member": False,
    "moderator": True,
    "unit_coordinator": True,
    "other_unit_coordinator": False,
    "association_coordinator": False,
    "group_leader": False,
}
ROLES = list(EXPECTED)


@pytest.fixture
def scene(municipalities):
    halmstad, goteborg = municipality("1380"), municipality("1480")
    member = UserFactory(display_name="Solros", municipality=halmstad)
    group_room = GroupRoomFactory()
    MembershipFactory(group=group_room.group, user=member)
    people = {
        "signed_out": AnonymousUser(),
        "the_member": member,
        "other_member": UserFactory(display_name="Havsörn", municipality=halmstad),
        "moderator": ModeratorFactory(),
        "unit_coordinator": CoordinatorFactory(
            organisation=OrganisationFactory(municipality=halmstad)
        ),
        "other_unit_coordinator": CoordinatorFactory(
            organisation=OrganisationFactory(municipality=goteborg)
        ),
        "association_coordinator": CoordinatorFactory(
            organisation=OrganisationFactory(
                municipality=halmstad, kind=Organisation.Kind.ASSOCIATION
            )
        ),
        "group_leader": MembershipFactory(group=group_room.group, role="moderator").user,
    }
    opened = support.support_room_open(
        user=people["moderator"], member=member, municipality_id=halmstad.pk
    )
    return people, opened.room


def client_for(user) -> APIClient:
    client = APIClient()
    if user.is_authenticated:
        client.force_authenticate(user)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_policy_and_service(scene, role):
    people, room = scene
    user, may = people[role], EXPECTED[role]

    assert room.kind == "support"
    assert policies.can_read(user=user, room=room) is may
    assert policies.can_post(user=user, room=room) is may
    if role == "signed_out":
        return
    before = Message.objects.count()
    try:
        services.message_send(user=user, room_id=room.pk, body="hej", client_id="p")
        posted = True
    except Exception:  # noqa: BLE001 - any refusal counts; what matters is nothing stored
        posted = False
    assert posted is may
    assert Message.objects.count() == before + int(may)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_rest_history_and_rooms_list(scene, role):
    people, room = scene
    client = client_for(people[role])

    history = client.get(f"/api/v1/rooms/{room.pk}/messages/")
    listed = client.get("/api/v1/rooms/")

    if role == "signed_out":
        assert (history.status_code, listed.status_code) == (401, 401)
        return
    assert history.status_code == (200 if EXPECTED[role] else 404)
    if not EXPECTED[role]:
        assert history.json()["code"] == "not_found"
    ids = {r["id"]: r for r in listed.json()["results"]}
    assert (room.pk in ids) is EXPECTED[role]
    if EXPECTED[role]:
        assert ids[room.pk]["kind"] == "support"
        assert ids[room.pk]["can_post"] is True


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_room_page(scene, role):
    people, room = scene
    client = Client()
    if role != "signed_out":
        client.force_login(people[role])

    response = client.get(f"/rum/{room.pk}/")

    if role == "signed_out":
        assert response.status_code == 302
        assert response["Location"].startswith("/konto/") or "login" in response["Location"]
    else:
        assert response.status_code == (200 if EXPECTED[role] else 404)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", [r for r in ROLES if r != "signed_out"])
async def test_socket_subscribe_and_send(scene, role):
    people, room = scene
    may = EXPECTED[role]
    socket = await open_socket(people[role])

    await socket.send_json_to({"type": "subscribe", "room": room.pk})
    subscribed = await socket.receive_json_from()
    await send_message(socket, room.pk, "hej", "p-1")
    answer = await receive_type(socket, "ack" if may else "error")

    assert subscribed["type"] == ("subscribed" if may else "error")
    if not may:
        assert subscribed["code"] == "not_found"
        assert answer["code"] == "not_found"
    assert await sync_to_async(Message.objects.filter(room=room).count)() == int(may)
    await socket.disconnect()


@pytest.mark.django_db
def test_every_message_is_audited_without_its_text(scene, send):
    people, room = scene
    member, moderator = people["the_member"], people["moderator"]

    mine = send(member, room, "Jag behöver prata").message
    theirs = send(moderator, room, "Jag finns här").message

    entries = AuditEntry.objects.filter(action="support.message").order_by("pk")
    assert [(e.actor_id, e.target_id, e.room_id) for e in entries] == [
        (member.pk, str(mine["id"]), room.pk),
        (moderator.pk, str(theirs["id"]), room.pk),
    ]
    assert all(e.reason == "" and e.details == {} for e in entries)


@pytest.mark.django_db
def test_messages_elsewhere_are_not_audited_as_support(scene, send, topic_room):
    people, _ = scene

    send(people["the_member"], topic_room, "Hej alla")

    assert AuditEntry.objects.filter(action="support.message").count() == 0


@pytest.mark.django_db
def test_a_crisis_message_is_screened_but_never_held_from_the_staff(scene, send):
    from moderation.models import QueueItem, WordRule

    people, room = scene
    WordRule.objects.create(
        pattern="hemlisord", action=WordRule.Action.HOLD, category="spam", is_active=True
    )

    sent = send(people["the_member"], room, "ett hemlisord").message

    assert sent["state"] == "visible"
    assert QueueItem.objects.filter(message_id=sent["id"]).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["other_member", "the_member", "group_leader"])
def test_members_never_open_a_support_room(scene, who):
    from community.errors import BredvidError

    people, room = scene
    before = list(Room.objects.values_list("pk", "kind"))

    with pytest.raises(BredvidError):
        support.support_room_open(
            user=people[who],
            member=people["other_member"],
            municipality_id=people["other_member"].municipality_id,
        )

    assert list(Room.objects.values_list("pk", "kind")) == before


@pytest.mark.django_db
def test_a_support_room_never_joins_two_members(scene):
    from community.errors import BredvidError

    people, _ = scene
    before = Room.objects.count()

    for staff_as_member in ("moderator", "unit_coordinator"):
        with pytest.raises(BredvidError):
            support.support_room_open(
                user=people["moderator"],
                member=people[staff_as_member],
                municipality_id=municipality("1380").pk,
            )

    assert Room.objects.count() == before


@pytest.mark.django_db
def test_an_edit_is_audited_and_never_held_from_the_staff(
    scene, send, django_capture_on_commit_callbacks
):
    from moderation.models import WordRule

    people, room = scene
    member = people["the_member"]
    WordRule.objects.create(
        pattern="hemlisord", action=WordRule.Action.HOLD, category="spam", is_active=True
    )
    sent = send(member, room, "Hej").message

    with django_capture_on_commit_callbacks(execute=True):
        edited = services.message_edit(user=member, message_id=sent["id"], body="ett hemlisord")

    assert edited["state"] == "visible"
    entries = AuditEntry.objects.filter(action__startswith="support.message").order_by("pk")
    assert [(e.action, e.actor_id, e.target_id) for e in entries] == [
        ("support.message", member.pk, str(sent["id"])),
        ("support.message_edit", member.pk, str(sent["id"])),
    ]


@pytest.mark.django_db
def test_opening_tells_the_members_sockets_to_reload_their_rooms(municipalities, monkeypatch):
    from community import realtime

    member, moderator = UserFactory(), ModeratorFactory()
    told = []
    monkeypatch.setattr(realtime, "to_user_control", lambda *args: told.append(args))

    first = support.support_room_open(
        user=moderator, member=member, municipality_id=member.municipality_id
    )
    again = support.support_room_open(
        user=moderator, member=member, municipality_id=member.municipality_id
    )

    assert told == [(member.pk, "rooms")]
    assert (first.created, again.created, again.room.pk) == (True, False, first.room.pk)
