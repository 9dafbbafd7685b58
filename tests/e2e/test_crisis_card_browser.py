"""On a phone: one crisis card per room that updates, closes and comes back from "Support
now" after a reload; a muted member sees until when, also after a reload.

New texts are matched in Swedish or English, so these tests hold both before and after the
Swedish catalogue gets the new entries.
"""

import json
import re
import urllib.request
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from moderation import room_state, starter
from moderation.models import CrisisCard, CrisisContact, Sanction, WordRule
from tests.e2e.test_chat_browser import log_in, open_room, write
from tests.live import assert_accessible, fresh_code, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SUPPORT_NOW = re.compile(r"^(Stöd nu|Support now)$")
CLOSE = re.compile(r"^(Stäng|Close)$")
SHORT_PHONE = {"width": 390, "height": 500}


@pytest.fixture(autouse=True)
def _starter_rules(db):
    """Reference data: transactional tests flush it, so load it again."""
    starter.load_all(WordRule, CrisisContact)


def both_sizes(page, name: str) -> None:
    screenshot(page, f"{name}-390x844")
    page.set_viewport_size(SHORT_PHONE)
    screenshot(page, f"{name}-390x500")
    page.set_viewport_size({"width": 390, "height": 844})


def test_two_crisis_messages_make_one_card_that_closes_and_comes_back_after_a_reload(
    new_phone, member, topic_room, password
):
    page = new_phone()
    problems = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    log_in(page, member, password)
    open_room(page, topic_room)
    card = page.locator("#chat-crisis")
    support_now = page.get_by_role("button", name=SUPPORT_NOW)
    expect(support_now).to_be_hidden()

    # when: a crisis in a new wording, then another
    write(page, "mamma har tagit en överdos")
    expect(card).to_be_visible()
    write(page, "jag vill inte leva längre")

    # then: one card, updated to the writer's own crisis, nothing stacked in the list
    expect(card.locator("h2")).to_have_text(re.compile(r"^(Du är inte ensam|You are not alone)"))
    expect(page.locator(".chat-notice--crisis, #chat-messages .chat-notice")).to_have_count(0)
    expect(page.locator("#chat-crisis h2")).to_have_count(1)
    assert CrisisCard.objects.get().categories == ["crisis_self", "crisis_other"]
    call = card.get_by_role("link", name=re.compile(r"^(Ring|Call) 112$"))
    assert call.get_attribute("href") == "tel:112"
    expect(support_now).to_be_visible()
    assert_accessible(page)
    both_sizes(page, "crisis-card-open")

    card.get_by_role("button", name=CLOSE).click()
    expect(card).to_be_hidden()
    expect(support_now).to_be_focused()

    # when: the page is reloaded, the card can be opened again from the header
    open_room(page, topic_room)
    expect(card).to_be_hidden()
    expect(support_now).to_be_visible()
    assert_accessible(page)
    both_sizes(page, "crisis-support-now")
    support_now.click()

    expect(card).to_be_visible()
    expect(card).to_be_focused()
    expect(card.locator("h2")).to_have_text(re.compile(r"^(Du är inte ensam|You are not alone)"))
    assert problems == []


def test_a_muted_member_sees_until_when_after_a_reload_with_the_composer_closed(
    new_phone, member, topic_room, password
):
    sanction = Sanction.objects.create(
        user=member,
        kind=Sanction.Kind.MUTE,
        room=topic_room,
        reason="internt skäl",
        ends_at=timezone.now() + timedelta(minutes=45),
    )
    until = room_state.until_text(sanction.ends_at)
    page = new_phone()
    log_in(page, member, password)

    open_room(page, topic_room)
    page.reload()
    expect(page.locator("#chat-room")).to_have_attribute("data-connection", "up")

    banner = page.locator("#chat-mute")
    expect(banner).to_have_text(
        re.compile(rf"^(Du kan inte skriva här till|You cannot write here until) {until}\.$")
    )
    assert re.fullmatch(r"(\d{2}\.\d{2})|(\d{1,2} \w+ \d{2}\.\d{2})", until)
    expect(page.locator("#chat-input")).to_be_disabled()
    expect(page.locator("#chat-send")).to_be_disabled()
    expect(page.locator("#chat-composer-note")).to_have_text(
        re.compile(r"(paused your writing|pausat)")
    )
    expect(page.locator("body")).not_to_contain_text("internt skäl")
    assert_accessible(page)
    both_sizes(page, "mute-banner")


def test_the_composer_opens_again_when_the_mute_ends(new_phone, member, topic_room, password):
    Sanction.objects.create(
        user=member,
        kind=Sanction.Kind.MUTE,
        room=topic_room,
        reason="internt skäl",
        ends_at=timezone.now() + timedelta(seconds=4),
    )
    page = new_phone()
    log_in(page, member, password)
    page.goto(f"/rum/{topic_room.pk}/")
    expect(page.locator("#chat-input")).to_be_disabled()

    expect(page.locator("#chat-input")).to_be_enabled(timeout=8000)
    expect(page.locator("#chat-mute")).to_be_hidden()


def test_a_mute_closes_the_open_room_at_once(
    new_phone, member, moderator, topic_room, password, live_server_url
):
    page = new_phone()
    log_in(page, member, password)
    open_room(page, topic_room)
    expect(page.locator("#chat-input")).to_be_enabled()

    # when: a moderator mutes them over the API of the live server
    credentials = {"email": moderator.email, "password": password, "code": fresh_code(moderator)}
    token = call(live_server_url, "/api/v1/auth/token/", credentials)
    call(
        live_server_url,
        "/api/v1/moderation/actions/",
        {
            "action": "mute",
            "reason": "internt",
            "member": member.pk,
            "room": topic_room.pk,
            "minutes": 30,
        },
        token=token["token"],
    )

    # then
    until = room_state.until_text(Sanction.objects.get(user=member).ends_at)
    expect(page.locator("#chat-mute")).to_have_text(
        re.compile(rf"^(Du kan inte skriva här till|You cannot write here until) {until}\.$")
    )
    expect(page.locator("#chat-input")).to_be_disabled()
    expect(page.locator("#chat-send")).to_be_disabled()
    expect(page.locator("body")).not_to_contain_text("internt")
    assert_accessible(page)


def call(base: str, path: str, body: dict, token: str | None = None) -> dict:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Token {token}"
    url = base + path  # the live test server, over http
    data = json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers=headers, method="POST")  # noqa: S310
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return json.loads(response.read())
