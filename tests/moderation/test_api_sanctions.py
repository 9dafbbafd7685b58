"""What sanctions set through the API do: mutes stop posting, bans shut the group's rooms,
suspensions end sign-in; and lifting each one gives it all back."""

import pytest
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from chat import services as chat_services
from community import services as community_services
from community.errors import Code, Forbidden, RuleBroken
from community.models import User
from groups.models import Membership
from groups.services import membership
from moderation.models import AuditEntry, Sanction
from tests.factories import MembershipFactory, RoomFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/moderation/actions/"
THIS_YEAR = timezone.localdate().year


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def act(moderator, **body):
    response = client_for(moderator).post(URL, body)
    assert response.status_code == 200, response.json()
    return response.json()


def post(user, room, client_id: str, body: str = "Hej allihop"):
    return chat_services.message_send(user=user, room_id=room.pk, body=body, client_id=client_id)


# --- mute ---------------------------------------------------------------------------------


def test_a_muted_member_cannot_post_in_the_room_until_unmuted(member, moderator, topic_room):
    muted = act(
        moderator, action="mute", reason="Paus", member=member.pk, room=topic_room.pk, minutes=30
    )

    with pytest.raises(RuleBroken) as refused:
        post(member, topic_room, "c1")
    act(moderator, action="unmute", reason="Klart", sanction=muted["sanction"]["id"])
    sent = post(member, topic_room, "c2")

    assert refused.value.code == "muted"
    assert refused.value.code == Code.MUTED
    assert refused.value.status == 422
    assert 29 * 60 < refused.value.retry_after <= 30 * 60
    assert (sent.created, sent.message["body"]) == (True, "Hej allihop")
    assert Sanction.objects.get(pk=muted["sanction"]["id"]).lifted_by_id == moderator.pk


def test_a_mute_in_one_room_leaves_other_rooms_open(member, moderator, topic_room):
    elsewhere = RoomFactory(name="Annat rum")
    act(moderator, action="mute", reason="Paus", member=member.pk, room=topic_room.pk, minutes=5)

    sent = post(member, elsewhere, "c1")

    assert sent.created is True


def test_a_group_mute_covers_every_room_of_the_group(member, moderator, group_room):
    MembershipFactory(group=group_room.group, user=member)
    act(
        moderator,
        action="mute",
        reason="Paus",
        member=member.pk,
        group=group_room.group_id,
        minutes=60,
    )

    with pytest.raises(RuleBroken) as refused:
        post(member, group_room, "c1")

    assert refused.value.code == "muted"


# --- ban ----------------------------------------------------------------------------------


@pytest.fixture
def young_member(group_room):
    """A member of the group whose age fits it (16–25), so only a ban keeps them out."""
    user = UserFactory(display_name="Lärkan", birth_year=THIS_YEAR - 20)
    MembershipFactory(group=group_room.group, user=user)
    return user


def test_a_banned_member_loses_the_rooms_and_cannot_rejoin(young_member, moderator, group_room):
    history = f"/api/v1/rooms/{group_room.pk}/messages/"
    readable_before = client_for(young_member).get(history).status_code

    banned = act(
        moderator,
        action="ban",
        reason="Upprepade hot",
        member=young_member.pk,
        group=group_room.group_id,
    )
    response = client_for(young_member).get(history)
    with pytest.raises(Forbidden) as refused:
        membership.group_join(user=young_member, group_id=group_room.group_id)

    assert readable_before == 200
    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    assert refused.value.status == 403
    assert Membership.objects.get(user=young_member, group=group_room.group).status == "banned"
    assert banned["sanction"]["kind"] == "ban"


def test_unban_lets_the_member_join_again(young_member, moderator, group_room):
    banned = act(
        moderator, action="ban", reason="Hot", member=young_member.pk, group=group_room.group_id
    )

    act(moderator, action="unban", reason="Överklagat", sanction=banned["sanction"]["id"])
    joined = membership.group_join(user=young_member, group_id=group_room.group_id)

    assert joined.status == "member"
    assert (
        client_for(young_member).get(f"/api/v1/rooms/{group_room.pk}/messages/").status_code == 200
    )


def test_a_ban_of_someone_who_never_joined_still_keeps_them_out(moderator, group_room):
    outsider = UserFactory(display_name="Utanför", birth_year=THIS_YEAR - 20)

    act(moderator, action="ban", reason="Hot", member=outsider.pk, group=group_room.group_id)

    with pytest.raises(Forbidden):
        membership.group_join(user=outsider, group_id=group_room.group_id)
    assert Membership.objects.get(user=outsider).status == "banned"


# --- suspend ------------------------------------------------------------------------------


def test_a_suspended_account_cannot_use_its_token_or_get_a_new_one(member, moderator, password):
    token = community_services.token_create(user=member)
    api = APIClient()
    before = api.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}").status_code

    act(moderator, action="suspend", reason="Grovt hot", member=member.pk)
    with_token = api.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}")
    login = api.post("/api/v1/auth/token/", {"email": member.email, "password": password})

    assert before == 200
    assert (with_token.status_code, with_token.json()["code"]) == (401, "not_signed_in")
    assert (login.status_code, login.json()["code"]) == (403, "forbidden")
    assert "token" not in login.json()
    assert not AuthToken.objects.filter(user=member).exists()


def test_unsuspend_restores_sign_in(member, moderator, password):
    suspended = act(moderator, action="suspend", reason="Grovt hot", member=member.pk)

    act(moderator, action="unsuspend", reason="Utrett", sanction=suspended["sanction"]["id"])
    api = APIClient()
    login = api.post("/api/v1/auth/token/", {"email": member.email, "password": password})
    me = api.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {login.json()['token']}")

    assert login.status_code == 200
    assert (me.status_code, me.json()["id"]) == (200, member.pk)
    assert list(
        AuditEntry.objects.filter(target_id=str(suspended["sanction"]["id"]))
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["member.suspend", "member.unsuspend"]


def test_group_moderators_cannot_suspend_accounts(member, group_room):
    leader = UserFactory(display_name="Värd Vilma")
    MembershipFactory(group=group_room.group, user=leader, role="host")

    response = client_for(leader).post(
        URL, {"action": "suspend", "reason": "Hot", "member": member.pk}
    )

    assert response.status_code == 404
    assert User.objects.get(pk=member.pk).is_active is True
    assert not Sanction.objects.exists()
    assert not AuditEntry.objects.exists()
