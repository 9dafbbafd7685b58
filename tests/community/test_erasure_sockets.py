"""Asking to delete the account ends its sockets at once, and a session cannot reopen one."""

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from asgi import application
from community import erasure
from tests.community.test_credentials import (
    SITE,
    cookie,
    first_close,
    open_socket,
    signed_in_browser,
)
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


async def test_a_request_closes_the_sockets_and_the_session_cannot_reconnect(member):
    # given a browser with a socket open
    browser = await sync_to_async(signed_in_browser)(member)
    session = [(b"cookie", cookie(browser)), *SITE]
    socket = await open_socket(session)

    # when
    await sync_to_async(erasure.account_erasure_request)(user=member, password=PASSWORD)

    # then
    assert await first_close(socket) == 4401
    again = WebsocketCommunicator(application, "/ws/", headers=session)
    await again.connect()
    assert await first_close(again) == 4401
