"""Two members of one group, one reading Swedish and one English, see the same meetup card in
their own language: in the room (the web client writes the card out) and in the room list.
The live frame carries the same card data (tests/groups/test_meetup_card_language.py)."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import connections
from django.utils import timezone
from playwright.sync_api import expect

from groups.services import meetups as meetup_services
from groups.services.meetups import MeetupFields
from tests.factories import GroupRoomFactory, MembershipFactory, UserFactory
from tests.live import assert_accessible, log_in, open_room, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def schedule(host, room):
    """Through the real service, in a thread of its own: its broadcast uses async_to_sync,
    which cannot run in the thread where Playwright's event loop does."""
    start = timezone.now() + timedelta(days=3)
    fields = MeetupFields(
        title="Fika och prat",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        venue_name="Stadsbiblioteket",
        capacity=8,
    )

    def in_thread():
        try:
            meetup_services.meetup_create(user=host, group_id=room.group.pk, fields=fields)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(in_thread).result()


def test_a_meetup_card_reads_in_each_readers_language(new_phone, member, password, municipalities):
    room = GroupRoomFactory(name="Unga anhöriga", slug="unga-kort")
    host = MembershipFactory(group=room.group, role="host", user=UserFactory()).user
    reader = MembershipFactory(group=room.group, user=UserFactory(display_name="Läsaren")).user
    MembershipFactory(group=room.group, user=member)
    swedish, english = new_phone(), new_phone("en-GB")
    schedule(host, room)

    log_in(swedish, member, password)
    log_in(english, reader, password)
    open_room(swedish, room)
    open_room(english, room)

    card = ".chat-msg__body"
    expect(swedish.locator(card).last).to_contain_text("Ny träff: Fika och prat")
    expect(english.locator(card).last).to_contain_text("New meetup: Fika och prat")
    expect(english.locator(card).last).to_contain_text("at Stadsbiblioteket")
    screenshot(english, "meetup-card-en")
    english.reload()
    expect(english.locator("#chat-room")).to_have_attribute("data-connection", "up")
    expect(english.locator(card).last).to_contain_text("New meetup: Fika och prat")
    assert "Ny träff" not in english.locator("#chat-messages").inner_text()
    assert_accessible(english)
    english.goto("/rum/")
    expect(english.locator(".room-card__last").first).to_contain_text("New meetup: Fika och prat")
