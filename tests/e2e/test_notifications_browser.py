"""The notification centre on a phone: the bell rings live, the list, the settings page.

New texts are matched in Swedish or English, so the tests hold before and after the Swedish
catalogue gets the new entries.
"""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from community.models import Notification, NotificationPreferences, User
from tests.live import MESSAGE_BOX, assert_accessible, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_mention_rings_the_bell_live_and_all_can_be_marked_read(
    new_phone, member, other_member, topic_room, password
):
    # given: the member is on the home page, the bell's socket up, nothing unread
    phone = new_phone()
    sockets = []
    phone.on("websocket", lambda ws: sockets.append(ws.url))
    log_in(phone, member, password)
    bell = phone.locator("#notification-bell")
    expect(bell).to_have_attribute("data-live", "up")
    expect(bell.locator(".bell__count")).to_be_hidden()
    phone.evaluate("window.notReloaded = true")

    # when: someone in the room names them
    friend = new_phone()
    log_in(friend, other_member, password)
    friend.goto(f"/rum/{topic_room.pk}/")
    expect(friend.locator("#chat-room")).to_have_attribute("data-connection", "up")
    box = friend.get_by_role("textbox", name=MESSAGE_BOX)
    box.fill("@Solros kommer du på torsdag?")
    box.press("Enter")

    # then: the bell counts it without a reload, and says so to a screen reader
    expect(bell.locator(".bell__count")).to_have_text("1")
    expect(bell).to_have_attribute("aria-label", re.compile(r"^(Notiser|Notifications), 1 "))
    expect(phone.locator("#bell-status")).not_to_be_empty()
    assert phone.evaluate("window.notReloaded") is True
    assert len([url for url in sockets if url.endswith("/ws/")]) == 1
    assert_accessible(phone)
    screenshot(phone, "notification-bell-phone")

    # when: they open the list and mark everything read
    bell.click()
    phone.wait_for_url("**/notiser/")
    item = phone.locator(".notification--unread")
    expect(item).to_have_count(1)
    expect(item.locator("a")).to_have_attribute("href", f"/rum/{topic_room.pk}/")
    assert_accessible(phone)
    screenshot(phone, "notifications-list-phone")
    phone.get_by_role("button", name=re.compile(r"(Markera alla|Mark all)")).click()
    phone.wait_for_url("**/notiser/")

    # then
    expect(phone.locator(".notification--unread")).to_have_count(0)
    expect(phone.locator("#notification-bell .bell__count")).to_be_hidden()
    stored = [(n.user_id, n.kind, n.read_at is not None) for n in Notification.objects.all()]
    assert stored == [(member.pk, "mention", True)]


def test_the_bell_shares_the_room_pages_socket(
    new_phone, member, other_member, topic_room, password
):
    phone = new_phone()
    sockets = []
    phone.on("websocket", lambda ws: sockets.append(ws.url))
    log_in(phone, member, password)
    phone.goto(f"/rum/{topic_room.pk}/")
    expect(phone.locator("#chat-room")).to_have_attribute("data-connection", "up")
    opened = len(sockets)

    friend = new_phone()
    log_in(friend, other_member, password)
    friend.goto(f"/rum/{topic_room.pk}/")
    expect(friend.locator("#chat-room")).to_have_attribute("data-connection", "up")
    box = friend.get_by_role("textbox", name=MESSAGE_BOX)
    box.fill("Hej @solros!")
    box.press("Enter")

    expect(phone.locator("#notification-bell .bell__count")).to_have_text("1")
    assert len(sockets) == opened  # the room's one socket; the /hem/ one closed with its page


def test_the_settings_page_saves_privacy_and_notification_choices(phone, member, password):
    log_in(phone, member, password)
    phone.goto("/profil/installningar/")
    assert_accessible(phone)

    phone.locator("#id_hide_typing").check()
    phone.locator("#id_hide_typing").locator("xpath=ancestor::form").get_by_role("button").click()
    phone.wait_for_url("**/profil/installningar/")
    expect(phone.locator("#id_hide_typing")).to_be_checked()

    phone.locator('input[name="mention.push"]').uncheck()
    phone.locator("#id_quiet_start").fill("22:00")
    phone.locator("#id_quiet_end").fill("07:00")
    screenshot(phone, "settings-phone")
    phone.locator("#id_quiet_end").locator("xpath=ancestor::form").get_by_role(
        "button", name=re.compile("(Spara|Save)")
    ).click()
    phone.wait_for_url("**/profil/installningar/")

    expect(phone.locator('input[name="mention.push"]')).not_to_be_checked()
    expect(phone.locator("#id_quiet_start")).to_have_value("22:00")
    assert_accessible(phone)
    assert User.objects.get(pk=member.pk).hide_typing is True
    stored = NotificationPreferences.objects.get(user=member)
    assert stored.kinds["mention"] == {"in_app": True, "email": False, "push": False}
    assert (stored.quiet_start, stored.quiet_end) == (dt.time(22, 0), dt.time(7, 0))


def test_the_notification_list_grows_live(new_phone, member, other_member, topic_room, password):
    # given: the member has the (empty) list open
    phone = new_phone()
    log_in(phone, member, password)
    phone.goto("/notiser/")
    expect(phone.locator("#notification-bell")).to_have_attribute("data-live", "up")
    expect(phone.locator("#notifications-empty")).to_be_visible()
    phone.evaluate("window.notReloaded = true")

    # when: someone names them in a room
    friend = new_phone()
    log_in(friend, other_member, password)
    friend.goto(f"/rum/{topic_room.pk}/")
    expect(friend.locator("#chat-room")).to_have_attribute("data-connection", "up")
    box = friend.get_by_role("textbox", name=MESSAGE_BOX)
    box.fill("@Solros ses vi?")
    box.press("Enter")

    # then: it is at the top of the list without a reload, with a working "mark as read"
    item = phone.locator("#notification-list .notification--unread")
    expect(item).to_have_count(1)
    expect(item.locator("a")).to_have_attribute("href", f"/rum/{topic_room.pk}/")
    expect(item.locator("time")).to_have_text(re.compile(r"^\d{1,2} \w+, \d\d\.\d\d$"))
    expect(phone.locator("#notifications-empty")).to_be_hidden()
    expect(phone.locator("#notifications-unread")).to_contain_text("1")
    expect(phone.locator("#notifications-all")).to_be_visible()
    assert phone.evaluate("window.notReloaded") is True
    assert_accessible(phone)
    screenshot(phone, "notifications-live-phone")
    item.get_by_role("button", name=re.compile(r"(Markera som läst|Mark as read)")).click()
    phone.wait_for_url("**/notiser/")
    expect(phone.locator(".notification--unread")).to_have_count(0)
    assert Notification.objects.get(user=member).read_at is not None
