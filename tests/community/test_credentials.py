"""Credentials: hashed, expiring API tokens; every password change or reset signs out the
account's tokens, other sessions and sockets; a session socket only from the site's origin."""

import hashlib
import io
import re
from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from asgi import application
from community import services
from community.authentication import token_authenticate
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

NEW_PASSWORD = "ett-helt-nytt-losenord-77"
SITE = [(b"host", b"127.0.0.1:8000"), (b"origin", b"http://127.0.0.1:8000")]


# --- helpers -----------------------------------------------------------------------------


def signed_in_browser(user) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


def cookie(browser: Client) -> bytes:
    return f"sessionid={browser.cookies['sessionid'].value}".encode()


def rest_status(*, token: str | None = None, browser: Client | None = None) -> int:
    if browser is not None:
        return browser.get("/api/v1/me/").status_code
    return APIClient().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}").status_code


async def open_socket(headers) -> WebsocketCommunicator:
    socket = WebsocketCommunicator(application, "/ws/", headers=headers)
    connected, _ = await socket.connect()
    assert connected
    return socket


async def is_open(socket: WebsocketCommunicator) -> bool:
    await socket.send_json_to({"type": "ping"})
    return await socket.receive_json_from(timeout=2) == {"type": "pong"}


async def first_close(socket: WebsocketCommunicator) -> int | None:
    """The close code the socket receives first (frames before it are skipped)."""
    while True:
        output = await socket.receive_output(timeout=2)
        if output["type"] == "websocket.close":
            return output.get("code")


def token_socket_headers(token: str):
    return [(b"authorization", f"Token {token}".encode())]


# --- every password path -----------------------------------------------------------------


