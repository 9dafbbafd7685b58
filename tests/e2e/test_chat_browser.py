"""Two young carers on phones in one chat room: live messages, reactions, a lost connection.

The chat's own texts are matched in Swedish or English, so these tests hold both before
and after the Swedish catalogue gets the new entries.
"""

import json
import re
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connections
from playwright.sync_api import expect

from chat import services
from chat.models import Message, ReadState, Room
from tests.factories import RoomFactory
from tests.live import (
    ARTIFACTS,
    MESSAGE_BOX,
    assert_accessible,
    log_in,
    open_room,
    screenshot,
    write,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ADD_REACTION = re.compile(r"^(Lägg till reaktion|Add reaction)")
REACT_HEART = re.compile(r"^(Reagera med|React with) ❤️")
REPLY = re.compile(r"^(Svara|Reply)$")
# Before the project's catalogue has "Edit", Django's own Swedish ("Redigera") shows.
EDIT = re.compile(r"^(Ändra|Redigera|Edit)$")
DELETE = re.compile(r"^(Radera|Delete)$")
SAVE = re.compile(r"^(Spara|Save)$")


def message(page, text):
    return page.locator("#chat-messages > li", has=page.locator(".chat-msg__body", has_text=text))


def bodies(page) -> list[str]:
    return page.locator("#chat-messages > li .chat-msg__body").all_inner_texts()


def read_up_to(user, room) -> int:
    state = ReadState.objects.filter(user=user, room=room).first()
    return state.last_read_seq if state else 0


def eventually(page, check, seconds=5):
    for _ in range(seconds * 10):
        if check():
            return
        page.wait_for_timeout(100)
    assert check()


def post(user, room, body, client_id):
    """Post through the real service. Its broadcast uses async_to_sync, which cannot run in
    this thread while Playwright's event loop does, so the post runs in a thread of its own."""

    def in_thread():
        try:
            return services.message_send(user=user, room_id=room.pk, body=body, client_id=client_id)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(in_thread).result()


def test_rooms_list_and_room_page_pass_axe(new_phone, member, other_member, topic_room, password):
    # given: three messages from someone else, none read yet
    for n in range(1, 4):
        post(other_member, topic_room, f"Hej nummer {n}", f"seed-{n}")
    page = new_phone()
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    log_in(page, member, password)

    # when
    page.get_by_role("link", name=re.compile("^(Rum|Rooms)$")).click()

    # then
    page.wait_for_url("**/rum/")
    card = page.locator(".room-card", has_text=topic_room.name)
    expect(card.locator(".room-card__badge")).to_contain_text("3")
    expect(card.locator(".room-card__last")).to_have_text("Havsörn: Hej nummer 3")
    assert_accessible(page)
    screenshot(page, "chat-rooms-phone")

    card.get_by_role("link", name=topic_room.name).click()
    page.wait_for_url(f"**/rum/{topic_room.pk}/")
    expect(page.locator("#chat-room")).to_have_attribute("data-connection", "up")
    assert bodies(page) == ["Hej nummer 1", "Hej nummer 2", "Hej nummer 3"]
    assert topic_room.name not in page.title()  # a neutral tab title
    assert_accessible(page)
    assert problems == []  # no script errors, nothing refused by the CSP


def test_a_room_one_cannot_see_answers_the_normal_404(new_phone, member, password, group_room):
    page = new_phone()
    log_in(page, member, password)

    response = page.goto(f"/rum/{group_room.pk}/")

    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Vi hittar inte den sidan")


def test_live_messages_reactions_and_resume_after_going_offline(
    new_phone, member, other_member, topic_room, password
):
    a = new_phone()
    log_in(a, member, password)
    b = new_phone()
    log_in(b, other_member, password)
    open_room(a, topic_room)
    open_room(b, topic_room)
    expect(a.locator("#chat-presence")).to_contain_text("Havsörn")

    # A writes, B sees the typing and then the message live
    a.get_by_role("textbox", name=MESSAGE_BOX).fill("Hej")
    expect(b.locator("#chat-typing")).to_contain_text("Solros")
    write(a, "Hej från Solros")
    expect(message(b, "Hej från Solros")).to_have_count(1)
    expect(b.locator("#chat-typing")).to_be_empty()

    # B reacts, A sees the count
    on_b = message(b, "Hej från Solros")
    on_b.get_by_role("button", name=ADD_REACTION).click()
    on_b.get_by_role("button", name=REACT_HEART).click()
    expect(on_b.get_by_role("button", name=REACT_HEART)).to_have_attribute("aria-pressed", "true")
    heart_on_a = message(a, "Hej från Solros").get_by_role("button", name=REACT_HEART)
    expect(heart_on_a).to_have_attribute("aria-pressed", "false")
    expect(heart_on_a.locator(".chat-reaction__count")).to_have_text("1")

    # B loses the network while A writes three more
    b.evaluate("window.sameDocument = true")
    b.context.set_offline(True)
    expect(b.locator("#chat-offline")).to_be_visible()
    expect(b.locator("#chat-room")).to_have_attribute("data-connection", "down")
    screenshot(b, "chat-room-offline")
    for text in ["Ett", "Två", "Tre"]:
        write(a, text)
    expect(a.locator(".chat-msg--pending")).to_have_count(0)  # all three acknowledged
    assert bodies(a) == ["Hej från Solros", "Ett", "Två", "Tre"]
    assert message(b, "Ett").count() == 0

    # B is back: every message once, in order, without a reload
    b.context.set_offline(False)
    expect(message(b, "Tre")).to_have_count(1)
    expect(b.locator("#chat-offline")).to_have_count(0)
    assert bodies(b) == ["Hej från Solros", "Ett", "Två", "Tre"]
    assert b.evaluate("window.sameDocument") is True
    seqs = b.locator("#chat-messages > li").evaluate_all("items => items.map(i => i.dataset.seq)")
    assert seqs == ["1", "2", "3", "4"]
    eventually(b, lambda: read_up_to(other_member, topic_room) == 4)  # B has seen them all
    assert list(Message.objects.order_by("seq").values_list("body", flat=True)) == [
        "Hej från Solros",
        "Ett",
        "Två",
        "Tre",
    ]


def test_text_stays_text_links_open_and_own_messages_can_change(
    new_phone, member, other_member, topic_room, password
):
    post(other_member, topic_room, "Hur har ni det i dag?", "seed-1")
    page = new_phone()
    page.context.route(
        "https://example.org/**",
        lambda route: route.fulfill(content_type="text/html", body="<title>Sida</title>"),
    )
    log_in(page, member, password)
    open_room(page, topic_room)

    # a reply with markup and links
    question = message(page, "Hur har ni det i dag?")
    question.get_by_role("button", name=REPLY).click()
    expect(page.locator("#chat-reply")).to_be_visible()
    write(page, "Se <b>x</b> på https://example.org/sida. Inte javascript:alert(1)")

    sent = message(page, "<b>x</b>")
    expect(sent).to_have_count(1)
    expect(sent).not_to_have_class(re.compile("chat-msg--pending"))
    expect(page.locator("#chat-reply")).to_be_hidden()
    assert sent.locator(".chat-msg__body b").count() == 0
    expect(sent.locator(".chat-msg__quote")).to_contain_text("Hur har ni det i dag?")
    link = sent.locator(".chat-msg__body a")
    expect(link).to_have_count(1)
    assert link.get_attribute("href") == "https://example.org/sida"
    assert link.get_attribute("rel") == "noopener noreferrer nofollow"
    assert link.get_attribute("target") == "_blank"
    with page.expect_popup() as popup:
        link.click()
    assert popup.value.url == "https://example.org/sida"
    popup.value.close()

    assert_accessible(page)
    screenshot(page, "chat-room-phone")
    page.screenshot(path=str(ARTIFACTS / "chat-room-phone-viewport.png"))

    # edit inline
    sent = page.locator(f"#{sent.get_attribute('id')}")  # the same message, whatever it says
    sent.get_by_role("button", name=EDIT).click()
    box = sent.get_by_role("textbox")
    expect(box).to_be_focused()
    box.fill("Ändrad text")
    sent.get_by_role("button", name=SAVE).click()
    expect(sent.locator(".chat-msg__body")).to_have_text("Ändrad text")
    expect(sent.locator(".chat-msg__edited")).to_be_visible()

    # delete after confirming, in place (a modal would cover "Leave quickly")
    sent.get_by_role("button", name=DELETE).click()
    question = sent.get_by_role("group")
    expect(question.get_by_role("button", name=re.compile("^(Avbryt|Cancel)$"))).to_be_focused()
    assert_accessible(page)
    question.get_by_role("button", name=DELETE).click()
    expect(page.locator(".chat-msg--deleted")).to_have_count(1)
    expect(page.locator(".chat-msg--deleted .chat-msg__body")).to_have_text(
        re.compile("^(Meddelandet är raderat|The message is deleted)$")
    )
    assert Message.objects.get(author=member).state == Message.State.DELETED


def seed(room, author, count, *, start=1):
    """Messages stored without any broadcast, as if nobody had heard of them."""
    Message.objects.bulk_create(
        Message(room=room, seq=n, author=author, body=f"nr {n}", client_id=f"bulk-{n}")
        for n in range(start, start + count)
    )
    Room.objects.filter(pk=room.pk).update(last_seq=start + count - 1)


def test_unread_line_and_older_messages_on_scrolling_up(
    new_phone, member, other_member, topic_room, password
):
    # given: 60 messages, read up to 35
    seed(topic_room, other_member, 60)
    ReadState.objects.create(user=member, room=topic_room, last_read_seq=35)
    page = new_phone()
    log_in(page, member, password)

    # when
    open_room(page, topic_room)

    # then: the newest ones, and a line above the first unread one, in view
    expect(page.locator("#chat-messages > li")).to_have_count(30)
    assert bodies(page)[0] == "nr 31"
    divider = page.locator(".chat-divider")
    expect(divider).to_have_count(1)
    assert divider.evaluate("d => d.closest('li').dataset.seq") == "36"
    expect(divider).to_be_in_viewport()

    # when: scrolled to the top
    kept = page.locator("#chat-msg-31")
    page.locator("#chat-scroller").evaluate("s => { s.scrollTop = 0; }")

    # then: the older ones come in above, and what was on screen stays there
    expect(page.locator("#chat-messages > li")).to_have_count(60)
    assert bodies(page) == [f"nr {n}" for n in range(1, 61)]
    expect(kept).to_be_in_viewport()
    expect(page.locator("#chat-older")).to_be_hidden()


def test_a_lost_broadcast_is_filled_from_rest(
    new_phone, member, other_member, topic_room, password
):
    a = new_phone()
    log_in(a, member, password)
    b = new_phone()
    log_in(b, other_member, password)
    open_room(a, topic_room)
    open_room(b, topic_room)

    # given: message 1 is stored but its broadcast is lost
    seed(topic_room, other_member, 1)

    # when: message 2 arrives normally
    write(b, "nr 2")

    # then: both see the jump from 0 to 2, fill it from REST, and show each message once
    for page in (a, b):
        expect(message(page, "nr 1")).to_have_count(1)
        assert bodies(page) == ["nr 1", "nr 2"]


def test_slow_mode_refusal_shows_the_wait_and_a_retry_that_sends_no_second_message(
    new_phone, member, topic_room, password
):
    Room.objects.filter(pk=topic_room.pk).update(slow_mode_seconds=60)
    page = new_phone()
    log_in(page, member, password)
    open_room(page, topic_room)
    expect(page.locator("#chat-composer-note")).to_contain_text("60")

    write(page, "Första")
    expect(message(page, "Första")).not_to_have_class(re.compile("chat-msg--pending"))
    write(page, "Andra")

    failed = page.locator(".chat-msg--failed")
    expect(failed).to_contain_text("Andra")
    expect(failed.locator(".chat-msg__error")).to_contain_text(re.compile(r"\d+ s"))
    expect(page.locator("#chat-composer-note")).to_contain_text(re.compile(r"\d+ s"))
    failed.get_by_role("button", name=re.compile("^(Försök igen|Try again)$")).click()
    expect(page.locator(".chat-msg--failed")).to_contain_text("Andra")
    assert list(Message.objects.values_list("body", flat=True)) == ["Första"]


def test_a_locked_room_can_be_read_but_not_written_in(new_phone, member, other_member, password):
    room = RoomFactory(name="Låst rum", is_locked=True)
    seed(room, other_member, 1)
    page = new_phone()
    log_in(page, member, password)

    open_room(page, room)

    expect(message(page, "nr 1")).to_have_count(1)
    expect(page.get_by_role("textbox", name=MESSAGE_BOX)).to_be_disabled()
    expect(page.locator("#chat-composer-note")).not_to_be_empty()
    expect(message(page, "nr 1").get_by_role("button", name=REPLY)).to_have_count(0)
    assert_accessible(page)


def test_signing_out_in_another_tab_sends_the_room_to_the_login_page(
    new_phone, member, topic_room, password
):
    page = new_phone()
    log_in(page, member, password)
    open_room(page, topic_room)

    other_tab = page.context.new_page()
    other_tab.goto("/hem/")
    other_tab.get_by_role("button", name="Logga ut").click()

    page.wait_for_url("**/konto/login/?**")
    assert parse_qs(urlsplit(page.url).query) == {"next": [f"/rum/{topic_room.pk}/"]}


def watch_sockets(page) -> list:
    """Every socket the page opens, passed through to the server; the test may add frames
    of its own (``send``) or close the page's side with a code (``close``)."""
    sockets = []

    def through(ws):
        ws.connect_to_server()
        sockets.append(ws)

    page.route_web_socket("**/ws/", through)
    return sockets


def test_a_server_restart_reconnects_and_a_refusal_stops_trying(
    new_phone, member, topic_room, password
):
    page = new_phone()
    log_in(page, member, password)
    sockets = watch_sockets(page)  # the room's socket, not the home page's bell
    open_room(page, topic_room)

    # a restarting server (1012): back by itself, without a banner left behind
    sockets[0].close(code=1012)
    expect(page.locator("#chat-room")).to_have_attribute("data-connection", "up")
    assert len(sockets) == 2
    expect(page.locator("#chat-offline")).to_have_count(0)

    # 4429 (too many errors): a banner, and no new connection for 30 seconds
    sockets[1].close(code=4429)
    expect(page.locator("#chat-alert")).not_to_be_empty()
    page.wait_for_timeout(2000)
    assert len(sockets) == 2

    # 4403 (forbidden): a banner, and no more tries at all
    open_room(page, topic_room)
    sockets[-1].close(code=4403)
    expect(page.locator("#chat-room")).to_have_attribute("data-connection", "stopped")
    expect(page.locator("#chat-alert")).not_to_be_empty()
    count = len(sockets)
    page.context.set_offline(True)
    page.context.set_offline(False)  # "online" again: still no new try
    page.wait_for_timeout(1500)
    assert len(sockets) == count
    assert_accessible(page)


def test_a_private_crisis_card_shows_people_to_call(new_phone, member, topic_room, password):
    page = new_phone()
    log_in(page, member, password)
    sockets = watch_sockets(page)  # the room's socket, not the home page's bell
    open_room(page, topic_room)

    # when: the server sends this person a crisis card (a word rule matched their message)
    sockets[0].send(
        json.dumps(
            {
                "type": "notice",
                "kind": "crisis",
                "title": "Du är inte ensam",
                "body": "Prata med någon i dag. <img src=x onerror=alert(1)>",
                "contacts": [
                    {
                        "name": "BRIS",
                        "phone": "116 111",
                        "url": "https://www.bris.se/",
                        "hours": "Dygnet runt",
                    },
                    {"name": "Okänd", "phone": "", "url": "javascript:alert(1)", "hours": ""},
                ],
            }
        )
    )

    # then
    card = page.locator(".chat-notice")
    expect(card).to_contain_text("Du är inte ensam")
    expect(card.locator(".chat-notice__body")).to_have_text(
        "Prata med någon i dag. <img src=x onerror=alert(1)>"
    )
    call = card.get_by_role("link", name=re.compile(r"^(Ring|Call) 116 111$"))
    assert call.get_attribute("href") == "tel:116111"
    assert card.locator("a[href^='javascript']").count() == 0
    expect(page.locator("#chat-announcer")).to_contain_text("Du är inte ensam")
    assert_accessible(page)
    screenshot(page, "chat-crisis-card")

    card.get_by_role("button", name=re.compile("^(Stäng|Close)$")).click()
    expect(card).to_have_count(0)
