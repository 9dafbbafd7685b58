"""On a phone: a member reads and downloads their data, then deletes the account and undoes
it by logging in again."""

import json
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from community.models import User
from tests.community.privacy_life import NEEDS, live
from tests.e2e.test_chat_browser import log_in
from tests.live import assert_accessible, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_my_data_reads_on_a_phone_and_downloads_as_json(
    phone, member, other_member, coordinator, password
):
    live(member=member, other=other_member, coordinator=coordinator)
    log_in(phone, member, password)
    phone.set_viewport_size({"width": 390, "height": 844})

    # the settings page leads there
    phone.goto("/profil/installningar/")
    phone.locator('a[href="/profil/mina-uppgifter/"]').click()
    phone.wait_for_url("**/profil/mina-uppgifter/")

    # readable: every section a heading, nothing wider than the phone
    expect(phone.locator("h1")).to_have_count(1)
    expect(phone.locator("#data-rsvps")).to_contain_text(NEEDS)
    assert phone.evaluate("document.scrollingElement.scrollWidth") <= 390
    screenshot(phone, "my-data-390")
    assert_accessible(phone)

    # and the same as a file
    with phone.expect_download() as download:
        phone.locator('a[href="/api/v1/me/export/"]').click()
    data = json.loads(download.value.path().read_text(encoding="utf-8"))
    assert data["account"]["email"] == member.email
    assert download.value.suggested_filename.startswith("bredvid-")


def test_deleting_the_account_and_changing_ones_mind(phone, member, password):
    log_in(phone, member, password)
    phone.goto("/profil/installningar/")
    phone.locator('a[href="/profil/radera-konto/"]').click()
    phone.wait_for_url("**/profil/radera-konto/")
    assert_accessible(phone)

    # a wrong password: the form says so and nothing happens
    phone.locator('input[name="password"]').fill("fel-lösenord")
    phone.locator('form.form button[type="submit"]').click()
    expect(phone.locator(".field__errors, .error-summary").first).to_be_visible()
    member.refresh_from_db()
    assert member.erase_after is None

    # the right one: logged out, told when
    phone.locator('input[name="password"]').fill(password)
    phone.locator('form.form button[type="submit"]').click()
    phone.wait_for_url(lambda url: urlparse(url).path == "/")
    expect(phone.locator(".messages")).to_be_visible()
    member.refresh_from_db()
    assert member.erase_after is not None

    # logging in again keeps the account, and the page says so
    log_in(phone, member, password)
    expect(phone.locator(".messages")).to_be_visible()
    assert User.objects.get(pk=member.pk).erase_after is None