def _reset_link_flow(start) -> None:
    """Ask for a reset (``start``), then finish it through the e-mailed link, signed out."""
    mail.outbox.clear()
    start()
    link = re.search(r"https?://[^\s]+/konto/password/reset/key/[^\s]+", mail.outbox[-1].body)
    browser = Client()
    form = browser.get(link.group(0).replace("http://testserver", ""), follow=True)
    done = browser.post(
        form.redirect_chain[-1][0], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert done.status_code == 302, done.content


def change_by_api(user, changer: Client) -> None:
    token = services.token_create(user=user)
    response = APIClient().post(
        "/api/v1/auth/password/change/",
        {"current_password": PASSWORD, "new_password": NEW_PASSWORD},
        HTTP_AUTHORIZATION=f"Token {token}",
    )
    assert response.status_code == 204, response.content


def reset_by_api(user, changer: Client) -> None:
    _reset_link_flow(
        lambda: APIClient().post("/api/v1/auth/password/reset/", {"email": user.email})
    )


def change_on_page(user, changer: Client) -> None:
    response = changer.post(
        "/konto/password/change/",
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302, response.content


def reset_on_page(user, changer: Client) -> None:
    _reset_link_flow(lambda: Client().post("/konto/password/reset/", {"email": user.email}))


def change_in_admin(user, changer: Client) -> None:
    admin = signed_in_browser(UserFactory(display_name="Admin", is_staff=True, is_superuser=True))
    response = admin.post(
        f"/admin/community/user/{user.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302, response.content


def change_by_command(user, changer: Client) -> None:
    """``manage.py changepassword``, as an operator types it (the prompts answered)."""
    from django.contrib.auth.management.commands import changepassword

    answers = iter([NEW_PASSWORD, NEW_PASSWORD])
    original = changepassword.Command._get_pass
    changepassword.Command._get_pass = lambda self, prompt=None: next(answers)
    try:
        call_command("changepassword", user.email, stdout=io.StringIO())
    finally:
        changepassword.Command._get_pass = original


PASSWORD_PATHS = [
    pytest.param(change_by_api, False, id="api-change"),
    pytest.param(reset_by_api, False, id="api-reset-link"),
    pytest.param(change_on_page, True, id="page-change"),
    pytest.param(reset_on_page, False, id="page-reset-link"),
    pytest.param(change_in_admin, False, id="admin-change"),
    pytest.param(change_by_command, False, id="command-change"),
]


@pytest.mark.parametrize(("path", "changer_stays"), PASSWORD_PATHS)
async def test_a_password_change_or_reset_signs_out_everything_else(member, path, changer_stays):
    # given: an API token, another browser, and the browser that will make the change
    token = await sync_to_async(services.token_create)(user=member)
    other_browser = await sync_to_async(signed_in_browser)(member)
    changer = await sync_to_async(signed_in_browser)(member)
    token_socket = await open_socket(token_socket_headers(token))
    other_cookie = cookie(other_browser)
    other_socket = await open_socket([(b"cookie", other_cookie), *SITE])

    # when
    await sync_to_async(path)(member, changer)

    # then: the token, the other session and their open sockets are gone
    await member.arefresh_from_db()
    assert member.check_password(NEW_PASSWORD)
    assert await sync_to_async(rest_status)(token=token) == 401
    assert await AuthToken.objects.filter(user=member).acount() == 0
    assert await first_close(token_socket) == 4401
    assert await first_close(other_socket) == 4401
    assert await sync_to_async(rest_status)(browser=other_browser) == 401
    for headers in (token_socket_headers(token), [(b"cookie", other_cookie), *SITE]):
        fresh = WebsocketCommunicator(application, "/ws/", headers=headers)
        await fresh.connect()
        assert await first_close(fresh) == 4401
    # the browser that changed the password on the page stays signed in
    assert await sync_to_async(rest_status)(browser=changer) == (200 if changer_stays else 401)


async def test_page_change_asks_the_changing_browsers_sockets_to_reconnect(member):
    changer = await sync_to_async(signed_in_browser)(member)
    socket = await open_socket([(b"cookie", cookie(changer)), *SITE])

    await sync_to_async(change_on_page)(member, changer)

    # a normal close: the client reconnects with the session's new cookie
    assert await first_close(socket) == 1000
    again = await open_socket([(b"cookie", cookie(changer)), *SITE])
    assert await is_open(again)
    await again.disconnect()


def test_a_refused_password_change_keeps_every_credential(member_api, member):
    token = services.token_create(user=member)

    response = member_api.post(
        "/api/v1/auth/password/change/",
        {"current_password": "fel", "new_password": NEW_PASSWORD},
    )

    assert response.status_code == 400
    assert rest_status(token=token) == 200
    assert AuthToken.objects.filter(user=member).count() == 1


# --- tokens ------------------------------------------------------------------------------


def test_a_token_is_stored_only_as_a_hash(api, member):
    response = api.post("/api/v1/auth/token/", {"email": member.email, "password": PASSWORD})

    key = response.json()["token"]
    row = AuthToken.objects.values().get(user=member)
    assert response.status_code == 200
    assert row["digest"] == hashlib.sha512(key.encode()).hexdigest()
    assert all(key not in str(value) for value in row.values())
    assert rest_status(token=key) == 200


def test_each_sign_in_gets_its_own_token(api, member):
    first = api.post("/api/v1/auth/token/", {"email": member.email, "password": PASSWORD})
    second = api.post("/api/v1/auth/token/", {"email": member.email, "password": PASSWORD})

    assert first.json()["token"] != second.json()["token"]
    assert AuthToken.objects.filter(user=member).count() == 2


async def test_a_token_unused_past_its_idle_time_is_refused(member):
    token = await sync_to_async(services.token_create)(user=member)
    await AuthToken.objects.filter(user=member).aupdate(
        expiry=timezone.now() - timedelta(seconds=1)
    )

    status = await sync_to_async(rest_status)(token=token)
    socket = WebsocketCommunicator(application, "/ws/", headers=token_socket_headers(token))
    await socket.connect()

    assert status == 401
    assert await first_close(socket) == 4401
    assert await AuthToken.objects.filter(user=member).acount() == 0


def test_using_a_token_keeps_it_alive_for_the_idle_time(member, settings):
    token = services.token_create(user=member)
    AuthToken.objects.filter(user=member).update(expiry=timezone.now() + timedelta(days=1))

    assert rest_status(token=token) == 200

    expiry = AuthToken.objects.get(user=member).expiry
    idle = settings.REST_KNOX["TOKEN_TTL"]
    assert timezone.now() + idle - timedelta(minutes=1) < expiry <= timezone.now() + idle


def test_a_token_is_checked_in_one_query_however_many_the_account_holds(
    member, django_assert_num_queries
):
    # given: the phone's token, the account's other tokens, one of them past its idle time
    others = [services.token_create(user=member) for _ in range(3)]
    phone = services.token_create(user=member)
    AuthToken.objects.filter(token_key=others[0][:8]).update(
        expiry=timezone.now() - timedelta(days=1)
    )

    # when
    with django_assert_num_queries(1):
        found = token_authenticate(key=phone)

    # then: the expired one is left to the nightly purge (``api_tokens_purge``)
    assert found is not None
    assert found[0] == member
    assert AuthToken.objects.filter(user=member).count() == 4


async def test_delete_signs_out_only_that_token_and_closes_only_its_sockets(member):
    phone = await sync_to_async(services.token_create)(user=member)
    tablet = await sync_to_async(services.token_create)(user=member)
    phone_socket = await open_socket(token_socket_headers(phone))
    tablet_socket = await open_socket(token_socket_headers(tablet))

    response = await sync_to_async(APIClient().delete)(
        "/api/v1/auth/token/", HTTP_AUTHORIZATION=f"Token {phone}"
    )

    assert response.status_code == 204
    assert await first_close(phone_socket) == 4401
    assert await is_open(tablet_socket)
    assert await sync_to_async(rest_status)(token=phone) == 401
    assert await sync_to_async(rest_status)(token=tablet) == 200
    await tablet_socket.disconnect()


@pytest.mark.parametrize(
    "authorization",
    [
        pytest.param(b"Token \xff\xfe\xfd", id="not-utf8"),
        pytest.param(b"Token " + b"a" * 5000, id="huge"),
        pytest.param(b"Token a b", id="spaces"),
    ],
)
def test_a_malformed_token_header_is_401_in_the_error_shape(api, authorization):
    response = api.get("/api/v1/me/", HTTP_AUTHORIZATION=authorization.decode("latin1"))

    assert response.status_code == 401
    assert response.json()["code"] == "not_signed_in"


# --- socket origin -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "accepted"),
    [
        pytest.param(SITE, True, id="same-scheme-host-port"),
        pytest.param(
            [(b"host", b"localhost"), (b"origin", b"http://localhost")], True, id="default-port"
        ),
        pytest.param(
            [
                (b"host", b"127.0.0.1:8000"),
                (b"origin", b"https://127.0.0.1:8000"),
                (b"x-forwarded-proto", b"https"),
            ],
            True,
            id="https-behind-proxy",
        ),
        pytest.param(
            [(b"host", b"127.0.0.1:8000"), (b"origin", b"http://127.0.0.1:9999")],
            False,
            id="other-port",
        ),
        pytest.param(
            [(b"host", b"127.0.0.1:8000"), (b"origin", b"https://127.0.0.1:8000")],
            False,
            id="other-scheme",
        ),
        pytest.param(
            [(b"host", b"127.0.0.1:8000"), (b"origin", b"http://evil.example:8000")],
            False,
            id="other-host",
        ),
        pytest.param(
            [(b"host", b"evil.example"), (b"origin", b"http://evil.example")],
            False,
            id="host-not-allowed",
        ),
        pytest.param([(b"host", b"127.0.0.1:8000")], False, id="missing-origin"),
        pytest.param([(b"host", b"127.0.0.1:8000"), (b"origin", b"null")], False, id="null-origin"),
        pytest.param(
            [(b"host", b"127.0.0.1:8000"), (b"origin", b"http://127.0.0.1:99999")],
            False,
            id="bad-port",
        ),
    ],
)
async def test_a_session_socket_needs_the_sites_own_origin(member, headers, accepted):
    browser = await sync_to_async(signed_in_browser)(member)
    socket = WebsocketCommunicator(
        application, "/ws/", headers=[(b"cookie", cookie(browser)), *headers]
    )
    await socket.connect()

    if accepted:
        assert await is_open(socket)
        await socket.disconnect()
    else:
        assert await first_close(socket) == 4403


@pytest.mark.parametrize(
    ("origin", "accepted"),
    [
        pytest.param(b"https://bredvid.example", True, id="trusted"),
        pytest.param(b"https://bredvid.example:8443", False, id="trusted-host-other-port"),
        pytest.param(b"http://bredvid.example", False, id="trusted-host-other-scheme"),
        pytest.param(b"https://app.bredvid.example", True, id="trusted-subdomain"),
        pytest.param(b"http://app.bredvid.example", False, id="trusted-subdomain-other-scheme"),
        pytest.param(b"https://app.bredvid.example.evil", False, id="suffix-of-another-domain"),
    ],
)
async def test_csrf_trusted_origins_are_matched_whole(member, settings, origin, accepted):
    settings.CSRF_TRUSTED_ORIGINS = ["https://bredvid.example", "https://*.bredvid.example"]
    browser = await sync_to_async(signed_in_browser)(member)
    socket = WebsocketCommunicator(
        application,
        "/ws/",
        headers=[(b"cookie", cookie(browser)), (b"host", b"127.0.0.1:8000"), (b"origin", origin)],
    )
    await socket.connect()

    if accepted:
        assert await is_open(socket)
        await socket.disconnect()
    else:
        assert await first_close(socket) == 4403


async def test_a_token_socket_needs_no_origin(member):
    token = await sync_to_async(services.token_create)(user=member)

    socket = await open_socket(token_socket_headers(token))

    assert await is_open(socket)
    await socket.disconnect()


# --- tokens issued before hashing --------------------------------------------------------


def test_tokens_issued_before_hashing_keep_working_and_the_old_table_goes(member):
    from importlib import import_module

    from django.apps import apps
    from django.db import connection

    migration = import_module("community.migrations.0008_api_tokens_hashed")
    key = "0123456789abcdef0123456789abcdef01234567"
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, user_id bigint)")
        cursor.execute("INSERT INTO authtoken_token VALUES (%s, %s)", [key, member.pk])

    with connection.schema_editor() as editor:
        migration.tokens_to_digests(apps, editor)

    assert "authtoken_token" not in connection.introspection.table_names()
    assert AuthToken.objects.get(user=member).digest == hashlib.sha512(key.encode()).hexdigest()
    assert rest_status(token=key) == 200


async def test_a_suspension_closes_token_sockets_as_forbidden(member, moderator):
    from moderation.services import members

    token = await sync_to_async(services.token_create)(user=member)
    socket = await open_socket(token_socket_headers(token))

    await sync_to_async(members.member_suspend)(
        user=moderator, member_id=member.pk, reason="Upprepade hot"
    )

    assert await first_close(socket) == 4403
    assert await AuthToken.objects.filter(user=member).acount() == 0


def test_past_ten_tokens_the_least_recently_used_one_ends(member):
    keys = [services.token_create(user=member) for _ in range(10)]
    AuthToken.objects.filter(token_key=keys[3][:15]).update(
        expiry=timezone.now() + timedelta(days=1)
    )

    newest = services.token_create(user=member)

    assert AuthToken.objects.filter(user=member).count() == 10
    assert rest_status(token=keys[3]) == 401
    assert rest_status(token=newest) == 200
    assert rest_status(token=keys[0]) == 200
