"""The socket accepts a signed-in user from an allowed origin, or an API token."""

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from asgi import application
from chat.auth import WebSocketAuthMiddleware
from community import services
from community.realtime import credential_group
from tests.ws import HOST, ORIGIN, _session_cookie

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def member_cookie(member) -> bytes:
    client = Client()
    client.force_login(member)
    return f"sessionid={client.cookies['sessionid'].value}".encode()


async def connect(headers):
    communicator = WebsocketCommunicator(application, "/ws/", headers=headers)
    connected, _ = await communicator.connect()
    return communicator, connected


async def test_signed_in_user_from_allowed_origin_gets_pong(member_cookie):
    communicator, connected = await connect(
        [(b"cookie", member_cookie), (b"host", b"localhost"), (b"origin", b"http://localhost")]
    )
    assert connected

    await communicator.send_json_to({"type": "ping"})

    assert await communicator.receive_json_from() == {"type": "pong"}
    await communicator.disconnect()


async def test_signed_out_socket_is_closed_with_4401():
    communicator, connected = await connect([(b"origin", b"http://localhost")])

    assert connected
    assert await communicator.receive_output() == {"type": "websocket.close", "code": 4401}
    await communicator.disconnect()


@pytest.mark.parametrize(
    "origin",
    [pytest.param(b"https://evil.example", id="foreign"), pytest.param(None, id="missing")],
)
async def test_session_cookie_from_foreign_or_missing_origin_is_refused(member_cookie, origin):
    headers = [(b"cookie", member_cookie), (b"host", b"localhost")]
    if origin:
        headers.append((b"origin", origin))
    communicator, _ = await connect(headers)

    assert await communicator.receive_output() == {"type": "websocket.close", "code": 4403}
    await communicator.disconnect()


async def test_api_token_needs_no_origin(member):
    token = await sync_to_async(services.token_create)(user=member)
    communicator, connected = await connect([(b"authorization", f"Token {token}".encode())])
    assert connected

    await communicator.send_json_to({"type": "ping"})

    assert await communicator.receive_json_from() == {"type": "pong"}
    await communicator.disconnect()


@pytest.mark.parametrize(
    "authorization",
    [
        pytest.param(b"Token not-a-real-token", id="unknown-token"),
        pytest.param(b"Bearer abc", id="wrong-scheme"),
        pytest.param(b"Token", id="empty-token"),
    ],
)
async def test_bad_token_is_closed_with_4401(authorization):
    communicator, _ = await connect([(b"authorization", authorization)])

    assert await communicator.receive_output() == {"type": "websocket.close", "code": 4401}
    await communicator.disconnect()


async def test_suspended_user_token_is_closed_with_4401(member):
    token = await sync_to_async(services.token_create)(user=member)
    member.is_active = False
    await member.asave()
    communicator, _ = await connect([(b"authorization", f"Token {token}".encode())])

    assert await communicator.receive_output() == {"type": "websocket.close", "code": 4401}
    await communicator.disconnect()


@pytest.mark.parametrize(
    ("text", "code"),
    [
        pytest.param("{not json", "bad_frame", id="not-json"),
        pytest.param("[1, 2]", "bad_frame", id="not-an-object"),
        pytest.param('{"type": "dance"}', "unknown_type", id="unknown-type"),
        pytest.param('{"no_type": 1}', "unknown_type", id="missing-type"),
    ],
)
async def test_malformed_frames_get_an_error_and_the_socket_survives(member_cookie, text, code):
    communicator, _ = await connect(
        [(b"cookie", member_cookie), (b"host", b"localhost"), (b"origin", b"http://localhost")]
    )

    await communicator.send_to(text_data=text)
    error = await communicator.receive_json_from()
    await communicator.send_json_to({"type": "ping"})

    assert error["type"] == "error"
    assert error["code"] == code
    assert error["detail"]
    assert await communicator.receive_json_from() == {"type": "pong"}
    await communicator.disconnect()


@pytest.mark.parametrize("path", ["/ws/chat/", "/ws", "/socket/", "/ws/../admin/"])
async def test_a_socket_at_an_unknown_path_is_refused_not_an_error(member_cookie, path):
    """Only ``/ws/`` is a socket: any other path is turned away at the handshake (daphne
    answers 403), before anything looks at who is asking, instead of a server error."""
    headers = [
        (b"cookie", member_cookie),
        (b"host", b"localhost"),
        (b"origin", b"http://localhost"),
    ]
    communicator = WebsocketCommunicator(application, path, headers=headers)

    connected, code = await communicator.connect()

    assert (connected, code) == (False, 4404)
    await communicator.disconnect()


async def test_a_socket_keeps_the_verdict_not_the_session_or_the_cookies(member_cookie, member):
    """An open socket holds who is asking and its credential group for its whole life,
    not the session's data or the other cookies of the browser (least data, and one
    scope copy a socket instead of one per layer)."""
    seen = {}

    async def consumer(scope, receive, send):
        seen.update(scope)
        await receive()
        await send({"type": "websocket.close", "code": 1000})

    headers = [
        (b"cookie", member_cookie),
        (b"host", b"localhost"),
        (b"origin", b"http://localhost"),
    ]
    communicator = WebsocketCommunicator(WebSocketAuthMiddleware(consumer), "/ws/", headers=headers)

    await communicator.connect()

    session_key = member_cookie.decode().partition("=")[2]
    assert seen["user"] == member
    assert seen["credential_group"] == credential_group("session", session_key)
    assert "auth_close_code" not in seen
    assert not {"session", "cookies"} & set(seen)
    await communicator.disconnect()


async def test_a_session_from_before_a_password_change_finds_no_one(member_cookie, member):
    """The socket asks Django's own session check, as a page does: a password change
    signs every older session out."""
    member.set_password("a new long passphrase 4 the test")
    await member.asave()

    communicator, _ = await connect(
        [(b"cookie", member_cookie), (b"host", b"localhost"), (b"origin", b"http://localhost")]
    )

    assert await communicator.receive_output() == {"type": "websocket.close", "code": 4401}
    await communicator.disconnect()


def _deactivate(user):
    user.is_active = False
    user.save(update_fields=["is_active"])


def _new_password(user):
    user.set_password("a new long passphrase 4 the test")
    user.save(update_fields=["password"])


@pytest.mark.parametrize(
    ("credential", "change", "answer"),
    [
        pytest.param("session", None, "pong", id="session"),
        pytest.param("session", _deactivate, 4401, id="session-deactivated"),
        pytest.param("session", _new_password, 4401, id="session-older-than-password"),
        pytest.param("token", None, "pong", id="token"),
        pytest.param("token", _deactivate, 4401, id="token-deactivated"),
    ],
)
async def test_who_may_open_a_socket_for_every_role_and_credential(
    person, credential, change, answer
):
    """The socket's verdict asks REST's token check and the pages' session check, for every
    role alike: a live account is let in, a deactivated one or an outdated session is not."""
    if credential == "session":
        headers = [(b"cookie", await sync_to_async(_session_cookie)(person)), HOST, ORIGIN]
    else:
        token = await sync_to_async(services.token_create)(user=person)
        headers = [(b"authorization", f"Token {token}".encode())]
    if change is not None:
        await sync_to_async(change)(person)

    communicator, _ = await connect(headers)

    if answer == "pong":
        await communicator.send_json_to({"type": "ping"})
        assert await communicator.receive_json_from() == {"type": "pong"}
    else:
        assert await communicator.receive_output() == {"type": "websocket.close", "code": answer}
    await communicator.disconnect()
