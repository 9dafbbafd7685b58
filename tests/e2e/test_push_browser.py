"""The service worker's push handlers in Chromium: what the lock screen shows, where a tap
leads. The push is delivered through the DevTools protocol, as a push service would."""

import json
import time

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCOPE = "/static/js/"


@pytest.fixture
def phone(live_server_url):
    """A browser of its own: shown notifications belong to the browser, shared by all its
    contexts, so what other tests' pages left could stand in for this test's."""
    from playwright.sync_api import sync_playwright

    from tests.live import CHROMIUM, CHROMIUM_ARGS, PHONE

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport=PHONE, base_url=live_server_url, locale="sv-SE")
        page = context.new_page()
        page.set_default_timeout(10_000)
        yield page
        browser.close()


REGISTER = """async (scope) => {
  const registration = await navigator.serviceWorker.register(scope + "sw-push.js", { scope });
  for (let i = 0; i < 100 && !registration.active; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return Boolean(registration.active);
}"""

SHOWN = """async (scope) => {
  const registration = await navigator.serviceWorker.getRegistration(scope);
  const shown = await registration.getNotifications();
  return shown.map((n) => ({ title: n.title, body: n.body, tag: n.tag, url: n.data.url }));
}"""


def _worker(page, live_server_url):
    page.context.grant_permissions(["notifications"], origin=live_server_url)
    page.goto("/")
    cdp = page.context.new_cdp_session(page)
    registrations = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: registrations.extend(event["registrations"]),
    )
    cdp.send("ServiceWorker.enable")
    assert page.evaluate(REGISTER, SCOPE) is True
    deadline = time.monotonic() + 15  # a deadline for a busy machine, not a speed test
    while not any(r["scopeURL"].endswith(SCOPE) for r in registrations):
        assert time.monotonic() < deadline
        page.wait_for_timeout(50)
    [registration_id] = {
        r["registrationId"] for r in registrations if r["scopeURL"].endswith(SCOPE)
    }
    return cdp, registration_id


def _push_and_read(page, cdp, origin, registration_id, data) -> list:
    """Deliver the push, again every 5 s until it shows, as a push service retries a
    delivery (a busy machine's worker has dropped a first one); one tag, so one shows."""
    deadline = time.monotonic() + 30  # a deadline for a busy machine, not a speed test
    while True:
        cdp.send(
            "ServiceWorker.deliverPushMessage",
            {"origin": origin, "registrationId": registration_id, "data": data},
        )
        again = time.monotonic() + 5
        while not (shown := page.evaluate(SHOWN, SCOPE)) and time.monotonic() < again:
            page.wait_for_timeout(50)
        if shown:
            return shown
        assert time.monotonic() < deadline


def test_a_push_shows_the_servers_neutral_text_and_only_opens_our_own_pages(phone, live_server_url):
    page = phone
    cdp, registration_id = _worker(page, live_server_url)

    shown = _push_and_read(
        page,
        cdp,
        live_server_url,
        registration_id,
        json.dumps(
            {"title": "Bredvid", "body": "You have something new in Bredvid", "url": "/notiser/"}
        ),
    )
    assert shown == [
        {
            "title": "Bredvid",
            "body": "You have something new in Bredvid",
            "tag": "bredvid",
            "url": "/notiser/",
        }
    ]

    # a payload that is not ours (not JSON, or a link elsewhere) still shows only neutral text
    page.evaluate(
        "async (scope) => (await (await navigator.serviceWorker.getRegistration(scope))"
        ".getNotifications()).forEach((n) => n.close())",
        SCOPE,
    )
    # closing is asynchronous: a close still on its way would take the next notification
    # with it (they share the tag), so wait until none is left before the next push
    deadline = time.monotonic() + 15
    while page.evaluate(SHOWN, SCOPE):
        assert time.monotonic() < deadline
        page.wait_for_timeout(50)
    shown = _push_and_read(
        page,
        cdp,
        live_server_url,
        registration_id,
        json.dumps({"url": "https://elsewhere.example/phish"}),
    )
    assert shown == [
        {
            "title": "Bredvid",
            "body": "Du har något nytt i Bredvid",
            "tag": "bredvid",
            "url": "/notiser/",
        }
    ]
