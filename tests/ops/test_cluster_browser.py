"""Two phones in one room through ``make cluster``'s nginx while its app processes are killed
in turn: each page finds a live process by itself and shows every message once, in order."""

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from playwright.sync_api import expect

from chat.models import Message
from tests.engines import CHROMIUM, require_chromium
from tests.live import CHROMIUM_ARGS, PHONE, assert_accessible, log_in, open_room, screenshot, write

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BODIES = "#chat-messages > li .chat-msg__body"


@pytest.fixture
def phones(cluster, monkeypatch):
    """Two phone-sized contexts on the cluster's nginx. Playwright's sync API keeps an event
    loop in this thread; the test's ORM reads stay plain synchronous code."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        pages = []
        for _ in range(2):
            context = browser.new_context(
                viewport=PHONE, base_url=cluster.url, locale="sv-SE", has_touch=True
            )
            page = context.new_page()
            page.set_default_timeout(20_000)  # a reconnect after a kill takes a few seconds
            pages.append(page)
        yield pages
        browser.close()


def servers_can_check(password, *users):
    """The tests hash passwords with MD5 for speed, which the cluster's own settings do not
    accept: store them as the servers hash them."""
    hasher = PBKDF2PasswordHasher()
    for user in users:
        user.password = hasher.encode(password, hasher.salt())
        user.save(update_fields=["password"])


def test_pages_through_nginx_carry_on_while_each_app_process_is_killed(
    cluster, phones, member, other_member, topic_room, password
):
    servers_can_check(password, member, other_member)
    try:
        a, b = phones
        log_in(a, member, password)
        log_in(b, other_member, password)
        open_room(a, topic_room)
        open_room(b, topic_room)
        assert_accessible(b)  # the static files come from nginx: the page is whole
        sent = ["Ett"]
        write(a, "Ett")
        expect(b.locator(BODIES)).to_have_text(sent)

        for port, text in zip(cluster.app_ports, ["Två", "Tre"], strict=True):
            old_pid = cluster.kill(port)  # whichever sockets it held drop and come back
            sent.append(text)
            write(a, text)  # kept in the outbox until a's socket is up again
            expect(a.locator(".chat-msg--pending")).to_have_count(0)
            expect(b.locator(BODIES)).to_have_text(sent)
            cluster.wait_back(port, old_pid)
        screenshot(b, "cluster-room-after-kills")

        for page in (a, b):
            expect(page.locator("#chat-room")).to_have_attribute("data-connection", "up")
            expect(page.locator(BODIES)).to_have_text(["Ett", "Två", "Tre"])
            seqs = page.locator("#chat-messages > li").evaluate_all(
                "items => items.map(i => i.dataset.seq)"
            )
            assert seqs == ["1", "2", "3"]
        stored = Message.objects.filter(room=topic_room).order_by("seq")
        assert list(stored.values_list("body", flat=True)) == ["Ett", "Två", "Tre"]
    finally:
        # Beside Playwright's sync API, the connection this test's ORM calls opened is not
        # the one the fixtures' teardown closes: left open, it kept the test database from
        # being dropped at the end of the run (one left behind by every run).
        connection.close()
