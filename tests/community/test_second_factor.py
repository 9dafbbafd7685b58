"""Staff sign-in: moderators, coordinators and admin accounts act as staff only with a second
factor; without one they have member powers on every transport. Tokens ask for the code."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from asgiref.sync import sync_to_async
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

from chat.models import Room
from community import policies, services
from community.models import Role
from groups.models import PeerGroup
from tests.factories import (
    PASSWORD,
    CoordinatorFactory,
    ModeratorFactory,
    PeerGroupFactory,
    RoomFactory,
    UserFactory,
    give_second_factor,
    totp_code,
)
from tests.ws import open_socket, receive_type, send_message

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"
STAFF = {"moderator": ModeratorFactory, "coordinator": CoordinatorFactory}
HINT = "two-step sign-in"


def staff(role: str, *, second_factor: bool, **fields):
    return STAFF[role](second_factor=second_factor, **fields)


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


# --- the one policy ------------------------------------------------------------------------


@pytest.mark.parametrize("role", list(STAFF))
def test_the_role_policy_answers_member_powers_without_a_second_factor(municipalities, role):
    without = staff(role, second_factor=False)
    with_factor = staff(role, second_factor=True)
    asks = {
        "moderator": policies.is_moderator,
        "coordinator": policies.is_coordinator,
    }[role]

    assert (asks(without), policies.is_staff_role(without)) == (False, False)
    assert (asks(with_factor), policies.is_staff_role(with_factor)) == (True, True)
    assert policies.needs_second_factor(without) is True
    assert policies.needs_second_factor(with_factor) is False
    # still staff by role: never sanctioned, never given a support conversation
    assert policies.holds_staff_role(without) is True


def test_recovery_codes_alone_are_not_a_second_factor(municipalities):
    user = staff("moderator", second_factor=False)
    RecoveryCodes.activate(user)

    assert policies.is_moderator(user) is False


def test_a_member_needs_no_second_factor(member):
    assert policies.needs_second_factor(member) is False


# --- REST ----------------------------------------------------------------------------------


def _create_group(user):
    body = {"name": "Kvällsgruppen", "description": "Vi ses på kvällarna.", "min_age": 18}
    return client_for(user).post("/api/v1/groups/", body, format="json")


def _moderation_queue(user):
    return client_for(user).get("/api/v1/moderation/queue/")


REST = {"coordinator": _create_group, "moderator": _moderation_queue}


@pytest.mark.parametrize("role", list(STAFF))
def test_rest_staff_action_is_forbidden_with_the_way_to_turn_it_on(municipalities, role):
    groups_before = PeerGroup.objects.count()
    without = staff(role, second_factor=False)
    with_factor = staff(role, second_factor=True)

    refused = REST[role](without)
    allowed = REST[role](with_factor)

    assert refused.status_code == 403, refused.json()
    assert refused.json()["code"] == "forbidden"
    assert "/konto/2fa/" in refused.json()["detail"]
    assert allowed.status_code in (200, 201), allowed.json()
    if role == "coordinator":
        assert PeerGroup.objects.count() == groups_before + 1  # only the allowed one


def test_the_detail_is_readable_in_english(municipalities):
    without = staff("coordinator", second_factor=False)
    body = {"name": "Kvällsgruppen", "min_age": 18}

    response = client_for(without).post(
        "/api/v1/groups/", body, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )

    assert HINT in response.json()["detail"]


def test_a_member_refusal_says_nothing_of_two_step_sign_in(member):
    body = {"name": "Kvällsgruppen", "min_age": 18}

    response = client_for(member).post(
        "/api/v1/groups/", body, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 403
    assert HINT not in response.json()["detail"]


# --- socket --------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("second_factor", [False, True], ids=["without", "with"])
async def test_socket_moderator_posts_in_a_locked_room_only_with_a_second_factor(
    municipalities, second_factor
):
    moderator = await sync_to_async(staff)("moderator", second_factor=second_factor)
    room = await sync_to_async(RoomFactory)(kind=Room.Kind.TOPIC, slug="kvall", is_locked=True)
    socket = await open_socket(moderator)
    await socket.send_json_to({"type": "subscribe", "room": room.pk, "after_seq": 0})
    await receive_type(socket, "subscribed")

    await send_message(socket, room.pk, "Rummet är låst i kväll.", "m-1")
    answer = await receive_type(socket, "error" if not second_factor else "ack")
    await socket.disconnect()

    if second_factor:
        assert answer["seq"] == 1
    else:
        assert answer["code"] == "room_locked"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("second_factor", [False, True], ids=["without", "with"])
async def test_socket_coordinator_reads_their_groups_room_only_with_a_second_factor(
    municipalities, second_factor
):
    coordinator = await sync_to_async(staff)("coordinator", second_factor=second_factor)
    group = await sync_to_async(PeerGroupFactory)(organisation=coordinator.organisation)
    room = await sync_to_async(RoomFactory)(kind=Room.Kind.GROUP, slug="grupp", group=group)
    socket = await open_socket(coordinator)

    await socket.send_json_to({"type": "subscribe", "room": room.pk, "after_seq": 0})
    answer = await receive_type(socket, "error" if not second_factor else "subscribed")
    await socket.send_json_to({"type": "ping"})
    alive = await receive_type(socket, "pong")
    await socket.disconnect()

    if not second_factor:
        assert answer["code"] == "not_found"
    assert alive == {"type": "pong"}


@pytest.mark.django_db(transaction=True)
async def test_socket_forbidden_tells_staff_how_to_get_their_powers(municipalities, member):
    moderator = await sync_to_async(staff)("moderator", second_factor=False)
    room = await sync_to_async(RoomFactory)(kind=Room.Kind.TOPIC, slug="prata")
    sent = await sync_to_async(services_send)(member, room)
    socket = await open_socket(moderator)
    await socket.send_json_to({"type": "subscribe", "room": room.pk, "after_seq": 0})
    await receive_type(socket, "subscribed")

    await socket.send_json_to({"type": "message.edit", "id": sent, "body": "Ändrat"})
    refused = await receive_type(socket, "error")
    await socket.disconnect()

    assert refused["code"] == "forbidden"
    assert "/konto/2fa/" in refused["detail"]


def services_send(member, room) -> int:
    from chat.services import message_send

    return message_send(user=member, room_id=room.pk, body="Hej", client_id="x-1").message["id"]


@pytest.mark.django_db(transaction=True)
async def test_turning_the_factor_on_reconnects_the_accounts_sockets(municipalities):
    moderator = await sync_to_async(staff)("moderator", second_factor=False)
    socket = await open_socket(moderator)

    await sync_to_async(_added)(moderator)
    closed = await socket.receive_output(3)
    await socket.disconnect()

    assert closed == {"type": "websocket.close", "code": 1000}


def test_staff_turning_the_factor_on_and_off_is_audited(municipalities, member):
    from moderation.models import AuditEntry

    moderator = staff("moderator", second_factor=False)
    give_second_factor(moderator)
    services.second_factor_changed(user=moderator)
    Authenticator.objects.filter(user=moderator).delete()
    services.second_factor_changed(user=moderator)
    give_second_factor(member)
    services.second_factor_changed(user=member)

    assert list(
        AuditEntry.objects.order_by("pk").values_list("action", "actor_id", "target_id")
    ) == [
        ("account.second_factor_on", moderator.pk, str(moderator.pk)),
        ("account.second_factor_off", moderator.pk, str(moderator.pk)),
    ]
    assert policies.is_moderator(moderator) is False


def _added(user):
    from django.db import transaction

    with transaction.atomic():
        give_second_factor(user)
        services.second_factor_changed(user=user)


# --- pages and the admin ---------------------------------------------------------------------


@pytest.mark.parametrize("role", list(STAFF))
def test_pages_show_staff_tools_only_with_a_second_factor_and_say_how(municipalities, role):
    without, with_factor = Client(), Client()
    without.force_login(staff(role, second_factor=False))
    with_factor.force_login(staff(role, second_factor=True))

    refused = without.get("/moderering/", HTTP_ACCEPT_LANGUAGE="en")
    home = without.get("/hem/", HTTP_ACCEPT_LANGUAGE="en")
    allowed = with_factor.get("/moderering/", HTTP_ACCEPT_LANGUAGE="en")
    allowed_home = with_factor.get("/hem/", HTTP_ACCEPT_LANGUAGE="en")

    assert refused.status_code == 404
    for page in (refused, home):
        assert 'id="second-factor-prompt"' in page.content.decode()
        assert 'href="/konto/2fa/totp/activate/"' in page.content.decode()
    assert allowed.status_code == 200
    assert 'id="second-factor-prompt"' not in allowed_home.content.decode()


@pytest.mark.parametrize("role", [*STAFF, "superuser"])
def test_the_admin_needs_a_second_factor(municipalities, role):
    fields = {"is_staff": True}
    if role == "superuser":
        without = UserFactory(is_superuser=True, second_factor=False, **fields)
        with_factor = UserFactory(is_superuser=True, **fields)
    else:
        without = staff(role, second_factor=False, **fields)
        with_factor = staff(role, second_factor=True, **fields)
    refused_client, allowed_client = Client(), Client()
    refused_client.force_login(without)
    allowed_client.force_login(with_factor)

    refused = refused_client.get("/admin/", follow=True)
    allowed = allowed_client.get("/admin/")

    # (allauth then asks for the password again before showing the secret)
    assert ("/konto/2fa/totp/activate/", 302) in refused.redirect_chain
    assert allowed.status_code == 200


def test_the_admin_login_is_allauths(client, municipalities):
    response = client.get("/admin/login/?next=/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith("/konto/login/")


def test_a_superuser_without_a_factor_cannot_correct_birth_years(municipalities, member):
    admin = UserFactory(is_superuser=True, is_staff=True, second_factor=False)

    assert policies.can_correct_birth_year(user=admin, member=member) is False


def test_the_age_band_binds_staff_without_a_second_factor(municipalities):
    from groups import policies as group_policies
    from tests.factories import MembershipFactory

    group = PeerGroupFactory(min_age=13, max_age=17)
    without = staff("moderator", second_factor=False, birth_year=1980)
    with_factor = staff("moderator", second_factor=True, birth_year=1980)
    for user in (without, with_factor):
        MembershipFactory(group=group, user=user)

    assert group_policies.is_group_member(user=without, group=group) is False
    assert group_policies.is_group_member(user=with_factor, group=group) is True


# --- tokens -----------------------------------------------------------------------------------


def token(body, **extra):
    return APIClient().post(TOKEN, body, format="json", **extra)


def test_a_member_without_a_factor_gets_a_token_as_before(member):
    response = token({"email": member.email, "password": PASSWORD})

    assert response.status_code == 200
    assert response.json()["token"]


def test_a_token_needs_the_code_then_takes_it_once(moderator):
    credentials = {"email": moderator.email, "password": PASSWORD}

    missing = token(credentials)
    code = totp_code(moderator)
    accepted = token({**credentials, "code": code})
    replayed = token({**credentials, "code": code})

    assert (missing.status_code, missing.json()["code"]) == (401, "mfa_required")
    assert accepted.status_code == 200
    assert (replayed.status_code, replayed.json()["code"]) == (401, "invalid")


def test_a_wrong_code_is_401_invalid(moderator):
    response = token({"email": moderator.email, "password": PASSWORD, "code": "000000"})

    assert (response.status_code, response.json()["code"]) == (401, "invalid")
    assert "code" in response.json()["fields"]


def test_the_code_is_not_asked_before_the_password_is_right(moderator):
    response = token({"email": moderator.email, "password": "wrong-password-42"})

    assert (response.status_code, response.json()["code"]) == (400, "invalid")


def test_a_recovery_code_signs_in_once(moderator):
    codes = RecoveryCodes.activate(moderator).get_unused_codes()
    credentials = {"email": moderator.email, "password": PASSWORD}

    first = token({**credentials, "code": codes[0]})
    again = token({**credentials, "code": codes[0]})
    next_code = token({**credentials, "code": codes[1]})

    assert first.status_code == 200
    assert (again.status_code, again.json()["code"]) == (401, "invalid")
    assert next_code.status_code == 200


def test_wrong_codes_are_throttled_like_failed_logins(moderator):
    credentials = {"email": moderator.email, "password": PASSWORD, "code": "000000"}

    answers = [token(credentials).status_code for _ in range(6)]
    locked_out = token({**credentials, "code": totp_code(moderator)})

    assert answers[:5] == [401] * 5
    assert answers[5] == 429
    assert locked_out.status_code == 429
    assert locked_out["Retry-After"]


@pytest.mark.parametrize(
    "code",
    [
        pytest.param("", id="empty"),
        pytest.param("1" * 21, id="too-long"),
        pytest.param(123456, id="number"),
        pytest.param(["123456"], id="list"),
    ],
)
def test_bad_codes_never_give_a_token(moderator, code):
    response = token({"email": moderator.email, "password": PASSWORD, "code": code})

    assert response.status_code in (400, 401)
    assert response.json()["code"] in ("invalid", "mfa_required")
    assert "token" not in response.json()


def test_staff_without_a_factor_get_a_token_with_member_powers(municipalities):
    coordinator = staff("coordinator", second_factor=False)

    response = token({"email": coordinator.email, "password": PASSWORD})
    created = APIClient().post(
        "/api/v1/groups/",
        {"name": "Kvällsgruppen", "min_age": 18},
        format="json",
        HTTP_AUTHORIZATION=f"Token {response.json()['token']}",
    )

    assert response.status_code == 200
    assert created.status_code == 403


# --- demo -------------------------------------------------------------------------------------


def test_demo_staff_have_the_known_secret(municipalities):
    from community import demo

    users = {user.email: user for user in demo.seed()}

    for email in ("moderator@example.se", "samordnare@example.se"):
        user = users[email]
        assert user.role in (Role.MODERATOR, Role.COORDINATOR)
        authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
        from allauth.mfa.utils import decrypt

        assert decrypt(authenticator.data["secret"]) == "JBSWY3DPEHPK3PXP"
        assert policies.is_staff_role(user) is True
    assert not Authenticator.objects.filter(user=users["medlem@example.se"]).exists()
    cache.clear()


@pytest.mark.parametrize("path", ["/konto/2fa/", "/konto/reauthenticate/"])
def test_allauths_two_step_pages_use_the_site_layout(client, moderator, path):
    client.post("/konto/login/", {"login": moderator.email, "password": PASSWORD})
    signed_in = client.post("/konto/2fa/authenticate/", {"code": totp_code(moderator)})

    response = client.get(path)

    assert signed_in["Location"] == "/hem/"
    assert response.status_code == 200
    assert 'id="quick-exit"' in response.content.decode()


def test_the_two_step_login_page_is_ours(client, moderator):
    response = client.post("/konto/login/", {"login": moderator.email, "password": PASSWORD})
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en")

    assert response["Location"] == "/konto/2fa/authenticate/"
    assert "Enter the six-digit code from your authenticator app." in page.content.decode()
    assert 'autocomplete="one-time-code"' in page.content.decode()
