"""The chat on a phone: the composer stays on screen (keyboard open, landscape, small phones),
the site's header and footer step aside in a room, one author's run of messages reads as one,
and the room list and the tab title count unread messages live."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.test_chat_browser import MESSAGE_BOX, log_in, open_room, post, write
from tests.live import assert_accessible, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = [(390, 844), (390, 500), (375, 548), (844, 390)]


def box(page, selector):
    return page.locator(selector).first.bounding_box()


@pytest.mark.parametrize(("width", "height"), VIEWPORTS, ids=lambda v: str(v))
def test_room_fits_the_screen(new_phone, member, other_member, topic_room, password, width, height):
    # given: a run of short messages by one author, then one by someone else
    for n in range(1, 4):
        post(other_member, topic_room, f"Hej {n}", f"run-{n}")
    post(member, topic_room, "Min tur", "mine-1")
    page = new_phone()
    log_in(page, member, password)
    page.set_viewport_size({"width": width, "height": height})

    # when
    open_room(page, topic_room)
    expect(page.locator("#chat-messages > li")).to_have_count(4)
    screenshot(page, f"chat-room-{width}x{height}")

    # then: the composer is wholly on screen and above every other thing
    composer = box(page, "#chat-composer")
    assert composer["y"] >= 0
    assert composer["y"] + composer["height"] <= height
    assert page.evaluate("document.scrollingElement.scrollHeight") <= height
    assert not page.locator(".site-footer").is_visible()
    log = box(page, "#chat-scroller")
    assert log["height"] >= 0.35 * height
    # a one-line message is at most 60 px high, and a run names its author once
    rows = page.locator("#chat-messages > li")
    expect(rows).to_have_count(4)
    heights = [rows.nth(i).bounding_box()["height"] for i in range(4)]
    assert max(heights) <= 60, heights
    authors = page.evaluate(
        """[...document.querySelectorAll('#chat-messages .chat-msg__author')]
            .filter((name) => name.getBoundingClientRect().width > 1)
            .map((name) => name.textContent)"""
    )
    assert authors == ["Havsörn"]  # one's own messages go by their colour

    # and it is usable: a message written there is sent and shown
    write(page, "Syns jag?")
    expect(page.locator("#chat-messages > li .chat-msg__body").last).to_have_text("Syns jag?")
    expect(page.get_by_role("textbox", name=MESSAGE_BOX)).to_be_in_viewport()
    assert_accessible(page)


def test_unread_counts_on_the_room_list_and_in_the_tab_title_are_live(
    new_phone, member, other_member, topic_room, password
):
    page = new_phone()
    log_in(page, member, password)
    page.goto("/rum/")
    card = page.locator(".room-card", has_text=topic_room.name)
    expect(card.locator(".room-card__badge")).to_have_count(0)
    title = page.title()
    assert not title.startswith("(")
    expect(page.locator("body")).to_have_attribute("data-live", "up")
    other = new_phone()
    log_in(other, other_member, password)
    open_room(other, topic_room)

    # when: someone writes twice in a listed room
    write(other, "Hej")
    write(other, "Är någon här?")

    # then
    expect(card.locator(".room-card__badge")).to_have_text(re.compile(r"^2 (olästa|unread)$"))
    expect(page).to_have_title(f"(2) {title}")
    expect(card.locator(".room-card__last")).to_have_text("Havsörn: Är någon här?")
    expect(other.locator("#chat-presence")).not_to_contain_text("Solros")  # the list is not there
    assert_accessible(page)

    # when: I read the room on my other phone and answer there
    mine = new_phone()
    log_in(mine, member, password)
    open_room(mine, topic_room)
    write(mine, "Jag är här")

    # then: nothing is unread, and the list shows my answer
    expect(card.locator(".room-card__last")).to_have_text("Solros: Jag är här")
    expect(card.locator(".room-card__badge")).to_have_count(0)
    expect(page).to_have_title(title)
