"""Find support on a phone: the finder's questions and ranked answers, asking to talk to
someone and the coordinator answering, and axe on every find-support page.

Texts of these pages are matched in Swedish or English, so the tests hold both before and
after the Swedish catalogue gets the new entries.
"""

import io
import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import connections
from playwright.sync_api import expect

from community.models import Organisation, SupportEntry, TalkRequest
from tests import live
from tests.factories import PeerGroupFactory, municipality
from tests.live import assert_accessible, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

A_PARENT = re.compile(r"^(En förälder|A parent)$")
TALK = re.compile(r"^(Någon att prata med|Someone to talk to)$")
AGE = re.compile(r"^(Din ålder|Your age)$")
MUNICIPALITY = re.compile(r"^(Din kommun|Your municipality)")
ADDICTION = re.compile(r"^(Missbruk eller beroende|Addiction)$")
SHOW = re.compile(r"^(Visa stöd|Show support)$")
CALL_BRIS = re.compile(r"^(Ring|Call) 116 111$")
ASK_TO_JOIN = re.compile(r"^(Be om att få gå med|Ask to join)$")
ASK_TO_TALK = re.compile(r"^(Be om ett samtal|Ask for a conversation)$")
BY_VIDEO = re.compile(r"^(Via video|På video|By video)$")
TIMES = re.compile(r"^(Tider som passar dig|Times that suit you)")
SEND = re.compile(r"^(Skicka förfrågan|Send the request)$")
SAVE = re.compile(r"^(Spara|Save)$")
BECAUSE_TALK = re.compile(r"(Because you chose: someone to talk to|: någon att prata med)")


def seed_demo() -> None:
    """The demo's meetup cards are broadcast with async_to_sync, which cannot run in this
    thread while Playwright's event loop does, so seeding runs in a thread of its own."""

    def in_thread():
        try:
            call_command("seed_demo", stdout=io.StringIO())
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(in_thread).result()


@pytest.fixture
def seeded(settings, municipalities):
    settings.DEBUG = True
    seed_demo()
    group = PeerGroupFactory(
        name="Unga med en förälder som dricker",
        slug="unga-foralder-missbruk",
        description="För dig vars mamma eller pappa har ett missbruk.",
        themes=["samtalsstod", "gemenskap"],
        organisation=Organisation.objects.get(slug="halmstad-anhorigstod"),
        municipality=municipality("1380"),
        min_age=13,
        max_age=20,
        joining="request",
    )
    return {"group": group}


def log_in(page, email, password="bredvid-demo"):  # noqa: S107 - the demo password
    live.log_in(page, email, password)


def results(page):
    return page.locator(".result-list > li")


def test_the_finder_answers_a_sixteen_year_old_on_a_phone(phone, seeded):
    page = phone
    page.goto("/")
    page.get_by_role("link", name=re.compile(r"^(Hitta stöd|Find support)$")).first.click()
    page.wait_for_url("**/hitta-stod/")
    assert_accessible(page)
    screenshot(page, "finder-questions-phone")

    page.get_by_label(A_PARENT).check()
    page.get_by_label(TALK).check()
    page.get_by_label(AGE).fill("16")
    page.get_by_label(MUNICIPALITY).select_option("1380")
    page.get_by_label(ADDICTION).check()
    page.get_by_role("button", name=SHOW).click()

    expect(results(page).first).to_be_visible()
    titles = results(page).locator(".result__title").all_inner_texts()
    assert titles[:3] == [
        "Bris – för dig under 18",
        "Unga med en förälder som dricker",
        "Samtalsstöd hos anhörigstödet",
    ]
    first, second, third = (results(page).nth(i) for i in range(3))
    expect(first.get_by_role("link", name=CALL_BRIS)).to_have_attribute("href", "tel:116111")
    expect(second.get_by_role("link", name=ASK_TO_JOIN)).to_have_attribute(
        "href", f"/grupper/{seeded['group'].pk}/"
    )
    expect(third.get_by_role("link", name=ASK_TO_TALK)).to_have_attribute(
        "href", "/prata-med-nagon/"
    )
    expect(first.locator(".result__reasons")).to_contain_text(BECAUSE_TALK)
    # Crisis numbers are always there, beside the answers.
    expect(page.locator(".help-now")).to_contain_text("90101")
    assert_accessible(page)
    screenshot(page, "finder-answers-phone")
    assert Session.objects.count() == 0  # nothing stored for someone who is not signed in


