"""Staff sign in with allauth's two-step page; a changed document is asked for on the next
page. Both pages pass axe on a phone."""

import re

import pytest
from playwright.sync_api import expect

from community.models import LegalVersion
from tests.factories import ModeratorFactory
from tests.live import assert_accessible, fresh_code, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_moderator_signs_in_with_the_code_and_reaches_the_staff_tools(phone, moderator, password):
    page = phone
    page.goto("/konto/login/")
    page.get_by_label("E-postadress").fill(moderator.email)
    page.get_by_label("Lösenord").fill(password)
    page.get_by_role("button", name="Logga in").click()

    page.wait_for_url("**/konto/2fa/authenticate/")
    assert_accessible(page)
    page.locator("input[name=code]").fill("000000")
    page.get_by_role("button", name="Logga in").click()
    expect(page.locator(".error-summary")).to_be_visible()
    page.locator("input[name=code]").fill(fresh_code(moderator))
    page.get_by_role("button", name="Logga in").click()

    page.wait_for_url("**/hem/")
    expect(page.get_by_role("link", name=re.compile("^(Moderering|Moderation)$"))).to_be_visible()
    screenshot(page, "staff-sign-in-home")


def test_staff_without_a_second_factor_see_the_prompt(phone, municipalities, password):
    page = phone
    moderator = ModeratorFactory(display_name="Utan Tvåsteg", second_factor=False)

    log_in(page, moderator, password)

    prompt = page.locator("#second-factor-prompt")
    expect(prompt).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("^(Moderering|Moderation)$"))).to_have_count(0)
    assert_accessible(page)
    prompt.get_by_role("link").click()
    page.wait_for_url(re.compile(r"/konto/(reauthenticate|2fa)/"))


def test_a_changed_privacy_notice_is_asked_for_at_the_next_page(phone, member, password):
    page = phone
    log_in(page, member, password)
    LegalVersion.objects.create(
        document="privacy_notice",
        version="2027-01",
        changes="Vi sparar chattmeddelanden i tolv månader.",
        text="Hela den nya texten.",
    )

    page.goto("/rum/")
    page.wait_for_url("**/villkor/godkann/?next=%2Frum%2F")
    expect(page.get_by_text("Vi sparar chattmeddelanden i tolv månader.")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "consent-re-ask")
    page.get_by_role("button", name=re.compile("(godkänner|accept)$")).click()

    page.wait_for_url("**/rum/")
