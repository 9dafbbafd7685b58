"""Bredvid as an installed app on a phone: the service worker, our offline page, and a
message written without a connection that survives a reload and is sent exactly once."""

import re

import pytest
from playwright.sync_api import expect

from chat.models import Message
from tests.e2e.test_chat_browser import (
    MESSAGE_BOX,
    bodies,
    eventually,
    log_in,
    message,
    open_room,
)
from tests.live import assert_accessible, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WORKER_SCOPE = "navigator.serviceWorker.getRegistration().then((r) => r.scope)"
QUEUED = re.compile(r"(Väntar på anslutningen|Waiting for the connection)")


def worker_ready(page, live_server_url) -> None:
    # Installed and activated; it controls the page (clients.claim), so the next
    # navigations go through it.
    eventually(page, lambda: page.evaluate("navigator.serviceWorker.controller !== null"), 15)
    assert page.evaluate(WORKER_SCOPE) == f"{live_server_url}/"


def test_the_app_is_installable_and_has_its_own_offline_page(new_phone, live_server_url):
    page = new_phone()
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))

    page.goto("/")
    worker_ready(page, live_server_url)

    cdp = page.context.new_cdp_session(page)
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["url"] == f"{live_server_url}/manifest.webmanifest"
    assert manifest["errors"] == []
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    # Playwright's browser contexts are incognito, where Chromium never offers to install;
    # every criterion the site controls (manifest, icons, worker, secure origin) is met.
    assert [error["errorId"] for error in errors] == ["in-incognito"]
    assert problems == []  # no favicon 404, nothing refused by the CSP

    # when: no network, and a page this phone never kept
    page.context.set_offline(True)
    page.goto("/hem/")

    # then: our own page, not the browser's
    expect(page.locator("#offline-heading")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    assert_accessible(page)
    screenshot(page, "offline-page-phone")
    page.context.set_offline(False)


def test_a_message_written_offline_survives_a_reload_and_is_sent_once(
    new_phone, live_server_url, member, other_member, topic_room, password
):
    # given: the member has opened the room once with the worker in place
    a = new_phone()
    log_in(a, member, password)
    worker_ready(a, live_server_url)
    open_room(a, topic_room)
    b = new_phone()
    log_in(b, other_member, password)
    open_room(b, topic_room)

    # when: no network, a message is written, the page reloaded
    a.context.set_offline(True)
    expect(a.locator("#chat-room")).to_have_attribute("data-connection", "down")
    box = a.get_by_role("textbox", name=MESSAGE_BOX)
    box.fill("Skrivet på tåget")
    box.press("Enter")
    expect(message(a, "Skrivet på tåget").locator(".chat-msg__status")).to_have_text(QUEUED)
    a.reload()  # served by the service worker from its copy of the room

    # then: still there, still waiting
    expect(message(a, "Skrivet på tåget").locator(".chat-msg__status")).to_have_text(QUEUED)
    assert Message.objects.count() == 0

    # when: the connection is back
    a.context.set_offline(False)

    # then: sent once, with the client_id it was written with, and shown once to others
    expect(a.locator(".chat-msg--pending")).to_have_count(0)
    expect(message(b, "Skrivet på tåget")).to_have_count(1)
    assert bodies(b) == ["Skrivet på tåget"]
    assert list(Message.objects.values_list("body", "author_id")) == [
        ("Skrivet på tåget", member.pk)
    ]
    a.reload()
    expect(message(a, "Skrivet på tåget")).to_have_count(1)
    assert bodies(a) == ["Skrivet på tåget"]
    assert Message.objects.count() == 1