def test_every_public_find_support_page_passes_axe(phone, seeded):
    page = phone
    entry = SupportEntry.objects.get(slug="halmstad-avlosning")
    for path, name in [
        ("/stod/", "support-directory"),
        ("/stod/?q=avlösning&municipality=1380", "support-search"),
        (f"/stod/{entry.slug}/", "support-entry"),
        ("/organisationer/halmstad-anhorigstod/", "organisation"),
        ("/organisationer/bris/", None),
        ("/kunskap/", "articles"),
        ("/kunskap/att-vara-ung-anhorig/", "article"),
        ("/prata-med-nagon/", "talk-signed-out"),
    ]:
        page.goto(path)
        assert_accessible(page)
        if name:
            screenshot(page, name)
    page.goto(f"/stod/{entry.slug}/")
    expect(page.locator("#how-to-apply")).to_be_visible()


def test_a_member_asks_to_talk_and_the_coordinator_answers(new_phone, seeded):
    member = new_phone()
    log_in(member, "medlem@example.se")
    member.goto("/prata-med-nagon/")
    assert_accessible(member)
    member.get_by_label(BY_VIDEO).check()
    member.get_by_label(TIMES).fill("Efter skolan, tisdagar")
    member.get_by_role("button", name=SEND).click()
    member.wait_for_url("**/prata-med-nagon/")
    expect(member.locator(".talk-status")).to_be_visible()
    assert_accessible(member)
    screenshot(member, "talk-request-sent")
    talk_request = TalkRequest.objects.get()

    staff = new_phone()
    log_in(staff, "samordnare@example.se")
    staff.goto("/samordning/samtal/")
    assert_accessible(staff)
    item = staff.locator(f"#talk-{talk_request.pk}")
    expect(item).to_contain_text("Efter skolan, tisdagar")
    item.get_by_label(re.compile(r"^Status")).select_option("booked")
    item.get_by_label(re.compile(r"^(Intern anteckning|Internal note)")).fill("Torsdag 15.00")
    with staff.expect_navigation():  # the page is already at this address: wait for the answer
        item.get_by_role("button", name=SAVE).click()
    assert_accessible(staff)
    screenshot(staff, "talk-queue")

    member.reload()
    expect(member.locator(".talk-status__status")).to_contain_text(re.compile("(Bokad|Booked)"))
    expect(member.locator("main")).not_to_contain_text("Torsdag 15.00")
    talk_request.refresh_from_db()
    assert (talk_request.status, talk_request.internal_note) == ("booked", "Torsdag 15.00")


def test_every_coordinator_page_passes_axe(phone, seeded):
    page = phone
    log_in(page, "samordnare@example.se")
    entry = SupportEntry.objects.get(slug="halmstad-avlosning")
    article_id = entry.organisation.articles.first().pk
    for path in [
        "/hitta-stod/",
        "/samordning/stod/",
        "/samordning/stod/ny/",
        f"/samordning/stod/{entry.pk}/andra/",
        f"/samordning/stod/{entry.pk}/ta-bort/",
        "/samordning/kunskap/ny/",
        f"/samordning/kunskap/{article_id}/andra/",
        "/organisationer/halmstad-anhorigstod/andra/",
    ]:
        page.goto(path)
        assert_accessible(page)

    page.goto("/samordning/stod/ny/")
    page.get_by_role("button", name=SAVE).click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "entry-form-errors")
    page.goto("/organisationer/halmstad-anhorigstod/andra/")
    screenshot(page, "organisation-edit")
