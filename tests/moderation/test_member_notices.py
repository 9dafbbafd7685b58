"""What a sanction says to the member: never a private channel between peers (finding 3 of
issue 10), never the staff-only reason (finding 4)."""

import pytest
from channels.db import database_sync_to_async
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from community.models import Notification
from moderation.models import AuditEntry, QueueItem, Sanction
from moderation.services import reports
from tests.factories import GroupRoomFactory, MembershipFactory, UserFactory
from tests.ws import drain, open_socket, receive_type

pytestmark = pytest.mark.django_db(transaction=True)

ACTIONS = "/api/v1/moderation/actions/"
NOTIFICATIONS = "/api/v1/me/notifications/"
REASON = "Intern: tredje gången, kolla hennes tidigare konton"
WARNED = "You have been warned for breaking the community guidelines."
MUTED = "You have been muted for a while for breaking the community guidelines."


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@database_sync_to_async
def act(user, **body):
    response = client_for(user).post(ACTIONS, body, format="json")
    return response.status_code, response.json()


@database_sync_to_async
def notifications(user) -> list[dict]:
    return [
        {"kind": n["kind"], "title": n["title"], "body": n["body"]}
        for n in client_for(user).get(NOTIFICATIONS).json()["results"]
    ]


@pytest.fixture
def rooms(municipalities):
    """Two groups; a target in the first, a leader of only the second."""
    ours, theirs = GroupRoomFactory(slug="var-grupp"), GroupRoomFactory(slug="deras-grupp")
    target = UserFactory(display_name="Måltavla", preferred_language="en")
    MembershipFactory(group=ours.group, user=target)
    leader = UserFactory(display_name="Värd i en annan grupp")
    MembershipFactory(group=theirs.group, user=leader, role="host")
    return ours, theirs, target, leader


# --- finding 3: a leader reaches only the members of their own groups ----------------------


@pytest.mark.parametrize(
    "scope",
    [
        lambda theirs: {"room": theirs.pk},
        lambda theirs: {"group": theirs.group_id},
    ],
    ids=["their-room", "their-group"],
)
@pytest.mark.parametrize("action", ["warn", "mute"])
async def test_a_leader_cannot_reach_a_member_of_none_of_their_groups(rooms, action, scope):
    _ours, theirs, target, leader = rooms
    socket = await open_socket(target)
    extra = {"minutes": 60} if action == "mute" else {}

    status, body = await act(
        leader,
        action=action,
        reason="Hej",
        member_message="Jag vet var du bor",
        member=target.pk,
        **scope(theirs),
        **extra,
    )

    assert (status, body["code"]) == (404, "not_found")
    assert all(f["type"] not in ("notice", "notification.new") for f in await drain(socket))
    assert await notifications(target) == []
    assert await Sanction.objects.acount() == 0
    assert await AuditEntry.objects.acount() == 0
    await socket.disconnect()


async def test_a_leader_still_warns_a_member_of_their_group(rooms):
    ours, _theirs, target, _leader = rooms
    host = await database_sync_to_async(UserFactory)(display_name="Vår värd")
    await database_sync_to_async(MembershipFactory)(group=ours.group, user=host, role="host")

    status, _body = await act(host, action="warn", reason=REASON, member=target.pk, room=ours.pk)

    assert status == 200
    assert await notifications(target) == [
        {"kind": "warning", "title": "A message from the moderators", "body": WARNED}
    ]


# --- finding 4: the reason is for staff, the message for the member ------------------------


@pytest.mark.parametrize(
    ("action", "extra", "standard", "title"),
    [
        ("warn", {}, WARNED, "A message from the moderators"),
        ("mute", {"minutes": 30}, MUTED, "You cannot post here for a while"),
    ],
)
async def test_without_a_message_the_member_gets_a_standard_text_never_the_reason(
    rooms, moderator, action, extra, standard, title
):
    ours, _theirs, target, _leader = rooms
    socket = await open_socket(target)

    status, body = await act(
        moderator, action=action, reason=REASON, member=target.pk, room=ours.pk, **extra
    )
    notice = await receive_type(socket, "notice")

    assert status == 200
    assert (notice["kind"], notice["title"], notice["body"]) == ("warning", title, standard)
    expected = [{"kind": "warning", "title": title, "body": standard}] if action == "warn" else []
    assert await notifications(target) == expected
    assert all(REASON not in str(f) for f in await drain(socket))
    entry = await AuditEntry.objects.aget(action=f"member.{action}")
    assert (entry.reason, "member_message" in entry.details) == (REASON, False)
    await socket.disconnect()


@pytest.mark.parametrize(("action", "extra"), [("warn", {}), ("mute", {"minutes": 30})])
async def test_the_message_to_the_member_reaches_them_and_the_reason_does_not(
    rooms, moderator, action, extra
):
    ours, _theirs, target, _leader = rooms
    socket = await open_socket(target)

    status, _body = await act(
        moderator,
        action=action,
        reason=REASON,
        member_message="  Var snäll mot de andra, tack.  ",
        member=target.pk,
        room=ours.pk,
        **extra,
    )
    notice = await receive_type(socket, "notice")

    assert status == 200
    assert notice["body"] == "Var snäll mot de andra, tack."
    assert all(REASON not in n["body"] for n in await notifications(target))
    entry = await AuditEntry.objects.aget(action=f"member.{action}")
    assert (entry.reason, entry.details["member_message"]) == (
        REASON,
        "Var snäll mot de andra, tack.",
    )
    await socket.disconnect()


@pytest.mark.django_db
def test_the_item_page_labels_reason_and_message_and_sends_only_the_message(rooms, moderator, send):
    ours, _theirs, target, _leader = rooms
    reporter = UserFactory(display_name="Anmälare")
    MembershipFactory(group=ours.group, user=reporter)
    sent = send(target, ours, "Något dumt")
    reports.report_create(user=reporter, message_id=sent.message["id"], reason="harassment")
    item = QueueItem.objects.get()
    page = Client(headers={"accept-language": "en"})
    page.force_login(moderator)

    form = page.get(reverse("frontend:moderation_item", args=[item.pk]))
    page.post(
        reverse("frontend:moderation_item_action", args=[item.pk]),
        {"action": "warn", "reason": REASON, "member_message": "Tänk på tonen"},
    )

    html = form.content.decode()
    assert "Internal reason - only staff see this" in html
    assert "Message to the member (optional) - the member sees this" in html
    [notification] = Notification.objects.filter(user=target)
    assert notification.body == "Tänk på tonen"
    assert REASON not in notification.body
