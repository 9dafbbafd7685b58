"""Who looked, on a phone: a coordinator reads the talk requests, then finds that read in
the access log, filters it to one member, and the page passes axe.

Texts are matched in Swedish or English, so the test holds before and after the Swedish
catalogue gets the new entries."""

import re

import pytest
from playwright.sync_api import expect

from community.models import AccessEntry
from tests.live import assert_accessible, log_in, screenshot
from tests.support.factories import TalkRequestFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TALK_KIND = re.compile("(Samtalsförfrågan och dess anteckningar|Talk request and its notes)")


def test_a_coordinator_reviews_who_looked_on_a_phone(phone, member, coordinator, password):
    talk_request = TalkRequestFactory(user=member, preferred_times="Efter skolan")
    log_in(phone, coordinator, password)

    # given: the coordinator read the talk requests
    phone.goto("/samordning/samtal/")
    expect(phone.locator(f"#talk-{talk_request.pk}")).to_contain_text("Efter skolan")

    # when: they open the access log and follow the member's name
    phone.goto("/samordning/atkomstlogg/")
    entries = phone.locator(".access-log li")
    expect(entries).to_have_count(1)
    expect(entries.first).to_contain_text(TALK_KIND)
    assert_accessible(phone)
    entries.first.get_by_role("link", name=member.display_name).click()

    # then: the page is filtered to that member, and reading the log logged nothing
    phone.wait_for_url(f"**/samordning/atkomstlogg/?member={member.pk}")
    expect(phone.locator(".access-log li")).to_have_count(1)
    assert_accessible(phone)
    screenshot(phone, "access-log")
    assert list(AccessEntry.objects.values_list("actor_id", "member_id", "what")) == [
        (coordinator.pk, member.pk, "talk_request")
    ]
