"""A talk request answered with a time, and the on-call alert, on phones.

The new texts are matched in Swedish or English (or found by their place on the page), so
the tests hold both before and after the Swedish catalogue gets the new entries.
"""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from community.models import TalkProposal, TalkRequest
from moderation import starter
from moderation.models import CrisisContact, QueueItem, WordRule
from tests.live import MESSAGE_BOX, assert_accessible, log_in, screenshot
from tests.support.factories import TalkRequestFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def test_staff_suggest_a_time_and_the_member_accepts_it_on_a_phone(
    new_phone, member, coordinator, password
):
    talk_request = TalkRequestFactory(user=member, preferred_times="Efter skolan")
    day = (timezone.now() + timedelta(days=2)).astimezone(STOCKHOLM).date()
    local = datetime(day.year, day.month, day.day, 14, 30, tzinfo=STOCKHOLM)

    # given: the coordinator suggests a time from the queue
    staff = new_phone()
    log_in(staff, coordinator, password)
    staff.goto("/samordning/samtal/")
    item = staff.locator(f"#talk-{talk_request.pk}")
    item.get_by_label(re.compile(r"^(Föreslagen tid|Suggested time)")).fill(
        local.strftime("%Y-%m-%dT%H:%M")
    )
    item.get_by_label(re.compile(r"^(Meddelande till medlemmen|Message to the member)")).fill(
        "Hej! Jag ringer dig då, om det passar."
    )
    assert_accessible(staff)
    item.locator(f'form[action="/samordning/samtal/{talk_request.pk}/tid/"] button').click()
    staff.wait_for_url("**/samordning/samtal/**")
    expect(staff.locator(f"#talk-{talk_request.pk} .proposal-list")).to_contain_text("14.30")

    # when: the member opens the app, sees the notification and follows it
    phone = new_phone()
    log_in(phone, member, password)
    note = phone.locator('.notifications a[href="/prata-med-nagon/"]')
    expect(note).to_be_visible()
    assert_accessible(phone)
    note.click()
    phone.wait_for_url("**/prata-med-nagon/")
    proposal = phone.locator(".proposal").first
    expect(proposal.locator(".proposal__time")).to_contain_text("14.30")
    expect(proposal).to_contain_text("Hej! Jag ringer dig då, om det passar.")
    assert_accessible(phone)
    screenshot(phone, "talk-proposal-phone")
    proposal.locator("form").first.get_by_role("button").click()
    phone.wait_for_url("**/prata-med-nagon/")

    # then: the conversation is booked, and the member's page says so
    expect(phone.locator(".talk-status__status")).to_contain_text(re.compile("(Bokad|Booked)"))
    expect(phone.locator(".proposal--accepted")).to_have_count(1)
    assert_accessible(phone)
    screenshot(phone, "talk-proposal-accepted-phone")
    assert TalkRequest.objects.get().status == "booked"
    stored = TalkProposal.objects.get()
    assert (stored.status, stored.starts_at) == ("accepted", local)


def test_an_urgent_item_rings_the_moderators_dashboard(
    new_phone, member, moderator, topic_room, password
):
    starter.load_all(WordRule, CrisisContact)
    mod = new_phone()
    log_in(mod, moderator, password)
    mod.goto("/moderering/")
    expect(mod.locator("#mod-live")).to_have_attribute("data-state", "on")
    expect(mod.locator("#mod-alert")).to_be_hidden()
    writer = new_phone()
    log_in(writer, member, password)
    writer.goto(f"/rum/{topic_room.pk}/")
    expect(writer.locator("#chat-room")).to_have_attribute("data-connection", "up")

    writer.get_by_role("textbox", name=MESSAGE_BOX).fill("jag vill inte leva längre")
    writer.get_by_role("textbox", name=MESSAGE_BOX).press("Enter")

    alert = mod.get_by_role("alert")
    expect(alert).to_be_visible()
    item = QueueItem.objects.get()
    expect(alert.locator("a")).to_have_attribute("href", f"/moderering/{item.pk}/")
    expect(alert).to_have_attribute("data-sound", re.compile("^(played|blocked)$"))
    assert_accessible(mod)
    screenshot(mod, "moderation-urgent-alert-phone")
    alert.get_by_role("button").click()
    expect(mod.locator("#mod-alert")).to_be_hidden()
