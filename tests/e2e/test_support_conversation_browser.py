"""A support conversation on phones: a member's crisis message reaches the urgent queue, a
moderator opens a support conversation from the item, the member finds it in their room
list and answers there, and the moderator reads the answer live."""

import re
import time

import pytest
from playwright.sync_api import expect

from chat.models import Message, Room
from moderation import screening, starter
from moderation.models import AuditEntry, CrisisContact, QueueItem, WordRule
from tests.live import assert_accessible, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MESSAGE_BOX = re.compile(r"^(Meddelande|Message)$")
OPEN_CONVERSATION = re.compile(r"^(Öppna stödsamtal|Open support conversation)$")


@pytest.fixture(autouse=True)
def _starter_rules(db):
    """The shipped rules are data: transactional tests flush them, so load them again (and
    tell the live server's processes to read them)."""
    starter.load_all(WordRule, CrisisContact)
    screening.rules_changed()


def connected(page):
    expect(page.locator("#chat-room")).to_have_attribute("data-connection", "up")


def write(page, text):
    box = page.get_by_role("textbox", name=MESSAGE_BOX)
    box.fill(text)
    box.press("Enter")


def message(page, text):
    return page.locator("#chat-messages > li", has=page.locator(".chat-msg__body", has_text=text))


def wait_for(read, timeout: float = 10.0):
    """What ``read`` finds once the server has committed it (it answers in another process)."""
    deadline = time.monotonic() + timeout
    while (found := read()) is None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert found is not None
    return found


def watch_errors(page) -> list:
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    return problems


def test_a_crisis_message_leads_to_a_support_conversation_the_member_answers_in(
    new_phone, member, other_member, moderator, topic_room, password
):
    # given: Solros in a shared room, a moderator on duty
    young = new_phone()
    young_problems = watch_errors(young)
    log_in(young, member, password)
    young.goto(f"/rum/{topic_room.pk}/")
    connected(young)

    # when: she writes her crisis in words no literal rule had (no diacritics, words between)
    write(young, "orkar inte, vill typ inte finnas langre")

    # then: she gets one crisis card, and it is an urgent item in the moderators' queue
    expect(message(young, "inte finnas langre")).to_have_count(1)
    expect(young.locator("#chat-crisis h2")).to_have_count(1, timeout=15_000)
    item = wait_for(lambda: QueueItem.objects.first())
    assert (item.priority, item.message.author_id) == (QueueItem.Priority.URGENT, member.pk)

    # when: the moderator opens a support conversation from the item
    mod = new_phone()
    mod_problems = watch_errors(mod)
    log_in(mod, moderator, password)
    mod.goto(f"/moderering/{item.pk}/")
    assert_accessible(mod)
    mod.get_by_role("button", name=OPEN_CONVERSATION).scroll_into_view_if_needed()
    screenshot(mod, "support-open-from-item-phone")
    mod.get_by_role("button", name=OPEN_CONVERSATION).click()
    mod.wait_for_url(re.compile(r"/rum/\d+/$"))
    room = Room.objects.get(kind=Room.Kind.SUPPORT)
    assert mod.url.endswith(f"/rum/{room.pk}/")
    connected(mod)
    write(mod, "Hej Solros, jag heter Mika och finns här nu. Vill du berätta?")
    expect(message(mod, "jag heter Mika")).to_have_count(1)

    # then: Solros finds it in her room list, set apart from the shared rooms
    young.goto("/rum/")
    card = young.locator(".room-card--support")
    expect(card).to_have_count(1)
    expect(card.locator(".room-card__tag--support")).to_have_text(
        re.compile(r"^(Privat: bara du och personalen|Private: only you and the staff)$")
    )
    expect(young.locator(".room-card")).to_have_count(2)  # the shared room and hers
    assert_accessible(young)
    screenshot(young, "support-room-list-phone")

    # and the other member sees no such room
    other = new_phone()
    log_in(other, other_member, password)
    other.goto("/rum/")
    expect(other.locator(".room-card--support")).to_have_count(0)
    response = other.goto(f"/rum/{room.pk}/")
    assert response.status == 404

    # when: she opens it and answers
    card.get_by_role("link").click()
    young.wait_for_url(f"**/rum/{room.pk}/")
    connected(young)
    expect(message(young, "jag heter Mika")).to_have_count(1)
    write(young, "Tack. Jag vill prata, det är pappa igen")
    expect(message(young, "det är pappa igen")).to_have_count(1)
    assert_accessible(young)
    screenshot(young, "support-room-phone")

    # then: the moderator reads the answer live, and every message is in the log
    expect(message(mod, "det är pappa igen")).to_have_count(1)
    logged = AuditEntry.objects.filter(action="support.message").order_by("pk")
    sent = Message.objects.filter(room=room).order_by("seq")
    assert [(e.actor_id, e.target_id) for e in logged] == [(m.author_id, str(m.pk)) for m in sent]
    assert [m.author_id for m in sent] == [moderator.pk, member.pk]
    assert young_problems == []
    assert mod_problems == []
