"""A password change on one phone: that phone stays in its room, another one is signed out."""

import re

import pytest
from playwright.sync_api import expect

from chat.models import Message
from tests.e2e.test_chat_browser import eventually, log_in, message, open_room, watch_sockets, write

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "ett-helt-nytt-losenord-77"


def test_a_password_change_keeps_this_phone_in_its_room_and_signs_out_the_other(
    new_phone, member, topic_room, password
):
    # given: the same person in one room on two phones
    phone = new_phone()
    log_in(phone, member, password)
    sockets = watch_sockets(phone)  # the room's socket, not the home page's bell
    open_room(phone, topic_room)
    other_phone = new_phone()
    log_in(other_phone, member, password)
    open_room(other_phone, topic_room)

    # when: they change the password in another tab of the first phone
    tab = phone.context.new_page()
    tab.goto("/konto/password/change/")
    tab.locator("input[name=oldpassword]").fill(password)
    tab.locator("input[name=password1]").fill(NEW_PASSWORD)
    tab.locator("input[name=password2]").fill(NEW_PASSWORD)
    tab.locator("form.form button[type=submit]").click()
    tab.wait_for_url("**/konto/password/change/")

    # then: the other phone is sent to the login page; this one's room reconnects and sends
    other_phone.wait_for_url("**/konto/login/?**")
    eventually(phone, lambda: len(sockets) == 2)
    expect(phone.locator("#chat-room")).to_have_attribute("data-connection", "up")
    write(phone, "Fortfarande här")
    expect(message(phone, "Fortfarande här")).not_to_have_class(re.compile("chat-msg--pending"))
    assert Message.objects.get(body="Fortfarande här").author_id == member.pk
