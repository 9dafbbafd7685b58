"""Two young carers on phones in one chat room: live messages, reactions, a lost connection.

The chat's own texts are matched in Swedish or English, so these tests hold both before
and after the Swedish catalogue gets the new entries.
"""

import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections
from playwright.sync_api import expect

from chat import services
from chat.models import Message
from tests.live import assert_accessible, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ADD_REACTION = re.compile(r"^(Lägg till reaktion|Add reaction)")
REACT_HEART = re.compile(r"^(Reagera med|React with) ❤️")
REPLY = re.compile(r"^(Svara|Reply)$")
EDIT = re.compile(r"^(Ändra|Edit)$")
DELETE = re.compile(r"^(Radera|Delete)$")
SAVE = re.compile(r"^(Spara|Save)$")
MESSAGE_BOX = re.compile(r"^(Meddelande|Message)$")


def log_in(page, user, password):
    page.goto("/konto/login/")
    page.get_by_label("E-postadress").fill(user.email)
    page.get_by_label("Lösenord").fill(password)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url("**/hem/")


def open_room(page, room):
    page.goto(f"/rum/{room.pk}/")
    expect(page.locator("#chat-room")).to_have_attribute("data-connection", "up")


def write(page, text):
    box = page.get_by_role("textbox", name=MESSAGE_BOX)
    box.fill(text)
    box.press("Enter")


def message(page, text):
    return page.locator("#chat-messages > li", has=page.locator(".chat-msg__body", has_text=text))


def bodies(page) -> list[str]:
    return page.locator("#chat-messages > li .chat-msg__body").all_inner_texts()


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

    # A writes, B sees it live
    write(a, "Hej från Solros")
    expect(message(b, "Hej från Solros")).to_have_count(1)

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

    # edit inline
    sent.get_by_role("button", name=EDIT).click()
    box = sent.get_by_role("textbox")
    expect(box).to_be_focused()
    box.fill("Ändrad text")
    sent_after = message(page, "Ändrad text")
    sent.get_by_role("button", name=SAVE).click()
    expect(sent_after.locator(".chat-msg__edited")).to_be_visible()

    # delete after confirming
    sent_after.get_by_role("button", name=DELETE).click()
    dialog = page.locator("#chat-delete-dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name=DELETE).click()
    expect(page.locator(".chat-msg--deleted")).to_have_count(1)
    expect(page.locator(".chat-msg--deleted .chat-msg__body")).to_have_text(
        re.compile("^(Meddelandet är raderat|The message is deleted)$")
    )
    assert Message.objects.get(author=member).state == Message.State.DELETED
