"""Bredvid as an installed app on a phone: the service worker, our offline page, and a
message written without a connection that survives a reload and is sent exactly once."""

import re

import pytest
from playwright.sync_api import expect

from chat.models import Message, Room
from tests.e2e.test_chat_browser import (
    MESSAGE_BOX,
    bodies,
    eventually,
    log_in,
    message,
    open_room,
    write,
)
from tests.live import assert_accessible, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WORKER_READY = """Promise.race([
  navigator.serviceWorker.ready.then((registration) => registration.scope),
  new Promise((resolve) => setTimeout(() => resolve("not ready within 20 s"), 20000)),
])"""
CONTROLLED = "navigator.serviceWorker.controller !== null"
TRY_AGAIN = re.compile("^(Försök igen|Try again)$")
# What this phone keeps: the room and meetup pages cached, the messages in the outbox.
KEPT = """(async () => {
  const pages = [];
  for (const name of await caches.keys()) {
    if (!name.startsWith("bredvid-pages-")) continue;
    const cache = await caches.open(name);
    for (const request of await cache.keys()) pages.push(new URL(request.url).pathname);
  }
  const outbox = await new Promise((resolve) => {
    const open = indexedDB.open("bredvid-outbox");
    open.onupgradeneeded = () => open.result.createObjectStore("messages", { keyPath: "clientId" });
    open.onsuccess = () => {
      const db = open.result;
      const count = db.transaction("messages").objectStore("messages").count();
      count.onsuccess = () => { db.close(); resolve(count.result); };
    };
  });
  return { pages, outbox };
})()"""
QUEUED = re.compile(r"(Väntar på anslutningen|Waiting for the connection)")


def worker_ready(page, live_server_url) -> None:
    """The worker is installed and active, and controls this page, so the next navigations
    go through it. A page that started loading just before the worker took over stays
    uncontrolled (as in any browser): it is loaded again."""
    assert page.evaluate(WORKER_READY) == f"{live_server_url}/"
    if not page.evaluate(CONTROLLED):
        page.reload()
    eventually(page, lambda: page.evaluate(CONTROLLED), 5)


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
    page.goto("/villkor/")

    # then: our own page, not the browser's
    expect(page.locator("#offline-heading")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    assert_accessible(page)
    screenshot(page, "offline-page-phone")

    # when: back online, "Try again" asks for the same page again
    page.context.set_offline(False)
    page.get_by_role("link", name=TRY_AGAIN).click()

    # then
    expect(page.locator("#offline-heading")).to_have_count(0)
    assert page.url == f"{live_server_url}/villkor/"


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


def test_a_refused_message_stays_with_try_again_after_a_reload(
    new_phone, live_server_url, member, topic_room, password
):
    Room.objects.filter(pk=topic_room.pk).update(slow_mode_seconds=60)
    page = new_phone()
    log_in(page, member, password)
    open_room(page, topic_room)
    write(page, "Första")
    expect(message(page, "Första")).not_to_have_class(re.compile("chat-msg--pending"))
    write(page, "Andra")
    expect(page.locator(".chat-msg--failed")).to_contain_text("Andra")

    # when: the page is reloaded
    page.reload()
    expect(page.locator("#chat-room")).to_have_attribute("data-connection", "up")

    # then: the refused message is still there, waiting for "Try again", not sent by itself
    failed = page.locator(".chat-msg--failed")
    expect(failed).to_contain_text("Andra")
    page.wait_for_timeout(500)
    assert list(Message.objects.values_list("body", flat=True)) == ["Första"]

    # when: slow mode ends and the member tries again
    Room.objects.filter(pk=topic_room.pk).update(slow_mode_seconds=0)
    failed.get_by_role("button", name=TRY_AGAIN).click()

    # then: sent once
    expect(page.locator(".chat-msg--pending")).to_have_count(0)
    expect(message(page, "Andra")).to_have_count(1)
    assert list(Message.objects.order_by("seq").values_list("body", flat=True)) == [
        "Första",
        "Andra",
    ]


def test_signing_out_forgets_kept_pages_and_unsent_messages(
    new_phone, live_server_url, member, topic_room, password
):
    # given: a kept room page and a refused message in the outbox
    Room.objects.filter(pk=topic_room.pk).update(slow_mode_seconds=60)
    page = new_phone()
    log_in(page, member, password)
    worker_ready(page, live_server_url)
    open_room(page, topic_room)
    write(page, "Första")
    expect(message(page, "Första")).not_to_have_class(re.compile("chat-msg--pending"))
    write(page, "Ingen annan ska se detta")
    expect(page.locator(".chat-msg--failed")).to_contain_text("Ingen annan ska se detta")
    eventually(
        page, lambda: page.evaluate(KEPT) == {"pages": [f"/rum/{topic_room.pk}/"], "outbox": 1}
    )

    # when: the member leaves the room (inside it the site menu steps aside) and logs out
    page.goto("/hem/")
    page.get_by_role("button", name=re.compile("^(Logga ut|Log out)$")).first.click()
    expect(page.get_by_role("link", name=re.compile("^(Logga in|Log in)$")).first).to_be_visible()

    # then: no room page and no unsent message is left on the phone
    eventually(page, lambda: page.evaluate(KEPT) == {"pages": [], "outbox": 0}, 10)
